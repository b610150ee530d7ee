"""Go's regexp package on Python ``re``: RE2 patterns translated to Python's dialect with Go's meaning
(``translate``), compiled with Go's error texts (``compile_go``), matched with Go's iteration rules
(``find_all``: an empty match right after a match is skipped) and replacement templates expanded with Go's
``$1`` / ``${1}`` / ``$name`` rules (``expand``, regexp.Regexp.Expand).

Differences from Python that the translation handles: ``$``/``^`` mean text ends unless (?m); ``\\d \\w \\s \\b``
are ASCII while (?i) folds Unicode; (?flags) may appear anywhere and (?U) swaps greediness; ``\\pL``/``\\p{Greek}``
classes, POSIX ``[[:alpha:]]`` and ``[[:^alpha:]]``, octal and ``\\x{...}`` escapes; ``-`` after a class escape is
literal; ``{`` that does not start a repeat is literal. Syntax Go refuses (backreferences, look-around, possessive
or nested repeats, repeat counts over 1000, unknown escapes) fails with Go's message.

Matching runs on RE2 (PyPI ``google-re2``), the engine Go's regexp is modelled on: linear in the text whatever the
pattern, so ``(a+)+$`` against a long string cannot hang a render as Python's backtracking ``re`` would. The
translation to Python's dialect is kept only to validate a pattern and word its error as Go does (Python's ``re``
compiles it, never matches with it); RE2 compiles the original Go pattern. RE2 and Go share the syntax and the
leftmost-first semantics; text is matched as UTF-8 bytes (invalid bytes as they are, like a Go string), so offsets
are byte offsets (:class:`GoMatch`). One known difference: Go's ``.`` and classes match an invalid UTF-8 byte as
U+FFFD, RE2 does not match it at all.
"""
from __future__ import annotations

import re
import sys
import unicodedata

from ..caches import CACHES
from ..errors import HelmkitError
from ..libraries import missing_library
from .strconv import go_quote

try:
    import re2  # google-re2: linear-time matching (see the module docstring)
    HAS_RE2 = True
except ImportError:  # pragma: no cover - depends on the host
    re2 = missing_library("google-re2")
    HAS_RE2 = False

_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_PERL = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_WORD = "[0-9A-Za-z_]"
_BOUNDARY = "(?:(?<=%s)(?!%s)|(?<!%s)(?=%s))" % (_WORD, _WORD, _WORD, _WORD)
_NON_BOUNDARY = "(?:(?<=%s)(?=%s)|(?<!%s)(?!%s))" % (_WORD, _WORD, _WORD, _WORD)
_REPEAT = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")
_FLAGS = re.compile(r"\(\?([imsU]*)(?:-([imsU]*))?([:)])")
_QUANT = "*+?"


class GoRegexpError(Exception):
    """A pattern Go's regexp/syntax refuses; the message is Go's text after "error parsing regexp: "."""


_SCRIPTS = {
    "Latin": ("LATIN",), "Greek": ("GREEK",), "Cyrillic": ("CYRILLIC",), "Armenian": ("ARMENIAN",),
    "Hebrew": ("HEBREW",), "Arabic": ("ARABIC",), "Devanagari": ("DEVANAGARI",), "Thai": ("THAI",),
    "Georgian": ("GEORGIAN",), "Hangul": ("HANGUL",), "Hiragana": ("HIRAGANA",), "Katakana": ("KATAKANA",),
    "Han": ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"),
}


def _in_class(name: str):
    if name in _SCRIPTS:
        prefixes = _SCRIPTS[name]
        return lambda ch: unicodedata.name(ch, "").startswith(prefixes)
    if name in ("Any",):
        return lambda ch: True
    if 1 <= len(name) <= 2 and name[0].isupper():
        return lambda ch: unicodedata.category(ch).startswith(name)
    return None


def _category_ranges(name: str, negate: bool) -> str:
    """Character-class ranges for a Unicode general category or script (\\pL, \\p{Lu}, \\p{Greek}, \\PN), computed
    once (``caches.CACHES.categories``, LRU-bounded)."""
    ranges = CACHES.categories.get((name, negate))
    if ranges is None:
        ranges = CACHES.categories[(name, negate)] = _compute_category_ranges(name, negate)
    return ranges


