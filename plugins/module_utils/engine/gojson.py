"""Go's encoding/json for template values: Marshal, MarshalIndent and Unmarshal into ``interface{}``.

* :func:`to_json` writes what ``json.Marshal`` writes: map keys sorted, struct stand-ins in field order, ``<``,
  ``>``, ``&`` escaped as ``\\u003c`` (unless ``escape_html=False``, Sprig's toRawJson), U+2028/U+2029 escaped,
  floats in encoding/json's shortest form (``3``, ``1e+21``, ``1e-7``).
* :func:`from_json` reads what ``json.Unmarshal`` into ``interface{}`` accepts: the text is first checked by a
  scanner with encoding/json's states (scanner.go), so a syntax error has Go's exact message
  (``invalid character '}' after decimal point in numeric literal``, ``unexpected end of JSON input``); then
  every number becomes a float (float64).
"""
from __future__ import annotations

import base64
import json
import math

from ..errors import HelmkitError
from ..gocompat.strconv import format_json_float
from .gofmt import go_quote
from .limits import LARGE_STRING, grow, node_tick

__all__ = ["GoJsonError", "GoStruct", "go_json_float", "jsonable", "to_json", "from_json", "check_valid"]


class GoJsonError(HelmkitError):
    """A value could not be encoded as JSON, or JSON text could not be decoded; message as Go's encoding/json."""


class GoStruct(dict):
    """A Go struct after :func:`jsonable`: encoding/json writes its fields in declaration order, not sorted."""


# ---------------------------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------------------------

def go_json_float(value: float) -> str:
    """A float64 as Go's encoding/json writes it (encode.go floatEncoder).

    Shortest round-trip digits; exponent form ``1e+21`` / ``1e-7`` when |value| < 1e-6 or >= 1e21, else fixed
    (``3`` for 3.0, ``-0`` for -0.0). Raises GoJsonError ``json: unsupported value: NaN`` for NaN and infinities.
    """
    if math.isnan(value):
        raise GoJsonError("json: unsupported value: NaN")
    if math.isinf(value):
        raise GoJsonError("json: unsupported value: %sInf" % ("+" if value > 0 else "-"))
    return format_json_float(value)


def jsonable(value):
    """Convert a template value into what Go's encoding/json would see: dicts with string keys, lists, str, bool,
    int, float, None. ``bytes`` become base64 text (Go's []byte); tuples become lists; a list marked
    ``go_nil = True`` (a nil Go slice, sprig._base.NilSlice) becomes None, as encoding/json writes ``null``.

    Objects standing in for Go structs are converted through their ``go_json()`` method when they have one, else
    field by field: public (upper-case) instance attributes in definition order, renamed and filtered by an
    optional class attribute ``go_json_tags`` ({"Field": "name,omitempty"}, "-" drops a field), as encoding/json
    does with struct tags. The result is a :class:`GoStruct`, which keeps that order when written as JSON.

    Raises GoJsonError ``json: unsupported type: T`` for anything else, and for NaN/Inf floats.
    """
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, str):
        if len(value) >= LARGE_STRING:  # one large string referenced many times multiplies the output
            grow("toJson/toYaml", len(value))
        return value
    if isinstance(value, float):
        go_json_float(value)  # raises for NaN / Inf
        return value
    if isinstance(value, dict):
        node_tick("toJson/toYaml")
        out = {}
        for key, item in value.items():
            out[_json_key(key)] = jsonable(item)
        return out
    if isinstance(value, (list, tuple)):
        if getattr(value, "go_nil", False):
            return None  # a nil Go slice (rest/initial of an empty list, regexFindAll without a match): null
        node_tick("toJson/toYaml")
        return [jsonable(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    converter = getattr(value, "go_json", None)
    if callable(converter):
        return jsonable(converter())
    marshaler = _MARSHALERS.get(getattr(type(value), "go_type", None))
    if marshaler is not None:
        return marshaler(value)
    fields = getattr(value, "__dict__", None)
    if isinstance(fields, dict) and not callable(value):
        return _struct_fields(value, fields)
    raise GoJsonError("json: unsupported type: %s" % go_type_label(value))


# Go types whose MarshalJSON writes a string: time.Time (RFC 3339 with nanoseconds) and Masterminds semver.
_RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00"
_MARSHALERS = {
    "time.Time": lambda value: value.Format(_RFC3339_NANO) if hasattr(value, "Format") else str(value),
    "*semver.Version": str,
    "semver.Version": str,
}


def _is_empty_field(value) -> bool:
    """encoding/json's isEmptyValue for omitempty: false, 0, "", nil, empty map/slice."""
    if value is None or value is False:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict)):
        return len(value) == 0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    return False


