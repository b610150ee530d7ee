"""The object store: CRUD, patches, server-side apply, watch fan-out and resourceVersions.

One re-entrant lock guards all state; watchers get their events through per-watch queues so a slow watch
never blocks other requests. Semantics follow k8s.io/apiserver/pkg/registry/generic/registry/store.go.
"""
from __future__ import annotations

import collections
import copy
import datetime
import json
import queue
import random
import threading
import uuid

import yaml

from . import defaults, fieldsets
from .errors import (ApiError, already_exists, bad_request, conflict, namespace_not_found, not_found)
from .patches import PatchError, json_patch, merge_patch, strategic_merge_patch
from .selection import match_fields, match_labels

APPLY = "application/apply-patch+yaml"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def clone(obj):
    """Deep copy of a JSON-shaped value (dicts, lists, scalars); much faster than copy.deepcopy."""
    return json.loads(json.dumps(obj))


def now():
    """Current time in RFC 3339 seconds, UTC (metav1.Time's JSON form)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Watch:
    """One open watch: a filter and a queue of (type, object) events; ``None`` in the queue ends it."""

    def __init__(self, resource, namespace, label_reqs, field_reqs):
        self.resource = resource
        self.namespace = namespace
        self.label_reqs = label_reqs
        self.field_reqs = field_reqs
        self.queue = queue.Queue()

    def matches(self, key, obj):
        if key != self.resource.key:
            return False
        meta = obj.get("metadata") or {}
        if self.namespace and meta.get("namespace") != self.namespace:
            return False
        return match_labels(self.label_reqs, meta.get("labels")) and match_fields(self.field_reqs, obj)


class WriteOptions:
    """Options of one write request: dry_run (bool), manager (fieldManager or user-agent prefix), force (bool),
    api_version (request's group/version string), validation ('Strict', 'Warn', 'Ignore'), subresource
    ('' or 'status'), precondition dict for deletes, propagation policy.
    """

    def __init__(self, dry_run=False, manager="unknown", force=False, api_version="v1", validation="Warn",
                 subresource="", propagation=None, preconditions=None):
        self.dry_run = dry_run
        self.manager = manager
        self.force = force
        self.api_version = api_version
        self.validation = validation
        self.subresource = subresource
        self.propagation = propagation
        self.preconditions = preconditions or {}
        self.warnings = []


class Store:
    """All objects of the emulated cluster.

    Args: table (ResourceTable), history (how many events watches can replay; older resourceVersions are 410
    Expired). Attributes: ``lock``, ``rv`` (last resourceVersion, int), ``on_write`` (list of
    callable(resource, obj, event type) run under the lock after each stored change; the simulator hooks in).
    """

    def __init__(self, table, history=50000):
        self.table = table
        self.lock = threading.RLock()
        self.objects = {}
        self.rv = 1000
        self.history = collections.deque(maxlen=history)
        self.watches = set()
        self.alloc = defaults.Allocator()
        self.on_write = []
        self.dirty = False
        for ns in BUILTIN_NAMESPACES:
            self.create(self.table.lookup("", "v1", "namespaces"), None,
                        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, WriteOptions())

    # ---- helpers --------------------------------------------------------------------------------------------
    def _bucket(self, resource):
        return self.objects.setdefault(resource.key, {})

    def _next_rv(self):
        self.rv += 1
        return str(self.rv)

    def _out(self, resource, obj):
        out = clone(obj)
        out["apiVersion"] = resource.group_version
        out["kind"] = resource.kind
        return out

    def _emit(self, resource, etype, obj):
        self.dirty = True
        self.history.append((int(obj["metadata"]["resourceVersion"]), resource.key, etype, clone(obj)))
        for w in list(self.watches):
            if w.matches(resource.key, obj):
                w.queue.put((etype, self._out(w.resource, obj)))
        for hook in self.on_write:
            hook(resource, obj, etype)

    def exists(self, resource, namespace, name):
        """True when the object is stored."""
        with self.lock:
            return (namespace if resource.namespaced else None, name) in self._bucket(resource)

    # ---- reads ----------------------------------------------------------------------------------------------
    def get(self, resource, namespace, name):
        """The object (dict, apiVersion/kind of ``resource``) or ApiError 404."""
        with self.lock:
            obj = self._bucket(resource).get((namespace if resource.namespaced else None, name))
            if obj is None:
                raise not_found(resource, name)
            return self._out(resource, obj)

    def list(self, resource, namespace, label_reqs, field_reqs):
        """(items, resourceVersion string) of matching objects, sorted by namespace then name."""
        with self.lock:
            items = [self._out(resource, o) for (ns, _unused), o in sorted(self._bucket(resource).items(),
                                                                           key=lambda kv: (kv[0][0] or "", kv[0][1]))
                     if (not namespace or ns == namespace)
                     and match_labels(label_reqs, o["metadata"].get("labels"))
                     and match_fields(field_reqs, o)]
            return items, str(self.rv)

    # ---- watch ----------------------------------------------------------------------------------------------
    def open_watch(self, resource, namespace, label_reqs, field_reqs, resource_version, send_initial):
        """Register a Watch and queue its first events atomically.

        send_initial (WatchList) or an empty/"0" resource_version: ADDED for every current object; with
        send_initial, then a BOOKMARK annotated k8s.io/initial-events-end. A numeric resource_version replays
        stored history after it. Returns the Watch; call close_watch when done.
        """
        w = Watch(resource, namespace, label_reqs, field_reqs)
        with self.lock:
            if send_initial or resource_version in (None, "", "0"):
                items, rv = self.list(resource, namespace, label_reqs, field_reqs)
                for item in items:
                    w.queue.put(("ADDED", item))
                if send_initial:
                    w.queue.put(("BOOKMARK", {"apiVersion": resource.group_version, "kind": resource.kind,
                                              "metadata": {"resourceVersion": rv, "annotations": {
                                                  "k8s.io/initial-events-end": "true"}}}))
            else:
                try:
                    since = int(resource_version)
                except ValueError:
                    raise bad_request("invalid resource version %r" % resource_version)
                if self.history and since < self.history[0][0] - 1 and since < self.rv:
                    raise ApiError(410, "Expired", "too old resource version: %d (%d)" % (since,
                                                                                          self.history[0][0] - 1))
                for rv, key, etype, obj in self.history:
                    if rv > since and w.matches(key, obj):
                        w.queue.put((etype, self._out(resource, obj)))
            self.watches.add(w)
        return w

    def close_watch(self, w):
        """Unregister a watch."""
        with self.lock:
            self.watches.discard(w)

    def stop_watches(self):
        """End every open watch (server shutdown)."""
        with self.lock:
            for w in self.watches:
                w.queue.put(None)

    # ---- writes ---------------------------------------------------------------------------------------------
    def _check_namespace(self, resource, namespace, body):
        meta = body.setdefault("metadata", {})
        if resource.namespaced:
            if meta.get("namespace") and namespace and meta["namespace"] != namespace:
                raise bad_request("the namespace of the provided object does not match the namespace sent on "
                                  "the request")
            meta["namespace"] = namespace or meta.get("namespace") or "default"
            if (None, meta["namespace"]) not in self.objects.get(("", "namespaces"), {}):
                raise namespace_not_found(meta["namespace"])
        else:
            meta.pop("namespace", None)

    def _validate_fields(self, resource, body, opts):
        if resource.crd is not None or opts.validation == "Ignore":
            return
        unknown = defaults.unknown_fields(body)
        if not unknown:
            return
        if opts.validation == "Strict":
            raise bad_request('%s in version "%s" cannot be handled as a %s: strict decoding error: %s' % (
                resource.kind, resource.version, resource.kind,
                ", ".join('unknown field "%s"' % f for f in unknown)))
        opts.warnings.extend('unknown field "%s"' % f for f in unknown)

    def _type_check(self, resource, body):
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        if body.get("kind") not in (None, resource.kind):
            raise bad_request('the API version in the data (%s) does not match the expected API version (%s)' % (
                body.get("apiVersion"), resource.group_version) if body.get("apiVersion") != resource.group_version
                else "%s is not a %s" % (body.get("kind"), resource.kind))

    def create(self, resource, namespace, body, opts):
        """POST: store a new object. Returns it (dict). Raises ApiError 400/404/409/422."""
        with self.lock:
            body = clone(body)
            self._type_check(resource, body)
            self._check_namespace(resource, namespace, body)
            self._validate_fields(resource, body, opts)
            meta = body["metadata"]
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + "".join(random.choice("bcdfghjklmnpqrstvwxz2456789")
                                                              for _i in range(5))
            key = (meta.get("namespace"), meta.get("name"))
            if key in self._bucket(resource):
                raise already_exists(resource, meta.get("name"))
            obj = self._prepare_new(resource, body)
            self._set_update_fields(resource, obj, None, opts)
            return self._store(resource, obj, None, opts)

    def _prepare_new(self, resource, body):
        obj = clone(body)
        meta = obj["metadata"]
        for k in ("resourceVersion", "uid", "creationTimestamp", "generation", "deletionTimestamp",
                  "managedFields", "selfLink"):
            meta.pop(k, None)
        if resource.status:
            obj.pop("status", None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now()
        if resource.group:
            meta["generation"] = 1
        defaults.apply_defaults(resource, obj, None, self.alloc)
        defaults.check_data_values(resource, obj)
        defaults.validate(resource, obj)
        if resource.kind == "CustomResourceDefinition":
            _crd_status(obj)
        obj["apiVersion"] = resource.group_version
        obj["kind"] = resource.kind
        return obj

    def _store(self, resource, obj, old, opts):
        """Finish a write: no-op detection, resourceVersion, event. Returns the response object."""
        meta = obj["metadata"]
        if old is not None and _same(old, obj):
            return self._out(resource, old)
        meta["resourceVersion"] = str(self.rv + 1)
        if opts.dry_run:
            return self._out(resource, obj)
        self._next_rv()
        self._bucket(resource)[(meta.get("namespace"), meta["name"])] = obj
        self._emit(resource, "ADDED" if old is None else "MODIFIED", obj)
        if resource.kind == "CustomResourceDefinition":
            self.table.register_crd(obj)
        return self._out(resource, obj)

    def update(self, resource, namespace, name, body, opts):
        """PUT (main resource or the status subresource). Returns the stored object. Raises ApiError."""
        with self.lock:
            body = clone(body)
            self._type_check(resource, body)
            meta = body.setdefault("metadata", {})
            if meta.get("name") != name:
                raise bad_request("the name of the object (%s) does not match the name on the URL (%s)" % (
                    meta.get("name"), name))
            self._check_namespace(resource, namespace, body)
            self._validate_fields(resource, body, opts)
            old = self._bucket(resource).get((meta.get("namespace"), name))
            if old is None:
                raise not_found(resource, name)
            if meta.get("resourceVersion") and meta["resourceVersion"] != old["metadata"]["resourceVersion"]:
                raise conflict(resource, name, "the object has been modified; please apply your changes to the "
                                               "latest version and try again")
            obj = self._replace(resource, old, body, opts)
            return self._store(resource, obj, old, opts)

    def _replace(self, resource, old, body, opts):
        """The object that results from replacing old by body (identity, status rules, defaults, generation)."""
        obj = clone(body)
        meta = obj.setdefault("metadata", {})
        for k in ("uid", "creationTimestamp", "generation", "namespace", "name"):
            if k in old["metadata"]:
                meta[k] = old["metadata"][k]
            else:
                meta.pop(k, None)
        meta.pop("resourceVersion", None)
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if "managedFields" not in body.get("metadata", {}) and old["metadata"].get("managedFields"):
            meta["managedFields"] = clone(old["metadata"]["managedFields"])
        if opts.subresource == "status":
            status = obj.get("status")
            obj = clone(old)
            if status is None:
                obj.pop("status", None)
            else:
                obj["status"] = status
        elif resource.status:
            if "status" in old:
                obj["status"] = clone(old["status"])
            else:
                obj.pop("status", None)
        defaults.apply_defaults(resource, obj, old, self.alloc)
        defaults.check_data_values(resource, obj)
        defaults.validate(resource, obj)
        defaults.validate_update(resource, old, obj)
        if "generation" in meta and _spec_changed(old, obj):
            meta["generation"] = old["metadata"].get("generation", 1) + 1
        if resource.kind == "CustomResourceDefinition":
            _crd_status(obj)
        obj["apiVersion"] = resource.group_version
        obj["kind"] = resource.kind
        self._set_update_fields(resource, obj, old, opts)
        return obj

    def _set_update_fields(self, resource, obj, old, opts):
        """managedFields bookkeeping for a non-apply write: the writer (operation Update) owns what it changed;
        other managers lose those fields (ownership moves, no conflicts for updates).
        """
        if opts.manager is None:
            return
        entries = [e for e in (obj["metadata"].get("managedFields") or []) if isinstance(e, dict)]
        status_sub = opts.subresource == "status"
        new_paths = fieldsets.field_paths(obj, status_is_subresource=resource.status and not status_sub)
        if status_sub:
            new_paths = {p for p in new_paths if p[:1] == (("f", "status"),)}
        changed = fieldsets.changed_paths(old, obj, new_paths) | {
            p for p in fieldsets.new_map_nodes(old, obj) if not status_sub or p[:1] == (("f", "status"),)}
        me = {"manager": opts.manager, "operation": "Update", "apiVersion": opts.api_version}
        if status_sub:
            me["subresource"] = "status"
        entries = _rebalance(entries, obj, me, changed, keep_mine=True)
        if entries:
            obj["metadata"]["managedFields"] = entries
        else:
            obj["metadata"].pop("managedFields", None)

    def patch(self, resource, namespace, name, patch_type, body_bytes, opts):
        """PATCH of any supported type, including server-side apply (which creates missing objects).

        Returns the resulting object. Raises ApiError 400/404/409/415/422.
        """
        with self.lock:
            key = (namespace if resource.namespaced else None, name)
            old = self._bucket(resource).get(key)
            if patch_type == APPLY:
                return self._apply(resource, namespace, name, body_bytes, old, opts)
            try:
                patch = json.loads(body_bytes or b"null")
            except ValueError as exc:
                raise bad_request("error decoding patch: %s" % exc)
            if old is None:
                raise not_found(resource, name)
            try:
                if patch_type == MERGE:
                    new = merge_patch(old, patch)
                elif patch_type == JSON_PATCH:
                    new = json_patch(old, patch)
                elif patch_type == STRATEGIC:
                    if resource.crd is not None:
                        raise ApiError(415, "UnsupportedMediaType", "strategic merge patch is not supported for "
                                                                    "custom resources")
                    new = strategic_merge_patch(old, patch)
                else:
                    raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                                                                "accepted media types include: " + ", ".join(
                                                                    [JSON_PATCH, MERGE, STRATEGIC, APPLY]))
            except PatchError as exc:
                raise ApiError(422, "Invalid", str(exc))
            if not isinstance(new, dict):
                raise bad_request("the patch did not produce an object")
            self._validate_fields(resource, new, opts)
            if (new.get("metadata") or {}).get("name", name) != name:
                raise bad_request("the name of the object (%s) does not match the name on the URL (%s)" % (
                    new["metadata"].get("name"), name))
            new.setdefault("metadata", {})["namespace"] = old["metadata"].get("namespace")
            if not resource.namespaced:
                new["metadata"].pop("namespace", None)
            obj = self._replace(resource, old, new, opts)
            return self._store(resource, obj, old, opts)

    def _apply(self, resource, namespace, name, body_bytes, old, opts):
        try:
            applied = json.loads(body_bytes or b"")
        except ValueError:
            try:
                applied = yaml.load(body_bytes or b"", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except yaml.YAMLError as exc:
                raise bad_request("error decoding YAML: %s" % exc)
        if not isinstance(applied, dict):
            raise bad_request("the body of the request was in an unknown format")
        if not applied.get("apiVersion") or not applied.get("kind"):
            raise bad_request("invalid object type: /, Kind=" if not applied.get("kind") else
                              "invalid object type: %s" % applied.get("kind"))
        if applied.get("kind") != resource.kind or applied.get("apiVersion") != resource.group_version:
            raise bad_request("the API version in the data (%s) does not match the expected API version (%s)" % (
                applied.get("apiVersion"), resource.group_version) if applied.get("apiVersion") !=
                resource.group_version else "invalid object type: %s" % applied.get("kind"))
        meta = applied.setdefault("metadata", {}) or {}
        applied["metadata"] = meta
        if meta.get("name") != name:
            raise bad_request("the name of the object (%s) does not match the name on the URL (%s)" % (
                meta.get("name"), name))
        if meta.get("managedFields"):
            raise bad_request("metadata.managedFields must be nil")
        self._validate_fields(resource, applied, opts)
        status_sub = opts.subresource == "status"
        if old is None:
            if status_sub:
                raise not_found(resource, name)
            base = {"apiVersion": resource.group_version, "kind": resource.kind,
                    "metadata": {"name": name}}
            if resource.namespaced:
                base["metadata"]["namespace"] = namespace or "default"
            self._check_namespace(resource, namespace, base)
            merged = fieldsets.merge_apply(base, clone(applied))
            merged["metadata"]["namespace"] = base["metadata"].get("namespace")
            if not resource.namespaced:
                merged["metadata"].pop("namespace", None)
            obj = self._prepare_new(resource, merged)
            live_for_diff = None
        else:
            self._check_namespace(resource, namespace, clone(applied))
            live = clone(old)
            merged = fieldsets.merge_apply(live, clone({k: v for k, v in applied.items()
                                                        if k not in ("apiVersion", "kind")}))
            live_for_diff = old
            obj = merged
        applied_paths = fieldsets.field_paths(applied, status_is_subresource=resource.status and not status_sub)
        if status_sub:
            applied_paths = {p for p in applied_paths if p[:1] == (("f", "status"),)}
        entries = list((old or {}).get("metadata", {}).get("managedFields") or [])
        me = {"manager": opts.manager, "operation": "Apply", "apiVersion": resource.group_version}
        if status_sub:
            me["subresource"] = "status"
        changed = fieldsets.changed_paths(live_for_diff, obj, applied_paths)
        conflicts = []
        for e in entries:
            if _same_owner(e, me):
                continue
            owned = fieldsets.from_fields_v1(e.get("fieldsV1"))
            for p in sorted(owned & changed, key=fieldsets.path_string):
                conflicts.append((e, p))
        if conflicts and not opts.force:
            raise _apply_conflict(conflicts)
        previous = set()
        for e in entries:
            if _same_owner(e, me):
                previous = fieldsets.from_fields_v1(e.get("fieldsV1"))
        others = set()
        for e in entries:
            if not _same_owner(e, me):
                others |= fieldsets.from_fields_v1(e.get("fieldsV1"))
        others -= changed if opts.force else set()
        to_remove = {p for p in previous - applied_paths if p not in others
                     and not any(p[:len(q)] == q and len(q) < len(p) for q in applied_paths
                                 if q[-1][0] not in ("k", "v"))}
        to_remove = {p for p in to_remove if not any(o[:len(p)] == p for o in others)}
        # a map or list node (a "." member, as client-side-apply Update entries and entries migrated from them hold)
        # stays while the new apply still sets fields under it; only its dropped children go
        to_remove = {p for p in to_remove if not any(q[:len(p)] == p and len(q) > len(p) for q in applied_paths)}
        fieldsets.remove_paths(obj, to_remove)
        if old is not None:
            obj = self._replace(resource, old, obj, opts_no_fields(opts))
        new_entries = []
        for e in entries:
            if _same_owner(e, me):
                continue
            owned = fieldsets.from_fields_v1(e.get("fieldsV1")) - (changed if opts.force else set())
            owned = fieldsets.existing(obj, owned)
            if owned:
                e = dict(e, fieldsV1=fieldsets.to_fields_v1(owned))
                new_entries.append(e)
        mine = dict(me)
        mine["time"] = now()
        old_mine = next((e for e in entries if _same_owner(e, me)), None)
        if old_mine is not None and fieldsets.from_fields_v1(old_mine.get("fieldsV1")) == applied_paths:
            mine["time"] = old_mine.get("time", mine["time"])
        mine["fieldsType"] = "FieldsV1"
        mine["fieldsV1"] = fieldsets.to_fields_v1(applied_paths)
        new_entries.insert(_position(entries, me), _ordered_entry(mine))
        obj["metadata"]["managedFields"] = new_entries
        return self._store(resource, obj, old, opts)

    def delete(self, resource, namespace, name, opts):
        """DELETE one object and, unless propagation is Orphan, its dependents (ownerReferences) and, for a
        Namespace, everything in it. Returns the response body (Status or the object)."""
        with self.lock:
            key = (namespace if resource.namespaced else None, name)
            old = self._bucket(resource).get(key)
            if old is None:
                raise not_found(resource, name)
            pre = opts.preconditions
            if pre.get("uid") and pre["uid"] != old["metadata"]["uid"]:
                raise conflict(resource, name, "Precondition failed: UID in precondition: %s, UID in object meta: "
                                               "%s" % (pre["uid"], old["metadata"]["uid"]))
            if pre.get("resourceVersion") and pre["resourceVersion"] != old["metadata"]["resourceVersion"]:
                raise conflict(resource, name, "Precondition failed: ResourceVersion in precondition: %s, "
                                               "ResourceVersion in object meta: %s" % (
                                                   pre["resourceVersion"], old["metadata"]["resourceVersion"]))
            if resource.kind == "Namespace" and name in BUILTIN_NAMESPACES[:3]:
                raise ApiError(403, "Forbidden", 'namespaces "%s" is forbidden: this namespace may not be deleted'
                               % name, {"name": name, "kind": "namespaces"})
            if opts.dry_run:
                return self._out(resource, old)
            self._remove(resource, key, old, opts.propagation)
            if resource.kind in ("Pod", "Namespace"):
                out = self._out(resource, old)
                out["metadata"]["deletionTimestamp"] = now()
                if resource.kind == "Namespace":
                    out["status"] = {"phase": "Terminating"}
                return out
            details = {"name": name, "kind": resource.plural, "uid": old["metadata"]["uid"]}
            if resource.group:
                details["group"] = resource.group
            return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                    "details": details}

    def _remove(self, resource, key, old, propagation):
        del self._bucket(resource)[key]
        gone = clone(old)
        gone["metadata"]["resourceVersion"] = self._next_rv()
        self._emit(resource, "DELETED", gone)
        if resource.kind == "CustomResourceDefinition":
            self._drop_crd_objects(old)
        if resource.kind == "Namespace":
            for r in self.table.all():
                if r.namespaced:
                    for k, o in list(self._bucket(r).items()):
                        if k[0] == key[1] and k in self._bucket(r):
                            self._remove(r, k, o, "Background")
        if propagation != "Orphan":
            uid = old["metadata"]["uid"]
            for r in self.table.all():
                for k, o in list(self._bucket(r).items()):
                    refs = o["metadata"].get("ownerReferences") or []
                    if any(ref.get("uid") == uid for ref in refs) and k in self._bucket(r):
                        self._remove(r, k, o, propagation)

    def _drop_crd_objects(self, crd):
        spec = crd.get("spec") or {}
        key = (spec.get("group"), (spec.get("names") or {}).get("plural"))
        resources = [r for r in self.table.all() if r.key == key]
        for k, o in list(self.objects.get(key, {}).items()):
            if resources:
                self._remove(resources[0], k, o, "Background")
        self.table.unregister_crd(crd["metadata"]["name"])

    def delete_collection(self, resource, namespace, label_reqs, field_reqs, opts):
        """DELETE on a collection: removes every match; returns the list of removed objects."""
        with self.lock:
            items, _unused = self.list(resource, namespace, label_reqs, field_reqs)
            for item in items:
                meta = item["metadata"]
                if not opts.dry_run:
                    key = (meta.get("namespace"), meta["name"])
                    if key in self._bucket(resource):
                        self._remove(resource, key, self._bucket(resource)[key], opts.propagation)
            return items

    def set_status(self, resource, namespace, name, status, generation=None):
        """Controller-side status write (the simulator). Skips when the object is gone or, when
        ``generation`` is given, when the object moved on. Returns True when stored."""
        with self.lock:
            key = (namespace if resource.namespaced else None, name)
            obj = self._bucket(resource).get(key)
            if obj is None:
                return False
            if generation is not None and obj["metadata"].get("generation") != generation:
                return False
            if obj.get("status") == status:
                return False
            obj = clone(obj)
            obj["status"] = status
            obj["metadata"]["resourceVersion"] = self._next_rv()
            self._bucket(resource)[key] = obj
            self._emit(resource, "MODIFIED", obj)
            return True

    # ---- persistence ----------------------------------------------------------------------------------------
    def snapshot(self):
        """JSON-able state: {rv, objects: [[group, plural, object]]}."""
        with self.lock:
            objs = [[g, p, o] for (g, p), bucket in self.objects.items() for o in bucket.values()]
            return {"rv": self.rv, "objects": objs}

    def restore(self, state):
        """Load a snapshot() (CRDs are re-registered first)."""
        with self.lock:
            self.objects = {}
            self.rv = state.get("rv", self.rv)
            for g, p, o in state.get("objects", []):
                if p == "customresourcedefinitions":
                    self.table.register_crd(o)
            for g, p, o in state.get("objects", []):
                meta = o["metadata"]
                self.objects.setdefault((g, p), {})[(meta.get("namespace"), meta["name"])] = o


def opts_no_fields(opts):
    """Copy of opts for the internal replace step of apply (managedFields are computed by _apply)."""
    o = copy.copy(opts)
    o.manager = None
    return o


def _same_owner(entry, me):
    return (entry.get("manager") == me["manager"] and entry.get("operation") == me["operation"]
            and (entry.get("subresource") or "") == (me.get("subresource") or "")
            and (me["operation"] == "Apply" or entry.get("apiVersion") == me.get("apiVersion")))


def _position(entries, me):
    """Where the manager's refreshed entry goes: its old place, or last."""
    for i, e in enumerate(entries):
        if _same_owner(e, me):
            return i
    return len(entries)


def _ordered_entry(e):
    order = ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"]
    return {k: e[k] for k in order if k in e}


def _rebalance(entries, obj, me, changed, keep_mine):
    """Give ``changed`` paths to the Update manager ``me`` and remove them from everyone else."""
    if me["manager"] is None:
        return entries
    out = []
    mine = set(changed)
    old_mine = None
    for e in entries:
        owned = fieldsets.from_fields_v1(e.get("fieldsV1"))
        if _same_owner(e, me):
            old_mine = e
            mine |= owned
            continue
        owned = fieldsets.existing(obj, owned - changed)
        if owned:
            out.append(dict(e, fieldsV1=fieldsets.to_fields_v1(owned)))
    mine = fieldsets.existing(obj, mine)
    if mine:
        entry = dict(me, time=now(), fieldsType="FieldsV1", fieldsV1=fieldsets.to_fields_v1(mine))
        if old_mine is not None and not changed:
            entry["time"] = old_mine.get("time", entry["time"])
        idx = entries.index(old_mine) if old_mine is not None else len(out)
        out.insert(min(idx, len(out)), _ordered_entry(entry))
    return out


def _apply_conflict(conflicts):
    printed = [(fieldsets.print_manager(e), p) for e, p in conflicts]
    causes = [{"reason": "FieldManagerConflict", "message": "conflict with %s" % m,
               "field": fieldsets.path_string(p)} for m, p in printed]
    return ApiError(409, "Conflict", fieldsets.conflict_message(printed), {"causes": causes})


def _same(old, new):
    """True when new differs from old only in resourceVersion and managedFields timestamps."""
    if set(old) != set(new) or any(old[k] != new[k] for k in old if k != "metadata"):
        return False
    om, nm = old.get("metadata") or {}, new.get("metadata") or {}
    skip = ("resourceVersion", "managedFields")
    if {k: v for k, v in om.items() if k not in skip} != {k: v for k, v in nm.items() if k not in skip}:
        return False

    def entries(meta):
        return [{k: v for k, v in e.items() if k != "time"} for e in meta.get("managedFields") or []]

    return entries(om) == entries(nm)


def _spec_changed(old, new):
    def body(o):
        return {k: v for k, v in o.items() if k not in ("metadata", "status", "apiVersion", "kind")}
    return body(old) != body(new)


def _crd_status(obj):
    spec = obj.get("spec") or {}
    names = dict(spec.get("names") or {})
    names.setdefault("singular", (names.get("kind") or "").lower())
    names.setdefault("listKind", (names.get("kind") or "") + "List")
    stamp = obj.get("status", {}).get("conditions", [{}])[0].get("lastTransitionTime") or now()
    obj["status"] = {
        "acceptedNames": names,
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
             "message": "no conflicts found", "lastTransitionTime": stamp},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted", "lastTransitionTime": stamp},
        ],
        "storedVersions": [v.get("name") for v in spec.get("versions") or [] if v.get("storage")],
    }
