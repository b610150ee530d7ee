"""Interop matrix with real Helm v4 (helm_python) on the test Kubernetes API, one cell per test, plus the failure
scenarios of issue 7 (a failing pre-upgrade hook Job, a CRD and its custom resource in one chart).

helm_python applies as field manager "python" (the embedding program's name), so our side uses that name for the
seamless cells and "helm" for the conflict cell. Every cell also runs on a real cluster given by
HELMKIT_TEST_KUBECONFIG, except those marked as needing the emulator's failure annotation, which skip there.
"""
import os
import uuid

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils import release_task
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError, ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs, recovery, reuse, \
    rollback, uninstall
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
from tests.helpers import helmref
from tests.helpers.corpus import PODINFO
from tests.helpers.reliabilitycharts import web_chart

EMULATOR_ONLY = pytest.mark.skipif(bool(os.environ.get("HELMKIT_TEST_KUBECONFIG")),
                                   reason="needs the kubeapi emulator's kubeapi.helmkit.test/fail annotation")


def _namespace(client, prefix):
    name = "%s-%s" % (prefix, uuid.uuid4().hex[:6])
    client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                       "metadata": {"name": name}})
    return name


def _ours(client, name, namespace, chart, values, field_manager="python", atomic=False, params=None, timeout=60,
          **extra):
    options = actions.ReleaseOptions(name, namespace, field_manager=field_manager, timeout=timeout, **extra)
    render = inputs.cluster_renderer(client, name, namespace)
    mode = reuse.choose_mode(**(params or {}))
    chart, values = reuse.upgrade_inputs(inputs.resolve_chart(chart), SecretStorage(client, namespace).history(name),
                                         values, mode)
    return release_task.ensure_present_recovering(client, options, chart, values, render, atomic=atomic)


def _history(client, name, namespace):
    return [(rel.version, rel.status, rel.description) for rel in SecretStorage(client, namespace).history(name)]


def _configmap(client, namespace, name):
    return client.request("GET", "/api/v1/namespaces/%s/configmaps/%s" % (namespace, name))


def test_we_install_helm_upgrades_we_roll_back_helm_lists_we_uninstall(kubeapi, client):
    namespace = _namespace(client, "ix-a")
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    installed = _ours(client, "pi", namespace, PODINFO, {"ui": {"message": "one"}}, labels={"team": "web"})
    assert installed.release.version == 1
    helm.upgrade(PODINFO, "pi", {"ui": {"message": "two"}}, namespace=namespace)
    result = rollback.rollback(client, actions.ReleaseOptions("pi", namespace, field_manager="python", timeout=60))
    assert result.release.version == 3 and result.target.version == 1
    listed = helm.list()
    assert [(r["name"], r["revision"], r["status"]) for r in listed] == [("pi", 3, "deployed")]
    history = helm.history("pi")
    assert [(r["revision"], r["status"], r["labels"].get("team")) for r in history] == [
        (1, "superseded", "web"), (2, "superseded", "web"), (3, "deployed", "web")]
    assert [entry[2] for entry in _history(client, "pi", namespace)] == \
        ["Install complete", "Upgrade complete", "Rollback to 1"]
    assert helm.get_values("pi") == {"ui": {"message": "one"}}
    assert helm.status("pi")["manifest"] == installed.release.manifest
    gone = uninstall.uninstall(client, actions.ReleaseOptions("pi", namespace, wait=True, timeout=60))
    assert gone.changed and helm.list(all_states=True) == []


def test_helm_installs_we_upgrade_reusing_values_helm_rolls_back_we_see_it(kubeapi, client):
    namespace = _namespace(client, "ix-b")
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.install(PODINFO, "pi", {"ui": {"message": "helm"}, "replicaCount": 1}, namespace=namespace)
    upgraded = _ours(client, "pi", namespace, PODINFO, {"replicaCount": 2}, params={"reuse_values": True})
    assert upgraded.changed and upgraded.release.version == 2
    assert upgraded.release.config == {"replicaCount": 2, "ui": {"message": "helm"}}
    assert helm.get_values("pi") == {"replicaCount": 2, "ui": {"message": "helm"}}
    helm.rollback("pi", version=1)
    assert _history(client, "pi", namespace)[-1] == (3, "deployed", "Rollback to 1")
    again = _ours(client, "pi", namespace, PODINFO, {"ui": {"message": "helm"}, "replicaCount": 1})
    assert again.changed is False and again.release.version == 3 and again.recovered is None


def test_field_manager_conflict_tells_what_to_do(kubeapi, client):
    namespace = _namespace(client, "ix-c")
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.install(PODINFO, "pi", {"ui": {"message": "helm"}}, namespace=namespace)
    with pytest.raises(ReleaseError) as caught:
        _ours(client, "pi", namespace, PODINFO, {"ui": {"message": "ours"}}, field_manager="helm")
    message = str(caught.value)
    assert 'Upgrade "pi" failed: server-side apply failed for object' in message
    assert "Set force_conflicts=true to take them over, or set field_manager to the manager that owns them" in message
    assert _history(client, "pi", namespace)[-1][1] == "failed"
    fixed = _ours(client, "pi", namespace, PODINFO, {"ui": {"message": "ours"}}, field_manager="python")
    assert fixed.release.status == "deployed" and fixed.recovered["status"] == "failed"
    assert [r["status"] for r in helm.history("pi")] == ["superseded", "superseded", "deployed"]


