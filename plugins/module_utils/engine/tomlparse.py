"""A small TOML 1.0 reader for ``fromToml`` on Pythons without ``tomllib`` (3.9 and 3.10).

Managed hosts run modules on Python 3.9+, ``tomllib`` only exists from 3.11, and helmkit.core adds no runtime
dependencies, so this module reads what ``fromToml`` needs: the whole TOML 1.0 data model (https://toml.io/en/v1.0.0)
-- bare/quoted/dotted keys, ``[table]`` and ``[[array of tables]]`` headers, basic/literal and multi-line strings with
escapes, integers (decimal, hex, octal, binary, underscores), floats (inf/nan), booleans, offset/local date-times,
local dates and times, arrays and inline tables -- returning the same Python values as ``tomllib.loads``
(dict, list, str, int, float, bool, datetime.datetime/date/time). Redefining a key or table is an error.

Errors raise :class:`TomlDecodeError` with the line number; ``helmfuncs.from_toml`` turns them into Helm's
``{"Error": "toml: ..."}`` map. Python 3.11+ uses ``tomllib`` instead (same results, different error wording).
"""
from __future__ import annotations

import datetime
import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_WS = re.compile(r"[ \t]*")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?")
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?")
_NUMBER = re.compile(r"[+-]?(?:inf|nan|0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?)")
_DEC_INT = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)\Z")
_FLOAT = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?\Z")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class TomlDecodeError(ValueError):
    """A document that is not valid TOML; the message names the line."""


