"""Sprig's default functions (Masterminds/sprig/v3 defaults.go): default, empty, coalesce, all, any, ternary,
and fail (functions.go). JSON functions other than Helm's live in encoding.py."""
from __future__ import annotations

from ..errors import FuncError
from ._base import ANY, BOOL, STRING, empty, go_func


@go_func(ANY, variadic=ANY)
def default(dflt, *given):
    """Sprig default: the given value unless it is missing or ``empty``, else ``dflt``."""
    if not given or empty(given[0]):
        return dflt
    return given[0]


@go_func(ANY)
def empty_(value):
    """Sprig empty: nil, false, 0, "" and empty collections are empty."""
    return empty(value)


@go_func(variadic=ANY)
def coalesce(*values):
    """Sprig coalesce: the first non-empty argument, or nil."""
    for v in values:
        if not empty(v):
            return v
    return None


@go_func(variadic=ANY)
def all_(*values):
    """Sprig all: true when no argument is empty."""
    return not any(empty(v) for v in values)


@go_func(variadic=ANY)
def any_(*values):
    """Sprig any: true when some argument is not empty."""
    return any(not empty(v) for v in values)


@go_func(ANY, ANY, BOOL)
def ternary(if_true, if_false, condition):
    """Sprig ternary: ``if_true`` when condition, else ``if_false``."""
    return if_true if condition else if_false


@go_func(STRING)
def fail(message):
    """Sprig fail: always raises FuncError(message)."""
    raise FuncError(message)


FUNCS = {
    "default": default, "empty": empty_, "coalesce": coalesce, "all": all_, "any": any_, "ternary": ternary,
    "fail": fail,
}
