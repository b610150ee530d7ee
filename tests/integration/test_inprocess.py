"""helm_release run in the action plugin's process (``plugin_utils/inprocess.py``) gives the task the same results as
the AnsiballZ module (``HELMKIT_IN_PROCESS=0``): install, unchanged re-run, check mode with diff, warnings, the
task's ``environment``, a failure, no_log; and it is used only when the task runs on the controller's interpreter."""
import json
import os
import subprocess
import sys

import yaml
from tests.helpers.corpus import PODINFO

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
NO_LOG_MARKER = "it-inprocess-hidden-7731"


def _play(tmp_path, tasks, env_extra, interpreter=PYTHON):
    play_tasks = []
    for index, task in enumerate(tasks):
        task = dict(task, register="r%d" % index, ignore_errors=True)
        play_tasks.append(task)
    out = tmp_path / "results.json"
    play_tasks.append({"copy": {"content": "{{ [%s] | to_json }}" % ", ".join("r%d" % i for i in range(len(tasks))),
                                "dest": str(out)}, "check_mode": False})
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=interpreter, ANSIBLE_VERBOSITY="3",
               HELM_CONFIG_HOME=str(tmp_path / "helm-config"), HELM_CACHE_HOME=str(tmp_path / "helm-cache"))
    env.pop("K8S_AUTH_KUBECONFIG", None)
    env.pop("KUBECONFIG", None)
    env.update(env_extra)
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", str(playbook)], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=600, check=False)
    assert out.exists(), proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def _tasks(kubeconfig, name):
    base = {"release_name": name, "release_namespace": name, "chart_ref": PODINFO, "create_namespace": True}
    with_config = dict(base, kubeconfig=kubeconfig)
    upgrade = dict(with_config, release_values={"replicaCount": 3})
    hidden = dict(with_config, release_values={"replicaCount": 3, "podAnnotations": {"note": NO_LOG_MARKER}})
    return [
        {"helmkit.core.helm_release": with_config},
        # the kubeconfig from the task's environment, not an option: applied in-process as on a managed host
        {"helmkit.core.helm_release": base, "environment": {"K8S_AUTH_KUBECONFIG": kubeconfig}},
        {"helmkit.core.helm_release": upgrade, "check_mode": True, "diff": True},
        {"helmkit.core.helm_release": dict(with_config, insecure_skip_tls_verify=True)},
        {"helmkit.core.helm_release": dict(with_config, chart_ref=PODINFO + ".missing")},
        {"helmkit.core.helm_release": hidden, "no_log": True},
        {"helmkit.core.helm_release": dict(with_config, state="absent")},
    ]


def _summary(result):
    return {"changed": result.get("changed"), "failed": result.get("failed", False), "msg": result.get("msg"),
            "warnings": result.get("warnings"), "revision": (result.get("status") or {}).get("revision"),
            "diff": bool(result.get("diff"))}


