"""The token table of Go's text/template, shared by both lexers (text/template/parse/lex.go).

One home for what a token is: the item types, the keywords, the one- and two-character operators, the delimiters,
comment and trim markers, the space characters, and the regular-expression pieces that say where a word, a string
or a decimal number ends. :mod:`.lexer` (the state-function lexer of the full parser, and its regex fast path inside
actions) and :mod:`.fastparse` (the one-pass parser of the common subset) both build their scanners from these, so
the two cannot disagree on what a keyword, an operator or a terminator is.
"""
from __future__ import annotations

# Item types (text/template/parse/lex.go itemType). Keywords come after KEYWORD.
ERROR, BOOL, CHAR, CHAR_CONSTANT, COMMENT, COMPLEX, ASSIGN, DECLARE, EOF, FIELD, IDENTIFIER, LEFT_DELIM, \
    LEFT_PAREN, NUMBER, PIPE, RAW_STRING, RIGHT_DELIM, RIGHT_PAREN, SPACE, STRING, TEXT, VARIABLE, KEYWORD, \
    BLOCK, BREAK, CONTINUE, DOT, DEFINE, ELSE, END, IF, NIL, RANGE, TEMPLATE, WITH = range(35)

KEYWORDS = {
    ".": DOT, "block": BLOCK, "break": BREAK, "continue": CONTINUE, "define": DEFINE, "else": ELSE, "end": END,
    "if": IF, "range": RANGE, "nil": NIL, "template": TEMPLATE, "with": WITH,
}

# Operators inside an action, each one item (lex.go lexInsideAction). "," is lexed as a CHAR item: Go's parser
# accepts it only between the two variables of a range declaration.
OPERATORS = {"|": PIPE, "(": LEFT_PAREN, ")": RIGHT_PAREN, "=": ASSIGN, ":=": DECLARE, ",": CHAR}

LEFT_DELIM_TEXT = "{{"
RIGHT_DELIM_TEXT = "}}"
LEFT_COMMENT = "/*"
RIGHT_COMMENT = "*/"
TRIM_MARKER = "-"  # "{{- " and " -}}": the marker needs one space character on its inner side
SPACES = " \t\r\n"

# Regular-expression pieces (ASCII only: anything else goes to the state functions, which follow Go's Unicode rules).
SPACE_CLASS = r"[ \t\r\n]"
WORD = r"[A-Za-z_][A-Za-z0-9_]*"
# Go's lexer ends a field, variable or identifier only at one of these (lex.go atTerminator).
TERMINATOR = r"(?=[ \t\r\n.,|:)(]|\}\}|\Z)"
# A decimal integer must not be followed by anything that would continue the number (".", "e", "x", "i", "_",
# letters...) nor by "=" or ":" (Go reads those as a bad number).
NUMBER_END = r"(?=[ \t\r\n|)(,]|\}\}|\Z)"
QUOTED = r'"(?:[^"\\\n]|\\[^\n])*"'  # an interpreted string on one line
RAW_QUOTED = r"`[^`]*`"


def word_kind(word: str) -> int:
    """The item type of an ASCII word that lex.go's lexIdentifier emits: a keyword, BOOL or IDENTIFIER."""
    kind = KEYWORDS.get(word)
    if kind is None:
        kind = BOOL if word == "true" or word == "false" else IDENTIFIER
    return kind
