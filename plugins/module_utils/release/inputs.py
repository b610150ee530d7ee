"""Turning a helm_release task's inputs into a loaded chart and user values, as ``helm upgrade --install`` does.

Charts: every reference (a local directory or ``.tgz``, ``repo/chart``, a chart name with ``chart_repo_url``, a
``.tgz`` URL, ``oci://``) goes through the source layer's ``locate`` (``source/locate.py``).
Values: each values file in order, then ``release_values``, then the ``--set`` variants, as Helm's
``pkg/cli/values/options.go: MergeValues`` does (:func:`user_values`; the merge itself is
``chart/uservalues.py: merge_values``, shared with helm_template and helm_lint).
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import List, Optional

from ..chart.uservalues import merge_values
from ..errors import ChartError, ValuesError
from ..source.locate import load
from ..source.ref import ChartRef
from .clustercaps import ClusterCapabilities


def resolve_chart(chart_ref: str, options=None, chart_repo_url: str = None):
    """The loaded Chart of :func:`locate_chart` (without where it came from)."""
    return locate_chart(chart_ref, options, chart_repo_url)[0]


def locate_chart(chart_ref: str, options=None, chart_repo_url: str = None):
    """Load the chart ``chart_ref`` names through the source layer (``source/locate.py: load``); returns ``(Chart,
    LocatedChart)``. ``options``: a ``source/options.py: SourceOptions`` (version, credentials, TLS, ...). Raises
    :class:`ChartError` for a missing reference or local path, and what the source layer raises
    (RepositoryError/RegistryError) for remote references.
    """
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
    """Merge ``values_files`` (paths on this host, in order) and then ``release_values`` (dict) into the user values.

    Raises :class:`ValuesError` naming the file (and line) that cannot be read or parsed.
    """
    return merge_values(((path, _read_values_file(path)) for path in values_files or []), release_values,
                        values_option="release_values")


def _read_values_file(path: str, searched=None) -> bytes:
    """The text of values file ``path`` on this host; ``searched`` as for :func:`missing_values_file`."""
    missing = missing_values_file(path, searched)
    if missing:
        raise ValuesError(missing)
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ValuesError("cannot read values file %s: %s" % (path, exc.strerror or exc)) from None


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


def user_values(files=(), release_values: dict = None, set_values=()) -> dict:
    """The user values of an install or upgrade: ``files`` (:class:`ValuesFile`, in order; one the action plugin
    did not read on the controller is read here), then ``release_values`` (dict), then ``set_values``
    (:class:`SetValue`) by kind in Helm's order (``--set-json``, ``--set``, ``--set-string``, ``--set-file``,
    ``--set-literal``), each kind in the order given, all into the same map (``chart/uservalues.py:
    merge_values``).

    Raises :class:`ValuesError` naming the file, or the ``set_values`` entry by its index and type.
    """
    documents = ((entry.path, _read_values_file(entry.path, entry.searched) if entry.content is None
                  else entry.content.encode("utf-8")) for entry in files)
    return merge_values(documents, release_values, [dataclasses.asdict(item) for item in set_values],
                        values_option="release_values")


def cluster_renderer(client, release_name: str, namespace: str, skip_schema_validation: bool = False):
    """A ``render(chart, values, revision, is_upgrade)`` for the actions: ``chart/render.py: render_release`` with
    the cluster's ``.Capabilities`` (server version read once; discovery only if a template reads
    ``.Capabilities.APIVersions``, ``release/clustercaps.py``) and a live ``lookup``, as Helm's install and upgrade
    render; ``skip_schema_validation`` is Helm v4's ``--skip-schema-validation``."""
    from ..chart.render import render_release  # deferred: the template engine, which rollback and uninstall skip

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
