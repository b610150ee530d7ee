"""Sprig's reflection functions (Masterminds/sprig/v3 reflect.go) and reflect.DeepEqual on Python stand-ins."""
from __future__ import annotations

from ..gotypes import go_type_name
from ._base import ANY, STRING, go_func, go_kind


def deep_equal(a, b) -> bool:
    """reflect.DeepEqual: same Go type and deeply equal contents (int 1 and float64 1 differ; nil only equals
    nil)."""
    if a is None or b is None:
        return a is None and b is None
    if go_type_name(a) != go_type_name(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(k in b and deep_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)):
        if getattr(a, "go_nil", False) != getattr(b, "go_nil", False):
            return False  # a nil slice never equals a non-nil one, even an empty one
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b))
    return a == b


@go_func(ANY)
def typeOf(value):
    """fmt's %T of the value, e.g. "string", "float64", "map[string]interface {}", "<nil>"."""
    return go_type_name(value)


@go_func(STRING, ANY)
def typeIs(target, value):
    """Whether %T of the value equals ``target``."""
    return target == go_type_name(value)


@go_func(STRING, ANY)
def typeIsLike(target, value):
    """Whether %T of the value is ``target`` or ``*target``."""
    name = go_type_name(value)
    return target == name or "*" + target == name


@go_func(ANY)
def kindOf(value):
    """reflect.Kind of the value: "string", "int", "float64", "bool", "map", "slice", "invalid" (nil), ..."""
    return go_kind(value)


@go_func(STRING, ANY)
def kindIs(target, value):
    """Whether kindOf(value) equals ``target``."""
    return target == go_kind(value)


@go_func(ANY, ANY)
def deepEqual(a, b):
    """reflect.DeepEqual(a, b)."""
    return deep_equal(a, b)


FUNCS = {
    "typeOf": typeOf, "typeIs": typeIs, "typeIsLike": typeIsLike, "kindOf": kindOf, "kindIs": kindIs,
    "deepEqual": deepEqual,
}
