"""yaml/ (emit_v2, unmarshal) and engine/gojson against real Helm v4: toYaml of values passed in (strings,
numbers, nesting, key order), fromYaml of YAML text, toJson, float map keys. Each group renders one chart with
helm_python and compares with our output byte for byte."""
from __future__ import annotations

import difflib
import json

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import gojson
from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError
from ansible_collections.helmkit.core.plugins.module_utils.yaml import emit_v2
from ansible_collections.helmkit.core.plugins.module_utils.yaml.errors import GoYamlError
from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
from ansible_collections.helmkit.core.plugins.module_utils.yaml.resolve import resolve_plain
from ansible_collections.helmkit.core.plugins.module_utils.yaml.unmarshal import unmarshal
from tests.helpers import helmref

QUOTING = [
    "*", "yes", "on", "~", "null", "0x1F", "1e3", "  lead", "a: b", "#x", "é", "a\nb ", "a\n", "a\n\n", "\tx",
    "", " ", "-", "- a", "-a", "?", "? a", ":", "a:", "a#b", "a #b", "a,b", "[a]", "{a}", "!x", "&x", "|", ">", "'",
    '"', "%", "@", "`", "---", "...", "--- x", "a\nb", "a\n b", " a\nb", "a \nb", "\na", "a\r\nb",
    "x" * 100 + " " + "y" * 100, "word " * 30, "'q' " * 30, "a  b " * 30, "quote\"d " * 20 + "\t",
    "2024-01-02", "2024-13-02", "2024-02-30", "2024-1-2", "2024-01-02T10:20:30Z", "2024-01-02 10:20:30", "1:20",
    "190:20:30.15", "12:60", "0o17", "017", "08", "0b101", "+1", "-1", "1_000", ".5", ".", ".inf", "-.inf", ".nan",
    "1.", "1e", "0x", "0xFFFFFFFFFFFFFFFFFF", "18446744073709551615", "18446744073709551616", "9223372036854775808",
    "-9223372036854775809", "Y", "n", "NO", "Off", "True", "tRue", "<<", "=", "\U0001F600", "\u00a0x", "x\u00a0",
    "\ufeffx", "\x85", "a\x85b", "\u2028", "tab\tin", "back\\slash", 'dq"in', "a'b", "a\n\nb\n", "  \n", "a\n ",
    "\n", "\n\n", "x\ty\nz", "é\nü", "line1\nline2\n\n\n", "long line " * 12 + "\nsecond", "k: v\nk2: v2\n",
    "a:b", "a :b", "http://x.y/z", "a\u2029b", "3.0", "1e+06", "--", "- ", " -", "foo bar ", "null ", "~a",
    "\x00\x07\x1b", "1e400", "0x1p-2", ".1e5", "_1", "1__0", "-0b11", "+.inf", "<script>&",
]
NUMBERS = [0, 1, -1, 1.5, 3.0, 1e6, 1e21, 1e20, 1.2345675e6, 1e-7, 1.5e-7, 0.1, 123456789012345678, 2 ** 63,
           2 ** 64, -0.0, 1e300, 100, 1234567.5, 0.000001, 0.0000012, 9007199254740993, -1e-300, 5e-324]
# A key set on which go-yaml's order is a strict weak order (no ties between numeric and letter rules).
KEYS = ["a", "b", "a1", "a10", "a2", "A", "B", "_x", "1", "10", "2", "-", "é", "Z", "z", "a01", "a001", "x.y",
        "k8s", "k9", "", " ", "ü", "key with space", "0", "00", "1.5", "1.10"]


def _diff(ref: str, ours: str) -> str:
    return "".join(difflib.unified_diff(ref.splitlines(True), ours.splitlines(True), "helm", "ours"))


