"""`make demo`: install the collection, serve the example chart, start a Kubernetes API, run playbooks/demo.yml.

When ``KUBECONFIG`` names a reachable cluster, the demo uses it; otherwise it starts the test Kubernetes API
emulator (tests/kubeapi, a test tool) on 127.0.0.1. The chart repository is a real HTTP server on 127.0.0.1
serving the example chart packaged from examples/charts/hello-web.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "tests")
WORK = os.path.join(ROOT, ".demo")
BIN = os.path.dirname(sys.executable)
sys.path[:0] = [ROOT, TESTS]

from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from kubeapi.fixture import KubeAPIServer  # noqa: E402


def package_chart(chart_dir: str, dest_dir: str) -> str:
    """Package a chart directory as ``<name>-<version>.tgz`` with the chart under its name, as `helm package` does."""
    import yaml

    with open(os.path.join(chart_dir, "Chart.yaml")) as fh:
        meta = yaml.safe_load(fh)
    os.makedirs(dest_dir, exist_ok=True)
    path = os.path.join(dest_dir, "%s-%s.tgz" % (meta["name"], meta["version"]))
    with tarfile.open(path, "w:gz") as tar:
        tar.add(chart_dir, arcname=meta["name"], filter=_reset_owner)
    return path


def _reset_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def reachable(kubeconfig: str) -> bool:
    """True when the cluster in ``kubeconfig`` answers /version within 5 seconds."""
    from kubernetes import client, config

    try:
        api_client = config.new_client_from_config(config_file=kubeconfig)
        client.VersionApi(api_client).get_code(_request_timeout=5)
        return True
    except Exception as exc:  # any failure means "not usable": the demo then starts the emulator
        print("KUBECONFIG %s is not reachable (%s); starting the test Kubernetes API instead" % (kubeconfig, exc))
        return False


def install_collection() -> str:
    dest = os.path.join(WORK, "collections")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=dest)
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", ROOT, "-p", dest, "--force"],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    print("installed helmkit.core into %s" % dest)
    return dest


def run_playbook(collections: str, kubeconfig: str, repo_url: str) -> int:
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "KUBECONFIG": kubeconfig,
        "DEMO_REPO_URL": repo_url,
        "HELM_REPOSITORY_CONFIG": os.path.join(WORK, "helm", "repositories.yaml"),
        "HELM_REPOSITORY_CACHE": os.path.join(WORK, "helm", "cache"),
    })
    cmd = [os.path.join(BIN, "ansible-playbook"), os.path.join(ROOT, "playbooks", "demo.yml")]
    return subprocess.run(cmd, env=env, check=False).returncode


def main() -> int:
    # Every demo run starts from a clean Helm home and API state: the repository URL changes with the port.
    for leftover in ("helm", "kubeapi", "repo"):
        shutil.rmtree(os.path.join(WORK, leftover), ignore_errors=True)
    os.makedirs(WORK, exist_ok=True)
    collections = install_collection()
    tgz = package_chart(os.path.join(ROOT, "examples", "charts", "hello-web"), os.path.join(WORK, "repo"))
    with ChartRepoServer(charts=[tgz]) as repo:
        print("chart repository at %s" % repo.url)
        kubeconfig = os.environ.get("KUBECONFIG")
        if kubeconfig and os.path.exists(kubeconfig) and reachable(kubeconfig):
            print("using the cluster in KUBECONFIG=%s" % kubeconfig)
            return run_playbook(collections, kubeconfig, repo.url)
        with KubeAPIServer(os.path.join(WORK, "kubeapi")) as kube:
            print("test Kubernetes API (emulator) at %s" % kube.url)
            return run_playbook(collections, kube.kubeconfig, repo.url)


NEXT = ("next: `make cluster` starts the test Kubernetes API for your own playbooks and prints its KUBECONFIG; "
        "`make shell` opens a shell with ansible-playbook and the collection (README.md). The limits you can raise "
        "are in docs/limits.md.")


if __name__ == "__main__":
    status = main()
    if status == 0:
        print(NEXT)
    sys.exit(status)
