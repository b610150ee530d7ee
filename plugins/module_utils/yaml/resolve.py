"""go-yaml's resolvers (gopkg.in/yaml.v2 and yaml.v3 resolve.go): what a plain (unquoted, untagged) scalar means.

The collection's one implementation: the Go-semantics loader (yaml/decode.py, also ``fromYaml``'s) and
the emitters' quoting decisions (yaml/emit_v2.py, yaml/emit_v3.py) all resolve through :func:`resolve_plain`
(go-yaml v2) or :func:`resolve_kind_v3` (go-yaml v3, whose tables differ: only true/false are booleans).
"""
from __future__ import annotations

import math
import re

from ..gocompat.strconv import parse_digits, underscore_ok

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1


BOOL_TRUE = frozenset(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"))
BOOL_FALSE = frozenset(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"))
NULLS = frozenset(("", "~", "null", "Null", "NULL"))
FLOAT_SPECIALS = {
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
}
YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
# time.Parse layouts of go-yaml's allowedTimestampFormats; the day is range-checked separately.
TIMESTAMP_RE = re.compile(
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}))"
    r"|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?))?$")
# strconv.ParseFloat syntax (decimal and hexadecimal, inf/nan words); used for the '.' hint.
GO_FLOAT = re.compile(
    r"^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+"
    r"|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])$")

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, MERGE = "str", "int", "float", "bool", "null", "timestamp", "merge"


_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def go_parse_int(text: str):
    """strconv.ParseInt(text, 0, 64), falling back to ParseUint: the int, or None when neither accepts it."""
    sign = 1
    body = text
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
        unsigned_ok = False
    else:
        unsigned_ok = True
    if not body:
        return None
    base = 10
    digits = body
    if len(body) >= 2 and body[0] == "0" and body[1] in "xXbBoO":
        base = {"x": 16, "b": 2, "o": 8}[body[1].lower()]
        digits = body[2:]
    elif len(body) > 1 and body[0] == "0":
        base = 8
        digits = body[1:]
    if not digits:
        return None
    allowed = _DIGITS[base]
    if any(c not in allowed for c in digits):
        return None
    number = parse_digits(digits, base)
    if number is None:  # over 64 bits: Go's range error (and Python refuses to convert 4,300+ digits)
        return None
    number *= sign
    if _INT64_MIN <= number <= _INT64_MAX:
        return number
    if unsigned_ok and number <= _UINT64_MAX:
        return number
    return None


def is_timestamp(text: str) -> bool:
    """go-yaml's timestamp rule (resolve.go parseTimestamp over allowedTimestampFormats): ``text`` is one of the
    date or date-time layouts (``2006-1-2``, ``2006-1-2T15:4:5.999999999Z07:00``, ``2006-1-2 15:4:5.999999999``)
    with a real calendar day and an hour, minute and second in range."""
    match = TIMESTAMP_RE.match(text)
    if not match:
        return False
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if not 1 <= month <= 12:
        return False
    days = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31,
            30, 31, 30, 31][month - 1]
    if not 1 <= day <= days:
        return False
    hms = match.group(4, 5, 6) if match.group(4) is not None else match.group(7, 8, 9)
    if hms[0] is not None:
        hour, minute, second = (int(x) for x in hms)
        if hour > 23 or minute > 59 or second > 59:
            return False
    return True


def resolve_plain(text: str):
    """go-yaml v2's ``resolve("", text)`` for a plain scalar: ``(kind, value)``.

    kind is one of "str", "int", "float", "bool", "null", "timestamp", "merge"; value is the Python value (the text
    itself for str and timestamp, as go-yaml keeps timestamps as strings when decoding into ``interface{}``).
    """
    hint = text[:1]
    if text == "" or text in NULLS:
        return NULL, None
    if hint in "yYnNtTfFoO~":
        if text in BOOL_TRUE:
            return BOOL, True
        if text in BOOL_FALSE:
            return BOOL, False
        return STR, text
    if hint == ".":
        if text in FLOAT_SPECIALS:
            return FLOAT, FLOAT_SPECIALS[text]
        plain = text.replace("_", "") if underscore_ok(text) else ""
        if GO_FLOAT.match(plain):
            number = parse_float(plain)
            if number is not None:
                return FLOAT, number
        return STR, text
    if hint in "+-0123456789":
        if text in FLOAT_SPECIALS:
            return FLOAT, FLOAT_SPECIALS[text]
        if is_timestamp(text):
            return TIMESTAMP, text
        plain = text.replace("_", "")
        number = go_parse_int(plain)
        if number is not None:
            return INT, number
        if YAML_STYLE_FLOAT.match(plain):
            number = parse_float(plain)
            if number is not None:
                return FLOAT, number
        if plain.startswith("0b") or plain.startswith("-0b"):
            negative = plain.startswith("-")
            digits = plain[3:] if negative else plain[2:]
            if digits and all(c in "01" for c in digits):
                number = parse_digits(digits, 2)
                number = None if number is None else number * (-1 if negative else 1)
                if number is not None and _INT64_MIN <= number <= (_UINT64_MAX if not negative else _INT64_MAX):
                    return INT, number
        return STR, text
    if text == "<<":
        return MERGE, text
    return STR, text


def parse_float(text: str):
    """strconv.ParseFloat(text, 64) for text of valid syntax: the float, or None when Go reports ErrRange."""
    lowered = text.lower().lstrip("+-")
    if lowered in ("inf", "infinity"):
        return math.inf * (-1 if text.startswith("-") else 1)
    if lowered == "nan":
        return math.nan
    try:
        value = float.fromhex(text) if lowered.startswith("0x") else float(text)
    except (OverflowError, ValueError):
        return None
    return None if math.isinf(value) else value


def resolve_kind_v3(text: str) -> str:
    """go-yaml v3's ``resolve("", text)`` for a plain scalar, kind only: one of the kinds of :func:`resolve_plain`.

    Differs from v2 in its tables (gopkg.in/yaml.v3 resolve.go): only ``true``/``false`` (three spellings each) are
    booleans, and a ``.`` hint is a float only when strconv.ParseFloat's syntax accepts the text as written."""
    if text in ("", "~", "null", "Null", "NULL"):
        return NULL
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return BOOL
    if text in FLOAT_SPECIALS:
        return FLOAT
    hint = text[:1]
    if hint == ".":
        return FLOAT if GO_FLOAT.match(text) else STR
    if hint in "+-0123456789":
        if is_timestamp(text):
            return TIMESTAMP
        plain = text.replace("_", "")
        if go_parse_int(plain) is not None:
            return INT
        if YAML_STYLE_FLOAT.match(plain):
            return FLOAT
        if plain.startswith("0b") or plain.startswith("-0b"):
            digits = plain[3:] if plain.startswith("-") else plain[2:]
            if digits and all(c in "01" for c in digits):
                return INT
    return STR


_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


def looks_base60(text: str) -> bool:
    """go-yaml's isBase60Float (encode.go): ``text`` looks like a YAML 1.1 sexagesimal float (``1:20``,
    ``190:20:30.15``), which both go-yaml versions quote when they write a string although neither reads it as a
    number."""
    return bool(text and text[0] in "+-0123456789" and ":" in text and _BASE60_FLOAT.match(text))
