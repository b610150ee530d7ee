"""Parser for Go's text/template, producing trees of :mod:`nodes` (text/template/parse/parse.go).

``parse_full(name, text, has_function)`` returns ``{template name: Tree}``: the file's own tree under ``name`` plus
one tree per ``{{define}}``/``{{block}}``. Errors raise TemplateParseError with Go's text, e.g.
``template: NAME:LINE: unexpected "}" in operand`` or ``template: NAME:LINE: function "foo" not defined``.
"""
from __future__ import annotations

import math

from . import lexer as lx
from . import nodes as nd
from .tokens import (  # token types as module globals: the parser compares them in its hottest paths
    ASSIGN, BLOCK, BOOL, BREAK, CHAR, CHAR_CONSTANT, COMPLEX, CONTINUE, DECLARE, DEFINE, DOT, ELSE, END, EOF,
    ERROR, FIELD, IDENTIFIER, IF, LEFT_DELIM, LEFT_PAREN, NIL, NUMBER, PIPE, RANGE, RAW_STRING, RIGHT_DELIM,
    RIGHT_PAREN, SPACE, STRING, TEMPLATE, TEXT, VARIABLE, WITH)
from ..gocompat.strconv import go_quote, underscore_ok
from .errors import TemplateParseError


class Parser(object):
    """Parsing state of one file (Go's *parse.Tree during Parse); trees for defines share it."""

    def __init__(self, name: str, text: str, has_function) -> None:
        self.name = name
        self.text = text
        self.items = lx.lex(name, text)
        self.index = 0
        self.token = [None, None, None]
        self.peek_count = 0
        self.has_function = has_function
        self.tree_set = {}
        # per-tree state (saved/restored around define and block)
        self.tree = None
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0

    # -- token stream ------------------------------------------------------------------------------------------
    def _lex_next(self):
        items = self.items
        index = self.index
        if index < len(items):
            self.index = index + 1
            return items[index]
        return items[-1]

    def next(self):
        if self.peek_count > 0:
            self.peek_count -= 1
            return self.token[self.peek_count]
        item = self.token[0] = self._lex_next()
        return item

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2, t1) -> None:
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self):
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        self.token[0] = self._lex_next()
        return self.token[0]

    def next_non_space(self):
        while True:  # next() inlined: this is the parser's hottest loop
            if self.peek_count > 0:
                self.peek_count -= 1
                token = self.token[self.peek_count]
            else:
                token = self.token[0] = self._lex_next()
            if token[0] != SPACE:
                return token

    def peek_non_space(self):
        token = self.next_non_space()
        self.peek_count += 1
        return token

    # -- errors ------------------------------------------------------------------------------------------------
    def errorf(self, message: str):
        line = self.token[0].line if self.token[0] is not None else 1
        raise TemplateParseError("template: %s:%d: %s" % (self.name, line, message))

    def expect(self, expected: int, context: str):
        token = self.next_non_space()
        if token[0] != expected:
            self.unexpected(token, context)
        return token

    def expect_one_of(self, expected1: int, expected2: int, context: str):
        token = self.next_non_space()
        if token[0] != expected1 and token[0] != expected2:
            self.unexpected(token, context)
        return token

    def unexpected(self, token, context: str):
        if token[0] == ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != token.line:
                extra = " in action started at %s:%d" % (self.name, self.action_line)
                if token.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf("%s%s" % (token, extra))
        self.errorf("unexpected %s in %s" % (token, context))

    # -- trees -------------------------------------------------------------------------------------------------
    def _new_tree(self, name: str):
        return nd.Tree(name, self.name, self.text)

    def _add(self, tree) -> None:
        old = self.tree_set.get(tree.name)
        if old is None or nd.is_empty_tree(old.root):
            self.tree_set[tree.name] = tree
            return
        if not nd.is_empty_tree(tree.root):
            self.errorf("template: multiple definition of template %s" % _q(tree.name))

    def parse(self) -> dict:
        """Parse the whole file; returns the tree set."""
        tree = self._new_tree(self.name)
        self.tree = tree
        tree.root = nd.ListNode(tree, self.peek().pos)
        while self.peek()[0] != EOF:
            if self.peek()[0] == LEFT_DELIM:
                delim = self.next()
                if self.next_non_space()[0] == DEFINE:
                    self._parse_definition()
                    self.tree = tree
                    continue
                self.backup2(delim)
            node = self.text_or_action()
            if isinstance(node, (nd.EndNode, nd.ElseNode)):
                self.errorf("unexpected %s" % node)
            tree.root.nodes.append(node)
        self._add(tree)
        return self.tree_set

    def _parse_definition(self) -> None:
        context = "define clause"
        saved = (self.vars, self.range_depth, self.action_line)
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0
        name_token = self.expect_one_of(STRING, RAW_STRING, context)
        tree = self._new_tree(go_unquote(name_token.val, self))
        self.tree = tree
        self.expect(RIGHT_DELIM, context)
        tree.root, end = self.item_list()
        if not isinstance(end, nd.EndNode):
            self.errorf("unexpected %s in %s" % (end, context))
        self._add(tree)
        self.vars, self.range_depth, self.action_line = saved

    def item_list(self):
        lst = nd.ListNode(self.tree, self.peek_non_space().pos)
        while self.peek_non_space()[0] != EOF:
            node = self.text_or_action()
            if isinstance(node, (nd.EndNode, nd.ElseNode)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")

    def text_or_action(self):
        token = self.next_non_space()
        if token[0] == TEXT:
            return nd.TextNode(self.tree, token.pos, token.val)
        if token[0] == LEFT_DELIM:
            saved = self.action_line
            self.action_line = token.line
            node = self.action()
            self.action_line = saved if saved == 0 else 0
            return node
        self.unexpected(token, "input")

    def action(self):
        token = self.next_non_space()
        typ = token[0]
        if typ == BLOCK:
            return self.block_control()
        if typ == BREAK:
            return self.break_control(token.pos, token.line)
        if typ == CONTINUE:
            return self.continue_control(token.pos, token.line)
        if typ == ELSE:
            return self.else_control()
        if typ == END:
            return self.end_control()
        if typ == IF:
            return self.if_control()
        if typ == RANGE:
            return self.range_control()
        if typ == TEMPLATE:
            return self.template_control()
        if typ == WITH:
            return self.with_control()
        self.backup()
        token = self.peek()
        return nd.ActionNode(self.tree, token.pos, token.line, self.pipeline("command", RIGHT_DELIM))

    def break_control(self, pos: int, line: int):
        token = self.next_non_space()
        if token[0] != RIGHT_DELIM:
            self.unexpected(token, "{{break}}")
        if self.range_depth == 0:
            self.errorf("{{break}} outside {{range}}")
        return nd.BreakNode(self.tree, pos, line)

    def continue_control(self, pos: int, line: int):
        token = self.next_non_space()
        if token[0] != RIGHT_DELIM:
            self.unexpected(token, "{{continue}}")
        if self.range_depth == 0:
            self.errorf("{{continue}} outside {{range}}")
        return nd.ContinueNode(self.tree, pos, line)

    def pipeline(self, context: str, end: int):
        token = self.peek_non_space()
        pipe = nd.PipeNode(self.tree, token.pos, token.line)
        while True:  # decls
            v = self.peek_non_space()
            if v[0] != VARIABLE:
                break
            self.next()
            token_after = self.peek()
            nxt = self.peek_non_space()
            if nxt[0] == ASSIGN or nxt[0] == DECLARE:
                pipe.is_assign = nxt[0] == ASSIGN
                self.next_non_space()
                pipe.decl.append(nd.VariableNode(self.tree, v.pos, v.val))
                self.vars.append(v.val)
            elif nxt[0] == CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(nd.VariableNode(self.tree, v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space()[0] in (VARIABLE, RIGHT_DELIM, RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf("too many declarations in %s" % context)
            elif token_after[0] == SPACE:
                self.backup3(v, token_after)
            else:
                self.backup2(v)
            break
        while True:
            token = self.next_non_space()
            typ = token[0]
            if typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if typ in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(token, context)

    def check_pipeline(self, pipe, context: str) -> None:
        if not pipe.cmds:
            self.errorf("missing value for %s" % context)
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(cmd.args[0], (nd.BoolNode, nd.DotNode, nd.NilNode, nd.NumberNode, nd.StringNode)):
                self.errorf("non executable command in pipeline stage %d" % (i + 2))

    def parse_control(self, context: str):
        mark = len(self.vars)
        pipe = self.pipeline(context, RIGHT_DELIM)
        if context == "range":
            self.range_depth += 1
        lst, nxt = self.item_list()
        if context == "range":
            self.range_depth -= 1
        else_list = None
        if isinstance(nxt, nd.ElseNode):
            if context == "if" and self.peek()[0] == IF:
                self.next()
                else_list = nd.ListNode(self.tree, nxt.pos)
                else_list.nodes.append(self.if_control())
            elif context == "with" and self.peek()[0] == WITH:
                self.next()
                else_list = nd.ListNode(self.tree, nxt.pos)
                else_list.nodes.append(self.with_control())
            else:
                else_list, nxt = self.item_list()
                if not isinstance(nxt, nd.EndNode):
                    self.errorf("expected end; found %s" % nxt)
        del self.vars[mark:]
        return pipe.pos, pipe.line, pipe, lst, else_list

    def if_control(self):
        return nd.IfNode(self.tree, *self.parse_control("if"))

    def range_control(self):
        return nd.RangeNode(self.tree, *self.parse_control("range"))

    def with_control(self):
        return nd.WithNode(self.tree, *self.parse_control("with"))

    def end_control(self):
        return nd.EndNode(self.tree, self.expect(RIGHT_DELIM, "end").pos)

    def else_control(self):
        peek = self.peek_non_space()
        if peek[0] == IF or peek[0] == WITH:
            return nd.ElseNode(self.tree, peek.pos, peek.line)
        token = self.expect(RIGHT_DELIM, "else")
        return nd.ElseNode(self.tree, token.pos, token.line)

    def block_control(self):
        context = "block clause"
        token = self.next_non_space()
        name = self.parse_template_name(token, context)
        pipe = self.pipeline(context, RIGHT_DELIM)
        outer = self.tree
        saved = (self.vars, self.range_depth, self.action_line)
        self.vars = ["$"]
        self.range_depth = 0
        self.action_line = 0
        block = self._new_tree(name)
        self.tree = block
        block.root, end = self.item_list()
        if not isinstance(end, nd.EndNode):
            self.errorf("unexpected %s in %s" % (end, context))
        self._add(block)
        self.tree = outer
        self.vars, self.range_depth, self.action_line = saved
        return nd.TemplateNode(self.tree, token.pos, token.line, name, pipe)

    def template_control(self):
        context = "template clause"
        token = self.next_non_space()
        name = self.parse_template_name(token, context)
        pipe = None
        if self.next_non_space()[0] != RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, RIGHT_DELIM)
        return nd.TemplateNode(self.tree, token.pos, token.line, name, pipe)

    def parse_template_name(self, token, context: str) -> str:
        if token[0] == STRING or token[0] == RAW_STRING:
            return go_unquote(token.val, self)
        self.unexpected(token, context)

    def command(self):
        cmd = nd.CommandNode(self.tree, self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            typ = token[0]
            if typ == SPACE:
                continue
            if typ == RIGHT_DELIM or typ == RIGHT_PAREN:
                self.backup()
            elif typ == PIPE:
                pass
            else:
                self.unexpected(token, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self):
        node = self.term()
        if node is None:
            return None
        if self.peek()[0] == FIELD:
            chain = nd.ChainNode(self.tree, self.peek().pos, node)
            while self.peek()[0] == FIELD:
                chain.add(self.next().val)
            if isinstance(node, nd.FieldNode):
                node = nd.FieldNode(self.tree, chain.pos, str(chain))
            elif isinstance(node, nd.VariableNode):
                node = nd.VariableNode(self.tree, chain.pos, str(chain))
            elif isinstance(node, (nd.BoolNode, nd.StringNode, nd.NumberNode, nd.NilNode, nd.DotNode)):
                self.errorf("unexpected . after term %s" % _q(str(node)))
            else:
                node = chain
        return node

    def term(self):
        token = self.next_non_space()
        typ = token[0]
        if typ == IDENTIFIER:
            if not self.has_function(token.val):
                self.errorf("function %s not defined" % _q(token.val))
            return nd.IdentifierNode(self.tree, token.pos, token.val)
        elif typ == DOT:
            return nd.DotNode(self.tree, token.pos)
        elif typ == NIL:
            return nd.NilNode(self.tree, token.pos)
        elif typ == VARIABLE:
            return self.use_var(token.pos, token.val)
        elif typ == FIELD:
            return nd.FieldNode(self.tree, token.pos, token.val)
        elif typ == BOOL:
            return nd.BoolNode(self.tree, token.pos, token.val == "true")
        elif typ in (CHAR_CONSTANT, COMPLEX, NUMBER):
            return self.new_number(token)
        elif typ == LEFT_PAREN:
            return self.pipeline("parenthesized pipeline", RIGHT_PAREN)
        elif typ == STRING or typ == RAW_STRING:
            return nd.StringNode(self.tree, token.pos, token.val, go_unquote(token.val, self))
        self.backup()
        return None

    def use_var(self, pos: int, name: str):
        v = nd.VariableNode(self.tree, pos, name)
        if v.ident[0] in self.vars:
            return v
        self.errorf("undefined variable %s" % _q(v.ident[0]))

    def new_number(self, token):
        node = nd.NumberNode(self.tree, token.pos, token.val)
        text = token.val
        if token[0] == CHAR_CONSTANT:
            value, tail = _unquote_char(text[1:], "'", self)
            if tail != "'":
                self.errorf("malformed character constant: %s" % text)
            if value < 0:  # \x and octal escapes are byte values; in a rune constant they are the rune
                value = -value - 1
            node.is_int = node.is_float = True
            node.int_value = value
            node.float_value = float(value)
            node.value = value
            return node
        if token[0] == COMPLEX:
            value = _parse_complex(text)
            if value is None:
                self.errorf("strconv.ParseComplex: parsing %s: invalid syntax" % _q(text))
            return _complex_node(node, value)
        if text.endswith("i"):
            imaginary = _parse_float(text[:-1]) if text[:-1] else None
            if imaginary is None:
                imaginary = _parse_int(text[:-1]) if text[:-1] else None
            if imaginary is not None:
                return _complex_node(node, complex(0, imaginary))
        ival = _parse_int(text)
        if ival is not None:
            if -(1 << 63) <= ival < (1 << 63):
                node.is_int = True
                node.int_value = ival
                node.is_float = True
                node.float_value = float(ival)
            elif 0 <= ival < (1 << 64):
                node.is_float = True
                node.float_value = float(ival)
                node.int_value = ival
        else:
            fval = _parse_float(text)
            if fval is not None:
                if not any(c in text for c in ".eEpP"):
                    self.errorf("integer overflow: %s" % _q(text))
                node.is_float = True
                node.float_value = fval
                if math.isfinite(fval) and fval == int(fval) \
                        and -(1 << 63) <= int(fval) < (1 << 63):
                    node.is_int = True
                    node.int_value = int(fval)
        if not node.is_int and not node.is_float:
            self.errorf("illegal number syntax: %s" % _q(text))
        # idealConstant: the syntax decides between int and float64.
        is_hex_int = len(text) > 2 and text[0] == "0" and text[1] in "xX" and not any(c in text for c in "pP")
        if node.is_float and not is_hex_int and any(c in text for c in ".eEpP"):
            node.value = node.float_value
        elif node.is_int:
            node.value = node.int_value
        else:
            node.value = None  # uint-only: "overflows int" at execution
        return node


def _complex_node(node, value: complex):
    """NumberNode for a complex constant (Go's newNumber + simplifyComplex); executes as a complex128."""
    node.is_complex = True
    node.value = value
    if value.imag == 0:
        node.is_float = True
        node.float_value = value.real
        if value.real == int(value.real):
            node.is_int = True
            node.int_value = int(value.real)
    return node


def _parse_complex(text: str):
    """strconv.ParseComplex for the lexer's "a+bi" form; None if invalid."""
    body = text[:-1]
    for k in range(len(body) - 1, 0, -1):
        if body[k] in "+-" and body[k - 1] not in "eEpP":
            real = _parse_float(body[:k]) if any(c in body[:k] for c in ".eEpP") else _parse_int(body[:k])
            imag = _parse_float(body[k:]) if any(c in body[k:] for c in ".eEpP") else _parse_int(body[k:])
            if real is None or imag is None:
                return None
            return complex(float(real), float(imag))
    return None


_OPERAND_START = frozenset([BOOL, CHAR_CONSTANT, COMPLEX, DOT, FIELD, IDENTIFIER, NUMBER,
                            NIL, RAW_STRING, STRING, VARIABLE, LEFT_PAREN])


def _q(s: str) -> str:
    return go_quote(s)


# -- Go literals -------------------------------------------------------------------------------------------------

def _parse_int(text: str):
    """strconv.ParseInt(text, 0, 64)-like syntax check; returns a Python int (unbounded) or None."""
    s = text
    sign = 1
    if s[:1] in ("+", "-"):
        if s[0] == "-":
            sign = -1
        s = s[1:]
    if not s:
        return None
    if "_" in s and not underscore_ok(s):
        return None
    body = s.replace("_", "")
    try:
        if len(body) >= 2 and body[0] == "0" and body[1] in "xX":
            value = int(body[2:], 16) if body[2:] and all(c in "0123456789abcdefABCDEF" for c in body[2:]) else None
        elif len(body) >= 2 and body[0] == "0" and body[1] in "oO":
            value = int(body[2:], 8) if body[2:] and all(c in "01234567" for c in body[2:]) else None
        elif len(body) >= 2 and body[0] == "0" and body[1] in "bB":
            value = int(body[2:], 2) if body[2:] and all(c in "01" for c in body[2:]) else None
        elif len(body) >= 2 and body[0] == "0":
            if "_" in s and s[1] == "_":
                pass
            value = int(body[1:], 8) if all(c in "01234567" for c in body[1:]) else None
        elif body.isdigit() and body.isascii() and len(body.lstrip("0")) > 64:
            value = 1 << 64  # out of range whatever the sign; int() would refuse over 4,300 digits
        else:
            value = int(body, 10) if body.isdigit() and body.isascii() else None
    except ValueError:
        return None
    if value is None:
        return None
    return sign * value


def _parse_float(text: str):
    s = text
    if "_" in s and not underscore_ok(s):
        return None
    s = s.replace("_", "")
    body = s.lstrip("+-")
    try:
        if body[:2].lower() == "0x":
            if "p" not in body.lower():
                return None
            value = float.fromhex(body)
            return -value if s.startswith("-") else value
        if not body or not all(c in "0123456789.eE+-" for c in body):
            return None
        value = float(s)
        if value in (float("inf"), float("-inf")):
            return None  # Go's ParseFloat reports ErrRange
        return value
    except (ValueError, OverflowError):
        return None


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def _unquote_char(s: str, quote: str, parser):
    """strconv.UnquoteChar for the first character of s; returns (code, rest). Errors: "invalid syntax"."""
    if not s:
        parser.errorf("invalid syntax")
    c = s[0]
    if c == quote and quote in "'\"":
        parser.errorf("invalid syntax")
    if c != "\\":
        return ord(c), s[1:]
    if len(s) <= 1:
        parser.errorf("invalid syntax")
    e = s[1]
    rest = s[2:]
    if e in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[e], rest
    if e in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[e]
        digits = rest[:n]
        if len(digits) < n or not all(d in "0123456789abcdefABCDEF" for d in digits):
            parser.errorf("invalid syntax")
        value = int(digits, 16)
        if e != "x" and (value > 0x10FFFF or 0xD800 <= value <= 0xDFFF):
            parser.errorf("invalid syntax")
        return (-value - 1 if e == "x" else value), rest[n:]
    if e in "01234567":
        digits = s[1:4]
        if len(digits) < 3 or not all(d in "01234567" for d in digits):
            parser.errorf("invalid syntax")
        value = int(digits, 8)
        if value > 255:
            parser.errorf("invalid syntax")
        return -value - 1, s[4:]
    if e == quote and e in "'\"":
        return ord(e), rest
    parser.errorf("invalid syntax")


def go_unquote(text: str, parser) -> str:
    """strconv.Unquote of a Go string literal ("..." or `...`); invalid literals raise "invalid syntax".

    \\x and octal escapes give raw bytes; bytes that are not UTF-8 become U+FFFD.
    """
    if text.startswith("`"):
        if len(text) < 2 or not text.endswith("`"):
            parser.errorf("invalid syntax")
        return text[1:-1].replace("\r", "")
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        parser.errorf("invalid syntax")
    body = text[1:-1]
    if "\\" not in body:
        if '"' in body or "\n" in body:
            parser.errorf("invalid syntax")
        return body
    out = bytearray()
    s = body
    while s:
        if s[0] == "\n":
            parser.errorf("invalid syntax")
        value, s = _unquote_char(s, '"', parser)
        if value < 0:
            out.append(-value - 1)
        else:
            out.extend(chr(value).encode("utf-8", "surrogatepass"))
    # Go keeps the raw bytes; invalid UTF-8 reaches the output as bytes that read back as U+FFFD.
    return out.decode("utf-8", "replace")


def parse_full(name: str, text: str, has_function) -> dict:
    """Parse one file named ``name`` with the state-function lexer and this module's port of Go's parser, for any
    input. ``has_function(ident) -> bool`` says which functions exist.

    Returns ``{template name: nodes.Tree}``. Raises TemplateParseError with Go's message. Callers go through
    :func:`parsing.parse_file`, which tries the fast path first."""
    parser = Parser(name, text, has_function)
    try:
        return parser.parse()
    except RecursionError:
        pass
    # Go allows 10000 nested parentheses; Python's stack allows fewer, and says so the way Go does.
    parser.errorf("max expression depth exceeded")
