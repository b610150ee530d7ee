"""Rollback, uninstall options, hook order, helm test, atomic and failed-release recovery against the Kubernetes API
emulator: what is written, what is stored, and what stays live.

Tiny charts whose manifests the tests compose in Helm's stored format (rendering is compared with Helm elsewhere).
"""
import base64
import json
import zlib

import pytest

from ansible_collections.helmkit.core.plugins.module_utils import release_task
from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, hooks, recovery, rollback, \
    testing, uninstall
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

NS = "life-ns"


class Rendered:
    def __init__(self, chart, manifest, hooks_=(), notes=""):
        self.chart = chart
        self.manifest = manifest
        self.hooks = list(hooks_)
        self.notes = notes
        self.crds = []


def _doc(path, text):
    return "---\n# Source: demo/templates/%s\n%s\n" % (path, text)


def _configmap(name, data, annotations=None):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n" % name
    if annotations:
        text += "  annotations:\n" + "".join("    %s: %s\n" % kv for kv in annotations.items())
    return text + "data:\n" + "".join("  %s: %s\n" % kv for kv in sorted(data.items()))


def _deployment(name, failing=False):
    note = '  annotations:\n    kubeapi.helmkit.test/fail: "true"\n' if failing else ""
    return ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n%sspec:\n  replicas: 1\n  selector:\n"
            "    matchLabels:\n      app: %s\n  template:\n    metadata:\n      labels:\n        app: %s\n    spec:\n"
            "      containers:\n      - name: c\n        image: %s\n"
            % (name, note, name, name, "nginx:broken" if failing else "nginx"))


def _test_pod(name, failing=False):
    note = '    kubeapi.helmkit.test/fail: "true"\n' if failing else ""
    manifest = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  annotations:\n    helm.sh/hook: test\n%s"
                "spec:\n  restartPolicy: Never\n  containers:\n  - name: t\n    image: busybox\n" % (name, note))
    return {"name": name, "kind": "Pod", "path": "demo/templates/tests/%s.yaml" % name, "manifest": manifest,
            "events": ["test"], "last_run": {"phase": ""}}


def build(chart, values, revision, is_upgrade):
    manifest = _doc("cm.yaml", _configmap("life-config", {"greeting": values.get("greeting", "hello")}))
    if values.get("extra"):
        manifest += _doc("extra.yaml", _configmap("life-extra", {"a": "b"}))
    if values.get("kept"):
        manifest += _doc("kept.yaml", _configmap("life-kept", {"a": "b"}, {"helm.sh/resource-policy": "keep"}))
    if values.get("deploy"):
        manifest += _doc("deploy.yaml", _deployment("life-web", failing=values.get("deploy") == "fail"))
    hooks_ = [_test_pod(name, failing=name.endswith("bad")) for name in values.get("tests", [])]
    return Rendered(chart, manifest, hooks_, notes="notes %s\n" % values.get("greeting", "hello"))


@pytest.fixture
def namespace():
    """tests/unit/release/conftest.py's ``client`` creates this module's namespace."""
    return NS


def options(**overrides):
    args = dict(name="life", namespace=NS, timeout=20)
    args.update(overrides)
    return actions.ReleaseOptions(**args)


def present(client, chart, values, **overrides):
    return actions.ensure_present(client, options(**overrides), chart, values, build)


def history(client):
    return [(rel.version, rel.status, rel.description) for rel in SecretStorage(client, NS).history("life")]


def live(client, kind, name):
    path = {"ConfigMap": "/api/v1/namespaces/%s/configmaps/%s",
            "Deployment": "/apis/apps/v1/namespaces/%s/deployments/%s"}[kind] % (NS, name)
    try:
        return client.request("GET", path)
    except Exception:  # noqa: BLE001 - 404 means gone
        return None


