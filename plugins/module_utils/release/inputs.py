"""Turning a helm_release task's inputs into a loaded chart and user values, as ``helm upgrade --install`` does.

Charts: every reference (a local directory or ``.tgz``, ``repo/chart``, a chart name with ``chart_repo_url``, a
``.tgz`` URL, ``oci://``) goes through the source layer's ``locate`` (``source/locate.py``).
Values: each values file in order, then ``release_values``, deep-merged like Helm's ``-f`` and ``--set-json``
(``pkg/cli/values/options.go: MergeValues``), with numbers as Go's JSON decoding gives them, then the ``--set``
variants (:func:`user_values`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional

from ..errors import ChartError, ValuesError
from ..yaml.load import load_values, merge_maps, to_json_values


def resolve_chart(chart_ref: str, options=None, chart_repo_url: str = None):
    """The loaded Chart of :func:`locate_chart` (without where it came from)."""
    return locate_chart(chart_ref, options, chart_repo_url)[0]


def locate_chart(chart_ref: str, options=None, chart_repo_url: str = None):
    """Load the chart ``chart_ref`` names through the source layer (``source/locate.py: load``); returns ``(Chart,
    LocatedChart)``. ``options``: a ``source/options.py: SourceOptions`` (version, credentials, TLS, ...). Raises
    :class:`ChartError` for a missing reference or local path, and what the source layer raises
    (RepositoryError/RegistryError) for remote references.
    """
    from ..source.locate import load
    from ..source.ref import ChartRef
    if not chart_ref:
        raise ChartError("chart_ref is required when state=present: a chart path, repo/chart, a chart name with "
                         "chart_repo_url, or a .tgz URL")
    return load(ChartRef.parse(chart_ref, chart_repo_url), options)


def local_path(chart_ref) -> str:
    """``chart_ref`` (str or None) read as a local path: ``~`` expanded, as the shell does for ``helm install``'s
    chart argument. chart_ref is a path *or* a reference (repo/chart, oci://, URL), so modules keep it type=str and
    expand it here. Returns str ("" for None)."""
    return os.path.expanduser(chart_ref or "")


def missing_values_file(path: str, searched=None) -> str:
    """The error for values file ``path`` when it does not exist on this (the managed) host, saying where it was
    looked for: here (absolute path) and, when the action plugin looked on the controller first, the controller
    paths ``searched`` (list of str). Returns "" when the file exists."""
    full = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(full):
        return ""
    where = "on the managed host at %s" % full
    if searched:
        unique = [p for index, p in enumerate(searched) if p not in searched[:index]]
        where = "on the controller in %s and %s" % (", ".join(unique), where)
    return ("values file %s not found: looked %s. Give a path relative to the playbook or role (its files/ "
            "directory is searched too) or an absolute path" % (path, where))


def collect_values(values_files=None, release_values=None) -> dict:
    """Merge ``values_files`` (paths, in order) and then ``release_values`` (dict) into the user values.

    Raises :class:`ValuesError` naming the file (and line) that cannot be read or parsed.
    """
    merged = {}
    for path in values_files or []:
        full = os.path.expanduser(path)
        if missing_values_file(path):
            raise ValuesError(missing_values_file(path))
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


@dataclass
class ValuesFile:
    """One values file (Helm's ``-f``): ``path`` (str, as the user gave it); ``content`` (str, the text the action
    plugin read on the controller, or None: read ``path`` on this host); ``vault`` (bool, the controller decrypted it
    from Ansible Vault); ``searched`` (list of str: the controller paths looked at when it was not found there, or
    None)."""
    path: str
    content: Optional[str] = None
    vault: bool = False
    searched: Optional[List[str]] = None


@dataclass
class SetValue:
    """One ``--set`` variant: ``value`` (``"a.b=c"``) and ``value_type`` (``raw`` for ``--set``, ``string``,
    ``json``, ``file``, ``literal`` for ``--set-string``, ``--set-json``, ``--set-file``, ``--set-literal``)."""
    value: str
    value_type: str = "raw"


# pkg/cli/values/options.go: MergeValues parses --set-json, then --set, --set-string, --set-file, --set-literal,
# each kind in the order given, every one into the same map (so "a[1]=x" edits the list "a={p,q}" made).
_SET_ORDER = ("json", "raw", "string", "file", "literal")


def _set_parser(value_type: str):
    from ..chart import setvalues
    return {"raw": setvalues.parse_set, "string": setvalues.parse_set_string, "json": setvalues.parse_set_json,
            "file": setvalues.parse_set_file, "literal": setvalues.parse_set_literal}[value_type]


def user_values(files=(), release_values: dict = None, set_values=()) -> dict:
    """The user values of an install or upgrade: ``files`` (:class:`ValuesFile`, in order), then ``release_values``
    (dict), then ``set_values`` (:class:`SetValue`) by kind in Helm's order (``--set-json``, ``--set``,
    ``--set-string``, ``--set-file``, ``--set-literal``), each kind in the order given, all into the same map.

    Raises :class:`ValuesError` naming the file, or the ``set_values`` entry by its index and type.
    """
    merged = {}
    for entry in files:
        if entry.content is None:  # not found on the controller: read it on the managed host
            missing = missing_values_file(entry.path, entry.searched)
            if missing:
                raise ValuesError(missing)
            merged = merge_maps(merged, collect_values([entry.path], None))
        else:
            merged = merge_maps(merged, load_values(entry.content.encode("utf-8"), source=entry.path))
    if release_values:
        if not isinstance(release_values, dict):
            raise ValuesError("release_values must be a mapping of values, got %s" % type(release_values).__name__)
        merged = merge_maps(merged, to_json_values(release_values))
    items = sorted(enumerate(set_values), key=lambda pair: _SET_ORDER.index(pair[1].value_type))
    for index, item in items:
        try:
            merged = _set_parser(item.value_type)(item.value, into=merged)
        except ValuesError as exc:
            raise ValuesError("set_values[%d] (value_type %s): %s" % (index, item.value_type, exc)) from None
    return merged


def cluster_renderer(client, release_name: str, namespace: str, skip_schema_validation: bool = False):
    """A ``render(chart, values, revision, is_upgrade)`` for the actions: ``chart/render.py: render_release`` with
    the cluster's ``.Capabilities`` (server version read once; discovery only if a template reads
    ``.Capabilities.APIVersions``, ``release/clustercaps.py``) and a live ``lookup``, as Helm's install and upgrade
    render; ``skip_schema_validation`` is Helm v4's ``--skip-schema-validation``."""
    from ..chart.render import render_release
    from .clustercaps import ClusterCapabilities

    capabilities = []

    def render(chart, values, revision, is_upgrade):
        if not capabilities:
            version = client.server_version()
            capabilities.append(ClusterCapabilities(version.get("gitVersion"), client.api_versions,
                                                    major=version.get("major"), minor=version.get("minor")))
        return render_release(chart, values, release_name=release_name, namespace=namespace, revision=revision,
                              is_upgrade=is_upgrade, capabilities=capabilities[0], lookup=client.lookup,
                              skip_schema_validation=skip_schema_validation)
    return render
