"""Sprig's encodings (Masterminds/sprig/v3 strings.go, defaults.go): base64/base32 and the JSON functions that
Helm does not replace (toPrettyJson, toRawJson, mustFromJson, ...), with Go encoding/json output.
"""
from __future__ import annotations

import base64

from ..errors import FuncError
from ..gojson import GoJsonError, from_json, to_json
from ._base import ANY, STRING, go_bytes, go_func, from_go_bytes


@go_func(STRING)
def b64enc(s):
    """base64.StdEncoding of the string's bytes."""
    return base64.b64encode(go_bytes(s)).decode("ascii")


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class CorruptInput(Exception):
    def __init__(self, offset: int, kind: str = "base64") -> None:
        super().__init__("illegal %s data at input byte %d" % (kind, offset))
        self.offset = offset


class _Corrupt32(CorruptInput):
    def __init__(self, offset: int) -> None:
        super().__init__(offset, "base32")


def go_b64decode(src: bytes) -> bytes:
    """encoding/base64 StdEncoding.DecodeString: "\r"/"\n" skipped, padding required. Raises CorruptInput with
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
                raise CorruptInput(si - j)
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
                raise CorruptInput(si - 1)
            if j in (0, 1):
                raise CorruptInput(si - 1)
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    raise CorruptInput(n)
                if src[si] != 61:
                    raise CorruptInput(si - 1)
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                raise CorruptInput(si)
            dlen = j
            break
        vals += [0] * (4 - len(vals))
        val = vals[0] << 18 | vals[1] << 12 | vals[2] << 6 | vals[3]
        out += bytes([val >> 16 & 255, val >> 8 & 255, val & 255])[:dlen - 1]
        if dlen < 4:
            return bytes(out)


def go_b32decode(text: bytes) -> bytes:
    """encoding/base32 StdEncoding.DecodeString (newlines stripped first). Raises CorruptInput with Go's offset."""
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
    except CorruptInput as exc:
        return str(exc)


def b64_error(s: str) -> str:
    """Go's base64 error text for ``s`` ("" when it decodes)."""
    try:
        go_b64decode(go_bytes(s))
    except CorruptInput as exc:
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
    except CorruptInput as exc:
        return str(exc)


# JSON: Sprig's encoders and decoders over Go's encoding/json (engine/gojson.py) ---------------------------------

def _encode(value, escape_html: bool, indent, must: bool) -> str:
    try:
        return to_json(value, escape_html=escape_html, indent=indent)
    except GoJsonError as exc:
        if must:
            raise FuncError(str(exc))
        return ""


@go_func(ANY)
def toPrettyJson(value):
    """Sprig toPrettyJson: json.MarshalIndent(value, "", "  "); "" on error."""
    return _encode(value, True, "  ", False)


@go_func(ANY)
def mustToPrettyJson(value):
    """Like toPrettyJson but a marshalling error fails the template."""
    return _encode(value, True, "  ", True)


@go_func(ANY)
def toRawJson(value):
    """Sprig toRawJson: JSON without HTML escaping; "" on error."""
    return _encode(value, False, None, False)


@go_func(ANY)
def mustToRawJson(value):
    """Like toRawJson but a marshalling error fails the template."""
    return _encode(value, False, None, True)


@go_func(ANY)
def toJson(value):
    """Sprig toJson: json.Marshal; "" on error (Helm replaces this one with its own)."""
    return _encode(value, True, None, False)


@go_func(ANY)
def mustToJson(value):
    """Sprig mustToJson: json.Marshal, failing on error."""
    return _encode(value, True, None, True)


@go_func(STRING)
def fromJson(s):
    """Sprig fromJson: decode JSON (numbers as float64); nil on error (Helm replaces this one)."""
    try:
        return from_json(s, errors=[])
    except GoJsonError:
        return None


@go_func(STRING)
def mustFromJson(s):
    """Sprig mustFromJson: decode JSON (numbers as float64), failing with Go's message on bad input."""
    try:
        return from_json(s)
    except GoJsonError as exc:
        raise FuncError(str(exc))


FUNCS = {
    "b64enc": b64enc, "b64dec": b64dec, "b32enc": b32enc, "b32dec": b32dec,
    "toJson": toJson, "mustToJson": mustToJson, "fromJson": fromJson, "mustFromJson": mustFromJson,
    "toPrettyJson": toPrettyJson, "mustToPrettyJson": mustToPrettyJson,
    "toRawJson": toRawJson, "mustToRawJson": mustToRawJson,
}
