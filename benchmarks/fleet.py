"""Fleet benchmark (issue 16, item 5): many releases through Ansible, and a large inventory.

``python benchmarks/fleet.py [--releases 50] [--inventory 500] [--namespaces 5] [--objects 4] [--serial]
[--skip-role]``

1. ``--releases`` releases of a generated chart (``--objects`` objects each: ServiceAccount, ConfigMap, Secret,
   Service...) through the ``helmkit.core.releases`` role with ``releases_parallel: true`` and two dependency
   levels (the first fifth of the releases is needed by the rest), across ``--namespaces`` namespaces, on the kubeapi
   emulator: the install, then an unchanged re-run (which must report ``changed=0``). Wall-clock seconds of each
   ``ansible-playbook`` run, the time per unchanged release, and the peak memory (largest resident set of any
   process of the run: ``ansible-playbook`` or a module). Against it, in the same run: Helm v4 (``helm_python``,
   in-process) upgrading its own copies of the same releases (installed first, in namespaces of their own) with the
   same values (Helm has no "unchanged": it always writes a revision), and ``ansible-playbook`` running one ``debug`` task per release (Ansible's own floor).
2. ``--inventory`` release records across the namespaces (written directly as Helm's storage Secrets; the
   inventory reads only records), read by the ``helmkit.core.helm_releases`` inventory plugin
   (``ansible-inventory --list``, minus an ``ansible-inventory`` run on an empty static inventory: Ansible's start-up)
   against Helm's ``list --all-namespaces --all`` of the same releases (``helm_python``, in-process), plus the peak
   memory of the ``ansible-inventory`` process.

Targets (issue 16): 50 unchanged releases re-run in under 30 s on 2 cores. Not a test: the machine's load shows in
the numbers (printed at the start and the end); compare figures measured in the same run. ``PYTHONDONTWRITEBYTECODE``
is removed from the children's environment, as on a user's machine (the module bytecode cache honours it).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, ".venv", "bin")
RERUN_TARGET = 30.0
_LAST_CPU = [0.0]


def _env(work: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
               ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"), ANSIBLE_FORKS="5",
               ANSIBLE_REMOTE_TMP=os.path.join(work, "remote-tmp"), ANSIBLE_ASYNC_DIR=os.path.join(work, "async"))
    return env


def _timed(command, env, cwd) -> tuple:
    """(seconds, peak RSS in MiB of the command's largest process, stdout) of one command; exits on failure. The
    CPU seconds of the command and its reaped children are kept in ``_LAST_CPU`` (robust to the machine's load)."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)  # rusage of the command and its reaped descendants
        elapsed = time.perf_counter() - started
        _LAST_CPU[0] = usage.ru_utime + usage.ru_stime
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        if proc.returncode != 0:
            raise SystemExit("%s failed:\n%s\n%s" % (command[0], stdout[-4000:], err.read()[-2000:]))
    return elapsed, usage.ru_maxrss / 1024.0, stdout


def _releases(count: int, namespaces: int, chart: str) -> list:
    base = max(1, count // 5)
    out = []
    for index in range(count):
        entry = {"name": "fleet-%03d" % index, "namespace": "fleet-%d" % (index % namespaces), "chart": chart,
                 "values": {"round": "1", "index": index}}
        if index >= base:
            entry["needs"] = ["fleet-%03d" % (index % base)]
        out.append(entry)
    return out


def role_runs(api, work: str, chart: str, count: int, namespaces: int, parallel: bool) -> dict:
    """Install, then re-run unchanged, ``count`` releases through the releases role; plus the debug floor."""
    env = _env(work)
    releases = _releases(count, namespaces, chart)
    play = [{"hosts": "localhost", "gather_facts": False, "roles": [{
        "role": "helmkit.core.releases", "releases": releases, "releases_parallel": parallel,
        "releases_kubeconfig": api.kubeconfig, "releases_update_repositories": False}]}]
    debug = [{"hosts": "localhost", "gather_facts": False, "tasks": [{
        "name": "debug", "ansible.builtin.debug": {"msg": "{{ item }}"}, "loop": [r["name"] for r in releases]}]}]
    for name, document in (("fleet.yml", play), ("debug.yml", debug)):
        with open(os.path.join(work, name), "w") as handle:
            json.dump(document, handle)
    command = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local"]
    install, install_peak, _out = _timed(command + ["fleet.yml"], env, work)
    rerun, rerun_peak, out = _timed(command + ["fleet.yml"], env, work)
    if "changed=0" not in out:
        raise SystemExit("the re-run was not idempotent:\n%s" % out[-3000:])
    floor, _peak, _out = _timed(command + ["debug.yml"], env, work)
    return {"install": install, "install_peak": install_peak, "rerun": rerun, "rerun_peak": rerun_peak,
            "debug": floor, "releases": releases}


def helm_upgrades(api, chart: str, releases: list) -> float:
    """Seconds for Helm v4 (helm_python, in-process) to upgrade the same releases with the same values: its own
    copies, installed first (not timed) in namespaces of their own (``helm-<namespace>``)."""
    import helm_python

    configs = {}
    for entry in releases:
        namespace = "helm-" + entry["namespace"]
        if namespace not in configs:
            configs[namespace] = helm_python.Config(kubeconfig_path=api.kubeconfig, namespace=namespace)
        configs[namespace].install(chart, entry["name"], entry["values"], namespace=namespace, create_namespace=True)
    started = time.perf_counter()
    for entry in releases:
        namespace = "helm-" + entry["namespace"]
        configs[namespace].upgrade(chart, entry["name"], entry["values"], namespace=namespace)
    return time.perf_counter() - started


def write_records(api, chart_path: str, count: int, namespaces: int) -> None:
    """``count`` deployed release records (one revision each) across ``namespaces`` namespaces, as Helm stores
    them (release/storage.py), without applying their objects."""
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
    from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_release
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release.record import Release, chart_record
    from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

    chart = load_chart(chart_path)
    with KubeClient(api.kubeconfig) as client:
        for index in range(namespaces):
            name = "inv-%d" % index
            try:
                client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                                   "metadata": {"name": name}})
            except Exception:  # noqa: BLE001 - already there
                pass
        for index in range(count):
            namespace = "inv-%d" % (index % namespaces)
            name = "inv-%04d" % index
            rendered = render_release(chart, {"index": index}, release_name=name, namespace=namespace, revision=1,
                                      is_upgrade=False)
            release = Release.new(name=name, namespace=namespace, version=1, chart=chart_record(rendered.chart),
                                  config={"index": index}, manifest=rendered.manifest, hooks=[],
                                  notes=rendered.notes or "", status="deployed", description="Install complete")
            SecretStorage(client, namespace).create(release)


_PARSE_ONLY = """
import json, sys, time
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader()
wall, cpu = time.perf_counter(), time.process_time()
import ansible_collections.helmkit.core.plugins.module_utils.kube.client
imported = time.process_time() - cpu
wall, cpu = time.perf_counter(), time.process_time()
hosts = len(InventoryManager(loader=DataLoader(), sources=[sys.argv[1]]).hosts)
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "hosts": hosts,
                  "kubernetes_import_cpu": imported}))
"""


def parse_only(config: str, env: dict, work: str) -> dict:
    """The plugin's parse alone, in a Python process with Ansible and the kube client (kube/client.py and the parts
    of the ``kubernetes`` package it imports, kube/k8s_lite.py) already imported: wall and CPU seconds (what
    ``ansible-playbook`` pays for the inventory, without ansible-inventory's output), and the CPU seconds of
    importing the kube client (paid by any run that reads a cluster)."""
    out = subprocess.run([os.path.join(BIN, "python"), "-c", _PARSE_ONLY, config], env=env, cwd=work, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def inventory_runs(api, work: str, count: int, namespaces: int) -> dict:
    """ansible-inventory with the helm_releases plugin over the records, an empty baseline, and Helm's list."""
    import helm_python

    env = _env(work)
    config = os.path.join(work, "fleet.helm_releases.yml")
    with open(config, "w") as handle:
        json.dump({"plugin": "helmkit.core.helm_releases", "connections": [
            {"name": "bench", "kubeconfig": api.kubeconfig,
             "namespaces": ["inv-%d" % i for i in range(namespaces)]}]}, handle)
    with open(os.path.join(work, "empty.ini"), "w") as handle:
        handle.write("localhost\n")
    inventory = os.path.join(BIN, "ansible-inventory")
    plugin, peak, out = _timed([inventory, "-i", config, "--list"], env, work)
    plugin_cpu = _LAST_CPU[0]
    hosts = [h for h in json.loads(out).get("_meta", {}).get("hostvars", {}) if h.startswith("bench/inv-")]
    if len(hosts) != count:
        raise SystemExit("the inventory has %d releases, expected %d" % (len(hosts), count))
    baseline, _peak, _out = _timed([inventory, "-i", "empty.ini", "--list"], env, work)
    baseline_cpu = _LAST_CPU[0]
    started, started_cpu = time.perf_counter(), time.process_time()
    listed = helm_python.Config(kubeconfig_path=api.kubeconfig).list(all_namespaces=True, all_states=True)
    helm, helm_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    found = [r for r in listed if str(r.get("name", "")).startswith("inv-")]
    if len(found) != count:
        raise SystemExit("helm list found %d releases, expected %d" % (len(found), count))
    alone = parse_only(config, env, work)
    if alone["hosts"] != count:
        raise SystemExit("the parse alone found %d releases, expected %d" % (alone["hosts"], count))
    return {"alone": alone, "plugin": plugin, "baseline": baseline, "helm": helm, "peak": peak, "plugin_cpu": plugin_cpu - baseline_cpu,
            "helm_cpu": helm_cpu}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, default=50)
    parser.add_argument("--inventory", type=int, default=500)
    parser.add_argument("--namespaces", type=int, default=5)
    parser.add_argument("--objects", type=int, default=4)
    parser.add_argument("--serial", action="store_true", help="releases_parallel: false")
    parser.add_argument("--skip-role", action="store_true", help="only the inventory part")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, ".tree"))
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    sys.path.insert(0, HERE)
    from install import make_chart
    from kubeapi.fixture import KubeAPIServer

    print("load average at start: %.2f %.2f %.2f on %d CPUs" % (os.getloadavg() + (os.cpu_count() or 0,)))
    work = tempfile.mkdtemp(prefix="helmkit-fleet-")
    chart = make_chart(work, args.objects)
    with KubeAPIServer(ready_delay=0.05) as api:
        if not args.skip_role:
            role = role_runs(api, work, chart, args.releases, args.namespaces, not args.serial)
            per = role["rerun"] / args.releases
            print("releases role, %d releases of %d objects, %s:" % (args.releases, args.objects,
                                                                     "serial" if args.serial else "parallel levels"))
            print("  install %.1f s (peak RSS %.0f MiB); unchanged re-run %.1f s (peak RSS %.0f MiB), %.3f s per "
                  "release; target < %.0f s: %s" % (role["install"], role["install_peak"], role["rerun"],
                                                    role["rerun_peak"], per, RERUN_TARGET,
                                                    "met" if role["rerun"] < RERUN_TARGET else "NOT met"))
            sys.stdout.flush()
            helm = helm_upgrades(api, chart, role["releases"])
            print("  same run: ansible-playbook with one debug task per release %.1f s (%.3f s per item); Helm v4 "
                  "in-process upgrade of the same releases %.1f s (%.3f s per release); re-run / Helm = %.2fx"
                  % (role["debug"], role["debug"] / args.releases, helm, helm / args.releases, role["rerun"] / helm))
            sys.stdout.flush()
        write_records(api, chart, args.inventory, args.namespaces)
        inv = inventory_runs(api, work, args.inventory, args.namespaces)
        plugin = inv["plugin"] - inv["baseline"]
        print("helm_releases inventory, %d releases in %d namespaces: ansible-inventory %.2f s, empty inventory "
              "%.2f s, plugin %.2f s; Helm v4 list (in-process) %.2f s; plugin / Helm = %.2fx; peak RSS %.0f MiB"
              % (args.inventory, args.namespaces, inv["plugin"], inv["baseline"], plugin, inv["helm"],
                 plugin / inv["helm"], inv["peak"]))
        print("  CPU seconds: plugin (ansible-inventory minus the empty inventory) %.2f s; Helm v4 list %.2f s"
              % (inv["plugin_cpu"], inv["helm_cpu"]))
        print("  the plugin's parse alone (Ansible and the kube client imported): %.2f s, %.2f s CPU; importing the "
              "kube client %.2f s CPU" % (inv["alone"]["wall"], inv["alone"]["cpu"], inv["alone"]["kubernetes_import_cpu"]))
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
