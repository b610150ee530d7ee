"""helm_release's rollback/absent/atomic options and helm_test through ansible-playbook against the test Kubernetes
API, with podinfo from the corpus (its three test Pods), and Helm (helm_python) reading what we stored."""
import os
import uuid

import pytest

from tests.helpers.corpus import CHARTS_DIR as CHARTS
from tests.helpers.playbook import run_module_tasks
from tests.helpers.reliabilitycharts import web_chart

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")


def test_rollback_test_and_uninstall_with_kept_history(kubeapi, tmp_path):
    import helm_python

    namespace = "it-life-%s" % uuid.uuid4().hex[:6]
    base = {"release_name": "pi", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
            "field_manager": "python", "timeout": 120}
    present = dict(base, chart_ref=PODINFO, create_namespace=True, labels={"team": "web"})
    results = run_module_tasks(tmp_path, [
        ("helm_release", dict(present, values={"ui": {"message": "one"}})),
        ("helm_release", dict(present, values={"ui": {"message": "two"}}, description="second")),
        ("helm_release", dict(base, state="rollback")),
        ("helm_release", dict(base, state="rollback", revision=1)),
        ("helm_test", dict(base, logs=True, timeout="2m", filter=["!pi-podinfo-grpc-test-x"])),
        ("helm_test", dict(base, filter=["nothing-by-this-name"])),
        ("helm_release", dict(base, state="absent", keep_history=True)),
        ("helm_release", dict(base, state="absent", keep_history=True)),
        ("helm_test", dict(base, timeout="5 minutes")),
    ])
    one, two, back, back_again, tested, none_tested, removed, removed_again, bad_timeout = results
    for result in results[:-1]:
        assert not result.get("failed"), result.get("msg")
    # helm_test reads its timeout as helm_release does: seconds or a Go duration, anything else named
    assert bad_timeout["failed"] is True
    assert bad_timeout["msg"] == ("timeout '5 minutes' is not a duration: give seconds (300) or a Go duration such "
                                  "as 90s, 5m or 1h30m")
    assert two["status"]["description"] == "second"
    assert back["changed"] is True and back["rollback_to"] == 1
    assert back["status"]["revision"] == 3 and back["status"]["description"] == "Rollback to 1"
    assert back["manifest"] == one["manifest"]
    assert back_again["changed"] is False and back_again["status"]["revision"] == 3
    assert [t["phase"] for t in tested["tests"]] == ["Succeeded"] * 3
    assert sorted(tested["logs"]) == sorted(t["name"] for t in tested["tests"])
    assert none_tested["tests"] == [] and none_tested["changed"] is False
    assert removed["changed"] is True and removed["status"]["status"] == "uninstalled"
    assert removed_again["changed"] is False

    helm = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=namespace)
    history = helm.history("pi")
    assert [(r["revision"], r["status"], r["labels"].get("team")) for r in history] == [
        (1, "superseded", "web"), (2, "superseded", "web"), (3, "uninstalled", "web")]
    helm.rollback("pi", version=3)
    assert [r["status"] for r in helm.history("pi")][-1] == "deployed"


@pytest.mark.skipif(bool(os.environ.get("HELMKIT_TEST_KUBECONFIG")),
                    reason="needs the kubeapi emulator's kubeapi.helmkit.test/fail annotation")
def test_atomic_upgrade_fails_the_task_rolls_back_and_a_later_run_recovers(kubeapi, tmp_path):
    namespace = "it-atomic-%s" % uuid.uuid4().hex[:6]
    base = {"release_name": "web", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
            "chart_ref": web_chart(tmp_path), "create_namespace": True, "timeout": 3}
    good, bad, plain_bad, fixed = run_module_tasks(tmp_path, [
        ("helm_release", dict(base, wait=True)),
        ("helm_release", dict(base, values={"image": "nginx:2", "broken": True}, atomic=True)),
        ("helm_release", dict(base, values={"image": "nginx:3", "broken": True}, wait=True)),
        ("helm_release", dict(base, values={"image": "nginx:4"}, wait=True)),
    ])
    assert good["status"]["revision"] == 1 and not good.get("failed")
    assert bad["failed"] is True and bad["atomic"] == "rollback"
    assert bad["msg"].startswith("release web failed, and has been rolled back due to rollback-on-failure being "
                                 'set: Upgrade "web" failed: ')
    assert bad["status"]["revision"] == 3 and bad["status"]["description"] == "Rollback to 1"
    assert plain_bad["failed"] is True and plain_bad["msg"].startswith('Upgrade "web" failed: ')
    # it wrote a failed revision: honest about it (issue 21)
    assert plain_bad["changed"] is True
    assert plain_bad["status"]["revision"] == 4 and plain_bad["status"]["status"] == "failed"
    assert fixed["changed"] is True and not fixed.get("failed"), fixed.get("msg")
    assert fixed["recovered"]["revision"] == 4 and fixed["recovered"]["status"] == "failed"
    assert fixed["recovered"]["action"] == "upgrade from revision 3"
    assert fixed["status"]["revision"] == 5 and fixed["status"]["status"] == "deployed"


