"""helm_release inputs without a cluster: Go duration timeouts, plan-time validation, set_values in Helm's order,
values file contents from the action plugin, and post_renderer runs (output, failure, timeout, empty output)."""
import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError, ValuesError
from ansible_collections.helmkit.core.plugins.module_utils import release_task
from ansible_collections.helmkit.core.plugins.module_utils.gocompat.duration import parse_timeout
from ansible_collections.helmkit.core.plugins.module_utils.release import postrender


@pytest.mark.parametrize("value,seconds", [(300, 300.0), ("300", 300.0), ("5m", 300.0), ("1h2m3.5s", 3723.5),
                                           ("1500ms", 1.5), (0, 0.0), ("+5s", 5.0), ("0", 0.0)])
def test_parse_timeout_accepts_seconds_and_go_durations(value, seconds):
    assert parse_timeout(value) == seconds


@pytest.mark.parametrize("value", ["5 minutes", "m5", "", "1d", "-3", True, "99999999999h", "1f"])
def test_parse_timeout_rejects_other_text(value):
    with pytest.raises(HelmkitError, match="is not a duration|must not be negative"):
        parse_timeout(value)


def test_validate_names_each_plan_time_problem(tmp_path):
    base = {"state": "present", "timeout": 300, "drift_ignore": []}
    (tmp_path / "empty").mkdir()
    with pytest.raises(HelmkitError, match="directory without Chart.yaml"):
        release_task.validate(dict(base, chart_ref=str(tmp_path / "empty")))
    with pytest.raises(HelmkitError, match="OCI chart without a version"):
        release_task.validate(dict(base, chart_ref="oci://registry.example.com/charts/app", require_chart_version=True))
    release_task.validate(dict(base, chart_ref="oci://registry.example.com/charts/app"))  # the latest tag, as Helm
    release_task.validate(dict(base, chart_ref="oci://registry.example.com/charts/app:1.2.3"))
    release_task.validate(dict(base, chart_ref="oci://registry.example.com:5000/charts/app", chart_version="1.2.3"))
    with pytest.raises(HelmkitError, match="not executable"):
        script = tmp_path / "pr.sh"
        script.write_text("#!/bin/sh\ncat\n")
        release_task.validate(dict(base, chart_ref="x", post_renderer={"binary_path": str(script), "timeout": 5}))


def test_collect_values_order_and_set_values_into_the_same_map(tmp_path):
    values = release_task.user_values({
        "values_files_contents": [{"path": "a.yaml", "content": "a: 1\nlist: [x, y]\nname: file\n"}],
        "release_values": {"name": "release", "nested": {"k": 1}},
        "set_values": [{"value": "list[1]=z", "value_type": "string"},
                       {"value": "list={p,q}", "value_type": "raw"},
                       {"value": 'obj={"n":1}', "value_type": "json"},
                       {"value": "lit=a,b=c", "value_type": "literal"}]})
    # json first, then raw, then string, then literal (Helm's MergeValues order), each into the same map
    assert values == {"a": 1, "list": ["p", "z"], "name": "release", "nested": {"k": 1}, "obj": {"n": 1},
                      "lit": "a,b=c"}


def test_collect_values_names_the_bad_entry():
    with pytest.raises(ValuesError, match=r"set_values\[0\] \(value_type json\)"):
        release_task.user_values({"set_values": [{"value": "a={bad", "value_type": "json"}]})
    with pytest.raises(ValuesError, match="b.yaml"):
        release_task.user_values({"values_files_contents": [{"path": "b.yaml", "content": "a: [\n"}]})


def test_values_files_not_on_the_controller_are_read_here(tmp_path):
    local = tmp_path / "host.yaml"
    local.write_text("host: true\n")
    assert release_task.user_values({"values_files_contents": [{"path": str(local)}]}) == {"host": True}


def script(tmp_path, body, name="pr"):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def test_post_renderer_output_replaces_the_manifest(tmp_path):
    upper = script(tmp_path, 'tr a-z A-Z; echo "# $1"\n')
    assert postrender.run("kind: x\n", upper, ["arg"]) == "KIND: X\n# arg\n"


def test_post_renderer_failures_are_clear(tmp_path):
    with pytest.raises(postrender.PostRenderError, match=r"exit status 2\)\. error output:\nbroken"):
        postrender.run("a", script(tmp_path, "echo broken >&2; exit 2\n", "fail"))
    with pytest.raises(postrender.PostRenderError, match="printed no manifest"):
        postrender.run("a", script(tmp_path, "cat >/dev/null\n", "empty"))
    with pytest.raises(postrender.PostRenderError, match="did not finish within 0.3s"):
        postrender.run("a", script(tmp_path, "sleep 5\n", "slow"), timeout=0.3)
    with pytest.raises(postrender.PostRenderError, match="not found"):
        postrender.run("a", os.path.join(str(tmp_path), "missing"))


def test_with_post_renderer_changes_only_the_manifest(tmp_path):
    class Rendered:
        manifest, notes, hooks = "m\n", "n", ["h"]

    def render(chart, values, revision, is_upgrade):
        return Rendered()
    wrapped = postrender.with_post_renderer(render, script(tmp_path, "sed s/m/M/\n"))
    out = wrapped(None, {}, revision=1, is_upgrade=False)
    assert (out.manifest, out.notes, out.hooks) == ("M\n", "n", ["h"])
