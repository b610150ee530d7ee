"""``.Files`` for templates: Helm's ``engine.files`` (pkg/engine/files.go), a map of file name to bytes with methods.

Methods (called by the template executor through attribute lookup): Get, GetBytes, Glob, Lines, AsConfig,
AsSecrets. Glob patterns follow github.com/gobwas/glob with '/' as separator: ``*`` and ``?`` stay within one path
segment, ``**`` crosses segments, ``{a,b}`` alternatives, ``[abc]``/``[!abc]``/``[a-z]`` classes, ``\\`` escapes.
"""
from __future__ import annotations

import base64
import posixpath
import re
from ..yaml.emit_v2 import dump


class Files(dict):
    """``engine.files``: ``{name: bytes}`` plus Helm's methods. Built from a chart's non-template files."""

    go_type = "engine.files"

    def Get(self, name):  # noqa: N802 - Go method name
        """File contents as a string; "" when absent."""
        data = self.get(name)
        return "" if data is None else data.decode("utf-8", "replace")

    def GetBytes(self, name):  # noqa: N802
        """File contents as bytes; an empty byte string when absent (Go's nil []byte)."""
        data = self.get(name)
        return b"" if data is None else data

    def Glob(self, pattern):  # noqa: N802
        """Files whose names match ``pattern`` (gobwas/glob); an invalid pattern matches everything ("**")."""
        try:
            regex = compile_glob(pattern)
        except ValueError:
            regex = compile_glob("**")
        return Files((name, data) for name, data in self.items() if regex.match(name))

    def Lines(self, name):  # noqa: N802
        """The file split on "\\n" with one trailing newline dropped; [] when absent."""
        data = self.get(name)
        if data is None:
            return []
        text = data.decode("utf-8", "replace")
        if text.endswith("\n"):
            text = text[:-1]
        return text.split("\n")

    def AsConfig(self):  # noqa: N802
        """A YAML map of base name -> contents (for ConfigMap data), as Helm's toYAML prints it."""
        return _to_yaml({posixpath.basename(k): v.decode("utf-8", "replace") for k, v in self.items()})

    def AsSecrets(self):  # noqa: N802
        """A YAML map of base name -> base64 contents (for Secret data), as Helm's toYAML prints it."""
        return _to_yaml({posixpath.basename(k): base64.b64encode(v).decode("ascii") for k, v in self.items()})


def _to_yaml(mapping: dict) -> str:
    if not mapping:
        return ""
    return dump(mapping)


def compile_glob(pattern: str):
    """Compile a gobwas/glob pattern (separator '/') to an anchored regex; ValueError when it does not parse."""
    regex, pos = _glob_sequence(pattern, 0, top=True)
    if pos != len(pattern):
        raise ValueError("unexpected %r in glob %r" % (pattern[pos], pattern))
    return re.compile("^(?:" + regex + ")$", re.S)


def _glob_sequence(pattern: str, pos: int, top: bool):
    out = []
    n = len(pattern)
    while pos < n:
        ch = pattern[pos]
        if not top and ch in ",}":
            break
        if ch == "*":
            if pattern.startswith("**", pos):
                out.append(".*")
                pos += 2
            else:
                out.append("[^/]*")
                pos += 1
        elif ch == "?":
            out.append("[^/]")
            pos += 1
        elif ch == "[":
            end = pattern.find("]", pos + 1)
            if end < 0:
                raise ValueError("unterminated class in glob %r" % pattern)
            body = pattern[pos + 1:end]
            negate = body.startswith("!")
            if negate:
                body = body[1:]
            items = []
            i = 0
            while i < len(body):
                if i + 2 < len(body) and body[i + 1] == "-":
                    items.append("%s-%s" % (re.escape(body[i]), re.escape(body[i + 2])))
                    i += 3
                else:
                    items.append(re.escape(body[i]))
                    i += 1
            out.append("[" + ("^/" if negate else "") + "".join(items) + "]")
            pos = end + 1
        elif ch == "{":
            alternatives = []
            pos += 1
            while True:
                alt, pos = _glob_sequence(pattern, pos, top=False)
                alternatives.append(alt)
                if pos >= n:
                    raise ValueError("unterminated {} in glob %r" % pattern)
                if pattern[pos] == "}":
                    pos += 1
                    break
                pos += 1  # ','
            out.append("(?:" + "|".join(alternatives) + ")")
        elif ch == "\\" and pos + 1 < n:
            out.append(re.escape(pattern[pos + 1]))
            pos += 2
        else:
            out.append(re.escape(ch))
            pos += 1
    return "".join(out), pos
