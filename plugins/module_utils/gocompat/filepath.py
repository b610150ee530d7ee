"""Go's ``path/filepath.Match`` with '/' separators (path/filepath/match.go), compiled to a regex.

Pattern grammar: ``*`` any run of non-'/' characters, ``?`` one non-'/' character, ``[`` ``[^]`` ranges ``]`` a
character class (which, as in Go, CAN match '/'), ``\\c`` the character c. A class must be non-empty; ``-`` and
``]`` must be escaped inside it (``a[-]b`` is a bad pattern); a range whose high end is below its low end is valid
and matches nothing. Go reports ``ErrBadPattern`` for a malformed pattern whatever the name; so does
:func:`compile_pattern`.
"""
from __future__ import annotations

import re


class BadPattern(ValueError):
    """Go's ``filepath.ErrBadPattern``; str() is Go's text."""

    def __init__(self) -> None:
        super().__init__("syntax error in pattern")


def _class_char(pattern: str, i: int):
    """Go's getEsc: one class character at ``i`` -> (char, next index); BadPattern on '-', ']', end, or a
    trailing backslash."""
    if i >= len(pattern) or pattern[i] in "-]":
        raise BadPattern()
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise BadPattern()
    return pattern[i], i + 1


def _class(pattern: str, i: int):
    """A class starting after '[' -> (regex, index after ']')."""
    negate = i < len(pattern) and pattern[i] == "^"
    if negate:
        i += 1
    ranges = []
    count = 0
    while True:
        if i < len(pattern) and pattern[i] == "]" and count:
            i += 1
            break
        lo, i = _class_char(pattern, i)
        hi = lo
        if i < len(pattern) and pattern[i] == "-":
            hi, i = _class_char(pattern, i + 1)
        if lo <= hi:
            ranges.append("%s-%s" % (re.escape(lo), re.escape(hi)))
        count += 1
    if not ranges:
        return ("[\\s\\S]" if negate else "(?!)"), i
    return ("[^%s]" if negate else "[%s]") % "".join(ranges), i


def compile_pattern(pattern: str):
    """Compile a filepath.Match pattern; returns a compiled regex for ``fullmatch``. Raises :class:`BadPattern`."""
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            cls, i = _class(pattern, i + 1)
            out.append(cls)
            continue
        elif ch == "\\":
            i += 1
            if i >= n:
                raise BadPattern()
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S)


def match(pattern: str, name: str) -> bool:
    """Go's ``filepath.Match(pattern, name)``: True when all of ``name`` matches. Raises :class:`BadPattern`."""
    return compile_pattern(pattern).fullmatch(name) is not None
