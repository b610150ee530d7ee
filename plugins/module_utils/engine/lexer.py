"""Lexer for Go's text/template, written as state functions like text/template/parse/lex.go.

``lex(name, text)`` returns the list of :class:`Item` for a whole template: text, delimiters, trim markers
(``{{- `` and `` -}}``, which need the space), comments (dropped), strings, raw strings, character constants,
numbers, identifiers, keywords, fields, variables, ``:=``/``=``, parens and pipes. A lexing error ends the list with
an ``ERROR`` item whose value is Go's message ("unclosed action", "bad number syntax: ...", ...); the parser turns
it into a TemplateParseError.
"""
from __future__ import annotations

import re
from operator import itemgetter

from ..gocompat.strconv import go_quote
from .tokens import (
    ASSIGN, CHAR, CHAR_CONSTANT, COMPLEX, DECLARE, DOT, EOF, ERROR, FIELD, KEYWORD, LEFT_COMMENT, LEFT_DELIM,
    LEFT_DELIM_TEXT, LEFT_PAREN, NUMBER, NUMBER_END, OPERATORS, PIPE, QUOTED, RAW_STRING, RIGHT_COMMENT, RIGHT_DELIM,
    RIGHT_DELIM_TEXT, RIGHT_PAREN, SPACE, SPACE_CLASS, SPACES, STRING, TERMINATOR, TEXT, TRIM_MARKER, VARIABLE, WORD,
    word_kind)

_ASCII_WORD = re.compile(r"[A-Za-z0-9_]*")
_SPACE_RUN = re.compile(SPACE_CLASS + "*")
_QUOTED = re.compile(QUOTED[1:])  # the rest of a string after its opening quote
_RIGHT_TRIM_DELIM = TRIM_MARKER + RIGHT_DELIM_TEXT


class Item(tuple):
    """One token: ``typ`` (a module constant), ``pos`` (offset in the text), ``val`` (its text), ``line``.

    A tuple underneath, because a template has many tokens and tuples are cheap to make.
    """

    __slots__ = ()

    typ = property(itemgetter(0))
    pos = property(itemgetter(1))
    val = property(itemgetter(2))
    line = property(itemgetter(3))

    def __new__(cls, typ: int, pos: int, val: str, line: int):
        return _tuple_new(cls, (typ, pos, val, line))

    def __str__(self) -> str:
        """Go's item.String(), used in "unexpected X in Y" parse errors."""
        if self.typ == EOF:
            return "EOF"
        if self.typ == ERROR:
            return self.val
        if self.typ > KEYWORD:
            return "<%s>" % self.val
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "Item(%d, %r, line %d)" % (self.typ, self.val, self.line)


_tuple_new = tuple.__new__


def is_alnum(c: str) -> bool:
    """Go lex.go isAlphaNumeric: underscore, Unicode letter or digit."""
    if c == "":
        return False
    return c == "_" or c.isalpha() or _is_digit(c)


def _is_digit(c: str) -> bool:
    # Go's unicode.IsDigit is category Nd; str.isdecimal is the same set.
    return c.isdecimal()


def _has_left_trim(s: str, i: int) -> bool:
    return len(s) >= i + 2 and s[i] == TRIM_MARKER and s[i + 1] in SPACES


def _has_right_trim(s: str, i: int) -> bool:
    return len(s) >= i + 2 and s[i] in SPACES and s[i + 1] == TRIM_MARKER


