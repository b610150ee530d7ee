"""Shared helpers of the Sprig functions: Go argument typing, strval, spf13/cast conversions and Sprig's ``empty``.

Sources: text/template/exec.go (evalArg/validateType: what a typed Go parameter accepts), Masterminds/sprig/v3
strings.go (strval), defaults.go (empty), github.com/spf13/cast v1.7 caste.go (ToInt64E, ToIntE, ToFloat64E).
"""
from __future__ import annotations

import functools
import math
import re

from ..errors import FuncError
# The one Go quoting function, re-exported for the Sprig families.
from ..gofmt import format_value, go_quote  # noqa: F401  pylint: disable=unused-import
from ...gocompat.ints import Int64, Uint64  # noqa: F401  pylint: disable=unused-import
from ...gocompat.strconv import underscore_ok
from ..gotypes import go_type_name, parse_digits

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1

# Go parameter types a Sprig function may declare; anything else is accepted as interface{}.
STRING = "string"
INT = "int"
BOOL = "bool"
MAP = "map[string]interface {}"
ANY = "interface {}"
FLOAT = "float64"


class ArgTypeError(FuncError):
    """An argument does not fit the Go parameter type of the function (text/template validateType).

    ``index`` is the 0-based argument position, so the executor can point at that argument like Go does
    (``executing "x" at <.Values.f>: wrong type for value; expected int; got float64``).
    """

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def _accepts(param: str, value) -> bool:
    if param == ANY:
        return True
    if param == STRING:
        return isinstance(value, str)
    if param == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if param == BOOL:
        return isinstance(value, bool)
    if param == FLOAT:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if param == MAP:
        return value is None or isinstance(value, dict)
    return True


# Classes whose values _accepts certainly takes, for each parameter type it checks (go_func's wrapper skips
# check_arg for them; types not here accept anything).
_FITS = {STRING: frozenset((str,)), INT: frozenset((int,)), BOOL: frozenset((bool,)), FLOAT: frozenset((int, float)),
         MAP: frozenset((dict, type(None)))}


def check_arg(param: str, value, index: int) -> None:
    """Raise ArgTypeError with Go's message when ``value`` cannot be passed as a Go ``param``."""
    if _accepts(param, value):
        return
    got = "interface {}" if value is None else go_type_name(value)
    raise ArgTypeError("wrong type for value; expected %s; got %s" % (param, got), index)


def go_func(*params: str, variadic: str = None):
    """Declare a function's Go signature and check its arguments on every call.

    ``params`` are the Go types of the fixed parameters, ``variadic`` the element type of a trailing ``...T``.
    Sets ``go_params`` / ``go_variadic`` and ``go_args`` (fixed types then the variadic element type, what
    engine/compiler.py ``typed_args`` reads) so the executor checks argument types with Go's messages.
    Raises FuncError for a wrong argument count ("wrong number of args for NAME: want N got M") and ArgTypeError
    for an argument of the wrong type.
    """

    def deco(fn):
        name = fn.__name__.rstrip("_")

        n = len(params)
        # per parameter: classes that certainly fit (None: _accepts takes anything), so most calls skip check_arg
        fits = tuple(_FITS.get(param) for param in params)
        variadic_fits = _FITS.get(variadic)

        @functools.wraps(fn)
        def wrapper(*args):
            if (variadic is None and len(args) != n) or len(args) < n:
                want = ("at least %d" % n) if variadic is not None else str(n)
                raise FuncError("wrong number of args for %s: want %s got %d" % (name, want, len(args)))
            for i, value in enumerate(args):
                classes = fits[i] if i < n else variadic_fits
                if classes is not None and value.__class__ not in classes:
                    check_arg(params[i] if i < n else variadic, value, i)
            return fn(*args)

        wrapper.go_params = params
        wrapper.go_variadic = variadic
        # engine/compiler.py typed_args: fixed parameter types, then the variadic element type.
        wrapper.go_args = params + ((variadic,) if variadic is not None else ())
        return wrapper

    return deco


def strval(value) -> str:
    """Sprig's strval: strings as they are, bytes decoded, everything else through fmt's %v."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return format_value(value)


def empty(value) -> bool:
    """Sprig's ``empty``: nil, false, 0, 0.0 and empty strings, lists, maps and bytes are empty; objects
    (Go structs) never are."""
    if value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, (str, bytes, bytearray, list, tuple, dict, int, float)):
        return not value
    return False


def wrap_int64(value: int) -> int:
    """Two's-complement wrap of a Python int into Go's int64 range (Go integer overflow)."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value > INT64_MAX else value


def float_to_int64(value: float) -> int:
    """Go's int64(f) on amd64: truncation toward zero; NaN, infinities and out-of-range give math.MinInt64."""
    if math.isnan(value) or math.isinf(value) or not (-9.223372036854775808e18 <= value < 9.223372036854775808e18):
        return INT64_MIN
    return int(value)


_INT_RE = re.compile(r"[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)\Z")


