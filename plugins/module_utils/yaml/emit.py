"""The block emitter both go-yaml versions share (a port of libyaml's emitterc.go), and go-yaml's key order.

gopkg.in/yaml.v2 and yaml.v3 print with the same machine: block style, indent 2, scalars in the plainest style
their text allows (yaml_emitter_analyze_scalar, yaml_emitter_select_scalar_style), quoted scalars folded at column
80 (v2), keys sorted by sorter.go's keyList.Less. yaml/emit_v2.py (``toYaml``) and yaml/emit_v3.py
(``toYamlPretty``) build a tree of :class:`Scalar`, :class:`Map` and lists (each a :class:`TreeBuilder`, which holds
the type dispatch both share) and print it with :class:`Emitter`; the v3 differences are flags (``v3`` in the
scalar analysis and key order, ``indent_sequences``, no folding).
"""
from __future__ import annotations

import functools
import math

from ..gocompat.strconv import format_float

__all__ = ["PLAIN", "SINGLE", "DOUBLE", "LITERAL", "Scalar", "Map", "Emitter", "TreeBuilder", "string_scalar",
           "yaml_float", "sorted_keys", "sorted_keys_v3"]


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
    """Keys of ``mapping`` (all strings) in go-yaml v2's order: letters after non-letters, digit runs numerically."""
    return sorted(mapping, key=_KEY_ORDER)


def sorted_keys_v3(keys) -> list:
    """String ``keys`` in go-yaml v3's order (:func:`sorted_keys` but, after a digit both keys share, a letter
    sorts before a non-letter)."""
    return sorted(keys, key=_KEY_ORDER_V3)


# ---------------------------------------------------------------------------------------------------------------
# The emitter (emitterc.go)
# ---------------------------------------------------------------------------------------------------------------

#: Scalar styles (yaml_scalar_style_t).
PLAIN, SINGLE, DOUBLE, LITERAL = 1, 2, 3, 4
_BEST_INDENT = 2
_BEST_WIDTH = 80
_BREAKS = "\r\n\x85\u2028\u2029"
_BLANKZ = " \t\x00" + _BREAKS


def _printable(ch: str) -> bool:
    code = ord(ch)
    return (code == 0x0A or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or (0xE000 <= code <= 0xFFFD and code != 0xFEFF))


class Scalar(object):
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


class Map(list):
    """A mapping node of the emitter tree: a list of (key node, value node) pairs in output order."""


class Emitter(object):
    """go-yaml's block emitter for one document of plain data (dict, list, Scalar leaves).

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
        """The text of one document whose root is ``node`` (Scalar, Map or list), ending in a newline."""
        self.emit_node(node, mapping=False, simple_key=False)
        self.indent = -1
        self.write_indent()
        return "".join(self.out)

    def emit_node(self, node, mapping: bool, simple_key: bool) -> None:
        self.mapping_context = mapping
        self.simple_key_context = simple_key
        if isinstance(node, Scalar):
            self.emit_scalar(node)
        elif not isinstance(node, Map):
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
        if isinstance(key, Scalar):
            if key.multiline:
                return False
            return len(key.value.encode("utf-8", "surrogatepass")) <= 128
        return not key  # an empty flow collection can be a simple key

    # -- scalars -----------------------------------------------------------------------------------------------
    def select_style(self, scalar: Scalar) -> int:
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

    def emit_scalar(self, scalar: Scalar) -> None:
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
# Scalars of the tree
# ---------------------------------------------------------------------------------------------------------------

def string_scalar(text: str, needs_quotes, v3: bool = False) -> Scalar:
    """The tree node of a string value as go-yaml's encoder asks for it (encode.go stringv): a literal block when
    it holds a newline, double-quoted when ``needs_quotes(text)`` (the version's resolver would read it as another
    type), else plain; the emitter may still pick a safer style (``v3``: go-yaml v3's analysis)."""
    if "\n" in text:
        return Scalar(text, LITERAL, v3)
    return Scalar(text, DOUBLE if needs_quotes(text) else PLAIN, v3)


def yaml_float(value: float) -> str:
    """A float as go-yaml writes it: ``.nan``, ``.inf``, ``-.inf``, else strconv.FormatFloat(value, 'g', -1, 64)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return format_float(value)


# ---------------------------------------------------------------------------------------------------------------
# Value -> tree: the type dispatch both encoders share
# ---------------------------------------------------------------------------------------------------------------

class TreeBuilder(object):
    """Python value -> emitter tree (:class:`Scalar`, :class:`Map`, lists): the one type dispatch of go-yaml's
    encoders (encode.go marshal: nil, bool, string, int, float, map, slice, anything else).

    ``None``/``True``/``False`` are ``null``/``true``/``false`` in both versions; a subclass says what each other
    kind becomes: :meth:`string`, :meth:`integer`, :meth:`floating`, :meth:`mapping` (call :meth:`build` for the
    keys and values it keeps), :meth:`sequence` and :meth:`other` (anything else: convert it or raise).
    yaml/emit_v2.py (``toYaml``, JSON data) and yaml/emit_v3.py (``toYamlPretty``, Go values) are the two.
    """

    def build(self, value):
        """The tree node of ``value``; raises what the subclass's methods raise (GoYamlError)."""
        if value is None:
            return Scalar("null", PLAIN)
        if value is True:
            return Scalar("true", PLAIN)
        if value is False:
            return Scalar("false", PLAIN)
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, int):
            return self.integer(value)
        if isinstance(value, float):
            return self.floating(value)
        if isinstance(value, dict):
            return self.mapping(value)
        if isinstance(value, (list, tuple)):
            return self.sequence(value)
        return self.other(value)

    def string(self, value: str) -> Scalar:
        raise NotImplementedError

    def integer(self, value: int) -> Scalar:
        return Scalar(str(value), PLAIN)

    def floating(self, value: float) -> Scalar:
        return Scalar(yaml_float(value), PLAIN)

    def mapping(self, value: dict) -> Map:
        raise NotImplementedError

    def sequence(self, value) -> list:
        build = self.build
        return [build(item) for item in value]

    def other(self, value):
        raise NotImplementedError
