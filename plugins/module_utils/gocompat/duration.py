"""Go's ``time.ParseDuration`` and ``time.Duration.String`` (time/format.go, time/time.go).

Durations are int nanoseconds in Go's int64 range. ``parse_duration`` keeps Go's grammar
(``[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+``, or a bare ``0``), its overflow checks and its three error texts.
"""
from __future__ import annotations

import re

from ..errors import HelmkitError

NS = 1000000000
_MAX = 1 << 63  # Go accumulates in uint64 and checks against 1<<63
_UNITS = {"ns": 1, "us": 1000, "\u00b5s": 1000, "\u03bcs": 1000, "ms": 1000000, "s": NS, "m": 60 * NS,
          "h": 3600 * NS}


def time_quote(text: str) -> str:
    """The time package's own ``quote``: like ``strconv.Quote`` for printable ASCII, but every byte of a non-ASCII
    or control character is written ``\\xNN`` (so errors show ``"1\\xc3\\xa9"``). Surrogate-escaped invalid bytes
    are written as the byte."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if code >= 0x80 or code < 0x20:
            if 0xDC80 <= code <= 0xDCFF:
                data = bytes([code - 0xDC00])
            else:
                data = ch.encode("utf-8", "surrogatepass")
            out.append("".join("\\x%02x" % b for b in data))
        else:
            out.append("\\" + ch if ch in '"\\' else ch)
    out.append('"')
    return "".join(out)


def _invalid(orig: str) -> ValueError:
    return ValueError("time: invalid duration " + time_quote(orig))


def _leading_digits(s: str, i: int) -> int:
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    return i


def _fraction(digits: str):
    """Go's leadingFraction: (value, scale), accumulating until the next digit would overflow, then ignoring the
    rest (precision, not an error)."""
    value, scale = 0, 1.0
    for ch in digits:
        nxt = value * 10 + ord(ch) - 48
        if value > (_MAX - 1) // 10 or nxt > _MAX:
            break
        value, scale = nxt, scale * 10
    return value, scale


def _unit_end(s: str, i: int) -> int:
    while i < len(s) and s[i] != "." and not "0" <= s[i] <= "9":
        i += 1
    return i


def parse_duration(text: str) -> int:
    """Go's ``time.ParseDuration``: ``"1h30m"``, ``"-1.5s"``, ``"+5s"``, ``"300ms"``, ``"0"`` -> int nanoseconds.

    Raises ValueError with Go's text: ``time: invalid duration "x"`` (bad syntax or beyond int64 nanoseconds, as
    ``"99999999999h"``), ``time: missing unit in duration "1"``, ``time: unknown unit "f" in duration "1f"``.
    """
    orig, s = text, text
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise _invalid(orig)
    total = 0
    i = 0
    while i < len(s):
        if not (s[i] == "." or "0" <= s[i] <= "9"):
            raise _invalid(orig)
        end = _leading_digits(s, i)
        whole = int(s[i:end]) if end > i else 0
        if whole > _MAX:
            raise _invalid(orig)  # Go's leadingInt overflow
        has_whole, i = end > i, end
        frac, scale, has_frac = 0, 1.0, False
        if i < len(s) and s[i] == ".":
            end = _leading_digits(s, i + 1)
            frac, scale = _fraction(s[i + 1:end])
            has_frac, i = end > i + 1, end
        if not has_whole and not has_frac:
            raise _invalid(orig)  # ".s", "-.s"
        end = _unit_end(s, i)
        if end == i:
            raise ValueError("time: missing unit in duration " + time_quote(orig))
        unit = _UNITS.get(s[i:end])
        if unit is None:
            raise ValueError("time: unknown unit %s in duration %s" % (time_quote(s[i:end]), time_quote(orig)))
        i = end
        if whole > _MAX // unit:
            raise _invalid(orig)
        value = whole * unit
        if frac > 0:
            value += int(float(frac) * (float(unit) / scale))  # float64, as Go does, to be exact for hours
            if value > _MAX:
                raise _invalid(orig)
        total += value
        if total > _MAX:
            raise _invalid(orig)
    if neg:
        return -total
    if total > _MAX - 1:
        raise _invalid(orig)
    return total


def _frac(value: int, digits: int) -> str:
    whole, rest = divmod(value, 10 ** digits)
    text = ("%0*d" % (digits, rest)).rstrip("0")
    return str(whole) + ("." + text if text else "")


def format_duration(ns: int) -> str:
    """Go's ``time.Duration.String()`` of int nanoseconds: ``"1h2m3.5s"``, ``"1.5ms"``, ``"0s"``."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < NS:
        if u < 1000:
            return sign + "%dns" % u
        if u < 1000000:
            return sign + _frac(u, 3) + "\u00b5s"
        return sign + _frac(u, 6) + "ms"
    hours, rem = divmod(u, 3600 * NS)
    minutes, rem = divmod(rem, 60 * NS)
    out = sign
    if hours:
        out += "%dh" % hours
    if hours or minutes:
        out += "%dm" % minutes
    return out + _frac(rem, 9) + "s"


def parse_timeout(value, field: str = "timeout") -> float:
    """Seconds (float) from an int/float (seconds), a string of digits (seconds) or a Go duration string (``"5m"``,
    ``"1h2m3.5s"``, ``"1500ms"``, as ``helm --timeout`` takes): the one reading of a duration option for every module
    (helm_release's ``timeout``/``wait_for_lock``/``post_renderer.timeout``, helm_test's ``timeout``, the
    request ``timeout`` of the chart-source modules). Go durations
    go through :func:`parse_duration`. Raises :class:`HelmkitError` naming
    ``field`` for anything else or a negative duration."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, (int, float)):
        if value < 0:
            raise HelmkitError("%s must not be negative, got %s" % (field, value))
        return float(value)
    text = str(value or "").strip()
    if re.match(r"^\d+(\.\d+)?$", text):
        return float(text)
    try:
        nanoseconds = parse_duration(text) if text else None
    except ValueError:
        nanoseconds = None
    if nanoseconds is None:
        raise HelmkitError("%s %r is not a duration: give seconds (300) or a Go duration such as 90s, 5m or 1h30m"
                           % (field, value))
    if nanoseconds < 0:
        raise HelmkitError("%s must not be negative, got %s" % (field, value))
    return nanoseconds / NS