class Lexer(object):
    """Scanner state (Go's lexer struct); ``run()`` drives the state functions and returns the items."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.input = text
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren_depth = 0
        self.items = []

    # -- primitives ------------------------------------------------------------------------------------------
    def next(self) -> str:
        if self.pos >= len(self.input):
            self.pos += 1  # so that backup() after EOF is harmless
            return ""
        c = self.input[self.pos]
        self.pos += 1
        if c == "\n":
            self.line += 1
        return c

    def backup(self) -> None:
        self.pos -= 1
        if self.pos < len(self.input) and self.input[self.pos] == "\n":
            self.line -= 1

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def emit(self, typ: int) -> None:
        start = self.start
        self.items.append(_tuple_new(Item, (typ, start, self.input[start:self.pos], self.start_line)))
        self.start = self.pos
        self.start_line = self.line

    def ignore(self) -> None:
        self.line += self.input.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def accept(self, valid: str) -> bool:
        c = self.peek()
        if c != "" and c in valid:
            self.next()
            return True
        return False

    def accept_run(self, valid: str) -> None:
        while self.accept(valid):
            pass

    def errorf(self, message: str):
        self.items.append(Item(ERROR, self.start, message, self.start_line))
        return None

    def at_terminator(self) -> bool:
        c = self.peek()
        if c == "" or c in SPACES or c in ".,|:)(":
            return True
        return self.input.startswith(RIGHT_DELIM_TEXT, self.pos)

    def at_right_delim(self):
        """(is at a right delimiter, with a trim marker before it)."""
        text = self.input
        pos = self.pos
        c = text[pos:pos + 1]
        if c == "}":
            return text.startswith(RIGHT_DELIM_TEXT, pos), False
        if c and c in SPACES and text.startswith(_RIGHT_TRIM_DELIM, pos + 1):
            return True, True
        return False, False

    def run(self) -> list:
        state = lex_text
        while state is not None:
            state = state(self)
        return self.items


def _right_trim_length(s: str) -> int:
    return len(s) - len(s.rstrip(SPACES))


def _left_trim_length(s: str, i: int) -> int:
    j = i
    n = len(s)
    while j < n and s[j] in SPACES:
        j += 1
    return j - i


# -- state functions -----------------------------------------------------------------------------------------

def lex_text(lx: Lexer):
    x = lx.input.find(LEFT_DELIM_TEXT, lx.pos)
    if x >= 0:
        if x > lx.pos:
            lx.pos = x
            trim = 0
            if _has_left_trim(lx.input, x + len(LEFT_DELIM_TEXT)):
                trim = _right_trim_length(lx.input[lx.start:lx.pos])
            lx.pos -= trim
            text = lx.input[lx.start:lx.pos]
            item = Item(TEXT, lx.start, text, lx.start_line)
            lx.line += text.count("\n")
            lx.start = lx.pos
            lx.start_line = lx.line
            lx.pos += trim
            lx.ignore()
            if text:
                lx.items.append(item)
        return lex_left_delim
    lx.pos = len(lx.input)
    if lx.pos > lx.start:
        text = lx.input[lx.start:]
        lx.items.append(Item(TEXT, lx.start, text, lx.start_line))
        lx.line += text.count("\n")
        lx.start = lx.pos
        lx.start_line = lx.line
    lx.items.append(Item(EOF, lx.pos, "", lx.line))
    return None


def lex_left_delim(lx: Lexer):
    lx.pos += len(LEFT_DELIM_TEXT)
    trim = _has_left_trim(lx.input, lx.pos)
    after_marker = 2 if trim else 0
    if lx.input.startswith(LEFT_COMMENT, lx.pos + after_marker):
        lx.pos += after_marker
        lx.ignore()
        return lex_comment
    lx.emit(LEFT_DELIM)
    lx.pos += after_marker
    lx.ignore()
    lx.paren_depth = 0
    return lex_inside_action


def lex_comment(lx: Lexer):
    lx.pos += len(LEFT_COMMENT)
    x = lx.input.find(RIGHT_COMMENT, lx.pos)
    if x < 0:
        return lx.errorf("unclosed comment")
    lx.pos = x + len(RIGHT_COMMENT)
    delim, trim = lx.at_right_delim()
    if not delim:
        return lx.errorf("comment ends before closing delimiter")
    if trim:
        lx.pos += 2
    lx.pos += len(RIGHT_DELIM_TEXT)
    if trim:
        lx.pos += _left_trim_length(lx.input, lx.pos)
    lx.ignore()
    return lex_text


def lex_right_delim(lx: Lexer):
    trim = lx.at_right_delim()[1]
    if trim:
        lx.pos += 2
        lx.ignore()
    lx.pos += len(RIGHT_DELIM_TEXT)
    lx.emit(RIGHT_DELIM)
    if trim:
        lx.pos += _left_trim_length(lx.input, lx.pos)
        lx.ignore()
    return lex_text


# Fast path inside actions: one regular expression recognises the common tokens (spaces, fields, variables,
# identifiers and keywords, simple strings and integers, the operators of tokens.OPERATORS, a plain "}}"). Each
# alternative only matches where Go's state functions would produce exactly that one item (words must be followed by
# one of Go's terminators, integers by a character that cannot continue a number); everything else -- trim markers,
# errors, chars, raw strings, other numbers, non-ASCII -- goes to the state functions below, one step at a time.
# It halves the lexing time of the files the fast parser declines (see docs/engine.md, "Performance").
_FAST = re.compile(
    "(?P<sp>" + SPACE_CLASS + "+)"
    + "|(?P<rd>" + re.escape(RIGHT_DELIM_TEXT) + ")"
    + r"|(?P<fld>\.(?:" + WORD + ")?)" + TERMINATOR
    + r"|(?P<var>\$[A-Za-z0-9_]*)" + TERMINATOR
    + "|(?P<id>" + WORD + ")" + TERMINATOR
    + "|(?P<str>" + QUOTED + ")"
    + "|(?P<num>0|[1-9][0-9]*)" + NUMBER_END
    + "|(?P<one>" + "|".join(re.escape(op) for op in sorted(OPERATORS, key=len, reverse=True)) + ")")
_GROUP_TYPE = {4: VARIABLE, 6: STRING, 7: NUMBER}  # by group number: sp=1 rd=2 fld=3 var=4 id=5 str=6 num=7 one=8


def _lex_action_fast(lx: Lexer):
    """Emit the common tokens of an action in one loop. Returns lex_text after a plain "}}", else None (the
    state functions take over at ``lx.pos``)."""
    text = lx.input
    items = lx.items
    append = items.append
    match = _FAST.match
    pos = lx.pos
    line = lx.line
    state = None
    while True:
        m = match(text, pos)
        if m is None:
            break
        kind = m.lastindex  # the group numbers of _FAST, most frequent first below
        end = m.end()
        val = m.group()
        if kind == 1:  # spaces
            if text.startswith(_RIGHT_TRIM_DELIM, end):
                break  # a right trim marker: lex_space and at_right_delim handle it
            append(_tuple_new(Item, (SPACE, pos, val, line)))
            if "\n" in val:
                line += val.count("\n")
        elif kind == 3:  # field or dot
            if end == len(text) and len(val) == 1:
                break  # a lone "." at the end of input lexes as a number in Go
            append(_tuple_new(Item, (FIELD if len(val) > 1 else DOT, pos, val, line)))
        elif kind == 5:  # identifier, keyword or bool
            append(_tuple_new(Item, (word_kind(val), pos, val, line)))
        elif kind == 2:  # "}}"
            if lx.paren_depth != 0:
                break
            append(_tuple_new(Item, (RIGHT_DELIM, pos, val, line)))
            # lex_text and lex_left_delim inlined for the common case: text, then "{{" or "{{- " opening an action
            x = text.find(LEFT_DELIM_TEXT, end)
            if x < 0 or x + 2 >= len(text):
                pos = end
                state = lex_text
                break
            trim = text[x + 2] == TRIM_MARKER and x + 3 < len(text) and text[x + 3] in SPACES
            if x > end:
                stop = x - _right_trim_length(text[end:x]) if trim else x
                chunk = text[end:stop]
                if chunk:
                    append(_tuple_new(Item, (TEXT, end, chunk, line)))
                    line += chunk.count("\n")
                if stop != x:
                    line += text.count("\n", stop, x)
            after = x + 4 if trim else x + 2
            if text.startswith(LEFT_COMMENT, after):
                pos = x
                state = lex_left_delim
                break
            append(_tuple_new(Item, (LEFT_DELIM, x, LEFT_DELIM_TEXT, line)))
            if trim and text[x + 3] == "\n":
                line += 1
            lx.paren_depth = 0
            pos = after
            continue
        elif kind == 8:  # | ( ) = := ,
            typ = OPERATORS[val]
            if typ == LEFT_PAREN:
                lx.paren_depth += 1
            elif typ == RIGHT_PAREN:
                if lx.paren_depth <= 0:
                    break
                lx.paren_depth -= 1
            append(_tuple_new(Item, (typ, pos, val, line)))
        else:  # variable, string, number
            append(_tuple_new(Item, (_GROUP_TYPE[kind], pos, val, line)))
        pos = end
    lx.pos = lx.start = pos
    lx.line = lx.start_line = line
    return state


def lex_inside_action(lx: Lexer):
    if lx.start == lx.pos and lx.start_line == lx.line:
        state = _lex_action_fast(lx)
        if state is not None:
            return state
    return _lex_inside_action_step(lx)


def _lex_inside_action_step(lx: Lexer):
    """One step of Go's lexInsideAction (the general path)."""
    delim = lx.at_right_delim()[0]
    if delim:
        if lx.paren_depth == 0:
            return lex_right_delim
        return lx.errorf("unclosed left paren")
    c = lx.next()
    if c == "":
        return lx.errorf("unclosed action")
    if c in SPACES:
        lx.backup()
        return lex_space
    if c == "=":
        lx.emit(ASSIGN)
    elif c == ":":
        if lx.next() != "=":
            return lx.errorf("expected :=")
        lx.emit(DECLARE)
    elif c == "|":
        lx.emit(PIPE)
    elif c == '"':
        return lex_quote
    elif c == "`":
        return lex_raw_quote
    elif c == "$":
        return lex_variable
    elif c == "'":
        return lex_char
    elif c == "." and lx.pos < len(lx.input) and not ("0" <= lx.input[lx.pos] <= "9"):
        return lex_field
    elif c == "." or c == "+" or c == "-" or "0" <= c <= "9":
        lx.backup()
        return lex_number
    elif is_alnum(c):
        lx.backup()
        return lex_identifier
    elif c == "(":
        lx.emit(LEFT_PAREN)
        lx.paren_depth += 1
    elif c == ")":
        lx.paren_depth -= 1
        if lx.paren_depth < 0:
            return lx.errorf("unexpected right paren")
        lx.emit(RIGHT_PAREN)
    elif ord(c) < 0x80 and c.isprintable():
        lx.emit(CHAR)
    else:
        return lx.errorf("unrecognized character in action: %s" % _sharp_u(c))
    return lex_inside_action


