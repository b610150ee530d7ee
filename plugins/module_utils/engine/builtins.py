"""text/template's predefined functions (text/template/funcs.go builtins) on Python values.

``and``, ``or`` and ``call`` need the executor (short-circuit, the callee's name) and are implemented in
compiler.py; the others are plain functions here and are listed in :data:`BUILTINS`. Errors are raised as
FuncError with Go's message; the executor wraps them into ``error calling NAME: ...``.

The comparison functions follow text/template/funcs.go (eq, ne, lt, le, gt, ge) of the Go release Helm v4 is built
with: int and float64 do not compare ("incompatible types for comparison: float64 and int"), comparing with nil is
allowed for ``eq``/``ne``, and ``lt``/``le``/``gt``/``ge`` accept only basic kinds (gotypes.basic_kind).
"""
from __future__ import annotations

from urllib.parse import quote_plus

from . import gotypes
from .errors import FuncError
from .gofmt import sprint, sprintf, sprintln
from .limits import grow
from .gotypes import go_type_name, truth


def _index_arg(index, cap: int) -> int:
    if index is None:
        raise FuncError("cannot index slice/array with nil")
    if isinstance(index, bool) or not isinstance(index, int):
        raise FuncError("cannot index slice/array with type %s" % go_type_name(index))
    if index < 0 or index > cap:
        raise FuncError("index out of range: %d" % index)
    return index


def _seq_len(item) -> int:
    if isinstance(item, str):
        return len(item.encode("utf-8", "surrogateescape")) if not item.isascii() else len(item)
    return len(item)


def index(item, *indexes):
    """Go ``index item i j ...``: item[i][j]... on lists, strings (bytes) and maps (missing key: nil)."""
    if item is None:
        raise FuncError("index of untyped nil")
    for position, key in enumerate(indexes):
        if item is None:
            raise FuncError("index of nil pointer")
        if isinstance(item, (list, tuple, str, bytes, bytearray)):
            i = _index_arg(key, _seq_len(item))
            if isinstance(item, str):
                data = item.encode("utf-8", "surrogateescape")
                if i >= len(data):
                    raise FuncError("reflect: string index out of range")
                item = data[i]
            else:
                if i >= len(item):
                    raise FuncError("reflect: slice index out of range")
                item = item[i]
        elif isinstance(item, dict):
            if key is None:
                raise FuncError("value is nil; should be of type string")
            if not isinstance(key, str):
                raise FuncError("value has type %s; should be string" % go_type_name(key))
            item = item.get(key)
        else:
            raise FuncError("can't index item of type %s" % go_type_name(item))
    return item


def slice_(item, *indexes):
    """Go ``slice item i j k``: item[i:j] of a list or string (by bytes)."""
    if item is None:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError("too many slice indexes: %d" % len(indexes))
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
    elif not isinstance(item, (list, tuple, bytes, bytearray)):
        raise FuncError("can't slice item of type %s" % go_type_name(item))
    size = _seq_len(item)
    idx = [0, size, size]
    for i, key in enumerate(indexes):
        idx[i] = _index_arg(key, size)
    if idx[0] > idx[1]:
        raise FuncError("invalid slice index: %d > %d" % (idx[0], idx[1]))
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError("invalid slice index: %d > %d" % (idx[1], idx[2]))
    if isinstance(item, str) and not item.isascii():
        return item.encode("utf-8", "surrogateescape")[idx[0]:idx[1]].decode("utf-8", "surrogateescape")
    return item[idx[0]:idx[1]]


def length(item) -> int:
    """Go ``len``: length of a string (bytes), list, map."""
    if isinstance(item, (str, list, tuple, dict, bytes, bytearray)):
        return _seq_len(item)
    if item is None:
        raise FuncError("len of nil pointer")
    if hasattr(type(item), "__len__"):
        return len(item)
    raise FuncError("len of type %s" % go_type_name(item))


def not_(arg) -> bool:
    """Go ``not``: the negation of the argument's truth."""
    return not truth(arg)


def _eval_args(args) -> str:
    """text/template evalArgs: fmt.Sprint with nil printed as "<no value>"."""
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(*["<no value>" if a is None else a for a in args])


def html(*args) -> str:
    """Go ``html``: HTML-escape the Sprint of the arguments."""
    s = _eval_args(args)
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("\0", "\ufffd"))


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def js(*args) -> str:
    """Go ``js``: JavaScript-escape the Sprint of the arguments."""
    s = _eval_args(args)
    out = []
    for c in s:
        code = ord(c)
        if c in _JS:
            out.append(_JS[c])
        elif code < 0x20:
            out.append("\\u00%02X" % code)
        elif code < 0x80 or c.isprintable():
            out.append(c)
        else:
            out.append("\\u%04X" % code)
    return "".join(out)


