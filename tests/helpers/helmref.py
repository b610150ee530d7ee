"""The Helm v4 reference for the tests: real Helm through PyPI helm-python-sdk (``import helm_python``), tests only.

One home for the Helm calls that several tests make; a test that needs one specific helm_python call (lint, package,
pull, verify, repo index, ...) makes it itself. Everything here raises ``HelmError`` (helm_python's) when Helm fails,
unless its name says it returns the error.

* Throw-away charts: :func:`write_chart`, :func:`render` (``{template path: text}``), :func:`render_error`.
* Template cases, one template file per case in one chart: :func:`render_cases`, :func:`case_error`,
  :func:`case_name` (the name Helm gives the file, for the our-side renders in tests/helpers/ourrender.py).
* Charts on disk: :func:`render_chart`; a dry-run install (Helm's release manifest, notes and hooks) with no cluster:
  :func:`offline_config`, :func:`dry_run_install`.
* A cluster (the kubeapi emulator or HELMKIT_TEST_KUBECONFIG): :func:`config`.
* Masterminds/semver answers, through Sprig in templates: :class:`HelmSemver`.
"""
from __future__ import annotations

import os
import tempfile

import helm_python

from tests.helpers.playbook import KUBECONFIG

HelmError = helm_python.HelmError

#: Helm's defaults for ``helm template``: the release name and namespace the throw-away charts render with.
RELEASE = "release-name"
NAMESPACE = "default"
#: The name of every throw-away chart (its templates are ``c/templates/...``).
CHART = "c"
_CHART_YAML = "apiVersion: v2\nname: %s\nversion: 0.1.0\n"