def _sharp_u(c: str) -> str:
    """Go's %#U: U+0041 'A'."""
    text = "U+%04X" % ord(c)
    if c.isprintable():
        text += " '" + c + "'"
    return text


def lex_space(lx: Lexer):
    end = _SPACE_RUN.match(lx.input, lx.pos).end()
    num = end - lx.pos
    lx.line += lx.input.count("\n", lx.pos, end)
    lx.pos = end
    if _has_right_trim(lx.input, lx.pos - 1) and lx.input.startswith(RIGHT_DELIM_TEXT, lx.pos + 1):
        lx.backup()
        if num == 1:
            return lex_inside_action
    lx.emit(SPACE)
    return lex_inside_action


def lex_identifier(lx: Lexer):
    lx.pos = _ASCII_WORD.match(lx.input, lx.pos).end()
    while True:
        c = lx.next()
        if not is_alnum(c):
            lx.backup()
            word = lx.input[lx.start:lx.pos]
            if not lx.at_terminator():
                return lx.errorf("bad character %s" % _sharp_u(c))
            lx.emit(word_kind(word))  # the word starts with a letter or digit: never a field
            return lex_inside_action


def lex_field(lx: Lexer):
    return _lex_field_or_variable(lx, FIELD)


def lex_variable(lx: Lexer):
    if lx.at_terminator():
        lx.emit(VARIABLE)
        return lex_inside_action
    return _lex_field_or_variable(lx, VARIABLE)


