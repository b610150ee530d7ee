"""`make cluster`: the test Kubernetes API emulator (tests/kubeapi) on 127.0.0.1 for your own playbooks, until Ctrl-C.

It writes its kubeconfig to ``.demo/cluster/kubeconfig`` and keeps its objects in ``.demo/cluster/state`` across
restarts, then prints the ``KUBECONFIG`` and the commands to run a playbook against it (``make shell`` opens a shell
with ``.venv``'s ansible-playbook and the collection). The emulator is a test tool: use a real cluster for anything
else.
"""
from __future__ import annotations

import os
import signal
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from kubeapi.fixture import KubeAPIServer  # noqa: E402

WORK = os.path.join(ROOT, ".demo", "cluster")


def instructions(kubeconfig: str, url: str) -> str:
    """The text printed once the emulator is up: where it is and how to use it (str)."""
    return "\n".join([
        "test Kubernetes API (emulator) at %s" % url,
        "",
        "    export KUBECONFIG=%s" % kubeconfig,
        "",
        "In another terminal, run your playbook with the collection and ansible-playbook from .venv:",
        "",
        "    make shell                      # a shell with KUBECONFIG, ansible-playbook and helmkit.core set up",
        "    ansible-playbook my-playbook.yml",
        "",
        "or, without make shell:",
        "",
        "    KUBECONFIG=%s ANSIBLE_COLLECTIONS_PATH=%s %s my-playbook.yml" % (
            kubeconfig, os.path.join(ROOT, ".tree"), os.path.join(ROOT, ".venv", "bin", "ansible-playbook")),
        "",
        "Ctrl-C stops the cluster; its objects stay in %s for the next `make cluster`." % os.path.join(WORK, "state"),
    ])


def main() -> int:
    state = os.path.join(WORK, "state")
    os.makedirs(state, exist_ok=True)
    kubeconfig = os.path.join(WORK, "kubeconfig")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with KubeAPIServer(kubeconfig, state_dir=state) as kube:
        print(instructions(kubeconfig, kube.url), flush=True)
        while not stop.is_set() and kube.process.poll() is None:
            stop.wait(1)
        if kube.process.poll() not in (None, 0):
            print("the emulator stopped (exit status %s)" % kube.process.returncode, file=sys.stderr)
            return 1
    print("cluster stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