def _compute_category_ranges(name: str, negate: bool) -> str:
    test = _in_class(name)
    if test is None:
        raise GoRegexpError("invalid character class range: `\\p{%s}`" % name)
    parts, start, prev = [], None, None
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            hit = False
        else:
            hit = test(chr(code)) != negate
        if hit and start is None:
            start = code
        elif not hit and start is not None:
            parts.append((start, prev))
            start = None
        prev = code
    if start is not None:
        parts.append((start, prev))
    if not parts:
        raise GoRegexpError("invalid character class range: `\\p{%s}`" % name)
    return "".join("\\U%08x" % a if a == b else "\\U%08x-\\U%08x" % (a, b) for a, b in parts)


class _Translator(object):
    """One pass over a Go pattern producing Python ``re`` syntax with Go's meaning."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out = []
        self.multiline = False
        self.ungreedy = False
        self.groups = []        # per open group: (extra closers to emit, saved ungreedy flag)
        self.can_repeat = False  # an atom precedes: a quantifier may follow
        self.last_quant = None   # start index of the previous quantifier, while it is the last thing

    def run(self) -> str:
        p = self.p
        while self.i < len(p):
            ch = p[self.i]
            if ch == "\\":
                self._escape(in_class=False)
            elif ch == "[":
                self._class()
            elif ch in _QUANT or (ch == "{" and _REPEAT.match(p, self.i)):
                self._quantifier()
            elif ch == "(":
                self._open()
            elif ch == ")":
                self._close()
            elif ch == "|":
                self.out.append("|")
                self.i += 1
                self._reset_atom(False)
            elif ch == "$":
                self.out.append("$" if self.multiline else "\\Z")
                self.i += 1
                self._reset_atom(False)
            elif ch == "^":
                self.out.append("^" if self.multiline else "\\A")
                self.i += 1
                self._reset_atom(False)
            elif ch == "{":
                self.out.append("\\{")
                self.i += 1
                self._reset_atom(True)
            else:
                self.out.append(re.escape(ch) if ch in "}#&~ \t\n\v\f\r" else ch)
                self.i += 1
                self._reset_atom(True)
        if self.groups:
            raise GoRegexpError("missing closing ): `%s`" % p)
        return "".join(self.out)

    def _reset_atom(self, atom: bool) -> None:
        self.can_repeat = atom
        self.last_quant = None

    def _quantifier(self) -> None:
        p, start = self.p, self.i
        if p[start] == "{":
            m = _REPEAT.match(p, start)
            low = int(m.group(1))
            high = low if not m.group(2) else (int(m.group(3)) if m.group(3) else -1)
            if low > 1000 or high > 1000 or (high >= 0 and high < low):
                raise GoRegexpError("invalid repeat count: `%s`" % m.group(0))
            text, end = m.group(0), m.end()
        else:
            text, end = p[start], start + 1
        if self.last_quant is not None:
            raise GoRegexpError("invalid nested repetition operator: `%s`" % p[self.last_quant:end])
        if not self.can_repeat:
            raise GoRegexpError("missing argument to repetition operator: `%s`" % text)
        lazy = end < len(p) and p[end] == "?"
        if lazy:
            end += 1
        self.out.append(text + ("?" if lazy != self.ungreedy else ""))
        self.i = end
        self.last_quant = start
        self.can_repeat = False

    def _open(self) -> None:
        p, i = self.p, self.i
        if not p.startswith("(?", i):
            self.out.append("(")
            self.groups.append((0, self.ungreedy))
            self.i += 1
            self._reset_atom(False)
            return
        if p.startswith(("(?P<", "(?<"), i) and len(p) - i > 4:
            name_start = i + (4 if p[i + 2] == "P" else 3)
            end = p.find(">", name_start)
            if end < 0:
                raise GoRegexpError("invalid named capture: `%s`" % p[i:])
            name = p[name_start:end]
            if not name or not all(c.isalnum() or c == "_" for c in name):
                raise GoRegexpError("invalid named capture: `%s`" % p[i:end + 1])
            self.out.append("(?P<%s>" % name)
            self.groups.append((0, self.ungreedy))
            self.i = end + 1
            self._reset_atom(False)
            return
        m = _FLAGS.match(p, i)
        if not m or (m.group(1) == "" and m.group(2) is None and m.group(3) == ")") \
                or m.group(2) == "":
            raise GoRegexpError("invalid or unsupported Perl syntax: `%s`" % p[i:i + 3])
        on, off, kind = m.group(1), m.group(2) or "", m.group(3)
        if "m" in on:
            self.multiline = True
        ungreedy = self.ungreedy
        if "U" in on:
            ungreedy = True
        if "U" in off:
            ungreedy = False
        py_on, py_off = on.replace("U", ""), off.replace("U", "")
        if kind == ":":
            self.groups.append((0, self.ungreedy))
            self.ungreedy = ungreedy
            flags = py_on + ("-" + py_off if py_off else "")
            self.out.append("(?%s:" % flags if flags else "(?:")
        else:
            # Go applies (?flags) to the rest of the enclosing group: open a scoped group closed with it.
            self.ungreedy = ungreedy
            flags = py_on + ("-" + py_off if py_off else "")
            if flags:
                self.out.append("(?%s:" % flags)
                if self.groups:
                    closers, saved = self.groups[-1]
                    self.groups[-1] = (closers + 1, saved)
                else:
                    self._top_closers = getattr(self, "_top_closers", 0) + 1
        self.i = m.end()
        self._reset_atom(False)

    def _close(self) -> None:
        if not self.groups:
            raise GoRegexpError("unexpected ): `%s`" % self.p)
        closers, saved = self.groups.pop()
        self.out.append(")" * (closers + 1))
        self.ungreedy = saved
        self.i += 1
        self._reset_atom(True)

    def _escape(self, in_class: bool) -> None:
        p, i = self.p, self.i
        if i + 1 >= len(p):
            raise GoRegexpError("trailing backslash at end of expression: ``")
        c = p[i + 1]
        self.i = i + 2
        text = None
        if c == "Q" and not in_class:
            end = p.find("\\E", i + 2)
            lit = p[i + 2:] if end < 0 else p[i + 2:end]
            self.i = len(p) if end < 0 else end + 2
            if lit:
                self.out.append("".join(re.escape(ch) for ch in lit))
                self._reset_atom(True)
            return
        if c in "dws":
            text = _PERL[c] if in_class else "[%s]" % _PERL[c]
        elif c in "DWS":
            text = "\\" + c if in_class else "[^%s]" % _PERL[c.lower()]
        elif c in "pP":
            if i + 2 < len(p) and p[i + 2] == "{":
                end = p.find("}", i + 3)
                if end < 0:
                    raise GoRegexpError("invalid character class range: `%s`" % p[i:])
                name = p[i + 3:end]
                self.i = end + 1
            elif i + 2 < len(p):
                name = p[i + 2]
                self.i = i + 3
            else:
                raise GoRegexpError("invalid character class range: `%s`" % p[i:])
            negate = (c == "P") != name.startswith("^")
            ranges = _category_ranges(name.lstrip("^"), negate)
            text = ranges if in_class else "[%s]" % ranges
        elif c == "b" and not in_class:
            self.out.append(_BOUNDARY)
            self._reset_atom(False)
            return
        elif c == "B" and not in_class:
            self.out.append(_NON_BOUNDARY)
            self._reset_atom(False)
            return
        elif c == "A" and not in_class:
            self.out.append("\\A")
            self._reset_atom(False)
            return
        elif c == "z" and not in_class:
            self.out.append("\\Z")
            self._reset_atom(False)
            return
        elif c == "x":
            if i + 2 < len(p) and p[i + 2] == "{":
                end = p.find("}", i + 3)
                digits = p[i + 3:end] if end > 0 else ""
                if not digits or any(d not in "0123456789abcdefABCDEF" for d in digits) or int(digits, 16) > 0x10FFFF:
                    raise GoRegexpError("invalid escape sequence: `%s`" % p[i:end + 1 if end > 0 else len(p)])
                self.i = end + 1
                text = "\\U%08x" % int(digits, 16)
            else:
                digits = p[i + 2:i + 4]
                if len(digits) < 2 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                    raise GoRegexpError("invalid escape sequence: `%s`" % p[i:i + 4])
                self.i = i + 4
                text = "\\x" + digits
        elif c in "01234567":
            j = i + 2
            if c != "0" and not (j < len(p) and p[j] in "01234567"):
                raise GoRegexpError("invalid escape sequence: `\\%s`" % c)
            digits = c
            while j < len(p) and len(digits) < 3 and p[j] in "01234567":
                digits += p[j]
                j += 1
            self.i = j
            text = "\\U%08x" % int(digits, 8)
        elif c in "afnrtv":
            text = "\\" + c
        elif c.isascii() and not c.isalnum():
            text = "\\" + c
        else:
            raise GoRegexpError("invalid escape sequence: `\\%s`" % c)
        self.out.append(text)
        if not in_class:
            self._reset_atom(True)

    def _class(self) -> None:
        p, start = self.p, self.i
        i = start + 1
        negated = i < len(p) and p[i] == "^"
        if negated:
            i += 1
        items = []
        first = True
        prev_escape_class = False
        while True:
            if i >= len(p):
                raise GoRegexpError("missing closing ]: `%s`" % p[start:])
            ch = p[i]
            if ch == "]" and not first:
                i += 1
                break
            first = False
            if ch == "[" and p.startswith("[:", i):
                end = p.find(":]", i + 2)
                if end > 0:
                    name = p[i + 2:end]
                    neg = name.startswith("^")
                    if name.lstrip("^") not in _POSIX:
                        raise GoRegexpError("invalid character class range: `%s`" % p[i:end + 2])
                    items.append(("neg" if neg else "set", _POSIX[name.lstrip("^")]))
                    i = end + 2
                    prev_escape_class = True
                    continue
            if ch == "\\":
                is_set = i + 1 < len(p) and p[i + 1] in "dwsDWSpP"
                self.i = i
                mark = len(self.out)
                self._escape(in_class=True)
                text = "".join(self.out[mark:])
                del self.out[mark:]
                i = self.i
                items.append(("set" if is_set else "lit", text))
                prev_escape_class = is_set
                continue
            if ch == "-" and prev_escape_class:
                items.append(("lit", "\\-"))
                i += 1
                prev_escape_class = False
                continue
            items.append(("lit", "\\" + ch if ch in "[]\\^" else ch))
            i += 1
            prev_escape_class = False
        self.i = i
        negs = [text for kind, text in items if kind == "neg"]
        body = "".join(text for kind, text in items if kind != "neg")
        if negs:
            if len(items) != 1:
                raise GoRegexpError("unsupported class `%s`" % p[start:i])
            negated = not negated
            body = negs[0]
        if _reversed_range(body):
            raise GoRegexpError("invalid character class range: `%s`" % _reversed_range(body))
        self.out.append("[%s%s]" % ("^" if negated else "", body))
        self._reset_atom(True)


def _reversed_range(body: str) -> str:
    m = re.search(r"(?<!\\)([^\\\-])-([^\\\]])", body)
    while m:
        if ord(m.group(1)) > ord(m.group(2)):
            return "%s-%s" % (m.group(1), m.group(2))
        m = re.search(r"(?<!\\)([^\\\-])-([^\\\]])", body[m.end():]) and None
    return ""


def translate(pattern: str) -> str:
    """Translate a Go RE2 pattern to a Python ``re`` pattern with Go's meaning: ASCII \\d \\w \\s \\b, ``$``
    and ``^`` at text ends unless (?m), (?flags) anywhere, (?U), \\pL categories, POSIX classes, octal and
    \\x{...} escapes. Raises GoRegexpError with Go's message for syntax Go refuses (backreferences,
    look-around, possessive or nested repetition, repeat counts over 1000, unknown escapes)."""
    translator = _Translator(pattern)
    text = translator.run()
    return text + ")" * getattr(translator, "_top_closers", 0)


def _go_quote_expr(expr: str) -> str:
    if "`" not in expr and all(c == "\t" or " " <= c <= "~" or ord(c) > 0x7F for c in expr):
        return "`" + expr + "`"
    return go_quote(expr)


def _utf8(text: str) -> bytes:
    """``text`` as the bytes of a Go string: invalid bytes (held as surrogate escapes) come back as they were."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class GoMatch(object):
    """One match over UTF-8 bytes: ``start()``/``end()`` are byte offsets, ``group(i)`` text (or None when the
    group did not take part); ``re`` is the :class:`GoRegexp`."""

    __slots__ = ("re", "_match")

    def __init__(self, regexp, match) -> None:
        self.re = regexp
        self._match = match

    def start(self) -> int:
        return self._match.start()

    def end(self) -> int:
        return self._match.end()

    def group(self, index=0):
        found = self._match.group(index)
        return None if found is None else _text(found)


