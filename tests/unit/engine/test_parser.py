"""Parser (text/template/parse) behaviour: trees, node strings and Go's parse error texts, checked against Helm v4."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import nodes as nd
from ansible_collections.helmkit.core.plugins.module_utils.engine.builtins import BUILTINS
from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateParseError
from ansible_collections.helmkit.core.plugins.module_utils.engine.parsing import parse_file
from tests.helpers import helmref, ourrender


def _parse(text, name="t"):
    return parse_file(name, text, BUILTINS.__contains__)


PARSE_ERRORS = {
    "unclosed_action": "{{ .Values.x ",
    "unclosed_action_nl": "a\n{{ .Values.x\n",
    "unexpected_rbrace": "{{ .Values.x } }}",
    "missing_end": "{{ if true }}x",
    "extra_end": "x{{ end }}",
    "extra_else": "{{ else }}",
    "undefined_function": "{{ nosuchfunc 1 }}",
    "undefined_variable": "{{ $x }}",
    "var_out_of_scope": "{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}",
    "empty_action": "{{ }}",
    "empty_if": "{{ if }}x{{ end }}",
    "non_executable_stage": "{{ 1 | 2 }}",
    "dot_after_literal": "{{ \"x\".y }}",
    "bad_number": "{{ 0x1G }}",
    "bad_number2": "{{ 1.2.3 }}",
    "bad_char_const": "{{ 'ab' }}",
    "bad_escape": "{{ \"\\q\" }}",
    "unterminated_string": "{{ \"abc }}",
    "unterminated_raw": "{{ `abc }}",
    "unterminated_char": "{{ 'a }}",
    "unclosed_comment": "{{/* abc }}",
    "comment_before_delim": "{{/* abc */ x }}",
    "break_outside": "{{ break }}",
    "continue_outside": "{{ continue }}",
    "define_no_name": "{{ define }}{{ end }}",
    "define_bad_name": "{{ define x }}{{ end }}",
    "define_nested": "{{ if true }}{{ define \"y\" }}{{ end }}{{ end }}",
    "template_no_name": "{{ template }}",
    "multiple_definition": "{{ define \"pd1\" }}a{{ end }}{{ define \"pd1\" }}b{{ end }}",
    "unclosed_paren": "{{ (1 }}",
    "extra_rparen": "{{ 1) }}",
    "too_many_decls": "{{ $a, $b := 1 }}",
    "range_decl_bad": "{{ range $a, 1 }}{{ end }}",
    "range_three_vars": "{{ range $a, $b, $c := .Values }}{{ end }}",
    "else_else": "{{ if true }}{{ else }}{{ else }}{{ end }}",
    "else_with_in_if": "{{ if true }}{{ else with 1 }}{{ end }}",
    "bad_character": "{{ .Values.x# }}",
    "unrecognized_char": "{{ \u00a7 }}",
    "colon_alone": "{{ $x : 1 }}",
    "pipe_first": "{{ | print }}",
    "float_overflow": "{{ 1e400 }}",
    "char_octal_short": "{{ '\\0' }}",
    "string_octal_big": "{{ \"\\400\" }}",
    "underscores_bad": "{{ 1__0 }}",
    "hex_empty": "{{ 0x }}",
    "octal_bad": "{{ 08 }}",
    "uint64_overflow": "{{ 18446744073709551616 }}",
    "int_overflow_parse": "{{ 99999999999999999999 }}",
    "line_count": "a\nb\n{{/* c\nd */}}\n{{ if }}",
    "line_after_trim": "a\n\n{{- \"x\" -}}\n\n{{ end }}",
    "func_before_syntax_error": "{{ nosuch }}{{ end }}",
    "assign_undefined": "{{ $y = 1 }}",
    "block_no_pipe": "{{ block \"pb\" }}x{{ end }}",
    "block_unclosed": "{{ block \"pb2\" . }}x",
    "nil_chain": "{{ nil.x }}",
    "long_token": "{{ 1 \"abcdefghijklmnop\" }}{{ end",
}


@pytest.mark.parametrize("case", sorted(PARSE_ERRORS))
def test_parse_errors_match_helm(case):
    text = PARSE_ERRORS[case]
    expected = helmref.case_error(case, text)
    assert expected, "Helm rendered %r without error" % text
    assert ourrender.case_error(case, text) == expected


@pytest.mark.parametrize("text,message", [
    ("{{ .x } }}", 'template: t:1: unexpected "}" in operand'),
    ("{{ if true }}", "template: t:1: unexpected EOF"),
    ("{{ foo }}", 'template: t:1: function "foo" not defined'),
    ("a\n{{ $x }}", 'template: t:2: undefined variable "$x"'),
    ("{{ end }}", "template: t:1: unexpected {{end}}"),
    ("{{ 1 | 2 }}", "template: t:1: non executable command in pipeline stage 2"),
    ("{{ (1 }}", "template: t:1: unclosed left paren"),
    ("{{ define \"x\" \"abcdefghijklmnop\" }}", 'template: t:1: unexpected "\\"abcdefghi"... in define clause'),
    ("a\n{{ .x\n", "template: t:3: unclosed action started at t:2"),
    ("{{ .x | 1) }}", "template: t:1: unexpected right paren"),
    ("{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}",
     'template: t:1: template: multiple definition of template "a"'),
    ("{{ range $a, 1 }}{{ end }}", "template: t:1: range can only initialize variables"),
    ("{{ break }}", "template: t:1: {{break}} outside {{range}}"),
    ("{{ if }}{{ end }}", "template: t:1: missing value for if"),
    ("{{ template x }}", 'template: t:1: unexpected "x" in template clause'),
    ("{{ template if }}", "template: t:1: unexpected <if> in template clause"),
])
def test_parse_error_exact_go_text(text, message):
    with pytest.raises(TemplateParseError) as info:
        _parse(text)
    assert str(info.value) == message


def test_tree_shapes_and_node_strings():
    trees = _parse('a{{ define "d" }}D{{ end }}{{- if .x -}} {{ $v := .y | printf "%d" }}{{ else if $.z }}'
                   '{{ (.a).b }}{{ end }}{{ range $i, $e := .l }}{{ break }}{{ else }}{{ template "d" . }}{{ end }}')
    assert sorted(trees) == ["d", "t"]
    root = trees["t"].root
    assert isinstance(root.nodes[0], nd.TextNode) and root.nodes[0].text == "a"
    if_node = root.nodes[1]
    assert isinstance(if_node, nd.IfNode)
    assert str(if_node.pipe) == ".x"
    assert str(if_node.list) == '{{$v := .y | printf "%d"}}'
    assert isinstance(if_node.else_list.nodes[0], nd.IfNode)
    assert str(if_node.else_list.nodes[0].list.nodes[0]) == "{{(.a).b}}"
    range_node = root.nodes[2]
    assert str(range_node) == '{{range $i, $e := .l}}{{break}}{{else}}{{template "d" .}}{{end}}'
    assert str(trees["d"].root) == "D"


def test_define_only_file_leaves_empty_root_and_positions():
    trees = _parse('{{ define "x" }}ab{{ end }}\n')
    assert nd.is_empty_tree(trees["t"].root)
    node = trees["x"].root.nodes[0]
    assert node.pos == len('{{ define "x" }}')
    assert trees["x"].location(node.pos) == "t:1:16"


def test_numbers_are_typed_like_go():
    trees = _parse("{{ 1 }}{{ 1.0 }}{{ 1e2 }}{{ 0x10 }}{{ 'a' }}{{ -0 }}")
    values = [n.pipe.cmds[0].args[0].value for n in trees["t"].root.nodes]
    assert values == [1, 1.0, 100.0, 16, 97, 0]
    assert [type(v) for v in values] == [int, float, float, int, int, int]


def test_has_function_decides_identifiers():
    trees = parse_file("t", "{{ custom 1 }}", lambda name: name == "custom")
    assert str(trees["t"].root) == "{{custom 1}}"
    with pytest.raises(TemplateParseError):
        parse_file("t", "{{ custom 1 }}", lambda name: False)
