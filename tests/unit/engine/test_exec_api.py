"""TemplateSet API: Go's template-set semantics (define replacement, clone, funcs, missingkey) and robustness."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import (
    FuncError, TemplateError, TemplateExecError, TemplateParseError)
from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet


def test_later_define_replaces_earlier_but_empty_does_not():
    ts = TemplateSet()
    ts.add("a.yaml", '{{ define "x" }}first{{ end }}{{ template "x" }}')
    ts.add("b.yaml", '{{ define "x" }}second{{ end }}')
    assert ts.execute("a.yaml", {}) == "second"
    ts.add("c.yaml", '{{ define "x" }}  {{ end }}')
    assert ts.execute("a.yaml", {}) == "second"
    assert ts.has("x") and ts.has("c.yaml") and not ts.has("nope")
    assert ts.names() == ["a.yaml", "b.yaml", "c.yaml", "x"]


def test_clone_is_independent_and_add_funcs():
    ts = TemplateSet({"up": lambda s: s.upper()})
    ts.add("base", '{{ define "p" }}P{{ end }}')
    other = ts.clone()
    other.add("tpl", '{{ template "p" }}{{ up "x" }}')
    assert other.execute("tpl", None) == "PX"
    assert not ts.has("tpl")
    ts.add_funcs({"twice": lambda s: s * 2})
    ts.add("t2", '{{ twice "ab" }}')
    assert ts.execute("t2", None) == "abab"
    with pytest.raises(TemplateParseError, match='function "twice" not defined'):
        other.add("t3", "{{ twice 1 }}")


def test_missing_template_and_missingkey_error():
    ts = TemplateSet(missingkey="error")
    ts.add("t", "{{ .a.b }}")
    with pytest.raises(TemplateExecError) as info:
        ts.execute("t", {"a": {}})
    # Go positions a field chain at its last-but-first field (".b" here), as Helm's messages show
    assert str(info.value) == 'template: t:1:5: executing "t" at <.a.b>: map has no entry for key "b"'
    assert (info.value.name, info.value.line, info.value.col) == ("t", 1, 5)
    with pytest.raises(TemplateExecError) as info:
        ts.execute("nope", {})
    assert str(info.value) == 'template: no template "nope" associated with template "gotpl"'
    ts.add("v", "{{ $x := .missing }}")
    with pytest.raises(TemplateExecError, match='map has no entry for key "missing"'):
        ts.execute("v", {})


def test_function_errors_and_arity():
    def fails(x):
        raise FuncError("bad input %s" % x)

    def crashes():
        return {}["k"]

    def optional(a, b=1):
        return a + b

    ts = TemplateSet({"fails": fails, "crashes": crashes, "opt": optional, "many": lambda a, *rest: len(rest)})
    ts.add("t", '{{ fails 3 }}')
    with pytest.raises(TemplateExecError) as info:
        ts.execute("t", {})
    assert str(info.value) == 'template: t:1:3: executing "t" at <fails 3>: error calling fails: bad input 3'
    ts.add("k", '{{ crashes }}')
    with pytest.raises(TemplateExecError, match="error calling crashes: k$"):
        ts.execute("k", {})
    ts.add("a", '{{ fails }}')
    with pytest.raises(TemplateExecError, match="at <fails>: wrong number of args for fails: want 1 got 0"):
        ts.execute("a", {})
    ts.add("o", '{{ opt 1 }} {{ opt 1 2 }} {{ many 1 2 3 }}')
    assert ts.execute("o", {}) == "2 3 2"
    ts.add("m", '{{ many }}')
    with pytest.raises(TemplateExecError, match="wrong number of args for many: want at least 1 got 0"):
        ts.execute("m", {})


def test_typed_parameters():
    def upper(s):
        return s.upper()
    upper.go_args = ("string",)
    ts = TemplateSet({"upper": upper})
    ts.add("t", "{{ upper .n }}")
    with pytest.raises(TemplateExecError) as info:
        ts.execute("t", {"n": 1.5})
    assert str(info.value).endswith("at <.n>: wrong type for value; expected string; got float64")
    ts.add("l", "{{ upper 1 }}")
    with pytest.raises(TemplateExecError, match="at <1>: expected string; found 1"):
        ts.execute("l", {})
    ts.add("ok", '{{ upper "a" }}{{ "b" | upper }}')
    assert ts.execute("ok", {}) == "AB"


class Files(dict):
    """A map type with methods, like Helm's Files."""

    go_type = "engine.files"

    def Get(self, name):
        return self.get(name, "")