def write_chart(root: str, templates: dict, values_yaml: str = "", name: str = CHART) -> str:
    """Write chart ``name`` (apiVersion v2, version 0.1.0) under directory ``root``: ``templates`` is
    ``{path relative to templates/: text}``, ``values_yaml`` the text of values.yaml. Returns the chart directory."""
    chart_dir = os.path.join(root, name)
    os.makedirs(os.path.join(chart_dir, "templates"), exist_ok=True)
    with open(os.path.join(chart_dir, "Chart.yaml"), "w") as handle:
        handle.write(_CHART_YAML % name)
    with open(os.path.join(chart_dir, "values.yaml"), "w", encoding="utf-8") as handle:
        handle.write(values_yaml)
    for rel, text in templates.items():
        path = os.path.join(chart_dir, "templates", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return chart_dir


def render_chart(path: str, values: dict | None = None, release: str = RELEASE, namespace: str = NAMESPACE) -> dict:
    """Helm's render of the chart directory or ``.tgz`` ``path`` with user ``values``:
    ``{template path: text}`` (helm template's engine output, before hooks and manifests are split)."""
    return helm_python.Chart.load(path).render(values or {}, name=release, namespace=namespace)


def render(templates: dict, values: dict | None = None, values_yaml: str = "", name: str = CHART) -> dict:
    """Render a throw-away chart (see :func:`write_chart`) with Helm: ``{template path: text}``."""
    with tempfile.TemporaryDirectory() as root:
        return render_chart(write_chart(root, templates, values_yaml, name), values)


def render_error(templates: dict, values: dict | None = None, values_yaml: str = "") -> str:
    """Helm's error message for a throw-away chart that fails to render ("" when it renders)."""
    try:
        render(templates, values, values_yaml)
    except HelmError as exc:
        return str(exc)
    return ""


def case_name(case: str) -> str:
    """Helm's name of the template file that holds ``case`` in :func:`render_cases`."""
    return "%s/templates/%s.yaml" % (CHART, case)


def render_cases(cases: dict, values: dict | None = None) -> dict:
    """Render every ``{case: template text}`` with Helm in one chart (one Helm call); returns ``{case: output}``.
    One failing case fails the call: use :func:`case_error` for those."""
    rendered = render({case + ".yaml": text for case, text in cases.items()}, values)
    return {case: rendered[case_name(case)] for case in cases}


def case_error(case: str, text: str, values: dict | None = None, partials: dict | None = None) -> str:
    """Helm's error for the template case ``text``, rendered beside ``partials`` ``{case: text}``
    ("" when it renders)."""
    files = {case: text}
    files.update(partials or {})
    try:
        render_cases(files, values)
    except HelmError as exc:
        return str(exc)
    return ""


def config(kubeconfig: str, namespace: str = NAMESPACE, **options) -> helm_python.Config:
    """Helm's action configuration for the cluster of the kubeconfig file ``kubeconfig`` (the kubeapi emulator or
    the real cluster of HELMKIT_TEST_KUBECONFIG); ``options`` are helm_python.Config's (e.g. storage_driver)."""
    return helm_python.Config(kubeconfig_path=kubeconfig, namespace=namespace, **options)


def offline_config(directory, namespace: str = NAMESPACE) -> helm_python.Config:
    """A configuration for client-side dry runs, with no cluster: writes playbook.KUBECONFIG (naming no reachable
    cluster) into ``directory``."""
    path = os.path.join(str(directory), "kubeconfig")
    with open(path, "w") as handle:
        handle.write(KUBECONFIG)
    return config(path, namespace)


def dry_run_install(directory, path: str, values: dict | None = None, release: str = RELEASE,
                    namespace: str = NAMESPACE) -> dict:
    """Helm's ``install --dry-run=client`` of the chart directory ``path`` (no cluster; a kubeconfig is written
    into ``directory``): the release as helm_python returns it (``manifest``, ``info.notes``, ``hooks``, ...)."""
    return offline_config(directory, namespace).install(helm_python.Chart.load(path), release, values,
                                                        namespace=namespace, dry_run="client")


# -- Masterminds/semver, as Helm calls it ------------------------------------------------------------------------

_COMPARE = (
    '{{- range .Values.cases }}\n'
    '{{ semverCompare .c .v }}\n'
    '{{- end }}\n'
)
_PARSE = (
    '{{- range .Values.cases }}{{ $v := semver .v }}\n'
    '{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|{{ $v.Metadata }}|'
    '{{ $v.Original }}|{{ $v.String }}\n'
    '{{- end }}\n'
)
_ORDER = (
    '{{- range .Values.cases }}\n'
    '{{ (semver .a).Compare (semver .b) }}\n'
    '{{- end }}\n'
)


class HelmSemver(object):
    """Ask real Helm how Masterminds/semver answers (Sprig's ``semverCompare`` / ``semver`` call
    Masterminds/semver/v3 as Helm does); errors come back as their message string. ``directory`` holds its three
    charts (a new temporary directory by default)."""

    def __init__(self, directory=None):
        self._dir = directory or tempfile.mkdtemp(prefix="helm-semver-")
        self._charts = {}
        for name, body in (("compare", _COMPARE), ("parse", _PARSE), ("order", _ORDER)):
            self._charts[name] = helm_python.Chart.load(write_chart(self._dir, {"t.yaml": body}, name=name))

    def _render(self, name, cases):
        out = self._charts[name].render({"cases": cases}, name="x", namespace="d")
        lines = list(out.values())[0].split("\n")[1:]
        return lines[:len(cases)]

    def _batch(self, name, cases):
        """Render all cases at once; fall back to one by one when one of them makes Helm fail."""
        try:
            return self._render(name, cases)
        except HelmError:
            results = []
            for case in cases:
                try:
                    results.extend(self._render(name, [case]))
                except HelmError as exc:
                    results.append("ERROR: " + str(exc).split("error calling semver", 1)[-1].split(": ", 1)[-1])
            return results

    def compare(self, pairs):
        """[(constraint, version)] -> list of True/False or "ERROR: message"."""
        res = self._batch("compare", [{"c": c, "v": v} for c, v in pairs])
        return [{"true": True, "false": False}.get(r, r) for r in res]

    def parse(self, versions):
        """[version] -> list of (major, minor, patch, pre, metadata, original, string) or "ERROR: message"."""
        res = self._batch("parse", [{"v": v} for v in versions])
        out = []
        for r in res:
            if r.startswith("ERROR: "):
                out.append(r)
            else:
                parts = r.split("|")
                out.append((int(parts[0]), int(parts[1]), int(parts[2])) + tuple(parts[3:]))
        return out

    def order(self, pairs):
        """[(a, b)] -> list of -1/0/1."""
        return [int(r) for r in self._batch("order", [{"a": a, "b": b} for a, b in pairs])]
