"""check/diff plans and drift on the Kubernetes API emulator: which objects would be created, changed or deleted
(decided by server-side dry-run, never stored), values diffs, Secret masking, and drift detect/correct.

Tiny hand-written charts as in test_actions.py: these tests exercise the release plan, not rendering."""
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, diff, drift
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

from tests.helpers.releasecharts import NS, Rendered, clear_log, configmap, doc, make_render, options, requests, simple_build


def real_writes(client):
    """Requests that could change the cluster: every non-GET without dryRun=All."""
    return [(r["method"], r["path"]) for r in requests(client)
            if r["method"] not in ("GET", "HEAD") and "dryRun=All" not in (r["query"] or "")]


def all_non_get(client):
    return [(r["method"], r["path"]) for r in requests(client) if r["method"] not in ("GET", "HEAD")]


def secret_build(chart_, values, revision, is_upgrade):
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo-secret\ntype: Opaque\nstringData:\n"
            "  password: %s\n  user: admin\n" % values.get("password", "s3cret"))
    return Rendered(chart_, doc("cm.yaml", configmap("demo-config", {"greeting": values.get("greeting", "hello")}))
                    + doc("secret.yaml", text))


def test_plan_of_a_new_release_creates_every_object_and_stores_nothing(client, chart):
    clear_log(client)
    plan = diff.plan_release(client, options(), chart, {"greeting": "hi", "extra": True}, make_render(simple_build))
    assert plan.changed and plan.action == "install" and plan.revision == 1
    summary = plan.summary()
    assert summary["create"] == ["%s/ConfigMap/demo-config" % NS, "%s/ConfigMap/demo-extra" % NS]
    assert summary["change"] == [] and summary["delete"] == []
    assert summary["chart"] == {"before": "", "after": "demo-1.2.3"}
    assert real_writes(client) == []
    assert all(r["method"] == "GET" or "dryRun=All" in r["query"] for r in requests(client))
    assert SecretStorage(client, NS).history("demo") == []
    after = plan.objects[0].after
    assert after["data"] == {"greeting": "hi"}
    assert after["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    assert "managedFields" not in after["metadata"] and "resourceVersion" not in after["metadata"]


def test_plan_of_an_unchanged_release_is_no_change_with_gets_only(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi"}, render)
    clear_log(client)
    plan = diff.plan_release(client, options(), chart, {"greeting": "hi"}, render)
    assert not plan.changed and plan.action == "none" and plan.ansible_diffs() == []
    assert all_non_get(client) == []


def test_plan_of_an_upgrade_names_changes_deletes_and_values(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi", "extra": True, "kept": True}, render)
    clear_log(client)
    plan = diff.plan_release(client, options(), chart, {"greeting": "bye"}, render)
    summary = plan.summary()
    assert summary["action"] == "upgrade" and summary["revision"] == 2 and summary["values_changed"]
    assert summary["change"] == ["%s/ConfigMap/demo-config" % NS]
    assert summary["delete"] == ["%s/ConfigMap/demo-extra" % NS]
    assert summary["create"] == []
    change = [o for o in summary["objects"] if o["action"] == "change"][0]
    assert change["fields"] == ["/data/greeting"]
    kept = [o for o in plan.objects if o.object["name"] == "demo-kept"][0]
    assert kept.action == "none" and "keep" in kept.reason
    text = plan.unified()
    assert "--- values (revision 1)\n+++ values (revision 2)\n" in text
    assert "-extra: true\n-greeting: hi\n-kept: true\n+greeting: bye\n" in text
    assert "--- %s/ConfigMap/demo-config (live)\n" % NS in text
    assert "-  greeting: hi\n+  greeting: bye\n" in text
    assert "+++ %s/ConfigMap/demo-extra (dry-run)\n" % NS in text
    assert real_writes(client) == []
    assert [r.version for r in SecretStorage(client, NS).history("demo")] == [1]


def test_secret_values_are_masked_in_diffs(client, chart):
    render = make_render(secret_build)
    actions.ensure_present(client, options(), chart, {"password": "first-pass"}, render)
    plan = diff.plan_release(client, options(), chart, {"password": "second-pass"}, render)
    secret = [o for o in plan.objects if o.object["kind"] == "Secret"][0]
    assert secret.action == "change"
    assert secret.before["data"] == {"password": "*** (before)", "user": "***"}
    assert secret.after["data"] == {"password": "*** (after)", "user": "***"}
    text = "".join(diff.to_yaml(side) for side in (secret.before, secret.after))
    assert "first-pass" not in text and "second-pass" not in text
    assert "Zmlyc3QtcGFzcw" not in text  # base64 of first-pass


def test_mask_secrets_leaves_other_kinds_alone():
    cm = {"kind": "ConfigMap", "data": {"a": "b"}}
    assert diff.mask_secrets(cm, None) == (cm, None)
    before, after = diff.mask_secrets(None, {"kind": "Secret", "data": {"k": "dg=="}})
    assert before is None and after["data"] == {"k": "***"}


def test_changed_paths_are_json_pointers():
    before = {"a": {"b": 1, "c/d": [1, 2]}, "gone": 1}
    after = {"a": {"b": 2, "c/d": [1, 3]}, "new": {"x": 1}}
    assert diff.changed_paths(before, after) == ["/a/b", "/a/c~1d/1", "/gone", "/new"]
    assert diff.changed_paths([1], [1, 2], "/l") == ["/l"]


def test_drift_detect_reports_a_manual_edit_and_correct_restores_it_without_a_revision(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi"}, render)
    path = "/api/v1/namespaces/%s/configmaps/demo-config" % NS
    client.request("PATCH", path, query=[("fieldManager", "kubectl-edit")], body={"data": {"greeting": "edited"}},
                   content_type="application/merge-patch+json")
    release = SecretStorage(client, NS).history("demo")[-1]
    clear_log(client)
    found = drift.detect(client, release)
    assert real_writes(client) == []
    assert [d.as_dict() for d in found] == [{
        "object": {"apiVersion": "v1", "kind": "ConfigMap", "name": "demo-config", "namespace": NS},
        "missing": False, "fields": [{"path": "/data/greeting", "live": "edited", "desired": "hi"}]}]
    assert "/data/greeting is 'edited', release has 'hi'" in found[0].describe()
    assert drift.detect(client, release, ignore=["/data/greeting"]) == []
    assert drift.detect(client, release, ignore=["ConfigMap/demo-config:/data"]) == []
    assert len(drift.detect(client, release, ignore=["ConfigMap/other:/data"])) == 1
    clear_log(client)
    assert drift.correct(client, release, found) == 1
    assert real_writes(client) == [("PATCH", path)]
    assert client.request("GET", path)["data"] == {"greeting": "hi"}
    assert [r.version for r in SecretStorage(client, NS).history("demo")] == [1]
    assert drift.detect(client, release) == []


def test_drift_sees_a_deleted_object_and_ignores_fields_the_release_does_not_manage(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"extra": True}, render)
    path = "/api/v1/namespaces/%s/configmaps/demo-config" % NS
    client.request("PATCH", path, query=[("fieldManager", "other")], body={"data": {"unmanaged": "x"}},
                   content_type="application/merge-patch+json")
    client.request("DELETE", "/api/v1/namespaces/%s/configmaps/demo-extra" % NS)
    release = SecretStorage(client, NS).history("demo")[-1]
    found = drift.detect(client, release)
    assert [(d.object["metadata"]["name"], d.missing) for d in found] == [("demo-extra", True)]
    drift.correct(client, release, found)
    client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-extra" % NS)


def test_drift_ignore_must_be_json_pointers():
    with pytest.raises(HelmkitError, match="not a JSON pointer"):
        drift.validate_ignore(["spec.replicas"])
    drift.validate_ignore(["/spec/replicas", "Deployment/web:/spec"])


def test_resolve_pointer():
    doc = {"a": [{"b~c": 1}], "x/y": 2}
    assert drift.resolve_pointer(doc, "/a/0/b~0c") == 1
    assert drift.resolve_pointer(doc, "/x~1y") == 2
    assert drift.resolve_pointer(doc, "/a/5") is None


def test_plan_follows_reuse_values_and_reset_values(client, chart):
    from ansible_collections.helmkit.core.plugins.module_utils.release import reuse
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi", "extra": True}, render)
    history = SecretStorage(client, NS).history("demo")
    reused_chart, reused = reuse.upgrade_inputs(chart, history, {"greeting": "bye"}, "reuse_values")
    plan = diff.plan_release(client, options(), reused_chart, reused, render)
    assert plan.summary()["delete"] == [] and plan.values_after == {"greeting": "bye", "extra": True}
    plain = diff.plan_release(client, options(), chart, {"greeting": "bye"}, render)
    assert plain.summary()["delete"] == ["%s/ConfigMap/demo-extra" % NS]
    reset = diff.plan_release(client, options(reset_values=True), chart, {}, render)
    assert reset.values_after == {} and reset.summary()["delete"] == ["%s/ConfigMap/demo-extra" % NS]


def test_plan_lists_the_hooks_the_action_would_run_in_helms_order(client, chart):
    def with_hooks(chart_, values, revision, is_upgrade):
        rendered = simple_build(chart_, values, revision, is_upgrade)
        rendered.hooks = [
            {"name": "late", "kind": "ConfigMap", "path": "demo/templates/late.yaml",
             "events": ["pre-install", "post-upgrade"], "weight": 5,
             "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n"},
            {"name": "early", "kind": "Job", "path": "demo/templates/early.yaml", "events": ["pre-install"],
             "weight": -1, "manifest": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: early\n"},
        ]
        return rendered
    plan = diff.plan_release(client, options(), chart, {}, make_render(with_hooks))
    assert plan.summary()["hooks"] == [{"name": "early", "kind": "Job", "event": "pre-install", "weight": -1},
                                       {"name": "late", "kind": "ConfigMap", "event": "pre-install", "weight": 5}]


def many_build(chart_, values, revision, is_upgrade):
    """Ten ConfigMaps and two Secrets: several objects per kind, so the checks read them concurrently."""
    manifest = "".join(doc("cm-%d.yaml" % i, configmap("many-%d" % i, {"index": '"%d"' % i})) for i in range(10))
    manifest += "".join(doc("s-%d.yaml" % i, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: many-secret-%d\n"
                            "type: Opaque\nstringData:\n  key: v%d\n" % (i, i)) for i in range(2))
    return Rendered(chart_, manifest)


MANY = [("configmaps", "many-%d" % i) for i in range(10)] + [("secrets", "many-secret-%d" % i) for i in range(2)]


def test_drift_of_any_one_object_out_of_many_is_found_changed_or_deleted(client, chart):
    """drift.detect reads the objects concurrently: each object in turn, one field changed and then the object
    deleted, is reported alone, with the field, and nothing else is."""
    actions.ensure_present(client, options(), chart, {}, make_render(many_build))
    release = SecretStorage(client, NS).history("demo")[-1]
    assert drift.detect(client, release) == []
    for index, (resource, name) in enumerate(MANY):
        path = "/api/v1/namespaces/%s/%s/%s" % (NS, resource, name)
        field = {"data": {"index": "edited"}} if resource == "configmaps" else {"data": {"key": "ZWRpdGVk"}}
        client.request("PATCH", path, query=[("fieldManager", "kubectl-edit")], body=field,
                       content_type="application/merge-patch+json")
        found = drift.detect(client, release)
        assert [(d.object["metadata"]["name"], d.missing) for d in found] == [(name, False)], index
        assert [f["path"] for f in found[0].fields] == ["/data/index" if resource == "configmaps" else "/data/key"]
        client.request("DELETE", path)
        found = drift.detect(client, release)
        assert [(d.object["metadata"]["name"], d.missing) for d in found] == [(name, True)], index
        assert drift.correct(client, release, found) == 1
    assert drift.detect(client, release) == []


def test_an_unchanged_rerun_sees_any_one_deleted_object_out_of_many(client, chart):
    """The unchanged check lists each kind once (kube/liveness.py); deleting any one object still makes the re-run
    put it back with an upgrade, and an untouched release is still a no-op with reads only."""
    render = make_render(many_build)
    actions.ensure_present(client, options(), chart, {}, render)
    clear_log(client)
    assert not actions.ensure_present(client, options(), chart, {}, render).changed
    assert all_non_get(client) == []
    reads = [r["path"] for r in requests(client) if r["method"] == "GET" and "/many-" in r["path"]]
    assert reads == []  # two LISTs (ConfigMaps, Secrets), no GET per object
    for index, (resource, name) in enumerate(MANY[::3] + MANY[-1:]):
        client.request("DELETE", "/api/v1/namespaces/%s/%s/%s" % (NS, resource, name))
        result = actions.ensure_present(client, options(), chart, {}, render)
        assert result.changed and result.release.version == index + 2, name
        client.request("GET", "/api/v1/namespaces/%s/%s/%s" % (NS, resource, name))
