"""Install/upgrade benchmark (issue 7, item 12): helmkit.core's release actions against Helm v4 (helm_python).

``python benchmarks/install.py [--objects 50] [--repeat 3] [--chart NAME ...] [--no-ansible]``

1. A generated chart with ``--objects`` objects (ServiceAccounts, ConfigMaps, Secrets, Services, Deployments, in
   equal parts) is installed and then upgraded (every ConfigMap changes) by us and by helm_python, in the same run,
   on the same kubeapi emulator (separate namespaces), without wait. Wall-clock seconds per step, best of
   ``--repeat`` rounds, and the ratio ours/helm.
2. The same for real corpus charts given with ``--chart`` (``../shared/charts/<NAME>.tgz``).
3. The idempotent re-run of an ``ansible-playbook`` helm_release task on the generated chart: the task's own time
   from Ansible's junit callback (module start-up, AnsiballZ, chart load, render, release check), target <= 1.5 s.

Not a test: the machine's load shows in the numbers, so compare ratios measured in the same run.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from xml.etree import ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHARTS = os.path.join(ROOT, "..", "shared", "charts")
BIN = os.path.join(ROOT, ".venv", "bin")
RERUN_TARGET = 1.5

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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chart", action="append", default=[])
    parser.add_argument("--no-ansible", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, ".tree"))
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from kubeapi.fixture import KubeAPIServer
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
    with KubeAPIServer(ready_delay=0.05) as api:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
