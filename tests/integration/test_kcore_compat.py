"""kubernetes.core drop-in (issue 22): the done-when playbook (tests/integration/kcore/done_when.yml), written from
kubernetes.core's documented options and examples with only the collection name changed, runs against the
kubernetes.core-compatible modules and asserts the return keys kubernetes.core documents. Its release is then
managed by the native helm_release and by Helm v4 (helm_python) interchangeably, and uninstalled with kubernetes.core's
names. Also runs against a real cluster (HELMKIT_TEST_KUBECONFIG); the namespace and the CRD are removed at the end.
"""
import json
import os
import subprocess
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient  # noqa: E402
from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.registry import RegistryServer  # noqa: E402
from tests.helpers.corpus import PODINFO

TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
PLAYS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kcore")


def _chart(tmp_path, group):
    """A local chart with a CRD (crds/), a ConfigMap from values, a ConfigMap to adopt and a post-install hook."""
    path = tmp_path / "kc-app"
    (path / "templates").mkdir(parents=True)
    (path / "crds").mkdir()
    (path / "Chart.yaml").write_text("apiVersion: v2\nname: kc-app\nversion: 0.1.0\nappVersion: \"1.0\"\n")
    (path / "values.yaml").write_text("greeting: hello\nunused: default\n")
    (path / "crds" / "widgets.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.%s\n"
        "spec:\n  group: %s\n  names:\n    kind: Widget\n    plural: widgets\n    singular: widget\n"
        "  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n"
        "      schema:\n        openAPIV3Schema:\n          type: object\n"
        "          x-kubernetes-preserve-unknown-fields: true\n" % (group, group))
    (path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n"
        "  greeting: {{ .Values.greeting | quote }}\n  extra: {{ .Values.extra | default \"none\" | quote }}\n")
    (path / "templates" / "adopt.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-adopt\ndata:\n  owner: chart\n")
    (path / "templates" / "hook.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n"
        "    helm.sh/hook: post-install\n    helm.sh/hook-delete-policy: before-hook-creation\ndata:\n  a: b\n")
    return str(path)


def _run(tmp_path, name, extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON,
               HELM_REPOSITORY_CONFIG=str(tmp_path / "repos.yaml"), HELM_REPOSITORY_CACHE=str(tmp_path / "cache"),
               HELM_REGISTRY_CONFIG=str(tmp_path / "registry.json"))
    extra_file = tmp_path / "extra.json"
    extra_file.write_text(json.dumps(extra))
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", "-e", "@%s" % extra_file,
                           os.path.join(PLAYS, name)], env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    return proc.stdout


def test_kubernetes_core_playbook_runs_and_its_releases_interoperate(tmp_path, kubeapi):
    import helm_python

    ns = "kc-%s" % uuid.uuid4().hex[:6]
    group = "kc%s.helmkit.test" % uuid.uuid4().hex[:6]
    chart = _chart(tmp_path, group)
    with KubeClient(kubeapi.kubeconfig) as client:
        client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                           "metadata": {"name": ns}})
        client.request("POST", "/api/v1/namespaces/%s/configmaps" % ns, body={
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-adopt"},
            "data": {"owner": "chart", "note": "kept"}})
        try:
            with ChartRepoServer(charts=[PODINFO]) as repo, \
                    RegistryServer(auth="basic", username="kc-user", password="kc-Secret-9") as registry:
                extra = {"ns": ns, "chart_dir": chart, "repo_url": repo.url,
                         "registry_host": "localhost:%d" % registry.port, "registry_user": registry.username,
                         "registry_password": registry.password, "pull_dir": str(tmp_path / "pulled"),
                         "kubeconfig": kubeapi.kubeconfig}
                output = _run(tmp_path, "done_when.yml", extra)
                assert "kc-Secret-9" not in output
                assert (tmp_path / "pulled" / "podinfo" / "Chart.yaml").exists()
                adopted = client.request("GET", "/api/v1/namespaces/%s/configmaps/app-adopt" % ns)
                assert adopted["data"] == {"owner": "chart", "note": "kept"}
                assert adopted["metadata"]["annotations"]["meta.helm.sh/release-name"] == "app"
                _run(tmp_path, "manage.yml", extra)
                helm = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=ns)
                assert [(r["name"], r["revision"], r["status"]) for r in helm.list()] == [
                    ("app", 3, "deployed"), ("web", 1, "deployed")]
                helm.upgrade(chart, "app", {"greeting": "helm-v4"}, namespace=ns)
                live = client.request("GET", "/api/v1/namespaces/%s/configmaps/app-cfg" % ns)
                assert live["data"]["greeting"] == "helm-v4"
                _run(tmp_path, "uninstall.yml", extra)
                assert helm.list(all_states=True) == []
        finally:
            for path in ("/api/v1/namespaces/%s" % ns,
                         "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.%s" % group):
                try:
                    client.request("DELETE", path)
                except ApiError:
                    pass


