"""API discovery as Helm v4 and kubectl do it: aggregated discovery, a disk cache with a time-to-live, and REST
mappings read from it.

* **Aggregated discovery** (Kubernetes 1.26+, GA in 1.30): ``GET /api`` and ``GET /apis`` with
  ``Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json`` return every
  group, version and resource in two requests (``k8s.io/api/apidiscovery/v2``, client-go
  ``discovery/aggregated_discovery.go``). A server without it answers the same requests with the legacy
  ``APIVersions``/``APIGroupList``; then each group-version's ``APIResourceList`` is read (the legacy protocol,
  one request per group-version, in parallel as client-go does).
* **Disk cache** like kubectl's (``k8s.io/client-go/discovery/cached/disk``): under ``$KUBECACHEDIR`` or
  ``~/.kube/cache``, ``discovery/<host>/servergroups.json`` (an ``APIGroupList``) and
  ``<group>/<version>/serverresources.json`` (``APIResourceList``), kubectl's own file formats, valid for
  :data:`TTL` (kubectl's six hours). The host directory name adds a hash of the server's CA certificate, so a
  cluster re-created at the same address (kind, k3d, minikube) never gets the previous cluster's answers. The
  directory must belong to the user and not be group/world-writable (``privatecache.safe_directory``); files are
  written atomically. A broken file is a cache miss.
* **Invalidation**: a kind missing from cached data triggers one live discovery before "no matches for kind" is
  reported (kubectl's ``DeferredDiscoveryRESTMapper`` resets the same way); :meth:`Discovery.invalidate` drops the
  cache (after CRDs were created).
* ``.Capabilities.APIVersions`` is always read live, once per run: Helm invalidates its discovery cache before
  building capabilities (``pkg/action/action.go: getCapabilities``).

No ``kubernetes`` import: requests go through the ``get(path, accept) -> (content_type, document)`` callable the
client passes in.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time

from ..privatecache import safe_directory
from .parallel import map_bounded

AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_ACCEPT = AGGREGATED_TYPE + ",application/json"
LEGACY_ACCEPT = "application/json"
TTL = 6 * 3600.0  # kubectl's discovery cache lifetime (cli-runtime ConfigFlags)
_UNSAFE_CHARS = re.compile(r"[^\w/.]")  # client-go computeDiscoverCacheDir's overlyCautiousIllegalFileCharacters


def cache_root() -> str:
    """kubectl's discovery cache root: ``$KUBECACHEDIR/discovery`` or ``~/.kube/cache/discovery``."""
    base = os.environ.get("KUBECACHEDIR") or os.path.join(os.path.expanduser("~"), ".kube", "cache")
    return os.path.join(base, "discovery")


def cache_directory(server: str, ca_data: bytes = b"", root: str = None) -> str:
    """The cache directory of one server: ``<root>/<host_port>-<sha256(CA)[:12]>`` (scheme dropped, unsafe
    characters replaced by ``_`` as client-go does)."""
    host = re.sub(r"^https?://", "", server or "")
    safe = _UNSAFE_CHARS.sub("_", host).replace("/", "_")
    return os.path.join(root or cache_root(), "%s-%s" % (safe, hashlib.sha256(ca_data or b"").hexdigest()[:12]))


class Resource(object):
    """One discovered resource: ``group_version`` ("apps/v1"), ``kind``, ``name`` (plural, "deployments"; a
    subresource is "deployments/status"), ``namespaced`` (bool), ``verbs`` (list), plus kubectl's
    ``singular_name``, ``short_names``, ``categories``."""

    __slots__ = ("group_version", "kind", "name", "namespaced", "verbs", "singular_name", "short_names",
                 "categories")

    def __init__(self, group_version, kind, name, namespaced, verbs=(), singular_name="", short_names=(),
                 categories=()):
        self.group_version = group_version
        self.kind = kind
        self.name = name
        self.namespaced = bool(namespaced)
        self.verbs = list(verbs or ())
        self.singular_name = singular_name or ""
        self.short_names = list(short_names or ())
        self.categories = list(categories or ())

    def as_api_resource(self) -> dict:
        """The ``APIResource`` (meta/v1) entry kubectl's cache files hold."""
        entry = {"name": self.name, "singularName": self.singular_name, "namespaced": self.namespaced,
                 "kind": self.kind, "verbs": self.verbs}
        if self.short_names:
            entry["shortNames"] = self.short_names
        if self.categories:
            entry["categories"] = self.categories
        return entry


