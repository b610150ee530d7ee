"""Helm v4 itself (helm_python) against the kubeapi emulator: install, list, status, upgrade, history,
rollback and uninstall of real charts, with release storage checked as a real cluster would hold it.
"""
from __future__ import annotations

import base64
import gzip
import json
import uuid

import pytest
from kubernetes import client, config, dynamic
from kubernetes.client.rest import ApiException

from tests.helpers import helmref
from tests.helpers.corpus import NGINX as INGRESS_NGINX
from tests.helpers.corpus import PODINFO


@pytest.fixture(scope="module")
def core(kubeconfig):
    return client.CoreV1Api(config.new_client_from_config(kubeconfig))


@pytest.fixture(scope="module")
def dyn(kubeconfig):
    return dynamic.DynamicClient(config.new_client_from_config(kubeconfig))


def _namespace():
    return "h-" + uuid.uuid4().hex[:8]


def _release_secrets(core, ns, name):
    items = core.list_namespaced_secret(ns, label_selector="owner=helm,name=" + name).items
    return sorted(items, key=lambda s: int(s.metadata.labels["version"]))


def _decode_release(secret):
    raw = base64.b64decode(base64.b64decode(secret.data["release"]))
    assert raw[:3] == b"\x1f\x8b\x08"
    return json.loads(gzip.decompress(raw))


def test_podinfo_lifecycle(kubeapi, core, dyn):
    ns = _namespace()
    cfg = helmref.config(kubeapi.kubeconfig, ns)
    rel = cfg.install(PODINFO, "pi", {"replicaCount": 2}, create_namespace=True, wait="watcher", timeout=60)
    assert rel["status"] == "deployed" and rel["revision"] == 1
    assert core.read_namespace(ns).status.phase == "Active"
    secrets = _release_secrets(core, ns, "pi")
    assert [s.metadata.name for s in secrets] == ["sh.helm.release.v1.pi.v1"]
    assert secrets[0].type == "helm.sh/release.v1"
    labels = secrets[0].metadata.labels
    assert (labels["owner"], labels["status"], labels["version"]) == ("helm", "deployed", "1")
    record = _decode_release(secrets[0])
    assert record["name"] == "pi" and record["info"]["status"] == "deployed" and record["namespace"] == ns
    deploy = dyn.resources.get(api_version="apps/v1", kind="Deployment").get(name="pi-podinfo", namespace=ns)
    assert deploy.spec.replicas == 2
    assert deploy.metadata.annotations["meta.helm.sh/release-name"] == "pi"
    assert deploy.status.readyReplicas == 2
    assert {e["manager"] for e in deploy.to_dict()["metadata"]["managedFields"]} == {"python"}

    rel = cfg.upgrade(PODINFO, "pi", {"replicaCount": 3}, wait="watcher", timeout=60)
    assert rel["revision"] == 2 and rel["status"] == "deployed"
    deploy = dyn.resources.get(api_version="apps/v1", kind="Deployment").get(name="pi-podinfo", namespace=ns)
    assert deploy.spec.replicas == 3 and deploy.metadata.generation == 2
    assert [r["name"] for r in cfg.list()] == ["pi"]
    assert cfg.status("pi")["revision"] == 2

    cfg.rollback("pi", version=1, wait="watcher", timeout=60)
    history = [(h["revision"], h["status"]) for h in cfg.history("pi")]
    assert history == [(1, "superseded"), (2, "superseded"), (3, "deployed")]
    deploy = dyn.resources.get(api_version="apps/v1", kind="Deployment").get(name="pi-podinfo", namespace=ns)
    assert deploy.spec.replicas == 2
    assert [s.metadata.labels["status"] for s in _release_secrets(core, ns, "pi")] == \
        ["superseded", "superseded", "deployed"]

    cfg.uninstall("pi", wait="watcher", timeout=60)
    assert _release_secrets(core, ns, "pi") == []
    with pytest.raises(ApiException) as err:
        core.read_namespaced_service("pi-podinfo", ns)
    assert err.value.status == 404
    assert cfg.list(all_states=True) == []


