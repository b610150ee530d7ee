"""Sprig's regex functions (Masterminds/sprig/v3 regex.go) over Go's regexp semantics (gocompat/regexp.py): plain
variants panic through regexp.MustCompile on a bad pattern ("regexp: Compile(`x`): ..."), ``must*`` variants
return regexp.Compile's error; regexMatch swallows it and gives false.
"""
from __future__ import annotations

from ..errors import FuncError
from ._base import INT, STRING, NilStringSlice, StringSlice, go_func
from ...gocompat.regexp import compile_go as _compile_go, expand, find_all, text, utf8


def compile_go(regex, must=False):
    """Go's regexp.Compile (``must``: MustCompile's wording) with template function errors (FuncError)."""
    return _compile_go(regex, must, FuncError)


def _replace(rx, s: str, repl) -> str:
    data = utf8(s)
    out, last = [], 0
    for m in find_all(rx, data):
        out.append(data[last:m.start()])
        out.append(utf8(repl(m)))
        last = m.end()
    if not out:
        return s
    out.append(data[last:])
    return text(b"".join(out))


@go_func(STRING, STRING)
def regexMatch(regex, s):
    """Sprig regexMatch: whether s contains a match; a bad pattern gives false."""
    try:
        return compile_go(regex).search(s) is not None
    except FuncError:
        return False


@go_func(STRING, STRING)
def mustRegexMatch(regex, s):
    """Like regexMatch but a bad pattern fails the template."""
    return compile_go(regex, True).search(s) is not None


def _find_all(regex, s, n, must=False):
    rx = compile_go(regex, must)
    found = [m.group(0) for m in find_all(rx, utf8(s), n)] if n != 0 else []
    return StringSlice(found) if found else NilStringSlice()


def _find(regex, s, must=False):
    m = compile_go(regex, must).search(s)
    return m.group(0) if m else ""


def _split(regex, s, n, must=False):
    rx = compile_go(regex, must)
    if n == 0:
        return NilStringSlice()
    if regex and s == "":
        return StringSlice([""])
    data = utf8(s)
    parts, beg, end = [], 0, 0
    for m in find_all(rx, data, n):
        if n > 0 and len(parts) == n - 1:
            break
        end = m.start()
        if m.end() != 0:
            parts.append(text(data[beg:end]))
        beg = m.end()
    if end != len(data):
        parts.append(text(data[beg:]))
    return StringSlice(parts)


@go_func(STRING, STRING, INT)
def regexFindAll(regex, s, n):
    """Sprig regexFindAll: up to n matches (all when n < 0) as a []string."""
    return _find_all(regex, s, n)


@go_func(STRING, STRING, INT)
def mustRegexFindAll(regex, s, n):
    """Like regexFindAll; a bad pattern gives regexp.Compile's error."""
    return _find_all(regex, s, n, True)


@go_func(STRING, STRING)
def regexFind(regex, s):
    """Sprig regexFind: the first match, or ""."""
    return _find(regex, s)


@go_func(STRING, STRING)
def mustRegexFind(regex, s):
    """Like regexFind; a bad pattern gives regexp.Compile's error."""
    return _find(regex, s, True)


@go_func(STRING, STRING, STRING)
def regexReplaceAll(regex, s, repl):
    """Sprig regexReplaceAll: replace every match, expanding $1, ${name}, ... in ``repl`` like Go."""
    return _replace(compile_go(regex), s, lambda m: expand(repl, m))


@go_func(STRING, STRING, STRING)
def mustRegexReplaceAll(regex, s, repl):
    """Like regexReplaceAll; a bad pattern gives regexp.Compile's error."""
    return _replace(compile_go(regex, True), s, lambda m: expand(repl, m))


@go_func(STRING, STRING, STRING)
def regexReplaceAllLiteral(regex, s, repl):
    """Sprig regexReplaceAllLiteral: replace every match with ``repl`` as it is."""
    return _replace(compile_go(regex), s, lambda m: repl)


@go_func(STRING, STRING, STRING)
def mustRegexReplaceAllLiteral(regex, s, repl):
    """Like regexReplaceAllLiteral; a bad pattern gives regexp.Compile's error."""
    return _replace(compile_go(regex, True), s, lambda m: repl)


@go_func(STRING, STRING, INT)
def regexSplit(regex, s, n):
    """Sprig regexSplit: regexp.Split(s, n): at most n parts (all when n < 0); n == 0 gives an empty list."""
    return _split(regex, s, n)


@go_func(STRING, STRING, INT)
def mustRegexSplit(regex, s, n):
    """Like regexSplit; a bad pattern gives regexp.Compile's error."""
    return _split(regex, s, n, True)


_META = frozenset("\\.+*?()|[]{}^$")


@go_func(STRING)
def regexQuoteMeta(s):
    """regexp.QuoteMeta: backslash-escape every regexp metacharacter."""
    return "".join("\\" + c if c in _META else c for c in s)


FUNCS = {
    "regexMatch": regexMatch, "mustRegexMatch": mustRegexMatch,
    "regexFindAll": regexFindAll, "mustRegexFindAll": mustRegexFindAll,
    "regexFind": regexFind, "mustRegexFind": mustRegexFind,
    "regexReplaceAll": regexReplaceAll, "mustRegexReplaceAll": mustRegexReplaceAll,
    "regexReplaceAllLiteral": regexReplaceAllLiteral, "mustRegexReplaceAllLiteral": mustRegexReplaceAllLiteral,
    "regexSplit": regexSplit, "mustRegexSplit": mustRegexSplit,
    "regexQuoteMeta": regexQuoteMeta,
}