def _group_version(group: str, version: str) -> str:
    return "%s/%s" % (group, version) if group else version


def parse_aggregated(documents) -> list:
    """``[(group_version, [Resource])]`` from ``APIGroupDiscoveryList`` documents (``/api`` then ``/apis``), groups
    and versions in the server's order (preferred version first)."""
    found = []
    for document in documents:
        for item in (document or {}).get("items") or []:
            group = ((item or {}).get("metadata") or {}).get("name") or ""
            for entry in item.get("versions") or []:
                group_version = _group_version(group, entry.get("version") or "")
                resources = []
                for res in entry.get("resources") or []:
                    kind = (res.get("responseKind") or {}).get("kind") or ""
                    name = res.get("resource") or ""
                    namespaced = res.get("scope") == "Namespaced"
                    resources.append(Resource(group_version, kind, name, namespaced, res.get("verbs"),
                                              res.get("singularResource"), res.get("shortNames"),
                                              res.get("categories")))
                    for sub in res.get("subresources") or []:
                        sub_kind = (sub.get("responseKind") or {}).get("kind") or kind
                        resources.append(Resource(group_version, sub_kind, "%s/%s" % (name, sub.get("subresource")),
                                                  namespaced, sub.get("verbs")))
                found.append((group_version, resources))
    return found


def parse_resource_list(group_version: str, document: dict) -> list:
    """``[Resource]`` of one ``APIResourceList`` (legacy discovery, and kubectl's ``serverresources.json``)."""
    return [Resource(group_version, res.get("kind") or "", res.get("name") or "", res.get("namespaced"),
                     res.get("verbs"), res.get("singularName"), res.get("shortNames"), res.get("categories"))
            for res in (document or {}).get("resources") or []]


def legacy_group_versions(api_versions: dict, group_list: dict) -> list:
    """Group-versions named by legacy ``/api`` (``APIVersions``) and ``/apis`` (``APIGroupList``), in order."""
    names = list((api_versions or {}).get("versions") or [])
    for group in (group_list or {}).get("groups") or []:
        names.extend(v.get("groupVersion") for v in group.get("versions") or [] if v.get("groupVersion"))
    return names


def _resource_path(group_version: str) -> str:
    return "/api/" + group_version if "/" not in group_version else "/apis/" + group_version


