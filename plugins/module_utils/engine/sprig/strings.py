"""Sprig's string functions (Masterminds/sprig/v3 strings.go and functions.go, Masterminds/goutils,
huandu/xstrings), with Go's byte-indexed string semantics.

Every function takes the template's evaluated arguments positionally (pipeline value last, as in Sprig).
"""
from __future__ import annotations

import hashlib
import secrets
import unicodedata
import zlib

from ..errors import FuncError
from ..gofmt import format_value
from ..limits import grow
from ._base import (
    ANY, INT, STRING, StringMap, StringSlice, from_go_bytes, go_bytes, go_func, go_lower, go_quote, go_title, go_upper,
    strval)

_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                      "\u200a\u2028\u2029\u202f\u205f\u3000")


def go_isspace(ch: str) -> bool:
    """Go unicode.IsSpace of one character."""
    return ch in _GO_SPACE


_upper, _lower, _title = go_upper, go_lower, go_title


@go_func(STRING)
def trim(s):
    """strings.TrimSpace: remove leading and trailing Unicode white space (Go's definition)."""
    start, end = 0, len(s)
    while start < end and go_isspace(s[start]):
        start += 1
    while end > start and go_isspace(s[end - 1]):
        end -= 1
    return s[start:end]


@go_func(STRING)
def upper(s):
    """strings.ToUpper (simple per-rune case mapping)."""
    return "".join(_upper(c) for c in s)


@go_func(STRING)
def lower(s):
    """strings.ToLower (simple per-rune case mapping)."""
    return "".join(_lower(c) for c in s)


def _title_separator(ch: str) -> bool:
    if ord(ch) <= 0x7F:
        return not (ch.isalnum() or ch == "_")
    if ch.isalpha() or unicodedata.category(ch) == "Nd":
        return False
    return go_isspace(ch)


@go_func(STRING)
def title(s):
    """strings.Title: title-case the first letter of every word (separators per strings.isSeparator)."""
    out, prev = [], " "
    for ch in s:
        out.append(_title(ch) if _title_separator(prev) else ch)
        prev = ch
    return "".join(out)


@go_func(STRING)
def untitle(s):
    """goutils.Uncapitalize: lower-case the first letter of every white-space separated word."""
    out, nxt = [], True
    for ch in s:
        if go_isspace(ch):
            nxt = True
            out.append(ch)
        elif nxt:
            out.append(_lower(ch))
            nxt = False
        else:
            out.append(ch)
    return "".join(out)


@go_func(STRING)
def swapcase(s):
    """goutils.SwapCase: upper/title case to lower, lower to upper (title case after white space)."""
    out, white = [], True
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in ("Lu", "Lt"):
            out.append(_lower(ch))
            white = False
        elif cat == "Ll":
            out.append(_title(ch) if white else _upper(ch))
            white = False
        else:
            out.append(ch)
            white = go_isspace(ch)
    return "".join(out)


@go_func(INT, STRING)
def trunc(c, s):
    """Sprig trunc: first ``c`` bytes, or the last ``-c`` bytes when c is negative."""
    data = go_bytes(s)
    if c < 0 and len(data) + c > 0:
        return from_go_bytes(data[len(data) + c:])
    if c >= 0 and len(data) > c:
        return from_go_bytes(data[:c])
    return s


@go_func(INT, INT, STRING)
def substr(start, end, s):
    """Sprig substring on bytes: s[:end] if start < 0; s[start:] if end < 0 or past the end; else s[start:end].
    Raises FuncError with Go's runtime panic text when the bounds are out of range."""
    data = go_bytes(s)
    n = len(data)
    if start < 0:
        if end < 0 or end > n:
            raise FuncError("runtime error: slice bounds out of range [:%d] with length %d" % (end, n))
        return from_go_bytes(data[:end])
    if end < 0 or end > n:
        if start > n:
            raise FuncError("runtime error: slice bounds out of range [%d:%d]" % (start, n))
        return from_go_bytes(data[start:])
    if start > end:
        raise FuncError("runtime error: slice bounds out of range [%d:%d]" % (start, end))
    return from_go_bytes(data[start:end])