def urlquery(*args) -> str:
    """Go ``urlquery``: url.QueryEscape of the Sprint of the arguments."""
    return quote_plus(_eval_args(args), safe="")


def print_(*args) -> str:
    """Go ``print`` (fmt.Sprint)."""
    out = sprint(*args)
    grow("print", len(out))
    return out


def printf(format, *args) -> str:
    """Go ``printf`` (fmt.Sprintf)."""
    if not isinstance(format, str):
        raise FuncError("wrong type for value; expected string; got %s" % go_type_name(format))
    out = sprintf(format, *args)
    grow("printf", len(out))
    return out


printf.go_args = ("string", None)


def println(*args) -> str:
    """Go ``println`` (fmt.Sprintln)."""
    out = sprintln(*args)
    grow("println", len(out))
    return out


def _comparable(value) -> bool:
    return not isinstance(value, (dict, list, tuple, bytes, bytearray)) and getattr(type(value), "__hash__", None) is not None


def _eq_one(a, ka: int, b) -> bool:
    kb = gotypes.basic_kind(b)
    if ka != kb:
        if a is not None and b is not None:
            raise FuncError("incompatible types for comparison: %s and %s" % (go_type_name(a), go_type_name(b)))
        return False
    if ka != gotypes.INVALID_KIND:
        return a == b
    if a is None or b is None:
        return (a is None) == (b is None)
    if _reflect_kind(a) != _reflect_kind(b):
        raise FuncError(sprintf("non-comparable types %s: %v, %s: %v", a, go_type_name(a), go_type_name(b), b))
    if not _comparable(b):
        raise FuncError(sprintf("non-comparable type %s: %v", b, go_type_name(b)))
    if getattr(type(a), "go_kind", None) == "ptr":
        return a is b  # Go pointers are equal only when they point at the same value
    return a is b or (type(a) is type(b) and a == b)


def _reflect_kind(value) -> str:
    if isinstance(value, dict):
        return "map"
    if isinstance(value, (list, tuple, bytes, bytearray)):
        return "slice"
    return "struct"


def eq(arg1, *args) -> bool:
    """Go template ``eq``: arg1 == args[0] || arg1 == args[1] || ...

    Raises FuncError "missing argument for comparison" with no args, and "incompatible types for comparison:
    T1 and T2" for two non-nil values of different basic kinds (int vs float64 included).
    """
    if not args:
        raise FuncError("missing argument for comparison")
    k1 = gotypes.basic_kind(arg1)
    for arg in args:
        if _eq_one(arg1, k1, arg):
            return True
    return False


def ne(arg1, arg2) -> bool:
    """Go template ``ne``: not eq(arg1, arg2), with eq's errors."""
    return not eq(arg1, arg2)


def lt(arg1, arg2) -> bool:
    """Go template ``lt`` on basic kinds (strings compare by bytes).

    Raises FuncError "invalid type for comparison" for nil, maps, slices, objects, bools; "incompatible types for
    comparison: T1 and T2" for different kinds.
    """
    k1 = gotypes.basic_kind(arg1)
    k2 = gotypes.basic_kind(arg2)
    if k1 == gotypes.INVALID_KIND or k2 == gotypes.INVALID_KIND:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison: %s and %s" % (go_type_name(arg1), go_type_name(arg2)))
    if k1 == gotypes.BOOL_KIND or k1 == gotypes.COMPLEX_KIND:
        raise FuncError("invalid type for comparison")
    if k1 == gotypes.STRING_KIND:
        return arg1.encode("utf-8", "surrogatepass") < arg2.encode("utf-8", "surrogatepass")
    return arg1 < arg2


def le(arg1, arg2) -> bool:
    """Go template ``le``: lt or eq."""
    return lt(arg1, arg2) or eq(arg1, arg2)


def gt(arg1, arg2) -> bool:
    """Go template ``gt``: not le."""
    return not le(arg1, arg2)


def ge(arg1, arg2) -> bool:
    """Go template ``ge``: not lt."""
    return not lt(arg1, arg2)


def _and(arg0, *args):  # pragma: no cover - the executor short-circuits and/or itself
    for arg in (arg0,) + args:
        if not truth(arg):
            return arg
    return arg


def _or(arg0, *args):  # pragma: no cover - see _and
    for arg in (arg0,) + args:
        if truth(arg):
            return arg
    return arg


def _call(fn, *args):  # pragma: no cover - the executor implements call with the callee's name
    return fn(*args)


#: Name -> function of every text/template builtin. and/or/call are placeholders with the right arity.
BUILTINS = {
    "and": _and, "or": _or, "call": _call, "not": not_, "len": length, "index": index, "slice": slice_,
    "print": print_, "printf": printf, "println": println, "html": html, "js": js, "urlquery": urlquery,
    "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge,
}
