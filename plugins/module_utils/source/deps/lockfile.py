"""Chart.lock / requirements.lock: reading a chart's dependency declarations, Helm's digest, and the lock text.

Helm (internal/resolver/resolver.go ``HashReq``) hashes ``json.Marshal([2][]*chart.Dependency{req, locked})`` with
SHA-256 and prefixes ``sha256:``; ``req`` are the dependencies of Chart.yaml (requirements.yaml for apiVersion v1)
after repository aliases (``@name``, ``alias:name``) were replaced by their URLs, ``locked`` the resolved
name/repository/version triples. ``HashV2Req`` (Helm 2 locks) hashes ``{"dependencies": req}`` before aliases are
replaced. ``writeLock`` (pkg/downloader/manager.go) writes ``yaml.Marshal(chart.Lock)`` (sigs.k8s.io/yaml: keys
sorted, ``generated`` as RFC 3339 with nanoseconds in local time).
"""
from __future__ import annotations

import hashlib
import os
import time

from ...engine.gojson import GoStruct, to_json
from ...errors import ChartError
from ...chart.metadata import DEPENDENCY_FIELDS, apply_requirements, parse_metadata, validate_metadata
from ...yaml.emit_v2 import marshal
from ...yaml.load import load_go_yaml

__all__ = ["ChartDependencies", "read_chart_dependencies", "hash_req", "hash_v2_req", "lock_text", "go_now",
           "locked_entry"]


class ChartDependencies(object):
    """The dependency view of a chart directory.

    ``path`` (absolute chart directory), ``metadata`` (Chart.yaml as :func:`parse_metadata` gives it),
    ``dependencies`` (list of dependency dicts in Helm's JSON field order; copies, safe to change),
    ``lock`` (the parsed lock mapping or None), ``lock_name`` (``Chart.lock``, or ``requirements.lock`` for
    apiVersion v1), ``lock_path``, ``api_version``.
    """

    __slots__ = ("path", "metadata", "dependencies", "lock", "lock_name", "lock_path", "api_version")

    def __init__(self, path, metadata, dependencies, lock, lock_name):
        self.path = path
        self.metadata = metadata
        self.dependencies = dependencies
        self.lock = lock
        self.lock_name = lock_name
        self.lock_path = os.path.join(path, lock_name)
        self.api_version = metadata.get("apiVersion", "v1")

    @property
    def lock_dependencies(self):
        """The lock's dependencies as dicts in Helm's field order (empty list without a lock)."""
        return [_normalize(dep, "%s: dependencies[%d]" % (self.lock_name, i))
                for i, dep in enumerate((self.lock or {}).get("dependencies") or [])]


def _read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        if exc.errno == 2:
            return None
        raise ChartError("cannot read %s: %s" % (path, exc.strerror))


def read_chart_dependencies(chart_path):
    """Read Chart.yaml (plus requirements.yaml and the lock for v1 charts) of the chart directory ``chart_path``.

    Returns a :class:`ChartDependencies`. Raises ChartError when the path is not a chart directory (Helm: "only
    unpacked charts can be updated"), or Chart.yaml / the lock file is invalid.
    """
    path = os.path.abspath(chart_path)
    if not os.path.isdir(path):
        if os.path.exists(path):
            raise ChartError("%s: only unpacked charts can be updated; give the chart directory, not an archive"
                             % chart_path)
        raise ChartError("could not find %s: no such directory; give the path of a chart directory" % chart_path)
    raw = _read(os.path.join(path, "Chart.yaml"))
    if raw is None:
        raise ChartError("%s: Chart.yaml file is missing; a chart directory needs Chart.yaml" % chart_path)
    source = os.path.join(path, "Chart.yaml")
    meta = parse_metadata(raw, source)
    is_v1 = meta.get("apiVersion") == "v1"
    if is_v1:
        req = _read(os.path.join(path, "requirements.yaml"))
        if req is not None:
            meta = apply_requirements(meta, req, os.path.join(path, "requirements.yaml"))
    validate_metadata(meta, source)
    lock_name = "Chart.lock"
    lock_data = _read(os.path.join(path, "Chart.lock"))
    if is_v1:
        legacy = _read(os.path.join(path, "requirements.lock"))
        if legacy is not None or lock_data is None:
            lock_name, lock_data = "requirements.lock", legacy
    lock = None
    if lock_data is not None:
        lock = load_go_yaml(lock_data.decode("utf-8", "replace"), os.path.join(path, lock_name))
        if lock is not None and not isinstance(lock, dict):
            raise ChartError("%s: expected a map with dependencies, digest and generated; delete it and run "
                             "state: update" % os.path.join(path, lock_name))
    deps = [GoStruct(d) for d in meta.get("dependencies") or []]
    return ChartDependencies(path, meta, deps, lock, lock_name)


