"""Install/upgrade benchmark (issue 7, item 12): helmkit.core's release actions against Helm v4 (helm_python).

``python benchmarks/install.py [--objects 50] [--repeat 3] [--chart NAME ...] [--no-ansible] [--latency MS]``
``python benchmarks/install.py --task [--chart NAME ...] [--repeat 2] [--latency MS]``
``python benchmarks/install.py --play-tasks 5 [--before COLLECTIONS_PATH] [--chart NAME ...] [--repeat 2] [--latency MS]``

1. A generated chart with ``--objects`` objects (ServiceAccounts, ConfigMaps, Secrets, Services, Deployments, in
   equal parts) is installed and then upgraded (every ConfigMap changes) by us and by helm_python, in the same run,
   on the same kubeapi emulator (separate namespaces), without wait. Wall-clock seconds per step, best of
   ``--repeat`` rounds, and the ratio ours/helm.
2. The same for real corpus charts given with ``--chart`` (``../shared/charts/<NAME>.tgz``).
3. The idempotent re-run of an ``ansible-playbook`` helm_release task on the generated chart: the task's own time
   from Ansible's junit callback (module start-up, AnsiballZ, chart load, render, release check), target <= 1.5 s.

With ``--task`` (issue 16's install target), only this instead: for each ``--chart`` (default podinfo, ingress-nginx
and kube-prometheus-stack), an install and then an upgrade (changed values) through an ``ansible-playbook``
helm_release task with ``wait: true``, against Helm v4 in-process (helm_python, ``wait="watcher"``, Helm v4's
``--wait``) doing the same install and upgrade, in the same run, in separate namespaces under separate release
names (cluster-scoped objects are named after the release). Printed per step: the task's time (Ansible's junit
callback), the whole ``ansible-playbook`` run, Helm's time, ratios task/Helm (best and median of ``--repeat``), and
CPU seconds (the playbook's above a ``debug`` play's, against Helm's own process time). Which side goes first
alternates by round, so that each pays once for creating a chart's CRDs.

With ``--play-tasks N``, only this instead: for each ``--chart`` (default podinfo), a play of one ``helm_release``
task (install, then upgrade, each its own ``ansible-playbook`` run) and a play of N tasks (an install and N-1
upgrades, one ``ansible-playbook`` run), with wait, against Helm v4 in-process doing the same N steps: task times, the
play's wall and CPU seconds (above a ``debug`` play's). ``--before PATH`` runs the same plays also with the
collection found under ``PATH`` (an ``ANSIBLE_COLLECTIONS_PATH``, e.g. an older commit exported with ``git archive``
into ``PATH/ansible_collections/helmkit/core``), alternating which goes first, for before/after figures of one run.

``--latency MS`` makes the emulator wait that long before serving each request (see tests/kubeapi/README.md).
When ``HELMKIT_TEST_KUBECONFIG`` is set, everything runs against that cluster instead of the emulator, and what the
run created there is removed at the end, also when it fails.

Not a test: the machine's load shows in the numbers, so compare ratios measured in the same run.
"""
from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from xml.etree import ElementTree

from rerun import run_measured  # the one timed run of a command (this directory is on sys.path: a script's)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHARTS = os.path.join(ROOT, "..", "shared", "charts")
BIN = os.path.join(ROOT, ".venv", "bin")
RERUN_TARGET = 1.5
TASK_CHARTS = ["podinfo-6.14.1", "ingress-nginx-4.15.1", "kube-prometheus-stack-88.5.3"]
#: short names for releases and namespaces; Helm's fullname helpers cut names at 63 (some at 26) characters
_SHORT = {"podinfo": "podinfo", "ingress-nginx": "ingress", "kube-prometheus-stack": "kps"}
WAIT_TIMEOUT = 600

_TEMPLATES = {
    "serviceaccount": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}-sa-%(i)d\n",
    "configmap": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm-%(i)d\n"
                  "data:\n  revision: {{ .Values.round | quote }}\n  index: \"%(i)d\"\n"),
    "secret": ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-secret-%(i)d\n"
               "stringData:\n  token: {{ printf \"token-%(i)d\" | quote }}\n"),
    "service": ("apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc-%(i)d\nspec:\n"
                "  selector:\n    app: app-%(i)d\n  ports:\n  - port: 80\n    targetPort: 8080\n"),
    "deployment": ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-app-%(i)d\n"
                   "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-%(i)d\n  template:\n"
                   "    metadata:\n      labels:\n        app: app-%(i)d\n    spec:\n"
                   "      serviceAccountName: {{ .Release.Name }}-sa-%(i)d\n      containers:\n"
                   "      - name: app\n        image: nginx:1.27\n        ports:\n        - containerPort: 8080\n"),
}


