"""engine/tokens.py: the one token table; both lexers (lexer.py with its regex fast path, fastparse.py) follow it."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import fastparse
from ansible_collections.helmkit.core.plugins.module_utils.engine import lexer as lx
from ansible_collections.helmkit.core.plugins.module_utils.engine import tokens as tk

WORDS = sorted(tk.KEYWORDS) + ["true", "false", "include"]


def _lexed(text):
    return [(item.typ, item.val) for item in lx.lex("t", text) if item.typ not in (tk.SPACE, tk.EOF)]


@pytest.mark.parametrize("word", WORDS)
def test_words_have_the_tables_kind_in_both_lexers(word, monkeypatch):
    kind = tk.word_kind(word)
    assert kind == tk.KEYWORDS.get(word, tk.BOOL if word in ("true", "false") else tk.IDENTIFIER)
    text = "{{ %s }}" % word
    assert _lexed(text)[1] == (kind, word)
    monkeypatch.setattr(lx, "lex_inside_action", lx._lex_inside_action_step)  # the state functions alone
    assert _lexed(text)[1] == (kind, word)
    assert fastparse._tokenise(text, 0)[2][0][:2] == (kind, word)


@pytest.mark.parametrize("operator", sorted(tk.OPERATORS))
def test_operators_have_the_tables_kind_in_both_lexers(operator, monkeypatch):
    text = "{{ ( $a ) }}" if operator in "()" else "{{ $a %s $b }}" % operator
    expected = (tk.OPERATORS[operator], operator)
    assert expected in _lexed(text)
    monkeypatch.setattr(lx, "lex_inside_action", lx._lex_inside_action_step)
    assert expected in _lexed(text)
    assert expected in [tok[:2] for tok in fastparse._tokenise(text, 0)[2]]


def test_delimiters_and_trim_markers():
    expected = [(tk.TEXT, "a"), (tk.LEFT_DELIM, tk.LEFT_DELIM_TEXT), (tk.FIELD, ".x"),
                (tk.RIGHT_DELIM, tk.RIGHT_DELIM_TEXT), (tk.TEXT, "b")]
    assert _lexed("a {{- .x -}} b") == expected
    left_trim, right_trim, toks, end = fastparse._tokenise("{{- .x -}}", 0)
    assert (left_trim, right_trim, end) == (True, True, 10)
    assert [tok[:2] for tok in toks] == [(tk.FIELD, ".x"), (tk.RIGHT_DELIM, tk.RIGHT_DELIM_TEXT)]
