"""Helm v4 release records (``pkg/release/v1``) as ordered dicts, and the :class:`Release` view over one.

A record is kept as the dict Helm's JSON decodes to, so a record Helm wrote is re-encoded without losing fields when
we only change its status. New records are built in Go's struct field order with empty fields omitted:

* Release: ``name, info, chart, config, manifest, hooks, version, namespace, apply_method``;
* Info: ``first_deployed, last_deployed, deleted, description, status, notes``;
* Chart: ``metadata, lock, templates, values, schema, schemamodtime, files, modtime``;
* Hook: ``name, kind, path, manifest, events, last_run, weight, delete_policies``.

Go marshals ``map[string]interface{}`` with sorted keys, so ``config``, chart ``values`` and annotations are
written sorted.
"""
from __future__ import annotations

import base64
import datetime

from .codec import ZERO_TIME, go_time

STATUS_UNKNOWN = "unknown"
STATUS_DEPLOYED = "deployed"
STATUS_UNINSTALLED = "uninstalled"
STATUS_SUPERSEDED = "superseded"
STATUS_FAILED = "failed"
STATUS_UNINSTALLING = "uninstalling"
STATUS_PENDING_INSTALL = "pending-install"
STATUS_PENDING_UPGRADE = "pending-upgrade"
STATUS_PENDING_ROLLBACK = "pending-rollback"
PENDING_STATUSES = (STATUS_PENDING_INSTALL, STATUS_PENDING_UPGRADE, STATUS_PENDING_ROLLBACK)

_INFO_ORDER = ("first_deployed", "last_deployed", "deleted", "description", "status", "notes")
_METADATA_ORDER = ("name", "home", "sources", "version", "description", "keywords", "maintainers", "icon",
                   "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion",
                   "dependencies", "type")
_MAINTAINER_ORDER = ("name", "email", "url")
_DEPENDENCY_ORDER = ("name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias")
_LOCK_ORDER = ("generated", "digest", "dependencies")
_LOCK_DEPENDENCY_ORDER = ("name", "version", "repository")


