"""Helm v4's lint rules for values, templates, dependencies and CRDs (pkg/chart/v2/lint/rules/values.go,
template.go, dependencies.go, crds.go): same checks, order, paths and wording.
"""
from __future__ import annotations

import json
import os

from ...errors import HelmkitError
from ...gocompat.strconv import go_quote
from ..render import schema_errors, render_for_lint, validate_values_schema
from ..values import coalesce_tables, coalesce_values, deep_copy, process_dependencies
from .deprecations import deprecation_problem
from .k8sdoc import DocError, first_document, iter_objects
from .loadcheck import load_like_helm, read_values
from .names import metadata_name_problem
from .support import ERROR, INFO, WARNING

_SELECTOR_KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")


def lint_values(linter, overrides: dict, skip_schema_validation: bool) -> None:
    """values.yaml parses, and (with a values.schema.json beside it) the values with ``overrides`` meet it."""
    name = "values.yaml"
    path = os.path.join(linter.chart_dir, name)
    if not linter.run(INFO, name, None if os.path.exists(path) else "file does not exist"):
        return
    linter.run(ERROR, name, _values_problem(path, overrides, skip_schema_validation))


def _values_problem(path: str, overrides: dict, skip_schema_validation: bool):
    values, problem = read_values(path)
    if problem:
        return "unable to parse YAML: %s" % problem
    merged = coalesce_tables(coalesce_tables({}, deep_copy(overrides or {})), values)
    schema_path = path[:-len(".yaml")] + ".schema.json"
    try:
        with open(schema_path, "rb") as handle:
            schema = handle.read()
    except OSError:
        return None
    if not schema or skip_schema_validation:
        return None
    try:
        errors = schema_errors(json.loads(schema), merged, schema_path)
    except ValueError as exc:
        return "failed to unmarshal JSON schema: %s" % exc
    return "".join(line + "\n" for line in errors) or None


def lint_templates(linter, values: dict, namespace: str, kube_version, skip_schema_validation: bool) -> None:
    """Render the chart in lint mode and check every top-level template (Helm's ``templateLinter.Lint``)."""
    where = "templates/"
    path = os.path.join(linter.chart_dir, "templates")
    if not linter.run(WARNING, where, None if os.path.exists(path) else "directory does not exist"):
        return
    if not linter.run(ERROR, where, None if os.path.isdir(path) else "not a directory"):
        return
    chart, problem = load_like_helm(linter.chart_dir)
    if not linter.run(ERROR, where, problem):
        return
    try:
        processed = process_dependencies(chart, values)
        coalesced = coalesce_values(processed, values)
    except HelmkitError:
        return  # Helm returns quietly when dependencies or values cannot be processed
    if not skip_schema_validation:
        try:
            validate_values_schema(processed, coalesced)
        except HelmkitError as exc:
            linter.run(ERROR, where, str(exc))
            return
    try:
        rendered = render_for_lint(processed, coalesced, namespace, kube_version)
    except HelmkitError as exc:
        linter.run(ERROR, where, str(exc))
        return
    version = _major_minor(kube_version)
    for template in chart.templates:
        _lint_template(linter, template.name, rendered.get("%s/%s" % (chart.name, template.name), ""), version)


def _major_minor(kube_version):
    if not kube_version:
        return None
    parts = kube_version.lstrip("v").split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base[base.rindex("."):] if "." in base else ""


def _lint_template(linter, name: str, content: str, kube_version) -> None:
    ext = _extension(name)
    linter.run(ERROR, name, None if ext in (".yaml", ".yml", ".tpl", ".txt") else
               "file extension '%s' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt" % ext)
    if ext.lower() not in (".yaml", ".yml") or not content.strip():
        return
    linter.run(WARNING, name, _top_indent_problem(content))
    try:
        for obj in iter_objects(content):
            if obj is None:
                continue
            linter.run(WARNING, name, metadata_name_problem(obj["kind"], obj["name"]))
            linter.run(WARNING, name, deprecation_problem(obj["apiVersion"], obj["kind"], kube_version))
            linter.run(ERROR, name, _selector_problem(obj, content))
            linter.run(ERROR, name, _list_problem(obj, content))
    except DocError as exc:
        linter.run(ERROR, name, "unable to parse YAML: %s" % exc)


