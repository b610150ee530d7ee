"""Hostile templates and schemas (issue 20, Deliver 4): every string-growing function is held to the string limit and
the render's work budget, a render has a deadline, and regular expressions (Sprig's and values.schema.json's
``pattern``) run in linear time on RE2. Each case is a real chart rendered as ``helm template`` would; each ends in a
clear HelmkitError naming the limit and its environment variable, in bounded time and memory.
"""
import json
import time

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart

from tests.helpers.reliabilitycharts import chart_dir, clear_error

pytestmark = pytest.mark.bad_input
OUT = "hostile/templates/x.yaml"


def _render(tmp_path, templates, values=None, schema=None):
    path = chart_dir(tmp_path, templates, values)
    if schema is not None:
        with open(path + "/values.schema.json", "w") as handle:
            handle.write(schema if isinstance(schema, str) else json.dumps(schema))
    return render_chart(load_chart(path))


def _refused(tmp_path, template, variable, values=None, seconds=20):
    message, took = clear_error(_render, tmp_path, {"x.yaml": template}, values)
    assert variable in message and "x.yaml" in message, message
    assert took < seconds, took
    return message


@pytest.mark.parametrize("template", [
    '{{ printf "%1073741824s" "x" }}',
    '{{ printf "%*d" 1073741824 1 }}',
    '{{ printf "%.1073741824f" 1.5 }}',
    '{{ indent 1073741824 "x" }}',
    '{{ nindent 100000 (repeat 100000 "\\n") }}',
    '{{ randAlphaNum 1073741824 }}',
    '{{ replace "x" (repeat 100000 "y") (repeat 100000 "x") }}',
    '{{ join (repeat 100000 "," ) (until 100000) }}',
    '{{ wrapWith 1 (repeat 100000 "-") (repeat 100000 "x") }}',
    '{{ $s := repeat 40000000 "x" }}{{ print $s $s | len }}',
    '{{ $s := repeat 40000000 "x" }}{{ printf "%s%s" $s $s | len }}',
    '{{ $s := repeat 40000000 "x" }}{{ println $s $s | len }}',
], ids=["printf-width", "printf-star-width", "printf-precision", "indent", "nindent-lines", "randAlphaNum",
        "replace", "join-separator", "wrapWith", "print", "printf-concatenation", "println"])
def test_a_string_growing_function_is_stopped_before_building_a_gigabyte(tmp_path, template):
    _refused(tmp_path, template, "HELMKIT_MAX_STRING_BYTES")


def test_an_include_fan_out_hits_the_work_budget(tmp_path):
    """A 32 MiB partial included in a loop: each string is under the string limit, together they pass the
    render's work budget of 1 GiB after some 32 of them."""
    template = ('{{ define "big" }}{{ repeat 33554432 "x" }}{{ end }}'
                '{{ range until 1000 }}{{ $x := include "big" $ }}{{ end }}')
    _refused(tmp_path, template, "HELMKIT_MAX_RENDER_WORK")


def test_a_doubling_include_fan_out_hits_the_render_deadline(tmp_path, monkeypatch):
    """Each level includes the previous one twice, 40 levels: 2**40 calls; the deadline stops it."""
    monkeypatch.setenv("HELMKIT_RENDER_TIMEOUT", "2")
    defines = '{{ define "l0" }}x{{ end }}' + "".join(
        '{{ define "l%d" }}{{ include "l%d" . }}{{ include "l%d" . }}{{ end }}' % (i, i - 1, i - 1)
        for i in range(1, 41))
    _refused(tmp_path, defines + '{{ include "l40" . | len }}', "HELMKIT_RENDER_TIMEOUT", seconds=10)


def test_a_template_action_fan_out_hits_the_render_deadline(tmp_path, monkeypatch):
    """{{ template }} of itself twice, 60 levels deep: 2**60 calls printing nothing; only the deadline stops it."""
    monkeypatch.setenv("HELMKIT_RENDER_TIMEOUT", "2")
    defines = '{{ define "t0" }}{{ end }}' + "".join(
        '{{ define "t%d" }}{{ template "t%d" . }}{{ template "t%d" . }}{{ end }}' % (i, i - 1, i - 1)
        for i in range(1, 61))
    _refused(tmp_path, defines + '{{ template "t60" . }}', "HELMKIT_RENDER_TIMEOUT", seconds=10)


def test_a_range_over_nested_lists_hits_the_render_deadline(tmp_path, monkeypatch):
    monkeypatch.setenv("HELMKIT_RENDER_TIMEOUT", "1")
    template = "{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}"
    _refused(tmp_path, template, "HELMKIT_RENDER_TIMEOUT", seconds=10)


def test_toyaml_of_a_self_doubling_list_hits_the_work_budget(tmp_path, monkeypatch):
    """A list holding the previous list twice, 60 times: 2**60 leaves shared by reference, built in a blink.
    (A 64 MiB budget keeps the case short on a busy machine; the default 1 GiB stops it after 4 million lists.)"""
    monkeypatch.setenv("HELMKIT_MAX_RENDER_WORK", str(64 * 1024 * 1024))
    template = ('{{ $l := list 1 }}{{ range until 60 }}{{ $l = list $l $l }}{{ end }}{{ toYaml $l }}')
    _refused(tmp_path, template, "HELMKIT_MAX_RENDER_WORK")