def make_chart(directory: str, objects: int) -> str:
    """Write a chart with ``objects`` objects under ``directory``; returns its path."""
    root = os.path.join(directory, "bench")
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as handle:
        handle.write("apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: \"1.0\"\n")
    with open(os.path.join(root, "values.yaml"), "w") as handle:
        handle.write("round: \"1\"\n")
    kinds = list(_TEMPLATES)
    for index in range(objects):
        kind = kinds[index % len(kinds)]
        with open(os.path.join(root, "templates", "%s-%d.yaml" % (kind, index)), "w") as handle:
            handle.write(_TEMPLATES[kind] % {"i": index})
    return root


def _ours(kubeconfig, path, name, namespace):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs

    times = []
    for values in ({}, {"round": "2"}, {"round": "2"}):
        started = time.perf_counter()
        with KubeClient(kubeconfig) as client:
            chart = inputs.resolve_chart(path)
            options = actions.ReleaseOptions(name, namespace, create_namespace=True)
            actions.ensure_present(client, options, chart, values,
                                   inputs.cluster_renderer(client, name, namespace))
        times.append(time.perf_counter() - started)
    return times


def _helm(kubeconfig, path, name, namespace):
    import helm_python

    config = helm_python.Config(kubeconfig_path=kubeconfig, namespace=namespace)
    started = time.perf_counter()
    config.install(path, name, {}, namespace=namespace, create_namespace=True)
    install = time.perf_counter() - started
    started = time.perf_counter()
    config.upgrade(path, name, {"round": "2"}, namespace=namespace)
    return [install, time.perf_counter() - started]


def compare(api, path: str, label: str, repeat: int) -> dict:
    """Best-of-``repeat`` install/upgrade times for us and Helm on ``api`` (one namespace per round and tool)."""
    ours, helm = [], []
    base = label.rsplit("-", 1)[0][:16] if label != "generated" else "bench"
    for round_ in range(repeat):
        ours.append(_ours(api.kubeconfig, path, base, "ours-%s-%d" % (base, round_)))
        helm.append(_helm(api.kubeconfig, path, base, "helm-%s-%d" % (base, round_)))
    best = {"ours_install": min(t[0] for t in ours), "ours_upgrade": min(t[1] for t in ours),
            "ours_noop": min(t[2] for t in ours), "helm_install": min(t[0] for t in helm),
            "helm_upgrade": min(t[1] for t in helm)}
    best["install_ratio"] = best["ours_install"] / best["helm_install"]
    best["upgrade_ratio"] = best["ours_upgrade"] / best["helm_upgrade"]
    return best


def ansible_rerun(api, path: str, repeat: int) -> list:
    """``[(release task seconds, ping task seconds)]`` for ``repeat`` unchanged re-runs of a helm_release task
    (junit callback's task times); the ping task in the same play shows Ansible's own per-task floor."""
    work = tempfile.mkdtemp(prefix="helmkit-bench-ansible-")
    task = {"helmkit.core.helm_release": {"name": "rerun", "namespace": "ansible-rerun", "create_namespace": True,
                                          "chart_ref": path, "kubeconfig": api.kubeconfig}}
    with open(os.path.join(work, "play.yml"), "w") as handle:
        json.dump([{"hosts": "localhost", "gather_facts": False,
                    "tasks": [{"name": "baseline ping", "ansible.builtin.ping": {}}, dict(task, name="release")]}],
                  handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
               ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit", JUNIT_OUTPUT_DIR=os.path.join(work, "junit"),
               JUNIT_TASK_CLASS="yes")
    command = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
               os.path.join(work, "play.yml")]
    times = []
    for attempt in range(repeat + 1):
        for old in glob.glob(os.path.join(work, "junit", "*.xml")):
            os.remove(old)
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if proc.returncode != 0:
            raise SystemExit("ansible-playbook failed:\n%s" % proc.stdout[-3000:])
        if attempt == 0:
            continue  # the install
        if "changed=0" not in proc.stdout:
            raise SystemExit("the re-run was not idempotent:\n%s" % proc.stdout[-3000:])
        report = glob.glob(os.path.join(work, "junit", "*.xml"))[0]
        cases = {c.get("name", ""): float(c.get("time")) for c in ElementTree.parse(report).iter("testcase")}
        release = [t for name, t in cases.items() if "release" in name][0]
        ping = [t for name, t in cases.items() if "ping" in name][0]
        times.append((release, ping))
    return times


