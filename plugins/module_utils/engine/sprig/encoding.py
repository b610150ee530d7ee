"""Sprig's encodings (Masterminds/sprig/v3 strings.go, defaults.go): base64/base32 and the JSON functions that
Helm does not replace (toPrettyJson, toRawJson, mustFromJson, ...), with Go encoding/json output.
"""
from __future__ import annotations

import base64
import binascii
import json
import math

from ..errors import FuncError
from ._base import ANY, STRING, go_bytes, go_func, from_go_bytes


@go_func(STRING)
def b64enc(s):
    """base64.StdEncoding of the string's bytes."""
    return base64.b64encode(go_bytes(s)).decode("ascii")


@go_func(STRING)
def b64dec(s):
    """base64.StdEncoding decode; on bad input Sprig returns Go's error text instead of failing."""
    err = _b64_error(s)
    if err:
        return err
    return from_go_bytes(base64.b64decode(s))


def _b64_error(s: str) -> str:
    # Go's decoder reports the offset of the first bad byte ("illegal base64 data at input byte N").
    data = go_bytes(s).replace(b"\r", b"").replace(b"\n", b"")
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    raw = go_bytes(s)
    pos = 0
    for i, b in enumerate(raw):
        if b in (13, 10):
            continue
        if b not in alphabet and b != 61:
            return "illegal base64 data at input byte %d" % pos
        pos += 1
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        stripped = data.rstrip(b"=")
        if len(data) % 4 != 0 or b"=" in stripped:
            bad = len(stripped) if b"=" not in stripped else stripped.index(b"=")
            if len(data) % 4 != 0 and b"=" not in stripped:
                bad = len(data) - (len(data) % 4)
            return "illegal base64 data at input byte %d" % bad
        return "illegal base64 data at input byte %d" % len(stripped)
    return ""


@go_func(STRING)
def b32enc(s):
    """base32.StdEncoding of the string's bytes."""
    return base64.b32encode(go_bytes(s)).decode("ascii")


@go_func(STRING)
def b32dec(s):
    """base32.StdEncoding decode; on bad input returns an error text like Sprig."""
    try:
        return from_go_bytes(base64.b32decode(go_bytes(s)))
    except (binascii.Error, ValueError):
        return "illegal base32 data at input byte %d" % _first_bad_b32(s)


def _first_bad_b32(s: str) -> int:
    for i, ch in enumerate(s):
        if ch not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=":
            return i
    return len(s.rstrip("="))


# Go encoding/json ------------------------------------------------------------------------------------------------

def _shortest_digits(a: float):
    """Shortest round-trip digits of a positive float and the decimal exponent of its first digit."""
    from decimal import Decimal
    _, digits, exponent = Decimal(repr(a)).as_tuple()
    text = "".join(str(d) for d in digits)
    stripped = text.lstrip("0")
    exp = len(text) + exponent - 1 - (len(text) - len(stripped))
    return stripped.rstrip("0") or "0", exp


def _json_float(value: float) -> str:
    """encoding/json's float64 format: strconv 'f' (shortest), or 'e' below 1e-6 / from 1e21, "e-07" -> "e-7"."""
    if math.isnan(value) or math.isinf(value):
        raise FuncError("json: unsupported value: %s" % ("NaN" if math.isnan(value) else
                                                          "+Inf" if value > 0 else "-Inf"))
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    a = abs(value)
    if a == 0:
        return sign + "0"
    digits, exp = _shortest_digits(a)
    if a < 1e-6 or a >= 1e21:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return sign + mant + ("e-%d" % -exp if exp < 0 else "e+%02d" % exp)
    if exp < 0:
        return sign + "0." + "0" * (-exp - 1) + digits
    if len(digits) <= exp + 1:
        return sign + digits + "0" * (exp + 1 - len(digits))
    return sign + digits[:exp + 1] + "." + digits[exp + 1:]


