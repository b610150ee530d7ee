"""Sprig's type conversions (Masterminds/sprig/v3 numeric.go, functions.go) with spf13/cast v1.7 semantics."""
from __future__ import annotations

import re

from ..gotypes import parse_digits
from ._base import ANY, STRING, Int64, go_func, strval, to_float64, to_int64

_ATOI_RE = re.compile(r"[+-]?[0-9]+\Z")


@go_func(STRING)
def atoi(s):
    """strconv.Atoi with errors ignored: a decimal integer, else 0."""
    if not _ATOI_RE.match(s):
        return 0
    digits = s.lstrip("+-")
    value = parse_digits(digits, 10)
    if value is None:  # beyond 64 bits: Go clamps, and Python would refuse over 4,300 digits
        value = 1 << 64
    value = -value if s.startswith("-") else value
    # strconv.Atoi reports a range error together with the clamped value, and Sprig keeps the value.
    return max(-(1 << 63), min(value, (1 << 63) - 1))


@go_func(ANY)
def int_(value):
    """cast.ToInt: ints as they are, floats truncated, bools 1/0, strings parsed ("0x1F", "017", "8.00");
    anything invalid gives 0."""
    return to_int64(value)


@go_func(ANY)
def int64_(value):
    """cast.ToInt64 (same rules as int), as an int64."""
    return Int64(to_int64(value))


@go_func(ANY)
def float64_(value):
    """cast.ToFloat64: numbers converted, strings parsed like strconv.ParseFloat; invalid gives 0."""
    return to_float64(value)


@go_func(ANY)
def toDecimal(value):
    """Sprig toDecimal: the value printed with %v, read as an octal (unix mode) number; invalid gives 0."""
    text = strval(value)
    body = text[1:] if text[:1] in "+-" else text
    if not body or not all(c in "01234567" for c in body):
        return Int64(0)
    parsed = parse_digits(body, 8)
    if parsed is None:
        return Int64(0)
    parsed = -parsed if text.startswith("-") else parsed
    return Int64(parsed if -(1 << 63) <= parsed < (1 << 63) else 0)


FUNCS = {"atoi": atoi, "int": int_, "int64": int64_, "float64": float64_, "toDecimal": toDecimal}
