"""helmfuncs against real Helm v4: fromYaml/fromYamlArray/fromJson/fromJsonArray results and error texts, toJson,
toYamlPretty, mustTo* failures."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import helmfuncs
from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import FuncError
from tests.helpers import helmref

YAML_DOCS = ["a: 1", "- a\n- b", "abc", "", "a: [", "a: b: c", "null", "1", "{a: 1}\n---\nb: 2", "a:\n\tb: 1",
             "? [a]\n: 1", "a: 1\na: 2", "x: !!binary aGVsbG8=", "- 1\n- 2.5", "k: 'unterminated", "@x",
             "a: {b: [1, {c: yes}]}", "1: one\ntrue: t\n2.5: f", "a:\n  - b\n c",
             "a:\n  b: 1\n c: 2", "- a\nb: 1", "a: {b", "a: \"x\\q\"", "a:\n\t- b", "key: value\n  bad: indent",
             "a: *unknown", "a: &x 1\nb: *y", "!!int x", "a: !!int x", "a: !!float 1", "? a\n? a", "[1, 2",
             "{a: 1, a: 2}", "x: |\n  a\n b", "a: 1\n---\nb", "%TAG", "a: b\n- c", "- a\n - b", "'a' b",
             "a: 'b'c", "\"unterminated", "a: [1,\n2,\n", "a:\n  - b\n  c: d", "\x01", "a: \x07",
             "---\n...\n---\nx: 1"]
JSON_DOCS = ['{"a":1}', '[1,2]', '"s"', '', '{', '{"a":}', '{"a":1} x', '{"a" 1}', '[1,]', 'tru', 'nul',
             '{"a":1.5e3,"b":[true,null]}', '{"a":1,}', "  ", "[1 2]", '{"a":"<&>"}', "12", "true",
             '{"a":1e400}', '{"a":01}', '{"a":-}', '{"a":1.}', '{"a":.5}', '{"a":"\\x"}', '{"a":"\\u12"}', '{a:1}',
             "{'a':1}", '[1,2]]', '{"a":[1,2}', '{"a":1 "b":2}', '{"a":nulll}', '{"a":"b"}}', ' {"a":1}\n',
             '{"a":"\t"}', '{"a":NaN}', '{"a":Infinity}', '{"a":-0}', '{"a":1E2}', '{"a":"\\ud800"}', '{"":1}',
             '{"a":1,"a":2}', '[', ']', '{"a"', '{"a":', '{"a":1', '"x', '\ufeff{}', 'x', '{,}', '[,1]', '[1 ,]',
             '[1e400, 2]', '{"a":1e-400}', '{"a":"\\u00e9\\n"}', '{"a":1e2x}', '{"a":-01}', '{"a":1e+}']


def test_from_yaml_and_from_json_match_helm():
    lines = []
    ours = []
    for i, doc in enumerate(YAML_DOCS):
        lines.append("{{ toJson (fromYaml (index .Values.docs %d)) }}" % i)
        lines.append("{{ toJson (fromYamlArray (index .Values.docs %d)) }}" % i)
        ours.append(helmfuncs.to_json(helmfuncs.from_yaml(doc)))
        ours.append(helmfuncs.to_json(helmfuncs.from_yaml_array(doc)))
    for i, doc in enumerate(JSON_DOCS):
        lines.append("{{ toJson (fromJson (index .Values.jdocs %d)) }}" % i)
        lines.append("{{ toJson (fromJsonArray (index .Values.jdocs %d)) }}" % i)
        ours.append(helmfuncs.to_json(helmfuncs.from_json(doc)))
        ours.append(helmfuncs.to_json(helmfuncs.from_json_array(doc)))
    ref = helmref.render({"a.yaml": "\n".join(lines)}, values={"docs": YAML_DOCS, "jdocs": JSON_DOCS})
    got = ref["c/templates/a.yaml"].split("\n")
    mismatches = [(line, h, o) for line, h, o in zip(lines, got, ours) if h != o]
    assert not mismatches


PRETTY = [{"a": [1, 2], "b": {"c": "yes", "d": None}}, ["x", ["y"], {}], {"s": "multi\nline\n", "t": "x" * 100 + " y"},
          {"n": 3.0, "f": 1.5, "big": 1e6, "k10": 1, "k9": 2}, {"q": "on", "r": "1e3", "e": ""}]


def test_to_yaml_pretty_matches_helm():
    templates = {"p%d.yaml" % i: "{{ toYamlPretty (index .Values.cases %d) }}" % i for i in range(len(PRETTY))}
    ref = helmref.render(templates, values={"cases": PRETTY})
    values = helmfuncs.from_json(helmfuncs.to_json({"cases": PRETTY}))["cases"]
    for i, case in enumerate(values):
        assert ref["c/templates/p%d.yaml" % i] == helmfuncs.to_yaml_pretty(case), case


def test_must_forms_raise_and_plain_forms_swallow():
    nan = float("nan")
    assert helmfuncs.to_yaml({"a": nan}) == ""
    assert helmfuncs.to_json({"a": nan}) == ""
    with pytest.raises(FuncError, match="json: unsupported value: NaN"):
        helmfuncs.must_to_json({"a": nan})
    with pytest.raises(FuncError, match="error marshaling into JSON: json: unsupported value: NaN"):
        helmfuncs.must_to_yaml([nan])


def test_funcs_table_names():
    names = set(helmfuncs.funcs())
    assert {"toYaml", "mustToYaml", "toYamlPretty", "fromYaml", "fromYamlArray", "toJson", "mustToJson", "fromJson",
            "fromJsonArray", "toToml", "mustToToml", "fromToml"} == names
    assert helmfuncs.funcs()["toYaml"]({"b": 1, "a": [None]}) == "a:\n- null\nb: 1"


def test_to_toml_matches_helm():
    cases = [{"a": 1.0, "b": "x", "t": {"c": [1.0, 2.0], "d": {"e": True}, "g": {"h": 1.0}}, "u": {"v": "w"}},
             {"s": "q\"uote\n", "f": 1.5, "arr": [{"x": 1.0, "y": {"z": 1.0}}, {"x": 2.0}], "z": "last"},
             {"only": {"table": "x"}}]
    templates = {"t%d.yaml" % i: "{{ toToml (index .Values.cases %d) }}" % i for i in range(len(cases))}
    ref = helmref.render(templates, values={"cases": cases})
    for i, case in enumerate(cases):
        assert ref["c/templates/t%d.yaml" % i] == helmfuncs.to_toml(case), case


def _toml_case(rng, depth=0):
    import string
    roll = rng.random()
    if depth > 2 or roll < 0.5:
        return rng.choice([1.0, 2.5, 1234567.0, 1e20, 1e-5, 100.0, -0.0, True, False, "s", "tab\there", "é\u2028",
                           "q\"uote", "multi\nline", "".join(rng.choice(string.printable) for _i in range(8))])
    if roll < 0.7:
        return [_toml_case(rng, depth + 1) for _i in range(rng.randint(0, 3))]
    if roll < 0.8:
        return [dict((rng.choice(["a", "b c", "x.y", "k"]), _toml_case(rng, depth + 1)) for _i in range(2))]
    return dict((rng.choice(["a", "b", "key with space", "x.y", "n", "é"]), _toml_case(rng, depth + 1))
                for _i in range(rng.randint(0, 4)))


def test_random_to_toml_matches_helm():
    import random
    rng = random.Random(42)
    cases = [dict(("k%d" % j, _toml_case(rng)) for j in range(rng.randint(1, 4))) for _i in range(60)]
    cases += [1.5, True, [1.0, "x"], {"a": [[{}]]}, {"a": None}, {"a": [None]}]
    templates = {"t%d.yaml" % i: "{{ toToml (index .Values.cases %d) }}" % i for i in range(len(cases))}
    ref = helmref.render(templates, values={"cases": cases})
    values = helmfuncs.from_json(helmfuncs.to_json({"cases": cases}))["cases"]
    mismatches = [(case, ref["c/templates/t%d.yaml" % i], helmfuncs.to_toml(case)) for i, case in enumerate(values)
                  if ref["c/templates/t%d.yaml" % i] != helmfuncs.to_toml(case)]
    assert not mismatches[:3]


def test_from_toml_matches_helm():
    docs = ['a = 1\nb = "x"\n[t]\nc = [1, 2]\n', "a = 1.5\nd = 1979-05-27T07:32:00Z", 'x = [1, "a"]',
            "[[arr]]\nq = true\n[[arr]]\nq = false", "big = 9223372036854775807", 'k."dotted key" = "v"']
    text = "\n".join("{{ toJson (fromToml (index .Values.docs %d)) }}" % i for i in range(len(docs)))
    ref = helmref.render({"t.yaml": text}, values={"docs": docs})["c/templates/t.yaml"].split("\n")
    assert ref == [helmfuncs.to_json(helmfuncs.from_toml(doc)) for doc in docs]
    assert list(helmfuncs.from_toml("a = ")) == ["Error"]
