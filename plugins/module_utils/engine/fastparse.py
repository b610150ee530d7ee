"""Fast path of the template parser: the common subset of text/template syntax, lexed and parsed in one pass.

``fast_parse(name, text, has_function)`` returns the same trees as :func:`parser.parse` (node for node: classes,
positions, lines, texts), built directly in their stored form (:mod:`.forms`: tuples the compiler reads and the
disk cache stores; ``forms.FormTree.root`` builds the nodes when asked), or None when the file uses anything
outside the subset or is not valid. The caller then runs the full lexer and parser (parser.py, a port of
text/template/parse), which also produces Go's error messages; this module never reports an error itself, so
errors keep Go's text and positions.

Why: the full path makes one token object per token (spaces included) and walks it through state functions and a
token buffer with backup, as Go does. Charts are written in a small subset -- fields, variables, function calls,
strings, small integers, pipes, parens, if/else/range/with/define/template/end, comments and trim markers -- so
here each action is recognised by one regular expression and split into tokens by ``findall`` (C code), spaces are
a flag on the next token, and a recursive descent over that list builds the trees' stored form directly (no node
objects: a cold render only builds the tuples the compiler reads).

The subset (everything else falls back): actions whose tokens are ASCII fields, variables, identifiers and keywords
(each followed by one of Go's terminators), interpreted and raw strings, decimal integers of up to 18 digits
(optionally negative), ``| ( ) = := ,``; ``{{/* */}}`` comments; ``{{-``/``-}}`` trim markers. ``block``, char
constants, floats, other numbers and any error go to the full parser.

Equivalence with the full parser is tested on every template of the chart corpus and by a differential fuzz test
(tests/fuzz/test_template_fuzz.py) comparing whole trees.
"""
from __future__ import annotations

import re

from ..caches import CACHES
from . import nodes as nd
from .forms import TAGS, TREE_REF, FormTree, is_empty_form
from .parser import go_unquote
from .tokens import (
    ASSIGN, BLOCK, BOOL, BREAK, CHAR, CONTINUE, DECLARE, DEFINE, DOT, ELSE, END, FIELD, IDENTIFIER, IF,
    LEFT_COMMENT, LEFT_DELIM_TEXT, LEFT_PAREN, NIL, NUMBER, NUMBER_END, OPERATORS, PIPE, QUOTED, RANGE, RAW_QUOTED,
    RAW_STRING, RIGHT_COMMENT, RIGHT_DELIM, RIGHT_DELIM_TEXT, RIGHT_PAREN, SPACE_CLASS, SPACES, STRING, TEMPLATE,
    TERMINATOR, TRIM_MARKER, VARIABLE, WITH, WORD, word_kind)


class _Fallback(Exception):
    """The input is outside the fast path's subset (or invalid): let the full parser handle it."""


# The scanners are built from the shared token table (tokens.py). A field chain ".a.b.c" or "$x.a.b" is one token
# here (Go's lexer makes one item per ".name"; the parser joins them into one FieldNode/VariableNode positioned at the
# second name, which _operand reproduces).
_TOKEN = (r"\.(?:" + WORD + r"(?:\." + WORD + r")*)?" + TERMINATOR
          + r"|\$[A-Za-z0-9_]*(?:\." + WORD + r")*" + TERMINATOR
          + "|" + WORD + TERMINATOR
          + "|" + QUOTED
          + "|" + RAW_QUOTED
          + r"|-?(?:0|[1-9][0-9]{0,17})" + NUMBER_END
          + "|" + "|".join(re.escape(op) for op in sorted(OPERATORS, key=len, reverse=True)))
# A whole action: "{{", optional left trim marker (group 1), tokens (group 2), optional right trim marker (group 3).
_LEFT = re.escape(LEFT_DELIM_TEXT) + "(" + re.escape(TRIM_MARKER) + SPACE_CLASS + ")?"
_ACTION = re.compile(_LEFT + "((?:" + SPACE_CLASS + "*(?:" + _TOKEN + "))*)" + SPACE_CLASS + "*?("
                     + SPACE_CLASS + re.escape(TRIM_MARKER) + ")?" + re.escape(RIGHT_DELIM_TEXT))
_TOKENS = re.compile("(" + SPACE_CLASS + "*)(" + _TOKEN + ")")
_COMMENT_START = re.compile(_LEFT + re.escape(LEFT_COMMENT))