def task_values(chart: str, release: str, upgrade: bool, mark: str = "2") -> dict:
    """The values of ``chart``'s install (``upgrade`` False) or upgrade for release ``release``: the upgrade changes
    the pod template of one workload (to ``mark``), so that it rolls out and the wait has something to wait for."""
    base = chart.rsplit("-", 1)[0]
    annotations = {"podAnnotations": {"bench": mark}} if upgrade else {}
    if base == "ingress-nginx":  # the IngressClass is cluster-scoped and named "nginx" by default
        return {"controller": dict(annotations, ingressClassResource={"name": release})}
    if base == "kube-prometheus-stack":
        return {"prometheusOperator": annotations} if upgrade else {}
    if base == "podinfo":
        return {"ui": {"message": "round " + mark}} if upgrade else {}
    return {"bench": mark} if upgrade else {}


class TaskRunner:
    """``ansible-playbook`` runs of one task in ``work`` (a directory), timed: the task (junit callback), the whole
    run, and the run's CPU seconds."""

    def __init__(self, work: str):
        self.work = work
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
                        ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
                        ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.junit", JUNIT_TASK_CLASS="yes",
                        JUNIT_OUTPUT_DIR=os.path.join(work, "junit"))

    def run(self, task: dict) -> dict:
        """Run ``task`` (a dict as in a playbook) alone in a play: ``{"task", "wall", "cpu"}`` seconds and
        ``changed`` (bool)."""
        for old in glob.glob(os.path.join(self.work, "junit", "*.xml")):
            os.remove(old)
        play = os.path.join(self.work, "play.yml")
        with open(play, "w") as handle:
            json.dump([{"hosts": "localhost", "gather_facts": False, "tasks": [dict(task, name="timed")]}], handle)
        wall, cpu, out = run_measured([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", play],
                                      self.env, self.work)
        report = glob.glob(os.path.join(self.work, "junit", "*.xml"))[0]
        seconds = [float(c.get("time")) for c in ElementTree.parse(report).iter("testcase") if "timed" in c.get("name")]
        return {"task": seconds[0], "wall": wall, "cpu": cpu, "changed": "changed=1" in out}


def _task_side(runner, kubeconfig, path, chart, release, namespace) -> list:
    """Our install and upgrade of ``chart`` through a helm_release task with wait: two TaskRunner.run results."""
    steps = []
    for upgrade in (False, True):
        args = {"name": release, "namespace": namespace, "create_namespace": True, "chart_ref": path,
                "kubeconfig": kubeconfig, "wait": True, "timeout": WAIT_TIMEOUT,
                "values": task_values(chart, release, upgrade)}
        result = runner.run({"helmkit.core.helm_release": args})
        if not result["changed"]:
            raise SystemExit("the %s of %s through the task reported no change" % (
                "upgrade" if upgrade else "install", chart))
        steps.append(result)
    return steps


def _helm_side(kubeconfig, path, chart, release, namespace) -> list:
    """Helm v4's install and upgrade of ``chart`` in-process with ``wait="watcher"``: ``[{"wall", "cpu"}] * 2``."""
    import helm_python

    config = helm_python.Config(kubeconfig_path=kubeconfig, namespace=namespace)
    steps = []
    for upgrade in (False, True):
        values = task_values(chart, release, upgrade)
        started, cpu = time.perf_counter(), time.process_time()
        if upgrade:
            config.upgrade(path, release, values, namespace=namespace, wait="watcher", timeout=WAIT_TIMEOUT)
        else:
            config.install(path, release, values, namespace=namespace, create_namespace=True, wait="watcher",
                           timeout=WAIT_TIMEOUT)
        steps.append({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu})
    return steps


def compare_task(api, chart: str, repeat: int) -> dict:
    """``{"install"|"upgrade": {figure: [one per round]}}`` for ``chart`` through a task and through Helm; figures
    ``task``, ``wall``, ``cpu`` (the playbook's above a ``debug`` play's), ``helm``, ``helm_cpu``."""
    path = os.path.abspath(os.path.join(CHARTS, chart + ".tgz"))
    short = _SHORT.get(chart.rsplit("-", 1)[0], chart.rsplit("-", 1)[0][:12])
    work = tempfile.mkdtemp(prefix="helmkit-bench-task-")
    runner = TaskRunner(work)
    figures = {step: {k: [] for k in ("task", "wall", "cpu", "helm", "helm_cpu")} for step in ("install", "upgrade")}
    try:
        for round_ in range(repeat):
            debug = runner.run({"ansible.builtin.debug": {"msg": "x"}})
            sides = {}
            order = ("ours", "helm") if round_ % 2 == 0 else ("helm", "ours")
            for side in order:
                release = "%s%d-%s" % (side[0], round_, short)
                namespace = "ibench-" + release
                if side == "ours":
                    sides[side] = _task_side(runner, api.kubeconfig, path, chart, release, namespace)
                else:
                    sides[side] = _helm_side(api.kubeconfig, path, chart, release, namespace)
            for index, step in enumerate(("install", "upgrade")):
                ours, helm = sides["ours"][index], sides["helm"][index]
                row = figures[step]
                row["task"].append(ours["task"])
                row["wall"].append(ours["wall"])
                row["cpu"].append(ours["cpu"] - debug["cpu"])
                row["helm"].append(helm["wall"])
                row["helm_cpu"].append(helm["cpu"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def _play(runner, tasks: list) -> dict:
    """One ``ansible-playbook`` run of ``tasks`` (each named ``timedN``): ``{"tasks": [seconds], "wall", "cpu"}``."""
    for old in glob.glob(os.path.join(runner.work, "junit", "*.xml")):
        os.remove(old)
    play = os.path.join(runner.work, "play.yml")
    with open(play, "w") as handle:
        json.dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], handle)
    wall, cpu, _out = run_measured([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", play],
                                   runner.env, runner.work)
    report = glob.glob(os.path.join(runner.work, "junit", "*.xml"))[0]
    seconds = [float(c.get("time")) for c in ElementTree.parse(report).iter("testcase") if "timed" in c.get("name")]
    return {"tasks": seconds, "wall": wall, "cpu": cpu}


def compare_plays(api, chart: str, count: int, repeat: int, trees: dict) -> dict:
    """``{side: {figure: [one per round]}}`` for the plays of ``--play-tasks`` (see the module docstring); sides
    are the keys of ``trees`` (name -> ANSIBLE_COLLECTIONS_PATH) and ``helm``."""
    path = os.path.abspath(os.path.join(CHARTS, chart + ".tgz"))
    short = _SHORT.get(chart.rsplit("-", 1)[0], chart.rsplit("-", 1)[0][:12])
    sides = list(trees) + ["helm"]
    figures = {side: {k: [] for k in ("install", "upgrade", "one_wall", "one_cpu", "n_wall", "n_cpu", "n_tasks")}
               for side in sides}
    for round_ in range(repeat):
        for side in (sides if round_ % 2 == 0 else list(reversed(sides))):
            release = "%s%d-%s" % (side[0], round_, short)
            row = figures[side]
            if side == "helm":
                steps = [dict(zip(("install", "upgrade"), _helm_side(api.kubeconfig, path, chart, release, release)))]
                import helm_python

                config = helm_python.Config(kubeconfig_path=api.kubeconfig, namespace=release + "n")
                started, cpu = time.perf_counter(), time.process_time()
                for index in range(count):
                    values = task_values(chart, release + "n", index > 0, str(index + 1))
                    if index:
                        config.upgrade(path, release + "n", values, namespace=release + "n", wait="watcher",
                                       timeout=WAIT_TIMEOUT)
                    else:
                        config.install(path, release + "n", values, namespace=release + "n", create_namespace=True,
                                       wait="watcher", timeout=WAIT_TIMEOUT)
                row["install"].append(steps[0]["install"]["wall"])
                row["upgrade"].append(steps[0]["upgrade"]["wall"])
                row["one_wall"].append((steps[0]["install"]["wall"] + steps[0]["upgrade"]["wall"]) / 2)
                row["one_cpu"].append((steps[0]["install"]["cpu"] + steps[0]["upgrade"]["cpu"]) / 2)
                row["n_wall"].append(time.perf_counter() - started)
                row["n_cpu"].append(time.process_time() - cpu)
                row["n_tasks"].append(row["n_wall"][-1])
                continue
            runner = TaskRunner(tempfile.mkdtemp(prefix="helmkit-bench-play-"))
            runner.env["ANSIBLE_COLLECTIONS_PATH"] = trees[side]
            try:
                debug = _play(runner, [{"name": "timed", "ansible.builtin.debug": {"msg": "x"}}])

                def task(name, index, upgrade):
                    values = task_values(chart, name, upgrade, str(index + 1))
                    return {"name": "timed%d" % index, "helmkit.core.helm_release": {
                        "name": name, "namespace": name, "create_namespace": True, "chart_ref": path,
                        "kubeconfig": api.kubeconfig, "wait": True, "timeout": WAIT_TIMEOUT, "values": values}}

                one = [_play(runner, [task(release, index, index > 0)]) for index in range(2)]
                many = _play(runner, [task(release + "n", index, index > 0) for index in range(count)])
            finally:
                shutil.rmtree(runner.work, ignore_errors=True)
            row["install"].append(one[0]["tasks"][0])
            row["upgrade"].append(one[1]["tasks"][0])
            row["one_wall"].append((one[0]["wall"] + one[1]["wall"]) / 2)
            row["one_cpu"].append((one[0]["cpu"] + one[1]["cpu"]) / 2 - debug["cpu"])
            row["n_wall"].append(many["wall"])
            row["n_cpu"].append(many["cpu"] - debug["cpu"])
            row["n_tasks"].append(sum(many["tasks"]))
    return figures


def print_plays(chart: str, count: int, figures: dict):
    """One line per side: medians of the rounds."""
    for side, row in figures.items():
        median = {k: statistics.median(v) for k, v in row.items()}
        print("%-22s %-7s %8.2f %8.2f %9.2f %8.2f %9.2f %8.2f %9.2f" % (
            chart, side, median["install"], median["upgrade"], median["one_wall"], median["one_cpu"],
            median["n_wall"], median["n_cpu"], median["n_tasks"]))


def print_task(chart: str, figures: dict):
    """One line per step: best and median of each figure, and the ratios task/Helm."""
    for step, row in figures.items():
        best = {k: min(v) for k, v in row.items()}
        median = {k: statistics.median(v) for k, v in row.items()}
        print("%-30s %-8s %7.2f %7.2f %7.2f %6.2fx %6.2fx %7.2f %7.2f %7.2f %7.2f" % (
            chart, step, best["task"], best["wall"], best["helm"], best["task"] / best["helm"],
            median["task"] / median["helm"], median["task"], median["helm"], best["cpu"], best["helm_cpu"]))


@contextlib.contextmanager
def cluster(latency_ms: float):
    """The cluster to measure on: the one of ``HELMKIT_TEST_KUBECONFIG`` (what the run creates there is removed
    when it ends, whether it failed or not), else a kubeapi emulator that waits ``latency_ms`` per request."""
    from kubeapi.fixture import ExternalCluster, KubeAPIServer, clean_up, snapshot

    external = os.environ.get("HELMKIT_TEST_KUBECONFIG")
    if not external:
        with KubeAPIServer(ready_delay=0.05, latency=latency_ms / 1000.0) as api:
            yield api
        return
    if latency_ms:
        print("--latency is ignored on a real cluster (HELMKIT_TEST_KUBECONFIG): its latency is its own")
    before = snapshot(external)
    try:
        yield ExternalCluster(external)
    finally:
        problems = clean_up(external, before)
        if problems:
            print("cleaning the cluster up left problems:\n  " + "\n  ".join(problems))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chart", action="append", default=[])
    parser.add_argument("--no-ansible", action="store_true")
    parser.add_argument("--task", action="store_true",
                        help="install and upgrade through a helm_release task with wait, against Helm with wait")
    parser.add_argument("--play-tasks", type=int, default=0, metavar="N",
                        help="a play of one helm_release task against a play of N, with wait (see above)")
    parser.add_argument("--before", metavar="COLLECTIONS_PATH",
                        help="with --play-tasks: also run the plays with the collection found under this path")
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS",
                        help="milliseconds the emulator waits before serving each request (default 0)")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, ".tree"))
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    print("load average at start: %.2f %.2f %.2f on %d CPUs; %s" % (os.getloadavg() + (os.cpu_count() or 0,) + (
        "cluster of HELMKIT_TEST_KUBECONFIG" if os.environ.get("HELMKIT_TEST_KUBECONFIG")
        else "emulator, latency %g ms per request" % args.latency,)))
    with cluster(args.latency) as api:
        if args.play_tasks:
            main_plays(api, args.chart or TASK_CHARTS[:1], args.play_tasks, args.repeat, args.before)
        elif args.task:
            main_task(api, args.chart or TASK_CHARTS, args.repeat)
        else:
            main_in_process(api, args)
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    return 0


