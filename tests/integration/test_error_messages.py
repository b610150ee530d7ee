"""The error messages a new user meets first (issue 21), each checked with its exact text through ansible-playbook:
rollback without a revision, set_values given as a string, a wrong context, a missing values file, a missing
namespace. Also valid against a real cluster (HELMKIT_TEST_KUBECONFIG): it uninstalls what it installs."""
import json
import os
import subprocess
import uuid

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")
CHART = os.path.join(ROOT, "examples", "charts", "hello-store")


def run_play(tmp_path, tasks):
    play = []
    for index, task in enumerate(tasks):
        play.append({"name": "task %d" % index, "register": "r%d" % index, "ignore_errors": True,
                     "helmkit.core.helm_release": task})
    out = tmp_path / "results.json"
    play.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(tasks))), "dest": str(out)}})
    playbook = [{"hosts": "localhost", "gather_facts": False, "tasks": play}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(playbook))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", "play.yml"],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=600, check=False)
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text())


def test_first_mistakes_get_clear_messages(kubeapi, tmp_path):
    namespace = "it-errors-%s" % uuid.uuid4().hex[:6]
    missing_ns = "it-nonexistent-%s" % uuid.uuid4().hex[:6]
    base = {"release_name": "msg", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
            "chart_ref": CHART}
    results = run_play(tmp_path, [
        dict(base, create_namespace=True),
        {"release_name": "msg", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
         "state": "rollback"},
        dict(base, set_values=["replicaCount=3"]),
        dict(base, set_values=[{"replicaCount": 3}]),
        dict(base, context="no-such-context"),
        dict(base, values_files=["missing-values.yaml"]),
        dict(base, release_namespace=missing_ns),
        dict(base, state="absent"),
    ])
    installed, rollback, set_string, set_mapping, context, values_file, no_namespace, removed = results
    assert installed["changed"] is True and not installed.get("failed"), installed.get("msg")
    assert rollback["msg"] == "release msg has only one revision (1): there is no earlier revision to roll back to"
    assert set_string["msg"] == (
        'set_values[0] is "replicaCount=3"; each entry is a mapping whose \'value\' holds what helm --set takes, '
        'for example: set_values: [{value: "replicaCount=3"}] (add value_type: string, json, file or literal for '
        "--set-string, --set-json, --set-file or --set-literal)")
    assert set_mapping["msg"].startswith("set_values[0] is a mapping without 'value' (keys: replicaCount); ")
    with open(kubeapi.kubeconfig) as f:
        contexts = ", ".join(sorted(c["name"] for c in yaml.safe_load(f)["contexts"]))
    assert context["msg"] == (
        "kubeconfig %s has no context 'no-such-context'; its contexts are: %s. Set context to one of them, or "
        "leave it unset for the kubeconfig's current-context" % (kubeapi.kubeconfig, contexts))
    where = str(tmp_path / "missing-values.yaml")
    assert values_file["msg"] == (
        "values file missing-values.yaml not found: looked on the controller in %s, %s and on the managed host at "
        "%s. Give a path relative to the playbook or role (its files/ directory is searched too) or an absolute "
        "path" % (str(tmp_path / "files" / "missing-values.yaml"), where, where))
    assert no_namespace["msg"] == ('release msg: namespace "%s" does not exist; create it first, or set '
                                   "create_namespace: true" % missing_ns)
    assert all(r["failed"] for r in results[1:-1])
    assert removed["changed"] is True and not removed.get("failed"), removed.get("msg")
