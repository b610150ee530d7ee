"""helm_dependency_info through ansible-playbook: the same dependency list as helm_dependency state=list and as Helm v4
(helm_python.dependency_list), never changed, also in check mode; a chart that is not there fails with a message."""
import json
import os
import shutil
import subprocess

import helm_python
import yaml
from tests.helpers.corpus import CHARTS_DIR as CHARTS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")


def _write_parent(directory):
    os.makedirs(os.path.join(directory, "charts"))
    with open(os.path.join(directory, "Chart.yaml"), "w") as handle:
        yaml.safe_dump({"apiVersion": "v2", "name": "parent", "version": "1.0.0", "dependencies": [
            {"name": "common", "version": "2.31.10", "repository": "https://charts.example.com"},
            {"name": "podinfo", "version": "^7.0.0", "repository": "https://charts.example.com"},
            {"name": "memcached", "version": "8.0.0", "repository": "oci://registry.example.com/charts"}]}, handle)
    shutil.copy(os.path.join(CHARTS, "common-2.31.10.tgz"), os.path.join(directory, "charts"))   # ok
    shutil.copy(os.path.join(CHARTS, "podinfo-6.14.1.tgz"), os.path.join(directory, "charts"))   # wrong version
    return directory                                                                             # memcached missing


def _run(tmp_path, tasks):
    play_tasks = [dict(task, name="task %d" % i, register="r%d" % i, ignore_errors=True) for i, task in enumerate(tasks)]
    out = tmp_path / "results.json"
    play_tasks.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(tasks))), "dest": str(out)}, "check_mode": False})
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", str(playbook)], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), "playbook did not finish:\n%s\n%s" % (proc.stdout[-4000:], proc.stderr[-4000:])
    return json.loads(out.read_text())


def _rows(rows):
    return [(r["name"], r["version"], r["repository"], r["status"]) for r in rows]


def test_info_lists_like_state_list_and_helm(tmp_path):
    parent = _write_parent(str(tmp_path / "parent"))
    before = sorted(os.listdir(os.path.join(parent, "charts")))
    info, check_info, listed, missing = _run(tmp_path, [
        {"helmkit.core.helm_dependency_info": {"chart_path": parent}},
        {"helmkit.core.helm_dependency_info": {"chart_path": parent}, "check_mode": True},
        {"helmkit.core.helm_dependency": {"chart_path": parent, "state": "list"}},
        {"helmkit.core.helm_dependency_info": {"chart_path": str(tmp_path / "nowhere")}},
    ])
    assert info["changed"] is False and not info.get("failed"), info.get("msg")
    assert [r["status"] for r in info["dependencies"]] == ["ok", "wrong version", "missing"]
    assert _rows(info["dependencies"]) == _rows(helm_python.dependency_list(parent))
    assert check_info["dependencies"] == info["dependencies"] and check_info["changed"] is False
    assert listed["dependencies"] == info["dependencies"]
    assert missing.get("failed") and "nowhere" in missing["msg"] and "Traceback" not in missing["msg"]
    assert sorted(os.listdir(os.path.join(parent, "charts"))) == before
