"""Loading a chart for lint, with the error texts of Helm v4's loader (pkg/chart/v2/loader ``LoadFiles`` and
``Metadata.Validate``), which lint prints verbatim.
"""
from __future__ import annotations

import os
import re

from ...errors import HelmkitError
from ...gocompat.strconv import go_quote
from ...libraries import yaml
from ...semver import SemverError, parse_version
from ...yaml import aliases
from ...yaml.errors import go_yaml_error_text
from ...yaml.load import GoYamlLoader, load_values
from ..loader import load_directory
from .chartfile import load_chartfile

_ALIAS = re.compile(r"^[a-zA-Z0-9_-]+$")


def _quote(text: str) -> str:
    return go_quote(text)


def _validation_problem(meta: dict):
    """Helm's Metadata.Validate, on metadata read by :func:`chartfile.load_chartfile`; the text or None."""
    name, version = meta.get("name", ""), meta.get("version", "")
    if not name:
        return "chart.metadata.name is required"
    if os.path.basename(name.rstrip("/")) != name or name.endswith("/"):
        return "chart.metadata.name %s is invalid" % _quote(name)
    if not version:
        return "chart.metadata.version is required"
    try:
        parse_version(version)
    except (SemverError, ValueError):
        return "chart.metadata.version %s is invalid" % _quote(version)
    if meta.get("type", "") not in ("", "application", "library"):
        return "chart.metadata.type must be application or library"
    if any(m is None for m in meta.get("maintainers", [])):
        return "maintainers must not contain empty or null nodes"
    seen = set()
    for dep in meta.get("dependencies", []):
        if dep is None:
            return "dependencies must not contain empty or null nodes"
        if dep.get("alias") and not _ALIAS.match(dep["alias"]):
            return "dependency %s has disallowed characters in the alias" % _quote(dep.get("name", ""))
        key = dep.get("alias") or dep.get("name", "")
        if key in seen:
            return "more than one dependency with name or alias %s" % _quote(key)
        seen.add(key)
    return None


def read_values(path: str):
    """``(values, None)`` for a values file Helm reads, else ``(None, Go's error text)`` such as
    ``error converting YAML to JSON: yaml: line 1: ...``."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return None, "open %s: %s" % (path, (exc.strerror or str(exc)).lower())
    text = data.decode("utf-8", "replace")
    try:
        aliases.load_all(text, GoYamlLoader)
    except yaml.YAMLError as exc:
        return None, "error converting YAML to JSON: %s" % go_yaml_error_text(exc, text)
    try:
        return load_values(data, os.path.basename(path)), None
    except HelmkitError as exc:
        return None, str(exc)


def load_like_helm(chart_dir: str):
    """``(chart, None)`` for a chart directory Helm loads, else ``(None, Helm's error text)``."""
    chart_yaml = os.path.join(chart_dir, "Chart.yaml")
    if not os.path.isfile(chart_yaml):
        return None, "Chart.yaml file is missing"
    try:
        meta, _raw = load_chartfile(chart_yaml)
    except ValueError as exc:
        return None, "cannot load Chart.yaml: %s" % exc
    values_yaml = os.path.join(chart_dir, "values.yaml")
    if os.path.isfile(values_yaml):
        _values, problem = read_values(values_yaml)
        if problem:
            return None, "cannot load values.yaml: cannot unmarshal yaml document: %s" % problem
    problem = _validation_problem(meta)
    if problem:
        return None, "validation: " + problem
    try:
        return load_directory(chart_dir), None
    except HelmkitError as exc:
        return None, str(exc)
