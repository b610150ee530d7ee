"""The kubeapi emulator as a process: CLI, kubeconfig it writes, --state-dir persistence, --ready-delay, --latency."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import yaml
from kubernetes import client, config

from kubeapi import app
from kubeapi.fixture import KubeAPIServer

KUBEAPI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_kubeconfig_shape(tmp_path):
    with KubeAPIServer(kubeconfig=str(tmp_path / "kc")) as api:
        cfg = yaml.safe_load(open(api.kubeconfig))
        assert cfg["current-context"] == "helmkit-test"
        assert cfg["clusters"][0]["cluster"]["server"] == api.url and api.url.startswith("https://127.0.0.1:")
        assert cfg["clusters"][0]["cluster"]["certificate-authority-data"]
        assert cfg["users"][0]["user"]["token"]
        assert oct(os.stat(api.kubeconfig).st_mode & 0o777) == "0o600"
    assert api.process.returncode is not None


def test_state_dir_keeps_objects_ca_and_token_across_restarts(tmp_path):
    state = str(tmp_path / "state")
    with KubeAPIServer(kubeconfig=str(tmp_path / "kc1"), state_dir=state) as api:
        v1 = client.CoreV1Api(config.new_client_from_config(api.kubeconfig))
        v1.create_namespaced_config_map("default", {"metadata": {"name": "kept"}, "data": {"a": "1"}})
        rv = v1.read_namespaced_config_map("kept", "default").metadata.resource_version
        first = yaml.safe_load(open(api.kubeconfig))
    with KubeAPIServer(kubeconfig=str(tmp_path / "kc2"), state_dir=state) as api:
        second = yaml.safe_load(open(api.kubeconfig))
        assert second["users"] == first["users"]
        assert second["clusters"][0]["cluster"]["certificate-authority-data"] == \
            first["clusters"][0]["cluster"]["certificate-authority-data"]
        v1 = client.CoreV1Api(config.new_client_from_config(api.kubeconfig))
        cm = v1.read_namespaced_config_map("kept", "default")
        assert cm.data == {"a": "1"} and cm.metadata.resource_version == rv
        created = v1.create_namespaced_config_map("default", {"metadata": {"name": "new"}})
        assert int(created.metadata.resource_version) > int(rv)


def test_ready_delay_holds_workloads_back(tmp_path):
    with KubeAPIServer(kubeconfig=str(tmp_path / "kc"), ready_delay=600) as api:
        v1 = client.CoreV1Api(config.new_client_from_config(api.kubeconfig))
        v1.create_namespaced_pod("default", {"metadata": {"name": "p"}, "spec": {
            "containers": [{"name": "c", "image": "x"}]}})
        time.sleep(0.5)  # longer than the default delay: with 600 s the pod must still be pending
        assert v1.read_namespaced_pod("p", "default").status.phase == "Pending"


def test_latency_delays_every_answer(tmp_path):
    latency = 0.25
    with KubeAPIServer(kubeconfig=str(tmp_path / "kc"), latency=latency) as api:
        v1 = client.CoreV1Api(config.new_client_from_config(api.kubeconfig))
        v1.read_namespace("default")  # the connection is open: the requests below pay only the latency
        api.clear_request_log()
        for name in ("a", "b", "c"):
            started = time.monotonic()
            v1.create_namespaced_config_map("default", {"metadata": {"name": name}})
            assert time.monotonic() - started >= latency
        started = time.monotonic()
        assert len(v1.list_namespaced_config_map("default").items) >= 3
        assert time.monotonic() - started >= latency
        assert [r.method for r in api.request_log()] == ["POST", "POST", "POST", "GET"]


def test_latency_must_not_be_negative(tmp_path):
    with pytest.raises(SystemExit):
        app.main(["--kubeconfig", str(tmp_path / "kc"), "--latency", "-0.1"])
    assert not (tmp_path / "kc").exists()


def test_cli_runs_as_a_script_and_prints_a_ready_line(tmp_path):
    kc = str(tmp_path / "kc")
    proc = subprocess.Popen([sys.executable, os.path.join(KUBEAPI, "__main__.py"), "--kubeconfig", kc,
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("kubeapi ready url=https://127.0.0.1:") and ("kubeconfig=" + kc) in line
        assert os.path.exists(kc)
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0
