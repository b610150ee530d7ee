"""Differential fuzz of engine/fastparse.py against the full parser (engine/parser.py): for any input the fast path
either declines (None) or returns exactly the full parser's trees; when the full parser fails, the fast path always
declines, so errors keep Go's text. Budget as in test_template_fuzz.py (HELMKIT_FUZZ_EXAMPLES, HELMKIT_FUZZ_SEED)."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from helpers.parsetrees import full_parse, tree_difference
from ansible_collections.helmkit.core.plugins.module_utils.engine import fastparse
from ansible_collections.helmkit.core.plugins.module_utils.engine.builtins import BUILTINS

EXAMPLES = int(os.environ.get("HELMKIT_FUZZ_EXAMPLES", "300"))
_SEED = os.environ.get("HELMKIT_FUZZ_SEED", "20261121")


def _budget(test):
    configured = settings(max_examples=EXAMPLES, deadline=None, derandomize=_SEED != "random", database=None,
                          suppress_health_check=[HealthCheck.too_slow])(test)
    return configured if _SEED == "random" else seed(int(_SEED))(configured)


FUNCTIONS = frozenset(BUILTINS) | frozenset(["include", "toYaml", "nindent", "quote", "default"])

# Pieces of actions: mostly valid, so that many examples get past the fast path's checks.
OPERANDS = [".", ".a", ".a.b", ".Values.x.y", "$", "$.a", "$x", "$x.a", "$i", "$v", '"s"', '"e\\n\\"q"', "`r\r\n`",
            "0", "7", "-3", "12345678901234567890", "1.5", "'c'", "nil", "true", "false", "(.a)", "(.a).b.c",
            "(print 1)", "include", "include.x", "print", "len", "and", "not", "nindent", "é", "#", "0x1"]
SEPARATORS = [" ", "  ", "\n", "", " | ", "|", "(", ")", " := ", "=", ",", ":"]
HEADS = ["", "", "", "if ", "range ", "with ", "else ", "else if ", "else with ", "end", "break", "continue",
         "define \"d\"", "template \"d\" ", "block \"b\" ", "$x := ", "$i, $v := ", "$x = ", "/* c */", "- /* c */ -"]
OPEN = ["{{", "{{- ", "{{-\n", "{{-"]
CLOSE = ["}}", " -}}", "\n-}}", "-}}", "}", ""]


@st.composite
def actions(draw):
    body = draw(st.sampled_from(HEADS))
    for _count in range(draw(st.integers(0, 4))):
        body += draw(st.sampled_from(OPERANDS)) + draw(st.sampled_from(SEPARATORS))
    return draw(st.sampled_from(OPEN)) + body + draw(st.sampled_from(CLOSE))


SPACE = st.sampled_from([" ", " ", "  ", "\n", "\t"])
ATOMS = [".", ".a", ".a.b", ".Values.x.y", "$", "$.a", "$x", "$x.a", '"s"', '"e\\n\\"q"', "`r\r\n`", "0", "7",
         "-3", "nil", "true", "false", "include.x"]
FUNCS = ["print", "len", "and", "not", "include", "quote", "default", "nindent"]


@st.composite
def pipelines(draw, depth=0):
    """A mostly valid pipeline: commands of functions, fields, variables, literals and parenthesised pipelines."""
    commands = []
    for index in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            parts = [draw(st.sampled_from(FUNCS))]
            for _count in range(draw(st.integers(0, 3))):
                if depth < 2 and draw(st.integers(0, 4)) == 0:
                    parts.append("(" + draw(pipelines(depth + 1)) + ")" + draw(st.sampled_from(["", "", ".k.l"])))
                else:
                    parts.append(draw(st.sampled_from(ATOMS)))
            commands.append(draw(SPACE).join(parts) if draw(st.booleans()) else " ".join(parts))
        elif index == 0:
            commands.append(draw(st.sampled_from(ATOMS)))
        else:
            commands.append(draw(st.sampled_from(FUNCS)))
    return draw(st.sampled_from([" | ", "|", " |\n"])).join(commands)


def _action(draw, body):
    return draw(st.sampled_from(["{{", "{{- ", "{{-\n", "{{ "])) + body + draw(st.sampled_from(["}}", " -}}", " }}"]))


@st.composite
def statements(draw, depth=0):
    out = []
    for _count in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 9 if depth < 2 else 3))
        if kind == 0:
            out.append(draw(st.sampled_from(["x", "\n", "  ", "a: b\n  ", "é", "}}"])))
        elif kind == 1:
            out.append(_action(draw, draw(pipelines())))
        elif kind == 2:
            out.append(_action(draw, draw(st.sampled_from(["$x := ", "$x = ", "$y := "])) + draw(pipelines())))
        elif kind == 3:
            out.append(draw(st.sampled_from(["{{/* c */}}", "{{- /* c\n */ -}}", "{{ template \"d\" . }}",
                                             "{{ template `d` }}"])))
        else:
            keyword = draw(st.sampled_from(["if", "if", "range", "with", "range $i, $v :=", "if $z :="]))
            text = _action(draw, keyword + draw(SPACE) + draw(pipelines())) + draw(statements(depth + 1))
            if keyword.startswith("range") and draw(st.booleans()):
                text += "{{ if .c }}{{ break }}{{ else }}{{ continue }}{{ end }}"
            if keyword == "if" and draw(st.booleans()):
                text += _action(draw, "else if " + draw(pipelines())) + draw(statements(depth + 1))
            if keyword == "with" and draw(st.booleans()):
                text += _action(draw, "else with " + draw(pipelines())) + draw(statements(depth + 1))
            if draw(st.booleans()):
                text += _action(draw, "else") + draw(statements(depth + 1))
            out.append(text + _action(draw, "end"))
    return "".join(out)


@st.composite
def files(draw):
    text = draw(statements())
    if draw(st.booleans()):
        text = "{{ $x := .a }}" + text
    if draw(st.booleans()):
        text = '{{- define "d" }}' + draw(statements(1)) + "{{ end }}\n" + text
    return text


@st.composite
def mutated(draw):
    """A valid-looking file with one random edit, so the checks around the subset's edges are exercised too."""
    text = draw(files())
    if not text:
        return text
    at = draw(st.integers(0, len(text)))
    piece = draw(st.sampled_from(OPERANDS + SEPARATORS + HEADS + OPEN + CLOSE))
    if draw(st.booleans()):
        return text[:at] + piece + text[at:]
    return text[:at] + piece + text[at + len(piece):]


