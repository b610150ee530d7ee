"""helm.render (Helm's engine.Render) against real Helm v4 on small generated charts: render order and shared
values, partials, include/tpl/required/fail/lookup, <no value> stripping, and Helm's error texts."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import gojson
from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import (
    RenderError, RenderTemplate, render, sort_templates)
from tests.helpers import helmref

CHART = "c"


def ours(templates: dict, values=None, strict=False, lookup=None) -> dict:
    """Render ``{path under templates/: text}`` with helm.render and a context like Helm's for a root chart."""
    vals = gojson.from_json(gojson.to_json(values or {}))
    context = {"Values": vals, "Release": {"Name": helmref.RELEASE, "Namespace": helmref.NAMESPACE},
               "Chart": {"Name": CHART}, "Capabilities": {}, "Files": {}, "Subcharts": {}}
    items = [RenderTemplate("%s/templates/%s" % (CHART, rel), text, context, "%s/templates" % CHART)
             for rel, text in templates.items()]
    return render(items, strict=strict, lookup=lookup)


def our_error_text(templates: dict, values=None) -> str:
    with pytest.raises(RenderError) as info:
        ours(templates, values)
    return str(info.value)


ORDER = {
    "a.yaml": '{{ $_ := set .Values "seen" (printf "%s,a" (.Values.seen | default "")) }}a={{ .Values.seen }}',
    "b.yaml": '{{ $_ := set .Values "seen" (printf "%s,b" (.Values.seen | default "")) }}b={{ .Values.seen }}',
    "sub/c.yaml": '{{ $_ := set .Values "seen" (printf "%s,c" (.Values.seen | default "")) }}c={{ .Values.seen }}',
    "_p.tpl": '{{ define "p" }}P1{{ end }}ignored output',
    "sub/_q.tpl": '{{ define "p" }}P2{{ end }}',
    "z.yaml": '{{ include "p" . }}|{{ template "p" . }}',
    "NOTES.txt": "notes {{ .Template.Name }} {{ .Template.BasePath }}",
    "e.yaml": "",
    "w.yaml": "{{ .Values.nope }}|<no value>|{{ .Values.m.x }}",
    "zz_profile.yaml": '{{ $_ := set .Values "late" "L" }}',
    "y.yaml": "late={{ .Values.late }}",
}


def test_order_partials_notes_and_no_value_match_helm():
    values = {"m": {}}
    assert ours(ORDER, values) == helmref.render(ORDER, values=values)


def test_sort_templates_is_deepest_first_then_reverse_lexical():
    names = ["c/templates/a.yaml", "c/templates/b.yaml", "c/charts/s/templates/x.yaml", "c/templates/sub/c.yaml"]
    assert sort_templates(names) == ["c/charts/s/templates/x.yaml", "c/templates/sub/c.yaml",
                                     "c/templates/b.yaml", "c/templates/a.yaml"]


FUNCS = {
    "tpl.yaml": ('{{ tpl "{{ .Template.Name }}|{{ .Template.BasePath }}|{{ .Values.v }}" . }}\n'
                 '{{ tpl "{{ define \\"tt\\" }}T{{ end }}{{ include \\"tt\\" . }}" . }}\n'
                 '{{ tpl "{{ tpl \\"{{ .Values.v }}-nested\\" . }}" . }}\n'
                 '{{ tpl "{{ .a }}" (dict "a" "A") }}|{{ tpl "plain <no value> text" . }}|[{{ tpl "{{ .Values.no }}" . }}]\n'
                 '{{ tpl (toYaml .Values.tplmap) . }}\n'),
    "inc.yaml": ('{{ define "lbl" }}app: {{ .Values.v }}{{ end }}{{ include "lbl" . | indent 2 }}\n'
                 '{{ define "ctx" }}{{ .name }}={{ .value }}{{ end }}{{ include "ctx" (dict "name" "k" "value" 1) }}\n'),
    "req.yaml": '{{ required "m" .Values.v }}|{{ required "zero ok" 0 }}|{{ lookup "v1" "Pod" "ns" "x" | toJson }}|'
                '[{{ getHostByName "localhost" }}]',
    "yaml.yaml": ('{{ toYaml .Values.tplmap }}\n{{ .Values.tplmap | toJson }}\n{{ (fromYaml "a: [1, yes]").a | toJson }}\n'
                  '{{ toYaml (list "on" 1.5 (dict "k" "*")) }}\n'),
}


def test_helm_functions_match_helm():
    values = {"v": "V", "tplmap": {"name": "{{ .Values.v }}-x", "list": ["a", "{{ .Release.Name }}"]}}
    assert ours(FUNCS, values) == helmref.render(FUNCS, values=values)