def _json_string(s: str, escape_html: bool) -> str:
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}.get(ch, "\\u%04x" % code))
        elif escape_html and ch in "<>&":
            out.append("\\u%04x" % code)
        elif code in (0x2028, 0x2029):
            out.append("\\u%04x" % code)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json(value, escape_html: bool = True, indent: str = "") -> str:
    """Go's json.Marshal (indent "") or json.MarshalIndent(value, "", indent): map keys sorted, HTML characters
    escaped when ``escape_html``, Go's float format. Raises FuncError for NaN/Inf like Go."""
    out = []
    _encode(value, out, escape_html, indent, "")
    return "".join(out)


def _encode(value, out, esc, indent, cur) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_json_float(value))
    elif isinstance(value, str):
        out.append(_json_string(value, esc))
    elif isinstance(value, (bytes, bytearray)):
        out.append('"%s"' % base64.b64encode(bytes(value)).decode("ascii"))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = cur + indent
        out.append("{")
        for i, key in enumerate(sorted(value, key=lambda k: go_bytes(str(k)))):
            if i:
                out.append(",")
            if indent:
                out.append("\n" + inner)
            out.append(_json_string(str(key), esc))
            out.append(": " if indent else ":")
            _encode(value[key], out, esc, indent, inner)
        if indent:
            out.append("\n" + cur)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = cur + indent
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            if indent:
                out.append("\n" + inner)
            _encode(item, out, esc, indent, inner)
        if indent:
            out.append("\n" + cur)
        out.append("]")
    else:
        out.append(_json_string(str(value), esc))


@go_func(ANY)
def toPrettyJson(value):
    """Sprig toPrettyJson: json.MarshalIndent(value, "", "  "); "" on error."""
    try:
        return go_json(value, True, "  ")
    except FuncError:
        return ""


@go_func(ANY)
def mustToPrettyJson(value):
    """Like toPrettyJson but a marshalling error fails the template."""
    return go_json(value, True, "  ")


@go_func(ANY)
def toRawJson(value):
    """Sprig toRawJson: JSON without HTML escaping; "" on error."""
    try:
        return go_json(value, False)
    except FuncError:
        return ""


@go_func(ANY)
def mustToRawJson(value):
    """Like toRawJson but a marshalling error fails the template."""
    return go_json(value, False)


@go_func(ANY)
def toJson(value):
    """Sprig toJson: json.Marshal; "" on error (Helm replaces this one with its own)."""
    try:
        return go_json(value)
    except FuncError:
        return ""


@go_func(ANY)
def mustToJson(value):
    """Sprig mustToJson: json.Marshal, failing on error."""
    return go_json(value)


def _json_number(text: str):
    return float(text)


def _decode_json(s: str):
    try:
        return json.loads(s, parse_int=_json_number, parse_constant=_bad_constant)
    except ValueError as exc:
        raise FuncError(_go_json_error(s, exc))


def _bad_constant(name):
    raise ValueError("invalid character '%s' looking for beginning of value" % name[0])


def _go_json_error(s: str, exc: ValueError) -> str:
    if not s.strip():
        return "unexpected end of JSON input"
    pos = getattr(exc, "pos", None)
    if pos is not None and pos < len(s):
        ch = s[pos]
        return "invalid character %s looking for beginning of value" % ("'%s'" % ch if ch != "'" else "'\\''")
    return "unexpected end of JSON input"


@go_func(STRING)
def fromJson(s):
    """Sprig fromJson: decode JSON (numbers as float64); nil on error (Helm replaces this one)."""
    try:
        return _decode_json(s)
    except FuncError:
        return None


@go_func(STRING)
def mustFromJson(s):
    """Sprig mustFromJson: decode JSON (numbers as float64), failing on bad input."""
    return _decode_json(s)


FUNCS = {
    "b64enc": b64enc, "b64dec": b64dec, "b32enc": b32enc, "b32dec": b32dec,
    "toJson": toJson, "mustToJson": mustToJson, "fromJson": fromJson, "mustFromJson": mustFromJson,
    "toPrettyJson": toPrettyJson, "mustToPrettyJson": mustToPrettyJson,
    "toRawJson": toRawJson, "mustToRawJson": mustToRawJson,
}