def _lex_field_or_variable(lx: Lexer, typ: int):
    if lx.at_terminator():
        lx.emit(VARIABLE if typ == VARIABLE else DOT)
        return lex_inside_action
    c = ""
    lx.pos = _ASCII_WORD.match(lx.input, lx.pos).end()
    while True:
        c = lx.next()
        if not is_alnum(c):
            lx.backup()
            break
    if not lx.at_terminator():
        return lx.errorf("bad character %s" % _sharp_u(c or lx.peek()))
    lx.emit(typ)
    return lex_inside_action


def lex_char(lx: Lexer):
    while True:
        c = lx.next()
        if c == "\\":
            c = lx.next()
            if c != "" and c != "\n":
                continue
            return lx.errorf("unterminated character constant")
        if c == "" or c == "\n":
            return lx.errorf("unterminated character constant")
        if c == "'":
            break
    lx.emit(CHAR_CONSTANT)
    return lex_inside_action


def lex_number(lx: Lexer):
    if not _scan_number(lx):
        return lx.errorf("bad number syntax: %s" % _quote(lx.input[lx.start:lx.pos]))
    c = lx.peek()
    if c == "+" or c == "-":
        if not _scan_number(lx) or lx.input[lx.pos - 1] != "i":
            return lx.errorf("bad number syntax: %s" % _quote(lx.input[lx.start:lx.pos]))
        lx.emit(COMPLEX)
    else:
        lx.emit(NUMBER)
    return lex_inside_action