def main_task(api, charts: list, repeat: int):
    """The ``--task`` mode: install and upgrade through a task against Helm, both with wait."""
    print("seconds; task = the helm_release task (junit), play = the whole ansible-playbook run; ratio = task/helm; "
          "CPU = ansible-playbook's above a debug play's, and Helm's process time; best/median of %d" % repeat)
    print("%-30s %-8s %7s %7s %7s %7s %7s %7s %7s %7s %7s" % (
        "chart", "step", "task", "play", "helm", "best", "median", "task~", "helm~", "CPU", "helmCPU"))
    for chart in charts:
        print_task(chart, compare_task(api, chart, repeat))
        sys.stdout.flush()


def main_plays(api, charts: list, count: int, repeat: int, before=None):
    """The ``--play-tasks`` mode: plays of one and of ``count`` helm_release tasks, against Helm."""
    trees = {"after": os.path.join(ROOT, ".tree")} if before else {"ours": os.path.join(ROOT, ".tree")}
    if before:
        trees = {"before": os.path.abspath(before), "after": trees["after"]}
    print("seconds, medians of %d rounds; 1 task: its time (junit) for an install and an upgrade, the play's wall "
          "and CPU (above a debug play's; mean of the two plays); %d tasks (an install and %d upgrades): the play's "
          "wall, CPU above debug, and the tasks' sum. helm: the same steps in-process (wall; CPU its own)"
          % (repeat, count, count - 1))
    print("%-22s %-7s %8s %8s %9s %8s %9s %8s %9s" % ("chart", "side", "install", "upgrade", "1 wall", "1 CPU",
                                                      "%d wall" % count, "%d CPU" % count, "%d tasks" % count))
    for chart in charts:
        print_plays(chart, count, compare_plays(api, chart, count, repeat, trees))
        sys.stdout.flush()


