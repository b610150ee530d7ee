"""Lexer (text/template/parse/lex.go): token streams, trim markers, comments, positions and lexing errors."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import lexer as lx
from tests.helpers import helmref, ourrender
from ansible_collections.helmkit.core.plugins.module_utils.engine import tokens as tk


def _tokens(text):
    return [(item.typ, item.val) for item in lx.lex("t", text)]


def test_text_and_action_tokens():
    assert _tokens('a {{ .x.y | printf "%d" $v }}b') == [
        (tk.TEXT, "a "), (tk.LEFT_DELIM, "{{"), (tk.SPACE, " "), (tk.FIELD, ".x"), (tk.FIELD, ".y"),
        (tk.SPACE, " "), (tk.PIPE, "|"), (tk.SPACE, " "), (tk.IDENTIFIER, "printf"), (tk.SPACE, " "),
        (tk.STRING, '"%d"'), (tk.SPACE, " "), (tk.VARIABLE, "$v"), (tk.SPACE, " "), (tk.RIGHT_DELIM, "}}"),
        (tk.TEXT, "b"), (tk.EOF, ""),
    ]


def test_keywords_literals_and_punctuation():
    text = "{{if else end range with define template block break continue nil true false . $ $x := = ( ) , 'a' `r` 1.5e3 0x1F -2}}"
    kinds = [t for t, _unused in _tokens(text) if t != tk.SPACE]
    assert kinds == [tk.LEFT_DELIM, tk.IF, tk.ELSE, tk.END, tk.RANGE, tk.WITH, tk.DEFINE, tk.TEMPLATE, tk.BLOCK,
                     tk.BREAK, tk.CONTINUE, tk.NIL, tk.BOOL, tk.BOOL, tk.DOT, tk.VARIABLE, tk.VARIABLE,
                     tk.DECLARE, tk.ASSIGN, tk.LEFT_PAREN, tk.RIGHT_PAREN, tk.CHAR, tk.CHAR_CONSTANT,
                     tk.RAW_STRING, tk.NUMBER, tk.NUMBER, tk.NUMBER, tk.RIGHT_DELIM, tk.EOF]


def test_trim_markers_need_the_space():
    assert _tokens("a  {{- 3 -}}  b") == [(tk.TEXT, "a"), (tk.LEFT_DELIM, "{{"), (tk.NUMBER, "3"),
                                          (tk.RIGHT_DELIM, "}}"), (tk.TEXT, "b"), (tk.EOF, "")]
    assert _tokens("{{ 3  -}}")[3] == (tk.SPACE, " ")
    # "{{-3}}" is the number -3, not a trim marker
    assert (tk.NUMBER, "-3") in _tokens("a {{-3}} b")
    assert _tokens("a {{-3}} b")[0] == (tk.TEXT, "a ")


def test_comments_are_dropped_and_trimmed():
    assert _tokens("a {{/* x */}} b") == [(tk.TEXT, "a "), (tk.TEXT, " b"), (tk.EOF, "")]
    assert _tokens("a \n{{- /* x */ -}}\n b") == [(tk.TEXT, "a"), (tk.TEXT, "b"), (tk.EOF, "")]


def test_item_lines_follow_newlines():
    items = lx.lex("t", "a\nb{{ 1\n}}\n{{ `x\ny` }}{{ 2 }}")
    lines = [(item.val, item.line) for item in items if item.typ in (tk.NUMBER, tk.RAW_STRING, tk.EOF)]
    assert lines == [("1", 2), ("`x\ny`", 4), ("2", 5), ("", 5)]


@pytest.mark.parametrize("text,message", [
    ("{{ 1", "unclosed action"),
    ("{{ \"ab", "unterminated quoted string"),
    ("{{ `ab", "unterminated raw quoted string"),
    ("{{ 'a", "unterminated character constant"),
    ("{{/* x", "unclosed comment"),
    ("{{/* x */ }}", "comment ends before closing delimiter"),
    ("{{ 3x }}", 'bad number syntax: "3x"'),
    ("{{ .a# }}", "bad character U+0023 '#'"),
    ("{{ \u00a7 }}", "unrecognized character in action: U+00A7 '\u00a7'"),
    ("{{ ) }}", "unexpected right paren"),
    ("{{ ( }}", "unclosed left paren"),
    ("{{ : }}", "expected :="),
])
def test_lexing_errors(text, message):
    last = lx.lex("t", text)[-1]
    assert last.typ == tk.ERROR
    assert last.val == message


def test_item_string_forms():
    items = lx.lex("t", '{{ if "abcdefghijklmnop" }}')
    assert [str(i) for i in items if i.typ in (tk.IF, tk.STRING, tk.EOF)] == \
        ["<if>", '"\\"abcdefghi"...', "EOF"]


TRIM_CASES = {
    "trim1": "a \t\n {{- 1 -}} \n\t b",
    "trim2": "{{- 1 }}\n  {{- 2 -}}\n\n",
    "trim3": "x\r\n{{- /* c */ -}}\r\ny",
    "trim4": "{{ 1 -}}{{ 2 }}  {{- 3 }}",
    "trim5": "a{{- \"\" -}}b{{-   4   -}}c",
    "trim6": "line\n  {{- if true }}\n  yes\n  {{- end }}\n",
}


def test_trim_behaviour_matches_helm():
    assert ourrender.render_cases(TRIM_CASES) == helmref.render_cases(TRIM_CASES)


# -- the regular-expression fast path inside actions must produce exactly the state functions' items ------------

_FAST_PATH_CASES = [
    '{{ .Values.a.b | default "x" | quote }}', "{{- if and .a (not .b) -}}x{{- end }}", "{{ $x := 1 }}{{ $x = 2 }}",
    "{{ range $i, $v := .l }}{{ $i }}{{ end }}", "{{ .a -}} b", "{{ .a  -}} b", "{{ .a}}", "{{.a-}}", "{{ 1.5 }}",
    "{{ 0x1F }}", "{{ 1i }}", "{{ -1 }}", "{{ 12 }}", "{{ 12) }}", "{{ (1) }}", "{{ ) }}", "{{ ( }}", "{{ $ }}",
    "{{ $.a }}", "{{ .é }}", "{{ aé }}", "{{ a; }}", "{{ a:b }}", "{{ :a }}", '{{ "a\\"b" }}', '{{ "a\nb" }}',
    "{{ 'c' }}", "{{ `r\nr` }}", "{{ . }}", "{{ .5 }}", "{{ x.y }}", "{{ true.x }}", "{{ a\n|\nb }}", "{{ a",
    "{{ a }", "{{ a=b }}", "{{ a:=b }}", "{{ a,b }}", "{{/* c */}}", "{{- /* c */ -}}", "{{ 01 }}", "{{ 1e3 }}",
    "{{ 1_000 }}", "{{ nil }}", "{{ .a\t}}", "{{ \u00a0 }}", "{{ }}", "{{ ((.a)) }}",
    "{{.", "{{ $", "{{ .a", "{{ 1", "{{ x",
    "{{ a }}text{{- b }}", "{{ a }}  \n {{- b }}", "{{ a }}x{{/* c */}}", "{{ a }}x{{- /* c */}}", "{{ a }}{{",
    "{{ a }}x{{", "{{ a }}x{{-", "{{ a }}{{-\nb }}", "{{ a }}\n\n{{-\n.b }}", "{{ a }}{{ b }}", "{{ a }}\n{{-b}}",
    "{{ a }}\r\n{{- b }}", "{{ a }}x{{- \t.b}}", "{{ (a) }}y{{ (b }}", "{{ a }}\n  {{- /* c */ -}}\n z",
]


@pytest.mark.parametrize("text", _FAST_PATH_CASES)
def test_fast_path_matches_state_functions(text, monkeypatch):
    fast = [tuple(item) for item in lx.lex("t", text)]
    monkeypatch.setattr(lx, "lex_inside_action", lx._lex_inside_action_step)
    slow = [tuple(item) for item in lx.lex("t", text)]
    assert fast == slow


def test_fast_path_group_numbers_are_the_ones_the_loop_dispatches_on():
    order = ("sp", "rd", "fld", "var", "id", "str", "num", "one")
    assert [lx._FAST.groupindex[name] for name in order] == list(range(1, 9))
