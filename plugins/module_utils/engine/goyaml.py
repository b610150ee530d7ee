"""Go-compatible YAML and JSON for Helm's template functions.

What Helm's ``toYaml`` prints is ``sigs.k8s.io/yaml.Marshal``: the value goes through Go's ``encoding/json`` first
(map keys become strings, numbers are formatted by encoding/json), the JSON is read back by go-yaml v2 (so a
number is an ``int`` when its JSON text parses as one, else a ``float64``), and go-yaml v2 (a port of libyaml's
emitter: block style, indent 2, lines folded at column 80) prints the result. This module re-implements those steps:

* :func:`marshal` / :func:`dump` -- sigs.k8s.io/yaml ``Marshal`` and Helm's ``toYaml`` (pkg/engine/funcs.go).
* :func:`marshal_pretty` -- Helm's ``toYamlPretty``: go-yaml v3 ``Encoder`` with ``SetIndent(2)``, no JSON trip.
* :func:`unmarshal` -- sigs.k8s.io/yaml ``Unmarshal`` into ``interface{}``: YAML 1.1 scalars as go-yaml v2 resolves
  them (resolve.go), then the JSON trip (numbers become ``float``, keys strings). Parsing uses PyYAML's C parser.
* :func:`to_json` / :func:`from_json` -- Go ``encoding/json`` ``Marshal``/``MarshalIndent``/``Unmarshal``,
  re-exported from ``gojson.py``.

The emitter follows gopkg.in/yaml.v2 emitterc.go (yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style,
yaml_emitter_write_{plain,single_quoted,double_quoted,literal}_scalar, yaml_emitter_write_indent) and encode.go
(stringv: a string is quoted when go-yaml would resolve it to a non-string, or when it looks like a base-60 float).
"""
from __future__ import annotations

import functools
import json
import math
import re

from ..libraries import missing_library

try:
    import yaml
    from yaml.cyaml import CParser
    HAS_YAML = True
except ImportError:  # pragma: no cover - depends on the host; using yaml then raises MissingLibraryError
    yaml = missing_library("PyYAML")
    HAS_YAML = False

from ..errors import HelmkitError
from ..gocompat import yamlalias
from ..gocompat.yamlscalar import (BOOL, FLOAT, FLOAT_SPECIALS, GO_FLOAT, INT, MERGE, NULL, STR, TIMESTAMP,
                                   YAML_STYLE_FLOAT, go_parse_int, is_timestamp, resolve_plain)
from .gofmt import format_float_g
from .limits import LARGE_STRING, grow, node_tick
from .gojson import GoJsonError, GoStruct, from_json, go_json_float, jsonable, to_json, go_type_label

__all__ = [
    "GoYamlError", "GoJsonError", "marshal", "dump", "marshal_pretty", "unmarshal", "to_json", "from_json",
    "go_json_float", "resolve_plain", "jsonable", "GoStruct",
]


class GoYamlError(HelmkitError):
    """YAML could not be produced or parsed; the message is go-yaml's / sigs.k8s.io/yaml's text."""


_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


def _needs_quotes(text: str) -> bool:
    """encode.go stringv: a string cannot be plain when it would resolve to another type or looks base 60."""
    kind, _unused = resolve_plain(text)
    if kind not in (STR, MERGE):
        return True
    if text and (text[0] in "+-0123456789") and ":" in text and _BASE60_FLOAT.match(text):
        return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# Key order (sorter.go keyList.Less)
# ---------------------------------------------------------------------------------------------------------------

def _wrap64(number: int) -> int:
    number &= (1 << 64) - 1
    return number - (1 << 64) if number >= (1 << 63) else number