def _quote(s: str) -> str:
    return go_quote(s)


def _scan_number(lx: Lexer) -> bool:
    lx.accept("+-")
    digits = "0123456789_"
    if lx.accept("0"):
        if lx.accept("xX"):
            digits = "0123456789abcdefABCDEF_"
        elif lx.accept("oO"):
            digits = "01234567_"
        elif lx.accept("bB"):
            digits = "01_"
    lx.accept_run(digits)
    if lx.accept("."):
        lx.accept_run(digits)
    if len(digits) == 11 and lx.accept("eE"):
        lx.accept("+-")
        lx.accept_run("0123456789_")
    if len(digits) == 23 and lx.accept("pP"):
        lx.accept("+-")
        lx.accept_run("0123456789_")
    lx.accept("i")
    if is_alnum(lx.peek()):
        lx.next()
        return False
    return True


def lex_quote(lx: Lexer):
    match = _QUOTED.match(lx.input, lx.pos)
    if match is not None:
        lx.pos = match.end()
        lx.emit(STRING)
        return lex_inside_action
    while True:
        c = lx.next()
        if c == "\\":
            c = lx.next()
            if c != "" and c != "\n":
                continue
            return lx.errorf("unterminated quoted string")
        if c == "" or c == "\n":
            return lx.errorf("unterminated quoted string")
        if c == '"':
            break
    lx.emit(STRING)
    return lex_inside_action


def lex_raw_quote(lx: Lexer):
    end = lx.input.find("`", lx.pos)
    if end < 0:
        lx.line += lx.input.count("\n", lx.pos)
        lx.pos = len(lx.input)
        return lx.errorf("unterminated raw quoted string")
    lx.line += lx.input.count("\n", lx.pos, end)
    lx.pos = end + 1
    lx.emit(RAW_STRING)
    return lex_inside_action


def lex(name: str, text: str) -> list:
    """Lex a whole template. Returns a list of Item ending with EOF or ERROR."""
    return Lexer(name, text).run()