def _package(directory, out_dir):
    """``helm package`` of a chart directory into ``out_dir`` (a plain .tgz: a test fixture, not under test)."""
    import tarfile
    name = os.path.basename(directory)
    target = os.path.join(str(out_dir), "%s-0.1.0.tgz" % name)
    with tarfile.open(target, "w:gz") as archive:
        archive.add(directory, arcname=name)
    return target


def _connection(kubeconfig, tmp_path):
    """kubernetes.core's host, api_key and ca_cert for the test cluster, from its kubeconfig (a real cluster whose
    user has no token, or no CA data, gives what it has: the play then fails, telling why)."""
    import base64
    import yaml
    config = yaml.safe_load(open(kubeconfig))
    context = next(c["context"] for c in config["contexts"] if c["name"] == config["current-context"])
    cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
    user = next(u["user"] for u in config["users"] if u["name"] == context["user"])
    ca_file = tmp_path / "api-ca.crt"
    if cluster.get("certificate-authority-data"):
        ca_file.write_bytes(base64.b64decode(cluster["certificate-authority-data"]))
    else:
        ca_file = cluster.get("certificate-authority", "")
    return {"api_host": cluster["server"], "api_key": user.get("token", ""), "api_ca_file": str(ca_file)}


def _dependent_chart(tmp_path):
    """A chart depending on a sibling chart through file://, for dependency_update."""
    sub = tmp_path / "sub"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: sub\nversion: 0.1.0\n")
    (sub / "templates" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub-cfg\n")
    parent = tmp_path / "parent"
    (parent / "templates").mkdir(parents=True)
    (parent / "Chart.yaml").write_text("apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n"
                                       "  - name: sub\n    version: 0.1.0\n    repository: file://../sub\n")
    return str(parent)


def test_each_module_with_its_documented_examples_and_options(tmp_path, kubeapi):
    ns = "kcm-%s" % uuid.uuid4().hex[:6]
    group = "kcm%s.helmkit.test" % uuid.uuid4().hex[:6]
    chart = _chart(tmp_path, group)
    packages = tmp_path / "packages"
    packages.mkdir()
    archive = _package(chart, packages)
    values_file = tmp_path / "values.yaml"
    values_file.write_text("greeting: from-file\n")
    renderer = tmp_path / "post-render.sh"
    renderer.write_text("#!/bin/sh\nsed 's/greeting: /greeting: post-rendered-/'\n")
    renderer.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    connection = _connection(kubeapi.kubeconfig, tmp_path)
    with KubeClient(kubeapi.kubeconfig) as client:
        client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                           "metadata": {"name": ns}})
        try:
            with ChartRepoServer(charts=[PODINFO, archive]) as repo, \
                    RegistryServer(auth="basic", username="kc-user", password="kc-Secret-9") as registry:
                extra = {"ns": ns, "chart_dir": chart, "dep_chart_dir": _dependent_chart(tmp_path),
                         "chart_url": "%s/%s" % (repo.url, os.path.basename(archive)), "repo_url": repo.url,
                         "registry_host": "localhost:%d" % registry.port, "registry_user": registry.username,
                         "registry_password": registry.password, "work_dir": str(work),
                         "values_file": str(values_file), "post_renderer": str(renderer),
                         "kubeconfig": kubeapi.kubeconfig}
                extra.update(connection)
                output = _run(tmp_path, "modules.yml", extra)
                assert "kc-Secret-9" not in output
                assert (work / "by-name" / "podinfo-6.14.1.tgz").exists()
                assert (work / "untarred" / "podinfo" / "Chart.yaml").exists()
        finally:
            for path in ("/api/v1/namespaces/%s" % ns,
                         "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.%s" % group):
                try:
                    client.request("DELETE", path)
                except ApiError:
                    pass
