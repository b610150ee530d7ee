"""The shared clean-up that leaves a cluster as found (tests/kubeapi/fixture.py, used by tests/conftest.py for every
test module that uses the cluster, issue 21): on a fresh emulator, a release installed by the helm CLI (Helm v4,
helm-python-sdk) with a cluster-scoped IngressClass, a kept ClusterRole and a namespace are listed as left behind,
and clean_up removes all of them."""
import helm_python

from kubeapi.fixture import KubeAPIServer, clean_up, leftovers, snapshot


def test_leftovers_are_listed_and_cleaned_up(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient

    chart = tmp_path / "leaky"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: leaky\nversion: 0.1.0\n")
    (chart / "templates" / "objects.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: leaky-class\n"
        "spec:\n  controller: example.com/leaky\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaky\ndata: {a: b}\n")
    with KubeAPIServer() as api:
        before = snapshot(api.kubeconfig)
        helm_python.Config(kubeconfig_path=api.kubeconfig, namespace="leaky-ns").install(
            str(chart), "leaky", {}, namespace="leaky-ns", create_namespace=True)
        with KubeClient(api.kubeconfig) as client:
            client.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                           body={"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                                 "metadata": {"name": "leaky-role"}, "rules": []})
            client.request("POST", "/api/v1/namespaces",
                           body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "leaky-empty"}})
        assert leftovers(api.kubeconfig, before) == [
            "namespace leaky-empty", "namespace leaky-ns", "release leaky-ns/leaky", "IngressClass leaky-class",
            "ClusterRole leaky-role"]
        assert clean_up(api.kubeconfig, before) == []
        assert leftovers(api.kubeconfig, before) == []
