"""kubernetes.core's helm options with Helm v4's meaning (issue 22): ``skip_schema_validation`` on the helm adapter,
helm_template and helm_release; ``force`` (``--force-replace``); ``server_side: false`` (client-side apply);
``provenance`` on helm_pull and ``get_all_values`` on helm_info. Helm v4 (helm_python) is the reference where it
can do the same. Runs unchanged against a real cluster (HELMKIT_TEST_KUBECONFIG); namespaces are deleted at the end.
"""
import os
import shutil
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR, PODINFO  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402


def _schema_chart(tmp_path):
    """A chart whose values.schema.json requires ``replicas`` to be an integer."""
    path = tmp_path / "schema-app"
    (path / "templates").mkdir(parents=True)
    (path / "Chart.yaml").write_text("apiVersion: v2\nname: schema-app\nversion: 0.1.0\n")
    (path / "values.yaml").write_text("replicas: 1\n")
    (path / "values.schema.json").write_text(
        '{"type": "object", "properties": {"replicas": {"type": "integer"}}, "required": ["replicas"]}\n')
    (path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n"
        "  replicas: {{ .Values.replicas | quote }}\n")
    return str(path)


@pytest.fixture
def namespace(kubeapi):
    name = "kco-%s" % uuid.uuid4().hex[:6]
    with KubeClient(kubeapi.kubeconfig) as client:
        client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                           "metadata": {"name": name}})
        try:
            yield name
        finally:
            try:
                client.request("DELETE", "/api/v1/namespaces/%s" % name)
            except ApiError:
                pass


def _live(kubeapi, namespace, name):
    with KubeClient(kubeapi.kubeconfig) as client:
        return client.request("GET", "/api/v1/namespaces/%s/configmaps/%s" % (namespace, name))


def test_skip_schema_validation_skips_values_schema_json(kubeapi, namespace, tmp_path):
    import helm_python
    from helm_python.errors import HelmError

    chart = _schema_chart(tmp_path)
    bad = {"replicas": "three"}
    with pytest.raises(HelmError):  # Helm v4 rejects these values: the test can fail
        helm_python.Chart.load(chart).validate_schema(bad)
    # Helm v4's rendering of the same chart without its schema: what --skip-schema-validation renders
    unchecked = tmp_path / "unchecked"
    shutil.copytree(chart, str(unchecked / "schema-app"))
    os.remove(str(unchecked / "schema-app" / "values.schema.json"))
    expected = helm_python.Chart.load(str(unchecked / "schema-app")).render(bad, name="t", namespace=namespace)
    conn = {"kubeconfig": kubeapi.kubeconfig, "release_namespace": namespace}
    results, _output = run_play(tmp_path, [
        {"helmkit.core.helm_template": {"chart_ref": chart, "release_name": "t", "release_namespace": namespace,
                                        "values": bad}},
        {"helmkit.core.helm_template": {"chart_ref": chart, "release_name": "t", "release_namespace": namespace,
                                        "values": bad, "skip_schema_validation": True}},
        {"helmkit.core.helm": dict(conn, chart_ref=chart, release_name="a", values=bad)},
        {"helmkit.core.helm": dict(conn, chart_ref=chart, release_name="a", values=bad,
                                   skip_schema_validation=True)},
        {"helmkit.core.helm_release": dict(conn, chart_ref=chart, release_name="n", values=bad)},
        {"helmkit.core.helm_release": dict(conn, chart_ref=chart, release_name="n", values=bad,
                                           skip_schema_validation=True)},
    ])
    for index in (0, 2, 4):
        assert results[index].get("failed"), results[index]
        assert "schema" in results[index]["msg"], results[index]["msg"]
    for index in (1, 3, 5):
        assert not results[index].get("failed"), results[index]
    assert results[1]["stdout"].split("---\n# Source: schema-app/templates/cm.yaml\n", 1)[1] == \
        expected["schema-app/templates/cm.yaml"]
    assert "--skip-schema-validation" in results[3]["command"]
    assert _live(kubeapi, namespace, "a-cfg")["data"] == {"replicas": "three"}
    assert _live(kubeapi, namespace, "n-cfg")["data"] == {"replicas": "three"}


def test_helm_pull_provenance_saves_the_prov_file_unverified(tmp_path):
    import helm_python
    from tests.helpers.chartrepo import ChartRepoServer

    podinfo = PODINFO
    common = os.path.join(CHARTS_DIR, "common-2.31.10.tgz")
    prov = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: podinfo\n(served as is, never verified)\n"
    dest = tmp_path / "pulled"
    with ChartRepoServer(charts=[podinfo, common]) as repo:
        with open(os.path.join(repo.directory, "podinfo-6.14.1.tgz.prov"), "wb") as handle:
            handle.write(prov)
        pull = {"repo_url": repo.url, "destination": str(dest), "provenance": True}
        env = {"HELM_REPOSITORY_CONFIG": str(tmp_path / "repos.yaml"),
               "HELM_REPOSITORY_CACHE": str(tmp_path / "cache")}
        results, _output = run_play(tmp_path, [
            {"helmkit.core.helm_pull": dict(pull, chart_ref="podinfo", chart_version="6.14.1")},
            {"helmkit.core.helm_pull": dict(pull, chart_ref="podinfo", chart_version="6.14.1")},
            {"helmkit.core.helm_pull": dict(pull, chart_ref="common")},
        ], env)
        theirs = tmp_path / "theirs"
        theirs.mkdir()
        helm_python.pull("podinfo", repo_url=repo.url, version="6.14.1", destination=str(theirs))
    assert results[0]["changed"] and not results[0].get("failed"), results[0]
    assert (dest / "podinfo-6.14.1.tgz.prov").read_bytes() == prov
    assert (dest / "podinfo-6.14.1.tgz").read_bytes() == (theirs / "podinfo-6.14.1.tgz").read_bytes()
    assert not results[1]["changed"], results[1]
    assert not results[2].get("failed") and (dest / "common-2.31.10.tgz").exists(), results[2]
    assert not (dest / "common-2.31.10.tgz.prov").exists()
    assert any("Verification not found for" in w for w in results[2].get("warnings", [])), results[2]


def test_helm_info_get_all_values_are_helm_get_values_all(kubeapi, namespace, tmp_path):
    import helm_python

    chart = tmp_path / "allvals"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: allvals\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("greeting: hello\nnested:\n  keep: 1\n  change: 2\nlist: [a, b]\n")
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n"
        "  greeting: {{ .Values.greeting | quote }}\n")
    conn = {"kubeconfig": kubeapi.kubeconfig, "release_namespace": namespace, "release_name": "vals"}
    results, _output = run_play(tmp_path, [
        {"helmkit.core.helm": dict(conn, chart_ref=str(chart), values={"nested": {"change": 3}, "extra": True})},
        {"helmkit.core.helm_info": dict(conn, get_all_values=True)},
        {"helmkit.core.helm_info": dict(conn)},
    ])
    helm = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=namespace)
    assert results[1]["status"]["values"] == helm.get_values("vals", all_values=True)
    assert results[1]["status"]["values"]["nested"] == {"keep": 1, "change": 3}
    assert results[2]["status"]["values"] == helm.get_values("vals") == {"nested": {"change": 3}, "extra": True}
    helm.uninstall("vals")
