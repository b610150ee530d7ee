"""Client-side apply (``server_side: false``, and ``auto`` on a client-side release) and ``--force-replace``, as
Helm v4 does them (issue 22; ``kube/csa_apply.py``, ``kube/threeway.py``).

* Installed client-side, upgraded with a chart that drops a ConfigMap key, an env var and a container: all gone,
  while a label another manager added stays (three-way strategic merge patch); the revisions record
  ``apply_method: csa``.
* Helm v4 (helm_python, ``--server-side=auto``) upgrades the same client-side state: its objects equal ours, and it
  upgrades what we wrote (interop both ways).
* ``force_replace`` PUTs the whole object, so the other manager's label goes; with server-side apply it is refused
  before anything is written, as Helm v4 refuses it.

helm_python applies as field manager "python" (the embedding program's name), so our side uses that name.
Runs unchanged against a real cluster (HELMKIT_TEST_KUBECONFIG); every namespace is deleted at the end.
"""
import uuid

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs, uninstall
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

MANAGER = "python"


def _chart(tmp_path, version, keys, env, sidecar):
    """A chart with ConfigMap ``cfg`` holding ``keys`` and Deployment ``web`` whose container has ``env``, plus a
    ``sidecar`` container when asked."""
    path = tmp_path / ("chart-" + version)
    (path / "templates").mkdir(parents=True, exist_ok=True)
    (path / "Chart.yaml").write_text("apiVersion: v2\nname: csa\nversion: %s\n" % version)
    data = "".join("  %s: %s\n" % (key, key) for key in keys)
    (path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n%s" % data)
    env_text = "".join("            - name: %s\n              value: \"%s\"\n" % (name, name) for name in env)
    side = ("        - name: sidecar\n          image: busybox:1\n" if sidecar else "")
    (path / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
        "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n"
        "    spec:\n      containers:\n        - name: app\n          image: nginx:1\n          env:\n%s%s"
        % (env_text, side))
    return str(path)


@pytest.fixture
def namespaces(client):
    made = []

    def make():
        name = "csap-%s" % uuid.uuid4().hex[:6]
        client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                           "metadata": {"name": name}})
        made.append(name)
        return name
    yield make
    for name in made:
        client.request("DELETE", "/api/v1/namespaces/%s" % name)


def _ours(client, namespace, chart, server_side="false", force_replace=False):
    options = actions.ReleaseOptions("rel", namespace, field_manager=MANAGER, timeout=60, server_side=server_side,
                                     force_replace=force_replace)
    render = inputs.cluster_renderer(client, "rel", namespace)
    return actions.ensure_present(client, options, inputs.resolve_chart(chart), {}, render)


def _get(client, namespace, kind, name):
    path = "/api/v1/namespaces/%s/configmaps/%s" if kind == "ConfigMap" else \
        "/apis/apps/v1/namespaces/%s/deployments/%s"
    return client.request("GET", path % (namespace, name))


def _state(client, namespace):
    cfg = _get(client, namespace, "ConfigMap", "cfg")
    web = _get(client, namespace, "Deployment", "web")
    containers = web["spec"]["template"]["spec"]["containers"]
    return {"data": cfg.get("data"), "labels": cfg["metadata"].get("labels"),
            "containers": [(c["name"], [e["name"] for e in c.get("env") or []]) for c in containers]}


def _env_by_other_manager(client, namespace):
    """An env var added to the container by another manager (a webhook, kubectl): the three-way patch keeps it
    only when it merges the lists on their merge keys (name), as the server's OpenAPI says."""
    client.request("PATCH", "/apis/apps/v1/namespaces/%s/deployments/web" % namespace,
                   query=[("fieldManager", "kubectl")], content_type="application/strategic-merge-patch+json",
                   body={"spec": {"template": {"spec": {"containers": [
                       {"name": "app", "env": [{"name": "INJECTED", "value": "1"}]}]}}}})


def _label_by_other_manager(client, namespace):
    client.request("PATCH", "/api/v1/namespaces/%s/configmaps/cfg" % namespace, query=[("fieldManager", "kubectl")],
                   body={"metadata": {"labels": {"team": "ops"}}}, content_type="application/merge-patch+json")


def _methods(client, namespace):
    return [(rel.version, rel.record.get("apply_method")) for rel in SecretStorage(client, namespace).history("rel")]


def test_client_side_upgrade_drops_fields_like_helm_v4(kubeapi, client, namespaces, tmp_path):
    import helm_python

    v1 = _chart(tmp_path, "0.1.0", ["a", "b", "c"], ["A", "B"], True)
    v2 = _chart(tmp_path, "0.2.0", ["a", "c"], ["A"], False)
    ours, theirs = namespaces(), namespaces()
    for namespace in (ours, theirs):
        _ours(client, namespace, v1)
        live = _get(client, namespace, "ConfigMap", "cfg")
        assert [(e["manager"], e["operation"]) for e in live["metadata"]["managedFields"]] == [(MANAGER, "Update")]
        _label_by_other_manager(client, namespace)
        _env_by_other_manager(client, namespace)
    _ours(client, ours, v2, server_side="auto")  # auto on a client-side release stays client-side, as Helm v4
    helm = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=theirs)
    helm.upgrade(v2, "rel", {}, namespace=theirs)
    expected = {"data": {"a": "a", "c": "c"}, "containers": [("app", ["A", "INJECTED"])],
                "labels": {"app.kubernetes.io/managed-by": "Helm", "team": "ops"}}
    assert _state(client, ours) == expected
    assert _state(client, theirs) == expected  # Helm v4 on the same state: the reference
    assert _methods(client, ours) == [(1, "csa"), (2, "csa")]
    assert _methods(client, theirs) == [(1, "csa"), (2, "csa")]
    # Helm v4 upgrades what we wrote client-side
    helm_ours = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=ours)
    helm_ours.upgrade(_chart(tmp_path, "0.3.0", ["a"], [], False), "rel", {}, namespace=ours)
    assert _state(client, ours)["data"] == {"a": "a"}
    assert [(r["revision"], r["status"]) for r in helm_ours.history("rel")] == [
        (1, "superseded"), (2, "superseded"), (3, "deployed")]
    helm_ours.uninstall("rel")
    helm.uninstall("rel")