def main_in_process(api, args):
    """The modes before ``--task``: release actions in-process against Helm without wait, and the re-run."""
    # Import everything once so that first-import time does not count against the first round.
    import ansible_collections.helmkit.core.plugins.module_utils.chart.render  # noqa: F401
    import ansible_collections.helmkit.core.plugins.module_utils.engine.helm  # noqa: F401
    import ansible_collections.helmkit.core.plugins.module_utils.release.actions  # noqa: F401

    work = tempfile.mkdtemp(prefix="helmkit-bench-")
    generated = make_chart(work, args.objects)
    rows = [("generated", generated)] + [(name, os.path.abspath(os.path.join(CHARTS, name + ".tgz")))
                                         for name in args.chart]
    print("%-28s %9s %9s %7s %9s %9s %7s %9s" % ("chart", "ours ins", "helm ins", "ratio", "ours upg", "helm upg",
                                                 "ratio", "ours noop"))
    for label, path in rows:
        best = compare(api, path, label, args.repeat)
        print("%-28s %9.3f %9.3f %7.2f %9.3f %9.3f %7.2f %9.3f" % (
            label if label != "generated" else "generated (%d objects)" % args.objects,
            best["ours_install"], best["helm_install"], best["install_ratio"], best["ours_upgrade"],
            best["helm_upgrade"], best["upgrade_ratio"], best["ours_noop"]))
    if not args.no_ansible:
        times = ansible_rerun(api, generated, args.repeat)
        best, ping = min(times)
        print("ansible-playbook helm_release idempotent re-run (task time, best of %d): %.3f s (target <= %.1f s: "
              "%s); ansible.builtin.ping in the same play: %.3f s" % (
                  len(times), best, RERUN_TARGET, "met" if best <= RERUN_TARGET else "NOT met", ping))


if __name__ == "__main__":
    sys.exit(main())