@go_func(INT, STRING)
def repeat(count, s):
    """strings.Repeat(s, count); a negative count is Go's panic."""
    if count < 0:
        raise FuncError("strings: negative Repeat count")
    grow("repeat", len(s) * count)
    return s * count


@go_func(STRING, STRING)
def trimAll(cutset, s):
    """strings.Trim(s, cutset): strip every character of ``cutset`` from both ends."""
    return s.strip(cutset) if cutset else s


@go_func(STRING, STRING)
def trimSuffix(suffix, s):
    """strings.TrimSuffix(s, suffix)."""
    return s[:-len(suffix)] if suffix and s.endswith(suffix) else s


@go_func(STRING, STRING)
def trimPrefix(prefix, s):
    """strings.TrimPrefix(s, prefix)."""
    return s[len(prefix):] if prefix and s.startswith(prefix) else s


def _bytes_as_runes(s: str) -> list:
    # goutils walks strings byte by byte and turns each byte into a rune (Latin-1 view of the UTF-8 bytes).
    return [chr(b) for b in go_bytes(s)]


@go_func(STRING)
def nospace(s):
    """goutils.DeleteWhiteSpace: drop white space, walking the string byte by byte like goutils does."""
    runes = _bytes_as_runes(s)
    kept = [r for r in runes if not go_isspace(r)]
    if len(kept) == len(runes):
        return s
    return "".join(kept)


@go_func(STRING)
def initials(s):
    """goutils.Initials: first character of every white-space separated word (byte-wise, like goutils)."""
    out, gap = [], True
    for r in _bytes_as_runes(s):
        if go_isspace(r):
            gap = True
        elif gap:
            out.append(r)
            gap = False
    return "".join(out)


def _abbreviate_full(s: bytes, offset: int, width: int) -> bytes:
    if not s:
        return b""
    if width < 4:
        raise ValueError("width")
    n = len(s)
    if n <= width:
        return s
    offset = min(offset, n)
    if n - offset < width - 3:
        offset = n - (width - 3)
    if offset <= 4:
        return s[:width - 3] + b"..."
    if width < 7:
        raise ValueError("width")
    if offset + width - 3 < n:
        return b"..." + _abbreviate_full(s[offset:], 0, width - 3)
    return b"..." + s[n - (width - 3):]


@go_func(INT, STRING)
def abbrev(width, s):
    """Sprig abbrev (goutils.Abbreviate): cut to ``width`` bytes ending in "..."; widths below 4 keep s."""
    if width < 4:
        return s
    try:
        return from_go_bytes(_abbreviate_full(go_bytes(s), 0, width))
    except ValueError:
        return ""


@go_func(INT, INT, STRING)
def abbrevboth(left, right, s):
    """Sprig abbrevboth (goutils.AbbreviateFull(s, left, right)): ellipses on both sides."""
    if right < 4 or (left > 0 and right < 7):
        return s
    try:
        return from_go_bytes(_abbreviate_full(go_bytes(s), left, right))
    except ValueError:
        return ""


def _wrap_custom(s: str, length: int, newline: str, long_words: bool) -> str:
    if s == "":
        return ""
    data = go_bytes(s)
    nl = go_bytes(newline or "\n")
    length = max(length, 1)
    n, offset, out = len(data), 0, []
    while n - offset > length:
        if data[offset:offset + 1] == b" ":
            offset += 1
            continue
        end = length + offset + 1
        space = data.rfind(b" ", offset, end)
        if space >= offset:
            out += [data[offset:space], nl]
            offset = space + 1
        elif long_words:
            out += [data[offset:offset + length], nl]
            offset += length
        else:
            nxt = data.find(b" ", length + offset)
            if nxt >= 0:
                out += [data[offset:nxt], nl]
                offset = nxt + 1
            else:
                out.append(data[offset:])
                offset = n
    out.append(data[offset:])
    return from_go_bytes(b"".join(out))


@go_func(INT, STRING)
def wrap(length, s):
    """goutils.Wrap(s, length): wrap at spaces; long words are not broken."""
    return _wrap_custom(s, length, "", False)


