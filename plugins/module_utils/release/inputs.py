"""Turning a helm_release task's inputs into a loaded chart and user values, as ``helm upgrade --install`` does.

Charts: a local directory or ``.tgz`` path is loaded directly; anything else (``repo/chart``, a chart name with
``chart_repo_url``, a ``.tgz`` URL, ``oci://``) goes through the repository layer's ``fetch_chart``.
Values: each ``values_files`` entry in order, then ``release_values``, deep-merged like Helm's ``-f`` and
``--set-json`` (``pkg/cli/values/options.go: MergeValues``), with numbers as Go's JSON decoding gives them.
"""
from __future__ import annotations

import os

from ..chart.goyamlload import load_values, merge_maps, to_json_values
from ..chart.loader import load_chart
from ..errors import ChartError, ValuesError

_PATH_PREFIXES = ("/", "./", "../", "~")


def resolve_chart(chart_ref: str, chart_version: str = None, chart_repo_url: str = None, fetch=None):
    """Load the chart ``chart_ref`` names; returns the loaded Chart (``chart/loader.py``).

    ``fetch(chart_ref, version, repo_url) -> FetchedChart`` defaults to ``repo/fetch.py: fetch_chart``. Raises
    :class:`ChartError` for a local path that does not exist, and whatever the repository layer raises
    (``RepositoryError``) for remote references.
    """
    if not chart_ref:
        raise ChartError("chart_ref is required when state=present: a chart path, repo/chart, a chart name with "
                         "chart_repo_url, or a .tgz URL")
    local = local_path(chart_ref)
    if not chart_repo_url and os.path.exists(local):
        return load_chart(local)
    if not chart_repo_url and chart_ref.startswith(_PATH_PREFIXES):
        raise ChartError("chart path %s not found; give an existing chart directory or .tgz file" % chart_ref)
    if fetch is None:
        from ..repo.fetch import fetch_chart as fetch
    fetched = fetch(chart_ref, chart_version, chart_repo_url)
    return load_chart(fetched.path)


def local_path(chart_ref) -> str:
    """``chart_ref`` (str or None) read as a local path: ``~`` expanded, as the shell does for ``helm install``'s
    chart argument. chart_ref is a path *or* a reference (repo/chart, oci://, URL), so modules keep it type=str and
    expand it here. Returns str ("" for None)."""
    return os.path.expanduser(chart_ref or "")


def collect_values(values_files=None, release_values=None) -> dict:
    """Merge ``values_files`` (paths, in order) and then ``release_values`` (dict) into the user values.

    Raises :class:`ValuesError` naming the file (and line) that cannot be read or parsed.
    """
    merged = {}
    for path in values_files or []:
        full = os.path.expanduser(path)
        try:
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ValuesError("cannot read values file %s: %s" % (path, exc.strerror or exc)) from None
        merged = merge_maps(merged, load_values(data, source=path))
    if release_values:
        if not isinstance(release_values, dict):
            raise ValuesError("release_values must be a mapping of values, got %s" % type(release_values).__name__)
        merged = merge_maps(merged, to_json_values(release_values))
    return merged


def cluster_renderer(client, release_name: str, namespace: str):
    """A ``render(chart, values, revision, is_upgrade)`` for the actions: ``chart/render.py: render_release`` with
    the cluster's ``.Capabilities`` (server version read once; discovery only if a template reads
    ``.Capabilities.APIVersions``, ``release/clustercaps.py``) and a live ``lookup``, as Helm's install and upgrade
    render."""
    from ..chart.render import render_release
    from .clustercaps import ClusterCapabilities

    capabilities = []

    def render(chart, values, revision, is_upgrade):
        if not capabilities:
            version = client.server_version()
            capabilities.append(ClusterCapabilities(version.get("gitVersion"), client.api_versions,
                                                    major=version.get("major"), minor=version.get("minor")))
        return render_release(chart, values, release_name=release_name, namespace=namespace, revision=revision,
                              is_upgrade=is_upgrade, capabilities=capabilities[0], lookup=client.lookup)
    return render