templates = st.one_of(
    files(),
    mutated(),
    st.lists(st.one_of(actions(), st.sampled_from(["x", " ", "\n", "  \n", "a: b\n", "{{ end }}", "{{ else }}",
                                                   "{{ if .a }}", "{{ range $i, $v := .l }}"])),
             max_size=14).map("".join),
    st.text(alphabet="{}-. |()$:=\"'`abeilnrt\n/*", max_size=40),
)


def _check(text: str) -> None:
    fastparse.clear_caches()
    fast = fastparse.fast_parse("t", text, FUNCTIONS.__contains__)
    full = full_parse("t", text, FUNCTIONS.__contains__)
    if fast is None:
        return
    assert not isinstance(full, Exception), "fast path accepted %r, the full parser says %s" % (text, full)
    difference = tree_difference(fast, full)
    assert difference is None, "%r: %s" % (text, difference)
    # and with the action cache filled by this very text (cached actions at other offsets)
    again = fastparse.fast_parse("t", text, FUNCTIONS.__contains__)
    assert tree_difference(again, full) is None


@_budget
@given(templates)
def test_fast_path_declines_or_matches_the_full_parser(text):
    _check(text)


def test_the_generator_reaches_the_fast_path():
    """Guard against a fuzz that only ever exercises the fallback."""
    accepted = 0
    for text in ["{{ if .a }}{{ .a.b }}{{ else if $ }}x{{ end }}", "{{- range $i, $v := .l -}}{{ $v }}{{ end }}"]:
        _check(text)
        accepted += fastparse.fast_parse("t", text, FUNCTIONS.__contains__) is not None
    assert accepted == 2