def decoded(client, version):
    sec = client.request("GET", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.life.v%d" % (NS, version))
    return json.loads(zlib.decompress(base64.b64decode(base64.b64decode(sec["data"]["release"])), 31)), sec


# -- hook order ----------------------------------------------------------------------------------------------------

def test_hooks_order_by_weight_then_install_kind_order_then_name():
    records = [
        {"name": "b-job", "kind": "Job", "events": ["pre-install"]},
        {"name": "a-job", "kind": "Job", "events": ["pre-install"]},
        {"name": "z-sa", "kind": "ServiceAccount", "events": ["pre-install"]},
        {"name": "widget", "kind": "Widget", "events": ["pre-install"]},
        {"name": "gadget", "kind": "Gadget", "events": ["pre-install"]},
        {"name": "first", "kind": "Job", "events": ["pre-install"], "weight": -5},
        {"name": "other", "kind": "Job", "events": ["post-install"], "weight": -9},
    ]
    assert [h["name"] for h in hooks.ordered_hooks(records, "pre-install")] == \
        ["first", "z-sa", "a-job", "b-job", "gadget", "widget"]


# -- rollback ------------------------------------------------------------------------------------------------------

def test_rollback_to_previous_is_a_new_revision_with_the_targets_record(client, chart):
    present(client, chart, {"greeting": "one"})
    present(client, chart, {"greeting": "two", "extra": True})
    result = rollback.rollback(client, options())
    assert result.changed and result.release.version == 3 and result.target.version == 1
    assert history(client) == [(1, "superseded", "Install complete"), (2, "superseded", "Upgrade complete"),
                               (3, "deployed", "Rollback to 1")]
    v1 = decoded(client, 1)[0]
    v3, sec = decoded(client, 3)
    assert list(v3) == ["name", "info", "chart", "config", "manifest", "version", "namespace", "apply_method"]
    assert (v3["chart"], v3["config"], v3["manifest"]) == (v1["chart"], v1["config"], v1["manifest"])
    assert v3["info"]["first_deployed"] == v1["info"]["first_deployed"]
    assert v3["info"]["notes"] == "notes one\n"
    assert sec["metadata"]["labels"]["status"] == "deployed"
    assert live(client, "ConfigMap", "life-config")["data"] == {"greeting": "one"}
    assert live(client, "ConfigMap", "life-extra") is None


def test_rollback_to_an_explicit_revision_is_idempotent_and_a_missing_one_is_named(client, chart):
    present(client, chart, {"greeting": "one"})
    present(client, chart, {"greeting": "two"})
    assert rollback.rollback(client, options(), revision=1).changed
    again = rollback.rollback(client, options(), revision=1)
    assert again.changed is False and again.release.version == 3
    with pytest.raises(ReleaseError, match="release has no 9 version; the stored revisions of life are 1, 2, 3"):
        rollback.rollback(client, options(), revision=9)
    with pytest.raises(ReleaseError, match='release "nothing" not found'):
        rollback.rollback(client, options(name="nothing"))


def test_rollback_without_revision_of_a_first_revision_says_what_to_do(client, chart):
    """Helm says "release has no 0 version" (issue 21): the message names the release, its current revision and
    the stored ones, and the option to give."""
    present(client, chart, {"greeting": "one"})
    with pytest.raises(ReleaseError) as info:
        rollback.rollback(client, options())
    assert str(info.value) == ("release life has only one revision (1): there is no earlier revision to roll back "
                               "to")


def test_rollback_keeps_release_labels_and_prunes_to_max_history(client, chart):
    present(client, chart, {"greeting": "one"})
    present(client, chart, {"greeting": "two"})
    present(client, chart, {"greeting": "three"})
    rollback.rollback(client, options(max_history=2), revision=2)
    assert [entry[0] for entry in history(client)] == [3, 4]


# -- uninstall -----------------------------------------------------------------------------------------------------

def test_uninstall_keep_history_then_purge(client, chart):
    present(client, chart, {"greeting": "one", "kept": True})
    result = uninstall.uninstall(client, options(wait=True), keep_history=True)
    assert result.changed and result.action == "uninstall"
    assert result.kept == ["ConfigMap/life-kept"]
    assert result.info == "These resources were kept due to the resource policy:\n[ConfigMap/life-kept]\n"
    assert history(client) == [(1, "uninstalled", "Uninstallation complete")]
    record = decoded(client, 1)[0]
    assert list(record["info"]) == ["first_deployed", "last_deployed", "deleted", "description", "status", "notes"]
    assert live(client, "ConfigMap", "life-config") is None
    assert live(client, "ConfigMap", "life-kept") is not None
    assert uninstall.uninstall(client, options(), keep_history=True).changed is False
    purged = uninstall.uninstall(client, options(), keep_history=False)
    assert purged.changed and purged.action == "purge" and history(client) == []
    assert uninstall.uninstall(client, options()).changed is False


def test_uninstall_cascade_orphan_leaves_dependents_and_sends_the_policy(client, chart, emulator):
    present(client, chart, {"deploy": "ok"}, wait=True)
    replicasets = client.request("GET", "/apis/apps/v1/namespaces/%s/replicasets" % NS)["items"]
    assert replicasets, "the emulator creates the Deployment's ReplicaSet"
    uninstall.uninstall(client, options(wait=True), cascade="background")
    assert client.request("GET", "/apis/apps/v1/namespaces/%s/replicasets" % NS)["items"] == [], \
        "background deletes the ReplicaSet with its Deployment"
    present(client, chart, {"deploy": "ok"}, wait=True)
    uninstall.uninstall(client, options(wait=True), cascade="orphan")
    assert live(client, "Deployment", "life-web") is None
    assert client.request("GET", "/apis/apps/v1/namespaces/%s/replicasets" % NS)["items"], \
        "orphan keeps the ReplicaSet"
    with pytest.raises(ReleaseError, match="cascade 'sideways' is not valid"):
        uninstall.uninstall(client, options(), cascade="sideways")


# -- helm test -----------------------------------------------------------------------------------------------------

def test_helm_test_runs_filtered_tests_records_phases_and_returns_logs(client, chart):
    present(client, chart, {"tests": ["life-t1", "life-t2", "life-bad"]})
    result = testing.run_tests(client, "life", NS, timeout=20, filter_names=["!life-bad"], logs=True)
    assert result.failed == ""
    assert [(t["name"], t["phase"]) for t in result.tests] == [("life-t1", "Succeeded"), ("life-t2", "Succeeded")]
    assert set(result.logs) == {"life-t1", "life-t2"}
    record = decoded(client, 1)[0]
    assert [(h["name"], h["last_run"]["phase"]) for h in record["hooks"]] == \
        [("life-bad", ""), ("life-t1", "Succeeded"), ("life-t2", "Succeeded")]
    assert history(client) == [(1, "deployed", "Install complete")], "helm test makes no new revision"
    failing = testing.run_tests(client, "life", NS, timeout=20, filter_names=["life-bad"])
    assert failing.failed.startswith("test hook demo/templates/tests/life-bad.yaml failed")
    record = decoded(client, 1)[0]
    assert [h["last_run"]["phase"] for h in record["hooks"] if h["name"] == "life-bad"] == ["Failed"]


# -- atomic and recovery -------------------------------------------------------------------------------------------

def test_atomic_upgrade_that_never_gets_ready_rolls_back(client, chart):
    present(client, chart, {"greeting": "one", "deploy": "ok"}, wait=True)
    with pytest.raises(recovery.AtomicError) as caught:
        release_task.ensure_present_recovering(client, options(timeout=1.5), chart,
                                               {"greeting": "two", "deploy": "fail"}, build, atomic=True)
    assert str(caught.value).startswith("release life failed, and has been rolled back due to rollback-on-failure "
                                        'being set: Upgrade "life" failed: ')
    assert caught.value.undo == "rollback" and caught.value.release.version == 3
    assert history(client) == [(1, "superseded", "Install complete"), (2, "failed", history(client)[1][2]),
                               (3, "deployed", "Rollback to 1")]
    assert live(client, "ConfigMap", "life-config")["data"] == {"greeting": "one"}


def test_atomic_install_failure_uninstalls(client, chart):
    with pytest.raises(recovery.AtomicError, match="has been uninstalled due to rollback-on-failure"):
        release_task.ensure_present_recovering(client, options(timeout=1.5), chart, {"deploy": "fail"}, build,
                                               atomic=True)
    assert history(client) == []
    assert live(client, "Deployment", "life-web") is None and live(client, "ConfigMap", "life-config") is None


def test_failed_first_install_is_replaced_and_reported(client, chart):
    with pytest.raises(ReleaseError, match='Release "life" failed'):
        present(client, chart, {"deploy": "fail", "extra": True}, wait=True, timeout=1.5)
    assert [entry[1] for entry in history(client)] == ["failed"]
    result = release_task.ensure_present_recovering(client, options(wait=True), chart, {"deploy": "ok"}, build)
    assert result.changed and result.release.version == 2
    assert result.recovered == {"revision": 1, "status": "failed", "action": "replace failed install",
                                "result": "deployed", "new_revision": 2, "deleted": []}
    assert [entry[1] for entry in history(client)] == ["superseded", "deployed"]
    assert live(client, "ConfigMap", "life-extra") is None
    again = release_task.ensure_present_recovering(client, options(wait=True), chart, {"deploy": "ok"}, build)
    assert again.changed is False and again.recovered is None


def test_failed_upgrade_recovers_from_last_deployed(client, chart):
    present(client, chart, {"greeting": "one"})
    with pytest.raises(ReleaseError):
        present(client, chart, {"greeting": "two", "deploy": "fail"}, wait=True, timeout=1.5)
    result = release_task.ensure_present_recovering(client, options(), chart, {"greeting": "three"}, build)
    assert result.recovered["action"] == "upgrade from revision 1" and result.recovered["status"] == "failed"
    assert result.recovered["deleted"] == ["Deployment/life-web"]
    assert [entry[1] for entry in history(client)] == ["superseded", "superseded", "deployed"]
    assert live(client, "Deployment", "life-web") is None


# -- upgrade options -----------------------------------------------------------------------------------------------

def test_release_labels_are_stored_on_the_secrets_merged_on_upgrade_and_system_names_refused(client, chart):
    present(client, chart, {"greeting": "one"}, labels={"team": "web", "tier": "front"})
    sec = decoded(client, 1)[1]
    assert sec["metadata"]["labels"]["team"] == "web" and sec["metadata"]["labels"]["tier"] == "front"
    present(client, chart, {"greeting": "two"}, labels={"tier": "null", "env": "prod"})
    sec = decoded(client, 2)[1]
    labels = sec["metadata"]["labels"]
    assert labels["team"] == "web" and labels["env"] == "prod" and "tier" not in labels
    assert {labels[k] for k in ("name", "owner", "status", "version")} == {"life", "helm", "deployed", "2"}
    with pytest.raises(ReleaseError, match="system reserved label name 'owner'"):
        options(labels={"owner": "me"})


def test_reuse_reset_and_reset_then_reuse_values(client, chart):
    from ansible_collections.helmkit.core.plugins.module_utils.release import reuse
    present(client, chart, {"greeting": "one", "extra": True})
    history_ = SecretStorage(client, NS).history("life")
    reused = reuse.upgrade_inputs(chart, history_, {"greeting": "two"}, "reuse_values")[1]
    assert reused == {"greeting": "two", "extra": True}
    chart_r, merged = reuse.upgrade_inputs(chart, history_, {"greeting": "two"}, "reset_then_reuse_values")
    assert merged == {"greeting": "two", "extra": True} and chart_r is chart
    chart_u = reuse.upgrade_inputs(chart, history_, {}, "reuse_values")[0]
    assert chart_u.values == {"greeting": "one", "extra": True} and chart.values == {"greeting": "hello"}
    assert reuse.upgrade_inputs(chart, history_, {"a": 1}, "reset_values") == (chart, {"a": 1})
    with pytest.raises(Exception, match="reuse_values and reset_values are mutually exclusive"):
        reuse.choose_mode(True, True, False)
    result = present(client, chart, {}, reset_values=True)
    assert result.release.config == {} and live(client, "ConfigMap", "life-extra") is None


def test_take_ownership_adopts_an_unowned_object(client, chart):
    client.request("POST", "/api/v1/namespaces/%s/configmaps" % NS,
                   body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "life-config"}})
    with pytest.raises(Exception, match="exists and cannot be imported into the current release"):
        present(client, chart, {"greeting": "one"})
    present(client, chart, {"greeting": "one"}, take_ownership=True)
    adopted = live(client, "ConfigMap", "life-config")
    assert adopted["metadata"]["annotations"]["meta.helm.sh/release-name"] == "life"
    assert adopted["data"] == {"greeting": "one"}


