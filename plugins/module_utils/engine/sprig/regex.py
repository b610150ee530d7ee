"""Sprig's regex functions (Masterminds/sprig/v3 regex.go) over Go's regexp (RE2 syntax), run on Python ``re``.

Go patterns are translated to Python's dialect (``translate``): ``$`` means end of text unless multi-line,
``\\z`` is ``\\Z``, ``(?<name>`` is ``(?P<name>``, ``-`` after a class escape inside ``[...]`` is literal, POSIX
classes ``[[:alpha:]]`` are expanded, ``\\Q...\\E`` quotes, ``\\x{HHHH}`` escapes; ``\\d \\w \\s \\b`` are ASCII.
Matching iterates like Go's regexp (an empty match right after a match is skipped), and replacement templates
are expanded with Go's ``$1`` / ``${1}`` / ``$name`` rules (regexp.Regexp.Expand).
"""
from __future__ import annotations

import functools
import re

from ..errors import FuncError
from ._base import INT, STRING, StringSlice, go_func

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_CLASS_ESCAPES = "dDwWsS"
_REPEAT = re.compile(r"\{\d+(?:,\d*)?\}")


def translate(pattern: str) -> str:
    """Translate a Go RE2 pattern to an equivalent Python ``re`` pattern (compiled with re.ASCII)."""
    multiline = bool(re.match(r"\(\?[a-zA-Z]*m[a-zA-Z]*\)", pattern))
    out = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = False
    prev_was_class_escape = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                lit = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
                out.append(re.escape(lit) if not in_class else "".join("\\" + c if not c.isalnum() else c for c in lit))
                i = n if end < 0 else end + 2
                continue
            if nxt == "z" and not in_class:
                out.append("\\Z")
            elif nxt == "x" and i + 2 < n and pattern[i + 2] == "{":
                end = pattern.find("}", i + 3)
                if end < 0:
                    raise re.error("invalid escape sequence: `\\x{`")
                code = int(pattern[i + 3:end], 16)
                out.append("\\U%08x" % code)
                i = end + 1
                class_start = False
                continue
            else:
                out.append(ch + nxt)
            prev_was_class_escape = in_class and nxt in _CLASS_ESCAPES
            class_start = False
            i += 2
            continue
        if in_class:
            if ch == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i + 2)
                name = pattern[i + 2:end] if end > 0 else ""
                if name in _POSIX:
                    out.append(_POSIX[name])
                    i = end + 2
                    prev_was_class_escape = True
                    class_start = False
                    continue
                out.append("\\[")
            elif ch == "]" and not class_start:
                in_class = False
                out.append("]")
            elif ch == "-" and prev_was_class_escape:
                out.append("\\-")
            elif ch == "[":
                out.append("\\[")
            else:
                out.append(ch)
            if class_start and ch == "^":
                i += 1
                continue
            prev_was_class_escape = False
            class_start = False
            i += 1
            continue
        if ch == "[":
            in_class = True
            class_start = True
            prev_was_class_escape = False
            out.append("[")
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("^")
                i += 1
            i += 1
            continue
        if ch == "$" and not multiline:
            out.append("\\Z")
        elif ch == "{" and not _REPEAT.match(pattern, i):
            out.append("\\{")
        elif ch == "(" and pattern.startswith("(?<", i) and not pattern.startswith("(?<=", i) \
                and not pattern.startswith("(?<!", i):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _go_quote_expr(expr: str) -> str:
    if "`" not in expr and all(c == "\t" or " " <= c <= "~" or ord(c) > 0x7F for c in expr):
        return "`" + expr + "`"
    from ._base import go_quote
    return go_quote(expr)


@functools.lru_cache(maxsize=512)
def _compile_cached(pattern: str):
    return re.compile(translate(pattern), re.ASCII)


