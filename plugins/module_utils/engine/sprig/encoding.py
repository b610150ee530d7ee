"""Sprig's encodings (Masterminds/sprig/v3 strings.go, defaults.go): base64/base32 and the JSON functions that
Helm does not replace (toPrettyJson, toRawJson, mustFromJson, ...), with Go encoding/json output.
"""
from __future__ import annotations

import base64
import json
import math

from ..errors import FuncError
from ._base import ANY, STRING, go_bytes, go_func, from_go_bytes


@go_func(STRING)
def b64enc(s):
    """base64.StdEncoding of the string's bytes."""
    return base64.b64encode(go_bytes(s)).decode("ascii")


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class _Corrupt(Exception):
    def __init__(self, offset: int, kind: str = "base64") -> None:
        super().__init__("illegal %s data at input byte %d" % (kind, offset))
        self.offset = offset


class _Corrupt32(_Corrupt):
    def __init__(self, offset: int) -> None:
        super().__init__(offset, "base32")


def go_b64decode(src: bytes) -> bytes:
    """encoding/base64 StdEncoding.DecodeString: "\r"/"\n" skipped, padding required. Raises _Corrupt with
    Go's offset (base64.CorruptInputError) for bad input."""
    out = bytearray()
    si, n = 0, len(src)
    while True:
        vals, dlen = [], 4
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                raise _Corrupt(si - j)
            c = src[si]
            si += 1
            idx = _B64.find(chr(c)) if c < 128 else -1
            if idx >= 0:
                vals.append(idx)
                j += 1
                continue
            if c in (10, 13):
                continue
            if c != 61:
                raise _Corrupt(si - 1)
            if j in (0, 1):
                raise _Corrupt(si - 1)
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    raise _Corrupt(n)
                if src[si] != 61:
                    raise _Corrupt(si - 1)
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                raise _Corrupt(si)
            dlen = j
            break
        vals += [0] * (4 - len(vals))
        val = vals[0] << 18 | vals[1] << 12 | vals[2] << 6 | vals[3]
        out += bytes([val >> 16 & 255, val >> 8 & 255, val & 255])[:dlen - 1]
        if dlen < 4:
            return bytes(out)


def go_b32decode(text: bytes) -> bytes:
    """encoding/base32 StdEncoding.DecodeString (newlines stripped first). Raises _Corrupt with Go's offset."""
    src = text.replace(b"\r", b"").replace(b"\n", b"")
    out = bytearray()
    olen, pos, end = len(src), 0, False
    while pos < olen and not end:
        vals, dlen, j = [], 8, 0
        while j < 8:
            if pos == olen:
                raise _Corrupt32(olen - (olen - pos) - j)
            c = src[pos]
            pos += 1
            remaining = olen - pos
            if c == 61 and j >= 2 and remaining < 8:
                if remaining + j < 7:
                    raise _Corrupt32(olen)
                for k in range(7 - j):
                    if remaining > k and src[pos + k] != 61:
                        raise _Corrupt32(olen - remaining + k - 1)
                dlen, end = j, True
                if dlen in (1, 3, 6):
                    raise _Corrupt32(olen - remaining - 1)
                break
            idx = _B32.find(chr(c)) if c < 128 else -1
            if idx < 0:
                raise _Corrupt32(olen - remaining - 1)
            vals.append(idx)
            j += 1
        vals += [0] * (8 - len(vals))
        val = 0
        for v in vals:
            val = val << 5 | v
        nbytes = {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}.get(dlen, 0)
        out += val.to_bytes(5, "big")[:nbytes]
    return bytes(out)


@go_func(STRING)
def b64dec(s):
    """base64.StdEncoding decode; on bad input Sprig returns Go's error text instead of failing."""
    try:
        return from_go_bytes(go_b64decode(go_bytes(s)))
    except _Corrupt as exc:
        return str(exc)


def b64_error(s: str) -> str:
    """Go's base64 error text for ``s`` ("" when it decodes)."""
    try:
        go_b64decode(go_bytes(s))
    except _Corrupt as exc:
        return str(exc)
    return ""


@go_func(STRING)
def b32enc(s):
    """base32.StdEncoding of the string's bytes."""
    return base64.b32encode(go_bytes(s)).decode("ascii")


@go_func(STRING)
def b32dec(s):
    """base32.StdEncoding decode; on bad input returns Go's error text like Sprig."""
    try:
        return from_go_bytes(go_b32decode(go_bytes(s)))
    except _Corrupt as exc:
        return str(exc)


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
