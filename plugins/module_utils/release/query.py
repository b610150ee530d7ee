"""Read-side helpers over Helm's release storage: list, get, history and decode, tolerant of bad records.

Used by the ``helm_release`` lookup, the ``helm_releases`` inventory and the ``helm_release_info`` module. Reads
both of Helm's Kubernetes storage drivers (``pkg/storage/driver/secrets.go`` and ``cfgmaps.go``):

* ``secret``: Secret ``sh.helm.release.v1.<name>.v<revision>`` of type ``helm.sh/release.v1``; ``data.release`` is
  base64 (the API's) of :func:`~.codec.encode_release`'s text;
* ``configmap``: ConfigMap of the same name; ``data.release`` is the encoded text itself.

Both carry the labels ``owner=helm``, ``name``, ``status`` and ``version``. A record that cannot be decoded does
not stop a listing: it is skipped and reported as a warning (``report.py``, the one channel) naming the object that
holds it; :attr:`ReleaseQuery.warnings` keeps the query's own list of them.
"""
from __future__ import annotations

import base64
import binascii
import fnmatch

from ..chart.values import coalesce_values
from ..errors import HelmkitError, KubeError, ReleaseError
from ..kube.config import resolve_namespace
from ..kube.parallel import map_bounded
from ..report import warn
from .codec import decode_release
from .record import Release
from .storage import resolve_driver

DRIVERS = ("secret", "configmap")
_KINDS = {"secret": "secrets", "configmap": "configmaps"}
_SYSTEM_LABELS = ("name", "owner", "status", "version", "createdAt", "modifiedAt")


class _StoredChart:
    """The part of a chart that :func:`coalesce_values` reads, from a stored chart record (no subcharts:
    Helm does not store them)."""

    def __init__(self, record: dict):
        self.values = (record or {}).get("values") or {}
        self.dependencies = []
        self.name = ((record or {}).get("metadata") or {}).get("name", "")


class ReleaseQuery:
    """Read Helm releases through one :class:`~..kube.client.KubeClient`.

    ``ReleaseQuery(client, driver="secret")``; ``driver`` is ``secret`` or ``configmap``, or None for Helm's
    ``HELM_DRIVER`` (:func:`~.storage.resolve_driver`). Methods return :class:`~.record.Release` objects. Records that cannot be decoded are skipped;
    each is reported as a warning naming the object (``secret ns/sh.helm.release.v1.x.v1``; ``report.warn``) and
    kept in :attr:`warnings`.
    API failures raise :class:`~..errors.KubeError` (unreachable) or :class:`ReleaseError`.
    """

    def __init__(self, client, driver: str = "secret"):
        self.client = client
        self.driver = resolve_driver(driver)
        self.warnings = []

    def _collection(self, namespace) -> str:
        kind = _KINDS[self.driver]
        if namespace:
            return "/api/v1/namespaces/%s/%s" % (namespace, kind)
        return "/api/v1/%s" % kind

    def _list(self, namespace, selector: str) -> list:
        try:
            listing = self.client.request("GET", self._collection(namespace), query=[("labelSelector", selector)])
        except KubeError as exc:
            status = getattr(exc, "status", None)  # kube.client.ApiError; None when the server was not reached
            if status is None:
                raise
            if status == 404:  # the namespace does not exist
                return []
            error = ReleaseError("cannot list Helm release %ss%s: %s" % (
                self.driver, " in namespace %s" % namespace if namespace else "", exc.message))
            error.status = status  # the API's HTTP status (403: RBAC), for callers that fall back
            raise error from None
        return listing.get("items") or []

    def decode(self, obj: dict):
        """Decode one storage object (Secret or ConfigMap dict) into a :class:`Release`, or None (plus a warning)
        when it is not a readable Helm release record."""
        meta = obj.get("metadata") or {}
        where = "%s %s/%s" % (self.driver, meta.get("namespace"), meta.get("name"))
        try:
            payload = (obj.get("data") or {}).get("release")
            if not payload:
                raise ReleaseError("%s holds no data.release; it is not a Helm release record" % where)
            if self.driver == "secret":
                try:
                    payload = base64.b64decode(payload, validate=True)
                except (binascii.Error, ValueError) as exc:
                    raise ReleaseError("cannot decode the release stored in %s: %s" % (where, exc)) from None
            record = decode_release(payload, where=where)
            if not record.get("name"):
                raise ReleaseError("the release stored in %s has no name; it is not a Helm release record" % where)
        except HelmkitError as exc:
            message = "skipped %s: %s" % (where, exc)
            self.warnings.append(message)
            warn(message)
            return None
        labels = {k: v for k, v in (meta.get("labels") or {}).items() if k not in _SYSTEM_LABELS}
        if not record.get("namespace"):
            record["namespace"] = meta.get("namespace", "")
        return Release(record, labels)

    def revisions(self, namespace=None, name: str = None) -> list:
        """Every readable stored revision in ``namespace`` (None: all namespaces), of release ``name`` if given.

        Returns a list of :class:`Release` sorted by (namespace, name, revision).
        """
        return self.revisions_in([namespace], name)[0]

    def revisions_in(self, namespaces: list, name: str = None) -> list:
        """:meth:`revisions` of each namespace in ``namespaces`` (a list; ``[None]`` for all namespaces), one list
        per namespace in that order. The LISTs are sent concurrently (kube/parallel.py: map_bounded: a cluster's
        latency is paid once, not once per namespace); records are decoded in order, so :attr:`warnings` keeps
        its order. The error of the first namespace (in order) whose LIST failed is raised."""
        selector = "owner=helm" if not name else "owner=helm,name=%s" % name
        listings = map_bounded(lambda namespace: self._list(namespace, selector), list(namespaces))
        found = []
        for items in listings:
            releases = [rel for rel in (self.decode(item) for item in items) if rel]
            found.append(sorted(releases, key=lambda rel: (rel.namespace, rel.name, rel.version)))
        return found

    def history(self, name: str, namespace: str) -> list:
        """All stored revisions of one release, oldest first (empty list when it does not exist)."""
        return self.revisions(namespace, name)

    def get(self, name: str, namespace: str, revision: int = None):
        """Revision ``revision`` (default: the latest) of a release, or None when it does not exist."""
        history = self.history(name, namespace)
        if revision:
            history = [rel for rel in history if rel.version == int(revision)]
        return history[-1] if history else None


