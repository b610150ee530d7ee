"""Server-side apply: field sets, managedFields (FieldsV1) and the apply merge, after
sigs.k8s.io/structured-merge-diff (fieldpath/serialize.go, merge/update.go) and
k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager (conflict wording, stripped metadata fields).

A *path* is a tuple of elements: ('f', name) a field, ('k', ((key, value), ...)) a list-map element (keys
sorted by name), ('v', value) a set member, ('i', n) a list index.
"""
from __future__ import annotations

import json

from .schema import element_key, list_semantics

MISSING = object()

# Fields the apiserver's field manager never tracks (fieldmanager/internal/stripmeta.go).
_STRIPPED_META = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                  "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"}


def _names(path):
    return tuple(e[1] for e in path if e[0] == "f")


def _atomic_map(path, value):
    """LabelSelector is +structType=atomic: a spec.selector with matchLabels/matchExpressions is one leaf."""
    return (isinstance(value, dict) and path and path[-1] == ("f", "selector")
            and ("matchLabels" in value or "matchExpressions" in value))


def field_paths(obj, status_is_subresource=True):
    """All tracked paths of an object (dict) as a set: leaves, list-map elements and set members."""
    return set(path_values(obj, status_is_subresource))


def path_values(obj, status_is_subresource=True):
    """{path: value} for every tracked path of obj (one walk; values are not copied)."""
    out = {}
    _collect(obj, (), out)
    return {p: v for p, v in out.items() if p and not _stripped(p, status_is_subresource)}


def _stripped(path, status_is_subresource=True):
    if path[0] in (("f", "apiVersion"), ("f", "kind")):
        return True
    if status_is_subresource and path[:1] == (("f", "status"),):
        return True
    if path[:1] == (("f", "metadata"),):
        return len(path) == 1 or path[1][1] in _STRIPPED_META
    return False


def _collect(value, path, out):
    if isinstance(value, dict) and value and not _atomic_map(path, value):
        for k, v in value.items():
            _collect(v, path + (("f", k),), out)
        return
    if isinstance(value, list) and value:
        kind, keys = list_semantics(_names(path))
        if kind == "set":
            for v in value:
                out[path + (("v", _hashable(v)),)] = v
            return
        if kind == "map":
            for item in value:
                ident = element_key(item, keys)
                if ident is None:
                    out[path] = value
                    return
                ep = path + (("k", tuple(sorted(ident))),)
                out[ep] = item
                if isinstance(item, dict):
                    for k, v in item.items():
                        _collect(v, ep + (("f", k),), out)
            return
    out[path] = value


# Fields whose Go type is a map (map[string]string, ResourceList): an Update that creates one owns the map
# itself too, which FieldsV1 shows as ".": {} (structs are never members on their own).
MAP_FIELDS = {"labels", "annotations", "data", "binaryData", "stringData", "matchLabels", "nodeSelector", "limits",
              "requests", "parameters", "capacity", "selector"}


def new_map_nodes(old, new):
    """Paths of non-empty map-typed fields present in new but not in old (for Update operations)."""
    out = set()

    def walk(value, path):
        if isinstance(value, dict) and not _atomic_map(path, value):
            for k, v in value.items():
                p = path + (("f", k),)
                if isinstance(v, dict) and v and k in MAP_FIELDS and not _atomic_map(p, v) \
                        and (old is None or get_at(old, p) is MISSING):
                    out.add(p)
                walk(v, p)
        elif isinstance(value, list):
            kind, keys = list_semantics(_names(path))
            if kind == "map":
                for item in value:
                    ident = element_key(item, keys)
                    if ident is not None:
                        walk(item, path + (("k", tuple(sorted(ident))),))

    walk(new, ())
    return {p for p in out if not _stripped(p)}


def _hashable(v):
    return json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v


def get_at(obj, path):
    """The value at ``path`` in obj, or MISSING."""
    cur = obj
    names = ()
    for el in path:
        if el[0] == "f":
            if not isinstance(cur, dict) or el[1] not in cur:
                return MISSING
            cur = cur[el[1]]
            names += (el[1],)
        elif el[0] == "k":
            if not isinstance(cur, list):
                return MISSING
            _unused, keys = list_semantics(names)
            keys = keys or [k for k, _unused in el[1]]
            match = [i for i in cur if element_key(i, keys) is not None and tuple(sorted(element_key(i, keys)))
                     == el[1]]
            if not match:
                return MISSING
            cur = match[0]
        elif el[0] == "v":
            if not isinstance(cur, list) or el[1] not in [_hashable(x) for x in cur]:
                return MISSING
            cur = el[1]
        else:
            if not isinstance(cur, list) or el[1] >= len(cur):
                return MISSING
            cur = cur[el[1]]
    return cur


def changed_paths(old, new, paths):
    """Subset of ``paths`` (from new) whose value was added or modified going from old to new."""
    before = path_values(old, False) if old is not None else {}
    after = path_values(new, False)
    out = set()
    for p in paths:
        if p in before:
            was = before[p]
        else:
            was = get_at(old, p) if old is not None else MISSING
        if was is MISSING:
            out.add(p)
            continue
        if p[-1][0] in ("k", "v"):
            continue
        now = after[p] if p in after else get_at(new, p)
        if was != now:
            out.add(p)
    return out


def existing(obj, paths):
    """The subset of paths present in obj."""
    present = path_values(obj, False)
    return {p for p in paths if p in present or get_at(obj, p) is not MISSING}


