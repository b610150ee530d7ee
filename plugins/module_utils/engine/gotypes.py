"""Go value semantics on Python values: truth, type names, zero values and comparisons.

Python stands in for Go's values as described in docs/architecture.md ("Go values in Python"): ``dict`` is
``map[string]interface {}``, ``list`` is ``[]interface {}``, ``int`` is ``int``, ``float`` is ``float64``, ``bytes``
is ``[]uint8``, ``None`` is a nil interface. Objects may set a class attribute ``go_type`` to their Go type name.

The comparison functions follow text/template/funcs.go (eq, ne, lt, le, gt, ge) of the Go release Helm v4 is built
with: int and float64 do not compare ("incompatible types for comparison: float64 and int"), comparing with nil is
allowed for ``eq``/``ne``, and ``lt``/``le``/``gt``/``ge`` accept only basic kinds.
"""
from __future__ import annotations

from ..gocompat.strconv import parse_digits  # noqa: F401  pylint: disable=unused-import
from .errors import FuncError


# Basic kinds of text/template/funcs.go (basicKind).
INVALID_KIND = 0
BOOL_KIND = 1
COMPLEX_KIND = 2
INT_KIND = 3
FLOAT_KIND = 4
STRING_KIND = 5


def truth(value) -> bool:
    """Go template truthiness (text/template/exec.go isTrue).

    Args: any Python stand-in for a Go value. Returns False for nil, false, 0, 0.0, and empty strings, bytes,
    lists, tuples and dicts; True for everything else (structs, i.e. other objects, are always true, unless they
    define ``__len__``/``__bool__``, which stands in for Go's map/slice kinds).
    """
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict, int, float, complex)):
        return bool(value)
    truth_of = getattr(type(value), "go_truth", None)
    if truth_of is not None:
        return bool(truth_of(value))
    if hasattr(type(value), "__len__"):
        try:
            return len(value) > 0
        except Exception:  # pragma: no cover - defensive: odd objects count as structs
            return True
    return True


def go_type_name(value) -> str:
    """Go's ``%T`` / reflect type name of a Python stand-in value.

    Returns "string", "float64", "int", "bool", "map[string]interface {}", "[]interface {}", "<nil>", "[]uint8",
    or the class attribute ``go_type`` of an object (else the Python class name).
    """
    if value is None:
        return "<nil>"
    if value is True or value is False:
        return "bool"
    go_type = getattr(type(value), "go_type", None)
    if isinstance(go_type, str):
        return go_type
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, complex):
        return "complex128"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, (bytes, bytearray)):
        return "[]uint8"
    if callable(value):
        return "func"
    return type(value).__name__


def zero_value_of(value):
    """The Go zero value of ``value``'s type: "" for strings, 0 for ints, 0.0 for floats, False for bools,
    None for everything else (maps, slices and interfaces are nil)."""
    if value is True or value is False:
        return False
    if isinstance(value, str):
        return ""
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    return None


def basic_kind(value) -> int:
    """text/template's basicKind: BOOL_KIND, INT_KIND, FLOAT_KIND, STRING_KIND, or INVALID_KIND (nil, maps, slices,
    objects)."""
    if value is True or value is False:
        return BOOL_KIND
    if isinstance(value, str):
        return STRING_KIND
    if isinstance(value, int):
        return INT_KIND
    if isinstance(value, float):
        return FLOAT_KIND
    if isinstance(value, complex):
        return COMPLEX_KIND
    return INVALID_KIND


def _comparable(value) -> bool:
    return not isinstance(value, (dict, list, tuple, bytes, bytearray)) and getattr(type(value), "__hash__", None) is not None


def _eq_one(a, ka: int, b) -> bool:
    kb = basic_kind(b)
    if ka != kb:
        if a is not None and b is not None:
            raise FuncError("incompatible types for comparison: %s and %s" % (go_type_name(a), go_type_name(b)))
        return False
    if ka != INVALID_KIND:
        return a == b
    if a is None or b is None:
        return (a is None) == (b is None)
    if _reflect_kind(a) != _reflect_kind(b):
        from .gofmt import sprintf
        raise FuncError(sprintf("non-comparable types %s: %v, %s: %v", a, go_type_name(a), go_type_name(b), b))
    if not _comparable(b):
        from .gofmt import sprintf
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
    k1 = basic_kind(arg1)
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
    k1 = basic_kind(arg1)
    k2 = basic_kind(arg2)
    if k1 == INVALID_KIND or k2 == INVALID_KIND:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison: %s and %s" % (go_type_name(arg1), go_type_name(arg2)))
    if k1 == BOOL_KIND or k1 == COMPLEX_KIND:
        raise FuncError("invalid type for comparison")
    if k1 == STRING_KIND:
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
