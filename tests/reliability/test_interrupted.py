"""Interrupted operations (issue 10, part 2): the module process is killed with SIGKILL at each phase of an
upgrade (after the pending record is written, mid-apply, during wait), chosen by watching the cluster: the emulator's
request log and the stored records. A re-run recovers: the stale pending-* revision is marked failed saying why, the
upgrade proceeds, the history stays consistent and helm (helm_python) lists the release as deployed."""
import os
import signal
import subprocess
import textwrap
import time

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
from ansible_collections.helmkit.core.plugins.module_utils.release import actions
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

from tests.helpers.reliabilitycharts import chart_dir, make_namespace, release_chart, renderer

pytestmark = pytest.mark.fault
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
NS = "rel-kill"

TEMPLATES = {
    "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-a\ndata:\n"
              "  v: {{ .Values.v | default \"1\" | quote }}\n",
    # another kind, applied after ConfigMaps in Helm's install order (objects of one kind may be applied together)
    "b.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-b\n  annotations:\n"
              "    v: {{ .Values.v | default \"1\" | quote }}\nspec:\n  ports: [{port: 80}]\n",
    # a Deployment the emulator never makes ready (its fail annotation), for the atomic case
    "c.yaml": "{{- if .Values.stuck }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: stuck\n"
              "  annotations:\n    kubeapi.helmkit.test/fail: \"true\"\nspec:\n  selector:\n    matchLabels: {app: s}\n"
              "  template:\n    metadata:\n      labels: {app: s}\n    spec:\n      containers: [{name: c, image: x}]\n"
              "{{- end }}\n",
}

# The upgrade run that gets killed. Slowness at the phase under test comes from wrapping library functions here,
# in the test's own process (no test hooks in the shipped code).
CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, %(tree)r)
    sys.path.insert(0, %(root)r)
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.kube import apply as kube_apply, wait as kube_wait
    from ansible_collections.helmkit.core.plugins.module_utils.release import actions
    from tests.helpers.reliabilitycharts import renderer
    phase = %(phase)r
    original_apply = kube_apply.Applier.apply
    calls = []
    def apply(self, obj, *args, **kwargs):
        calls.append(obj)
        if phase == "pending":
            time.sleep(600)
        result = original_apply(self, obj, *args, **kwargs)
        if phase == "apply":
            time.sleep(600)
        return result
    kube_apply.Applier.apply = apply
    def wait_ready(*args, **kwargs):
        time.sleep(600)
    kube_wait.wait_ready = wait_ready
    with KubeClient(%(kubeconfig)r) as client:
        options = actions.ReleaseOptions(%(name)r, %(ns)r, wait=True, timeout=1)
        actions.ensure_present(client, options, load_chart(%(chart)r), {"v": "2"}, renderer(%(name)r, %(ns)r))
