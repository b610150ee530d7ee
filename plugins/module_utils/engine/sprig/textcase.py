"""Sprig's case conversions: snakecase, kebabcase and camelcase (huandu/xstrings v1.5 convert.go), where words
are split into runs of upper-case, lower-case, digit, punctuation and connector (``-``, ``_``, white space)
characters.
"""
from __future__ import annotations

import unicodedata

from ._base import STRING, go_func, go_lower, go_upper
from .strings import go_isspace

_INVALID, _NUMBER, _UPPER, _ALPHA, _CONNECTOR, _PUNCT, _OTHER = range(7)


def _is_connector(ch: str) -> bool:
    return ch == "-" or ch == "_" or go_isspace(ch)


def _is_upper(ch: str) -> bool:
    return unicodedata.category(ch) == "Lu"


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def _is_alphabet(ch: str) -> bool:
    """xstrings isAlphabet: a letter that is not a CJK ideograph."""
    if not _is_letter(ch):
        return False
    code = ord(ch)
    if code < 0x3400:
        return True
    return not (0x4E00 <= code <= 0x9FCC or 0x3400 <= code <= 0x4D85 or 0x20000 <= code <= 0x2B81D)


def _is_number(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "N"


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "P"


def _run(s: str, i: int, keep) -> int:
    while i < len(s) and keep(s[i]):
        i += 1
    return i


def _next_word(s: str):
    """xstrings nextWord: (word type, word, remaining)."""
    if not s:
        return _INVALID, "", ""
    r = s[0]
    if _is_connector(r):
        end, kind = _run(s, 1, _is_connector), _CONNECTOR
    elif _is_punct(r):
        end, kind = _run(s, 1, _is_punct), _PUNCT
    elif _is_upper(r):
        kind, end = _UPPER, 1
        if len(s) > 1:
            if _is_upper(s[1]):
                end = _run(s, 1, _is_upper)
                # "HTTPStatus": the last capital starts the next word
                if end < len(s) and _is_alphabet(s[end]):
                    end -= 1
            elif _is_alphabet(s[1]):
                end = _run(s, 1, lambda c: _is_alphabet(c) and not _is_upper(c))
    elif _is_alphabet(r):
        end, kind = _run(s, 1, lambda c: _is_alphabet(c) and not _is_upper(c)), _ALPHA
    elif _is_number(r):
        end, kind = _run(s, 1, _is_number), _NUMBER
    else:
        end = _run(s, 1, lambda c: not (_is_connector(c) or _is_alphabet(c) or _is_number(c) or _is_punct(c)))
        kind = _OTHER
    return kind, s[:end], s[end:]


def _lowered(kind: int, word: str, connector: str) -> str:
    if kind not in (_UPPER, _CONNECTOR):
        return word
    out = []
    for ch in word:
        if _is_connector(ch):
            out.append(connector)
        elif _is_upper(ch):
            out.append(go_lower(ch))
        else:
            out.append(ch)
    return "".join(out)


def _to_lower_case(s: str, connector: str) -> str:
    """xstrings camelCaseToLowerCase: words joined by ``connector`` in lower case."""
    if not s:
        return ""
    out = []
    kind, word, rest = _next_word(s)
    while rest:
        if kind != _CONNECTOR:
            out.append(_lowered(kind, word, connector))
        prev, last = kind, word
        kind, word, rest = _next_word(rest)
        if prev == _NUMBER:
            while kind in (_ALPHA, _NUMBER):
                out.append(_lowered(kind, word, connector))
                kind, word, rest = _next_word(rest)
            if kind not in (_INVALID, _PUNCT, _CONNECTOR):
                out.append(connector)
        elif prev == _CONNECTOR:
            out.append(_lowered(prev, last, connector))
        elif prev == _PUNCT:
            pass
        else:
            if kind != _NUMBER:
                if kind not in (_CONNECTOR, _PUNCT):
                    out.append(connector)
                continue
            if not rest:
                continue
            last = word
            kind, word, rest = _next_word(rest)
            if kind != _ALPHA:
                out.append(_lowered(_NUMBER, last, connector))
                if kind not in (_CONNECTOR, _PUNCT):
                    out.append(connector)
                continue
            out.append(connector)
            out.append(_lowered(_NUMBER, last, connector))
            while kind in (_ALPHA, _NUMBER):
                out.append(_lowered(kind, word, connector))
                kind, word, rest = _next_word(rest)
            if kind not in (_INVALID, _CONNECTOR, _PUNCT):
                out.append(connector)
    out.append(_lowered(kind, word, connector))
    return "".join(out)


_upper, _lower = go_upper, go_lower


def _to_camel(s: str) -> str:
    """xstrings ToCamelCase as Helm's Sprig links it (first letter upper-cased)."""
    if not s:
        return ""
    out = []
    i, r0, first_upper = 0, "", False
    while i < len(s):
        r0 = s[i]
        i += 1
        if not _is_connector(r0):
            first_upper = _is_upper(r0)
            r0 = _upper(r0)
            break
        out.append(r0)
    if i >= len(s):
        out.append(r0)
        return "".join(out)
    while i < len(s):
        r1, r0 = r0, s[i]
        i += 1
        if _is_connector(r0) and _is_connector(r1):
            out.append(r1)
            continue
        if _is_connector(r1):
            first_upper = _is_upper(r0)
            r0 = _upper(r0)
        else:
            if first_upper:
                if _is_upper(r0):
                    r0 = _lower(r0)
                else:
                    first_upper = False
            out.append(r1)
    out.append(r0)
    return "".join(out)


@go_func(STRING)
def snakecase(s):
    """xstrings.ToSnakeCase: "HTTPServer" -> "http_server", "Bld4Floor3rd" -> "bld4_floor_3rd"."""
    return _to_lower_case(s, "_")


@go_func(STRING)
def kebabcase(s):
    """xstrings.ToKebabCase: "HTTPServer" -> "http-server"."""
    return _to_lower_case(s, "-")


@go_func(STRING)
def camelcase(s):
    """xstrings.ToCamelCase as linked by Helm: "http_server" -> "HttpServer"."""
    return _to_camel(s)


FUNCS = {"snakecase": snakecase, "kebabcase": kebabcase, "camelcase": camelcase}