def remove_paths(obj, paths):
    """Delete each path from obj in place; a path under another removed path goes with it. Empty parents are
    kept, as the apiserver does."""
    paths = {p for p in paths if not any(p[:i] in paths for i in range(1, len(p)))}
    for p in sorted(paths, key=len, reverse=True):
        parent = get_at(obj, p[:-1]) if len(p) > 1 else obj
        if parent is MISSING:
            continue
        el = p[-1]
        if el[0] == "f" and isinstance(parent, dict):
            parent.pop(el[1], None)
        elif el[0] in ("k", "v") and isinstance(parent, list):
            target = get_at(obj, p)
            if target is not MISSING:
                for i, item in enumerate(parent):
                    if item is target or (el[0] == "v" and _hashable(item) == el[1]):
                        parent.pop(i)
                        break


def merge_apply(live, applied, path=()):
    """Merge an applied configuration into the live object (SSA semantics): maps recurse, list-maps merge by
    key, sets union, everything else is replaced. Returns a new value that may share structure with both
    arguments: callers pass a private copy of the live object and a freshly decoded applied configuration.
    """
    if isinstance(applied, dict) and isinstance(live, dict) and not _atomic_map(path, applied):
        out = dict(live)
        for k, v in applied.items():
            out[k] = merge_apply(live.get(k, MISSING), v, path + (("f", k),))
        return out
    if isinstance(applied, list) and isinstance(live, list):
        kind, keys = list_semantics(_names(path))
        if kind == "set":
            out = list(applied)
            out += [x for x in live if x not in out]
            return out
        if kind == "map":
            out = list(live)
            index = {}
            for i, c in enumerate(out):
                ident = element_key(c, keys)
                if ident is not None:
                    index.setdefault(ident, i)
            for item in applied:
                ident = element_key(item, keys)
                pos = index.get(ident) if ident is not None else None
                if pos is None:
                    out.append(item)
                    if ident is not None:
                        index[ident] = len(out) - 1
                else:
                    out[pos] = merge_apply(out[pos], item, path + (("k", tuple(sorted(ident))),))
            return out
    return applied


# ---- FieldsV1 encoding -------------------------------------------------------------------------------------

def _encode_el(el):
    kind, value = el
    if kind == "f":
        return "f:" + value
    if kind == "k":
        return "k:" + json.dumps(dict(value), separators=(",", ":"), sort_keys=True)
    if kind == "v":
        return "v:" + (value if isinstance(value, str) and value[:1] in "[{" else json.dumps(value))
    return "i:%d" % value


def _decode_el(text):
    kind, _unused, rest = text.partition(":")
    if kind == "f":
        return ("f", rest)
    if kind == "k":
        return ("k", tuple(sorted(json.loads(rest).items())))
    if kind == "v":
        v = json.loads(rest)
        return ("v", _hashable(v))
    return ("i", int(rest))


def to_fields_v1(paths):
    """Set of paths -> FieldsV1 tree (dict): nested {"f:spec": {"f:replicas": {}}}, "." marks a member that
    also has children.
    """
    tree = {}
    keys = {}
    members = []
    for p in paths:
        node = tree
        for el in p:
            key = keys.get(el)
            if key is None:
                key = keys[el] = _encode_el(el)
            node = node.setdefault(key, {})
        members.append(node)
    for node in members:
        if node and "." not in node:
            node["."] = {}
    return _sorted_tree(tree)


def _sorted_tree(node):
    return {k: _sorted_tree(node[k]) for k in sorted(node)}


def from_fields_v1(tree, prefix=()):
    """FieldsV1 tree -> set of paths."""
    out = set()
    for k, v in (tree or {}).items():
        if k == ".":
            out.add(prefix)
            continue
        p = prefix + (_decode_el(k),)
        if v:
            out |= from_fields_v1(v, p)
        else:
            out.add(p)
    return out


def path_string(path):
    """SMD's fieldpath.Path.String(): .spec.containers[name="app"].image, [="x"] for set members."""
    out = ""
    for kind, value in path:
        if kind == "f":
            out += "." + value
        elif kind == "k":
            out += "[" + ",".join("%s=%s" % (k, json.dumps(v)) for k, v in value) + "]"
        elif kind == "v":
            out += "[=" + (value if isinstance(value, str) and value[:1] in "[{" else json.dumps(value)) + "]"
        else:
            out += "[%d]" % value
    return out


def conflict_message(conflicts):
    """The apiserver's message for apply conflicts. conflicts: [(printed manager, path)] in order."""
    if len(conflicts) == 1:
        return "Apply failed with 1 conflict: conflict with %s: %s" % (conflicts[0][0], path_string(conflicts[0][1]))
    by_manager = {}
    for manager, path in conflicts:
        by_manager.setdefault(manager, []).append(path)
    lines = []
    for manager in sorted(by_manager):
        lines.append("conflicts with %s:" % manager)
        lines.extend("- %s" % path_string(p) for p in by_manager[manager])
    return "Apply failed with %d conflicts: %s" % (len(conflicts), "\n".join(lines))


def print_manager(entry):
    """How a managedFields entry is named in conflicts: "helm", or "kubectl" using apps/v1 for Update."""
    text = json.dumps(entry["manager"])
    if entry.get("subresource"):
        text += " with subresource %s" % json.dumps(entry["subresource"])
    if entry.get("operation") == "Update":
        text += " using %s" % entry.get("apiVersion", "")
        if entry.get("time"):
            text += " at %s" % entry["time"]
    return text