""")


def _wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _status(client, name, version):
    record = SecretStorage(client, NS).get(name, version)
    return record.status if record is not None else None


def _live(client, name, suffix):
    if suffix == "b":
        service = client.request("GET", "/api/v1/namespaces/%s/services/%s-b" % (NS, name))
        return service["metadata"]["annotations"]["v"]
    return client.request("GET", "/api/v1/namespaces/%s/configmaps/%s-%s" % (NS, name, suffix))["data"]["v"]


def _killed_upgrade(kubeapi, client, tmp_path, name, phase):
    """Install revision 1 (v=1), start an upgrade to v=2 in a child process and SIGKILL it at ``phase``; returns
    the loaded chart. Revision 2 is left pending-upgrade."""
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart

    path = chart_dir(tmp_path, TEMPLATES, name="k")
    chart = load_chart(path)
    make_namespace(client, NS)
    actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {"v": "1"}, renderer(name, NS))
    script = tmp_path / "child.py"
    script.write_text(CHILD % {"tree": os.path.join(ROOT, ".tree"), "root": ROOT,
                               "phase": phase, "kubeconfig": kubeapi.kubeconfig, "name": name, "ns": NS,
                               "chart": path})
    child = subprocess.Popen([PYTHON, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert _wait_for(lambda: child.poll() is not None or _status(client, name, 2) == "pending-upgrade")
        if phase == "apply":  # the first object is applied, the second not yet
            assert _wait_for(lambda: child.poll() is not None or _live(client, name, "a") == "2")
            assert _live(client, name, "b") == "1"
        if phase == "wait":
            assert _wait_for(lambda: child.poll() is not None or _live(client, name, "b") == "2")
        assert child.poll() is None, child.stdout.read().decode()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert _status(client, name, 2) == "pending-upgrade"
    time.sleep(1.1)  # the pending record is now older than the re-run's timeout
    return chart


@pytest.mark.parametrize("phase", ["pending", "apply", "wait"])
def test_kill_9_then_rerun_recovers(kubeapi, tmp_path, phase):
    import helm_python

    name = "killed-%s" % phase
    with KubeClient(kubeapi.kubeconfig) as client:
        chart = _killed_upgrade(kubeapi, client, tmp_path, name, phase)
        result = actions.ensure_present(client, actions.ReleaseOptions(name, NS, timeout=1), chart, {"v": "3"},
                                        renderer(name, NS))
        assert result.action == "upgrade" and result.release.version == 3
        records = SecretStorage(client, NS).history(name)
        assert [rel.version for rel in records] == [1, 2, 3]
        assert [rel.status for rel in records] == ["superseded", "superseded", "deployed"]
        assert "interrupted: revision 2 was still pending-upgrade" in records[1].description
        assert _live(client, name, "a") == "3" and _live(client, name, "b") == "3"
    listed = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=NS).list()
    assert [(r["revision"], r["status"]) for r in listed if r["name"] == name] == [(3, "deployed")]


def test_kill_9_then_atomic_rerun_that_fails_restores_the_last_deployed_revision(kubeapi, tmp_path):
    import helm_python

    from ansible_collections.helmkit.core.plugins.module_utils import release_task
    from ansible_collections.helmkit.core.plugins.module_utils.release import recovery

    name = "killed-atomic"
    with KubeClient(kubeapi.kubeconfig) as client:
        chart = _killed_upgrade(kubeapi, client, tmp_path, name, "apply")
        assert _live(client, name, "a") == "2"  # half-applied by the killed run
        with pytest.raises(recovery.AtomicError) as info:
            release_task.ensure_present_recovering(client, actions.ReleaseOptions(name, NS, timeout=1), chart,
                                                   {"v": "3", "stuck": True}, renderer(name, NS), atomic=True)
        assert "rolled back" in str(info.value)
        records = SecretStorage(client, NS).history(name)
        assert "interrupted: revision 2 was still pending-upgrade" in records[1].description
        assert records[-1].status == "deployed" and records[-1].config == {"v": "1"}
        assert [rel.version for rel in records] == list(range(1, len(records) + 1))
        assert _live(client, name, "a") == "1" and _live(client, name, "b") == "1"
    listed = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=NS).list()
    assert [(r["status"]) for r in listed if r["name"] == name] == ["deployed"]


def test_young_pending_record_is_refused_without_writes(kubeapi, tmp_path):
    name = "young"
    chart = release_chart(tmp_path)
    with KubeClient(kubeapi.kubeconfig) as client:
        make_namespace(client, NS)
        actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {}, renderer(name, NS))
        storage = SecretStorage(client, NS)
        last = storage.get(name, 1)
        last.set_status("pending-upgrade", "Preparing upgrade")
        storage.update(last)
        with pytest.raises(Exception) as info:
            actions.ensure_present(client, actions.ReleaseOptions(name, NS, timeout=300), chart, {"greeting": "x"},
                                   renderer(name, NS))
        assert "another operation (upgrade of revision 1) is in progress" in str(info.value)
        assert [rel.status for rel in storage.history(name)] == ["pending-upgrade"]
