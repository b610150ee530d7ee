"""Helm's ``--set`` family of value parsers (pkg/strvals/parser.go and literal_parser.go).

* :func:`parse_set` (``--set``): ``a.b=c``, ``a[0].b=c``, ``{x,y}`` lists, ``\\`` escapes the next character
  (``a\\.b=c`` is the key "a.b", ``v=x\\,y`` the value "x,y"); values are typed: true/false/null (any case), 0,
  base-10 integers not starting with 0 (Python int, Go int64), else strings.
* :func:`parse_set_string` (``--set-string``): the same syntax, every value a string.
* :func:`parse_set_json` (``--set-json``): each value is a JSON document (``a={"b":[1,2]}``).
* :func:`parse_set_file` (``--set-file``): each value is a path whose contents become the string value.
* :func:`parse_set_literal` (``--set-literal``): a key path (no escapes), then the rest of the text verbatim.

All take ``(expression, into=None)`` and return the dict (``into`` is updated in place when given, like ParseInto).
Errors raise ValuesError with Helm's wording plus the offending expression (file contents never appear).
"""
from __future__ import annotations

import json
import re
import sys

from ..errors import ValuesError
from ..gocompat.strconv import go_quote

MAX_INDEX = 65536
MAX_NESTED_NAME_LEVEL = 30
_INT = re.compile(r"^[+-]?[0-9]+$")


class _EOF(Exception):
    pass


class _NotList(Exception):
    pass


class _Scanner(object):
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def read(self):
        if self.pos >= len(self.text):
            raise _EOF()
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def unread(self):
        self.pos -= 1

    def rest(self) -> str:
        return self.text[self.pos:]

    def until(self, stop: str):
        """runesUntil: (text, stop char or None at end); a backslash keeps the next character literally."""
        out = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "\\":
                if self.pos < len(self.text):
                    out.append(self.text[self.pos])
                    self.pos += 1
                continue
            if ch in stop:
                return "".join(out), ch
            out.append(ch)
        return "".join(out), None


def typed_value(text: str):
    """strvals typedVal: true/false/null (case-insensitive), "0", base-10 int64 not starting with 0, else str."""
    low = text.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if low == "null":
        return None
    if text == "0":
        return 0
    if text and text[0] != "0" and _INT.match(text) and len(text) <= 20:  # longer: over int64, stays a string
        value = int(text)
        if -(1 << 63) <= value < (1 << 63):
            return value
    return text


def _set_index(items: list, index: int, value) -> list:
    if index < 0:
        raise ValuesError("negative %d index not allowed" % index)
    if index > MAX_INDEX:
        raise ValuesError("index of %d is greater than maximum supported index of %d" % (index, MAX_INDEX))
    if len(items) <= index:
        items = items + [None] * (index + 1 - len(items))
    items[index] = value
    return items


_GO_TYPES = ((bool, "bool"), (int, "int64"), (float, "float64"), (str, "string"), (list, "[]interface {}"),
             (dict, "map[string]interface {}"))


def _go_type(value) -> str:
    for kind, name in _GO_TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _existing(container, key, kind):
    """Helm's unchecked type assertion on an existing key (a Go panic it reports as "unable to parse key")."""
    value = container[key]
    if isinstance(value, kind):
        return value
    wanted = "[]interface {}" if kind is list else "map[string]interface {}"
    if value is None:
        raise ValuesError("unable to parse key: interface conversion: interface {} is nil, not %s" % wanted)
    raise ValuesError("unable to parse key: interface conversion: interface {} is %s, not %s"
                      % (_go_type(value), wanted))


