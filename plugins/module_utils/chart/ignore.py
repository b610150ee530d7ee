""".helmignore rules, as Helm's pkg/ignore (rules.go) applies them when loading a chart directory.

Patterns are Go ``filepath.Match`` globs (gocompat/filepath.py): ``*`` and ``?`` never match ``/``; ``[...]``
classes with ``^`` negation (a class can match ``/``, as in Go). A pattern without ``/`` matches the base name;
with ``/`` the whole relative path; a leading ``/`` anchors at the chart root; a trailing ``/`` matches directories
only; ``!`` negates; ``**`` is refused.
"""
from __future__ import annotations

from ..errors import ChartError
from ..gocompat.filepath import BadPattern, compile_pattern

DEFAULT_RULES = ("templates/.?*",)  # rules.AddDefaults


def glob_to_regex(pattern: str):
    """Compile a Go filepath.Match pattern (gocompat/filepath.py) for ``fullmatch``; ChartError on a bad pattern,
    as Helm's rules.go rejects a rule that filepath.Match cannot compile."""
    try:
        return compile_pattern(pattern)
    except BadPattern:
        raise ChartError("invalid .helmignore pattern %s: syntax error in pattern (a character class must be "
                         "non-empty and escape '-' and ']')" % _shown(pattern)) from None


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
        return self.regex.fullmatch(target) is not None


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