def sorted_map(value):
    """Return ``value`` with every dict's keys sorted, recursively (Go's map encoding order)."""
    if isinstance(value, dict):
        return {key: sorted_map(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_map(item) for item in value]
    return value


def _empty(value) -> bool:
    """Go's ``omitempty``: nil, false, 0, "" and empty maps and slices are left out."""
    if value is None or isinstance(value, bool):
        return not value
    if isinstance(value, (str, dict, list, int, float)):
        return not value
    return False


def _struct(data: dict, order, keep=()) -> dict:
    """Fields of ``data`` in ``order`` with Go's ``omitempty`` (fields in ``keep`` are written even when empty);
    unknown keys follow, so nothing read from a newer Helm is lost."""
    result = {}
    for key in order:
        if key in data and (key in keep or not _empty(data[key])):
            result[key] = data[key]
    for key, value in data.items():
        if key not in result and key not in order:
            result[key] = value
    return result


def _time_text(value) -> str:
    if value is None:
        return ZERO_TIME
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return go_time(int(value * 1_000_000_000))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        stamp = value.astimezone(datetime.timezone.utc)
        return go_time(int(stamp.timestamp()) * 1_000_000_000 + stamp.microsecond * 1000)
    return str(value)


def _b64(data) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(bytes(data or b"")).decode("ascii")


def _attr(obj, *names, default=None):
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def metadata_record(metadata) -> dict:
    """Chart metadata (a dict of Chart.yaml fields) in Helm's ``chart.Metadata`` JSON order."""
    meta = dict(metadata or {})
    if meta.get("maintainers"):
        meta["maintainers"] = [_struct(dict(m), _MAINTAINER_ORDER) for m in meta["maintainers"]]
    if meta.get("dependencies"):
        meta["dependencies"] = [_struct(dict(d), _DEPENDENCY_ORDER) for d in meta["dependencies"]]
    if meta.get("annotations"):
        meta["annotations"] = sorted_map(meta["annotations"])
    return _struct(meta, _METADATA_ORDER)


def _file_record(item) -> dict:
    return {"name": _attr(item, "name"), "data": _b64(_attr(item, "data", default=b"")),
            "modtime": _time_text(_attr(item, "modtime", "mod_time", "ModTime"))}


def chart_record(chart) -> dict:
    """Helm's stored form of a loaded chart (``chart.Chart`` JSON), from our chart loader's object.

    Reads ``metadata``, ``lock``, ``templates``, ``values``, ``schema``, ``files`` and modification times; subcharts
    are not stored (Helm keeps only ``metadata.dependencies``).
    """
    lock = _attr(chart, "lock")
    if lock:
        lock = dict(lock)
        if lock.get("dependencies"):
            lock["dependencies"] = [_struct(dict(d), _LOCK_DEPENDENCY_ORDER) for d in lock["dependencies"]]
        lock = _struct(lock, _LOCK_ORDER)
    schema = _attr(chart, "schema")
    return {
        "metadata": metadata_record(_attr(chart, "metadata")),
        "lock": lock or None,
        "templates": [_file_record(t) for t in _attr(chart, "templates", default=[]) or []],
        "values": sorted_map(_attr(chart, "values", default={}) or {}),
        "schema": _b64(schema) if schema else None,
        "schemamodtime": _time_text(_attr(chart, "schema_modtime", "schemamodtime") if schema else None),
        "files": [_file_record(f) for f in _attr(chart, "files", default=[]) or []],
        "modtime": _time_text(_attr(chart, "modtime", "mod_time")),
    }


def hook_record(hook) -> dict:
    """Helm's stored form of a hook (``release.Hook``), from a rendered hook (object or dict).

    A rendered ``chart/manifest.py`` Hook gives its own record (``to_record``); dicts are shaped here.
    """
    if hasattr(hook, "to_record"):
        return hook.to_record()
    last_run = _attr(hook, "last_run", default=None) or {"phase": ""}
    record = {
        "name": _attr(hook, "name"),
        "kind": _attr(hook, "kind"),
        "path": _attr(hook, "path"),
        "manifest": _attr(hook, "manifest"),
        "events": list(_attr(hook, "events", default=[]) or []),
        "last_run": dict(last_run),
        "weight": int(_attr(hook, "weight", default=0) or 0),
        "delete_policies": list(_attr(hook, "delete_policies", default=[]) or []),
    }
    return _struct(record, ("name", "kind", "path", "manifest", "events", "last_run", "weight", "delete_policies"),
                   keep=("last_run",))


def info_record(info: dict) -> dict:
    """``info`` in Go order with empty fields (and a zero ``deleted`` time) omitted."""
    data = dict(info)
    if data.get("deleted") == ZERO_TIME:
        data.pop("deleted")
    return _struct(data, _INFO_ORDER)


class Release:
    """One release revision: the decoded record plus the custom labels of the Secret that stores it.

    ``Release(record: dict, labels: dict = None)``. Properties read Helm's field names; :meth:`set_status` updates
    status and description in place, keeping every other field as stored.
    """

    def __init__(self, record: dict, labels: dict = None):
        self.record = record
        self.labels = dict(labels or {})

    @classmethod
    def new(cls, *, name: str, namespace: str, version: int, chart: dict, config: dict, manifest: str,
            hooks: list, notes: str, status: str, description: str, first_deployed: str = None,
            labels: dict = None) -> "Release":
        """Build a new revision; ``chart`` is a :func:`chart_record`, ``hooks`` a list of :func:`hook_record`."""
        now = go_time()
        record = {
            "name": name,
            "info": info_record({"first_deployed": first_deployed or now, "last_deployed": now,
                                 "description": description, "status": status, "notes": notes}),
            "chart": chart,
            "config": sorted_map(config or {}),
            "manifest": manifest,
            "hooks": hooks,
            "version": int(version),
            "namespace": namespace,
            "apply_method": "ssa",
        }
        return cls(_struct(record, ("name", "info", "chart", "config", "manifest", "hooks", "version", "namespace",
                                    "apply_method")), labels)

    # -- fields --------------------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.record.get("name", "")

    @property
    def namespace(self) -> str:
        return self.record.get("namespace", "")

    @property
    def version(self) -> int:
        return int(self.record.get("version") or 0)

    @property
    def info(self) -> dict:
        return self.record.get("info") or {}

    @property
    def status(self) -> str:
        return self.info.get("status") or STATUS_UNKNOWN

    @property
    def description(self) -> str:
        return self.info.get("description", "")

    @property
    def notes(self) -> str:
        return self.info.get("notes", "")

    @property
    def manifest(self) -> str:
        return self.record.get("manifest", "")

    @property
    def config(self) -> dict:
        return self.record.get("config") or {}

    @property
    def hooks(self) -> list:
        return self.record.get("hooks") or []

    @property
    def chart_metadata(self) -> dict:
        return (self.record.get("chart") or {}).get("metadata") or {}

    @property
    def chart_name(self) -> str:
        return self.chart_metadata.get("name", "")

    @property
    def chart_version(self) -> str:
        return self.chart_metadata.get("version", "")

    @property
    def app_version(self) -> str:
        return self.chart_metadata.get("appVersion", "")

    # -- changes -------------------------------------------------------------------------------------------------

    def set_status(self, status: str, description: str = None, deleted: bool = False) -> None:
        """Set ``info.status`` (and ``description``; ``deleted`` stamps ``info.deleted`` now), keeping Go order."""
        info = dict(self.info)
        info["status"] = status
        if description is not None:
            info["description"] = description
        if deleted:
            info["deleted"] = go_time()
        self.record["info"] = info_record(info)

    def summary(self) -> dict:
        """The module's ``status`` return: name, namespace, revision, status, chart, app_version, updated."""
        return {
            "name": self.name,
            "namespace": self.namespace,
            "revision": self.version,
            "status": self.status,
            "chart": "%s-%s" % (self.chart_name, self.chart_version),
            "app_version": self.app_version,
            "updated": self.info.get("last_deployed", ""),
            "description": self.description,
        }