class Discovery(object):
    """Discovery of one cluster, with kubectl's disk cache.

    ``get(path, accept) -> (content_type, document)`` sends one GET and returns the response's content type and
    decoded JSON (raising the client's errors); ``directory`` is the cache directory (see
    :func:`cache_directory`) or None for no disk cache; ``ttl`` seconds. Counters ``requests`` and ``source``
    ("memory", "disk", "aggregated", "legacy") tell tests and benchmarks what happened.
    """

    def __init__(self, get, directory=None, ttl: float = TTL):
        self.get = get
        self.directory = directory
        self.ttl = ttl
        self.groups = None  # [(group_version, [Resource])]
        self.live = False  # fetched from the server during this run
        self.source = None
        self.requests = 0

    # -- reading ---------------------------------------------------------------------------------------------

    def _ensure(self, live: bool = False) -> list:
        if self.groups is not None and (self.live or not live):
            return self.groups
        if not live:
            cached = self._read_cache()
            if cached is not None:
                self.groups, self.source = cached, "disk"
                return self.groups
        self.groups = self._fetch()
        self.live = True
        self._write_cache(self.groups)
        return self.groups

    def _fetch(self) -> list:
        self.requests += 2
        core_type, core = self.get("/api", AGGREGATED_ACCEPT)
        apis_type, apis = self.get("/apis", AGGREGATED_ACCEPT)
        if _is_aggregated(core_type, core) and _is_aggregated(apis_type, apis):
            self.source = "aggregated"
            return parse_aggregated([core, apis])
        # The server lacks aggregated discovery: the answers are the legacy documents; read each group-version.
        if _is_aggregated(core_type, core) or _is_aggregated(apis_type, apis):
            self.requests += 2
            core = self.get("/api", LEGACY_ACCEPT)[1]
            apis = self.get("/apis", LEGACY_ACCEPT)[1]
        names = legacy_group_versions(core, apis)
        self.requests += len(names)
        lists = map_bounded(lambda gv: self.get(_resource_path(gv), LEGACY_ACCEPT)[1], names)
        self.source = "legacy"
        return [(gv, parse_resource_list(gv, doc)) for gv, doc in zip(names, lists)]

    def find(self, api_version: str, kind: str):
        """The :class:`Resource` (not a subresource) for ``api_version``/``kind``, or None. Cached data that lacks
        the kind is refreshed from the server once first."""
        found = _lookup(self._ensure(), api_version, kind)
        if found is None and not self.live:
            found = _lookup(self._ensure(live=True), api_version, kind)
        return found

    def api_versions(self) -> list:
        """Helm's ``GetVersionSet``: every group-version, then every ``group/version/Kind``, read live (once per
        run). Helm builds this from a map, so its order is not defined; ours is discovery order."""
        groups = self._ensure(live=True)
        seen, result = set(), []
        for group_version, _resources in groups:
            if group_version not in seen:
                seen.add(group_version)
                result.append(group_version)
        for group_version, resources in groups:
            for res in resources:
                item = "%s/%s" % (group_version, res.kind)
                if res.kind and item not in seen:
                    seen.add(item)
                    result.append(item)
        return result

    def invalidate(self) -> None:
        """Forget what was discovered, in memory and on disk (kubectl's ``Invalidate``)."""
        self.groups = None
        self.live = False
        if self.directory:
            try:
                os.remove(os.path.join(self.directory, "servergroups.json"))
            except OSError:
                pass

    # -- kubectl's cache files ---------------------------------------------------------------------------------

    def _fresh(self, path: str) -> bool:
        try:
            return time.time() - os.stat(path).st_mtime < self.ttl
        except OSError:
            return False

    def _read_cache(self):
        if not self.directory or not os.path.isdir(self.directory) or not safe_directory(self.directory):
            return None
        groups_file = os.path.join(self.directory, "servergroups.json")
        if not self._fresh(groups_file):
            return None
        try:
            with open(groups_file, "rb") as handle:
                group_list = json.loads(handle.read().decode("utf-8"))
            found = []
            for group_version in legacy_group_versions({}, group_list):
                path = os.path.join(self.directory, *group_version.split("/")) + "/serverresources.json"
                if not self._fresh(path):
                    return None
                with open(path, "rb") as handle:
                    found.append((group_version, parse_resource_list(group_version,
                                                                     json.loads(handle.read().decode("utf-8")))))
        except (OSError, ValueError, AttributeError, TypeError):
            return None
        return found

    def _write_cache(self, groups: list) -> None:
        if not self.directory or not safe_directory(self.directory, 0o750):
            return
        by_group = {}
        order = []
        for group_version, resources in groups:
            group, _sep, version = group_version.rpartition("/")
            if group not in by_group:
                by_group[group] = []
                order.append(group)
            by_group[group].append({"groupVersion": group_version, "version": version})
            body = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
                    "resources": [res.as_api_resource() for res in resources]}
            target = os.path.join(self.directory, *group_version.split("/"))
            if not safe_directory(target, 0o750) or not _write_json(target, "serverresources.json", body):
                return
        group_list = {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": group, "versions": by_group[group], "preferredVersion": by_group[group][0]} for group in order]}
        _write_json(self.directory, "servergroups.json", group_list)  # last: it marks the set complete


def _is_aggregated(content_type, document) -> bool:
    return (content_type or "").replace(" ", "").startswith(AGGREGATED_TYPE) or \
        (isinstance(document, dict) and document.get("kind") == "APIGroupDiscoveryList")


def _lookup(groups: list, api_version: str, kind: str):
    for group_version, resources in groups:
        if group_version != api_version:
            continue
        for res in resources:
            if res.kind == kind and "/" not in res.name:
                return res
    return None


def _write_json(directory: str, name: str, document) -> bool:
    try:
        handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(document, out, separators=(",", ":"))
        os.replace(temp, os.path.join(directory, name))
    except OSError:
        try:
            os.remove(temp)
        except OSError:
            pass
        return False
    return True