class _Parser(object):
    def __init__(self, text: str, data: dict, reader, json_values: bool = False):
        self.sc = _Scanner(text)
        self.data = data
        self.reader = reader
        self.json_values = json_values

    def parse(self):
        while True:
            try:
                self.key(self.data, 0)
            except _EOF:
                return

    def key(self, data: dict, level: int):
        k, last = self.sc.until("=[,.")
        if last is None:
            if not k:
                raise _EOF()
            raise ValuesError("key %s has no value" % go_quote(k))
        if last == "[":
            index = self.key_index()
            items = _existing(data, k, list) if k in data else []
            try:
                items = self.list_item(items, index, level)
            except _EOF:
                if k:
                    data[k] = items
                raise
            if k:
                data[k] = items
            return
        if last == "=":
            if self.json_values:
                if self.empty_value():
                    if k:
                        data[k] = None
                    return
                value = self.json_value()
                if k:
                    data[k] = value
                self.empty_value()
                return
            try:
                value = self.value_list()
            except _EOF:
                if k:
                    data[k] = ""
                raise
            except _NotList:
                text, _at_end = self.value()
                value = self.reader(text)
                if k:
                    data[k] = value
                return
            if k:
                data[k] = value
            return
        if last == ",":
            if k:
                data[k] = ""
            raise ValuesError("key %s has no value (cannot end with ,)" % go_quote(k))
        # last == "."
        level += 1
        if level > MAX_NESTED_NAME_LEVEL:
            raise ValuesError("value name nested level is greater than maximum supported nested level of %d"
                              % MAX_NESTED_NAME_LEVEL)
        inner = _existing(data, k, dict) if k in data else {}
        try:
            self.key(inner, level)
        except _EOF:
            if inner and k:
                data[k] = inner
            raise
        if not inner:
            raise ValuesError("key map %s has no value" % go_quote(k))
        if k:
            data[k] = inner

    def key_index(self) -> int:
        text, last = self.sc.until("]")
        if last is None:
            raise _EOF()  # Helm wraps io.EOF here, and its parse loop treats any EOF as the end of input
        if not _INT.match(text):  # strconv.Atoi: no spaces, no underscores
            raise ValuesError('error parsing index: strconv.Atoi: parsing %s: invalid syntax' % go_quote(text))
        if len(text.lstrip("+-0")) > 19:  # over int64 (and over what Python converts, at 4,300 digits)
            raise ValuesError('error parsing index: strconv.Atoi: parsing %s: value out of range' % _shown(text))
        return int(text, 10)

    def list_item(self, items: list, index: int, level: int) -> list:
        if index < 0:
            raise ValuesError("negative %d index not allowed" % index)
        if index > MAX_INDEX:
            raise ValuesError("index of %d is greater than maximum supported index of %d" % (index, MAX_INDEX))
        k, last = self.sc.until("[.=")
        if k:
            raise ValuesError("unexpected data at end of array index: %s" % go_quote(k))
        if last is None:
            raise _EOF()
        if last == "=":
            if self.json_values:
                if self.empty_value():
                    return _set_index(items, index, None)
                items = _set_index(items, index, self.json_value())
                self.empty_value()
                return items
            try:
                value = self.value_list()
            except _EOF:
                return _set_index(items, index, "")
            except _NotList:
                text, at_end = self.value()
                return _set_index(items, index, self.reader(text))
            return _set_index(items, index, value)
        if last == "[":
            next_index = self.key_index()
            nested = []
            if len(items) > index and items[index] is not None:
                nested = _existing({0: items[index]}, 0, list)
            return _set_index(items, index, self.list_item(nested, next_index, level))
        # last == "."
        inner = {}
        if len(items) > index:
            if isinstance(items[index], dict):
                inner = items[index]
            else:
                items[index] = inner
        self.key(inner, level)
        return _set_index(items, index, inner)

    def value_list(self) -> list:
        ch = self.sc.read()
        if ch != "{":
            self.sc.unread()
            raise _NotList()
        out = []
        while True:
            text, last = self.sc.until(",}")
            if last is None:
                raise ValuesError("list must terminate with '}'")
            if last == "}":
                try:
                    if self.sc.read() != ",":
                        self.sc.unread()
                except _EOF:
                    pass
                out.append(self.reader(text))
                return out
            out.append(self.reader(text))

    def value(self):
        text, last = self.sc.until(",")
        return text, last is None

    def empty_value(self) -> bool:
        while True:
            try:
                ch = self.sc.read()
            except _EOF:
                return True
            if ch == ",":
                return True
            if not ch.isspace():
                self.sc.unread()
                return False

    def json_value(self):
        """One JSON document from the input, as Go's json.Decoder reads it (no NaN/Infinity; a number token
        runs on through '.', 'e' and 'E', so "0." is an error rather than 0 followed by ".")."""
        decoder = json.JSONDecoder(parse_constant=_reject_constant)
        rest = self.sc.rest()
        stripped = len(rest) - len(rest.lstrip(" \t\r\n"))
        try:
            value, end = decoder.raw_decode(rest, stripped)
        except ValueError as exc:
            raise ValuesError("invalid JSON value in --set-json: %s" % getattr(exc, "msg", exc)) from None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and rest[end:end + 1] in (".", "e", "E"):
            raise ValuesError("invalid JSON value in --set-json: malformed number %s"
                              % go_quote(rest[stripped:end + 1]))
        self.sc.pos += end
        return value


def _reject_constant(name):
    raise ValueError("invalid character %s looking for beginning of value" % go_quote(name[:1]))


def _run(expression: str, into, reader, json_values=False) -> dict:
    data = into if into is not None else {}
    parser = _Parser(expression, data, reader, json_values)
    try:
        parser.parse()
    except ValuesError as exc:
        raise ValuesError("failed parsing --set data %s: %s" % (_shown(expression), exc)) from None
    except RecursionError:  # a[0][0]...: one level per index, and json.JSONDecoder's recursion for --set-json
        raise ValuesError("failed parsing --set data %s: the value nests too deeply (more levels than Python's "
                          "recursion limit of %d allows); flatten it or pass it in a values file"
                          % (_shown(expression), sys.getrecursionlimit())) from None
    return data


