"""Executor semantics (text/template exec.go) checked against real Helm v4 renders of the same templates."""
from __future__ import annotations

import pytest

from tests.helpers import helmref, ourrender

VALUES = {
    "s": "str", "n": 3, "f": 1.5, "big": 1000000, "zero": 0, "t": True, "no": False, "empty": "",
    "l": ["a", "b", "c"], "nums": [3, 1, 2], "el": [], "m": {"b": 2, "a": 1, "c": {"d": "deep"}}, "em": {},
    "nil": None, "ln": [None, "x"], "nested": {"list": [{"name": "x", "v": 1}, {"name": "y", "v": 2}]},
    "html": "<a href=\"x\">'&'</a>", "uni": "h\u00e9llo \u2603", "neg": -2.25, "nums2": [1, 2.5, -3],
    "chain": {"v": 1, "next": {"v": 2, "next": {"v": 3}}},
}

CASES = {
    # text, actions, trim markers, comments
    "text": "plain text\nsecond line\n",
    "trim": "a  {{- .Values.s -}}  b\n{{- \"x\" }}\n  {{- 1 }}  \n{{ 2 -}}\n\n3",
    "trim_nospace": "a {{-3}} b {{ 4 }}",
    "comment": "a {{/* comment */}} b {{- /* trimmed */ -}} c\n{{/* multi\nline */}}d",
    "literals": "{{ 1 }} {{ -2 }} {{ 1.5 }} {{ 1e3 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 017 }} {{ 1_000 }} "
                "{{ 'a' }} {{ '\\n' }} {{ \"q\\t\\\"x\\\"\" }} {{ `raw\\n` }} {{ true }} {{ false }} {{ 0x1p4 }} "
                "{{ 1e21 }} {{ 123456789.0 }} {{ .5 }} {{ 1. }} {{ 0.000001 }}",
    "literals2": "{{ '\\x41' }} {{ '\\101' }} {{ '\\u00e9' }} {{ '\\U0001F600' }} {{ '\\'' }} {{ \"\\x41\\101\\u00e9\\a\" }} "
                 "{{ \"\\xc3\\xa9\" }} {{ 1_000.5 }} {{ 0x1.8p1 }} {{ 0o777 }} {{ -0x10 }} {{ +5 }} {{ 1E3 }} {{ .5e1 }} "
                 "{{ 0x_1F }} {{ -0.0 }} {{ 9223372036854775807 }} {{ 0X1P-2 }} {{ 0B11 }} {{ 1. }} {{ 00 }}",
    "complex": "{{ 1i }} {{ 1+2i }} {{ 0i }} {{ printf \"%v %T %.1f %e\" 1.5-2i 3i 2i -1e3-1e-3i }} {{ eq 1i 1i }} "
               "{{ 1e3i }} {{ 0x1p2i }} {{ print 2i 3 }} {{ 1.5e3+0i }} {{ if 0i }}t{{ else }}f{{ end }}",
    "dot_fields": "{{ .Values.s }} {{ .Values.m.c.d }} {{ .Values.missing }} {{ .Values.m.zz }} {{ .Release.Name }}",
    "print_values": "{{ .Values.n }} {{ .Values.f }} {{ .Values.big }} {{ .Values.t }} {{ .Values.l }} "
                    "{{ .Values.m }} {{ .Values.nil }} {{ .Values.ln }} {{ .Values.el }} {{ .Values.em }} "
                    "{{ .Values.neg }} {{ .Values.nested }}",
    # variables
    "vars": "{{ $x := 1 }}{{ $x }} {{ $x = 2 }}{{ $x }} {{ $.Values.s }} {{ $y := .Values.m }}{{ $y.c.d }}",
    "var_scope": "{{ $x := \"outer\" }}{{ if true }}{{ $x := \"inner\" }}{{ $x }}{{ end }} {{ $x }} "
                 "{{ if true }}{{ $x = \"assigned\" }}{{ end }}{{ $x }}",
    "var_range_scope": "{{ $x := 0 }}{{ range .Values.l }}{{ $x = . }}{{ end }}{{ $x }}",
    # pipelines
    "pipes": "{{ .Values.s | printf \"%s-%s\" \"a\" }} {{ 3 | printf \"%d\" }} {{ .Values.l | len }} "
             "{{ \"x\" | print \"y\" | print \"z\" }}",
    "parens": "{{ (1) }} {{ (printf \"%d\" 3) }} {{ (.Values.m).b }} {{ (.Values.m.c).d }} {{ len (print \"abc\") }}",
    # if / else if / with / else with
    "if": "{{ if .Values.t }}T{{ end }}{{ if .Values.no }}F{{ else }}E{{ end }}"
          "{{ if .Values.empty }}1{{ else if .Values.zero }}2{{ else if .Values.l }}3{{ else }}4{{ end }}"
          "{{ if .Values.el }}x{{ end }}{{ if .Values.em }}y{{ end }}{{ if .Values.nil }}z{{ end }}"
          "{{ if .Values.m }}M{{ end }}{{ if 0.0 }}f{{ end }}{{ if \"0\" }}S{{ end }}",
    "with": "{{ with .Values.m }}{{ .b }}{{ end }}{{ with .Values.missing }}x{{ else }}none{{ end }}"
            "{{ with .Values.empty }}e{{ else with .Values.s }}{{ . }}{{ end }}"
            "{{ with $v := .Values.n }}{{ $v }}{{ . }}{{ end }}",
    # range
    "range_list": "{{ range .Values.l }}[{{ . }}]{{ end }}{{ range $i, $v := .Values.l }}{{ $i }}{{ $v }}{{ end }}"
                  "{{ range $v := .Values.nums }}{{ $v }}{{ end }}{{ range .Values.el }}x{{ else }}empty{{ end }}",
    "range_map": "{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}{{ range .Values.m }}{{ . }}{{ end }}"
                 "{{ range .Values.em }}x{{ else }}none{{ end }}{{ range .Values.missing }}x{{ else }}nil{{ end }}",
    "range_int": "{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 4 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}zero{{ end }}",
    "range_break": "{{ range .Values.l }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}|"
                   "{{ range .Values.l }}{{ if eq . \"b\" }}{{ continue }}{{ end }}{{ . }}{{ end }}",
    "range_nested": "{{ range .Values.nested.list }}{{ .name }}:{{ range $.Values.l }}{{ . }}{{ end }};{{ end }}",
    "range_assign": "{{ $i := 0 }}{{ $v := 0 }}{{ range $i, $v = .Values.l }}{{ end }}{{ $i }}{{ $v }}",
    # define / template / block
    "define": "{{ define \"exec_t1\" }}<{{ . }}>{{ end }}{{ template \"exec_t1\" \"arg\" }}{{ template \"exec_t1\" }}"
              "{{ template \"exec_t1\" .Values.n }}",
    "define_vars": "{{ define \"exec_t2\" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template \"exec_t2\" 5 }}",
    "block": "{{ block \"exec_b1\" .Values.s }}block:{{ . }}{{ end }}",
    "recursion": "{{ define \"exec_r\" }}{{ with . }}{{ .v }}{{ template \"exec_r\" .next }}{{ end }}{{ end }}"
                 "{{ template \"exec_r\" .Values.chain }}",
    # builtins
    "and_or": "{{ and 1 0 }} {{ and 1 2 }} {{ or 0 \"\" }} {{ or 0 \"x\" }} {{ and .Values.t .Values.s }} "
              "{{ or .Values.nil .Values.el }} {{ 1 | and 2 }} {{ 0 | or 0 }} {{ and .Values.nil .Values.nil.x }}",
    "not": "{{ not 0 }} {{ not 1 }} {{ not .Values.l }} {{ not .Values.nil }} {{ not \"\" }}",
    "len": "{{ len .Values.l }} {{ len .Values.m }} {{ len \"h\u00e9\" }} {{ len .Values.el }}",
    "index": "{{ index .Values.l 1 }} {{ index .Values.m \"b\" }} {{ index .Values.m \"c\" \"d\" }} "
             "{{ index .Values.m \"zz\" }} {{ index \"abc\" 1 }} {{ index .Values }} {{ index .Values.nested.list 1 \"name\" }}",
    "eq": "{{ eq 1 1 }} {{ eq 1 2 }} {{ eq \"a\" \"a\" }} {{ eq .Values.n 3.0 }} {{ eq 1 2 3 1 }} {{ eq nil nil }} "
          "{{ eq .Values.nil nil }} {{ eq .Values.s nil }} {{ eq true true }} {{ ne 1 2 }} {{ ne \"a\" \"a\" }} "
          "{{ eq .Values.missing .Values.nil }}",
    "compare": "{{ lt 1 2 }} {{ le 2 2 }} {{ gt 3 2 }} {{ ge 1 2 }} {{ lt \"a\" \"b\" }} {{ lt 1.5 2.5 }} "
               "{{ lt .Values.f 2.0 }} {{ gt \"b\" \"a\" }} {{ le \"\u00e9\" \"z\" }}",
    "print": "{{ print 1 2 }} {{ print \"a\" \"b\" }} {{ print 1 \"a\" 2 }} {{ print nil }} {{ print .Values.l .Values.m }} "
             "{{ println 1 \"a\" }}{{ printf \"%v %q %5.2f|%-4d|%x\" .Values.l .Values.s .Values.f 7 255 }} "
             "{{ printf \"%d %s\" 1 }} {{ printf \"%d\" 1 2 }} {{ print }} {{ printf \"%T %T %T\" 1 .Values.f .Values.m }}",
    "escapers": "{{ html .Values.html }} {{ js .Values.html }} {{ urlquery .Values.html }} {{ html 1 \"a\" nil }} "
                "{{ js \"\\u2028=\" }} {{ urlquery \"a b&c=d/\u00e9~\" }} {{ html .Values.nil }}",
    "call_method": "{{ .Values.s | len }} {{ printf \"%s\" .Values.uni }} {{ len .Values.uni }}",
    "whitespace_actions": "{{\n.Values.s\n}} {{ \t1\t}} {{- \n 2 \n -}} end",
    "and_short_circuit": "{{ and 0 (index .Values.l 9) }} {{ or 1 (index .Values.l 9) }}",
    "range_else_vars": "{{ range $i, $v := .Values.el }}{{ else }}{{ $x := 1 }}{{ $x }}{{ end }}",
    "nested_templates_vars": "{{ define \"exec_v\" }}{{ $a := . }}{{ range $.l }}{{ $a }}{{ . }}{{ end }}{{ end }}"
                             "{{ template \"exec_v\" .Values }}",
    "block_override": "{{ block \"exec_blk\" . }}default{{ end }}",
    "block_override_def": "{{ define \"exec_blk\" }}overridden{{ end }}",
    "nil_receiver_var": "{{ $x := .Values.nil }}{{ $x.foo }}|{{ (.Values.nil).foo }}|{{ $x.a.b }}",
}


