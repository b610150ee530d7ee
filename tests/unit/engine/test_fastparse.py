"""engine/fastparse.py: the one-pass parser for the common subset must build exactly the full parser's trees (node
for node: classes, positions, lines, texts) and leave everything else -- other syntax and every invalid file -- to
the full parser, which reports Go's errors."""
from __future__ import annotations

import glob
import io
import os
import tarfile

import pytest

from helpers.parsetrees import full_parse, tree_difference
from ansible_collections.helmkit.core.plugins.module_utils.engine import fastparse
from ansible_collections.helmkit.core.plugins.module_utils.engine.builtins import BUILTINS
from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateParseError
from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import _Renderer
from ansible_collections.helmkit.core.plugins.module_utils.engine.parsing import parse_file

CHARTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "charts")
HELM_FUNCTIONS = frozenset(_Renderer(False, None, 1000).funcs) | frozenset(BUILTINS)


def _same_as_full(text: str, name: str = "c/templates/t.yaml"):
    fastparse.clear_caches()
    fast = fastparse.fast_parse(name, text, HELM_FUNCTIONS.__contains__)
    full = full_parse(name, text, HELM_FUNCTIONS.__contains__)
    return fast, full


FAST_CASES = {
    "text_only": "kind: ConfigMap\n",
    "empty": "",
    "field_chain": "a: {{ .Values.image.tag }}\n",
    "root_var": "{{ $.Values.x }}",
    "dot": "{{ . }}",
    "trim_both": "a:  \n  {{- .Values.x -}}  \n  b",
    "trim_newline_marker": "a\n{{-\n.Values.x\n-}}\nb",
    "include_pipe": "labels:\n  {{- include \"c.labels\" . | nindent 4 }}\n",
    "if_else_if_else": "{{ if .a }}1{{ else if .b }}2{{ else if .c }}3{{ else }}4{{ end }}",
    "with_else_with": "{{ with .a }}{{ . }}{{ else with .b }}{{ . }}{{ else }}n{{ end }}",
    "range_decls": "{{ range $i, $v := .Values.list }}{{ $i }}={{ $v.name }}{{ end }}",
    "range_one_decl": "{{- range $k := .m }}{{ $k }}{{ else }}none{{ end }}",
    "range_break_continue": "{{ range .l }}{{ if . }}{{ break }}{{ end }}{{ continue }}{{ end }}",
    "decl_and_assign": "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
    "define_and_template": "{{- define \"a.b\" -}}\nx: {{ .y }}\n{{- end }}\n{{ template \"a.b\" . }}{{ template \"a.b\" }}",
    "define_raw_name": "{{ define `n` }}{{ end }}",
    "define_empty_redefined": "{{ define \"x\" }}{{ end }}{{ define \"x\" }}y{{ end }}",
    "comments": "a {{/* c */}} b {{- /* trimmed\n */ -}}   c{{/**/}}",
    "comment_only": "{{/* just a comment */}}",
    "parens_chain": "{{ (index .Values \"a\").b.c }} {{ (.x).y }}",
    "function_chain": "{{ include.x }}",
    "numbers_bools_nil": "{{ list 0 -1 42 123456789012345678 true false nil }}",
    "strings": "{{ print \"a\\\"b\\n\" `raw\r\nline` \"\\u00e9\\x41\" \"é\" }}",
    "multiline_action": "x\n{{ printf\n  \"%s\"\n  .a\n}}\n{{ if\n .b }}\n{{ end }}",
    "nested_parens": "{{ default (printf \"%s-%s\" (include \"a\" .) .b) .c | quote }}",
    "braces_in_strings": "{{ \"{{ }}\" }}{{ `}}` }} tail }}",
    "assign_in_if": "{{ if $x := .a }}{{ $x }}{{ else }}{{ $x }}{{ end }}",
    "body_var_visible_in_else": "{{ if .a }}{{ $y := 1 }}{{ else }}{{ $y }}{{ end }}",
    "variable_fields": "{{ $x := .a }}{{ $x.b.c }}",
    "unicode_text": "é{{ .a }}ü\n",
}


@pytest.mark.parametrize("name", sorted(FAST_CASES))
def test_fast_path_builds_the_full_parsers_trees(name):
    fast, full = _same_as_full(FAST_CASES[name])
    assert fast is not None, "the fast path should handle %r" % name
    assert not isinstance(full, Exception), full
    assert tree_difference(fast, full) is None, tree_difference(fast, full)