def test_podinfo_install_requests_match_helms_wire_protocol(kubeapi_log):
    ns = _namespace()
    cfg = helmref.config(kubeapi_log.kubeconfig, ns)
    cfg.install(PODINFO, "wire", None, create_namespace=True, wait="watcher", timeout=60)
    log = kubeapi_log.request_log()
    writes = [(r.method, r.path, r.content_type) for r in log if r.method != "GET"]
    assert writes == [
        ("PATCH", "/api/v1/namespaces/" + ns, "application/apply-patch+yaml"),
        ("POST", "/api/v1/namespaces/%s/secrets" % ns, "application/vnd.kubernetes.protobuf"),
        ("PATCH", "/api/v1/namespaces/%s/services/wire-podinfo" % ns, "application/apply-patch+yaml"),
        ("PATCH", "/apis/apps/v1/namespaces/%s/deployments/wire-podinfo" % ns, "application/apply-patch+yaml"),
        ("PUT", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.wire.v1" % ns,
         "application/vnd.kubernetes.protobuf"),
    ]
    applies = [r for r in log if r.method == "PATCH"]
    assert all(r.query == "fieldManager=python&fieldValidation=Strict&force=false" for r in applies)
    watches = [r for r in log if "watch=true" in r.query]
    assert watches and all("sendInitialEvents=true" in r.query for r in watches)


def test_ingress_nginx_with_hooks(kubeapi, core, dyn):
    ns = _namespace()
    cfg = helmref.config(kubeapi.kubeconfig, ns)
    rel = cfg.install(INGRESS_NGINX, "ing", None, create_namespace=True, wait="watcher", timeout=120)
    assert rel["status"] == "deployed"
    record = _decode_release(_release_secrets(core, ns, "ing")[-1])
    hooks = {h["name"]: h for h in record["hooks"]}
    job = hooks["ing-ingress-nginx-admission-create"]
    assert job["kind"] == "Job" and job["last_run"]["phase"] == "Succeeded"
    jobs = dyn.resources.get(api_version="batch/v1", kind="Job").get(namespace=ns)
    assert jobs.items == []  # hook-succeeded hooks are deleted
    assert core.read_namespaced_service("ing-ingress-nginx-controller", ns).spec.type == "LoadBalancer"
    classes = dyn.resources.get(api_version="networking.k8s.io/v1", kind="IngressClass")
    assert classes.get(name="nginx").metadata.annotations["meta.helm.sh/release-namespace"] == ns
    rel = cfg.upgrade(INGRESS_NGINX, "ing", None, wait="watcher", timeout=120)
    assert rel["revision"] == 2 and rel["status"] == "deployed"
    cfg.uninstall("ing", wait="watcher", timeout=120)
    assert _release_secrets(core, ns, "ing") == []
    with pytest.raises(ApiException):
        classes.get(name="nginx")


def test_failing_workload_fails_the_release(kubeapi, core, tmp_path):
    if not kubeapi.has_request_log:
        pytest.skip("uses the emulator's kubeapi.helmkit.test/fail annotation; HELMKIT_TEST_KUBECONFIG selects a "
                    "real cluster")
    chart = tmp_path / "failing"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: failing\nversion: 0.1.0\n")
    (chart / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n"
        "    kubeapi.helmkit.test/fail: \"true\"\nspec:\n  selector:\n    matchLabels: {app: x}\n  template:\n"
        "    metadata:\n      labels: {app: x}\n    spec:\n      containers:\n      - name: c\n        image: x\n")
    ns = _namespace()
    cfg = helmref.config(kubeapi.kubeconfig, ns)
    with pytest.raises(helmref.HelmError):
        cfg.install(str(chart), "bad", None, create_namespace=True, wait="watcher", timeout=20)
    labels = _release_secrets(core, ns, "bad")[-1].metadata.labels
    assert labels["status"] == "failed"


def test_configmap_storage_driver(kubeapi, core):
    ns = _namespace()
    cfg = helmref.config(kubeapi.kubeconfig, ns, storage_driver="configmap")
    cfg.install(PODINFO, "cmrel", None, create_namespace=True, timeout=60)
    maps = core.list_namespaced_config_map(ns, label_selector="owner=helm,name=cmrel").items
    assert [m.metadata.name for m in maps] == ["sh.helm.release.v1.cmrel.v1"]
    assert maps[0].metadata.labels["status"] == "deployed"
    assert [r["name"] for r in cfg.list()] == ["cmrel"]
    cfg.uninstall("cmrel", timeout=60)
    assert core.list_namespaced_config_map(ns, label_selector="owner=helm").items == []


def test_helm_test_runs_podinfo_test_pods(kubeapi, core):
    ns = _namespace()
    cfg = helmref.config(kubeapi.kubeconfig, ns)
    cfg.install(PODINFO, "tp", None, create_namespace=True, wait="watcher", timeout=60)
    result = cfg.test("tp", timeout=60)
    assert result["release"]["status"] == "deployed"
    record = _decode_release(_release_secrets(core, ns, "tp")[-1])
    phases = {h["name"].split("-test-")[0]: h["last_run"]["phase"] for h in record["hooks"]}
    assert phases and set(phases.values()) == {"Succeeded"}
    assert core.list_namespaced_pod(ns).items == []  # hook-succeeded test pods are deleted