def _hook_chart(tmp_path, failing_hook):
    root = tmp_path / "hooked"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: hooked\nversion: 0.1.0\n")
    (root / "values.yaml").write_text("message: one\nfailHook: false\n")
    (root / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n"
        "  message: {{ .Values.message | quote }}\n")
    (root / "templates" / "hook.yaml").write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-pre-upgrade\n  annotations:\n"
        "    helm.sh/hook: pre-upgrade\n    helm.sh/hook-delete-policy: before-hook-creation\n"
        "{{- if .Values.failHook }}\n    kubeapi.helmkit.test/fail: \"true\"\n{{- end }}\n"
        "spec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
        "      - name: hook\n        image: busybox\n        command: [\"true\"]\n")
    return str(root)


@EMULATOR_ONLY
def test_failing_pre_upgrade_hook_job_fails_the_upgrade_and_atomic_rolls_back(kubeapi, client, tmp_path):
    namespace = _namespace(client, "ix-d")
    chart = _hook_chart(tmp_path, True)
    _ours(client, "hk", namespace, chart, {"message": "one"})
    with pytest.raises(recovery.AtomicError) as caught:
        _ours(client, "hk", namespace, chart, {"message": "two", "failHook": True}, atomic=True)
    assert "pre-upgrade hook hooked/templates/hook.yaml failed" in str(caught.value)
    history = _history(client, "hk", namespace)
    assert [entry[:2] for entry in history] == [(1, "superseded"), (2, "failed"), (3, "deployed")]
    assert history[2][2] == "Rollback to 1"
    record = SecretStorage(client, namespace).get("hk", 2)
    assert [h["last_run"]["phase"] for h in record.hooks] == ["Failed"]
    assert _configmap(client, namespace, "hk-cm")["data"] == {"message": "one"}
    assert [r["status"] for r in helmref.config(kubeapi.kubeconfig, namespace).history("hk")] == ["superseded", "failed", "deployed"]


def test_crd_and_its_custom_resource_in_one_chart(kubeapi, client, tmp_path):
    group = "ix%s.helmkit.test" % uuid.uuid4().hex[:6]
    root = tmp_path / "withcrd"
    (root / "templates").mkdir(parents=True)
    (root / "crds").mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: withcrd\nversion: 0.1.0\n")
    (root / "crds" / "widget.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.%s\n"
        "spec:\n  group: %s\n  names:\n    kind: Widget\n    plural: widgets\n    singular: widget\n"
        "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n"
        "      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n"
        % (group, group))
    (root / "templates" / "widget.yaml").write_text(
        "apiVersion: %s/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}-w\nspec:\n  size: 3\n" % group)
    namespace = _namespace(client, "ix-e")
    result = _ours(client, "cr", namespace, str(root), {})
    assert result.release.status == "deployed"
    widget = client.request("GET", "/apis/%s/v1/namespaces/%s/widgets/cr-w" % (group, namespace))
    assert widget["spec"] == {"size": 3}
    gone = uninstall.uninstall(client, actions.ReleaseOptions("cr", namespace, wait=True, timeout=60))
    assert gone.changed
    crd = client.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.%s" % group)
    assert crd["metadata"]["name"] == "widgets.%s" % group, "Helm never deletes the chart's CRDs"
    client.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.%s" % group)


