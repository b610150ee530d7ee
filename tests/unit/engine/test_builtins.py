"""text/template builtins (funcs.go) as plain functions. Helm-visible behaviour of the builtins Helm does not
override is covered against Helm in test_exec.py; ``slice`` is replaced by Sprig's in Helm, so its Go semantics
are pinned here."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import builtins as b
from ansible_collections.helmkit.core.plugins.module_utils.engine import gotypes
from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import FuncError


def test_slice_go_semantics():
    assert b.slice_([1, 2, 3], 1) == [2, 3]
    assert b.slice_([1, 2, 3], 1, 2) == [2]
    assert b.slice_([1, 2, 3]) == [1, 2, 3]
    assert b.slice_("h\u00e9llo", 0, 3) == "h\u00e9"  # bytes, like Go strings
    assert b.slice_([1, 2, 3], 0, 1, 2) == [1]
    for args, message in [
        (([1], 2, 1), "index out of range: 2"),
        (([1, 2, 3], 2, 1), "invalid slice index: 2 > 1"),
        (("abc", 1, 2, 3), "cannot 3-index slice a string"),
        ((None, 1), "slice of untyped nil"),
        ((3, 1), "can't slice item of type int"),
        (([1], "a"), "cannot index slice/array with type string"),
        (([1], None), "cannot index slice/array with nil"),
        (([1], 0, 0, 0, 0), "too many slice indexes: 4"),
    ]:
        with pytest.raises(FuncError) as info:
            b.slice_(*args)
        assert str(info.value) == message


def test_index_and_len():
    data = {"a": [10, {"b": "x"}], "n": None}
    assert b.index(data, "a", 1, "b") == "x"
    assert b.index(data, "zz") is None
    assert b.index("ab", 1) == 98
    assert b.index([1, 2]) == [1, 2]
    with pytest.raises(FuncError, match="index of nil pointer"):
        b.index(data, "n", "x")
    with pytest.raises(FuncError, match="value has type int; should be string"):
        b.index(data, 1)
    assert b.length("h\u00e9") == 3
    assert b.length({"a": 1}) == 1
    with pytest.raises(FuncError, match="len of type bool"):
        b.length(True)


def test_escapers():
    assert b.html("<a href='x'>&\"\0") == "&lt;a href=&#39;x&#39;&gt;&amp;&#34;\ufffd"
    assert b.js("a'b\"c<d>&=\\\n\u2028\u00e9") == "a\\'b\\\"c\\u003Cd\\u003E\\u0026\\u003D\\\\\\u000A\\u2028\u00e9"
    assert b.urlquery("a b&c=d/\u00e9~") == "a+b%26c%3Dd%2F%C3%A9~"
    assert b.html(None) == "&lt;no value&gt;"
    assert b.html(1, 2) == "1 2"


def test_comparisons_follow_go():
    assert b.eq(1, 2, 3, 1) is True
    assert b.eq(None, None) is True
    assert b.eq("a", None) is False
    assert b.lt("a", "b") and b.le(2, 2) and b.gt(2.5, 1.5) and b.ge(1, 1)
    with pytest.raises(FuncError, match="incompatible types for comparison: float64 and int"):
        b.eq(1.0, 1)
    with pytest.raises(FuncError, match="invalid type for comparison"):
        b.lt([1], [2])
    with pytest.raises(FuncError, match="missing argument for comparison"):
        b.eq(1)
    with pytest.raises(FuncError, match="non-comparable types"):
        b.eq({"a": 1}, [1])
    assert b.eq(True, True) and not b.ne(True, True)


def test_truth_and_type_names():
    class Struct(object):
        go_type = "*chart.Metadata"

    assert [gotypes.truth(v) for v in (None, False, 0, 0.0, "", [], {}, b"", Struct(), "0", [0], -1)] == \
        [False] * 8 + [True] * 4
    assert [gotypes.go_type_name(v) for v in ("s", 1, 1.0, True, None, {}, [], b"", Struct())] == \
        ["string", "int", "float64", "bool", "<nil>", "map[string]interface {}", "[]interface {}", "[]uint8",
         "*chart.Metadata"]
    assert [gotypes.zero_value_of(v) for v in ("s", 1, 1.5, True, [1])] == ["", 0, 0.0, False, None]
