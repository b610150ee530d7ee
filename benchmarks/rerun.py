"""Unchanged helm_release task cost (issue 16, item 1 and its targets).

``python benchmarks/rerun.py [--chart podinfo-6.14.1 ...] [--repeat 3]``

For each corpus chart (default podinfo and kube-prometheus-stack), on the kubeapi emulator:

1. ``ansible-playbook`` with one ``helm_release`` task, re-run unchanged, against a play with one ``debug`` task,
   alternating (best and median of ``--repeat``); target: at most 0.5 s above ``debug`` for podinfo, 1.0 s for
   kube-prometheus-stack. The task runs in the action plugin's process (``plugin_utils/inprocess.py``, the
   default for a local connection), and again as an AnsiballZ module (``HELMKIT_IN_PROCESS=0``: what a managed
   host pays, or a controller whose interpreter differs).
2. The module alone (its AnsiballZ file kept with ``ANSIBLE_KEEP_REMOTE_FILES``), CPU and wall seconds, best of
   ``--repeat``, in three set-ups: the bytecode cache on (warm: what every run after the first pays), off
   (``HELMKIT_BYTECODE_CACHE=0``: Python's zipimport compiles every file, as before), and the payload exploded
   to a directory with ``__pycache__`` (``AnsiballZ execute``: every module, Ansible's included, from bytecode --
   the best a controller-side run in the action plugin could reach for the module's own code).
3. Helm v4 (``helm_python``) in-process upgrading the same release with the same values, for scale (Helm always
   writes a revision).

``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment, as on a user's machine. Not a test: the
machine's load (printed) shows in the numbers.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, ".venv", "bin")
CHARTS = os.path.join(ROOT, "..", "shared", "charts")
TARGETS = {"podinfo": 0.5, "kube-prometheus-stack": 1.0}


def _env(work: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
               ANSIBLE_REMOTE_TMP=os.path.join(work, "remote-tmp"))
    env.update(extra)
    return env


def run_measured(command, env, cwd) -> tuple:
    """(wall seconds, CPU seconds of ``command`` and its children, its output with stderr); exits on failure. Also
    used by install.py."""
    with tempfile.TemporaryFile(mode="w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("%s failed:\n%s" % (" ".join(command[:2]), text[-4000:]))
    return wall, usage.ru_utime + usage.ru_stime, text


def _play(work: str, name: str, tasks: list) -> str:
    path = os.path.join(work, name + ".yml")
    with open(path, "w") as handle:
        json.dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], handle)
    return path


def measure(api, chart: str, repeat: int) -> dict:
    work = tempfile.mkdtemp(prefix="helmkit-rerun-")
    name = chart.split("-")[0][:20]
    namespace = "rerun-" + name
    path = os.path.abspath(os.path.join(CHARTS, chart + ".tgz"))
    task = {"helmkit.core.helm_release": {"name": name, "namespace": namespace, "create_namespace": True,
                                          "chart_ref": path, "kubeconfig": api.kubeconfig}}
    release = _play(work, "release", [task])
    debug = _play(work, "debug", [{"ansible.builtin.debug": {"msg": "x"}}])
    playbook = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local"]
    env = _env(work)
    for _attempt in range(2):  # install; a second run settles charts whose output depends on CRDs they install
        run_measured(playbook + [release], env, work)
    remote_env = _env(work, HELMKIT_IN_PROCESS="0")
    deltas, tasks, debugs, remote = [], [], [], []
    cpu = {"debug": [], "task": [], "remote": []}
    for _round in range(repeat):
        base, base_cpu, _out = run_measured(playbook + [debug], env, work)
        cpu["debug"].append(base_cpu)
        for runs, task_env, label in ((tasks, env, "task"), (remote, remote_env, "remote")):
            wall, used, out = run_measured(playbook + [release], task_env, work)
            if "changed=0" not in out:
                raise SystemExit("the re-run of %s was not idempotent:\n%s" % (chart, out[-3000:]))
            runs.append(wall)
            cpu[label].append(used)
        debugs.append(base)
        deltas.append(tasks[-1] - base)
    result = {"debug": min(debugs), "task": min(tasks), "delta_best": min(tasks) - min(debugs),
              "delta_median": statistics.median(deltas), "remote_delta": min(remote) - min(debugs),
              "cpu_delta": min(cpu["task"]) - min(cpu["debug"]), "cpu_remote_delta": min(cpu["remote"]) - min(cpu["debug"])}
    result.update(module_alone(work, playbook, release, repeat))
    result["helm"] = helm_upgrade(api, path, name, namespace)
    shutil.rmtree(work, ignore_errors=True)
    return result


def module_alone(work: str, playbook: list, release: str, repeat: int) -> dict:
    """CPU and wall seconds of the kept AnsiballZ module: cache on (warm), off, and exploded (bytecode)."""
    run_measured(playbook + [release], _env(work, ANSIBLE_KEEP_REMOTE_FILES="1", HELMKIT_IN_PROCESS="0"), work)
    kept = glob.glob(os.path.join(work, "remote-tmp", "*", "AnsiballZ_helm_release.py"))[0]
    module = os.path.join(work, "module")
    os.makedirs(module)
    shutil.copy(kept, module)
    script = os.path.join(module, "AnsiballZ_helm_release.py")
    python = os.path.join(BIN, "python")
    env = _env(work)
    run_measured([python, script, "explode"], env, module)
    figures = {}
    for label, command, extra in (("cached", [python, script], {}),
                                  ("compiled", [python, script], {"HELMKIT_BYTECODE_CACHE": "0"}),
                                  ("exploded", [python, script, "execute"], {})):
        run_measured(command, _env(work, **extra), module)  # warm the caches
        runs = [run_measured(command, _env(work, **extra), module)[:2] for _round in range(repeat)]
        figures[label] = (min(r[0] for r in runs), min(r[1] for r in runs))
    return figures


def helm_upgrade(api, path: str, name: str, namespace: str) -> float:
    import helm_python

    config = helm_python.Config(kubeconfig_path=api.kubeconfig, namespace=namespace)
    started = time.perf_counter()
    config.upgrade(path, name, {}, namespace=namespace)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chart", action="append", default=[])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from kubeapi.fixture import KubeAPIServer

    charts = args.chart or ["podinfo-6.14.1", "kube-prometheus-stack-88.5.3"]
    print("load average at start: %.2f %.2f %.2f on %d CPUs" % (os.getloadavg() + (os.cpu_count() or 0,)))
    with KubeAPIServer(ready_delay=0.05) as api:
        for chart in charts:
            res = measure(api, chart, args.repeat)
            target = TARGETS.get(chart.rsplit("-", 1)[0])
            print("%s: unchanged task %.2f s, debug task %.2f s: +%.2f s best, +%.2f s median%s" % (
                chart, res["task"], res["debug"], res["delta_best"], res["delta_median"],
                "" if target is None else " (target <= +%.1f s: %s)" % (
                    target, "met" if res["delta_best"] <= target else "NOT met")))
            print("  the same task run as an AnsiballZ module (HELMKIT_IN_PROCESS=0): +%.2f s best" % res["remote_delta"])
            print("  CPU seconds of ansible-playbook and its children above the debug play (best of each): in-process "
                  "+%.2f s, AnsiballZ module +%.2f s" % (res["cpu_delta"], res["cpu_remote_delta"]))
            print("  module alone, wall/CPU s: bytecode cache %.2f/%.2f, compiled from the zip %.2f/%.2f, exploded "
                  "with __pycache__ %.2f/%.2f; Helm v4 in-process upgrade (always writes) %.2f s" % (
                      res["cached"][0], res["cached"][1], res["compiled"][0], res["compiled"][1],
                      res["exploded"][0], res["exploded"][1], res["helm"]))
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
