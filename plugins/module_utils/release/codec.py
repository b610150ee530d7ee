"""Helm v4's release record codec: Go ``encoding/json``, gzip and base64, as the storage drivers write them.

Helm's ``pkg/storage/driver/util.go`` stores a release as ``base64(gzip(json.Marshal(release)))``. This module writes
that exact shape (gzip header ``1f8b08000000000002ff``: no name, mtime 0, best compression, OS unknown, as Go's
``compress/gzip`` writes it) and reads it back, gunzipping only when the gzip magic bytes are present, as Helm does.

JSON follows Go's ``encoding/json``: compact separators, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, floats in
Go's shortest form (``2`` not ``2.0``), non-ASCII text kept as UTF-8.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import json
import math
import re
import struct
import time
import zlib
from decimal import Decimal

from ..errors import ReleaseError
from ..transport import env_limit, limit_message

GZIP_MAGIC = b"\x1f\x8b\x08"
# ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (best compression) OS=255 (unknown): Go's compress/gzip header.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
ZERO_TIME = "0001-01-01T00:00:00Z"


def go_float(value: float) -> str:
    """Format a float as Go's ``encoding/json`` does (``strconv.AppendFloat`` with 'f' or 'e', shortest digits).

    ``2.0 -> "2"``, ``1e21 -> "1e+21"``, ``1.5e-07 -> "1.5e-7"``. Raises ValueError for NaN and infinities, which Go's
    encoder refuses too (``json: unsupported value``).
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("json: unsupported value: %r" % value)
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        text = repr(value)
        if "e" not in text:
            text = "%e" % value
        mantissa, exponent = text.split("e")
        sign = exponent[0] if exponent[0] in "+-" else "+"
        digits = exponent.lstrip("+-").lstrip("0") or "0"
        if len(digits) < 2 and sign == "+":
            digits = digits.rjust(2, "0")
        return "%se%s%s" % (mantissa, sign, digits)
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(text: str) -> str:
    """A JSON string literal as encoding/json writes it: each invalid UTF-8 byte (held as a surrogate escape, e.g.
    from ``trunc`` cutting a character in NOTES.txt) becomes the escape ``\\ufffd`` (encode.go appendString)."""
    quoted = json.dumps(text, ensure_ascii=False)
    if _SURROGATE.search(quoted) is not None:
        quoted = _SURROGATE.sub(lambda _m: "\\ufffd", quoted)
    return quoted


def _encode(value, out: list) -> None:
    if isinstance(value, str):
        out.append(_json_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(go_float(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(_json_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError("json: unsupported type: %s" % type(value).__name__)


def go_json(value) -> bytes:
    """Serialise ``value`` (dicts keep their key order) as Go's ``json.Marshal`` would; returns UTF-8 bytes.

    Raises TypeError for values JSON cannot hold and ValueError for NaN/Inf, as Go's encoder refuses them.
    """
    out = []
    _encode(value, out)
    text = "".join(out)
    for raw, escaped in _HTML_ESCAPES:
        text = text.replace(raw, escaped)
    return text.encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` with Go's ``gzip.NewWriterLevel(w, gzip.BestCompression)`` header and trailer."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return _GZIP_HEADER + body + trailer


def encode_release(record: dict) -> str:
    """Encode a release record (a dict in Helm's JSON field order) as Helm's ``encodeRelease``.

    Returns the base64 text (str) that goes, once more base64-encoded by the API, into Secret ``data.release``.
    """
    return base64.b64encode(gzip_bytes(go_json(record))).decode("ascii")


def decode_release(text, where: str = "release") -> dict:
    """Decode Helm's ``data.release`` text (str or bytes, base64 of gzip or of raw JSON) into a dict.

    Mirrors Helm's ``decodeRelease``: base64-decode, gunzip only when the gzip magic bytes lead, then JSON.
    Raises :class:`ReleaseError` naming ``where`` (the Secret) when any step fails.
    """
    if isinstance(text, str):
        text = text.encode("ascii", "replace")
    try:
        raw = base64.b64decode(text, validate=True)
        if raw[:3] == GZIP_MAGIC:
            raw = _gunzip(raw, where)
        record = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError) as exc:
        raise ReleaseError("cannot decode the release stored in %s: %s. The record is not a Helm v3/v4 release; "
                           "inspect it with kubectl and remove it if it is stale." % (where, exc)) from None
    if not isinstance(record, dict):
        raise ReleaseError("cannot decode the release stored in %s: expected a JSON object" % where)
    _check_fields(record, where)
    return record


#: Largest release record once gunzipped (HELMKIT_MAX_RELEASE_BYTES): a Secret or ConfigMap holds at most 1 MiB,
#: which a release's JSON rarely exceeds tenfold; a gzip bomb inflates 1 MiB to 1 GiB.
DEFAULT_MAX_RELEASE_BYTES = 128 * 1024 * 1024


def max_release_bytes() -> int:
    """Largest release record decoded, in bytes once gunzipped (``HELMKIT_MAX_RELEASE_BYTES`` or 128 MiB)."""
    return env_limit("HELMKIT_MAX_RELEASE_BYTES", DEFAULT_MAX_RELEASE_BYTES)


def _gunzip(raw: bytes, where: str) -> bytes:
    """``raw`` (gzip) inflated as a stream that stops one byte past :func:`max_release_bytes`, so a gzip bomb costs
    no more than the limit. Raises ReleaseError naming ``where`` past the limit, zlib.error for a bad stream."""
    limit = max_release_bytes()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(raw, limit + 1)
    if len(out) <= limit and not inflater.unconsumed_tail:
        out += inflater.flush()
    if len(out) > limit or inflater.unconsumed_tail:
        too_big = limit_message("the record, gunzipped,", limit, "HELMKIT_MAX_RELEASE_BYTES")
        raise ReleaseError("cannot decode the release stored in %s: %s. Inspect it with kubectl and remove it if it "
                           "is not a genuine release" % (where, too_big))
    if not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


_FIELD_TYPES = (("name", str, "a string"), ("namespace", str, "a string"), ("info", dict, "an object"),
                ("chart", dict, "an object"), ("config", dict, "an object"), ("manifest", str, "a string"),
                ("hooks", list, "a list"), ("labels", dict, "an object"))


def _check_fields(record: dict, where: str) -> None:
    """The fields helmkit reads have the types Helm writes (Go's json.Unmarshal into release.Release refuses
    others): ``version`` a positive integer, the rest as in :data:`_FIELD_TYPES` when present and not null."""
    version = record.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ReleaseError("cannot decode the release stored in %s: its version is %s, not a revision number (a "
                           "positive integer); inspect it with kubectl and remove it if it is stale"
                           % (where, json.dumps(version)[:40]))
    for field, kind, name in _FIELD_TYPES:
        value = record.get(field)
        if value is not None and not isinstance(value, kind):
            raise ReleaseError("cannot decode the release stored in %s: its %s is %s, not %s; inspect it with "
                               "kubectl and remove it if it is stale" % (where, field, type(value).__name__, name))


def go_time(ns: int = None) -> str:
    """Return a UTC timestamp as Go's ``time.Time.MarshalJSON`` (RFC 3339 with nanoseconds, zeros trimmed).

    ``ns`` is nanoseconds since the epoch (default: now).
    """
    if ns is None:
        ns = time.time_ns()
    seconds, nanos = divmod(ns, 1_000_000_000)
    stamp = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        stamp += "." + ("%09d" % nanos).rstrip("0")
    return stamp + "Z"
