"""Sprig's list functions (Masterminds/sprig/v3 list.go). ``must*`` variants return the error that the plain
variant panics with; text/template turns both into the same template error, so they share one implementation.
"""
from __future__ import annotations

from ..errors import FuncError
from ._base import ANY, INT, ChunkSlice, NilSlice, empty, go_func, go_kind, go_slice, to_int64
from .reflect import deep_equal

_NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference"


def _as_slice(value, message: str) -> list:
    """The elements of a Go slice/array, or FuncError(message % kind) for any other kind."""
    if value is None:
        raise FuncError(_NIL_DEREF)
    items = go_slice(value)
    if items is None:
        raise FuncError(message % go_kind(value))
    return items


@go_func(variadic=ANY)
def list_(*values):
    """Sprig list/tuple: the arguments as a []interface{}."""
    return list(values)


@go_func(ANY, ANY)
def push(items, value):
    """Sprig append/push: a new list with ``value`` appended."""
    return _as_slice(items, "Cannot push on type %s") + [value]


@go_func(ANY, ANY)
def prepend(items, value):
    """Sprig prepend: a new list with ``value`` first."""
    return [value] + _as_slice(items, "Cannot prepend on type %s")


@go_func(INT, ANY)
def chunk(size, items):
    """Sprig chunk: the list split into lists of ``size`` elements (the last may be shorter)."""
    seq = _as_slice(items, "Cannot chunk type %s")
    if size <= 0:
        raise FuncError("runtime error: makeslice: len out of range")
    return ChunkSlice(seq[i:i + size] for i in range(0, len(seq), size))


@go_func(ANY)
def last(items):
    """Sprig last: the last element, or nil for an empty list."""
    seq = _as_slice(items, "Cannot find last on type %s")
    return seq[-1] if seq else None


@go_func(ANY)
def first(items):
    """Sprig first: the first element, or nil for an empty list."""
    seq = _as_slice(items, "Cannot find first on type %s")
    return seq[0] if seq else None


@go_func(ANY)
def rest(items):
    """Sprig rest: all but the first element (a nil []interface{}, printed "[]", for an empty list)."""
    seq = _as_slice(items, "Cannot find rest on type %s")
    return seq[1:] if seq else NilSlice()


@go_func(ANY)
def initial(items):
    """Sprig initial: all but the last element (a nil []interface{}, printed "[]", for an empty list)."""
    seq = _as_slice(items, "Cannot find initial on type %s")
    return seq[:-1] if seq else NilSlice()


@go_func(ANY)
def reverse(items):
    """Sprig reverse: a new list in reverse order."""
    return _as_slice(items, "Cannot find reverse on type %s")[::-1]


@go_func(ANY)
def compact(items):
    """Sprig compact: the elements that are not ``empty``."""
    return [v for v in _as_slice(items, "Cannot compact on type %s") if not empty(v)]


def _in_list(haystack: list, needle) -> bool:
    return any(deep_equal(needle, h) for h in haystack)


@go_func(ANY)
def uniq(items):
    """Sprig uniq: the elements without duplicates (reflect.DeepEqual), first occurrence kept."""
    out = []
    for v in _as_slice(items, "Cannot find uniq on type %s"):
        if not _in_list(out, v):
            out.append(v)
    return out


@go_func(ANY, variadic=ANY)
def without(items, *omit):
    """Sprig without: the elements not deeply equal to any of ``omit``."""
    omitted = list(omit)
    return [v for v in _as_slice(items, "Cannot find without on type %s") if not _in_list(omitted, v)]


@go_func(ANY, ANY)
def has(needle, haystack):
    """Sprig has: whether ``haystack`` (a list; nil gives false) holds an element deeply equal to ``needle``."""
    if haystack is None:
        return False
    return _in_list(_as_slice(haystack, "Cannot find has on type %s"), needle)


@go_func(ANY, variadic=ANY)
def slice_(items, *indices):
    """Sprig slice: list[start:end] with int-converted indices; nil for an empty list."""
    if items is None:
        raise FuncError(_NIL_DEREF)
    seq = go_slice(items)
    if seq is None:
        raise FuncError("list should be type of slice or array but %s" % go_kind(items))
    if not seq:
        return None
    start = to_int64(indices[0]) if indices else 0
    end = to_int64(indices[1]) if len(indices) >= 2 else len(seq)
    if start < 0 or end < start or end > len(seq):
        raise FuncError("reflect.Value.Slice: slice index out of bounds")
    if isinstance(items, list) and type(items) is not list:  # exact type: a Go typed slice  # pylint: disable=unidiomatic-typecheck
        return type(items)(seq[start:end])  # keeps []string / []int
    return seq[start:end]


@go_func(variadic=ANY)
def concat(*lists):
    """Sprig concat: all lists joined into one."""
    out = []
    for items in lists:
        if items is None:
            raise FuncError(_NIL_DEREF)
        seq = go_slice(items)
        if seq is None:
            raise FuncError("Cannot concat type %s as list" % go_kind(items))
        out.extend(seq)
    return out if out else NilSlice()  # Go appends to a nil slice: nothing appended leaves it nil


FUNCS = {
    "list": list_, "tuple": list_,
    "append": push, "push": push, "mustAppend": push, "mustPush": push,
    "prepend": prepend, "mustPrepend": prepend,
    "first": first, "mustFirst": first, "rest": rest, "mustRest": rest,
    "last": last, "mustLast": last, "initial": initial, "mustInitial": initial,
    "reverse": reverse, "mustReverse": reverse, "uniq": uniq, "mustUniq": uniq,
    "without": without, "mustWithout": without, "has": has, "mustHas": has,
    "slice": slice_, "mustSlice": slice_, "concat": concat,
    "chunk": chunk, "mustChunk": chunk, "compact": compact, "mustCompact": compact,
}
