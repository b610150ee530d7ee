"""The patches of client-side apply, as Helm v4 computes them (``pkg/kube/client.go: createPatch``).

* Kinds that client-go's scheme knows (built-in API groups) get a three-way *strategic merge patch*
  (apimachinery ``strategicpatch.CreateThreeWayMergePatch(original, modified, current, meta, overwrite=true)``):
  what ``modified`` changes or adds against the live object ``current``, merged with what ``modified`` dropped
  against ``original`` (the previous revision's object) as deletions. Lists whose schema says
  ``x-kubernetes-patch-strategy: merge`` are merged element by element on their ``x-kubernetes-patch-merge-key``
  (removed elements become ``{"$patch": "delete"}``, removed scalars ``$deleteFromPrimitiveList``, the order
  ``$setElementOrder``); other lists are replaced whole.
* Every other kind (custom resources) is unstructured for Helm and gets a two-way *JSON merge patch* (RFC 7386)
  from ``original`` to ``modified`` (``jsonpatch.CreateMergePatch``): the live object is not consulted.

The patch strategies and merge keys come from the server's OpenAPI v3 documents (``/openapi/v3`` and one document
per group-version), as kubectl reads them; kubectl and Helm compile the same extensions in from k8s.io/api's struct
tags. A server without OpenAPI v3 gives no merge keys: lists are then replaced whole.
"""
from __future__ import annotations

import copy
import threading

from .client import ApiError

STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
MERGE_PATCH = "application/merge-patch+json"

# API groups of client-go's scheme (k8s.io/client-go/kubernetes/scheme) plus apiextensions, which Helm's kube client
# registers too: their kinds are typed for Helm and take strategic merge patches; every other group is unstructured.
TYPED_GROUPS = frozenset((
    "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiserverinternal.k8s.io",
    "internal.apiserver.k8s.io", "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch",
    "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "extensions",
    "flowcontrol.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io", "policy", "rbac.authorization.k8s.io",
    "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io"))

_MAX_REF_DEPTH = 32  # $ref/allOf hops followed for one schema node (the documents are trusted but bounded anyway)


def api_group(api_version: str) -> str:
    """The group of ``api_version`` ("" for the core group ``v1``)."""
    return api_version.split("/", 1)[0] if "/" in (api_version or "") else ""


def is_typed(api_version: str) -> bool:
    """True when Helm patches objects of ``api_version`` with a strategic merge patch (a built-in group)."""
    return api_group(api_version) in TYPED_GROUPS


# -- schema ----------------------------------------------------------------------------------------------------------

class SchemaNode:
    """One node of an OpenAPI v3 schema with its ``$ref``/``allOf`` indirections followed on demand.

    ``strategies`` (set of str) and ``merge_key`` (str or None) are the node's own ``x-kubernetes-patch-strategy``
    (comma-separated, e.g. ``merge,retainKeys``) and ``x-kubernetes-patch-merge-key``; :meth:`field` and
    :meth:`items` give child nodes or None.
    """

    def __init__(self, schema: dict, components: dict):
        self.schema = schema if isinstance(schema, dict) else {}
        self.components = components
        self.strategies = set(filter(None, str(self.schema.get("x-kubernetes-patch-strategy") or "").split(",")))
        self.merge_key = self.schema.get("x-kubernetes-patch-merge-key") or None
        self._target = None

    def _resolved(self) -> dict:
        if self._target is None:
            node = self.schema
            for _unused in range(_MAX_REF_DEPTH):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    node = self.components.get(ref[len("#/components/schemas/"):]) or {}
                    continue
                parts = node.get("allOf")
                if isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict) \
                        and "properties" not in node and "items" not in node:
                    node = parts[0]
                    continue
                break
            self._target = node if isinstance(node, dict) else {}
        return self._target

    def field(self, name: str):
        """The node of property ``name``, or None when the schema does not describe it."""
        props = self._resolved().get("properties")
        child = props.get(name) if isinstance(props, dict) else None
        return SchemaNode(child, self.components) if isinstance(child, dict) else None

    def items(self):
        """The node of a list's elements, or None."""
        child = self._resolved().get("items")
        return SchemaNode(child, self.components) if isinstance(child, dict) else None


class OpenAPISchemas:
    """The root :class:`SchemaNode` of each kind, read from the server's OpenAPI v3 documents once per client
    (thread-safe; the documents are fetched only for the group-versions asked for)."""

    def __init__(self, client):
        self.client = client
        self._lock = threading.Lock()
        self._index = None
        self._documents = {}

    def _get(self, url: str):
        path, _sep, query = url.partition("?")
        pairs = [tuple(part.split("=", 1)) for part in query.split("&") if "=" in part]
        try:
            return self.client.request("GET", path, query=pairs or None)
        except ApiError:
            return None

    def _document(self, api_version: str):
        group = api_group(api_version)
        version = api_version.rsplit("/", 1)[-1]
        key = "api/%s" % version if not group else "apis/%s/%s" % (group, version)
        with self._lock:
            if self._index is None:
                self._index = (self._get("/openapi/v3") or {}).get("paths") or {}
            if key not in self._documents:
                entry = self._index.get(key) or {}
                url = entry.get("serverRelativeURL") if isinstance(entry, dict) else None
                self._documents[key] = self._get(url) if url else None
            return self._documents[key]

    def root(self, api_version: str, kind: str):
        """The schema node of objects of ``api_version``/``kind``, or None when the server does not describe it."""
        document = self._document(api_version)
        components = ((document or {}).get("components") or {}).get("schemas") or {}
        group = api_group(api_version)
        version = api_version.rsplit("/", 1)[-1]
        for schema in components.values():
            for gvk in (schema or {}).get("x-kubernetes-group-version-kind") or []:
                if (gvk.get("group") or "", gvk.get("version"), gvk.get("kind")) == (group, version, kind):
                    return SchemaNode(schema, components)
        return None