def _top_indent_problem(content: str):
    for line in content.splitlines():
        if not line.strip():
            continue
        if line.startswith((" ", "\t")):
            return "document starts with an illegal indent: %s, which may cause parsing problems" % go_quote(line)
        return None
    return None


def _selector_problem(obj: dict, content: str):
    if obj["kind"] in _SELECTOR_KINDS and "matchLabels" not in content and "matchExpressions" not in content:
        return "a %s must contain matchLabels or matchExpressions, and %s does not" % (
            obj["kind"], go_quote(obj["name"]))
    return None


def _list_problem(obj: dict, content: str):
    if obj["kind"] != "List":
        return None
    try:
        doc = first_document(content)
    except DocError as exc:
        return "unable to parse YAML: %s" % exc
    items = doc.get("items") if isinstance(doc, dict) else None
    for item in items if isinstance(items, list) else ():
        meta = item.get("metadata") if isinstance(item, dict) else None
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(annotations, dict) and "helm.sh/resource-policy" in annotations:
            return "annotation 'helm.sh/resource-policy' within List objects are ignored"
    return None


def lint_dependencies(linter) -> None:
    """Chart.yaml's dependencies and charts/ agree, and no two share a name or alias (Helm's ``Dependencies``)."""
    chart, problem = load_like_helm(linter.chart_dir)
    if not linter.run(ERROR, "", None if problem is None else "unable to load chart\n\t%s" % problem):
        return
    declared = [d.get("name", "") for d in chart.metadata.get("dependencies", [])]
    present = [sub.name for sub in chart.dependencies]
    extra = [n for n in present if n not in declared]
    linter.run(ERROR, linter.chart_dir, "chart metadata is missing these dependencies: %s" % ",".join(extra)
               if extra else None)
    seen, shadowing = set(), []
    for dep in chart.metadata.get("dependencies", []):
        key = dep.get("alias") or dep.get("name", "")
        if key in seen:
            shadowing.append(key)
        seen.add(key)
    linter.run(ERROR, linter.chart_dir, "multiple dependencies with name or alias: %s" % ",".join(shadowing)
               if shadowing else None)
    missing = [n for n in declared if n not in present]
    linter.run(WARNING, linter.chart_dir, "chart directory is missing these dependencies: %s" % ",".join(missing)
               if missing else None)


def _crd_files(chart) -> list:
    out = [f for f in chart.files if f.name.startswith("crds/") and _extension(f.name).lower() in
           (".yaml", ".yml", ".json")]
    for sub in chart.dependencies:
        out.extend(_crd_files(sub))
    return out


def lint_crds(linter) -> None:
    """Files under crds/ are plain CustomResourceDefinitions (Helm's ``Crds``)."""
    where = "crds/"
    path = os.path.join(linter.chart_dir, "crds")
    if not os.path.exists(path):
        return
    if not linter.run(ERROR, where, None if os.path.isdir(path) else "not a directory"):
        return
    chart, problem = load_like_helm(linter.chart_dir)
    if not linter.run(ERROR, where, problem):
        return
    for crd in _crd_files(chart):
        try:
            for obj in iter_objects(crd.data.decode("utf-8", "replace")):
                if obj is None:
                    continue
                linter.run(ERROR, crd.name, None if obj["apiVersion"].startswith("apiextensions.k8s.io") else
                           "apiVersion is not in 'apiextensions.k8s.io'")
                linter.run(ERROR, crd.name, None if obj["kind"] == "CustomResourceDefinition" else
                           "object kind is not 'CustomResourceDefinition'")
        except DocError as exc:
            linter.run(ERROR, crd.name, "unable to parse YAML: %s" % exc)
            return
