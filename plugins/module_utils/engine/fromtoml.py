"""``fromToml``: a TOML document decoded by a well-kept parser, with BurntSushi/toml's results and error texts.

Helm's ``fromToml`` (helm.sh/helm/v4 pkg/engine/funcs.go) calls ``toml.Unmarshal`` from github.com/BurntSushi/toml
and, on failure, returns ``{"Error": err.Error()}``. Parsing here goes through ``tomllib`` (Python 3.11+) or its
PyPI original ``tomli`` (3.9, 3.10): the same TOML 1.0 values. Two things are BurntSushi's own and are added here:

* integers outside Go's int64 are an error (``N is out of range for int64``), where Python keeps big integers;
* the error text. BurntSushi writes ``toml: line N (last key "K"): MESSAGE``; the parts are rebuilt from
  tomli's message and position for the kinds of mistakes charts meet (:data:`_MESSAGES`): a missing value, an
  unexpected word, a duplicate key, a missing ``=``, a statement not ended by a newline, an unterminated string or
  inline table. Other failures keep ``toml: line N: `` with tomli's wording.

``last key`` is BurntSushi's parser context: the dotted key whose value was being read when the error happened
(the enclosing ``[table]`` included); errors between statements carry none.
"""
from __future__ import annotations

import re

try:
    import tomllib as _toml
except ImportError:  # Python < 3.11: the same parser, from PyPI
    try:
        import tomli as _toml
    except ImportError:  # pragma: no cover - depends on the host
        from ..libraries import missing_library
        _toml = missing_library("tomli")

__all__ = ["decode", "TomlError"]

_INT64 = (-(1 << 63), (1 << 63) - 1)
_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_HEADER = re.compile(r"\s*\[\[?\s*([^\]#=]*?)\s*(?:\]\]?|$)")
_KEY = re.compile(r"\s*((?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
                  r"(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*'))*)\s*=")
_WORD = re.compile(r"[^\s,\]}#]+")


class TomlError(Exception):
    """A TOML document that cannot be decoded; ``str()`` is BurntSushi's text, ``toml: line N ...``."""


def decode(text: str) -> dict:
    """Decode ``text`` (str) into a dict of str, int, float, bool, list, dict and datetime values.

    Raises :class:`TomlError` with BurntSushi/toml's message (see the module docstring), including for integers
    outside int64, and MissingLibraryError when neither tomllib nor tomli is available.
    """
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        raise TomlError(_burntsushi_message(text, str(exc)))
    except RecursionError:
        raise TomlError("toml: document nested too deeply")
    problem = _out_of_int64(data)
    if problem is not None:
        raise TomlError(_range_message(text, problem))
    return data


def _range_message(text: str, number: int) -> str:
    """BurntSushi's error for an integer outside int64, located where its decimal literal is written."""
    literal = re.search(r"(?<![\w.])%s(?![\w.])" % re.escape(str(number)), text)
    if literal is None:
        return "toml: %d is out of range for int64" % number
    scan = _Context(text, literal.start())
    key = scan.last_key()
    return "toml: line %d%s: %d is out of range for int64" % (
        text.count("\n", 0, literal.start()) + 1, ' (last key "%s")' % key if key else "", number)


def _out_of_int64(value):
    """The first integer in ``value`` that Go's int64 cannot hold, or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool) and not _INT64[0] <= item <= _INT64[1]:
            return item
    return None


def _burntsushi_message(text: str, python_message: str) -> str:
    """BurntSushi's ``toml: line N (last key "K"): MESSAGE`` for tomli's ``MESSAGE (at line L, column C)``."""
    match = _POSITION.search(python_message)
    kind = python_message[:match.start()] if match else python_message
    offset = _offset(text, match)
    line = text.count("\n", 0, offset) + 1
    scan = _Context(text, offset)
    for prefix, build in _MESSAGES:
        if kind.startswith(prefix):
            message, keyed = build(text, offset, scan, match is None or match.group(1) is None)
            break
    else:
        message, keyed = kind, False
    key = scan.last_key() if keyed else ""
    return "toml: line %d%s: %s" % (line, ' (last key "%s")' % key if key else "", message)


def _offset(text: str, match) -> int:
    """The character offset of tomli's ``line L, column C`` (end of document when it gave none)."""
    if match is None or match.group(1) is None:
        return len(text)
    lines = text.split("\n")
    row, column = int(match.group(1)), int(match.group(2))
    return sum(len(line) + 1 for line in lines[:row - 1]) + column - 1


