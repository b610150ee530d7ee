"""Two (three) ansible-playbook processes upgrade the same release at once (issue 10, part 1): the first holds the
release lock while it waits for a workload that never becomes ready; a second run fails at once naming the first
run's operation; a third with wait_for_lock waits and then upgrades. No duplicate or lost revision."""
import json
import os
import subprocess
import time

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
from ansible_collections.helmkit.core.plugins.module_utils.release.lock import lease_name

from tests.helpers.reliabilitycharts import chart_dir, history, make_namespace

pytestmark = pytest.mark.fault
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
NS = "rel-playbooks"

STUCK = """{{- if .Values.stuck }}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: stuck
  annotations:
    kubeapi.helmkit.test/fail: "true"
spec:
  serviceName: stuck
  replicas: 1
  selector:
    matchLabels: {app: stuck}
  template:
    metadata:
      labels: {app: stuck}
    spec:
      containers: [{name: c, image: busybox}]
{{- end }}
"""
CM = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pb-cm\ndata:\n"
      "  v: {{ .Values.v | default \"0\" | quote }}\n")


def _start(tmp_path, label, kubeconfig, chart, **args):
    task = dict({"release_name": "pb", "release_namespace": NS, "chart_ref": chart, "kubeconfig": kubeconfig}, **args)
    out = tmp_path / ("%s.json" % label)
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": label, "helmkit.core.helm_release": task, "register": "r", "ignore_errors": True},
        {"copy": {"content": "{{ r | to_json }}", "dest": str(out)}}]}]
    playbook = tmp_path / ("%s.yml" % label)
    playbook.write_text(yaml.safe_dump(play))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"))
    proc = subprocess.Popen([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)],
                            env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc, out


def _finish(proc, out):
    output = proc.communicate(timeout=300)[0].decode()
    assert out.exists(), output[-3000:]
    return json.loads(out.read_text())


def test_two_playbooks_upgrading_one_release(kubeconfig, tmp_path):
    chart = chart_dir(tmp_path, {"cm.yaml": CM, "stuck.yaml": STUCK}, name="pbchart")
    with KubeClient(kubeconfig) as client:
        make_namespace(client, NS)
        first = _finish(*_start(tmp_path, "install", kubeconfig, chart, values={"v": "1"}))
        assert first["changed"] and not first.get("failed"), first
        # the slow run must still hold the lock when the refused run's module starts: 30 s covers two
        # ansible-playbook start-ups on a loaded machine (6 s did not at a load of 8 on 2 cores)
        slow = _start(tmp_path, "slow", kubeconfig, chart, values={"v": "2", "stuck": True}, wait=True, timeout=30)
        lease = "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s" % (NS, lease_name("pb"))
        for _i in range(600):
            try:
                client.request("GET", lease)
                break
            except Exception:  # noqa: BLE001 - not taken yet
                time.sleep(0.05)
        refused = _start(tmp_path, "refused", kubeconfig, chart, values={"v": "3"})
        queued = _start(tmp_path, "queued", kubeconfig, chart, values={"v": "4"}, wait_for_lock="2m")
        refused, slow, queued = _finish(*refused), _finish(*slow), _finish(*queued)
        assert refused.get("failed") and "another operation (upgrade of revision 2) is in progress" in refused["msg"]
        assert slow.get("failed"), slow
        assert queued["changed"] and not queued.get("failed"), queued
        assert [version for version, _unused in history(client, NS, "pb")] == [1, 2, 3]
        assert history(client, NS, "pb")[-1] == (3, "deployed")
        assert client.request("GET", "/api/v1/namespaces/%s/configmaps/pb-cm" % NS)["data"]["v"] == "4"
