"""Running tasks through ansible-playbook on localhost, for the integration tests: the collection from the checkout's
``.tree`` (``make tree``), the interpreter running the tests (the shared ``.venv``'s, or ``make floor``'s), results
read back as JSON.

* :func:`run_play`: task dicts as written in a playbook; returns ``(results, output)``.
* :func:`run_module_tasks`: ``(module, args)`` pairs of helmkit.core modules, with ``_diff``/``_check_mode`` in
  ``args``; returns the results.
"""
import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
# The interpreter running the tests and its ansible-playbook: the shared .venv's under `make pytest`, the oldest
# supported releases' under `make floor`.
PYTHON = os.path.join(os.path.dirname(sys.executable), "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
# a kubeconfig naming no reachable cluster, for modules that need one only to start
KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]
current-context: c
users: [{name: u, user: {token: unused}}]
"""


def run_play(tmp_path, tasks, env_extra=None, timeout=300, diff=False, module_defaults=None):
    """Run ``tasks`` (each registered as r<N>, errors ignored) in one play on localhost and return (results, output).

    ``env_extra`` adds environment variables, ``timeout`` bounds the playbook (seconds), ``diff`` runs it with
    ``--diff``, ``module_defaults`` is the play's. The one playbook runner of the integration tests."""
    play_tasks = []
    for index, task in enumerate(tasks):
        task = dict(task)
        task.setdefault("name", "task %d" % index)
        task.update({"register": "r%d" % index, "ignore_errors": True})
        play_tasks.append(task)
    out = tmp_path / "results.json"
    play_tasks.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(tasks))), "dest": str(out)}, "check_mode": False})
    playbook = tmp_path / "play.yml"
    play = {"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}
    if module_defaults:
        play["module_defaults"] = module_defaults
    playbook.write_text(yaml.safe_dump([play]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    env.update(env_extra or {})
    cmd = [PLAYBOOK, "-i", "localhost,", "-c", "local", "-v", str(playbook)] + (["--diff"] if diff else [])
    proc = subprocess.run(cmd, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert out.exists(), "playbook did not finish:\n%s\n%s" % (proc.stdout[-4000:], proc.stderr[-4000:])
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def run_module_tasks(tmp_path, tasks):
    """Run ``tasks`` (list of (module, args) pairs; ``_diff``/``_check_mode`` keys in args) in one play, each
    ``ignore_errors``; returns their results (:func:`run_play`)."""
    play_tasks = []
    for module, args in tasks:
        args = dict(args)
        play_tasks.append({"helmkit.core.%s" % module: args, "diff": args.pop("_diff", False),
                           "check_mode": args.pop("_check_mode", False)})
    return run_play(tmp_path, play_tasks, timeout=600)[0]
