"""``helm lint`` in pure Python: Helm v4's lint rules (pkg/chart/v2/lint ``RunAll`` and pkg/action/lint.go).

:func:`lint` is the public entry point; the rules live in :mod:`.chartfile` (Chart.yaml) and :mod:`.rules` (values,
templates, dependencies, CRDs), run in Helm's order with Helm's paths, severities and wording.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from ...errors import ChartError
from ..loader import read_archive
from .chartfile import lint_chartfile
from .rules import lint_crds, lint_dependencies, lint_templates, lint_values
from .support import ERROR, SEVERITY_NAMES, WARNING, Linter  # noqa: F401
from ..package import archive_bytes

__all__ = ["lint", "lint_chart_dir", "SEVERITY_NAMES"]


def lint_chart_dir(chart_dir: str, values=None, namespace: str = "default", kube_version=None,
                   skip_schema_validation: bool = False) -> list:
    """Run every rule on one chart directory (Helm's ``lint.RunAll``); returns the findings (support.Linter)."""
    linter = Linter(os.path.abspath(chart_dir))
    values = values or {}
    lint_chartfile(linter)
    lint_values(linter, values, skip_schema_validation)
    lint_templates(linter, values, namespace, kube_version, skip_schema_validation)
    lint_dependencies(linter)
    lint_crds(linter)
    return linter.messages


def _extract(archive: str, workdir: str) -> str:
    """Unpack a chart archive safely (our loader's bounded reader) into ``workdir``; returns the chart directory."""
    with open(archive, "rb") as handle:
        files = read_archive(handle.read(), archive)
    chart_dir = os.path.join(workdir, "chart")
    for item in files:  # names are relative to the chart's top directory, already checked for escapes
        target = os.path.join(chart_dir, item.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(item.data)
    return chart_dir


def _subchart_paths(chart_dir: str) -> list:
    """What ``helm lint --with-subcharts`` adds: every chart directory and archive below charts/, in walk order."""
    out = []
    for root, dirs, files in os.walk(os.path.join(chart_dir, "charts")):
        dirs.sort()
        for name in sorted(files):
            if name == "Chart.yaml":
                out.append(root)
            elif name.endswith((".tgz", ".tar.gz")):
                out.append(os.path.join(root, name))
    return out


def lint(path: str, values=None, strict: bool = False, namespace: str = "default", with_subcharts: bool = False,
         kube_version=None, skip_schema_validation: bool = False) -> dict:
    """Lint the chart directory or ``.tgz`` at ``path`` like ``helm lint`` (Helm v4.2.3).

    Args:
        values (dict | None): user values, coalesced over each chart's values.yaml.
        strict (bool): warnings count as failures. namespace (str): ``.Release.Namespace``.
        with_subcharts (bool): also lint every chart under charts/. kube_version (str | None): e.g. "v1.30.0";
            sets ``.Capabilities.KubeVersion`` and which API versions are deprecated (default v1.36).
        skip_schema_validation (bool): do not check values against values.schema.json.

    Returns:
        ``{"total_charts_linted": int, "messages": [{"severity": int, "path": str, "error": str}],
        "errors": [str]}``, what helm_python.lint returns: severities 1 info, 2 warning, 3 error; ``errors``
        holds the texts at or above the failing severity.

        A path without Chart.yaml is not counted and gives Helm's ``unable to check Chart.yaml file in chart``
        error in ``errors``.

    Raises:
        ChartError: the archive cannot be read (not gzip/tar, unsafe entries, too large).
    """
    paths = [path]
    if with_subcharts and os.path.isdir(path):
        paths += _subchart_paths(path)
    tolerance = WARNING if strict else ERROR
    result = {"total_charts_linted": 0, "messages": [], "errors": []}
    for chart_path in paths:
        try:
            messages = _lint_one(chart_path, values, namespace, kube_version, skip_schema_validation)
        except _NotAChart as exc:  # Helm: an error of the run, not a finding, and the chart is not counted
            result["errors"].append(str(exc))
            continue
        result["messages"].extend(messages)
        result["total_charts_linted"] += 1
        result["errors"].extend(m["error"] for m in messages if m["severity"] >= tolerance)
    return result


class _NotAChart(ChartError):
    """The path holds no Chart.yaml."""


def _lint_one(path, values, namespace, kube_version, skip_schema_validation) -> list:
    workdir = None
    try:
        if os.path.isfile(path) and path.endswith((".tgz", ".tar.gz")):
            workdir = tempfile.mkdtemp(prefix="helmkit-lint-")
            path = _extract(path, workdir)
        chart_yaml = os.path.join(path, "Chart.yaml")
        if not os.path.exists(chart_yaml):
            raise _NotAChart("unable to check Chart.yaml file in chart: stat %s: no such file or directory"
                             % chart_yaml)
        return lint_chart_dir(path, values, namespace, kube_version, skip_schema_validation)
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def lint_loaded_chart(chart, values=None, namespace: str = "default", kube_version=None, strict: bool = False) -> dict:
    """Lint a chart already loaded (from a repository, a registry or disk), as ``helm lint`` lints its archive.

    The chart is written as Helm would package it (chart/package.py) to a private temporary directory, linted
    there and removed. Returns what :func:`lint` returns.
    """
    workdir = tempfile.mkdtemp(prefix="helmkit-lint-")
    try:
        archive = os.path.join(workdir, "chart.tgz")
        with open(archive, "wb") as handle:
            handle.write(archive_bytes(chart, exact=False))  # read back here only: zlib is enough
        return lint(archive, values, strict=strict, namespace=namespace, kube_version=kube_version)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def require_clean(report: dict, what: str) -> None:
    """Raise ChartError listing the failing findings of ``report`` (from :func:`lint`), for ``lint: true`` options.

    ``what`` names the chart in the message. Does nothing when nothing fails."""
    if not report["errors"]:
        return
    raise ChartError("lint of %s failed (%d problem(s)); fix them or set lint: false:\n%s" % (
        what, len(report["errors"]), "\n".join("- %s" % e for e in report["errors"])))
