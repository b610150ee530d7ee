"""Sprig's dict functions (Masterminds/sprig/v3 dict.go) with dario.cat/mergo v1 semantics for merge and
mergeOverwrite (mergo merge.go deepMerge, map case), and copystructure for deepCopy.

Go maps have no order; Python dicts keep insertion order, so ``keys``/``values`` list keys in insertion order
(Helm's order is random, charts sort them).
"""
from __future__ import annotations

import copy

from ..errors import FuncError
from ..gotypes import go_type_name
from ._base import ANY, MAP, STRING, StringSlice, empty, go_func, strval


@go_func(variadic=ANY)
def dict_(*pairs):
    """Sprig dict: key/value pairs to a map; keys through strval; a missing last value is ""."""
    out = {}
    for i in range(0, len(pairs), 2):
        out[strval(pairs[i])] = pairs[i + 1] if i + 1 < len(pairs) else ""
    return out


def _need_map(d):
    if d is None:
        raise FuncError("assignment to entry in nil map")
    return d


@go_func(MAP, STRING)
def get(d, key):
    """Sprig get: d[key], or "" when the key is absent."""
    if d is not None and key in d:
        return d[key]
    return ""


@go_func(MAP, STRING, ANY)
def set_(d, key, value):
    """Sprig set: d[key] = value (in place); returns d."""
    _need_map(d)[key] = value
    return d


@go_func(MAP, STRING)
def unset(d, key):
    """Sprig unset: delete d[key] (in place); returns d."""
    if d is not None:
        d.pop(key, None)
    return d


@go_func(MAP, STRING)
def hasKey(d, key):
    """Sprig hasKey: whether d holds key."""
    return d is not None and key in d


@go_func(STRING, variadic=MAP)
def pluck(key, *dicts):
    """Sprig pluck: d[key] of every map that has the key."""
    return [d[key] for d in dicts if d is not None and key in d]


@go_func(variadic=MAP)
def keys(*dicts):
    """Sprig keys: the keys of all maps (duplicates kept)."""
    return StringSlice(k for d in dicts if d is not None for k in d)


@go_func(MAP, variadic=STRING)
def pick(d, *names):
    """Sprig pick: a new map with only the given keys."""
    d = d or {}
    return {k: d[k] for k in names if k in d}


@go_func(MAP, variadic=STRING)
def omit(d, *names):
    """Sprig omit: a new map without the given keys."""
    drop = set(names)
    return {k: v for k, v in (d or {}).items() if k not in drop}


@go_func(MAP)
def values(d):
    """Sprig values: the map's values."""
    return list((d or {}).values())


def _mergo_map(dst: dict, src: dict, overwrite: bool) -> None:
    """mergo deepMerge of two maps in place (dst may be aliased into src's nested maps, as in Go)."""
    for key, s in list(src.items()):
        present = key in dst
        d = dst.get(key)
        if s is None:
            if overwrite:
                dst[key] = None
            continue
        if isinstance(s, dict):
            if isinstance(d, dict):
                _mergo_map(d, s, overwrite)
        elif isinstance(s, list):
            if present and d is not None:
                new = d
            else:
                new = []
            if overwrite or not dst:
                new = s
            dst[key] = new
        if present and not empty(d):
            if isinstance(s, list):
                continue
            if isinstance(s, dict) and isinstance(d, dict):
                continue
        if overwrite or not present or empty(d):
            dst[key] = s


def _merge(dst, srcs, overwrite: bool):
    if dst is None:
        dst = {}
    for src in srcs:
        if src:
            _mergo_map(dst, src, overwrite)
    return dst


@go_func(MAP, variadic=MAP)
def merge(dst, *srcs):
    """Sprig merge (mergo.Merge): fill keys missing or empty in ``dst`` from each source, deep for maps;
    ``dst`` is changed in place and returned."""
    return _merge(dst, srcs, False)


@go_func(MAP, variadic=MAP)
def mergeOverwrite(dst, *srcs):
    """Sprig mergeOverwrite (mergo.MergeWithOverwrite): later sources win, deep for maps; nil values in a
    source overwrite; a nil source is ignored. ``dst`` is changed in place and returned."""
    return _merge(dst, srcs, True)


@go_func(ANY)
def deepCopy(value):
    """Sprig deepCopy (copystructure.Copy): an independent deep copy of maps and lists; nil is an error as in
    copystructure (reflect on a zero Value)."""
    if value is None:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    return copy.deepcopy(value)


def _dig(d, default, path):
    key, more = path[0], path[1:]
    if key not in d:
        return default
    step = d[key]
    if not more:
        return step
    if not isinstance(step, dict):
        raise FuncError("interface conversion: interface {} is %s, not map[string]interface {}"
                        % ("nil" if step is None else go_type_name(step)))
    return _dig(step, default, more)


@go_func(variadic=ANY)
def dig(*args):
    """Sprig dig KEY... DEFAULT DICT: walk nested maps by keys; DEFAULT when a key is missing."""
    if len(args) < 3:
        raise FuncError("dig needs at least three arguments")
    d = args[-1]
    if not isinstance(d, dict):
        raise FuncError("interface conversion: interface {} is %s, not map[string]interface {}"
                        % ("nil" if d is None else go_type_name(d)))
    path = args[:-2]
    for k in path:
        if not isinstance(k, str):
            raise FuncError("interface conversion: interface {} is %s, not string"
                            % ("nil" if k is None else go_type_name(k)))
    return _dig(d, args[-2], path)


FUNCS = {
    "dict": dict_, "get": get, "set": set_, "unset": unset, "hasKey": hasKey, "pluck": pluck, "keys": keys,
    "pick": pick, "omit": omit, "values": values, "merge": merge, "mergeOverwrite": mergeOverwrite,
    "mustMerge": merge, "mustMergeOverwrite": mergeOverwrite, "deepCopy": deepCopy, "mustDeepCopy": deepCopy,
    "dig": dig,
}