def _go_parse_error(pattern: str, exc: Exception) -> str:
    """Go's regexp/syntax error text for a pattern Python refused (best effort by error kind)."""
    msg = str(getattr(exc, "msg", exc))
    pos = getattr(exc, "pos", None) or 0
    if "unterminated subpattern" in msg or "missing )" in msg:
        return "missing closing ): `%s`" % pattern
    if "unterminated character set" in msg:
        return "missing closing ]: `%s`" % pattern[pos:]
    if "unbalanced parenthesis" in msg:
        return "unexpected ): `%s`" % pattern
    if "multiple repeat" in msg:
        return "invalid nested repetition operator: `%s`" % pattern[pos - 1:pos + 1]
    if "nothing to repeat" in msg:
        return "missing argument to repetition operator: `%s`" % pattern[pos:pos + 1]
    if "bad escape" in msg:
        return "invalid escape sequence: `%s`" % pattern[pos:pos + 2]
    if "bad character range" in msg:
        return "invalid character class range: `%s`" % msg.rsplit(" ", 3)[-3]
    if "unknown extension" in msg or "look-behind" in msg:
        return "invalid or unsupported Perl syntax: `%s`" % pattern[pos:pos + 3]
    if "min repeat greater than max repeat" in msg:
        end = pattern.find("}", pos)
        return "invalid repeat count: `%s`" % pattern[pattern.rfind("{", 0, pos + 1):end + 1]
    return msg


def compile_go(pattern: str, must: bool = False):
    """Compile a Go regexp. A bad pattern raises FuncError: in regexp.MustCompile's words ("regexp:
    Compile(`x`): error parsing regexp: ...") or, with ``must``, regexp.Compile's ("error parsing regexp: ...")."""
    try:
        return _compile_cached(pattern)
    except (re.error, ValueError, OverflowError) as exc:
        text = "error parsing regexp: " + _go_parse_error(pattern, exc)
        if must:
            raise FuncError(text)
        raise FuncError("regexp: Compile(%s): %s" % (_go_quote_expr(pattern), text))


def find_all(rx, s: str, n: int = -1) -> list:
    """Go's allMatches: successive non-overlapping matches (at most n when n >= 0); an empty match that abuts
    the previous match is skipped."""
    out = []
    pos, prev_end, end = 0, -1, len(s)
    while (n < 0 or len(out) < n) and pos <= end:
        m = rx.search(s, pos)
        if m is None:
            break
        accept = True
        if m.end() == m.start():
            if m.start() == prev_end:
                accept = False
            pos = m.end() + 1
        else:
            pos = m.end()
        prev_end = m.end()
        if accept:
            out.append(m)
    return out


_NAME_CHARS = re.compile(r"[^\W]+", re.UNICODE)


def _extract(template: str):
    """Go regexp extract(): (name, num, rest) of a $-reference, or None when malformed."""
    if not template:
        return None
    brace = template[0] == "{"
    body = template[1:] if brace else template
    m = _NAME_CHARS.match(body)
    if not m:
        return None
    name = m.group(0)
    i = len(name)
    if brace:
        if i >= len(body) or body[i] != "}":
            return None
        i += 1
    num = int(name) if name.isdigit() and name.isascii() and len(name) <= 8 else -1
    if name[0] == "0" and len(name) > 1:
        num = -1
    return name, num, body[i:]


def expand(template: str, m) -> str:
    """regexp.Regexp.Expand of ``template`` for match ``m``."""
    out = []
    while template:
        idx = template.find("$")
        if idx < 0:
            break
        out.append(template[:idx])
        template = template[idx + 1:]
        if template.startswith("$"):
            out.append("$")
            template = template[1:]
            continue
        ref = _extract(template)
        if ref is None:
            out.append("$")
            continue
        name, num, template = ref
        if num >= 0:
            if num <= m.re.groups and m.group(num) is not None:
                out.append(m.group(num))
        else:
            index = m.re.groupindex.get(name)
            if index is not None and m.group(index) is not None:
                out.append(m.group(index))
    out.append(template)
    return "".join(out)


def _replace(rx, s: str, repl) -> str:
    out, last = [], 0
    for m in find_all(rx, s):
        out.append(s[last:m.start()])
        out.append(repl(m))
        last = m.end()
    out.append(s[last:])
    return "".join(out)


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
    if n == 0:
        return StringSlice()
    return StringSlice(m.group(0) for m in find_all(compile_go(regex, must), s, n))


def _find(regex, s, must=False):
    m = compile_go(regex, must).search(s)
    return m.group(0) if m else ""


def _split(regex, s, n, must=False):
    if n == 0:
        return StringSlice()
    rx = compile_go(regex, must)
    if regex and s == "":
        return StringSlice([""])
    parts, beg, end = [], 0, 0
    for m in find_all(rx, s, n):
        if n > 0 and len(parts) == n - 1:
            break
        end = m.start()
        if m.end() != 0:
            parts.append(s[beg:end])
        beg = m.end()
    if end != len(s):
        parts.append(s[beg:])
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
