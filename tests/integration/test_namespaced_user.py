"""A user whose RBAC covers one namespace only (a ServiceAccount bound by a RoleBinding to the default ``admin``
ClusterRole, as a platform team hands out namespaces): helm_release installs, upgrades and uninstalls in that
namespace - which is also its kubeconfig context's, so no namespace option is needed - while what crosses
namespaces fails or warns clearly: helm_release_info with all_namespaces fails naming the 403, an install into
another namespace fails naming it, and the helm_releases inventory warns and reads the context's namespace.

Runs on the emulator and unchanged against HELMKIT_TEST_KUBECONFIG; the ServiceAccount's namespace (and so the
release, its RoleBinding) is deleted by helpers/kubeauth.py on exit, also on failure, and conftest's _left_as_found
removes anything else.
"""
import json
import os
import subprocess

import pytest
import yaml

from tests.helpers import leakscan
from tests.helpers.kubeauth import ServiceAccountAccess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
CHART = {"Chart.yaml": "apiVersion: v2\nname: tenant\nversion: 0.1.0\n",
         "templates/cm.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
                               "data:\n  round: {{ .Values.round | default 1 | quote }}\n"),
         "templates/secret.yaml": ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\n"
                                   "stringData:\n  password: not-a-real-one\n")}


def _env(tmp_path, kubeconfig):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("K8S_AUTH_", "HELM_KUBE")) and k not in ("HELMKIT_TEST_KUBECONFIG", "HELM_NAMESPACE")}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
               HOME=str(tmp_path), KUBECONFIG=kubeconfig, ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    return env


def _play(tmp_path, env, tasks):
    out = tmp_path / "results.json"
    names = ["r%d" % i for i in range(len(tasks))]
    play = [dict(task, register=name, ignore_errors=True) for task, name in zip(tasks, names)]
    play.append({"copy": {"content": "{{ [%s] | to_json }}" % ", ".join(names), "dest": str(out)}})
    (tmp_path / "play.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False,
                                                        "tasks": play}]))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           str(tmp_path / "play.yml")], env=env, cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=600, check=False)
    assert out.exists(), proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads(out.read_text())


@pytest.fixture
def tenant(kubeapi, tmp_path):
    """A ServiceAccount with ``admin`` in its own namespace only, and a kubeconfig whose context is that namespace."""
    with ServiceAccountAccess(kubeapi, tmp_path, cluster_admin=False) as access:
        if access.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); this test verifies TLS")
        access.admin.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/rolebindings"
                             % access.namespace, body={
                                 "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                                 "metadata": {"name": "tenant-admin"},
                                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                             "name": "admin"},
                                 "subjects": [{"kind": "ServiceAccount", "name": "helmkit-test",
                                               "namespace": access.namespace}]})
        token = access.token()
        kubeconfig = tmp_path / "tenant.kubeconfig"
        kubeconfig.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "tenant",
            "clusters": [{"name": "c", "cluster": {"server": access.host, "certificate-authority": access.ca_file}}],
            "users": [{"name": "u", "user": {"token": token}}],
            "contexts": [{"name": "tenant",
                          "context": {"cluster": "c", "user": "u", "namespace": access.namespace}}]}))
        os.chmod(str(kubeconfig), 0o600)
        leakscan.SECRETS.add_kubeconfig(str(kubeconfig), "tenant kubeconfig")
        for name, text in CHART.items():
            (tmp_path / "tenant" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "tenant" / name).write_text(text)
        access.chart = str(tmp_path / "tenant")
        access.env = _env(tmp_path, str(kubeconfig))
        access.kubeconfig = str(kubeconfig)
        yield access


def test_install_in_its_namespace_works_and_crossing_namespaces_is_clear(tenant, tmp_path):
    ns = tenant.namespace
    install = {"name": "app", "chart_ref": tenant.chart}
    installed, rerun, upgraded, listed_all, elsewhere = _play(tmp_path, tenant.env, [
        {"helmkit.core.helm_release": install},
        {"helmkit.core.helm_release": install},
        {"helmkit.core.helm_release": dict(install, values={"round": 2})},
        {"helmkit.core.helm_release_info": {"all_namespaces": True}},
        {"helmkit.core.helm_release": dict(install, namespace="default")},
    ])
    assert not installed.get("failed"), installed.get("msg")
    assert (installed["namespace"], installed["status"]["status"]) == (ns, "deployed")
    assert installed["namespace_source"] == "the namespace of kubeconfig context 'tenant'"
    assert rerun["changed"] is False and upgraded["status"]["revision"] == 2, (rerun, upgraded.get("msg"))
    user = "system:serviceaccount:%s:helmkit-test" % ns
    assert listed_all["failed"] is True
    assert listed_all["msg"] == ('cannot list Helm release secrets: secrets is forbidden: User "%s" cannot list '
                                 'resource "secrets" in API group "" at the cluster scope' % user)
    assert elsewhere["failed"] is True
    assert 'is forbidden: User "%s" cannot' % user in elsewhere["msg"] and 'namespace "default"' in elsewhere["msg"]

    (tmp_path / "tenant.helm_releases.yml").write_text(yaml.safe_dump({
        "plugin": "helmkit.core.helm_releases", "connections": [{"name": "tenant"}]}))
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(tmp_path / "tenant.helm_releases.yml"),
                           "--list"], env=tenant.env, cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    hosts = json.loads(proc.stdout)["_meta"]["hostvars"]
    assert list(hosts) == ["tenant/%s/app" % ns]
    warning = " ".join(proc.stderr.split())
    assert ("helm_releases: cluster 'tenant': cannot list Helm release secrets: secrets is forbidden: User \"%s\" "
            "cannot list resource \"secrets\" in API group \"\" at the cluster scope; read only namespace '%s' (from "
            "the namespace of kubeconfig context 'tenant') instead" % (user, ns)) in warning, proc.stderr

    removed, = _play(tmp_path, tenant.env, [{"helmkit.core.helm_release": {"name": "app", "state": "absent"}}])
    assert removed["changed"] is True and removed["namespace"] == ns, removed.get("msg")