LAZY_CASES = {
    "nested": "a\n{{- if .a }}\n  {{- range $i, $v := .l }}{{ $i }}{{ if $v }}{{ break }}{{ end }}{{ end }}\n"
              "{{- else if .b -}}\n b {{ with $x := .c }}{{ $x }}{{ else }}{{ $x }}{{ end }}{{ else }}  \n{{ end }}z",
    "empty_bodies": "{{ if .a }}{{ end }}{{ range .l }}{{ else }}{{ end }}{{ with .w }}{{/* c */}}{{ end }}",
    "comment_in_body": "{{ if .a }}x {{- /* }} {{ end */ -}} y{{ end }}",
    "string_with_delims": "{{ if .a }}{{ \"{{ end }}\" }}{{ `{{ else }}` }}{{ end }}",
    "trim_closers": "{{ if .a -}}\n  x  \n{{- else -}}\n  y  \n{{- end }}",
    "lines": "1\n{{ if .a }}\n2\n{{ .x }}\n{{ else }}\n{{ .y }}{{ end }}\n{{ .z }}",
    "define_bodies": "{{ define \"d\" }}{{ if .a }}{{ .a }}{{ end }}{{ end }}{{ if .b }}{{ template \"d\" }}{{ end }}",
}
LAZY_DECLINED = {  # valid, outside what a lazy parse may skip: the whole file goes the usual way
    "block_in_body": "{{ if .a }}{{ block \"b\" . }}x{{ end }}{{ end }}",
    "else_with_in_if": "{{ if .a }}x{{ else with .b }}y{{ end }}",
    "float_in_body": "{{ if .a }}{{ 1.5 }}{{ end }}",
}


@pytest.mark.parametrize("name", sorted(FAST_CASES) + sorted(LAZY_CASES))
def test_lazy_bodies_become_the_full_parsers_trees(name):
    """A lazy parse (for a text known to parse) leaves bodies for later; read, they are the eager trees."""
    text = FAST_CASES.get(name, LAZY_CASES.get(name))
    fastparse.clear_caches()
    lazy = fastparse.fast_parse("c/templates/t.yaml", text, HELM_FUNCTIONS.__contains__, True)
    full = full_parse("c/templates/t.yaml", text, HELM_FUNCTIONS.__contains__)
    assert lazy is not None
    assert tree_difference(lazy, full) is None, tree_difference(lazy, full)  # reads every body


def test_lazy_bodies_are_parsed_when_first_read():
    lazy = fastparse.fast_parse("t", LAZY_CASES["nested"], HELM_FUNCTIONS.__contains__, True)
    branch = lazy["t"].root.nodes[1]
    assert branch.list.lazy is not None and branch.else_list.nodes[0].list.lazy is not None
    assert [type(n).__name__ for n in branch.list.nodes] == ["RangeNode"]
    assert branch.list.lazy is None


@pytest.mark.parametrize("name", sorted(LAZY_DECLINED))
def test_lazy_parse_declines_what_it_may_not_skip(name):
    assert fastparse.fast_parse("t", LAZY_DECLINED[name], HELM_FUNCTIONS.__contains__, True) is None


def test_a_lazy_body_the_fast_path_cannot_parse_comes_from_the_full_parser(monkeypatch):
    text = LAZY_CASES["nested"]
    lazy = fastparse.fast_parse("t", text, HELM_FUNCTIONS.__contains__, True)
    monkeypatch.setattr(fastparse._FastParser, "_run", lambda *a: fastparse._FastParser.errorf(None, ""))
    assert tree_difference(lazy, full_parse("t", text, HELM_FUNCTIONS.__contains__)) is None


