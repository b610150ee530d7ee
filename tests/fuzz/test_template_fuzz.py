"""Fuzz the text/template engine: any input parses and executes to a string or raises TemplateError, never another
exception, a hang or a RecursionError. Fixed seed and a small budget keep it deterministic and fast."""
from __future__ import annotations

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateError
from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet

FRAGMENTS = [
    "{{", "}}", "{{-", "-}}", "{{- ", " -}}", " ", "\n", "if ", "else ", "end", "range ", "with ", "define ",
    "template ", "block ", "break", "continue", ".", ".a", ".b", ".l", ".m", ".n", "$", "$x", "$x := ", "$x = ",
    "$i, $v := ", "|", "(", ")", '"s"', '"x"', "`r`", "'c'", " 3 ", " 0 ", " -1 ", " 1.5 ", " 0x1F ", "nil", "true",
    "false", "eq ", "ne ", "lt ", "len ", "index ", "slice ", "printf ", '"%d %s %v"', "print ", "println ", "and ",
    "or ", "not ", "html ", "js ", "urlquery ", "call ", "/*", "*/", "x", ",", ":", "=", "\\", '"', "'", "`",
    "\u00e9", "}", "{", "-", "1e400", "99999999999999999999",
]

DATA = {"a": {"b": [1, 2]}, "l": ["x", None, 2.5], "m": {"k": "v", "z": None}, "n": None, "s": "str",
        "f": 1.0, "t": True}

template_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=24).map("".join),
    st.text(max_size=40),
    st.text(alphabet="{}-. |()$:=\"'`abeilnrt\n/*", max_size=40),
)


def _run(text: str) -> None:
    ts = TemplateSet()
    try:
        ts.add("t", text)
        result = ts.execute("t", DATA)
    except TemplateError as exc:
        assert str(exc)
        return
    assert isinstance(result, str)


@seed(20261121)
@settings(max_examples=600, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(template_text)
def test_any_input_renders_or_raises_template_error(text):
    _run(text)


def test_known_nasty_inputs():
    for text in ["{{", "}}", "{{-}}", "{{ - }}", "{{/**/}}", "{{/*", "{{ ( }}", "{{ ) }}", "{{ $x := }}",
                 "{{ range $i, $v := . }}{{ break }}{{ end }}", "{{ template \"t\" }}",
                 "{{ define \"t\" }}{{ template \"t\" }}{{ end }}{{ template \"t\" }}",
                 "{{ " + "(" * 5000 + " }}", "{{ if " * 2000, "{{ index . 1 }}", "{{ slice .s 5 }}",
                 "{{ call .s }}", "{{ .a.b.c }}", "{{ len .f }}", "{{ 1e400 }}", "{{ printf \"%[0]d\" 1 }}"]:
        _run(text)