_FIRST_CHAR_KIND = {".": FIELD, "$": VARIABLE, '"': STRING, "`": RAW_STRING, "-": NUMBER}
_FIRST_CHAR_KIND.update((op[0], kind) for op, kind in OPERATORS.items())
for _digit in "0123456789":
    _FIRST_CHAR_KIND[_digit] = NUMBER
_OPERAND_START = frozenset([BOOL, DOT, FIELD, IDENTIFIER, NUMBER, NIL, RAW_STRING, STRING, VARIABLE, LEFT_PAREN])
# The nodes are built in their stored form (engine/forms.py): (tag, pos, TREE_REF, slots in nodes.py's order);
# a ListNode's form is a list, since its position is set when the next item is reached (_place).
_T_ACTION, _T_BOOL, _T_BREAK, _T_CHAIN, _T_COMMAND, _T_CONTINUE, _T_DOT, _T_FIELD, _T_IDENTIFIER, _T_LIST, _T_NIL, \
    _T_NUMBER, _T_PIPE, _T_STRING, _T_TEMPLATE, _T_TEXT, _T_VARIABLE = (TAGS[cls] for cls in (
        nd.ActionNode, nd.BoolNode, nd.BreakNode, nd.ChainNode, nd.CommandNode, nd.ContinueNode, nd.DotNode,
        nd.FieldNode, nd.IdentifierNode, nd.ListNode, nd.NilNode, nd.NumberNode, nd.PipeNode, nd.StringNode,
        nd.TemplateNode, nd.TextNode, nd.VariableNode))
_LITERALS = frozenset(TAGS[cls] for cls in (nd.BoolNode, nd.DotNode, nd.NilNode, nd.NumberNode, nd.StringNode))
_CONTROL_CONTEXT = {IF: "if", RANGE: "range", WITH: "with"}
_CONTROL_NODE = {IF: TAGS[nd.IfNode], RANGE: TAGS[nd.RangeNode], WITH: TAGS[nd.WithNode]}
_NODES = 3  # where a ListNode form keeps its nodes, a TextNode form its text, a CommandNode form its arguments
_PIPE_POS, _PIPE_LINE = 1, 3

# frame fields (a list per open if/range/with/define)
_KIND, _PIPE, _BODY, _ELSE, _CHAINED, _MARK, _OUTER = range(7)

# Action text ("{{- include "x" . }}") -> (left trim, right trim, tokens relative to the "{{"): charts repeat the
# same actions thousands of times ({{- end }}, {{ . }}, {{ include "chart.labels" . | nindent 4 }}): kept in
# caches.CACHES.actions (LRU-bounded; cleared by CACHES.clear() so a cold render measures the real work).


def _tokenise(text: str, x: int):
    """Tokenise the action starting at ``x`` (a "{{"): (left trim, right trim, tokens, end offset) or None when it
    is not in the subset. Tokens are (kind, text, offset from ``x``, space before) tuples, the last one "}}"."""
    m = _ACTION.match(text, x)
    if m is None:
        return None
    toks = []
    append = toks.append
    start = m.start(2)
    pos = start - x
    kinds = _FIRST_CHAR_KIND
    for space, tok in _TOKENS.findall(text, start, m.end(2)):
        if space:
            pos += len(space)
        kind = kinds.get(tok[0])
        if kind is None:
            kind = word_kind(tok)
        elif kind == FIELD and len(tok) == 1:
            kind = DOT
        append((kind, tok, pos, space != ""))
        pos += len(tok)
    end = m.end()
    append((RIGHT_DELIM, RIGHT_DELIM_TEXT, end - 2 - x, True))
    return m.start(1) >= 0, m.start(3) >= 0, tuple(toks), end - x


