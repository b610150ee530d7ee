"""engine/fastparse.py: the one-pass parser for the common subset must build exactly the full parser's trees (node
for node: classes, positions, lines, texts) and leave everything else -- other syntax and every invalid file -- to
the full parser, which reports Go's errors."""
from __future__ import annotations

import glob
import io
import os
import tarfile

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.caches import CACHES
from ansible_collections.helmkit.core.plugins.module_utils.engine import fastparse
from ansible_collections.helmkit.core.plugins.module_utils.engine.builtins import BUILTINS
from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateParseError
from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import _Renderer
from ansible_collections.helmkit.core.plugins.module_utils.engine.parsing import parse_file
from tests.helpers.corpus import CHARTS_DIR as CHARTS
from tests.helpers.parsetrees import full_parse, tree_difference

HELM_FUNCTIONS = frozenset(_Renderer(False, None, 1000).funcs) | frozenset(BUILTINS)


def _same_as_full(text: str, name: str = "c/templates/t.yaml"):
    CACHES.clear()
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
    CACHES.clear()
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


def test_cached_actions_give_positions_of_their_own_occurrence():
    text = "{{ .a }}\n  {{ .a }}\n{{- if .b }}{{ .a }}{{ end }}"
    CACHES.clear()
    fastparse.fast_parse("x", text, BUILTINS.__contains__)  # fill the action cache
    fast = fastparse.fast_parse("y", "  " + text, BUILTINS.__contains__)
    assert tree_difference(fast, full_parse("y", "  " + text, BUILTINS.__contains__)) is None