def test_skip_crds_leaves_the_custom_resource_unknown(kubeapi, client, tmp_path):
    group = "iy%s.helmkit.test" % uuid.uuid4().hex[:6]
    root = tmp_path / "withcrd"
    (root / "templates").mkdir(parents=True)
    (root / "crds").mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: withcrd\nversion: 0.1.0\n")
    (root / "crds" / "widget.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.%s\n"
        "spec:\n  group: %s\n  names:\n    kind: Widget\n    plural: widgets\n  scope: Namespaced\n  versions:\n"
        "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
        % (group, group))
    (root / "templates" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
    namespace = _namespace(client, "ix-f")
    _ours(client, "sk", namespace, str(root), {}, crds="skip")
    with pytest.raises(HelmkitError):
        client.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.%s" % group)


def test_our_rollback_record_matches_helms(kubeapi, client):
    """Helm rolls back to revision 1, then we roll back to revision 1 again: the two records differ only in
    version and timestamps, and in the Secret labels only by version and the time stamp."""
    namespace = _namespace(client, "ix-g")
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.install(PODINFO, "pi", {"ui": {"message": "one"}}, namespace=namespace, labels={"team": "web"})
    helm.upgrade(PODINFO, "pi", {"ui": {"message": "two"}}, namespace=namespace)
    helm.rollback("pi", version=1)
    storage = SecretStorage(client, namespace)
    theirs = storage.get("pi", 3)
    helm.upgrade(PODINFO, "pi", {"ui": {"message": "three"}}, namespace=namespace)
    ours = rollback.rollback(client, actions.ReleaseOptions("pi", namespace, field_manager="python", timeout=60),
                             revision=1).release
    ours = storage.get("pi", ours.version)

    def comparable(release):
        record = dict(release.record)
        info = dict(record.pop("info"))
        for key in ("first_deployed", "last_deployed"):
            info.pop(key)
        record.pop("version")
        return record, info, list(release.record), list(release.record["info"])
    assert comparable(ours) == comparable(theirs)
    assert {k: v for k, v in ours.labels.items() if k != "modifiedAt"} == \
        {k: v for k, v in theirs.labels.items() if k != "modifiedAt"}
    assert [r["status"] for r in helm.history("pi")] == ["superseded"] * 4 + ["deployed"]


def test_crds_create_leaves_an_existing_crd_alone(kubeapi, client, tmp_path):
    group = "iz%s.helmkit.test" % uuid.uuid4().hex[:6]
    crd_text = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gizmos.%s\n"
                "  labels:\n    generation: %%s\nspec:\n  group: %s\n  names:\n    kind: Gizmo\n    plural: gizmos\n"
                "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n"
                "      openAPIV3Schema:\n        type: object\n" % (group, group))
    client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                   body=yaml.safe_load(crd_text % "old"))
    root = tmp_path / "gizmo"
    (root / "templates").mkdir(parents=True)
    (root / "crds").mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: gizmo\nversion: 0.1.0\n")
    (root / "crds" / "gizmo.yaml").write_text(crd_text % "new")
    (root / "templates" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n")
    namespace = _namespace(client, "ix-h")
    _ours(client, "gz", namespace, str(root), {}, crds="create")
    crd = client.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.%s" % group)
    assert crd["metadata"]["labels"] == {"generation": "old"}
    client.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.%s" % group)


def test_our_helm_test_records_results_as_helm_test_does(kubeapi, client):
    from ansible_collections.helmkit.core.plugins.module_utils.release import testing

    def shape(release):
        return [(list(hook), hook["kind"], hook["events"], hook["delete_policies"], hook["last_run"]["phase"],
                 sorted(hook["last_run"])) for hook in release.hooks]
    records = []
    for runner in ("helm", "ours"):
        namespace = _namespace(client, "ix-t")
        helm = helmref.config(kubeapi.kubeconfig, namespace)
        helm.install(PODINFO, "pi", {}, namespace=namespace)
        if runner == "helm":
            helm.test("pi", timeout=60)
        else:
            result = testing.run_tests(client, "pi", namespace, timeout=60, field_manager="python")
            assert result.failed == "" and len(result.tests) == 3
        records.append(SecretStorage(client, namespace).get("pi", 1))
    theirs, ours = records
    assert shape(ours) == shape(theirs)
    assert (ours.status, ours.description) == (theirs.status, theirs.description) == ("deployed", "Install complete")


@EMULATOR_ONLY
def test_atomic_upgrade_leaves_the_same_history_as_helms_rollback_on_failure(kubeapi, client, tmp_path):
    chart = web_chart(tmp_path)
    histories = []
    for runner in ("helm", "ours"):
        namespace = _namespace(client, "ix-at")
        helm = helmref.config(kubeapi.kubeconfig, namespace)
        helm.install(chart, "web", {}, namespace=namespace, wait="watcher", timeout=30)
        broken = {"image": "nginx:2", "broken": True}
        if runner == "helm":
            with pytest.raises(Exception):
                helm.upgrade(chart, "web", broken, namespace=namespace, rollback_on_failure=True, timeout=3)
        else:
            with pytest.raises(recovery.AtomicError):
                _ours(client, "web", namespace, chart, broken, atomic=True, timeout=3)
        histories.append(_history(client, "web", namespace))
    theirs, ours = histories
    assert [entry[:2] for entry in ours] == [entry[:2] for entry in theirs] == \
        [(1, "superseded"), (2, "failed"), (3, "deployed")]
    assert ours[2][2] == theirs[2][2] == "Rollback to 1"
    assert ours[1][2].startswith('Upgrade "web" failed: ') and theirs[1][2].startswith('Upgrade "web" failed: ')


@EMULATOR_ONLY
def test_atomic_install_leaves_nothing_like_helms_rollback_on_failure(kubeapi, client, tmp_path):
    chart = web_chart(tmp_path)
    for runner in ("helm", "ours"):
        namespace = _namespace(client, "ix-ai")
        broken = {"broken": True}
        if runner == "helm":
            with pytest.raises(Exception):
                helmref.config(kubeapi.kubeconfig, namespace).install(chart, "web", broken, namespace=namespace,
                                                                      rollback_on_failure=True, timeout=3)
        else:
            with pytest.raises(recovery.AtomicError, match="has been uninstalled due to rollback-on-failure"):
                _ours(client, "web", namespace, chart, broken, atomic=True, timeout=3)
        assert _history(client, "web", namespace) == [], runner
        with pytest.raises(HelmkitError):
            client.request("GET", "/apis/apps/v1/namespaces/%s/deployments/web" % namespace)
