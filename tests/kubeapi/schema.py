"""What the emulator knows of Kubernetes' schemas: list merge semantics (patchMergeKey / listType / listMapKeys
from k8s.io/api types' struct tags) used by strategic merge patch and server-side apply.

A list field is 'map' (associative, keyed by some fields), 'set' (scalars, each value once) or 'atomic'.
"""
from __future__ import annotations

_BY_NAME = {
    "containers": ["name"],
    "initContainers": ["name"],
    "ephemeralContainers": ["name"],
    "env": ["name"],
    "volumes": ["name"],
    "volumeMounts": ["mountPath"],
    "volumeDevices": ["devicePath"],
    "imagePullSecrets": ["name"],
    "hostAliases": ["ip"],
    "conditions": ["type"],
    "ownerReferences": ["uid"],
    "resourceClaims": ["name"],
    "topologySpreadConstraints": ["topologyKey", "whenUnsatisfiable"],
    "webhooks": ["name"],
    "versions": ["name"],
}
_SETS = {"finalizers"}
# Defaults a real apiserver fills into list-map keys before computing field sets.
KEY_DEFAULTS = {"protocol": "TCP"}


def list_semantics(path):
    """Merge semantics of the list at ``path`` (tuple of field names from the object root, list positions
    omitted). Returns ('map', [keys]), ('set', None) or ('atomic', None).
    """
    name = path[-1] if path else ""
    if name == "ports":
        if "containers" in path or "initContainers" in path or "ephemeralContainers" in path:
            return "map", ["containerPort", "protocol"]
        if path[:2] == ("spec", "ports"):
            return "map", ["port", "protocol"]
        return "atomic", None
    if name == "versions" and path != ("spec", "versions"):
        return "atomic", None
    if name in _BY_NAME:
        return "map", list(_BY_NAME[name])
    if name in _SETS:
        return "set", None
    return "atomic", None


def smp_merge_key(path):
    """Strategic-merge-patch merge key of the list at ``path`` (a field name), or None for replace lists."""
    kind, keys = list_semantics(path)
    if kind == "map":
        return keys[0]
    if kind == "set":
        return ""
    return None


def element_key(item, keys):
    """The identity of a list-map element: tuple of (key, value) with KEY_DEFAULTS filled in; None if absent."""
    if not isinstance(item, dict):
        return None
    out = []
    for k in keys:
        if k in item:
            out.append((k, item[k]))
        elif k in KEY_DEFAULTS:
            out.append((k, KEY_DEFAULTS[k]))
    return tuple(out) if out else None