class _Reader(object):
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.root = {}
        self.frozen = set()  # ids of inline tables and static arrays, which may not be extended
        self.defined = set()  # ids of tables defined by a header or by dotted keys
        self.arrays_of_tables = set()  # ids of lists created by [[...]]

    # -- helpers ---------------------------------------------------------------------------------------------
    def error(self, message: str):
        line = self.text.count("\n", 0, self.pos) + 1
        raise TomlDecodeError("%s (at line %d)" % (message, line))

    def peek(self) -> str:
        return self.text[self.pos:self.pos + 1]

    def skip_ws(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.pos)
            comment = self.text[self.pos:end if end >= 0 else len(self.text)]
            if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in comment.rstrip("\r")):
                self.error("control character in comment")
            self.pos = end if end >= 0 else len(self.text)

    def end_of_line(self) -> None:
        self.skip_ws()
        self.skip_comment()
        if self.text.startswith("\r\n", self.pos):
            self.pos += 2
        elif self.peek() == "\n":
            self.pos += 1
        elif self.pos < len(self.text):
            self.error("expected end of line, found %r" % self.peek())

    def skip_blank(self) -> None:
        """Whitespace, newlines and comments (inside arrays)."""
        while True:
            self.skip_ws()
            self.skip_comment()
            c = self.peek()
            if c == "\n":
                self.pos += 1
            elif self.text.startswith("\r\n", self.pos):
                self.pos += 2
            else:
                return

    # -- document --------------------------------------------------------------------------------------------
    def document(self) -> dict:
        current = self.root
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return self.root
            if self.text.startswith("[[", self.pos):
                self.pos += 2
                path = self.key()
                self.skip_ws()
                if not self.text.startswith("]]", self.pos):
                    self.error("expected ']]' after array of tables name")
                self.pos += 2
                current = self.array_table(path)
            elif self.peek() == "[":
                self.pos += 1
                path = self.key()
                self.skip_ws()
                if self.peek() != "]":
                    self.error("expected ']' after table name")
                self.pos += 1
                current = self.table(path)
            else:
                self.key_value(current)
            self.end_of_line()

    def descend(self, table: dict, key: str, header: bool) -> dict:
        value = table.get(key)
        if value is None:
            value = table[key] = {}
            return value
        if isinstance(value, list) and id(value) in self.arrays_of_tables and header:
            return value[-1]
        if not isinstance(value, dict) or id(value) in self.frozen:
            self.error("key %r is already defined and is not a table" % key)
        return value

    def table(self, path: list) -> dict:
        table = self.root
        for key in path[:-1]:
            table = self.descend(table, key, True)
        last = path[-1]
        existing = table.get(last)
        if existing is not None:
            if not isinstance(existing, dict) or id(existing) in self.defined or id(existing) in self.frozen:
                self.error("table %r is already defined" % ".".join(path))
            self.defined.add(id(existing))
            return existing
        new = table[last] = {}
        self.defined.add(id(new))
        return new

    def array_table(self, path: list) -> dict:
        table = self.root
        for key in path[:-1]:
            table = self.descend(table, key, True)
        last = path[-1]
        existing = table.get(last)
        if existing is None:
            existing = table[last] = []
            self.arrays_of_tables.add(id(existing))
        elif not isinstance(existing, list) or id(existing) not in self.arrays_of_tables:
            self.error("key %r is already defined and is not an array of tables" % ".".join(path))
        new = {}
        existing.append(new)
        return new

    def key_value(self, table: dict) -> None:
        path = self.key()
        self.skip_ws()
        if self.peek() != "=":
            self.error("expected '=' after key %r" % ".".join(path))
        self.pos += 1
        self.skip_ws()
        value = self.value()
        for key in path[:-1]:
            sub = table.get(key)
            if sub is None:
                sub = table[key] = {}
                self.defined.add(id(sub))
            elif not isinstance(sub, dict) or id(sub) in self.frozen:
                self.error("key %r is already defined and is not a table" % key)
            table = sub
        if path[-1] in table:
            self.error("key %r is already defined" % ".".join(path))
        table[path[-1]] = value

    def key(self) -> list:
        parts = []
        while True:
            self.skip_ws()
            c = self.peek()
            if c == '"':
                if self.text.startswith('"""', self.pos):
                    self.error("multi-line strings are not allowed as keys")
                parts.append(self.basic_string())
            elif c == "'":
                if self.text.startswith("'''", self.pos):
                    self.error("multi-line strings are not allowed as keys")
                parts.append(self.literal_string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    self.error("invalid key character %r" % c if c else "unexpected end of document, expected a key")
                parts.append(match.group())
                self.pos = match.end()
            self.skip_ws()
            if self.peek() != ".":
                return parts
            self.pos += 1

    # -- values ----------------------------------------------------------------------------------------------
    def value(self):
        text, pos = self.text, self.pos
        c = text[pos:pos + 1]
        if c == '"':
            return self.multiline_basic() if text.startswith('"""', pos) else self.basic_string()
        if c == "'":
            return self.multiline_literal() if text.startswith("'''", pos) else self.literal_string()
        if c == "[":
            return self.array()
        if c == "{":
            return self.inline_table()
        if text.startswith("true", pos) and not _BARE_KEY.match(text, pos + 4):
            self.pos += 4
            return True
        if text.startswith("false", pos) and not _BARE_KEY.match(text, pos + 5):
            self.pos += 5
            return False
        match = _DATETIME.match(text, pos)
        if match is not None:
            return self.datetime_value(match)
        match = _TIME.match(text, pos)
        if match is not None:
            self.pos = match.end()
            return _time(match.group(1), match.group(2), match.group(3), match.group(4), self)
        match = _NUMBER.match(text, pos)
        if match is not None and match.group():
            self.pos = match.end()
            return self.number(match.group())
        self.error("invalid value" if c else "unexpected end of document, expected a value")

    def number(self, token: str):
        body = token.lstrip("+-")
        if body in ("inf", "nan"):
            value = float(body)
            return -value if token.startswith("-") else value
        if body[:2] in ("0x", "0o", "0b"):
            if token[0] in "+-":
                self.error("%r: a sign is not allowed on hexadecimal, octal or binary integers" % token)
            digits = body[2:]
            if not digits or digits.startswith("_") or digits.endswith("_") or "__" in digits:
                self.error("invalid integer %r" % token)
            return int(digits.replace("_", ""), {"0x": 16, "0o": 8, "0b": 2}[body[:2]])
        if _DEC_INT.match(token):
            return int(token.replace("_", ""))
        if _FLOAT.match(token):
            return float(token.replace("_", ""))
        self.error("invalid number %r" % token)

    def datetime_value(self, match):
        year, month, day, hour, minute, second, fraction, zone = match.groups()
        self.pos = match.end()
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            self.error("invalid date %r" % match.group())
        if hour is None:
            return date
        clock = _time(hour, minute, second, fraction, self)
        tz = None
        if zone is not None:
            if zone in "Zz":
                tz = datetime.timezone.utc
            else:
                sign = -1 if zone[0] == "-" else 1
                hours, minutes = int(zone[1:3]), int(zone[4:6])
                if hours > 23 or minutes > 59:
                    self.error("invalid time zone offset %r" % zone)
                tz = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
        return datetime.datetime.combine(date, clock).replace(tzinfo=tz)

    def array(self) -> list:
        self.pos += 1
        out = []
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return out
            out.append(self.value())
            self.skip_blank()
            c = self.peek()
            if c == ",":
                self.pos += 1
            elif c == "]":
                self.pos += 1
                return out
            else:
                self.error("expected ',' or ']' in array")

    def inline_table(self) -> dict:
        self.pos += 1
        table = {}
        self.skip_ws()
        if self.peek() == "}":
            self.pos += 1
            self.frozen.add(id(table))
            return table
        while True:
            self.key_value(table)
            self.skip_ws()
            c = self.peek()
            if c == ",":
                self.pos += 1
                self.skip_ws()
                if self.peek() == "}":
                    self.error("trailing comma in inline table")
            elif c == "}":
                self.pos += 1
                self.frozen.add(id(table))
                return table
            else:
                self.error("expected ',' or '}' in inline table")

    # -- strings ---------------------------------------------------------------------------------------------
    def basic_string(self) -> str:
        self.pos += 1
        out = []
        text = self.text
        while True:
            c = text[self.pos:self.pos + 1]
            if c == "":
                self.error("unterminated string")
            self.pos += 1
            if c == '"':
                return "".join(out)
            if c == "\\":
                out.append(self.escape())
            elif c == "\n" or ((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F):
                self.error("control character in string")
            else:
                out.append(c)

    def escape(self) -> str:
        c = self.text[self.pos:self.pos + 1]
        self.pos += 1
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c in ("u", "U"):
            size = 4 if c == "u" else 8
            digits = self.text[self.pos:self.pos + size]
            if len(digits) != size or not all(d in "0123456789abcdefABCDEF" for d in digits):
                self.error("invalid unicode escape")
            self.pos += size
            code = int(digits, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                self.error("invalid unicode scalar value in escape")
            return chr(code)
        self.error("invalid escape sequence \\%s" % c)

    def multiline_basic(self) -> str:
        self.pos += 3
        text = self.text
        if text.startswith("\r\n", self.pos):
            self.pos += 2
        elif text.startswith("\n", self.pos):
            self.pos += 1
        out = []
        while True:
            if text.startswith('"""', self.pos):
                extra = 0
                while extra < 2 and text.startswith('"', self.pos + 3 + extra):
                    extra += 1
                out.append('"' * extra)
                self.pos += 3 + extra
                return "".join(out)
            c = text[self.pos:self.pos + 1]
            if c == "":
                self.error("unterminated multi-line string")
            self.pos += 1
            if c == "\\":
                after = _WS.match(text, self.pos).end()
                if text.startswith("\n", after) or text.startswith("\r\n", after):
                    while self.pos < len(text) and text[self.pos] in " \t\r\n":
                        self.pos += 1  # a line-ending backslash trims the following whitespace
                    continue
                out.append(self.escape())
            elif c == "\r" and text.startswith("\n", self.pos):
                out.append("\r")
            elif (ord(c) < 0x20 and c not in "\t\n") or ord(c) == 0x7F:
                self.error("control character in string")
            else:
                out.append(c)

    def literal_string(self) -> str:
        end = self.text.find("'", self.pos + 1)
        newline = self.text.find("\n", self.pos + 1)
        if end < 0 or (0 <= newline < end):
            self.error("unterminated literal string")
        value = self.text[self.pos + 1:end]
        self.pos = end + 1
        return value

    def multiline_literal(self) -> str:
        start = self.pos + 3
        if self.text.startswith("\r\n", start):
            start += 2
        elif self.text.startswith("\n", start):
            start += 1
        end = self.text.find("'''", start)
        if end < 0:
            self.error("unterminated multi-line literal string")
        extra = 0
        while extra < 2 and self.text.startswith("'", end + 3 + extra):
            extra += 1  # up to two quotes right before the closing delimiter belong to the string
        self.pos = end + 3 + extra
        return self.text[start:end + extra]


def _time(hour, minute, second, fraction, reader):
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        return datetime.time(int(hour), int(minute), int(second), micro)
    except ValueError:
        reader.error("invalid time %s:%s:%s" % (hour, minute, second))


def loads(text: str) -> dict:
    """Parse a TOML document into a dict (tomllib.loads' results). Raises TomlDecodeError."""
    if "\x00" in text:
        raise TomlDecodeError("NUL character in document (at line %d)" % (text.count("\n", 0, text.index("\x00")) + 1))
    return _Reader(text).document()


TOMLDecodeError = TomlDecodeError  # tomllib's name, so callers can use either module the same way
