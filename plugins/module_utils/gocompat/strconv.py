"""Go's ``strconv.Quote`` family (strconv/quote.go appendQuotedWith): the collection's one Go quoting function.

Sprig's ``quote``, fmt's ``%q``, template error texts and Masterminds/semver's errors all print through it.
"""
from __future__ import annotations

import decimal
import math
import struct

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
            "\\": "\\\\", '"': '\\"'}


def go_quote(value: str, ascii_only: bool = False, quote: str = '"') -> str:
    """Go's ``strconv.Quote`` (or ``QuoteToASCII`` with ``ascii_only``); ``quote`` may be "'" for ``QuoteRune``.

    ``value`` is a str; invalid UTF-8 bytes, held as surrogate escapes U+DC80..U+DCFF, are written ``\\xNN`` as Go
    writes them. Returns the quoted text. Never raises.
    """
    out = [quote]
    for c in value:
        if c == quote or c == "\\":
            out.append("\\" + c)
            continue
        code = ord(c)
        if code < 0x80 and c.isprintable():
            out.append(c)
            continue
        if c.isprintable() and not ascii_only and not 0xD800 <= code <= 0xDFFF:
            out.append(c)
            continue
        esc = _ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif code < 0x20 or code == 0x7F:
            out.append("\\x%02x" % code)
        elif 0xDC80 <= code <= 0xDCFF:
            out.append("\\x%02x" % (code - 0xDC00))  # a surrogate-escaped invalid UTF-8 byte
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code < 0x10000:
            out.append("\\u%04x" % code)
        else:
            out.append("\\U%08x" % code)
    out.append(quote)
    return "".join(out)


def parse_digits(digits: str, base: int = 10):
    """``int(digits, base)`` for digits already checked, or None when they are too many to fit in 64 bits (more
    than 64 significant digits in any base). Go's strconv reports such numbers as out of range; Python would
    refuse to convert more than 4,300 decimal digits with a ValueError (sys.int_max_str_digits), so callers that
    parse text from a chart or values go through here and treat None as Go's range error."""
    if len(digits) > 64 and len(digits.lstrip("0")) > 64:
        return None
    return int(digits, base)


def underscore_ok(text: str) -> bool:
    """strconv's underscoreOK: every '_' sits between two ASCII digits (a base prefix counts as a digit), as Go's
    ParseInt/ParseFloat (base 0) and Go literals require before ignoring them (".1_0" is 0.1, "._1" and "1__0" are
    not numbers). The one copy: the go-yaml resolver, Sprig's conversions and the template parser use it."""
    body = text[1:] if text[:1] in "+-" else text
    saw = "^"
    i = 0
    hexa = False
    if len(body) >= 2 and body[0] == "0" and body[1] in "bBoOxX":
        i, saw, hexa = 2, "0", body[1] in "xX"
    for ch in body[i:]:
        if "0" <= ch <= "9" or (hexa and ch in "abcdefABCDEF"):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


def format_float(value: float, bits: int = 64) -> str:
    """Go's ``strconv.FormatFloat(value, 'g', -1, bits)``: the shortest digits that read back as the same float64
    (or float32 for ``bits`` 32), in exponent form (``1e+06``, ``1e-05``) when the exponent is below -4 or at least
    6, else fixed (``123456``, ``0.0001``); ``NaN``, ``+Inf``, ``-Inf``; ``-0`` for negative zero. Never raises.

    Used where go-yaml and sigs.k8s.io/yaml print a float (map keys, the emitters' floats, ``%#v`` in go-yaml's
    messages). With ``bits`` 32 the value is first rounded to float32 (``float32(x)``; too large is an infinity)."""
    if bits == 32:
        value = to_float32(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = repr(value) if bits == 64 else _shortest_float32(value)
    dec = decimal.Decimal(text).normalize()
    sign, digit_tuple, exp = dec.as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    point = len(digits) + exp  # digits before the decimal point (Go's digs.dp)
    sci = point - 1
    prefix = "-" if sign else ""
    if sci < -4 or sci >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (prefix, body, "-" if sci < 0 else "+", abs(sci))
    if point <= 0:
        return prefix + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return prefix + digits + "0" * (point - len(digits))
    return prefix + digits[:point] + "." + digits[point:]


def to_float32(value: float) -> float:
    """Go's ``float32(value)``: the nearest float32 (as a Python float); an infinity when it is too large."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def _shortest_float32(value: float) -> str:
    """The fewest significant digits that read back (through float32) as the float32 ``value``, nearest first."""
    for digits in range(1, 10):
        text = "%.*e" % (digits - 1, value)
        if to_float32(float(text)) == value:
            return text
    return repr(value)


def format_json_float(value: float) -> str:
    """A finite float64 as Go's encoding/json writes it (encode.go floatEncoder): shortest round-trip digits,
    exponent form ``1e+21`` / ``1e-7`` when abs(value) < 1e-6 or >= 1e21, else fixed
    (``3`` for 3.0, ``-0`` for -0.0).

    ``value`` must be finite: encoding/json refuses NaN and infinities, and each caller words that refusal itself
    (engine/gojson.py ``go_json_float``, the YAML emitter)."""
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        sign, digits, exponent = decimal.Decimal(repr(value)).as_tuple()
        text = "".join(str(d) for d in digits).rstrip("0") or "0"
        exp = len(digits) + exponent - 1
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        # strconv's 'e' format pads the exponent to two digits; encoding/json then turns e-07 into e-7.
        exp_text = ("-%d" % -exp) if exp < 0 else ("+%02d" % exp)
        return "%s%se%s" % ("-" if sign else "", mantissa, exp_text)
    text = format(decimal.Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