@pytest.fixture(scope="module")
def reference():
    return helmref.render_cases(CASES, VALUES)


@pytest.fixture(scope="module")
def ours():
    return ourrender.render_cases(CASES, VALUES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_render_matches_helm(case, reference, ours):
    assert ours[case] == reference[case], CASES[case]


ERROR_CASES = {
    "nil_pointer": "{{ .Values.missing.b }}",
    "nil_pointer_range": "{{ range .Values.ln }}{{ .a }}{{ end }}",
    "field_on_string": "{{ .Values.s.b }}",
    "field_on_string_var": "{{ $x := .Values.s }}{{ $x.b }}",
    "field_on_list": "{{ .Values.l.x }}",
    "field_args": "{{ .Values.s 1 }}",
    "map_args": "{{ .Values.m.b 1 }}",
    "eq_int_float": "{{ eq .Values.n 3 }}",
    "eq_noncomparable": "{{ eq .Values.l .Values.l }}",
    "eq_missing_arg": "{{ eq 1 }}",
    "lt_bad_type": "{{ lt true false }}",
    "lt_nil": "{{ lt nil 1 }}",
    "lt_mixed": "{{ lt 1 \"a\" }}",
    "index_out_of_range": "{{ index .Values.l 5 }}",
    "index_at_len": "{{ index .Values.l 3 }}",
    "index_nil": "{{ index nil 1 }}",
    "index_bad_key": "{{ index .Values.m 1 }}",
    "index_nil_map_value": "{{ index .Values.m \"zz\" \"y\" }}",
    "index_string_key_list": "{{ index .Values.l \"a\" }}",
    "index_int": "{{ index 1 1 }}",
    "len_int": "{{ len 3 }}",
    "len_nil": "{{ len .Values.nil }}",
    "len_nil_literal": "{{ len nil }}",
    "len_nil_variable": "{{ $x := .Values.nil }}{{ len $x }}",
    "len_nil_piped": "{{ .Values.nil | len }}",
    "not_args": "{{ not 1 2 }}",
    "not_none": "{{ not }}",
    "and_none": "{{ and }}",
    "index_none": "{{ index }}",
    "nil_command": "{{ nil }}",
    "literal_args": "{{ 1 2 }}",
    "string_piped": "{{ 1 | printf \"%d\" | \"x\" }}",
    "var_args": "{{ $x := 1 }}{{ $x 2 }}",
    "range_string": "{{ range .Values.s }}{{ end }}",
    "range_float": "{{ range .Values.f }}{{ end }}",
    "range_int_two_vars": "{{ range $i, $v := 3 }}{{ end }}",
    "template_undefined": "{{ template \"nope\" . }}",
    "template_nested_error": "{{ define \"err_t1\" }}{{ .a.b }}{{ end }}{{ template \"err_t1\" .Values }}",
    "printf_not_string": "{{ printf 1 }}",
    "printf_nil_format": "{{ printf nil }}",
    "printf_value_format": "{{ printf .Values.n }}",
    "printf_piped_format": "{{ .Values.n | printf }}",
    "printf_var_format": "{{ $f := 2 }}{{ printf $f 1 }}",
    "int_overflow": "{{ 18446744073709551615 }}",
    "error_second_line": "line1\n  {{ .Values.missing.x }}",
    "error_unicode_col": "\u00e9\u00e9 {{ .Values.missing.x }}",
    "chain_nil": "{{ (nil).x }}",
    "paren_args": "{{ (1) 2 }}",
    "call_nil": "{{ call .Values.nil }}",
    "call_string": "{{ call .Values.s 1 }}",
    "error_in_arg_pipe": "{{ printf \"%s\" (index .Values.l 5) }}",
    "error_piped_final": "{{ .Values.l | index 5 }}",
    "eq_piped": "{{ .Values.n | eq 3 }}",
    "range_over_func_result": "{{ range (print \"x\") }}{{ end }}",
    "with_decl_error": "{{ with $x := .Values.s.q }}{{ end }}",
    "field_on_number": "{{ .Values.m.b.c }}",
    "multiline_action": "a\n{{\n  .Values.missing.x\n}}",
    "nested_define_chain": "{{ define \"err_a\" }}{{ template \"err_b\" . }}{{ end }}"
                           "{{ define \"err_b\" }}\n  {{ .q.r }}{{ end }}{{ template \"err_a\" .Values }}",
    "variable_field_nil": "{{ $x := .Values.m }}{{ $x.zz.y }}",
    "range_dot_field_on_string": "{{ range .Values.l }}{{ .x }}{{ end }}",
    "template_pipe_error": "{{ define \"err_c\" }}{{ end }}{{ template \"err_c\" .Values.missing.y }}",
    "or_error": "{{ or 0 (index .Values.l 9) }}",
    "if_pipe_error": "{{ if .Values.missing.y }}{{ end }}",
    "else_if_error": "{{ if false }}{{ else if eq 1 1.0 }}{{ end }}",
    "error_after_unicode_line": "\u00e9\n\u00e9\u00e9{{ eq 1 \"a\" }}",
    "map_key_args": "{{ .Values.m.b 1 2 }}",
    "chain_on_pipe_error": "{{ (index .Values.m \"c\").d.e.f }}",
    "range_int_dot_field": "{{ range 3 }}{{ .Values.t }}{{ end }}",
    "printf_nil_map_value": "{{ printf .Values.missing }}",
    "printf_nil_variable": "{{ $m := .Values.missing }}{{ printf $m }}",
    "printf_nil_pipe": "{{ printf (.Values.missing) }}",
    "eq_noncomparable_kinds": "{{ eq .Values.nums2 .Values.m }}",
    "recursion_depth": "{{ define \"err_inf\" }}{{ template \"err_inf\" . }}{{ end }}{{ template \"err_inf\" . }}",
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_errors_match_helm(case):
    text = ERROR_CASES[case]
    expected = helmref.case_error(case, text, VALUES)
    assert expected, "Helm rendered %r without error" % text
    assert ourrender.case_error(case, text, VALUES) == expected