def _values():
    values = {"s%03d" % i: text for i, text in enumerate(QUOTING)}
    values["keys"] = {text: i for i, text in enumerate(QUOTING[:60])}
    values["lst"] = QUOTING[:30]
    values["nested"] = [[["a"]], [], {}, [{}], [{"a": [1, {"b": None}]}], {"m": {"n": {"o": []}}}, [[], [[]]]]
    values["nums"] = NUMBERS
    values["order"] = {key: 1 for key in KEYS}
    values["longkey"] = {"k" * 130: "v", "short": {"k" * 129: ["x"]}}
    values["deep"] = {"l1": {"l2": [{"l3": ["x" * 90 + " tail", {"l4": "y " * 50}]}]}}
    return values


def test_to_yaml_matches_helm_for_values_passed_in():
    values = _values()
    ref = helmref.render({"a.yaml": "{{ toYaml .Values }}\n"}, values=values)["c/templates/a.yaml"]
    # Helm receives the values as JSON, so numbers arrive as float64, as our from_json gives them.
    ours = emit_v2.dump(gojson.from_json(gojson.to_json(values))) + "\n"
    assert ref == ours, _diff(ref, ours)


def test_to_yaml_of_scalars_and_containers_at_top_level():
    cases = ["plain", "a\nb", "", "yes", [], {}, None, [["a"]], "x" * 85 + " " + "y" * 10]
    templates = {"t%d.yaml" % i: "{{ toYaml (index .Values.cases %d) }}" % i for i in range(len(cases))}
    ref = helmref.render(templates, values={"cases": cases})
    for i, case in enumerate(cases):
        assert ref["c/templates/t%d.yaml" % i] == emit_v2.dump(case), case


VALUES_YAML = r'''
a: yes
b: on
c: y
d: ~
e: 0x1F
f: 0o17
g: 017
h: 1_000
i: 1e3
j: 2024-01-02
k: 1:20
l: .5
m: +12
n: 12345678901234567890
o: 99999999999999999999
p: 1.0
q: -0.0
r: 3.
s: 0b101
t: "quoted 1"
u: !!str 123
v: 'single'
w: |
  block
  text
x: >
  folded
  text
y: [1, 2.5, "x", null, true]
z: {a: 1}
1: int key
2.5: float key
true: bool key
anchors: &anc {p: 1}
merge:
  <<: *anc
  q: 2
empty:
nested:
  - a: 1
    b: [x, y]
  - - deep
long: aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii
big: 1e400
neg: -1e-400
date2: 2001-12-14t21:59:43.10-05:00
bin: !!binary aGVsbG8=
'''


def test_from_yaml_then_to_yaml_matches_helm():
    ref = helmref.render({"a.yaml": "{{ toYaml (fromYaml .Values.text) }}\n"}, values={"text": VALUES_YAML})
    ours = emit_v2.dump(unmarshal(VALUES_YAML)) + "\n"
    assert ref["c/templates/a.yaml"] == ours, _diff(ref["c/templates/a.yaml"], ours)


def test_to_json_matches_helm():
    values = _values()
    ref = helmref.render({"a.yaml": "{{ toJson .Values }}"}, values=values)["c/templates/a.yaml"]
    assert ref == gojson.to_json(gojson.from_json(gojson.to_json(values)))


def test_json_float_formatting():
    assert [gojson.go_json_float(x) for x in (3.0, 1e21, 1e-7, 1.5e-7, -0.0, 1e20, 0.1, 1e-10)] == [
        "3", "1e+21", "1e-7", "1.5e-7", "-0", "100000000000000000000", "0.1", "1e-10"]
    with pytest.raises(gojson.GoJsonError, match="unsupported value: NaN"):
        gojson.go_json_float(float("nan"))


def test_marshal_refuses_nan_with_go_message():
    with pytest.raises(GoYamlError, match=r"error marshaling into JSON: json: unsupported value: \+Inf"):
        emit_v2.marshal({"a": float("inf")})


def test_resolve_plain_kinds():
    assert resolve_plain("yes") == ("bool", True)
    assert resolve_plain("0x1F") == ("int", 31)
    assert resolve_plain("2024-01-02") == ("timestamp", "2024-01-02")
    assert resolve_plain("1e400") == ("str", "1e400")
    assert resolve_plain("abc") == ("str", "abc")