@go_func(INT, STRING, STRING)
def wrapWith(length, sep, s):
    """goutils.WrapCustom(s, length, sep, true): wrap with ``sep`` as line break; long words are broken."""
    if len(sep) > 1:
        grow("wrapWith", len(s) + (len(sep) - 1) * (len(s) // max(length, 1) + 1))
    return _wrap_custom(s, length, sep, True)


@go_func(STRING, STRING)
def contains(sub, s):
    """strings.Contains(s, sub)."""
    return sub in s


@go_func(STRING, STRING)
def hasPrefix(prefix, s):
    """strings.HasPrefix(s, prefix)."""
    return s.startswith(prefix)


@go_func(STRING, STRING)
def hasSuffix(suffix, s):
    """strings.HasSuffix(s, suffix)."""
    return s.endswith(suffix)


@go_func(variadic=ANY)
def quote(*values):
    """Sprig quote: each non-nil argument as Go's %q of its string value, joined by spaces."""
    return " ".join(go_quote(strval(v)) for v in values if v is not None)


@go_func(variadic=ANY)
def squote(*values):
    """Sprig squote: each non-nil argument as '%v', joined by spaces."""
    return " ".join("'%s'" % format_value(v) for v in values if v is not None)


@go_func(variadic=ANY)
def cat(*values):
    """Sprig cat: the non-nil arguments printed with %v, separated by spaces."""
    out = " ".join(format_value(v) for v in values if v is not None)
    grow("cat", len(out))
    return out


def _indented(func: str, spaces: int, s: str, prefix: str) -> str:
    pad = " " * max(spaces, 0) if spaces < 64 else None
    if pad is None or len(s) >= 4096:  # the size is known before building: refuse a gigabyte before allocating it
        grow(func, len(s) + max(spaces, 0) * (s.count("\n") + 1))
        pad = " " * max(spaces, 0)
    return prefix + pad + s.replace("\n", "\n" + pad)


@go_func(INT, STRING)
def indent(spaces, s):
    """Sprig indent: prefix every line with ``spaces`` spaces (a negative count means no padding)."""
    return _indented("indent", spaces, s, "")


@go_func(INT, STRING)
def nindent(spaces, s):
    """Sprig nindent: a newline, then indent."""
    return _indented("nindent", spaces, s, "\n")


@go_func(STRING, STRING, STRING)
def replace(old, new, s):
    """strings.Replace(s, old, new, -1)."""
    if len(new) > len(old) and (len(new) > 64 or len(s) >= 4096):
        grow("replace", len(s) + (len(new) - len(old)) * (s.count(old) if old else len(s) + 1))
    return s.replace(old, new)


@go_func(STRING, STRING, INT)
def plural(one, many, count):
    """Sprig plural: ``one`` when count is 1, else ``many``."""
    return one if count == 1 else many


@go_func(STRING)
def sha1sum(s):
    """Hex SHA-1 of the string's bytes."""
    return hashlib.sha1(go_bytes(s)).hexdigest()


@go_func(STRING)
def sha256sum(s):
    """Hex SHA-256 of the string's bytes."""
    return hashlib.sha256(go_bytes(s)).hexdigest()


@go_func(STRING)
def sha512sum(s):
    """Hex SHA-512 of the string's bytes."""
    return hashlib.sha512(go_bytes(s)).hexdigest()


@go_func(STRING)
def adler32sum(s):
    """Decimal Adler-32 checksum of the string's bytes."""
    return str(zlib.adler32(go_bytes(s)))


@go_func(ANY)
def toString(value):
    """Sprig strval: strings as they are, []byte decoded, anything else printed with %v."""
    return strval(value)


def _go_split(s: str, sep: str, n: int = -1) -> list:
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if 0 < n < len(chars):
            return chars[:n - 1] + ["".join(chars[n - 1:])]
        return chars
    return s.split(sep, n - 1 if n > 0 else -1)


@go_func(STRING, STRING)
def split(sep, s):
    """Sprig split: strings.Split as a map {"_0": part0, "_1": part1, ...}."""
    return StringMap(("_%d" % i, part) for i, part in enumerate(_go_split(s, sep)))


@go_func(STRING, INT, STRING)
def splitn(sep, n, s):
    """Sprig splitn: strings.SplitN(s, sep, n) as a map {"_0": ..., ...}."""
    return StringMap(("_%d" % i, part) for i, part in enumerate(_go_split(s, sep, n)))


@go_func(STRING, STRING)
def splitList(sep, s):
    """strings.Split(s, sep) as a []string."""
    return StringSlice(_go_split(s, sep))


def strslice(value) -> list:
    """Sprig strslice: a slice's non-nil elements as strings; nil gives []; any other value [strval(value)]."""
    if isinstance(value, StringSlice):
        return value
    if isinstance(value, (list, tuple)):
        return StringSlice(strval(v) for v in value if v is not None)
    if isinstance(value, (bytes, bytearray)):
        return StringSlice(str(b) for b in value)
    if value is None:
        return StringSlice()
    return StringSlice([strval(value)])


@go_func(ANY)
def toStrings(value):
    """Sprig toStrings (strslice)."""
    return strslice(value)


@go_func(STRING, ANY)
def join(sep, value):
    """Sprig join: strslice(value) joined with ``sep``."""
    items = strslice(value)
    if len(sep) > 1:
        grow("join", len(sep) * len(items))
    out = sep.join(items)
    grow("join", len(out))
    return out


@go_func(ANY)
def sortAlpha(value):
    """Sprig sortAlpha: a slice's elements as strings sorted by bytes; a non-slice gives [strval(value)]."""
    if isinstance(value, (list, tuple, bytes, bytearray)):
        return StringSlice(sorted(strslice(value), key=go_bytes))
    return StringSlice([strval(value)])


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_ALPHA = _ALNUM[:52]
_DIGITS = _ALNUM[52:]
_ASCII = "".join(chr(c) for c in range(32, 127))


def _random(count: int, alphabet: str) -> str:
    if count <= 0:
        return ""
    grow("rand", count)
    return "".join(secrets.choice(alphabet) for _i in range(count))


@go_func(INT)
def randAlphaNum(count):
    """``count`` cryptographically random characters from [A-Za-z0-9] (goutils.CryptoRandomAlphaNumeric)."""
    return _random(count, _ALNUM)


@go_func(INT)
def randAlpha(count):
    """``count`` random letters [A-Za-z]."""
    return _random(count, _ALPHA)


@go_func(INT)
def randNumeric(count):
    """``count`` random digits."""
    return _random(count, _DIGITS)


@go_func(INT)
def randAscii(count):
    """``count`` random printable ASCII characters (space to tilde)."""
    return _random(count, _ASCII)


@go_func(STRING)
def shuffle(s):
    """xstrings.Shuffle: the string's characters in random order."""
    chars = list(s)
    for i in range(len(chars) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def hello():
    """Sprig's hello: "Hello!"."""
    return "Hello!"


FUNCS = {
    "hello": hello,
    "abbrev": abbrev, "abbrevboth": abbrevboth, "trunc": trunc, "trim": trim, "upper": upper, "lower": lower,
    "title": title, "untitle": untitle, "substr": substr, "repeat": repeat, "trimall": trimAll,
    "trimAll": trimAll, "trimSuffix": trimSuffix, "trimPrefix": trimPrefix, "nospace": nospace,
    "initials": initials, "randAlphaNum": randAlphaNum, "randAlpha": randAlpha, "randAscii": randAscii,
    "randNumeric": randNumeric, "swapcase": swapcase, "shuffle": shuffle, "wrap": wrap, "wrapWith": wrapWith,
    "contains": contains, "hasPrefix": hasPrefix, "hasSuffix": hasSuffix, "quote": quote, "squote": squote,
    "cat": cat, "indent": indent, "nindent": nindent, "replace": replace, "plural": plural,
    "sha1sum": sha1sum, "sha256sum": sha256sum, "sha512sum": sha512sum, "adler32sum": adler32sum,
    "toString": toString, "split": split, "splitn": splitn, "splitList": splitList, "toStrings": toStrings,
    "join": join, "sortAlpha": sortAlpha,
}