class _FastParser(object):
    """State of one fast parse (see the module docstring)."""

    def __init__(self, name: str, text: str, has_function) -> None:
        self.name = name
        self.text = text
        self.has_function = has_function
        self.tree_set = {}
        self.tree = None
        self.vars = ["$"]
        self.range_depth = 0
        self.toks = ()
        self.base = 0  # offset of the current action's "{{"; token offsets are relative to it
        self.line_pos = 0
        self.line_no = 1

    def errorf(self, message: str):
        """Called by parser.go_unquote on an invalid literal: leave it to the full parser."""
        raise _Fallback()

    def line(self, pos: int) -> int:
        """1-based line of offset ``pos`` (asked for in increasing order, so counting is incremental)."""
        if pos < self.line_pos:
            self.line_pos = 0
            self.line_no = 1
        self.line_no += self.text.count("\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line_no

    # -- file level --------------------------------------------------------------------------------------------
    def parse(self) -> dict:
        text = self.text
        size = len(text)
        find = text.find
        cache = CACHES.actions
        root_tree = self.tree = FormTree(self.name, self.name, text)
        root_tree.form = [_T_LIST, 0, TREE_REF, []]
        pending = [root_tree.form]  # ListNodes whose position is that of the next item (Go: peekNonSpace().pos)
        frames = []
        cur = root_tree.form[_NODES]
        pos = 0
        while True:
            x = find(LEFT_DELIM_TEXT, pos)
            if x < 0:
                if pos < size:
                    if pending:
                        _place(pending, pos)
                    cur.append((_T_TEXT, pos, TREE_REF, text[pos:]))
                break
            close = find(RIGHT_DELIM_TEXT, x + 2)
            key = text[x:close + 2] if close >= 0 else None
            entry = cache.get(key)
            if entry is None:
                entry = _tokenise(text, x)
                if entry is None:
                    pos, cur = self._comment(x, pos, pending, cur)
                    continue
                if entry[3] == close + 2 - x:  # the action ends at the first "}}": the key finds it next time
                    cache[key] = entry
            if x > pos:
                chunk = text[pos:x]
                if entry[0]:
                    chunk = chunk.rstrip(SPACES)
                if chunk:
                    if pending:
                        _place(pending, pos)
                    cur.append((_T_TEXT, pos, TREE_REF, chunk))
            if pending:
                _place(pending, x)
            self.toks = entry[2]
            self.base = x
            cur = self._action(entry[2], frames, pending, cur)
            pos = x + entry[3]
            if entry[1]:
                while pos < size and text[pos] in SPACES:
                    pos += 1
        if frames:
            raise _Fallback()  # unexpected EOF
        if pending:
            _place(pending, size)
        self._add(root_tree)
        return self.tree_set

    def _comment(self, x: int, pos: int, pending: list, cur: list):
        """A ``{{/* */}}`` comment at ``x`` (text before it ends at ``x``); returns (position after it, cur)."""
        text = self.text
        m = _COMMENT_START.match(text, x)
        if m is None:
            raise _Fallback()
        end = text.find(RIGHT_COMMENT, m.end())
        if end < 0:
            raise _Fallback()
        end += 2
        trim = False
        after = text[end:end + 1]
        if text.startswith(RIGHT_DELIM_TEXT, end):
            end += 2
        elif after != "" and after in SPACES and text.startswith(TRIM_MARKER + RIGHT_DELIM_TEXT, end + 1):
            end += 4
            trim = True
        else:
            raise _Fallback()
        if x > pos:
            chunk = text[pos:x]
            if m.start(1) >= 0:
                chunk = chunk.rstrip(SPACES)
            if chunk:
                if pending:
                    _place(pending, pos)
                cur.append((_T_TEXT, pos, TREE_REF, chunk))
        if trim:
            while end < len(text) and text[end] in SPACES:
                end += 1
        return end, cur

    def _add(self, tree) -> None:
        old = self.tree_set.get(tree.name)
        if old is None or is_empty_form(old.form):
            self.tree_set[tree.name] = tree
            return
        if not is_empty_form(tree.form):
            raise _Fallback()  # multiple definition

    # -- actions -----------------------------------------------------------------------------------------------
    def _action(self, toks: tuple, frames: list, pending: list, cur: list) -> list:
        """Parse one action; returns the node list that later items go to."""
        first = toks[0]
        kind = first[0]
        if kind in _CONTROL_CONTEXT:
            mark = len(self.vars)
            pipe = self._pipeline(1, _CONTROL_CONTEXT[kind], RIGHT_DELIM)[0]
            if kind == RANGE:
                self.range_depth += 1
            body = [_T_LIST, 0, TREE_REF, []]
            pending.append(body)
            frames.append([kind, pipe, body, None, False, mark, cur])
            return body[_NODES]
        if kind == END:
            if toks[1][0] != RIGHT_DELIM or not frames:
                raise _Fallback()
            return self._end(frames)
        if kind == ELSE:
            return self._else(toks, frames, pending)
        if kind == DEFINE:
            return self._define(toks, frames, pending, cur)
        base = self.base
        if kind == TEMPLATE:
            name_tok = toks[1]
            if name_tok[0] != STRING and name_tok[0] != RAW_STRING:
                raise _Fallback()
            name = self._unquote(name_tok[1])
            line = self.line(base + name_tok[2])
            pipe = None
            if toks[2][0] != RIGHT_DELIM:
                pipe = self._pipeline(2, "template clause", RIGHT_DELIM)[0]
            cur.append((_T_TEMPLATE, base + name_tok[2], TREE_REF, line, name, pipe))
            return cur
        if kind == BREAK or kind == CONTINUE:
            if toks[1][0] != RIGHT_DELIM or self.range_depth == 0:
                raise _Fallback()
            cur.append((_T_BREAK if kind == BREAK else _T_CONTINUE, base + first[2], TREE_REF,
                        self.line(base + first[2])))
            return cur
        if kind == BLOCK:
            raise _Fallback()
        pos = base + first[2]
        cur.append((_T_ACTION, pos, TREE_REF, self.line(pos), self._pipeline(0, "command", RIGHT_DELIM)[0]))
        return cur

    def _end(self, frames: list) -> list:
        while True:
            frame = frames.pop()
            kind = frame[_KIND]
            if kind == DEFINE:
                tree = frame[_PIPE]
                tree.form = frame[_BODY]
                self._add(tree)
                self.vars, self.range_depth = frame[_ELSE]
                self.tree = frame[_MARK]
                return frame[_OUTER]
            if kind == RANGE and frame[_ELSE] is None:
                self.range_depth -= 1
            pipe = frame[_PIPE]
            node = (_CONTROL_NODE[kind], pipe[_PIPE_POS], TREE_REF, pipe[_PIPE_LINE], pipe, frame[_BODY], frame[_ELSE])
            del self.vars[frame[_MARK]:]
            if not frame[_CHAINED]:
                outer = frame[_OUTER]
                outer.append(node)
                return outer
            frames[-1][_ELSE][_NODES].append(node)  # {{else if}}: the same {{end}} closes the enclosing if too

    def _else(self, toks: tuple, frames: list, pending: list) -> list:
        if not frames:
            raise _Fallback()
        frame = frames[-1]
        kind = frame[_KIND]
        if kind == DEFINE or frame[_ELSE] is not None:
            raise _Fallback()
        second = toks[1]
        if second[0] == RIGHT_DELIM:
            if kind == RANGE:
                self.range_depth -= 1
            else_list = frame[_ELSE] = [_T_LIST, 0, TREE_REF, []]
            pending.append(else_list)
            return else_list[_NODES]
        if second[0] != kind or kind == RANGE:  # else if in an if, else with in a with
            raise _Fallback()
        frame[_ELSE] = [_T_LIST, self.base + second[2], TREE_REF, []]
        mark = len(self.vars)
        pipe = self._pipeline(2, _CONTROL_CONTEXT[kind], RIGHT_DELIM)[0]
        body = [_T_LIST, 0, TREE_REF, []]
        pending.append(body)
        frames.append([kind, pipe, body, None, True, mark, None])
        return body[_NODES]

    def _define(self, toks: tuple, frames: list, pending: list, cur: list) -> list:
        name_tok = toks[1]
        if frames or (name_tok[0] != STRING and name_tok[0] != RAW_STRING) or toks[2][0] != RIGHT_DELIM:
            raise _Fallback()
        tree = FormTree(self._unquote(name_tok[1]), self.name, self.text)
        body = [_T_LIST, 0, TREE_REF, []]
        frames.append([DEFINE, tree, body, (self.vars, self.range_depth), False, self.tree, cur])
        pending.append(body)
        self.vars = ["$"]
        self.range_depth = 0
        self.tree = tree
        return body[_NODES]

    # -- pipelines ---------------------------------------------------------------------------------------------
    def _pipeline(self, i: int, context: str, end: int):
        """Parse a pipeline starting at token ``i`` up to the ``end`` token; returns (PipeNode, index after end)."""
        toks = self.toks
        tok = toks[i]
        pos = self.base + tok[2]
        line = self.line(pos)
        is_assign = False
        decl = []
        if tok[0] == VARIABLE:
            while True:
                var = toks[i]
                if var[0] != VARIABLE or "." in var[1]:
                    break
                nxt = toks[i + 1][0]
                if nxt == ASSIGN or nxt == DECLARE:
                    is_assign = nxt == ASSIGN
                    i += 2
                    decl.append((_T_VARIABLE, self.base + var[2], TREE_REF, [var[1]]))
                    self.vars.append(var[1])
                elif nxt == CHAR:
                    i += 2
                    decl.append((_T_VARIABLE, self.base + var[2], TREE_REF, [var[1]]))
                    self.vars.append(var[1])
                    if context == "range" and len(decl) < 2 and toks[i][0] in (VARIABLE, RIGHT_DELIM, RIGHT_PAREN):
                        continue
                    raise _Fallback()
                break
        cmds = []
        while True:
            kind = toks[i][0]
            if kind == end:
                if not cmds:
                    raise _Fallback()
                for cmd in cmds[1:]:
                    if cmd[_NODES][0][0] in _LITERALS:
                        raise _Fallback()
                return (_T_PIPE, pos, TREE_REF, line, is_assign, decl, cmds), i + 1
            if kind not in _OPERAND_START:
                raise _Fallback()
            cmd, i = self._command(i)
            cmds.append(cmd)

    def _command(self, i: int):
        toks = self.toks
        args = []
        cmd = (_T_COMMAND, self.base + toks[i][2], TREE_REF, args)
        space_done = True  # Go's nextNonSpace already consumed the space before the first operand
        while True:
            j = self._operand(i, args)
            if j != i:
                space_done = False
                i = j
            tok = toks[i]
            if tok[3] and not space_done:
                space_done = True
                continue
            kind = tok[0]
            if kind == RIGHT_DELIM or kind == RIGHT_PAREN:
                break
            if kind == PIPE:
                i += 1
                break
            raise _Fallback()
        if not args:
            raise _Fallback()
        return cmd, i

    def _operand(self, i: int, args: list) -> int:
        """Go's operand (term plus field chain) at token ``i``: appends the node to ``args`` and returns the index
        after it, or returns ``i`` when the token starts no operand."""
        toks = self.toks
        tok = toks[i]
        kind = tok[0]
        pos = self.base + tok[2]
        if kind == FIELD or kind == VARIABLE:
            text = tok[1]
            dot = text.find(".", 1)
            if kind == FIELD:
                node = (_T_FIELD, pos if dot < 0 else pos + dot, TREE_REF, text[1:].split("."))
            else:
                # Go: term $x, then a chain of fields joined into a VariableNode at the first field
                ident = text.split(".")
                if ident[0] not in self.vars:
                    raise _Fallback()
                node = (_T_VARIABLE, pos if dot < 0 else pos + dot, TREE_REF, ident)
            args.append(node)
            return i + 1
        if kind == IDENTIFIER:
            if not self.has_function(tok[1]):
                raise _Fallback()
            node = (_T_IDENTIFIER, pos, TREE_REF, tok[1])
        elif kind == STRING or kind == RAW_STRING:
            node = (_T_STRING, pos, TREE_REF, tok[1], self._unquote(tok[1]))
        elif kind == DOT:
            node = (_T_DOT, pos, TREE_REF)
        elif kind == NUMBER:
            value = int(tok[1])
            # text, value, is_int, is_float, is_complex, int_value, float_value
            node = (_T_NUMBER, pos, TREE_REF, tok[1], value, True, True, False, value, float(value))
        elif kind == LEFT_PAREN:
            node, i = self._pipeline(i + 1, "parenthesized pipeline", RIGHT_PAREN)
            i -= 1
        elif kind == BOOL:
            node = (_T_BOOL, pos, TREE_REF, tok[1] == "true")
        elif kind == NIL:
            node = (_T_NIL, pos, TREE_REF)
        else:
            return i
        i += 1
        tok = toks[i]
        if tok[0] == FIELD and not tok[3]:  # (pipeline).a.b or fn.a: a ChainNode
            if node[0] in _LITERALS or tok[1] == ".":
                raise _Fallback()
            node = (_T_CHAIN, self.base + tok[2], TREE_REF, node, tok[1][1:].split("."))
            i += 1
        args.append(node)
        return i

    def _unquote(self, quoted: str) -> str:
        if quoted[0] == '"' and "\\" not in quoted:
            return quoted[1:-1]
        return go_unquote(quoted, self)


def _place(pending: list, pos: int) -> None:
    """Give the waiting ListNodes (forms: lists) the position of the item just reached."""
    for node in pending:
        node[1] = pos
    del pending[:]


def fast_parse(name: str, text: str, has_function):
    """Parse ``text`` as template file ``name`` if it uses only the fast path's subset.

    Args:
        name (str): template (file) name. text (str): its text. has_function (callable str -> bool): which
            function names exist (Go's parse-time "function not defined" check).

    Returns:
        dict[str, forms.FormTree] | None: the trees :func:`parser.parse` would return (as stored forms), or None
        when the full parser must run (the subset is not enough, or the text is invalid; the full parser then
        raises Go's error).
    """
    try:
        return _FastParser(name, text, has_function).parse()
    except (_Fallback, RecursionError):
        return None