class Meta(object):
    go_type = "*chart.Metadata"
    Name = "mychart"

    def __init__(self):
        self.Version = "1.0.0"

    def IsRoot(self):
        return True

    def __str__(self):
        return "meta"


def test_objects_methods_and_dict_subclasses():
    ts = TemplateSet()
    ts.add("t", '{{ .Files.Get "a" }}|{{ .Files.a }}|{{ .Chart.Name }}|{{ .Chart.Version }}|{{ .Chart.IsRoot }}|'
                '{{ .Chart }}|{{ "a" | .Files.Get }}')
    data = {"Files": Files(a="A"), "Chart": Meta()}
    assert ts.execute("t", data) == "A|A|mychart|1.0.0|true|meta|A"
    ts.add("bad", "{{ .Chart.Nope }}")
    with pytest.raises(TemplateExecError) as info:
        ts.execute("bad", data)
    assert str(info.value).endswith("can't evaluate field Nope in type interface {}")
    ts.add("bad2", "{{ $c := .Chart }}{{ $c.Nope }}")
    with pytest.raises(TemplateExecError) as info:
        ts.execute("bad2", data)
    assert str(info.value).endswith("can't evaluate field Nope in type *chart.Metadata")
    ts.add("args", '{{ .Chart.Name "x" }}')
    with pytest.raises(TemplateExecError, match="Name has arguments but cannot be invoked as function"):
        ts.execute("args", data)


def test_deep_recursion_is_an_error_not_a_crash():
    ts = TemplateSet()
    ts.add("t", '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}')
    with pytest.raises(TemplateExecError) as info:
        ts.execute("t", {})
    assert "exceeded maximum template depth (100000)" in str(info.value)
    ts.add("p", "{{ " + "(" * 50 + "1" + ")" * 50 + " }}")
    assert ts.execute("p", {}) == "1"
    # Go allows 10000 nested parentheses; deeper than Python's stack is a parse error in Go's words, not a crash
    with pytest.raises(TemplateParseError, match="max expression depth exceeded"):
        ts.add("q", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}")


def test_parse_cache_returns_fresh_errors():
    ts = TemplateSet()
    for _i in range(2):
        with pytest.raises(TemplateParseError) as info:
            ts.add("bad", "{{ if }}")
        assert str(info.value) == "template: bad:1: missing value for if"
    assert issubclass(TemplateParseError, TemplateError)


def test_range_iterates_a_snapshot_of_maps_and_lists():
    def unset(d, key):
        d.pop(key, None)
        return d

    def push(lst, item):
        lst.append(item)
        return lst

    ts = TemplateSet({"unset": unset, "push": push})
    ts.add("t", '{{ range $k, $v := .m }}{{ $k }}{{ $v }}{{ $_ := unset $.m "b" }}{{ end }}|'
                '{{ range .l }}{{ . }}{{ $_ := push $.l 9 }}{{ end }}')
    assert ts.execute("t", {"m": {"a": 1, "b": 2}, "l": [1, 2]}) == "a1b2|12"


def test_funcs_may_override_builtins():
    ts = TemplateSet({"and": lambda a, b: "custom-and", "len": lambda x: 42, "call": lambda f: "custom-call"})
    ts.add("t", '{{ and 0 1 }} {{ len "ab" }} {{ call 1 }} {{ or 0 "x" }}')
    assert ts.execute("t", {}) == "custom-and 42 custom-call x"
