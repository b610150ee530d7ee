"""Go value semantics on Python values: truth, type names, zero values and basic kinds.

Python stands in for Go's values as described in docs/architecture.md ("Go values in Python"): ``dict`` is
``map[string]interface {}``, ``list`` is ``[]interface {}``, ``int`` is ``int``, ``float`` is ``float64``, ``bytes``
is ``[]uint8``, ``None`` is a nil interface. Objects may set a class attribute ``go_type`` to their Go type name.

The comparison functions built on :func:`basic_kind` (eq, ne, lt, le, gt, ge) are template builtins: builtins.py.
"""
from __future__ import annotations

from ..gocompat.strconv import parse_digits  # noqa: F401  pylint: disable=unused-import


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