ERRORS = {
    "required": '{{ required "need x" .Values.x }}',
    "required_nl": 'a\n  {{ required "a\\nb" nil }}',
    "required_empty": '{{ required "msg here" "" }}',
    "fail": 'x\n  {{ fail "boom" }}',
    "fail_in_include": '{{ define "f" }}{{ fail "deep" }}{{ end }}{{ include "f" . }}',
    "fail_in_tpl": '{{ tpl "{{ fail \\"ff\\" }}" . }}',
    "required_in_tpl_in_include": '{{ define "g" }}{{ tpl "{{ required \\"rq\\" nil }}" . }}{{ end }}{{ include "g" . }}',
    "tpl_exec": '{{ tpl "{{ .Values.x.y }}" . }}',
    "tpl_parse": '{{ tpl "{{ .Values.x" . }}',
    "tpl_func_error": '{{ tpl "{{ index .Values 1 }}" . }}',
    "include_missing": '{{ include "nope" . }}',
    "include_nil": '{{ define "x" }}\n  {{ .Values.a.b }}{{ end }}{{ include "x" . }}',
    "include_include_nil": ('{{ define "x" }}{{ .Values.a.b }}{{ end }}{{ define "y" }}{{ include "x" . }}{{ end }}'
                            '{{ include "y" . }}'),
    "include_funcerr": '{{ define "x" }}{{ index .Values 1 }}{{ end }}{{ include "x" . }}',
    "parse": 'a\n{{ .Values.x',
    "parse_end": '{{ end }}',
    "parse_func": '{{ env "HOME" }}',
    "exec_nil": '{{ .Values.x.y.z }}',
    "index_direct": '{{ index .Values 1 }}',
    "undefined_tpl": '{{ template "nope" . }}',
    "int_field": '{{ $x := 1 }}{{ $x.foo }}',
    "include_args": '{{ include "a" }}',
    "tpl_nonstring": '{{ tpl 1 . }}',
    "unclosed_define": '{{ define "x" }}abc',
    "bad_number": '{{ 1x }}',
    "undefined_var": '{{ $x }}',
    "call_nonfunc": '{{ call .Values.x }}',
    "eq_types": '{{ eq 1 "a" }}',
    "index_oob": '{{ index (list 1) 5 }}',
    "div0": '{{ div 1 0 }}',
    "nested_tpl_include": '{{ define "q" }}{{ tpl "{{ .Values.a.b }}" . }}{{ end }}{{ include "q" . }}',
    "unknown_func_in_tpl": '{{ tpl "{{ nope }}" . }}',
    "template_nil_field": '{{ define "z" }}{{ .x.y }}{{ end }}{{ template "z" .Values }}',
    "required_in_range": '{{ range list 1 2 }}{{ required "in range" nil }}{{ end }}',
    "fail_line3": 'a\nb\n   {{- fail "third" }}',
    "toYaml_args": '{{ toYaml }}',
    "fromYaml_int": '{{ fromYaml 1 }}',
    "include_int": '{{ include 1 . }}',
    "lookup_args": '{{ lookup "v1" "Pod" "x" }}',
    "tpl_define_nil": '{{ tpl "{{ define \\"w\\" }}{{ .Values.a.b }}{{ end }}{{ include \\"w\\" . }}" . }}',
    "comment_unclosed": '{{/* abc',
    "fail_chain": ('{{ define "a1" }}{{ include "a2" . }}{{ end }}{{ define "a2" }}{{ fail "chain" }}{{ end }}'
                   '{{ include "a1" . }}'),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_messages_match_helm(case):
    templates = {"t.yaml": ERRORS[case]}
    assert our_error_text(templates) == helmref.render_error(templates)


def test_include_recursion_is_stopped():
    templates = {"t.yaml": '{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}'}
    message = our_error_text(templates)
    assert message.endswith("rendering template has a nested reference name: r: unable to execute template")
    assert message == helmref.render_error(templates)


def test_strict_mode_fails_on_missing_key():
    with pytest.raises(RenderError, match="map has no entry for key"):
        ours({"t.yaml": "{{ .Values.missing }}"}, strict=True)


def test_lookup_is_injected_in_install_mode():
    calls = []

    def lookup(api_version, kind, namespace, name):
        calls.append((api_version, kind, namespace, name))
        return {"metadata": {"name": name}}

    out = ours({"t.yaml": '{{ (lookup "v1" "Secret" "ns" "s1").metadata.name }}'}, lookup=lookup)
    assert out == {"c/templates/t.yaml": "s1"}
    assert calls == [("v1", "Secret", "ns", "s1")]


class _KubeVersion(object):
    """A Go struct stand-in without tags (fields in declaration order)."""

    def __init__(self):
        self.Version = "v1.36.0"
        self.Major = "1"
        self.Minor = "36"

    def GitVersion(self):  # noqa: N802 - Go method name
        return self.Version


class _BuildInfo(object):
    go_json_tags = {"Version": "version", "GitCommit": "git_commit,omitempty", "GoVersion": "go_version"}

    def __init__(self):
        self.Version = "v4.2"
        self.GitCommit = ""
        self.GoVersion = "go1.26.6"


def test_structs_are_encoded_like_encoding_json():
    from ansible_collections.helmkit.core.plugins.module_utils.engine import helmfuncs
    assert helmfuncs.to_json(_KubeVersion()) == '{"Version":"v1.36.0","Major":"1","Minor":"36"}'
    assert helmfuncs.to_json(_BuildInfo()) == '{"version":"v4.2","go_version":"go1.26.6"}'
    assert helmfuncs.to_yaml({"k": _KubeVersion()}) == 'k:\n  Major: "1"\n  Minor: "36"\n  Version: v1.36.0'
    assert helmfuncs.to_json({"files": {"a.txt": b"hi"}}) == '{"files":{"a.txt":"aGk="}}'


def test_capabilities_and_release_objects_encode_like_helm():
    from ansible_collections.helmkit.core.plugins.module_utils.chart.context import Capabilities, release_object
    text = ("{{ toJson .Capabilities.KubeVersion }}|{{ toYaml .Capabilities.KubeVersion }}|{{ toJson .Release }}|"
            "{{ toJson .Template }}|{{ toJson .Capabilities.APIVersions | trunc 60 }}|{{ toJson .Capabilities }}|"
            "{{ toYaml .Capabilities.HelmVersion }}")
    context = {"Values": {}, "Release": release_object(helmref.RELEASE, helmref.NAMESPACE), "Chart": {},
               "Capabilities": Capabilities(), "Files": {}, "Subcharts": {}}
    ours_out = render([RenderTemplate("c/templates/t.yaml", text, context, "c/templates")])
    assert ours_out == helmref.render({"t.yaml": text})


def test_lint_mode_lets_required_and_fail_pass():
    vals = {"Values": {}, "Release": {}, "Chart": {}, "Capabilities": {}, "Files": {}, "Subcharts": {}}
    text = '[{{ required "need x" .Values.x }}][{{ fail "boom" }}][{{ lookup "v1" "Pod" "" "" | toJson }}]'
    out = render([RenderTemplate("c/templates/t.yaml", text, vals, "c/templates")], lint=True,
                 lookup=lambda *args: {"found": True})
    assert out == {"c/templates/t.yaml": "[][][{}]"}
    with pytest.raises(RenderError, match=r"execution error at \(c/templates/t.yaml:1:4\): need x"):
        render([RenderTemplate("c/templates/t.yaml", text, vals, "c/templates")])


def test_sprig_objects_encode_like_helm():
    text = ('{{ toJson (toDate "2006-01-02 15:04:05" "2024-03-04 05:06:07") }}|'
            '{{ toYaml (dict "t" (toDate "2006-01-02" "2024-03-04")) }}|'
            '{{ semver "1.2.3-beta.1+meta" | toJson }}|{{ toJson (genSelfSignedCert "x" nil nil 1 | typeOf) }}')
    assert ours({"t.yaml": text}) == helmref.render({"t.yaml": text})


def test_parent_defines_override_subchart_defines_like_helm(tmp_path):
    parent = helmref.write_chart(str(tmp_path), {
        "_helpers.tpl": '{{ define "x" }}parent-x{{ end }}',
        "p.yaml": '{{ include "x" . }}|{{ include "only-sub" . }}|{{ .Template.BasePath }}',
    })
    helmref.write_chart(str(tmp_path / "c" / "charts"), {
        "_helpers.tpl": '{{ define "x" }}sub-x{{ end }}{{ define "only-sub" }}sub-only{{ end }}',
        "s.yaml": '{{ include "x" . }}|{{ .Template.Name }}|{{ .Template.BasePath }}',
    }, name="sub")
    with open(str(tmp_path / "c" / "Chart.yaml"), "a") as handle:
        handle.write("dependencies:\n- name: sub\n  version: 0.1.0\n")
    want = helmref.render_chart(parent)

    def ctx():
        return {"Values": {}, "Release": {}, "Chart": {}, "Capabilities": {}, "Files": {}, "Subcharts": {}}
    parent_ctx, sub_ctx = ctx(), ctx()
    items = [
        RenderTemplate("c/templates/_helpers.tpl", '{{ define "x" }}parent-x{{ end }}', parent_ctx, "c/templates"),
        RenderTemplate("c/templates/p.yaml", '{{ include "x" . }}|{{ include "only-sub" . }}|{{ .Template.BasePath }}',
                       parent_ctx, "c/templates"),
        RenderTemplate("c/charts/sub/templates/_helpers.tpl",
                       '{{ define "x" }}sub-x{{ end }}{{ define "only-sub" }}sub-only{{ end }}', sub_ctx,
                       "c/charts/sub/templates"),
        RenderTemplate("c/charts/sub/templates/s.yaml", '{{ include "x" . }}|{{ .Template.Name }}|{{ .Template.BasePath }}',
                       sub_ctx, "c/charts/sub/templates"),
    ]
    assert render(items) == want