def latest(revisions: list) -> list:
    """The highest revision of each (namespace, name) in ``revisions`` (list of :class:`Release`), in order."""
    last = {}
    for rel in revisions:
        key = (rel.namespace, rel.name)
        if key not in last or rel.version > last[key].version:
            last[key] = rel
    return [last[key] for key in sorted(last)]


def matches(release: Release, statuses=None, chart: str = None) -> bool:
    """Whether ``release`` passes the filters: ``statuses`` (list of Helm status names such as ``deployed`` or
    ``pending-upgrade``; empty means all) and ``chart`` (a chart name, or a shell pattern like ``ingress-*``, matched
    against the chart name and against ``<name>-<version>``)."""
    if statuses and release.status not in statuses:
        return False
    if chart:
        full = "%s-%s" % (release.chart_name, release.chart_version)
        if not (fnmatch.fnmatchcase(release.chart_name, chart) or fnmatch.fnmatchcase(full, chart)):
            return False
    return True


def computed_values(release: Release) -> dict:
    """Helm's ``get values --all``: the user-supplied values coalesced over the stored chart's default values."""
    return coalesce_values(_StoredChart(release.record.get("chart") or {}), release.config)


def release_data(release: Release, all_values: bool = False, history: list = None) -> dict:
    """The data the lookup, inventory and info module return for one revision.

    Returns a dict with name, namespace, revision (int), status, chart (``<name>-<version>``), chart_name,
    chart_version, app_version, updated and first_deployed (Go RFC 3339 text as stored), description, values
    (user-supplied, or computed with ``all_values``), manifest, notes, hooks (list of stored hook records), labels
    (custom release labels) and, when ``history`` (list of :class:`Release`) is given, history: one
    ``{revision, status, chart, app_version, updated, description}`` per stored revision, oldest first.
    """
    info = release.info
    data = {
        "name": release.name,
        "namespace": release.namespace,
        "revision": release.version,
        "status": release.status,
        "chart": "%s-%s" % (release.chart_name, release.chart_version),
        "chart_name": release.chart_name,
        "chart_version": release.chart_version,
        "app_version": release.app_version,
        "updated": info.get("last_deployed", ""),
        "first_deployed": info.get("first_deployed", ""),
        "description": release.description,
        "values": computed_values(release) if all_values else release.config,
        "manifest": release.manifest,
        "notes": release.notes,
        "hooks": release.hooks,
        "labels": dict(release.labels),
    }
    if history is not None:
        data["history"] = [history_entry(rel) for rel in history]
    return data


def history_entry(release: Release) -> dict:
    """One row of ``helm history``: revision, status, chart, app_version, updated, description."""
    return {
        "revision": release.version,
        "status": release.status,
        "chart": "%s-%s" % (release.chart_name, release.chart_version),
        "app_version": release.app_version,
        "updated": release.info.get("last_deployed", ""),
        "description": release.description,
    }


def find_releases(query: ReleaseQuery, *, name: str = None, namespaces=None, statuses=None, chart: str = None,
                  revision: int = None, history: bool = False, all_values: bool = False) -> list:
    """Find releases and return their :func:`release_data`, sorted by (namespace, name).

    ``namespaces``: list of namespaces, or None/empty for all namespaces. With ``name`` only that release is read;
    ``revision`` selects a stored revision instead of the latest (a release without that revision is left out).
    ``statuses`` and ``chart`` filter as :func:`matches`; ``history`` adds every revision's summary.
    Undecodable records are skipped and reported in ``query.warnings``.
    """
    scopes = list(namespaces) if namespaces else [None]
    found = []
    for revisions in query.revisions_in(scopes, name):
        groups = {}
        for rel in revisions:
            groups.setdefault((rel.namespace, rel.name), []).append(rel)
        for key in sorted(groups):
            group = groups[key]
            if revision:
                chosen = [rel for rel in group if rel.version == int(revision)]
                if not chosen:
                    continue
                current = chosen[0]
            else:
                current = group[-1]
            if not matches(current, statuses, chart):
                continue
            found.append(release_data(current, all_values=all_values, history=group if history else None))
    found.sort(key=lambda item: (item["namespace"], item["name"]))
    return found


def scope_namespaces(namespace: str, namespaces=None, all_namespaces: bool = False, connection=None):
    """The namespaces a query reads: None for every namespace, else ``namespace`` then ``namespaces`` (deduplicated,
    order kept). With neither ``namespace`` nor ``namespaces`` and ``connection`` (a dict of connection options) given,
    the one namespace Helm would use (kube/config.py: resolve_namespace: HELM_NAMESPACE, the context's, the pod's,
    ``default``)."""
    if all_namespaces:
        return None
    if not namespace and not namespaces and connection is not None:
        namespace = resolve_namespace(None, connection)[0]
    scopes = []
    for item in [namespace] + list(namespaces or []):
        if item and item not in scopes:
            scopes.append(item)
    return scopes