def test_cleanup_on_fail_deletes_what_the_failed_upgrade_introduced(client, chart):
    present(client, chart, {"greeting": "one"})
    with pytest.raises(ReleaseError, match='Upgrade "life" failed'):
        present(client, chart, {"greeting": "one", "extra": True, "deploy": "fail"}, wait=True, timeout=1.5,
                cleanup_on_fail=True)
    assert live(client, "ConfigMap", "life-extra") is None and live(client, "Deployment", "life-web") is None
    assert [entry[1] for entry in history(client)] == ["deployed", "failed"]


def test_disable_hooks_runs_no_hook(client, chart):
    def with_hook(chart_, values, revision, is_upgrade):
        rendered = build(chart_, values, revision, is_upgrade)
        rendered.hooks = [{"name": "life-pre", "kind": "ConfigMap", "path": "demo/templates/pre.yaml",
                           "events": ["pre-install"], "last_run": {"phase": ""},
                           "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: life-pre\n"}]
        return rendered
    actions.ensure_present(client, options(disable_hooks=True), chart, {}, with_hook)
    assert live(client, "ConfigMap", "life-pre") is None
    record = decoded(client, 1)[0]
    assert record["hooks"][0]["last_run"] == {"phase": ""}


def test_rollback_runs_pre_and_post_rollback_hooks_of_the_target(client, chart):
    def with_hooks(chart_, values, revision, is_upgrade):
        rendered = build(chart_, values, revision, is_upgrade)
        rendered.hooks = [
            {"name": "life-post-rb", "kind": "ConfigMap", "path": "demo/templates/post.yaml",
             "events": ["post-rollback"], "last_run": {"phase": ""},
             "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: life-post-rb\n"},
            {"name": "life-pre-rb", "kind": "ConfigMap", "path": "demo/templates/pre.yaml",
             "events": ["pre-rollback"], "last_run": {"phase": ""},
             "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: life-pre-rb\n"}]
        return rendered
    actions.ensure_present(client, options(), chart, {"greeting": "one"}, with_hooks)
    actions.ensure_present(client, options(), chart, {"greeting": "two"}, build)
    client.request("DELETE", "/_kubeapi/requests")
    rollback.rollback(client, options(), revision=1)
    order = [(r["method"], r["path"].rsplit("/", 2)[-2:]) for r in client.request("GET", "/_kubeapi/requests")[
        "requests"] if r["method"] in ("POST", "PUT", "PATCH", "DELETE") and "/leases" not in r["path"]]
    assert order == [
        ("POST", ["life-ns", "secrets"]),
        ("DELETE", ["configmaps", "life-pre-rb"]), ("PUT", ["secrets", "sh.helm.release.v1.life.v3"]),
        ("PATCH", ["configmaps", "life-pre-rb"]), ("PUT", ["secrets", "sh.helm.release.v1.life.v3"]),
        ("PATCH", ["configmaps", "life-config"]),
        ("DELETE", ["configmaps", "life-post-rb"]), ("PUT", ["secrets", "sh.helm.release.v1.life.v3"]),
        ("PATCH", ["configmaps", "life-post-rb"]), ("PUT", ["secrets", "sh.helm.release.v1.life.v3"]),
        ("PUT", ["secrets", "sh.helm.release.v1.life.v2"]), ("PUT", ["secrets", "sh.helm.release.v1.life.v3"]),
    ]
    record = decoded(client, 3)[0]
    assert {h["name"]: h["last_run"]["phase"] for h in record["hooks"]} == \
        {"life-pre-rb": "Succeeded", "life-post-rb": "Succeeded"}
    assert [h["delete_policies"] for h in record["hooks"]] == [["before-hook-creation"]] * 2