def parse_int_base0(text: str):
    """Go strconv.ParseInt(text, 0, 64): "0x"/"0b"/"0o"/leading-"0" prefixes and underscores between digits.
    Returns the int, or None where Go returns an error (syntax or out of range)."""
    if not text.isascii():
        return None
    if "_" in text:
        if not underscore_ok(text):
            return None
        text = text.replace("_", "")
    if not _INT_RE.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text[1:] if text[0] in "+-" else text
    if len(body) > 1 and body[0] == "0":
        prefix = body[1].lower()
        if prefix in "xbo":
            value = parse_digits(body[2:], {"x": 16, "b": 2, "o": 8}[prefix])
        else:
            value = parse_digits(body[1:], 8)
    else:
        value = parse_digits(body, 10)
    if value is None:
        return None
    value *= sign
    if value < INT64_MIN or value > INT64_MAX:
        return None
    return value


def _trim_zero_decimal(text: str) -> str:
    found_zero = False
    for i in range(len(text), 0, -1):
        ch = text[i - 1]
        if ch == ".":
            if found_zero:
                return text[:i - 1]
        elif ch == "0":
            found_zero = True
        else:
            return text
    return text


_FLOAT_RE = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+"
    r"|inf|infinity|nan)\Z",
    re.IGNORECASE,
)


def parse_float(text: str):
    """Go strconv.ParseFloat(text, 64). Returns the float, or None where Go returns an error (syntax, or a
    value out of range)."""
    if not text.isascii():
        return None
    if "_" in text:
        if not underscore_ok(text):
            return None
        text = text.replace("_", "")
    if not _FLOAT_RE.match(text):
        return None
    low = text.lower().lstrip("+-")
    if low in ("inf", "infinity", "nan"):
        return float(text.lower().replace("infinity", "inf"))
    value = float.fromhex(text) if "x" in low else float(text)
    if math.isinf(value):
        return None
    return value


def to_int64(value) -> int:
    """spf13/cast ToInt64: ints as they are, floats truncated, bools 1/0, strings parsed with base prefixes
    (after trimming a zero decimal part, "8.00" -> 8); nil and anything invalid give 0."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int):
        return wrap_int64(value)
    if isinstance(value, float):
        return float_to_int64(value)
    if isinstance(value, str):
        parsed = parse_int_base0(_trim_zero_decimal(value))
        return 0 if parsed is None else parsed
    return 0


def to_float64(value) -> float:
    """spf13/cast ToFloat64: numbers converted, bools 1/0, strings parsed by strconv.ParseFloat; nil and
    anything invalid give 0."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        parsed = parse_float(value)
        return 0.0 if parsed is None else parsed
    return 0.0


def go_slice(value):
    """A Go slice or array seen through reflect: lists and tuples as a list, bytes as ints; None otherwise."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    return None


def go_kind(value) -> str:
    """reflect.Kind name of a value: invalid, bool, int, float64, string, map, slice, ptr, func or struct."""
    if value is None:
        return "invalid"
    if isinstance(value, bool):
        return "bool"
    kind = getattr(type(value), "go_kind", None)
    if isinstance(kind, str):
        return kind
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, (list, tuple, bytes, bytearray)):
        return "slice"
    if callable(value):
        return "func"
    return "ptr"


def go_bytes(text: str) -> bytes:
    """The bytes of a Go string (UTF-8)."""
    return text.encode("utf-8", "surrogateescape")


def from_go_bytes(data: bytes) -> str:
    """A Go string from its bytes; invalid UTF-8 is kept as surrogate escapes so byte slicing round-trips."""
    return data.decode("utf-8", "surrogateescape")


class ChunkSlice(list):
    """A Go ``[][]interface {}`` result (chunk)."""

    go_type = "[][]interface {}"


class StringSlice(list):
    """A Go ``[]string`` result (splitList, keys, toStrings, sortAlpha, regexFindAll, ...): a list whose
    ``%T`` is "[]string"."""

    go_type = "[]string"


class IntSlice(list):
    """A Go ``[]int`` result (until, untilStep): a list whose ``%T`` is "[]int"."""

    go_type = "[]int"


class NilSlice(list):
    """A nil Go slice (``[]interface {}(nil)``): empty, printed "[]" like any empty slice, but Go's
    encoding/json writes it as ``null``. ``go_nil`` marks it for encoders."""

    go_type = "[]interface {}"
    go_nil = True


class NilStringSlice(StringSlice):
    """A nil ``[]string`` (regexFindAll without a match)."""

    go_nil = True


class StringMap(dict):
    """A Go ``map[string]string`` result (split, splitn)."""

    go_type = "map[string]string"


def go_upper(ch: str) -> str:
    """Go unicode.ToUpper of one character (simple case mapping: no "ß" -> "SS")."""
    up = ch.upper()
    return up if len(up) == 1 else ch


def go_lower(ch: str) -> str:
    """Go unicode.ToLower of one character (simple case mapping: "İ" -> "i")."""
    if ch == "\u0130":
        return "i"
    low = ch.lower()
    return low if len(low) == 1 else ch


def go_title(ch: str) -> str:
    """Go unicode.ToTitle of one character (simple case mapping)."""
    tit = ch.title()
    return tit if len(tit) == 1 else go_upper(ch)
