"""chart/uservalues.py, the one home of Helm's MergeValues for every module: both of its callers (helm_release's
release/inputs.user_values and helm_template's chart/template.collect_values) give the same values and the same
error texts, each naming the option and the entry."""
import pytest

from ansible_collections.helmkit.core.plugins.module_utils import release_task
from ansible_collections.helmkit.core.plugins.module_utils.chart.template import collect_values
from ansible_collections.helmkit.core.plugins.module_utils.chart.uservalues import merge_values
from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError


def release_error(params):
    with pytest.raises(ValuesError) as caught:
        release_task.user_values(params)
    return str(caught.value)


def template_error(*args):
    with pytest.raises(ValuesError) as caught:
        collect_values(*args)
    return str(caught.value)


@pytest.mark.parametrize("entry,expected", [
    ({"value": "a[x]=1", "value_type": "raw"}, 'set_values[1] (value_type raw): failed parsing --set data "a[x]=1": '),
    ({"value": "a={bad", "value_type": "json"}, "set_values[1] (value_type json): failed parsing --set data "),
    ({"value": "a.b", "value_type": "literal"}, "set_values[1] (value_type literal): failed parsing --set-literal "),
    ({"value": "f=/nonexistent/x", "value_type": "file"},
     "set_values[1] (value_type file): failed parsing --set data \"f=/nonexistent/x\": cannot read --set-file "
     "/nonexistent/x: No such file or directory"),
])
def test_a_bad_set_value_has_one_text_naming_the_option_index_and_kind(entry, expected):
    entries = [{"value": "ok=1", "value_type": "string"}, entry]
    from_release = release_error({"set_values": entries})
    assert from_release == template_error((), None, entries)
    assert from_release.startswith(expected), from_release


def test_a_values_option_that_is_no_mapping_is_named():
    assert release_error({"release_values": ["a"]}) == \
        "release_values must be a mapping of keys to values, got list"
    assert template_error((), ["a"]) == "values must be a mapping of keys to values, got list"


def test_a_malformed_set_values_entry_is_named():
    message = "set_values[0] must be {value: 'key=value', value_type: one of json, raw, string, file, literal}"
    assert template_error((), None, [{"value": "a=1", "value_type": "bogus"}]) == message
    with pytest.raises(ValuesError, match=r"^extra\[0\] must be"):
        merge_values(set_values=[{"value": 1}], set_option="extra")


def test_both_callers_merge_alike(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("list: [a, b]\nkeep: 1\n")
    entries = [{"value": "list[1]=z", "value_type": "string"}, {"value": "list={p,q}", "value_type": "raw"},
               {"value": 'obj={"n":1}', "value_type": "json"}, {"value": "lit=a,b=c", "value_type": "literal"}]
    from_release = release_task.user_values({"values_files": [str(path)], "release_values": {"keep": 2},
                                             "set_values": entries})
    assert from_release == collect_values([str(path)], {"keep": 2}, entries)
    # json, then raw, then string, then literal (Helm's MergeValues order), each into the same map
    assert from_release == {"list": ["p", "z"], "keep": 2, "obj": {"n": 1}, "lit": "a,b=c"}