def test_tojson_of_one_large_string_referenced_many_times_hits_the_work_budget(tmp_path):
    template = ('{{ $s := repeat 33554432 "x" }}{{ $l := list }}{{ range until 64 }}{{ $l = append $l $s }}{{ end }}'
                '{{ toJson $l | len }}')
    _refused(tmp_path, template, "HELMKIT_MAX_RENDER_WORK")


def test_raised_work_budget_lets_the_fan_out_through(tmp_path, monkeypatch):
    defines = '{{ define "l0" }}xxxxxxxxxxxxxxxx{{ end }}' + "".join(
        '{{ define "l%d" }}{{ include "l%d" . }}{{ include "l%d" . }}{{ end }}' % (i, i - 1, i - 1)
        for i in range(1, 15))
    monkeypatch.setenv("HELMKIT_MAX_RENDER_WORK", "300000")
    _refused(tmp_path, defines + '{{ include "l14" . | len }}', "HELMKIT_MAX_RENDER_WORK")
    monkeypatch.setenv("HELMKIT_MAX_RENDER_WORK", "10000000")
    assert _render(tmp_path, {"x.yaml": defines + '{{ include "l14" . | len }}'})[OUT] == str(16 * 2 ** 14)


@pytest.mark.parametrize("function", ["regexMatch", "mustRegexMatch", "regexFindAll", "regexReplaceAll",
                                      "regexSplit"])
def test_a_catastrophic_regex_runs_in_linear_time(tmp_path, function):
    """(a+)+$ against 'aaaa...!' takes 2**n steps in a backtracking engine; RE2 answers at once."""
    call = {"regexMatch": '{{ regexMatch "(a+)+$" .Values.s }}',
            "mustRegexMatch": '{{ mustRegexMatch "(a|aa)+$" .Values.s }}',
            "regexFindAll": '{{ regexFindAll "(a*)*b" .Values.s -1 | len }}',
            "regexReplaceAll": '{{ regexReplaceAll "(a+)+b" .Values.s "y" | len }}',
            "regexSplit": '{{ regexSplit "(a|a)+b" .Values.s -1 | len }}'}[function]
    start = time.monotonic()
    out = _render(tmp_path, {"x.yaml": call}, 's: "%s!"\n' % ("a" * 5000))[OUT]
    assert time.monotonic() - start < 5
    assert out in ("false", "0", "1", "5001")


def test_a_catastrophic_schema_pattern_runs_in_linear_time(tmp_path):
    schema = {"type": "object", "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}
    start = time.monotonic()
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "x"}, 'name: "%s!"\n' % ("a" * 5000), schema)
    assert time.monotonic() - start < 5
    assert "does not match pattern" in message and "/name" in message


def test_a_schema_pattern_go_refuses_is_a_clear_error(tmp_path):
    schema = {"type": "object", "properties": {"name": {"type": "string", "pattern": "(?<=a)b"}}}
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "x"}, "name: ab\n", schema)
    assert "values.schema.json" in message and "pattern" in message


def test_schema_pattern_properties_use_go_regexp(tmp_path):
    """Go's \\d is ASCII only: an Arabic-Indic digit key does not match ^\\d+$, as in Helm."""
    schema = {"type": "object", "patternProperties": {"^\\d+$": {"type": "integer"}}}
    assert _render(tmp_path, {"x.yaml": "ok"}, '"\u0663": text\n', schema)[OUT] == "ok"
    clear_error(_render, tmp_path, {"x.yaml": "ok"}, '"3": text\n', schema)


@pytest.mark.parametrize("draft, keyword", [
    ("http://json-schema.org/draft-07/schema#", "additionalProperties"),
    ("http://json-schema.org/draft-04/schema#", "additionalProperties"),
    ("https://json-schema.org/draft/2020-12/schema", "additionalProperties"),
    ("https://json-schema.org/draft/2020-12/schema", "unevaluatedProperties"),
    ("https://json-schema.org/draft/2019-09/schema", "unevaluatedProperties"),
])
def test_a_catastrophic_pattern_property_runs_in_linear_time(tmp_path, draft, keyword):
    """``additionalProperties``/``unevaluatedProperties`` consult the ``patternProperties`` beside them through the
    library's own helpers; those match on RE2 too. A key of 30 a's and a '!' against ^(a+)+$ takes 2**30
    steps in Python's re."""
    schema = {"$schema": draft, "type": "object", "patternProperties": {"^(a+)+$": {"type": "string"}},
              keyword: False}
    start = time.monotonic()
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "x"}, '"%s!": v\n' % ("a" * 30), schema)
    assert time.monotonic() - start < 5
    assert "values don't meet the specifications" in message, message
    # the same key without the '!' matches the pattern: no violation
    assert _render(tmp_path, {"x.yaml": "ok"}, '"%s": v\n' % ("a" * 30), schema)[OUT] == "ok"


def test_pattern_properties_beside_additional_properties_use_go_regexp(tmp_path):
    """Go's \\d is ASCII only, also where additionalProperties decides which keys the patterns cover."""
    schema = {"type": "object", "patternProperties": {"^\\d+$": {}}, "additionalProperties": False}
    assert _render(tmp_path, {"x.yaml": "ok"}, '"3": text\n', schema)[OUT] == "ok"
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "ok"}, '"\u0663": text\n', schema)
    assert "\u0663" in message, message


def test_a_pattern_property_go_refuses_beside_additional_properties_is_a_clear_error(tmp_path):
    schema = {"type": "object", "patternProperties": {"(?<=a)b": {}}, "additionalProperties": False}
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "x"}, "ab: 1\n", schema)
    assert "values.schema.json" in message and "pattern" in message, message