def _key_less(a: str, b: str, v3: bool = False) -> bool:
    """sorter.go keyList.Less for two string keys; ``v3``: go-yaml v3's variant, where after a digit that both
    keys share a letter sorts before a non-letter."""
    length = min(len(a), len(b))
    digits = False
    for i in range(length):
        ca, cb = a[i], b[i]
        if ca == cb:
            digits = ca.isdecimal()
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return al if (v3 and digits) else bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = _wrap64(an * 10 + ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = _wrap64(bn * 10 + ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _key_cmp(a, b) -> int:
    if _key_less(a, b):
        return -1
    if _key_less(b, a):
        return 1
    return 0


def _key_cmp_v3(a, b) -> int:
    if _key_less(a, b, True):
        return -1
    if _key_less(b, a, True):
        return 1
    return 0


_KEY_ORDER = functools.cmp_to_key(_key_cmp)
_KEY_ORDER_V3 = functools.cmp_to_key(_key_cmp_v3)


def sorted_keys(mapping: dict) -> list:
    """Keys of ``mapping`` (all strings) in go-yaml's order: letters after non-letters, digit runs numerically."""
    return sorted(mapping, key=_KEY_ORDER)


# ---------------------------------------------------------------------------------------------------------------
# The emitter (emitterc.go)
# ---------------------------------------------------------------------------------------------------------------

PLAIN, SINGLE, DOUBLE, LITERAL = 1, 2, 3, 4
_BEST_INDENT = 2
_BEST_WIDTH = 80
_BREAKS = "\r\n\x85\u2028\u2029"
_BLANKZ = " \t\x00" + _BREAKS


def _printable(ch: str) -> bool:
    code = ord(ch)
    return (code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF))


class _Scalar(object):
    """A scalar to print: its text, the style the encoder asked for, and the emitter's analysis of the text."""

    __slots__ = ("value", "style", "multiline", "flow_plain_allowed", "block_plain_allowed",
                 "single_quoted_allowed", "block_allowed")

    def __init__(self, value: str, style: int, v3: bool = False) -> None:
        self.value = value
        self.style = style
        self._analyze(v3)

    def _analyze(self, v3: bool) -> None:
        """yaml_emitter_analyze_scalar; ``v3``: go-yaml v3's rule that a tab only rules out plain and single-quoted
        styles (v2 counts it as a special character, which also rules out block literals)."""
        value = self.value
        if not value:
            self.multiline = False
            self.flow_plain_allowed = False
            self.block_plain_allowed = True
            self.single_quoted_allowed = True
            self.block_allowed = False
            return
        block_ind = flow_ind = line_breaks = special = tabs = False
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = previous_space = previous_break = False
        if value.startswith("---") or value.startswith("..."):
            block_ind = flow_ind = True
        preceded_by_ws = True
        last = len(value) - 1
        for i, ch in enumerate(value):
            followed_by_ws = i == last or value[i + 1] in " \t"
            if i == 0:
                if ch in "#,[]{}&*!|>'\"%@`":
                    flow_ind = block_ind = True
                elif ch in "?:":
                    flow_ind = True
                    if followed_by_ws:
                        block_ind = True
                elif ch == "-" and followed_by_ws:
                    flow_ind = block_ind = True
            else:
                if ch in ",?[]{}":
                    flow_ind = True
                elif ch == ":":
                    flow_ind = True
                    if followed_by_ws:
                        block_ind = True
                elif ch == "#" and preceded_by_ws:
                    flow_ind = block_ind = True
            if v3 and ch == "\t":
                tabs = True
            elif not _printable(ch):
                special = True
            if ch == " ":
                if i == 0:
                    leading_space = True
                if i == last:
                    trailing_space = True
                if previous_break:
                    break_space = True
                previous_space, previous_break = True, False
            elif ch in _BREAKS:
                line_breaks = True
                if i == 0:
                    leading_break = True
                if i == last:
                    trailing_break = True
                if previous_space:
                    space_break = True
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_by_ws = ch in _BLANKZ
        self.multiline = line_breaks
        flow_plain = block_plain = single = block = True
        if leading_space or leading_break or trailing_space or trailing_break:
            flow_plain = block_plain = False
        if trailing_space:
            block = False
        if break_space:
            flow_plain = block_plain = single = False
        if space_break or special or tabs:
            flow_plain = block_plain = single = False
        if space_break or special:
            block = False
        if line_breaks:
            flow_plain = block_plain = False
        if flow_ind:
            flow_plain = False
        if block_ind:
            block_plain = False
        self.flow_plain_allowed = flow_plain
        self.block_plain_allowed = block_plain
        self.single_quoted_allowed = single
        self.block_allowed = block


class _Map(list):
    """A mapping node of the emitter tree: a list of (key node, value node) pairs in output order."""


class _Emitter(object):
    """go-yaml's block emitter for one document of plain data (dict, list, _Scalar leaves).

    ``indent_sequences`` selects go-yaml v3's layout (a block sequence under a key is indented); ``width`` is the
    column after which plain and quoted scalars are folded at spaces (None: never).
    """

    def __init__(self, indent_sequences: bool = False, width=_BEST_WIDTH) -> None:
        self.out = []
        self.column = 0
        self.indent = -1
        self.whitespace = True
        self.indention = True
        self.flow_level = 0
        self.simple_key_context = False
        self.mapping_context = False
        self.indent_sequences = indent_sequences
        self.width = width if width is not None else (1 << 31) - 1

    # -- low-level writers ---------------------------------------------------------------------------------------
    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break_char(self, ch: str) -> None:
        if ch == "\n":
            self.put_break()
        else:
            self.out.append(ch)
            self.column = 0

    def write_indent(self) -> None:
        indent = self.indent if self.indent >= 0 else 0
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True
        self.indention = True

    def write_indicator(self, indicator: str, need_whitespace: bool, is_whitespace: bool,
                        is_indention: bool) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(indicator)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention

    def increase_indent(self, flow: bool, indentless: bool) -> int:
        saved = self.indent
        if self.indent < 0:
            self.indent = _BEST_INDENT if flow else 0
        elif not indentless:
            self.indent += _BEST_INDENT
        return saved

    # -- nodes ----------------------------------------------------------------------------------------------------
    def emit_document(self, node) -> str:
        self.emit_node(node, mapping=False, simple_key=False)
        self.indent = -1
        self.write_indent()
        return "".join(self.out)

    def emit_node(self, node, mapping: bool, simple_key: bool) -> None:
        self.mapping_context = mapping
        self.simple_key_context = simple_key
        if isinstance(node, _Scalar):
            self.emit_scalar(node)
        elif not isinstance(node, _Map):
            if not node or self.flow_level:
                self.emit_flow_empty("[", "]")
            else:
                self.emit_block_sequence(node)
        else:
            if not node or self.flow_level:
                self.emit_flow_empty("{", "}")
            else:
                self.emit_block_mapping(node)

    def emit_flow_empty(self, start: str, end: str) -> None:
        self.write_indicator(start, True, True, False)
        saved = self.increase_indent(True, False)
        self.flow_level += 1
        self.flow_level -= 1
        self.indent = saved
        self.write_indicator(end, False, False, False)

    def emit_block_sequence(self, items: list) -> None:
        if self.indent_sequences:
            indentless = False
        else:
            indentless = self.mapping_context and not self.indention
        saved = self.increase_indent(False, indentless)
        for item in items:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.emit_node(item, mapping=False, simple_key=False)
        self.indent = saved

    def emit_block_mapping(self, pairs: list) -> None:
        saved = self.increase_indent(False, False)
        for key, value in pairs:
            self.write_indent()
            if self.check_simple_key(key):
                self.emit_node(key, mapping=True, simple_key=True)
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.emit_node(key, mapping=True, simple_key=False)
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.emit_node(value, mapping=True, simple_key=False)
        self.indent = saved

    @staticmethod
    def check_simple_key(key) -> bool:
        if isinstance(key, _Scalar):
            if key.multiline:
                return False
            return len(key.value.encode("utf-8", "surrogatepass")) <= 128
        return not key  # an empty flow collection can be a simple key

    # -- scalars -----------------------------------------------------------------------------------------------
    def select_style(self, scalar: _Scalar) -> int:
        style = scalar.style
        if self.simple_key_context and scalar.multiline:
            style = DOUBLE
        if style == PLAIN:
            if (self.flow_level and not scalar.flow_plain_allowed) or \
                    (not self.flow_level and not scalar.block_plain_allowed):
                style = SINGLE
            if not scalar.value and (self.flow_level or self.simple_key_context):
                style = SINGLE
        if style == SINGLE and not scalar.single_quoted_allowed:
            style = DOUBLE
        if style == LITERAL:
            if not scalar.block_allowed or self.flow_level or self.simple_key_context:
                style = DOUBLE
        return style

    def emit_scalar(self, scalar: _Scalar) -> None:
        style = self.select_style(scalar)
        saved = self.increase_indent(True, False)
        allow_breaks = not self.simple_key_context
        if style == PLAIN:
            self.write_plain(scalar.value, allow_breaks)
        elif style == SINGLE:
            self.write_single(scalar.value, allow_breaks)
        elif style == DOUBLE:
            self.write_double(scalar.value, allow_breaks)
        else:
            self.write_literal(scalar.value)
        self.indent = saved

    def write_plain(self, value: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        spaces = breaks = False
        count = len(value)
        i = 0
        while i < count:
            ch = value[i]
            if ch == " ":
                if allow_breaks and not spaces and self.column > self.width and \
                        not (i + 1 < count and value[i + 1] == " "):
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break_char(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                spaces = breaks = False
            i += 1
        self.whitespace = False
        self.indention = False

    def write_single(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        spaces = breaks = False
        count = len(value)
        for i, ch in enumerate(value):
            if ch == " ":
                if allow_breaks and not spaces and self.column > self.width and 0 < i < count - 1 and \
                        value[i + 1] != " ":
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break_char(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if ch == "'":
                    self.put("'")
                self.put(ch)
                self.indention = False
                spaces = breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    def write_double(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator('"', True, False, False)
        spaces = False
        count = len(value)
        # go-yaml's is_bom looks at the first character whatever the position, so a leading BOM escapes them all.
        escape_all = value[:1] == "\ufeff"
        for i, ch in enumerate(value):
            code = ord(ch)
            if escape_all or not _printable(ch) or ch in _BREAKS or ch == '"' or ch == "\\":
                self.put("\\" + _double_escape(code))
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > self.width and i != 0 and i != count - 1:
                    self.write_indent()
                    if i + 1 < count and value[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_literal(self, value: str) -> None:
        self.write_indicator("|", True, False, False)
        if value[:1] == " " or value[:1] in _BREAKS:
            self.write_indicator(str(_BEST_INDENT), False, False, False)
        chomp = ""
        if not value or value[-1] not in _BREAKS:
            chomp = "-"
        elif len(value) == 1 or value[-2] in _BREAKS:
            chomp = "+"
        if chomp:
            self.write_indicator(chomp, False, False, False)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for ch in value:
            if ch in _BREAKS:
                self.write_break_char(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                breaks = False


_DOUBLE_ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r",
                   0x1B: "e", 0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P"}


def _double_escape(code: int) -> str:
    short = _DOUBLE_ESCAPES.get(code)
    if short is not None:
        return short
    if code <= 0xFF:
        return "x%02X" % code
    if code <= 0xFFFF:
        return "u%04X" % code
    return "U%08X" % code


# ---------------------------------------------------------------------------------------------------------------
# Building the node tree
# ---------------------------------------------------------------------------------------------------------------

def _string_scalar(text: str, v3: bool = False) -> _Scalar:
    if "\n" in text:
        return _Scalar(text, LITERAL, v3)
    needs = _needs_quotes_v3(text) if v3 else _needs_quotes(text)
    return _Scalar(text, DOUBLE if needs else PLAIN, v3)


def _yaml_float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return format_float_g(value)


def _json_number_node(text: str) -> _Scalar:
    """A JSON number as go-yaml v2 reads it back (int if ParseInt/ParseUint accept it, else float64)."""
    kind, value = resolve_plain(text)
    if kind == INT:
        return _Scalar(str(value), PLAIN)
    return _Scalar(_yaml_float(float(text)), PLAIN)


# Characters go-yaml's reader refuses in its input (readerc.go); encoding/json leaves them unescaped.
_YAML_FORBIDDEN = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
_NEL_RUN = re.compile(" *\x85(?: *\x85)* *")


def _fold_nel(match) -> str:
    breaks = match.group().count("\x85")
    return " " if breaks == 1 else "\n" * (breaks - 1)


def _json_string_roundtrip(text: str) -> str:
    """A string after encoding/json wrote it and go-yaml read it back as a double-quoted scalar.

    encoding/json leaves U+0085 (NEL) unescaped and YAML folds that line break like a newline in a quoted scalar;
    lone surrogates (invalid UTF-8 in Go) become U+FFFD.
    """
    if _YAML_FORBIDDEN.search(text):
        raise GoYamlError("error converting JSON to YAML: yaml: control characters are not allowed")
    if "\x85" in text:
        text = _NEL_RUN.sub(_fold_nel, text)
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_tree(value):
    """jsonable value -> emitter tree, as go-yaml v2 sees the JSON text of ``value``."""
    if value is None:
        return _Scalar("null", PLAIN)
    if value is True:
        return _Scalar("true", PLAIN)
    if value is False:
        return _Scalar("false", PLAIN)
    if isinstance(value, str):
        return _string_scalar(_json_string_roundtrip(value))
    if isinstance(value, int):
        return _json_number_node(str(value))
    if isinstance(value, float):
        return _json_number_node(go_json_float(value))
    if isinstance(value, dict):
        return _Map((_string_scalar(_json_string_roundtrip(key)), _json_tree(value[key]))
                    for key in sorted_keys(value))
    return [_json_tree(item) for item in value]


def marshal(value) -> str:
    """sigs.k8s.io/yaml ``Marshal(value)``: the YAML text, ending in a newline.

    Raises GoYamlError ``error marshaling into JSON: json: unsupported value: NaN`` (Go's text) when the value
    cannot be written as JSON.
    """
    try:
        data = jsonable(value)
    except GoJsonError as exc:
        raise GoYamlError("error marshaling into JSON: %s" % exc)
    tree = _json_tree(data)
    return _Emitter().emit_document(tree)


def dump(value) -> str:
    """Helm's ``toYaml``: :func:`marshal` without its final newline (pkg/engine/funcs.go toYAML).

    Raises GoYamlError when the value cannot be marshalled (``toYaml`` itself then prints "").
    """
    text = marshal(value)
    return text[:-1] if text.endswith("\n") else text


# ---------------------------------------------------------------------------------------------------------------
# go-yaml v3 (toYamlPretty)
# ---------------------------------------------------------------------------------------------------------------

_OLD_BOOLS = frozenset(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off",
                        "OFF"))


def _resolve_v3(text: str) -> str:
    """go-yaml v3 resolve: "str" or another kind (v3 booleans are only true/false; ints allow 0o)."""
    if text in ("", "~", "null", "Null", "NULL"):
        return NULL
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return BOOL
    if text in FLOAT_SPECIALS:
        return FLOAT
    hint = text[:1]
    if hint == ".":
        return FLOAT if GO_FLOAT.match(text) else STR
    if hint in "+-0123456789":
        if is_timestamp(text):
            return TIMESTAMP
        plain = text.replace("_", "")
        if go_parse_int(plain) is not None:
            return INT
        if YAML_STYLE_FLOAT.match(plain):
            return FLOAT
        if plain.startswith("0b") or plain.startswith("-0b"):
            digits = plain[3:] if plain.startswith("-") else plain[2:]
            if digits and all(c in "01" for c in digits):
                return INT
    return STR


def _needs_quotes_v3(text: str) -> bool:
    if _resolve_v3(text) != STR:
        return True
    if text in _OLD_BOOLS:
        return True
    return bool(text and text[0] in "+-0123456789" and ":" in text and _BASE60_FLOAT.match(text))


def _native_tree(value):
    """Python value -> emitter tree as go-yaml v3 encodes Go values directly (no JSON trip)."""
    if value is None:
        return _Scalar("null", PLAIN)
    if value is True:
        return _Scalar("true", PLAIN)
    if value is False:
        return _Scalar("false", PLAIN)
    if isinstance(value, str):
        if len(value) >= LARGE_STRING:
            grow("toYamlPretty", len(value))
        return _string_scalar(value, v3=True)
    if isinstance(value, int):
        return _Scalar(str(value), PLAIN)
    if isinstance(value, float):
        return _Scalar(_yaml_float(value), PLAIN)
    if isinstance(value, dict):
        node_tick("toYamlPretty")
        keys = list(value)
        if all(isinstance(k, str) for k in keys):
            keys = sorted(keys, key=_KEY_ORDER_V3)
        return _Map((_native_tree(k), _native_tree(value[k])) for k in keys)
    if isinstance(value, (list, tuple)):
        node_tick("toYamlPretty")
        return [_native_tree(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return _native_tree(bytes(value).decode("utf-8", "replace"))
    converter = getattr(value, "go_json", None)
    if callable(converter):
        return _native_tree(converter())
    raise GoYamlError("cannot marshal type: %s" % go_type_label(value))


def marshal_pretty(value) -> str:
    """Helm's ``toYamlPretty`` (go-yaml v3 Encoder, SetIndent(2)): YAML text without the final newline.

    Sequences under a key are indented; long lines are not folded. Raises GoYamlError for values go-yaml cannot
    encode.
    """
    text = _Emitter(indent_sequences=True, width=None).emit_document(_native_tree(value))
    return text[:-1] if text.endswith("\n") else text


# ---------------------------------------------------------------------------------------------------------------
# Parsing (sigs.k8s.io/yaml Unmarshal into interface{})
# ---------------------------------------------------------------------------------------------------------------

_PLAIN_TAG = "tag:helmkit,2026:go-plain"


class _GoResolver(yaml.resolver.BaseResolver if HAS_YAML else object):
    """Every untagged plain scalar goes to go-yaml's resolve; quoted scalars are strings."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            if value == "<<":
                return "tag:yaml.org,2002:merge"
            return _PLAIN_TAG
        return super(_GoResolver, self).resolve(kind, value, implicit)


class _GoConstructor(yaml.constructor.SafeConstructor if HAS_YAML else object):
    """SafeConstructor with go-yaml v2's scalar meanings and its timestamps-stay-strings rule."""

    def construct_go_plain(self, node):
        kind, value = resolve_plain(node.value)
        if kind == MERGE:
            return node.value
        return value

    def construct_mapping(self, node, deep=False):
        """Keys become their JSON strings at once (Python would merge True with 1 and 1.0 as one dict key)."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, (yaml.MappingNode, yaml.SequenceNode)):
                raise GoYamlError("error converting YAML to JSON: yaml: invalid map key: %s"
                                  % _go_sharp(self._raw(key_node)))
            key = self.construct_object(key_node, deep=True)
            if key is None:
                value = self.construct_object(value_node, deep=True)
                raise GoYamlError("error converting YAML to JSON: unsupported map key of type: %%!s(<nil>), key: "
                                  "<nil>, value: %s" % ("<nil>" if value is None else _go_sharp(value)))
            mapping[_yaml_key_string(key)] = self.construct_object(value_node, deep=deep)
        return mapping

    def _raw(self, node):
        """A collection node as go-yaml decodes it into interface{} (keys not turned into strings), for messages."""
        if isinstance(node, yaml.MappingNode):
            return [(self._raw(k), self._raw(v)) for k, v in node.value]
        if isinstance(node, yaml.SequenceNode):
            return _RawList(self._raw(item) for item in node.value)
        if node.tag == _PLAIN_TAG:
            return resolve_plain(node.value)[1]
        return node.value

    def construct_yaml_timestamp(self, node):
        return node.value

    def _explicit(self, node, want: str):
        """A scalar with an explicit !!int/!!float/!!bool/!!null tag: go-yaml resolves the text and refuses
        a mismatch ("cannot decode !!str `x` as a !!int")."""
        kind, value = resolve_plain(node.value)
        if kind == want or (want == FLOAT and kind == INT):
            return float(value) if want == FLOAT else value
        shown = {STR: "str", INT: "int", FLOAT: "float", BOOL: "bool", NULL: "null", TIMESTAMP: "timestamp",
                 MERGE: "merge"}[kind]
        raise GoYamlError("error converting YAML to JSON: yaml: cannot decode !!%s `%s` as a !!%s" % (
            shown, node.value, {INT: "int", FLOAT: "float", BOOL: "bool", NULL: "null"}[want]))

    def construct_yaml_int(self, node):
        return self._explicit(node, INT)

    def construct_yaml_float(self, node):
        return self._explicit(node, FLOAT)

    def construct_yaml_bool(self, node):
        return self._explicit(node, BOOL)

    def construct_yaml_null(self, node):
        return self._explicit(node, NULL)

    def construct_yaml_binary(self, node):
        return super(_GoConstructor, self).construct_yaml_binary(node).decode("utf-8", "replace")

    def construct_yaml_str(self, node):
        """!!str on a collection: go-yaml decodes the collection into interface{} and ignores the tag."""
        if isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        return super(_GoConstructor, self).construct_yaml_str(node)


if HAS_YAML:
    _GoConstructor.add_constructor(_PLAIN_TAG, _GoConstructor.construct_go_plain)
    _GoConstructor.add_constructor("tag:yaml.org,2002:timestamp", _GoConstructor.construct_yaml_timestamp)
    _GoConstructor.add_constructor("tag:yaml.org,2002:binary", _GoConstructor.construct_yaml_binary)
    _GoConstructor.add_constructor("tag:yaml.org,2002:str", _GoConstructor.construct_yaml_str)
    _GoConstructor.add_constructor("tag:yaml.org,2002:int", _GoConstructor.construct_yaml_int)
    _GoConstructor.add_constructor("tag:yaml.org,2002:float", _GoConstructor.construct_yaml_float)
    _GoConstructor.add_constructor("tag:yaml.org,2002:bool", _GoConstructor.construct_yaml_bool)
    _GoConstructor.add_constructor("tag:yaml.org,2002:null", _GoConstructor.construct_yaml_null)

    class _GoLoader(CParser, _GoConstructor, _GoResolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            _GoConstructor.__init__(self)
            _GoResolver.__init__(self)
else:  # pragma: no cover - depends on the host
    _GoLoader = yaml.unavailable


_ALIAS_NAME = re.compile(r"\*([0-9A-Za-z_-]+)")


def _yaml_error_message(exc: yaml.YAMLError, text: str = "") -> str:
    """go-yaml v2 parser.fail(): "yaml: line N: problem" with its own line rule (0-based parser marks, 1-based
    scanner marks, the context mark when the problem mark is on the first line, no line at all when both are 0)."""
    if isinstance(exc, yaml.reader.ReaderError):
        return "yaml: control characters are not allowed"
    problem = getattr(exc, "problem", None) or "unknown problem parsing YAML content"
    if problem.startswith("expected a mapping or list of mappings for merging") or \
            problem.startswith("expected a mapping for merging"):
        return "yaml: map merge requires map or sequence of maps as the value"
    problem_mark = getattr(exc, "problem_mark", None)
    if problem.startswith("found undefined alias"):
        match = _ALIAS_NAME.match(text, problem_mark.index) if problem_mark is not None else None
        return "yaml: unknown anchor '%s' referenced" % (match.group(1) if match else "")
    context_mark = getattr(exc, "context_mark", None)
    line = 0
    if problem_mark is not None and problem_mark.line != 0:
        line = problem_mark.line + (1 if isinstance(exc, yaml.scanner.ScannerError) else 0)
    elif context_mark is not None and context_mark.line != 0:
        line = context_mark.line
    return "yaml: %s%s" % ("line %d: " % line if line else "", problem)


class _RawList(list):
    """A decoded YAML sequence (as opposed to the pair list that stands for a raw mapping in messages)."""


def _go_sharp(value) -> str:
    """Go's %#v of a decoded YAML value (used in go-yaml's "invalid map key" message)."""
    if isinstance(value, _RawList):
        return "[]interface {}{" + ", ".join(_go_sharp(v) for v in value) + "}"
    if isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value) and value:
        return "map[interface {}]interface {}{" + ", ".join(
            "%s:%s" % (_go_sharp(k), _go_sharp(v)) for k, v in value) + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp(v) for v in value) + "}"
    if isinstance(value, dict):
        return "map[interface {}]interface {}{" + ", ".join(
            "%s:%s" % (_go_sharp(k), _go_sharp(v)) for k, v in value.items()) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "interface {}(nil)"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float_g(value)
    return str(value)


def check_aliases(value, text: str, source: str = "") -> None:  # pylint: disable=unused-argument
    """go-yaml's alias guards (gocompat/yamlalias.py, the one implementation) for a decoded document ``value``
    parsed from ``text``, raising GoYamlError with go-yaml's text: ``yaml: anchor 'a' value contains itself`` for a
    recursive alias, and Go's "excessive aliasing" (naming HELMKIT_MAX_YAML_NODES) for an alias bomb."""
    try:
        yamlalias.check_aliases(value, text)
    except yamlalias.AliasError as exc:
        raise GoYamlError("yaml: %s" % exc.problem) from None


def _to_json_value(value):
    """A go-yaml v2 decoded value -> what encoding/json hands back for it (sigs.k8s.io/yaml's JSON trip)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out[_yaml_key_string(key)] = _to_json_value(item)
        return out
    if isinstance(value, list):
        return [_to_json_value(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        go_json_float(value)
        return value
    return value


def _yaml_key_string(key) -> str:
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        if math.isnan(key):
            return ".nan"
        if math.isinf(key):
            return ".inf" if key > 0 else "-.inf"
        return _format_float32_g(key)
    raise GoYamlError("error converting YAML to JSON: Unsupported map key of type: %s, key: %r" % (
        go_type_label(key), key))


def _format_float32_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 32): shortest digits that round-trip through float32."""
    import struct
    f32 = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 18):
        text = "%.*e" % (digits - 1, f32)
        if struct.unpack("f", struct.pack("f", float(text)))[0] == f32:
            return format_float_g(float(text))
    return format_float_g(f32)


def unmarshal(text: str):
    """sigs.k8s.io/yaml ``Unmarshal`` of the first YAML document into ``interface{}``.

    Returns dicts with string keys, lists, str, bool, None and float (every number). An empty document gives None.
    Raises GoYamlError ``error converting YAML to JSON: yaml: line N: ...`` for bad YAML and
    ``error converting YAML to JSON: json: unsupported value: NaN`` for values JSON cannot hold.
    """
    loader = _GoLoader(text)
    try:
        try:
            node = loader.get_node() if loader.check_node() else None
            data = loader.construct_document(node) if node is not None else None
        except GoYamlError:
            raise
        except yaml.YAMLError as exc:
            raise GoYamlError("error converting YAML to JSON: %s" % _yaml_error_message(exc, text))
        except (ValueError, TypeError, ArithmeticError) as exc:  # a value its explicit tag cannot hold
            raise GoYamlError("error converting YAML to JSON: yaml: %s" % exc)
    finally:
        loader.dispose()
    try:
        check_aliases(data, text, "fromYaml")
    except GoYamlError as exc:
        raise GoYamlError("error converting YAML to JSON: %s" % exc)
    try:
        return _to_json_value(data)
    except GoJsonError as exc:
        raise GoYamlError("error converting YAML to JSON: %s" % exc)