def test_stale_pending_upgrade_is_recovered_and_reported(client, chart):
    present(client, chart, {"greeting": "one"})
    present(client, chart, {"greeting": "two"})
    storage = SecretStorage(client, NS)
    first = storage.get("life", 1)  # an interrupted upgrade leaves the previous revision deployed
    first.set_status("deployed")
    storage.update(first)
    last = storage.last("life")
    last.record["info"]["last_deployed"] = "2026-01-01T00:00:00Z"
    last.set_status("pending-upgrade", "Preparing upgrade")
    storage.update(last)
    with pytest.raises(ReleaseError, match="another operation"):
        release_task.ensure_present_recovering(client, options(timeout=10 ** 9), chart, {"greeting": "three"}, build)
    result = release_task.ensure_present_recovering(client, options(), chart, {"greeting": "three"}, build)
    assert result.recovered["status"] == "pending-upgrade" and result.recovered["revision"] == 2
    assert result.recovered["action"] == "upgrade from revision 1"
    assert [entry[1] for entry in history(client)] == ["superseded", "superseded", "deployed"]
    assert "interrupted" in history(client)[1][2], "the interrupted revision says what happened to it"
    assert live(client, "ConfigMap", "life-config")["data"] == {"greeting": "three"}


def test_rollback_brings_back_an_uninstalled_release_with_kept_history(client, chart):
    present(client, chart, {"greeting": "one"})
    present(client, chart, {"greeting": "two"})
    uninstall.uninstall(client, options(), keep_history=True)
    assert live(client, "ConfigMap", "life-config") is None
    result = rollback.rollback(client, options(), revision=2)
    assert result.release.version == 3 and result.release.description == "Rollback to 2"
    assert [entry[1] for entry in history(client)] == ["superseded", "uninstalled", "deployed"]
    assert live(client, "ConfigMap", "life-config")["data"] == {"greeting": "two"}


def test_a_running_ready_test_pod_is_not_a_passed_test(client, chart):
    def with_server_pod(chart_, values, revision, is_upgrade):
        rendered = build(chart_, values, revision, is_upgrade)
        hook = _test_pod("life-server")
        hook["manifest"] = hook["manifest"].replace("restartPolicy: Never", "restartPolicy: Always")
        rendered.hooks = [hook]
        return rendered
    actions.ensure_present(client, options(), chart, {}, with_server_pod)
    result = testing.run_tests(client, "life", NS, timeout=1)
    assert "timed out after 1s waiting for Pod" in result.failed and "(phase Running)" in result.failed
    assert result.tests[0]["phase"] == "Failed"