def test_to_yaml_fails_like_helm_on_characters_yaml_refuses():
    ref = helmref.render({"a.yaml": "[{{ toYaml .Values }}]"}, values={"a": "x\x7fy"})["c/templates/a.yaml"]
    assert ref == "[]"
    with pytest.raises(GoYamlError, match="control characters are not allowed"):
        emit_v2.dump({"a": "x\x7fy"})


FLOAT_KEYS = ("m:\n  3.14159265358979: a\n  .nan: b\n  1e300: c\n  0.1: d\n  16777217: e\n  1.5: f\n  1e-50: g\n"
              "  -.inf: h\n")


def test_float_map_keys_as_helm_in_values_and_from_yaml():
    """sigs.k8s.io/yaml formats a float key as a float32 ('g', -1, 32) with .inf/.nan: values.yaml and fromYaml
    agree with Helm (values.yaml printed 3.14159265358979, NaN and 1e+300 before they shared one key rule)."""
    text = "".join("  " + line + "\n" for line in FLOAT_KEYS.splitlines())
    ref = helmref.render({"a.yaml": "{{ toJson .Values }}\n---\n{{ toJson (fromYaml .Values.text) }}"},
                         values_yaml=FLOAT_KEYS + "text: |\n" + text)
    values_ref, from_yaml_ref = ref["c/templates/a.yaml"].split("\n---\n")
    assert load_values(FLOAT_KEYS)["m"] == json.loads(values_ref)["m"]
    assert gojson.to_json(unmarshal(FLOAT_KEYS)) == from_yaml_ref


# Documents on which the two Go-semantics loaders this collection had (values files, fromYaml) each parted from
# Helm; Helm reads both through the same sigs.k8s.io/yaml Unmarshal, so now one loader (yaml/decode.py) reads both.
ONE_LOADER = [
    "true: a\n1: b\n",          # Python takes True and 1 for one dict key: values lost a key
    "a: !!str [1, 2]\n",        # !!str on a collection is ignored (values refused it)
    "a: <<\n",                  # a plain << value is the string (both refused it as a merge)
    "a: !!merge x\n",
    "a: !!python/none ''\n",    # a tag go-yaml cannot resolve keeps the text (both refused it)
    "a: !foo 12\n",             # a local tag decodes by kind (fromYaml refused it)
    "a: !foo [1, {b: 2}]\n",
    "a: !!int '12'\nb: !!float 1\nc: !!binary aGVsbG8=\nd: 2024-01-01\ne: !!timestamp 2024-01-01\n",
]


@pytest.mark.parametrize("text", ONE_LOADER)
def test_values_files_and_from_yaml_read_through_one_loader_as_helm(text):
    quoted = "".join("  " + line + "\n" for line in text.splitlines())
    ref = helmref.render({"a.yaml": "{{ toJson .Values }}\n---\n{{ toJson (fromYaml .Values.text) }}"},
                         values_yaml=text + "text: |\n" + quoted)
    values_ref, from_yaml_ref = ref["c/templates/a.yaml"].split("\n---\n")
    expected_values = json.loads(values_ref)
    expected_values.pop("text")
    assert load_values(text) == expected_values
    assert gojson.to_json(unmarshal(text)) == from_yaml_ref


@pytest.mark.parametrize("text", ["a: !!int x\n", "~: x\n", "? [1]\n: x\n"])
def test_values_files_and_from_yaml_refuse_with_helms_text(text):
    ref = helmref.render({"a.yaml": "{{ toJson (fromYaml .Values.text) }}"}, values={"text": text})
    go_text = json.loads(ref["c/templates/a.yaml"])["Error"]
    with pytest.raises(GoYamlError) as from_yaml:
        unmarshal(text)
    assert str(from_yaml.value) == go_text
    with pytest.raises(ValuesError) as values:
        load_values(text)
    assert str(values.value).startswith("cannot load values.yaml: " + go_text)
