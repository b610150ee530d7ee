"""Client-side-apply (Helm 3) releases migrate to server-side apply the way Helm v4 migrates them (issue 22).

Helm 3 creates objects with POST and changes them with three-way-merge patches: managedFields hold ``operation:
Update`` entries of its field manager, and its release records have no ``apply_method``. The setup here writes
exactly that state (the objects POSTed under the field manager, the record without apply_method), then:

* upgrading here with a chart that drops a field removes the field, as ``helm upgrade`` (Helm v4, helm_python) does
  on the same state, and the object ends up owned by one Apply entry;
* without the migration (a plain server-side apply), the field stays (kubernetes/kubernetes#99003): the emulator
  keeps Update-owned fields as a real API server does, so the first assertion can fail;
* Helm v4 then upgrades what we migrated (reverse interop) and removes the next dropped field.

helm_python applies as field manager "python" (the embedding program's name), so our side uses that name.
Runs unchanged against a real cluster (HELMKIT_TEST_KUBECONFIG); every namespace is deleted at the end.
"""

from ansible_collections.helmkit.core.plugins.module_utils import release_task
from ansible_collections.helmkit.core.plugins.module_utils.kube.apply import Applier
from ansible_collections.helmkit.core.plugins.module_utils.kube.objects import parse_manifest, with_ownership
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, csa, inputs
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
from tests.helpers import helmref

MANAGER = "python"


def _chart(tmp_path, version, keys):
    """A chart whose ConfigMap ``cfg`` holds ``keys`` (each key's value is its name)."""
    path = tmp_path / ("chart-" + version)
    (path / "templates").mkdir(parents=True)
    (path / "Chart.yaml").write_text("apiVersion: v2\nname: csa\nversion: %s\n" % version)
    data = "".join("  %s: %s\n" % (key, key) for key in keys)
    (path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels:\n    tier: %s\ndata:\n%s"
        % ("{{ .Chart.Version | replace \".\" \"-\" }}", data))
    return str(path)


def _ours(client, namespace, chart, values=None):
    options = actions.ReleaseOptions("rel", namespace, field_manager=MANAGER, timeout=60)
    render = inputs.cluster_renderer(client, "rel", namespace)
    return release_task.ensure_present_recovering(client, options, inputs.resolve_chart(chart), values or {}, render)


def _as_helm3(client, namespace):
    """Turn the installed release into what Helm 3 leaves: objects created by POST under the field manager
    (operation Update), release record without apply_method."""
    storage = SecretStorage(client, namespace)
    release = storage.history("rel")[-1]
    applier = Applier(client, "rel", namespace, field_manager=MANAGER)
    for obj in parse_manifest(release.manifest):
        obj = applier.normalise(obj)
        client.request("DELETE", applier.path(obj))
        body = with_ownership(obj, "rel", namespace)
        client.request("POST", client.path(obj["apiVersion"], obj["kind"], None, namespace),
                       query=[("fieldManager", MANAGER)], body=body)
    release.record.pop("apply_method", None)
    storage.update(release)
    live = _configmap(client, namespace)
    assert [(e["manager"], e["operation"]) for e in live["metadata"]["managedFields"]] == [(MANAGER, "Update")]
    assert csa.wrote_client_side(storage.history("rel")[-1])


def _configmap(client, namespace):
    return client.request("GET", "/api/v1/namespaces/%s/configmaps/cfg" % namespace)


def test_plain_server_side_apply_keeps_a_client_side_field(client, namespace, tmp_path):
    """The defect the migration fixes: without it, a dropped field owned by the Update entry stays."""
    _ours(client, namespace, _chart(tmp_path, "0.1.0", ["a", "b"]))
    _as_helm3(client, namespace)
    applier = Applier(client, "rel", namespace, field_manager=MANAGER)
    applier.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": namespace},
                   "data": {"a": "a"}})
    assert _configmap(client, namespace)["data"] == {"a": "a", "b": "b"}


def test_we_migrate_like_helm_v4_then_helm_v4_upgrades(kubeapi, client, namespace, tmp_path):
    _ours(client, namespace, _chart(tmp_path, "0.1.0", ["a", "b", "c"]))
    _as_helm3(client, namespace)
    result = _ours(client, namespace, _chart(tmp_path, "0.2.0", ["a", "c"]))
    assert result.release.version == 2
    live = _configmap(client, namespace)
    assert live["data"] == {"a": "a", "c": "c"}
    assert [(e["manager"], e["operation"]) for e in live["metadata"]["managedFields"]] == [(MANAGER, "Apply")]
    assert SecretStorage(client, namespace).history("rel")[-1].record["apply_method"] == "ssa"
    # reverse interop: Helm v4 upgrades what we migrated and drops the next field
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.upgrade(_chart(tmp_path, "0.3.0", ["a"]), "rel", {}, namespace=namespace)
    assert _configmap(client, namespace)["data"] == {"a": "a"}
    assert [(r["revision"], r["status"]) for r in helm.history("rel")] == [(1, "superseded"), (2, "superseded"),
                                                                           (3, "deployed")]
    helm.uninstall("rel")


def test_helm_v4_upgrade_of_the_same_state_gives_the_same_object(kubeapi, client, namespace, tmp_path):
    """Reference: Helm v4 upgrading the same Helm 3 state drops the same field."""
    _ours(client, namespace, _chart(tmp_path, "0.1.0", ["a", "b", "c"]))
    _as_helm3(client, namespace)
    helmref.config(kubeapi.kubeconfig, namespace).upgrade(_chart(tmp_path, "0.2.0", ["a", "c"]), "rel", {}, namespace=namespace)
    theirs = _configmap(client, namespace)
    assert theirs["data"] == {"a": "a", "c": "c"}
    assert theirs["metadata"]["labels"]["tier"] == "0-2-0"


def test_managed_fields_upgrade_merges_into_the_apply_entry():
    entries = [{"manager": "helm", "operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:data": {"f:a": {}}}},
               {"manager": "helm", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:data": {"f:b": {}}, "f:metadata": {"f:annotations": {
                    ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}}}}},
               {"manager": "kubectl", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1",
                "fieldsV1": {"f:data": {"f:z": {}}}}]
    upgraded = csa.upgraded_managed_fields(entries, {"helm"}, "helm")
    assert upgraded == [{"manager": "helm", "operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV1",
                         "fieldsV1": {"f:data": {"f:a": {}, "f:b": {}}}}, entries[2]]
    assert csa.upgraded_managed_fields(upgraded, {"helm"}, "helm") is None
    only_update = csa.upgraded_managed_fields(entries[1:], {"helm"}, "helm")
    assert only_update[0]["operation"] == "Apply" and only_update[0]["fieldsV1"] == {"f:data": {"f:b": {}}}