class GoRegexp(object):
    """A compiled Go regexp on RE2: ``search(text)`` (str) and ``search_bytes(data, pos)``; ``groups`` and
    ``groupindex`` as in Python's ``re``."""

    def __init__(self, pattern: str) -> None:
        options = re2.Options()
        options.log_errors = False
        self._re = re2.compile(_utf8(pattern), options)
        self.groups = self._re.groups
        self.groupindex = {_text(name) if isinstance(name, bytes) else name: index
                           for name, index in self._re.groupindex.items()}

    def search(self, text: str):
        """The first match in ``text`` (str), or None."""
        return self.search_bytes(_utf8(text), 0)

    def search_bytes(self, data: bytes, pos: int):
        found = self._re.search(data, pos)
        return None if found is None else GoMatch(self, found)


def _compile_cached(pattern: str):
    """The :class:`GoRegexp` of ``pattern``, compiled once (``caches.CACHES.regexps``, LRU-bounded)."""
    compiled = CACHES.regexps.get(pattern)
    if compiled is None:
        compiled = CACHES.regexps[pattern] = _compile(pattern)
    return compiled


def _compile(pattern: str):
    re.compile(translate(pattern))  # validation only: Go's refusals and error texts (see the module docstring)
    try:
        return GoRegexp(pattern)
    except HelmkitError:  # google-re2 is not installed (libraries.MissingLibraryError)
        raise
    except Exception as exc:  # pylint: disable=broad-except
        # re2.error: RE2 refused what Go's syntax accepts (its program-size limit)
        detail = exc.args[0] if exc.args else exc
        detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        raise GoRegexpError("expression too large: %s" % detail) from None


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