# -- JSON merge patch (unstructured kinds) ---------------------------------------------------------------------------

def merge_patch(original: dict, modified: dict) -> dict:
    """RFC 7386 merge patch turning ``original`` into ``modified`` (``jsonpatch.CreateMergePatch``): changed and
    added keys with their new values (maps recursively), dropped keys as null, lists replaced whole."""
    out = {}
    for key, new in modified.items():
        if key not in original:
            out[key] = copy.deepcopy(new)
        elif isinstance(new, dict) and isinstance(original[key], dict):
            sub = merge_patch(original[key], new)
            if sub:
                out[key] = sub
        elif new != original[key]:
            out[key] = copy.deepcopy(new)
    for key in original:
        if key not in modified:
            out[key] = None
    return out


# -- strategic merge patch (typed kinds) -----------------------------------------------------------------------------

def three_way_strategic(original: dict, modified: dict, current: dict, schema) -> dict:
    """apimachinery's ``CreateThreeWayMergePatch(original, modified, current, schema, overwrite=true)``: the
    additions and changes of ``modified`` against ``current``, with the deletions of ``modified`` against
    ``original``. ``schema`` is the kind's :class:`SchemaNode` (or None: lists are replaced). Returns the patch
    (dict; ``{}`` when nothing is to change)."""
    delta = _diff(current or {}, modified, schema, deletions=False)
    removed = _diff(original or {}, modified, schema, deletions=True)
    return _merge_patches(removed, delta, schema)


def _child(schema, name):
    return schema.field(name) if schema is not None else None


def _diff(old: dict, new: dict, schema, deletions: bool) -> dict:
    """One half of the three-way patch: with ``deletions`` only what ``new`` dropped from ``old`` (``DiffOptions
    {IgnoreChangesAndAdditions}``), else only what ``new`` changes or adds (``{IgnoreDeletions}``)."""
    out = {}
    for key, value in new.items():
        node = _child(schema, key)
        if key not in old:
            if not deletions:
                out[key] = copy.deepcopy(value)
            continue
        before = old[key]
        if isinstance(before, dict) and isinstance(value, dict):
            if node is not None and "replace" in node.strategies:
                if before != value and not deletions:
                    out[key] = copy.deepcopy(value)
                continue
            sub = _diff(before, value, node, deletions)
            if sub:
                out[key] = sub
        elif isinstance(before, list) and isinstance(value, list):
            _diff_list(out, key, before, value, node, deletions)
        elif before != value and not deletions:
            out[key] = copy.deepcopy(value)
    if deletions:
        for key in old:
            if key not in new:
                out[key] = None
    return out


def _scalars(items: list) -> bool:
    return not any(isinstance(item, (dict, list)) for item in items)


def _diff_list(out: dict, key: str, old: list, new: list, node, deletions: bool) -> None:
    if node is None or "merge" not in node.strategies or (node.merge_key is None and not _scalars(old + new)):
        if old != new and not deletions:
            out[key] = copy.deepcopy(new)
        return
    if node.merge_key is None:  # a set of scalars (finalizers): added values, removed values, order
        added = [value for value in new if value not in old]
        removed = [value for value in old if value not in new]
        if deletions and removed:
            out["$deleteFromPrimitiveList/" + key] = removed
        if not deletions and added:
            out[key] = added
        if (removed if deletions else added):
            out["$setElementOrder/" + key] = list(new)
        return
    merge_key = node.merge_key
    before = dict((item.get(merge_key), item) for item in old if isinstance(item, dict))
    wanted = [item.get(merge_key) for item in new if isinstance(item, dict)]
    items = node.items()
    patch = []
    for item in new:
        if not isinstance(item, dict):
            continue
        ident = item.get(merge_key)
        if ident in before:
            sub = _diff(before[ident], item, items, deletions)
            if sub:
                entry = {merge_key: ident}
                entry.update(sub)
                patch.append(entry)
        elif not deletions:
            patch.append(copy.deepcopy(item))
    if deletions:
        patch += [{merge_key: ident, "$patch": "delete"} for ident in before if ident not in wanted]
    if patch:
        out[key] = patch
        out["$setElementOrder/" + key] = [{merge_key: ident} for ident in wanted]


def _merge_patches(first: dict, second: dict, schema) -> dict:
    """Both halves of the patch as one (apimachinery ``mergeMap`` of the deletions and the delta)."""
    out = copy.deepcopy(first)
    for key, value in second.items():
        if key not in out:
            out[key] = value
            continue
        node = _child(schema, key)
        if isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge_patches(out[key], value, node)
        elif isinstance(out[key], list) and isinstance(value, list) and node is not None and node.merge_key \
                and not key.startswith("$"):
            out[key] = _merge_elements(out[key], value, node)
        else:
            out[key] = value
    return out


def _merge_elements(first: list, second: list, node) -> list:
    merge_key = node.merge_key
    out = [copy.deepcopy(item) for item in first]
    for item in second:
        pos = next((i for i, have in enumerate(out) if isinstance(have, dict) and isinstance(item, dict)
                    and have.get(merge_key) == item.get(merge_key)), None)
        if pos is None:
            out.append(item)
        else:
            out[pos] = _merge_patches(out[pos], item, node.items())
    return out