def test_in_process_results_match_the_module(kubeapi, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    inproc, inproc_out = _play(tmp_path / "a", _tasks(kubeapi.kubeconfig, "inproc-a"), {})
    module, module_out = _play(tmp_path / "b", _tasks(kubeapi.kubeconfig, "inproc-b"), {"HELMKIT_IN_PROCESS": "0"})
    assert "AnsiballZ_helm_release" not in inproc_out and "AnsiballZ_helm_release" in module_out
    summaries = [_summary(result) for result in inproc]
    assert summaries == [_summary(result) for result in module]
    installed, unchanged, checked, warned, failed, hidden, removed = summaries
    assert installed["changed"] is True and installed["revision"] == 1
    assert unchanged["changed"] is False and unchanged["revision"] == 1
    assert checked["changed"] is True and checked["diff"] is True and checked["revision"] == 2
    assert warned["changed"] is False and any("insecure_skip_tls_verify" in w for w in warned["warnings"])
    assert failed["failed"] is True and "not found" in failed["msg"]
    assert hidden["changed"] is True and hidden["revision"] == 2
    assert removed["changed"] is True
    assert NO_LOG_MARKER not in inproc_out and NO_LOG_MARKER not in module_out


def test_other_interpreter_runs_the_module(kubeapi, tmp_path):
    """A task whose interpreter is not the controller's environment gets its own Python, as before (its packages
    may differ): here the virtual environment's base interpreter, which the venv's python links to."""
    task = {"helmkit.core.helm_release": {"release_name": "inproc-c", "release_namespace": "inproc-c",
                                          "state": "absent", "kubeconfig": kubeapi.kubeconfig}}
    results, out = _play(tmp_path, [task], {}, interpreter=PYTHON)
    assert "AnsiballZ_helm_release" not in out and results[0]["changed"] is False
    base = os.path.join(sys.base_prefix, "bin", "python3")
    assert sys.base_prefix != sys.prefix and os.path.exists(base), "the tests run in a virtual environment"
    _results, out = _play(tmp_path, [task], {}, interpreter=base)
    assert "AnsiballZ_helm_release" in out


def test_async_jobs_in_process_match_the_module(kubeapi, tmp_path):
    """``async`` with ``poll`` (Ansible polls) and ``poll: 0`` + ``async_status`` (the releases role's way): the job
    is forked from the worker and writes async_wrapper's job file; the results are the AnsiballZ module's."""
    def tasks(name):
        args = {"release_name": name, "release_namespace": name, "chart_ref": PODINFO, "create_namespace": True,
                "kubeconfig": kubeapi.kubeconfig}
        return [
            {"helmkit.core.helm_release": args, "async": 120, "poll": 1},
            {"helmkit.core.helm_release": args, "async": 120, "poll": 0},
            {"ansible.builtin.async_status": {"jid": "{{ r1.ansible_job_id }}"}, "until": "r2.finished",
             "retries": 60, "delay": 1},
            {"helmkit.core.helm_release": dict(args, chart_ref=PODINFO + ".missing"), "async": 120, "poll": 1},
            {"helmkit.core.helm_release": dict(args, state="absent")},
        ]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    inproc, inproc_out = _play(tmp_path / "a", tasks("inproc-async-a"), {"ANSIBLE_ASYNC_DIR": str(tmp_path / "jobs")})
    module, module_out = _play(tmp_path / "b", tasks("inproc-async-b"),
                               {"HELMKIT_IN_PROCESS": "0", "ANSIBLE_ASYNC_DIR": str(tmp_path / "jobs")})
    assert "AnsiballZ_helm_release" not in inproc_out and "AnsiballZ_helm_release" in module_out
    summaries = [_summary(result) for result in inproc]
    assert summaries == [_summary(result) for result in module]
    installed, started, polled, failed, removed = summaries
    assert installed["changed"] is True and installed["revision"] == 1
    assert inproc[1]["started"] and inproc[1]["ansible_job_id"].startswith("j")
    assert polled["changed"] is False and polled["revision"] == 1 and inproc[2]["finished"]
    assert failed["failed"] is True and "not found" in failed["msg"]
    assert removed["changed"] is True


def test_async_job_past_its_time_is_killed(tmp_path):
    """A job still running after ``async`` seconds is killed and its job file says ``Timeout exceeded``, as
    async_wrapper's watcher does: here the API server accepts the connection and never answers."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    config = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
              "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:%d" % port}}],
              "users": [{"name": "u", "user": {}}], "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}
    task = {"helmkit.core.helm_release": {"release_name": "slow", "release_namespace": "slow", "state": "absent",
                                          "kubeconfig": config}, "async": 3, "poll": 0}
    status = {"ansible.builtin.async_status": {"jid": "{{ r0.ansible_job_id }}"}, "until": "r1.finished",
              "retries": 30, "delay": 1}
    try:
        results, out = _play(tmp_path, [task, status], {"ANSIBLE_ASYNC_DIR": str(tmp_path / "jobs")})
    finally:
        silent.close()
    assert "AnsiballZ_helm_release" not in out
    assert results[1]["failed"] is True and results[1]["msg"] == "Timeout exceeded", results[1]