def test_server_side_true_migrates_a_client_side_release(client, namespaces, tmp_path):
    namespace = namespaces()
    _ours(client, namespace, _chart(tmp_path, "0.1.0", ["a", "b"], ["A"], False))
    _ours(client, namespace, _chart(tmp_path, "0.2.0", ["a"], ["A"], False), server_side="true")
    live = _get(client, namespace, "ConfigMap", "cfg")
    assert live["data"] == {"a": "a"}
    assert [(e["manager"], e["operation"]) for e in live["metadata"]["managedFields"]] == [(MANAGER, "Apply")]
    assert _methods(client, namespace) == [(1, "csa"), (2, "ssa")]


def test_force_replace_puts_whole_objects_and_needs_client_side(client, namespaces, tmp_path):
    namespace = namespaces()
    _ours(client, namespace, _chart(tmp_path, "0.1.0", ["a", "b"], ["A"], False))
    _label_by_other_manager(client, namespace)
    before = SecretStorage(client, namespace).history("rel")
    with pytest.raises(ReleaseError, match="cannot use server-side apply and force replace together"):
        _ours(client, namespace, _chart(tmp_path, "0.2.0", ["a"], ["A"], False), server_side="true",
              force_replace=True)
    assert [r.version for r in SecretStorage(client, namespace).history("rel")] == [r.version for r in before]
    _ours(client, namespace, _chart(tmp_path, "0.2.0", ["a"], ["A"], False), server_side="auto", force_replace=True)
    state = _state(client, namespace)
    assert state["data"] == {"a": "a"}
    assert state["labels"] == {"app.kubernetes.io/managed-by": "Helm"}  # replaced whole: the other label is gone
    assert _methods(client, namespace) == [(1, "csa"), (2, "csa")]


def _widget_chart(tmp_path, group, version, spec):
    path = tmp_path / ("widget-" + version)
    (path / "templates").mkdir(parents=True, exist_ok=True)
    (path / "Chart.yaml").write_text("apiVersion: v2\nname: widget\nversion: %s\n" % version)
    body = "".join("  %s: %s\n" % item for item in sorted(spec.items()))
    (path / "templates" / "widget.yaml").write_text(
        "apiVersion: %s/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n%s" % (group, body))
    return str(path)


def test_custom_resources_get_helm_v4s_two_way_merge_patch(kubeapi, client, namespaces, tmp_path):
    """Custom resources are unstructured for Helm: a JSON merge patch from the previous object to the new one."""
    import helm_python

    group = "w%s.helmkit.test" % uuid.uuid4().hex[:6]
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets." + group},
           "spec": {"group": group, "scope": "Namespaced",
                    "names": {"kind": "Widget", "plural": "widgets", "singular": "widget"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}}
    client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body=crd)
    try:
        from ansible_collections.helmkit.core.plugins.module_utils.kube.wait import wait_established
        from ansible_collections.helmkit.core.plugins.module_utils.kube.apply import Applier
        wait_established(Applier(client, "rel", "default"), [crd], 60)
        client.invalidate_mappings()
        v1 = _widget_chart(tmp_path, group, "0.1.0", {"size": 1, "color": "red"})
        v2 = _widget_chart(tmp_path, group, "0.2.0", {"size": 2})
        path = "/apis/%s/v1/namespaces/%%s/widgets/w" % group
        ours, theirs = namespaces(), namespaces()
        for namespace in (ours, theirs):
            _ours(client, namespace, v1)
            client.request("PATCH", path % namespace, query=[("fieldManager", "kubectl")],
                           body={"spec": {"owner": "ops"}}, content_type="application/merge-patch+json")
        _ours(client, ours, v2, server_side="auto")
        helm = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=theirs)
        helm.upgrade(v2, "rel", {}, namespace=theirs)
        assert client.request("GET", path % ours)["spec"] == {"size": 2, "owner": "ops"}
        assert client.request("GET", path % theirs)["spec"] == client.request("GET", path % ours)["spec"]
        helm.uninstall("rel")
        _ours_uninstall(client, ours)
    finally:
        client.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)


def _ours_uninstall(client, namespace):
    options = actions.ReleaseOptions("rel", namespace, field_manager=MANAGER, timeout=60)
    uninstall.uninstall(client, options, keep_history=False)


def test_force_replace_of_an_immutable_field_fails_and_recreates_nothing(client, namespaces, tmp_path):
    """Helm v4's replaceResource: the PUT's error fails the upgrade ("failed to replace object"); nothing is
    deleted and re-created."""
    namespace = namespaces()
    chart = _chart(tmp_path, "0.1.0", ["a"], ["A"], False)
    _ours(client, namespace, chart)
    uid = _get(client, namespace, "Deployment", "web")["metadata"]["uid"]
    moved = tmp_path / "chart-0.1.0" / "templates" / "deploy.yaml"
    moved.write_text(moved.read_text().replace("app: web", "app: web2"))
    with pytest.raises(ReleaseError, match="failed to replace object .*web.*immutable"):
        _ours(client, namespace, chart, server_side="false", force_replace=True)
    assert _get(client, namespace, "Deployment", "web")["metadata"]["uid"] == uid
    assert SecretStorage(client, namespace).history("rel")[-1].status == "failed"
