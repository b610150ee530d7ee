"""Go's ``strconv.Quote`` family (strconv/quote.go appendQuotedWith): the collection's one Go quoting function.

Sprig's ``quote``, fmt's ``%q``, template error texts and Masterminds/semver's errors all print through it.
"""
from __future__ import annotations

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
