"""text/template's predefined functions (text/template/funcs.go builtins) on Python values.

``and``, ``or`` and ``call`` need the executor (short-circuit, the callee's name) and are implemented in
compiler.py; the others are plain functions here and are listed in :data:`BUILTINS`. Errors are raised as
FuncError with Go's message; the executor wraps them into ``error calling NAME: ...``.
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


def eq(arg1, *args) -> bool:
    """Go ``eq`` (variadic), see gotypes.eq."""
    return gotypes.eq(arg1, *args)


def ne(arg1, arg2) -> bool:
    """Go ``ne``."""
    return gotypes.ne(arg1, arg2)


def lt(arg1, arg2) -> bool:
    """Go ``lt``."""
    return gotypes.lt(arg1, arg2)


def le(arg1, arg2) -> bool:
    """Go ``le``."""
    return gotypes.le(arg1, arg2)


def gt(arg1, arg2) -> bool:
    """Go ``gt``."""
    return gotypes.gt(arg1, arg2)


def ge(arg1, arg2) -> bool:
    """Go ``ge``."""
    return gotypes.ge(arg1, arg2)


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