def test_failed_install_reports_changed_with_the_failed_revision(kubeapi, tmp_path):
    """An install that stored its revision and applied objects before one was refused reports changed: true, the
    revision and its status (issue 21: it said changed: false)."""
    namespace = "it-failinst-%s" % uuid.uuid4().hex[:6]
    root = tmp_path / "bad"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: bad\nversion: 0.1.0\n")
    (root / "templates" / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n"
                                               "data: {a: b}\n")
    (root / "templates" / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Name\n"
                                               "data: {a: b}\n")
    base = {"release_name": "bad", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
            "chart_ref": str(root), "create_namespace": True}
    failed, removed = run_module_tasks(tmp_path, [("helm_release", base), ("helm_release", dict(base, state="absent"))])
    assert failed["failed"] is True and failed["msg"].startswith('Release "bad" failed: '), failed["msg"]
    assert failed["changed"] is True
    assert failed["status"]["revision"] == 1 and failed["status"]["status"] == "failed"
    assert removed["changed"] is True and not removed.get("failed"), removed.get("msg")


def test_absent_in_check_mode_with_diff_lists_what_would_be_deleted(kubeapi, tmp_path):
    """state: absent, check mode, diff: every object, hook and release record that would be deleted, by kind,
    namespace and name; nothing is deleted (issue 21: the diff was empty)."""
    namespace = "it-absentplan-%s" % uuid.uuid4().hex[:6]
    root = tmp_path / "gone"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: gone\nversion: 0.1.0\n")
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n%sdata: {a: b}\n"
    (root / "templates" / "a.yaml").write_text(cm % ("gone-a", ""))
    (root / "templates" / "kept.yaml").write_text(cm % ("gone-kept", "  annotations:\n"
                                                        "    helm.sh/resource-policy: keep\n"))
    (root / "templates" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: gone-svc\nspec:\n  ports: [{port: 80}]\n")
    (root / "templates" / "hook.yaml").write_text(cm % ("gone-pre-delete", "  annotations:\n"
                                                        "    helm.sh/hook: pre-delete\n"))
    base = {"release_name": "gone", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig}
    installed, planned, removed = run_module_tasks(tmp_path, [
        ("helm_release", dict(base, chart_ref=str(root), create_namespace=True)),
        ("helm_release", dict(base, state="absent", _check_mode=True, _diff=True)),
        ("helm_release", dict(base, state="absent")),
    ])
    assert installed["changed"] is True and not installed.get("failed"), installed.get("msg")
    plan = planned["plan"]
    assert planned["changed"] is True and plan["action"] == "uninstall" and plan["revision"] == 1
    assert plan["objects"] == [{"kind": "Service", "namespace": namespace, "name": "gone-svc"},
                               {"kind": "ConfigMap", "namespace": namespace, "name": "gone-a"}]
    assert plan["hooks"] == [{"kind": "ConfigMap", "namespace": namespace, "name": "gone-pre-delete"}]
    assert plan["records"] == [{"kind": "Secret", "namespace": namespace, "name": "sh.helm.release.v1.gone.v1"}]
    assert plan["kept"] == [{"kind": "ConfigMap", "namespace": namespace, "name": "gone-kept"}]
    diff = planned["diff"]
    assert diff["before_header"] == "release gone (revision 1)" and diff["after_header"] == "release gone uninstalled"
    for entry in plan["objects"] + plan["hooks"] + plan["records"] + plan["kept"]:
        assert "  name: %s\n" % entry["name"] in diff["before"]
    assert diff["after"] == "kept:\n- kind: ConfigMap\n  name: gone-kept\n  namespace: %s\n" % namespace
    # the check run deleted nothing: the real uninstall still finds the release
    assert removed["changed"] is True and removed["status"]["status"] == "uninstalled", removed.get("msg")


def test_reuse_values_plans_with_the_reused_values(kubeapi, tmp_path):
    namespace = "it-reuse-%s" % uuid.uuid4().hex[:6]
    base = {"release_name": "pi", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
            "chart_ref": PODINFO, "create_namespace": True, "field_manager": "python"}
    installed, diffed, checked, upgraded = run_module_tasks(tmp_path, [
        ("helm_release", dict(base, values={"ui": {"message": "one"}, "replicaCount": 1})),
        ("helm_release", dict(base, reuse_values=True, _diff=True)),
        ("helm_release", dict(base, reuse_values=True, values={"replicaCount": 2}, _check_mode=True)),
        ("helm_release", dict(base, reuse_values=True, values={"replicaCount": 2})),
    ])
    for result in (installed, diffed, checked, upgraded):
        assert not result.get("failed"), result.get("msg")
    assert diffed["changed"] is False and diffed["plan"]["values_changed"] is False
    assert checked["changed"] is True and checked["plan"]["values_changed"] is True
    assert checked["plan"]["change"] == ["%s/Deployment/pi-podinfo" % namespace]
    assert upgraded["status"]["revision"] == 2