FALLBACK_CASES = {
    "block": "{{ block \"b\" . }}x{{ end }}",
    "char_constant": "{{ 'a' }}",
    "float": "{{ 1.5 }}",
    "hex": "{{ 0x1F }}",
    "plus_number": "{{ +1 }}",
    "non_ascii_field": "{{ .café }}",
    "unknown_function": "{{ nosuchfunc 1 }}",
    "undefined_variable": "{{ $x }}",
    "var_out_of_scope": "{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}",
    "unclosed_action": "{{ .Values.x ",
    "missing_end": "{{ if true }}x",
    "extra_end": "x{{ end }}",
    "extra_else": "{{ else }}",
    "else_else": "{{ if true }}{{ else }}{{ else }}{{ end }}",
    "else_with_in_if": "{{ if true }}{{ else with 1 }}{{ end }}",
    "else_if_in_range": "{{ range .a }}{{ else if .b }}{{ end }}",
    "empty_action": "{{ }}",
    "non_executable_stage": "{{ 1 | 2 }}",
    "dot_after_literal": "{{ \"x\".y }}",
    "adjacent_operands": "{{ \"a\"\"b\" }}",
    "break_outside": "{{ break }}",
    "define_nested": "{{ if true }}{{ define \"y\" }}{{ end }}{{ end }}",
    "multiple_definition": "{{ define \"p\" }}a{{ end }}{{ define \"p\" }}b{{ end }}",
    "unclosed_paren": "{{ (1 }}",
    "extra_rparen": "{{ 1) }}",
    "too_many_decls": "{{ $a, $b := 1 }}",
    "field_decl": "{{ $x := 1 }}{{ $x.y := 2 }}",
    "bad_escape": "{{ \"\\q\" }}",
    "unclosed_comment": "{{/* abc }}",
    "comment_before_delim": "{{/* abc */ x }}",
    "bad_character": "{{ .Values.x# }}",
    "number_then_letter": "{{ 1a }}",
    "nineteen_digits": "{{ 1234567890123456789 }}",
}


@pytest.mark.parametrize("name", sorted(FALLBACK_CASES))
def test_other_syntax_and_invalid_files_go_to_the_full_parser(name):
    fast, full = _same_as_full(FALLBACK_CASES[name])
    assert fast is None
    if isinstance(full, Exception):  # and the full parser gives Go's error through parse_file()
        with pytest.raises(TemplateParseError) as raised:
            parse_file("c/templates/t.yaml", FALLBACK_CASES[name], HELM_FUNCTIONS.__contains__)
        assert str(raised.value) == str(full)


def _corpus_templates():
    def walk(data, prefix):
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                content = archive.extractfile(member).read()
                if member.name.endswith(".tgz"):
                    yield from walk(content, prefix + member.name + "!")
                elif "/templates/" in member.name:
                    yield prefix + member.name, content.decode("utf-8", "replace")
    for path in sorted(glob.glob(os.path.join(CHARTS, "*.tgz"))):
        with open(path, "rb") as handle:
            yield from walk(handle.read(), "")


def test_every_corpus_template_gets_the_full_parsers_trees():
    total = fast_count = 0
    fastparse.clear_caches()
    for name, text in _corpus_templates():
        total += 1
        fast = fastparse.fast_parse(name, text, HELM_FUNCTIONS.__contains__)
        if fast is None:
            continue
        fast_count += 1
        full = full_parse(name, text, HELM_FUNCTIONS.__contains__)
        assert tree_difference(fast, full) is None, (name, tree_difference(fast, full))
    assert total > 1900
    assert fast_count >= 0.99 * total  # the fast path is what charts actually use


def test_every_corpus_template_parsed_lazily_gets_the_full_parsers_trees():
    """What a later process does with a file an earlier one parsed (parsing.parse_file with known_valid)."""
    lazy_count = 0
    fastparse.clear_caches()
    for name, text in _corpus_templates():
        lazy = fastparse.fast_parse(name, text, HELM_FUNCTIONS.__contains__, True)
        if lazy is None:
            continue
        lazy_count += 1
        full = full_parse(name, text, HELM_FUNCTIONS.__contains__)
        assert tree_difference(lazy, full) is None, (name, tree_difference(lazy, full))
    assert lazy_count > 1900


def test_cached_actions_give_positions_of_their_own_occurrence():
    text = "{{ .a }}\n  {{ .a }}\n{{- if .b }}{{ .a }}{{ end }}"
    fastparse.clear_caches()
    fastparse.fast_parse("x", text, BUILTINS.__contains__)  # fill the action cache
    fast = fastparse.fast_parse("y", "  " + text, BUILTINS.__contains__)
    assert tree_difference(fast, full_parse("y", "  " + text, BUILTINS.__contains__)) is None
