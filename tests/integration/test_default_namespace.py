"""A task that names no namespace works where Helm would (kube/config.py: resolve_namespace): HELM_NAMESPACE, else
the kubeconfig context's namespace; an explicit namespace wins over both. helm_release, helm_release_info, helm_test
and the helm_release lookup, through ansible-playbook, on the emulator and unchanged on a real cluster
(HELMKIT_TEST_KUBECONFIG). Everything is uninstalled by the play; conftest's _left_as_found removes what a failure
leaves (releases, namespaces)."""
import json
import os
import subprocess
import uuid

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
CHART = {"Chart.yaml": "apiVersion: v2\nname: nsprobe\nversion: 0.1.0\n",
         "templates/cm.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
                               "data:\n  namespace: {{ .Release.Namespace | quote }}\n")}


def _chart(tmp_path):
    for name, text in CHART.items():
        (tmp_path / "nsprobe" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "nsprobe" / name).write_text(text)
    return str(tmp_path / "nsprobe")


def _with_context_namespace(kubeconfig, namespace, path):
    """A copy of ``kubeconfig`` whose current context has ``namespace``."""
    with open(kubeconfig, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    for entry in data["contexts"]:
        if entry["name"] == data["current-context"]:
            entry["context"]["namespace"] = namespace
    path.write_text(yaml.safe_dump(data))
    os.chmod(str(path), 0o600)
    return str(path)


def _run(tmp_path, tasks, env):
    out = tmp_path / "results.json"
    names = ["r%d" % i for i in range(len(tasks))]
    play = [dict(task, register=name, ignore_errors=True) for task, name in zip(tasks, names)]
    play.append({"copy": {"content": "{{ [%s] | to_json }}" % ", ".join(names), "dest": str(out)}})
    (tmp_path / "play.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False,
                                                        "tasks": play}]))
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml")],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=600, check=False)
    assert out.exists(), proc.stdout[-4000:] + proc.stderr[-2000:]
    return json.loads(out.read_text())


def test_helm_namespace_then_the_context_namespace_and_an_explicit_namespace_wins(kubeapi, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    from_env, from_context, explicit = "ns-env-" + suffix, "ns-ctx-" + suffix, "ns-opt-" + suffix
    chart = _chart(tmp_path)
    context_kubeconfig = _with_context_namespace(kubeapi.kubeconfig, from_context, tmp_path / "kubeconfig")
    helm_env = {"HELM_NAMESPACE": from_env}
    install = {"name": "probe", "chart_ref": chart, "create_namespace": True}
    lookup = "{{ lookup('helmkit.core.helm_release', 'probe', kubeconfig=%r) }}"
    tasks = [
        {"helmkit.core.helm_release": install, "environment": helm_env},
        {"helmkit.core.helm_release": dict(install, kubeconfig=context_kubeconfig)},
        {"helmkit.core.helm_release": dict(install, namespace=explicit, kubeconfig=context_kubeconfig),
         "environment": helm_env},
        {"helmkit.core.helm_release_info": {"name": "probe"}, "environment": helm_env},
        {"helmkit.core.helm_release_info": {"name": "probe", "kubeconfig": context_kubeconfig}},
        {"helmkit.core.helm_test": {"name": "probe", "kubeconfig": context_kubeconfig}},
        {"set_fact": {"found": lookup % context_kubeconfig}},
        {"helmkit.core.helm_release": {"name": "probe", "state": "absent"}, "environment": helm_env},
        {"helmkit.core.helm_release": {"name": "probe", "state": "absent", "kubeconfig": context_kubeconfig}},
        {"helmkit.core.helm_release": {"name": "probe", "state": "absent", "namespace": explicit}},
    ]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON, KUBECONFIG=kubeapi.kubeconfig)
    env.pop("HELM_NAMESPACE", None)
    by_env, by_context, by_option, info_env, info_context, tested, lookup_fact, *removed = _run(tmp_path, tasks, env)
    for result in (by_env, by_context, by_option, info_env, info_context, tested, lookup_fact, *removed):
        assert not result.get("failed"), result.get("msg")
    assert (by_env["namespace"], by_env["namespace_source"]) == (from_env, "HELM_NAMESPACE")
    assert by_env["status"]["namespace"] == from_env and 'namespace: "%s"' % from_env in by_env["manifest"]
    assert by_context["namespace"] == from_context
    assert by_context["namespace_source"].startswith("the namespace of kubeconfig context")
    assert (by_option["namespace"], by_option["namespace_source"]) == (explicit, "option")
    assert info_env["namespaces"] == [from_env] and info_env["release"]["namespace"] == from_env
    assert info_context["namespaces"] == [from_context] and info_context["release"]["namespace"] == from_context
    assert tested["status"]["namespace"] == from_context
    assert lookup_fact["ansible_facts"]["found"]["namespace"] == from_context
    assert [r["changed"] for r in removed] == [True, True, True]
    assert [r["status"]["namespace"] for r in removed] == [from_env, from_context, explicit]
    for namespace in (from_env, from_context, explicit):
        kubeapi_delete_namespace(kubeapi, namespace)


def kubeapi_delete_namespace(kubeapi, namespace):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeapi.kubeconfig) as client:
        client.request("DELETE", "/api/v1/namespaces/%s" % namespace)