class _Context(object):
    """What BurntSushi's parser would hold at ``offset``: the current table and the key being assigned."""

    def __init__(self, text: str, offset: int):
        self.table = []
        self.key = []
        self.statement_key = []
        for line in text[:offset].split("\n"):
            header = _HEADER.match(line)
            assigned = _KEY.match(line)
            if header and not assigned:
                self.table, self.key, self.statement_key = _key_parts(header.group(1)), [], []
            elif assigned:
                self.key = self.statement_key = _key_parts(assigned.group(1))
                inner = _inline_key(line[assigned.end():])
                if inner:
                    self.key = self.key + inner

    def last_key(self) -> str:
        return ".".join(self.table + self.key)

    def duplicate(self) -> str:
        return ".".join(self.table + self.statement_key)


def _inline_key(rest: str) -> list:
    """The key being assigned inside an unclosed inline table on the rest of a line (``{b = 1`` gives ["b"])."""
    depth, key = 0, []
    position = 0
    while position < len(rest):
        char = rest[position]
        if char == "{":
            depth += 1
            assigned = _KEY.match(rest, position + 1)
            if assigned:
                key = _key_parts(assigned.group(1))
        elif char == "}":
            depth -= 1
            key = []
        elif char == "," and depth:
            assigned = _KEY.match(rest, position + 1)
            if assigned:
                key = _key_parts(assigned.group(1))
        position += 1
    return key if depth > 0 else []


def _key_parts(key: str) -> list:
    parts = re.findall(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^.\s]+", key)
    return [part[1:-1] if part[:1] in "\"'" else part for part in parts]


def _eof_or_found(text, offset, scan, at_end):
    if at_end:
        return "unexpected EOF; expected value", True
    word = _WORD.match(text, offset)
    return 'expected value but found "%s" instead' % (word.group(0) if word else text[offset:offset + 1]), True


def _duplicate(text, offset, scan, at_end):
    return "Key '%s' has already been defined." % scan.duplicate(), bool(scan.statement_key)


def _separator(text, offset, scan, at_end):
    return "unexpected EOF; expected key separator '='", False


def _statement_end(text, offset, scan, at_end):
    if offset and not text[offset - 1].isspace():
        return _bad_literal(text, offset, scan)
    found = text[offset:offset + 1] or "EOF"
    return ("expected a top-level item to end with a newline, comment, or EOF, but got '%s' instead" % found,
            False)


def _bad_literal(text, offset, scan):
    """A value tomli stopped inside (``1979-13-27``, ``1_``, ``1.``): BurntSushi names the whole literal."""
    start = offset
    while start and not text[start - 1].isspace() and text[start - 1] not in "=[,{":
        start -= 1
    literal = _WORD.match(text, start).group(0)
    if re.match(r"\d{4}-", literal):
        return 'invalid datetime: "%s"' % literal, True
    if literal.endswith("_") or "__" in literal:
        return 'Invalid integer "%s": underscores must be surrounded by digits' % literal, True
    if literal.endswith("."):
        return "Invalid float \"%s\": '.' must be followed by one or more digits" % literal, True
    return ("expected a top-level item to end with a newline, comment, or EOF, but got '%s' instead"
            % text[offset:offset + 1], False)


def _statement(text, offset, scan, at_end):
    if text[offset:offset + 1] == "=":
        return "unexpected '=': key name appears blank", False
    return "Invalid statement", False


def _string_character(text, offset, scan, at_end):
    if text[offset:offset + 1] == "\n":
        return "strings cannot contain newlines", True
    return "invalid character in string", True


def _escape(text, offset, scan, at_end):
    backslash = text.rfind("\\", 0, offset + 1)
    return "invalid escape in string '%s'" % text[backslash:backslash + 2], True


def _array_of_tables(text, offset, scan, at_end):
    return "Key '%s' was already created and cannot be used as an array." % ".".join(scan.table), False


def _unterminated(text, offset, scan, at_end):
    return "unexpected EOF; expected '\"'", True


def _inline_table(text, offset, scan, at_end):
    return ("expected a comma or an inline table terminator '}', but got end of file instead", True)


# tomli's message (its start) -> (BurntSushi's message, whether it carries the last key); tomli/_parser.py and
# BurntSushi/toml lex.go and parse.go define the two sides.
_MESSAGES = (
    ("Invalid value", _eof_or_found),
    ("Cannot overwrite a value", _duplicate),
    ("Cannot declare", _duplicate),
    ("Expected '=' after a key", _separator),
    ("Expected newline or end of document after a statement", _statement_end),
    ("Unterminated string", _unterminated),
    ("Unclosed inline table", _inline_table),
    ("Invalid statement", _statement),
    ("Found invalid character", _string_character),
    ("Unescaped '\\' in a string", _escape),
    ("Cannot mutate immutable namespace", _array_of_tables),
)