def _normalize(dep, where):
    """A lock entry as Helm's Dependency struct marshals it (struct order, omitempty except repository)."""
    if not isinstance(dep, dict):
        raise ChartError("%s: expected a map with name, repository and version" % where)
    out = GoStruct()
    for json_name, _go, kind in DEPENDENCY_FIELDS:
        value = dep.get(json_name)
        if json_name == "repository":
            out[json_name] = "" if value is None else str(value)
        elif value not in (None, "", [], {}, False):
            out[json_name] = str(value) if kind == "str" else value
    return out


def locked_entry(name, repository, version):
    """One ``dependencies`` item of a lock: ``{name, version, repository}`` in Helm's struct order."""
    out = GoStruct(name=name)
    if version:
        out["version"] = version
    out["repository"] = repository
    return out


def _sha256(text):
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _deps_json(deps):
    """Go's JSON of a ``[]*chart.Dependency``: each dict's keys in its own (struct) order; values, including maps
    inside import-values (sorted like Go maps), through the engine's encoding/json (HTML characters escaped)."""
    items = []
    for dep in deps:
        fields = ["%s:%s" % (to_json(key), to_json(value)) for key, value in dep.items()]
        items.append("{" + ",".join(fields) + "}")
    return "[" + ",".join(items) + "]" if items else "null"


def hash_req(req, locked):
    """Helm's ``resolver.HashReq(req, lock)``: ``"sha256:" + hex`` of the Go JSON of ``[req, locked]``.

    ``req``/``locked``: lists of dependency dicts in Helm's field order (``Dependency`` struct order, empty fields
    left out). An empty list is Go's nil slice, ``null``.
    """
    return _sha256("[%s,%s]" % (_deps_json(req), _deps_json(locked)))


def hash_v2_req(req):
    """Helm's ``resolver.HashV2Req``: the digest Helm 2 wrote into requirements.lock."""
    return _sha256('{"dependencies":%s}' % _deps_json(req))


def go_now(ns=None):
    """``time.Now()`` as Go's encoding/json writes it: RFC 3339 with nanoseconds (trailing zeros dropped) in the
    local time zone, ``Z`` for a zero offset. ``ns``: Unix time in nanoseconds (default now)."""
    if ns is None:
        ns = time.time_ns()
    seconds, fraction = divmod(ns, 1000000000)
    local = time.localtime(seconds)
    offset = local.tm_gmtoff or 0
    text = time.strftime("%Y-%m-%dT%H:%M:%S", local)
    if fraction:
        text += "." + ("%09d" % fraction).rstrip("0")
    if offset == 0:
        return text + "Z"
    sign = "+" if offset > 0 else "-"
    offset = abs(offset) // 60
    return text + "%s%02d:%02d" % (sign, offset // 60, offset % 60)


def lock_text(dependencies, digest, generated):
    """The lock file text Helm's ``writeLock`` writes: ``dependencies`` (name, repository, version), ``digest``,
    ``generated`` (a :func:`go_now` string), keys sorted as sigs.k8s.io/yaml sorts them."""
    return marshal({"generated": generated, "digest": digest, "dependencies": [dict(d) for d in dependencies]})