def _shown(expression: str) -> str:
    """``expression`` Go-quoted for an error message, cut to 200 characters (a hostile one can be megabytes)."""
    return go_quote(expression if len(expression) <= 200 else expression[:200] + "...")


def parse_set(expression: str, into=None) -> dict:
    """``--set``: typed values (see module doc). Returns ``into`` (or a new dict) updated."""
    return _run(expression, into, typed_value)


def parse_set_string(expression: str, into=None) -> dict:
    """``--set-string``: like parse_set but every value stays a string."""
    return _run(expression, into, lambda text: text)


def parse_set_json(expression: str, into=None) -> dict:
    """``--set-json``: ``key=<JSON>`` pairs separated by commas; JSON numbers become float/int as Python parses."""
    return _run(expression, into, typed_value, json_values=True)


def parse_set_file(expression: str, into=None, read_file=None) -> dict:
    """``--set-file``: ``key=path``; the file's contents (UTF-8) become the value. ``read_file(path) -> str``
    may be given (defaults to reading the local file). Raises ValuesError naming the path when unreadable."""
    def reader(path):
        if read_file is not None:
            return read_file(path)
        try:
            with open(path, "rb") as handle:
                return handle.read().decode("utf-8", "replace")
        except OSError as exc:
            raise ValuesError("cannot read --set-file %s: %s" % (path, exc.strerror)) from None
    return _run(expression, into, reader)


def parse_set_literal(expression: str, into=None) -> dict:
    """``--set-literal``: a key path (``a.b[0].c``, no escapes), ``=``, then the rest of the text verbatim."""
    data = into if into is not None else {}
    parser = _LiteralParser(expression, data)
    try:
        parser.parse()
    except ValuesError as exc:
        raise ValuesError("failed parsing --set-literal data %s: %s" % (go_quote(expression), exc)) from None
    return data


class _LiteralParser(object):
    """pkg/strvals/literal_parser.go: like the --set parser, but no escapes, no lists and the value runs to the
    end of the expression."""

    def __init__(self, text: str, data: dict):
        self.text = text
        self.pos = 0
        self.data = data

    def until(self, stop: str):
        start = self.pos
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch in stop:
                return self.text[start:self.pos - 1], ch
        return self.text[start:], None

    def parse(self):
        while True:
            try:
                self.key(self.data, 0)
            except _EOF:
                return

    def key(self, data: dict, level: int):
        k, last = self.until("=[.")
        if last is None:
            if not k:
                raise _EOF()
            raise ValuesError("key %s has no value" % go_quote(k))
        if last == "=":
            value, _last = self.until("")
            if k:
                data[k] = value
            return
        if last == ".":
            level += 1
            if level > MAX_NESTED_NAME_LEVEL:
                raise ValuesError("value name nested level is greater than maximum supported nested level of %d"
                                  % MAX_NESTED_NAME_LEVEL)
            inner = _existing(data, k, dict) if k in data else {}
            try:
                self.key(inner, level)
            except _EOF:
                if inner and k:
                    data[k] = inner
                raise
            if not inner:
                raise ValuesError("key map %s has no value" % go_quote(k))
            if k:
                data[k] = inner
            return
        index = self.key_index()
        items = _existing(data, k, list) if k in data else []
        try:
            items = self.list_item(items, index, level)
        except _EOF:
            if k:
                data[k] = items
            raise
        if k:
            data[k] = items

    def key_index(self) -> int:
        text, last = self.until("]")
        if last is None:
            raise _EOF()
        if not _INT.match(text):
            raise ValuesError('error parsing index: strconv.Atoi: parsing %s: invalid syntax' % go_quote(text))
        if len(text.lstrip("+-0")) > 19:  # over int64 (and over what Python converts, at 4,300 digits)
            raise ValuesError('error parsing index: strconv.Atoi: parsing %s: value out of range' % _shown(text))
        return int(text, 10)

    def list_item(self, items: list, index: int, level: int) -> list:
        if index < 0:
            raise ValuesError("negative %d index not allowed" % index)
        k, last = self.until("[.=")
        if k:
            raise ValuesError("unexpected data at end of array index: %s" % go_quote(k))
        if last is None:
            raise _EOF()
        if last == "=":
            value, _last = self.until("")
            return _set_index(items, index, value)
        if last == ".":
            inner = {}
            if len(items) > index:
                if isinstance(items[index], dict):
                    inner = items[index]
                else:
                    items[index] = inner
            self.key(inner, level)
            return _set_index(items, index, inner)
        next_index = self.key_index()
        nested = []
        if len(items) > index and items[index] is not None:
            nested = _existing({0: items[index]}, 0, list)
        return _set_index(items, index, self.list_item(nested, next_index, level))
