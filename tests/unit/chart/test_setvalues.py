"""--set parsers against Helm v4's strvals (helm_python.parse_set_*)."""
from __future__ import annotations

import helm_python
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.helmkit.core.plugins.module_utils.chart import setvalues
from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError

EXPRESSIONS = [
    "a=1", "a=1,b=2", "a.b.c=x", "a[0]=x", "a[2]=x", "a[0].b=1,a[0].c=2", "a[1][0]=z", "a={x,y,z}", "a={}",
    "a={1,true,null}", "a=", "a=true,b=False,c=NULL,d=0,e=01,f=-5,g=+5,h=1.5,i=9223372036854775808",
    r"a\.b=c", r"a=x\,y", r"a=x\\y", "a.b=1,a.c=2,a.b=3", "name=value with spaces", "a=b=c", "a[0]=1,a[3]=4",
    "a.b[1].c=d", "x={a,b},y=z", "a.b=", "list={a,b}c=1", "a[0]", "k=v,", "a==b", "é=ü",
]
ERRORS = ["a", "a,b=1", "a.=1", "a[x]=1", "a[-1]=1", "a[0]x=1", "a={b", "a.b"]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_set_matches_helm(expression):
    assert setvalues.parse_set(expression) == helm_python.parse_set_string(expression)


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_set_string_matches_helm(expression):
    assert setvalues.parse_set_string(expression) == helm_python.parse_set_string_values(expression)


@pytest.mark.parametrize("expression", ERRORS)
def test_malformed_set_raises_like_helm(expression):
    with pytest.raises(helm_python.HelmError):
        helm_python.parse_set_string(expression)
    with pytest.raises(ValuesError):
        setvalues.parse_set(expression)


@pytest.mark.parametrize("expression", [
    'a={"b":[1,2]}', 'a=1,b="x"', 'a[0]={"k":null}', 'a=null', "a= ", 'a.b=[1, {"c": true}] , d=2',
])
def test_set_json_matches_helm(expression):
    assert setvalues.parse_set_json(expression) == helm_python.parse_set_json(expression)


@pytest.mark.parametrize("expression", ["a=b,c=d", "a.b=x=y", "a[0].b={1,2}"])
def test_set_literal_matches_helm(expression):
    assert setvalues.parse_set_literal(expression) == helm_python.parse_set_literal(expression)


def test_set_file_matches_helm(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("line1\nline2,with comma\n")
    expression = "cfg.data=%s" % target
    assert setvalues.parse_set_file(expression) == helm_python.parse_set_file(expression)


def test_into_merges_successive_flags():
    data = setvalues.parse_set("a.b=1")
    setvalues.parse_set("a.c=2", into=data)
    assert data == {"a": {"b": 1, "c": 2}}


@pytest.mark.parametrize("expression", ["a=null,a.b=1", "a=1,a[0]=2", "a[0]=1,a[0][1]=2", "a.b=1,a[0]=1"])
def test_type_conflicts_fail_with_helms_message(expression):
    with pytest.raises(helm_python.HelmError) as helm_err:
        helm_python.parse_set_string(expression)
    with pytest.raises(ValuesError) as ours:
        setvalues.parse_set(expression)
    assert str(ours.value).endswith(str(helm_err.value).rsplit("unable to parse key: ", maxsplit=1)[-1])


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab.=,[]{}01\\ -", min_size=1, max_size=10))
def test_random_expressions_like_helm(expression):
    for ours_parse, helm_parse in ((setvalues.parse_set, helm_python.parse_set_string),
                                   (setvalues.parse_set_string, helm_python.parse_set_string_values)):
        try:
            expected = helm_parse(expression)
        except helm_python.HelmError:
            with pytest.raises(ValuesError):
                ours_parse(expression)
            continue
        assert ours_parse(expression) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.=,[]01\\ ", min_size=1, max_size=10))
def test_random_literal_expressions_like_helm(expression):
    try:
        expected = helm_python.parse_set_literal(expression)
    except helm_python.HelmError:
        with pytest.raises(ValuesError):
            setvalues.parse_set_literal(expression)
        return
    assert setvalues.parse_set_literal(expression) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab.=,[]{}01" :n', min_size=1, max_size=10))
def test_random_json_expressions_like_helm(expression):
    try:
        expected = helm_python.parse_set_json(expression)
    except helm_python.HelmError:
        with pytest.raises(ValuesError):
            setvalues.parse_set_json(expression)
        return
    assert setvalues.parse_set_json(expression) == expected


@pytest.mark.parametrize("expression", ["a\x01b", "k\x7f", "x\u00e9\x02,", "a[\x01]=1", "a[b]c=1"])
def test_error_quotes_keys_as_go_does(expression):
    with pytest.raises(helm_python.HelmError) as helm_err:
        helm_python.parse_set_string(expression)
    with pytest.raises(ValuesError) as ours:
        setvalues.parse_set(expression)
    assert str(ours.value).endswith(": " + str(helm_err.value))
