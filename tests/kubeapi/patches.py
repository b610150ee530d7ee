"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch
(k8s.io/apimachinery/pkg/util/strategicpatch/patch.go: merge keys, ``$patch`` directives, null deletes).
"""
from __future__ import annotations

import copy

from .schema import element_key, list_semantics


class PatchError(ValueError):
    """A patch that cannot be applied; the server answers 422 (or 400 for malformed bodies)."""


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch: returns a new document."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError("invalid JSON pointer %r" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
    cur = doc
    for p in parts:
        if isinstance(cur, list):
            try:
                cur = cur[int(p)]
            except (ValueError, IndexError):
                raise PatchError("doc is missing path: /%s" % "/".join(parts))
        elif isinstance(cur, dict) and p in cur:
            cur = cur[p]
        else:
            raise PatchError("doc is missing path: /%s" % "/".join(parts))
    return cur


def _add(doc, parts, value, replace=False):
    if not parts:
        return value
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
            return doc
        try:
            idx = int(last)
        except ValueError:
            raise PatchError("invalid array index %r" % last)
        if idx < 0 or idx > len(parent) or (replace and idx >= len(parent)):
            raise PatchError("array index out of bounds: %d" % idx)
        if replace:
            parent[idx] = value
        else:
            parent.insert(idx, value)
    elif isinstance(parent, dict):
        if replace and last not in parent:
            raise PatchError("replace operation does not apply: doc is missing key: /%s" % "/".join(parts))
        parent[last] = value
    else:
        raise PatchError("cannot add to a scalar at /%s" % "/".join(parts))
    return doc


def _remove(doc, parts):
    parent = _walk(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, list):
        try:
            return parent.pop(int(last))
        except (ValueError, IndexError):
            raise PatchError("array index out of bounds: %s" % last)
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    raise PatchError("remove operation does not apply: doc is missing path: /%s" % "/".join(parts))


def json_patch(target, ops):
    """RFC 6902 JSON patch (add, remove, replace, move, copy, test): returns a new document."""
    if not isinstance(ops, list):
        raise PatchError("json patch body must be a list of operations")
    doc = copy.deepcopy(target)
    for op in ops:
        kind = op.get("op")
        parts = _pointer(op.get("path", ""))
        if kind == "add":
            doc = _add(doc, parts, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(doc, parts)
        elif kind == "replace":
            doc = _add(doc, parts, copy.deepcopy(op.get("value")), replace=True)
        elif kind in ("move", "copy"):
            src = _pointer(op.get("from", ""))
            value = _remove(doc, src) if kind == "move" else copy.deepcopy(_walk(doc, src))
            doc = _add(doc, parts, value)
        elif kind == "test":
            if _walk(doc, parts) != op.get("value"):
                raise PatchError("testing value /%s failed" % "/".join(parts))
        else:
            raise PatchError("Unexpected kind: %s" % kind)
    return doc


def strategic_merge_patch(target, patch, path=()):
    """Strategic merge patch of dict ``target`` with dict ``patch`` at ``path`` (field names from the root).

    Lists with a merge key merge element-wise; ``$patch: delete`` removes an element, ``$patch: replace``
    replaces the enclosing map or list; ``$deleteFromPrimitiveList/<f>`` removes scalars; ``$setElementOrder``
    and ``$retainKeys`` are accepted and ignored. Returns a new dict.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$setElementOrder/") or key in ("$retainKeys", "$patch"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list):
                result[field] = [x for x in result[field] if x not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, path + (key,))
        elif isinstance(value, dict):
            merged = strategic_merge_patch(result.get(key), value, path + (key,))
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        else:
            result[key] = value
    return result


def _merge_list(current, patch, path):
    kind, keys = list_semantics(path)
    if kind == "atomic" or not isinstance(current, list):
        if kind == "map":
            return [strategic_merge_patch({}, p, path) if isinstance(p, dict) else p for p in patch
                    if not (isinstance(p, dict) and p.get("$patch") == "delete")]
        return copy.deepcopy(patch)
    if kind == "set":
        out = list(current)
        for v in patch:
            if v not in out:
                out.append(v)
        return out
    if any(isinstance(p, dict) and p.get("$patch") == "replace" for p in patch):
        return [copy.deepcopy(p) for p in patch if not (isinstance(p, dict) and "$patch" in p)]
    out = copy.deepcopy(current)
    for item in patch:
        ident = element_key(item, keys[:1])
        pos = next((i for i, c in enumerate(out) if element_key(c, keys[:1]) == ident), None)
        if isinstance(item, dict) and item.get("$patch") == "delete":
            if pos is not None:
                out.pop(pos)
            continue
        if pos is None:
            out.append(strategic_merge_patch({}, item, path))
        else:
            out[pos] = strategic_merge_patch(out[pos], item, path)
    return out
