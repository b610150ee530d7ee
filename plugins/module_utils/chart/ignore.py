""".helmignore rules, as Helm's pkg/ignore (rules.go) applies them when loading a chart directory.

Patterns are Go ``filepath.Match`` globs: ``*`` and ``?`` never match ``/``; ``[...]`` classes with ``^``
negation. A pattern without ``/`` matches the base name; with ``/`` the whole relative path; a leading ``/``
anchors at the chart root; a trailing ``/`` matches directories only; ``!`` negates; ``**`` is refused.
"""
from __future__ import annotations

import re

from ..errors import ChartError

DEFAULT_RULES = ("templates/.?*",)  # rules.AddDefaults


def glob_to_regex(pattern: str):
    """Compile a Go filepath.Match pattern (with '/' separators) into a regex; ChartError on a bad pattern."""
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
            j = i + 1
            negate = j < n and pattern[j] == "^"
            if negate:
                j += 1
            body = []
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\" and j + 1 < n:
                    j += 1
                body.append(re.escape(pattern[j]) if pattern[j] != "-" else "-")
                j += 1
            if j >= n or not body:
                raise ChartError("invalid .helmignore pattern %s: unterminated character class" % _shown(pattern))
            out.append("[" + ("^/" if negate else "") + "".join(body) + "]")
            i = j
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("^" + "".join(out) + "$")


def _shown(line: str) -> str:
    """A pattern as an error quotes it: repr, cut at 80 characters (a .helmignore is the chart's own file, but an
    error should not be a way to print a long line of anything)."""
    return repr(line[:80] + ("..." if len(line) > 80 else ""))


class _Rule:
    __slots__ = ("negate", "must_dir", "regex", "basename_only")

    def __init__(self, text: str):
        self.negate = text.startswith("!")
        if self.negate:
            text = text[1:]
        self.must_dir = text.endswith("/")
        if self.must_dir:
            text = text[:-1]
        self.basename_only = "/" not in text
        if text.startswith("/"):
            text = text[1:]
        self.regex = glob_to_regex(text)

    def matches(self, path: str) -> bool:
        target = path.rsplit("/", 1)[-1] if self.basename_only else path
        return bool(self.regex.match(target))


class IgnoreRules:
    """A parsed .helmignore. ``ignore(path, is_dir)`` tells whether a chart-relative path is skipped."""

    def __init__(self, text: str = "", defaults: bool = True):
        self.rules = []
        lines = list(DEFAULT_RULES) if defaults else []
        lines.extend(text.splitlines())
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "**" in line:
                raise ChartError(".helmignore line %d (%s): double-star (**) syntax is not supported; list the "
                                 "directories explicitly" % (number - len(DEFAULT_RULES if defaults else ()),
                                                             _shown(line)))
            self.rules.append(_Rule(line))

    def ignore(self, path: str, is_dir: bool) -> bool:
        """True when ``path`` (relative, '/'-separated) is excluded (rules.go ``Ignore``)."""
        if not path or path in (".", "./"):
            return False
        for rule in self.rules:
            if rule.negate:
                if rule.must_dir and not is_dir:
                    return True
                if not rule.matches(path):
                    return True
                continue
            if rule.must_dir and not is_dir:
                continue
            if rule.matches(path):
                return True
        return False