# json tags of Go structs Helm hands to templates, by go_type (helm.sh/helm/v4/internal/version.BuildInfo).
_KNOWN_TAGS = {
    "version.BuildInfo": {"Version": "version,omitempty", "GitCommit": "git_commit,omitempty",
                          "GitTreeState": "git_tree_state,omitempty", "GoVersion": "go_version,omitempty",
                          "KubeClientVersion": "kube_client_version"},
}


def _struct_fields(value, fields: dict) -> GoStruct:
    tags = getattr(type(value), "go_json_tags", None) or _KNOWN_TAGS.get(getattr(type(value), "go_type", None)) or {}
    out = GoStruct()
    for name, item in fields.items():
        if not name[:1].isupper() or callable(item):
            continue
        tag = tags.get(name, "")
        if tag == "-":
            continue
        key, _unused, options = tag.partition(",")
        if "omitempty" in options.split(",") and _is_empty_field(item):
            continue
        out[key or name] = jsonable(item)
    return out


def go_type_label(value) -> str:
    go_type = getattr(type(value), "go_type", None)
    return go_type if isinstance(go_type, str) else type(value).__name__


def _json_key(key) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    raise GoJsonError("json: unsupported type: map[interface {}]interface {}")


_JSON_CONTROL = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _json_string(text: str, escape_html: bool) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif code < 0x20:
            out.append(_JSON_CONTROL.get(ch) or "\\u%04x" % code)
        elif escape_html and ch in "<>&":
            out.append("\\u%04x" % code)
        elif code in (0x2028, 0x2029):
            out.append("\\u%04x" % code)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _json_encode(value, escape_html: bool, indent, level: int, out: list) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_json_string(value, escape_html))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(go_json_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        for index, key in enumerate(value if isinstance(value, GoStruct) else sorted(value)):
            if index:
                out.append(",")
            if indent is not None:
                out.append("\n" + indent * (level + 1))
            out.append(_json_string(key, escape_html))
            out.append(": " if indent is not None else ":")
            _json_encode(value[key], escape_html, indent, level + 1, out)
        if indent is not None:
            out.append("\n" + indent * level)
        out.append("}")
    else:
        if not value:
            out.append("[]")
            return
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            if indent is not None:
                out.append("\n" + indent * (level + 1))
            _json_encode(item, escape_html, indent, level + 1, out)
        if indent is not None:
            out.append("\n" + indent * level)
        out.append("]")


def to_json(value, escape_html: bool = True, indent=None) -> str:
    """Go's ``json.Marshal(value)`` (``indent="  "``: ``json.MarshalIndent(value, "", "  ")``) as text.

    Raises GoJsonError with Go's message for NaN/Inf and unsupported types.
    """
    out = []
    _json_encode(jsonable(value), escape_html, indent, 0, out)
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Decoding: encoding/json's scanner (scanner.go) for exact syntax errors, then json.loads
# ---------------------------------------------------------------------------------------------------------------

_SPACE = b" \t\r\n"
_DIGITS = b"0123456789"
_HEX = b"0123456789abcdefABCDEF"
_OBJECT_KEY, _OBJECT_VALUE, _ARRAY_VALUE = 0, 1, 2


def _quote_char(byte: int) -> str:
    """encoding/json quoteChar: the offending byte as Go prints it (a byte shows as the rune of that value)."""
    if byte == 0x27:
        return "'\\''"
    if byte == 0x22:
        return "'\"'"
    return "'" + go_quote(chr(byte))[1:-1] + "'"


class _SyntaxError(Exception):
    pass


class _Scanner(object):
    """encoding/json's scanner: one state function per byte; raises _SyntaxError with Go's message."""

    def __init__(self) -> None:
        self.stack = []
        self.step = self.begin_value
        self.end_top = False

    @staticmethod
    def fail(byte: int, context: str):
        raise _SyntaxError("invalid character %s %s" % (_quote_char(byte), context))

    def begin_value(self, c: int) -> None:
        if c in _SPACE:
            return
        if c == 0x7B:  # {
            self.stack.append(_OBJECT_KEY)
            self.step = self.begin_string_or_empty
        elif c == 0x5B:  # [
            self.stack.append(_ARRAY_VALUE)
            self.step = self.begin_value_or_empty
        elif c == 0x22:
            self.step = self.in_string
        elif c == 0x2D:  # -
            self.step = self.neg
        elif c == 0x30:
            self.step = self.zero
        elif c == 0x74:
            self.step = self._literal(b"true", 1)
        elif c == 0x66:
            self.step = self._literal(b"false", 1)
        elif c == 0x6E:
            self.step = self._literal(b"null", 1)
        elif 0x31 <= c <= 0x39:
            self.step = self.one
        else:
            self.fail(c, "looking for beginning of value")

    def begin_value_or_empty(self, c: int) -> None:
        if c in _SPACE:
            return
        if c == 0x5D:
            self.end_value(c)
            return
        self.begin_value(c)

    def begin_string_or_empty(self, c: int) -> None:
        if c in _SPACE:
            return
        if c == 0x7D:
            self.stack[-1] = _OBJECT_VALUE
            self.end_value(c)
            return
        self.begin_string(c)

    def begin_string(self, c: int) -> None:
        if c in _SPACE:
            return
        if c == 0x22:
            self.step = self.in_string
            return
        self.fail(c, "looking for beginning of object key string")

    def end_value(self, c: int) -> None:
        if not self.stack:
            self.step = self.end_top_state
            self.end_top = True
            self.end_top_state(c)
            return
        if c in _SPACE:
            self.step = self.end_value
            return
        top = self.stack[-1]
        if top == _OBJECT_KEY:
            if c == 0x3A:
                self.stack[-1] = _OBJECT_VALUE
                self.step = self.begin_value
                return
            self.fail(c, "after object key")
        elif top == _OBJECT_VALUE:
            if c == 0x2C:
                self.stack[-1] = _OBJECT_KEY
                self.step = self.begin_string
                return
            if c == 0x7D:
                self.stack.pop()
                self.step = self.end_value
                if not self.stack:
                    self.end_top = True
                    self.step = self.end_top_state
                return
            self.fail(c, "after object key:value pair")
        else:
            if c == 0x2C:
                self.step = self.begin_value
                return
            if c == 0x5D:
                self.stack.pop()
                self.step = self.end_value
                if not self.stack:
                    self.end_top = True
                    self.step = self.end_top_state
                return
            self.fail(c, "after array element")

    def end_top_state(self, c: int) -> None:
        if c not in _SPACE:
            self.fail(c, "after top-level value")

    def in_string(self, c: int) -> None:
        if c == 0x22:
            self.step = self.end_value
        elif c == 0x5C:
            self.step = self.in_string_esc
        elif c < 0x20:
            self.fail(c, "in string literal")

    def in_string_esc(self, c: int) -> None:
        if c in b'bfnrt\\/"':
            self.step = self.in_string
        elif c == 0x75:
            self.step = self._hex(4)
        else:
            self.fail(c, "in string escape code")

    def _hex(self, remaining: int):
        def state(c: int) -> None:
            if c not in _HEX:
                self.fail(c, "in \\u hexadecimal character escape")
            self.step = self.in_string if remaining == 1 else self._hex(remaining - 1)
        return state

    def _literal(self, word: bytes, index: int):
        def state(c: int) -> None:
            if c != word[index]:
                self.fail(c, "in literal %s (expecting %s)" % (word.decode(), _quote_char(word[index])))
            self.step = self.end_value if index + 1 == len(word) else self._literal(word, index + 1)
        return state

    def neg(self, c: int) -> None:
        if c == 0x30:
            self.step = self.zero
        elif 0x31 <= c <= 0x39:
            self.step = self.one
        else:
            self.fail(c, "in numeric literal")

    def one(self, c: int) -> None:
        if c in _DIGITS:
            return
        self.zero(c)

    def zero(self, c: int) -> None:
        if c == 0x2E:
            self.step = self.dot
        elif c in b"eE":
            self.step = self.exp
        else:
            self.end_value(c)

    def dot(self, c: int) -> None:
        if c in _DIGITS:
            self.step = self.dot0
        else:
            self.fail(c, "after decimal point in numeric literal")

    def dot0(self, c: int) -> None:
        if c in _DIGITS:
            return
        if c in b"eE":
            self.step = self.exp
        else:
            self.end_value(c)

    def exp(self, c: int) -> None:
        if c in b"+-":
            self.step = self.exp_sign
            return
        self.exp_sign(c)

    def exp_sign(self, c: int) -> None:
        if c in _DIGITS:
            self.step = self.exp0
        else:
            self.fail(c, "in exponent of numeric literal")

    def exp0(self, c: int) -> None:
        if c in _DIGITS:
            return
        self.end_value(c)


def check_valid(text: str) -> None:
    """encoding/json checkValid: raise GoJsonError with Go's message at the first syntax error."""
    scanner = _Scanner()
    try:
        for c in text.encode("utf-8", "surrogatepass"):
            scanner.step(c)
        if not scanner.end_top:
            scanner.step(0x20)
            if not scanner.end_top:
                raise _SyntaxError("unexpected end of JSON input")
    except _SyntaxError as exc:
        raise GoJsonError(str(exc))


class _OutOfRange(object):
    """A number float64 cannot hold; decoded as nil with Go's UnmarshalTypeError kept for the caller."""

    def __init__(self, text: str) -> None:
        self.text = text


def _number(text: str):
    value = float(text)
    return _OutOfRange(text) if math.isinf(value) else value


def _fix_string(text: str) -> str:
    """Go decodes an unpaired UTF-16 surrogate escape as U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def _replace_out_of_range(value, errors: list):
    if isinstance(value, str):
        return _fix_string(value)
    if isinstance(value, _OutOfRange):
        errors.append("json: cannot unmarshal number %s into Go value of type float64" % value.text)
        return None
    if isinstance(value, dict):
        fixed = {}
        for key, item in value.items():
            fixed[_fix_string(key)] = _replace_out_of_range(item, errors)
        return fixed
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _replace_out_of_range(item, errors)
    return value


def from_json(text: str, errors=None):
    """Go's ``json.Unmarshal`` into ``interface{}``: objects -> dict, arrays -> list, every number -> float.

    Raises GoJsonError with Go's syntax error message when the text is not JSON. A number float64 cannot hold
    decodes as None; Go reports it after decoding the rest, so its message is appended to ``errors`` (a list)
    when given, else raised.
    """
    check_valid(text)
    value = json.loads(text, parse_int=_number, parse_float=_number)
    found = []
    value = _replace_out_of_range(value, found)
    if found:
        if errors is None:
            raise GoJsonError(found[0])
        errors.append(found[0])
    return value
