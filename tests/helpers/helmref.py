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
"""
from __future__ import annotations

import os
import tempfile

import helm_python

HelmError = helm_python.HelmError

#: Helm's defaults for ``helm template``: the release name and namespace the throw-away charts render with.
RELEASE = "release-name"
NAMESPACE = "default"
#: The name of every throw-away chart (its templates are ``c/templates/...``).
CHART = "c"
_CHART_YAML = "apiVersion: v2\nname: %s\nversion: 0.1.0\n"

#: A kubeconfig naming no reachable cluster: enough for Helm's client-side dry-run install.
OFFLINE_KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
users: [{name: u, user: {token: unused}}]
"""


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
    """Helm's render of the chart directory or archive ``path`` with user ``values``:
    ``{template path: text}`` (helm template's engine output, before hooks and manifests are split)."""
    chart = helm_python.Chart.load(path) if os.path.isdir(path) else helm_python.Chart.load_archive(path)
    return chart.render(values or {}, name=release, namespace=namespace)


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
    """A configuration for client-side dry runs, with no cluster: writes OFFLINE_KUBECONFIG into ``directory``."""
    path = os.path.join(str(directory), "kubeconfig")
    with open(path, "w") as handle:
        handle.write(OFFLINE_KUBECONFIG)
    return config(path, namespace)


def dry_run_install(directory, path: str, values: dict | None = None, release: str = RELEASE,
                    namespace: str = NAMESPACE) -> dict:
    """Helm's ``install --dry-run=client`` of the chart directory ``path`` (no cluster; a kubeconfig is written
    into ``directory``): the release as helm_python returns it (``manifest``, ``info.notes``, ``hooks``, ...)."""
    return offline_config(directory, namespace).install(helm_python.Chart.load(path), release, values,
                                                        namespace=namespace, dry_run="client")
