"""yaml/ on its own: the resolvers' tables, go-yaml's error texts, the emitters' contracts (JSON data for go-yaml
v2, the work hooks of v3) and the loaders built on the one SafeLoader. Helm comparisons are in test_yaml_helm.py."""
from __future__ import annotations

import math
import random
import struct

import pytest
import yaml as pyyaml

from ansible_collections.helmkit.core.plugins.module_utils.gocompat.strconv import format_float, format_json_float
from ansible_collections.helmkit.core.plugins.module_utils.yaml import aliases, emit_v2, emit_v3, load, safe
from ansible_collections.helmkit.core.plugins.module_utils.yaml.errors import GoYamlError, go_yaml_error_text
from ansible_collections.helmkit.core.plugins.module_utils.yaml.resolve import looks_base60, resolve_kind_v3, \
    resolve_plain
from ansible_collections.helmkit.core.plugins.module_utils.yaml.unmarshal import unmarshal
from tests.helpers import helmref


@pytest.mark.parametrize("text,v2,v3", [
    ("yes", "bool", "str"), ("off", "bool", "str"), ("true", "bool", "bool"), ("~", "null", "null"),
    ("0x1F", "int", "int"), ("y", "bool", "str"), ("1e3", "float", "float"), (".5", "float", "float"),
    ("2024-01-02", "timestamp", "timestamp"), ("1:20", "str", "str"), ("<<", "merge", "str"), ("abc", "str", "str"),
])
def test_v2_and_v3_tables(text, v2, v3):
    assert resolve_plain(text)[0] == v2
    assert resolve_kind_v3(text) == v3


def test_base60_look_alikes_are_quoted_by_both_emitters():
    assert looks_base60("1:20") and looks_base60("190:20:30.15") and not looks_base60("a:1") and not looks_base60("1:")
    assert emit_v2.dump({"a": "1:20"}) == 'a: "1:20"'
    assert emit_v3.marshal_pretty({"a": "1:20", "b": "yes"}) == 'a: "1:20"\nb: "yes"'


def test_format_float_is_strconv_g_shortest():
    assert [format_float(x) for x in (0.0, -0.0, 1e6, 123456.0, 1e-4, 1e-5, 1e21, 0.1)] == [
        "0", "-0", "1e+06", "123456", "0.0001", "1e-05", "1e+21", "0.1"]
    assert [format_float(x) for x in (float("nan"), float("inf"), float("-inf"))] == ["NaN", "+Inf", "-Inf"]


def test_format_float_prints_random_floats_as_helm():
    """Helm prints a float64 value with fmt's %v, strconv.FormatFloat(f, 'g', -1, 64): 2000 random finite
    float64s (every exponent) in one render against format_float."""
    rng = random.Random(17)
    values = []
    while len(values) < 2000:
        value = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if math.isfinite(value):
            values.append(value)
    out = helmref.render({"t.yaml": "{{ range .Values.cases }}{{ . }}\n{{ end }}"},
                         values={"cases": values})["c/templates/t.yaml"]
    assert out.splitlines() == [format_float(value) for value in values]


def test_format_json_float_examples():
    assert [format_json_float(x) for x in (3.0, 1e21, 1e-7, -0.0, 1e20, 0.1)] == [
        "3", "1e+21", "1e-7", "-0", "100000000000000000000", "0.1"]


@pytest.mark.parametrize("text,expected", [
    ("a: b\x01c\n", "yaml: control characters are not allowed"),
    ("a: 1\nb: *x\n", "yaml: unknown anchor 'x' referenced"),
    ("a: 1\nb:\n  <<: 3\n", "yaml: map merge requires map or sequence of maps as the value"),
    ("a: 1\nb: [\n", "yaml: line 2: did not find expected node content"),
    ("a: 'x\n", "yaml: line 2: found unexpected end of stream"),
])
def test_one_go_yaml_error_text_for_loaders_and_from_yaml(text, expected):
    with pytest.raises(pyyaml.YAMLError) as caught:
        pyyaml.load(text, Loader=load.GoYamlLoader)
    assert go_yaml_error_text(caught.value, text) == expected
    with pytest.raises(GoYamlError) as from_yaml:
        unmarshal(text)
    assert str(from_yaml.value) == "error converting YAML to JSON: " + expected


def test_v2_emitter_takes_json_data_with_go_errors():
    assert emit_v2.marshal({"b": 1, "a": [1.5, True, None, "x"], 2: "int key"}) == (
        '"2": int key\na:\n- 1.5\n- true\n- null\n- x\nb: 1\n')
    with pytest.raises(GoYamlError, match=r"^error marshaling into JSON: json: unsupported value: NaN$"):
        emit_v2.marshal({"a": float("nan")})
    with pytest.raises(GoYamlError, match=r"unsupported type: map\[interface \{\}\]interface \{\}"):
        emit_v2.marshal({True: 1})
    with pytest.raises(GoYamlError, match="unsupported type: set"):
        emit_v2.marshal({"a": {1}})


def test_v3_emitter_charges_the_callers_meter():
    nodes, strings = [], []
    text = emit_v3.marshal_pretty({"a": ["x", "yy"], "b": {"c": 1}}, on_node=lambda: nodes.append(1),
                                  on_string=strings.append)
    assert text == "a:\n  - x\n  - yy\nb:\n  c: 1"
    assert len(nodes) == 3 and sorted(strings) == [1, 1, 1, 1, 2]

    def stop():
        raise RuntimeError("budget")
    with pytest.raises(RuntimeError):
        emit_v3.marshal_pretty([[]], on_node=stop)
    with pytest.raises(GoYamlError, match="cannot marshal type: object"):
        emit_v3.marshal_pretty(object())


def test_every_loader_is_built_on_the_one_safe_loader():
    assert safe.SafeLoader is getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
    for loader in (load.GoYamlLoader, load.IndexLoader):
        assert issubclass(loader, safe.SafeLoader)
    assert pyyaml.load("v: 1.10\nc: 2024-01-01\nd: true", Loader=load.IndexLoader) == {
        "v": "1.10", "c": "2024-01-01", "d": True}
    assert load.load_go_yaml("a: y\nb: 08\nc: 2024-01-01") == {"a": True, "b": 8.0, "c": "2024-01-01"}


def test_check_document_words_the_guard_as_go_yaml():
    data = pyyaml.load("a: &a [1]\nb: *a\n", Loader=load.GoYamlLoader)
    aliases.check_document(data, "a: &a [1]\nb: *a\n")
    loop = []
    loop.append(loop)
    with pytest.raises(GoYamlError, match=r"^yaml: anchor 'a' value contains itself$"):
        aliases.check_document({"a": loop}, "a: &a [*a]\n")