class RegexpError(HelmkitError):
    """A pattern Go's regexp refuses; the message is Go's (see :func:`compile_go`)."""


def compile_go(pattern: str, must: bool = False, error=RegexpError):
    """Compile a Go regexp; returns the compiled RE2 pattern (cached).

    A bad pattern raises ``error`` (RegexpError unless the caller names its own class, as the template functions
    do with FuncError): in regexp.MustCompile's words ("regexp: Compile(`x`): error parsing regexp: ...") or, with
    ``must``, regexp.Compile's ("error parsing regexp: ..."). Go: src/regexp/regexp.go, src/regexp/syntax."""
    try:
        return _compile_cached(pattern)
    except (re.error, ValueError, OverflowError, GoRegexpError) as exc:
        if isinstance(exc, GoRegexpError):
            text = "error parsing regexp: " + str(exc)
        else:
            text = "error parsing regexp: " + _go_parse_error(pattern, exc)
        if must:
            raise error(text)
        raise error("regexp: Compile(%s): %s" % (_go_quote_expr(pattern), text))


def _rune_width(data: bytes, pos: int) -> int:
    """Bytes taken by the UTF-8 sequence at ``pos`` (1 for an invalid byte), as Go's utf8.DecodeRune counts."""
    for width in (1, 2, 3, 4):
        try:
            data[pos:pos + width].decode("utf-8")
            return width
        except UnicodeDecodeError:
            continue
    return 1


def utf8(text: str) -> bytes:
    """``text`` as the bytes :func:`find_all` matches."""
    return _utf8(text)


def text(data: bytes) -> str:
    """Bytes cut from matched text, back as engine text (invalid bytes as surrogate escapes)."""
    return _text(data)


def find_all(rx, data: bytes, n: int = -1) -> list:
    """Go's allMatches over ``data`` (UTF-8 bytes, see :func:`utf8`): successive non-overlapping matches (at most n
    when n >= 0); an empty match that abuts the previous match is skipped, and the search moves on by one rune."""
    out = []
    pos, prev_end, end = 0, -1, len(data)
    while (n < 0 or len(out) < n) and pos <= end:
        m = rx.search_bytes(data, pos)
        if m is None:
            break
        accept = True
        if m.end() == m.start():
            if m.start() == prev_end:
                accept = False
            pos = m.end() + (_rune_width(data, m.end()) if m.end() < end else 1)
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
