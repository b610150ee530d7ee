"""Discovery (kube/discovery.py through KubeClient): aggregated discovery in two requests, legacy discovery on a
server without it, kubectl's disk cache with its time-to-live, refresh when a kind is missing. Against the
emulator, which serves both protocols as a v1.30+ API server does (its request log shows what was sent)."""
from __future__ import annotations

import os
import time
import uuid

import pytest

from kubeapi.discovery import wants_aggregated
from kubeapi.fixture import KubeAPIServer

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube import discovery
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient


@pytest.fixture(scope="module")
def aggregated():
    with KubeAPIServer() as api:
        yield api


@pytest.fixture(scope="module")
def legacy():
    with KubeAPIServer(aggregated_discovery=False) as api:
        yield api


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECACHEDIR", str(tmp_path / "kube-cache"))
    return tmp_path / "kube-cache" / "discovery"


def _paths(api):
    return [r.path for r in api.request_log()]


def test_aggregated_discovery_is_two_requests_then_the_disk_cache(aggregated, cache):
    aggregated.clear_request_log()
    with KubeClient(aggregated.kubeconfig) as client:
        assert client.mapping("apps/v1", "Deployment") == ("deployments", True)
        assert client.mapping("v1", "Namespace") == ("namespaces", False)
        assert client.discovery.source == "aggregated"
    assert _paths(aggregated) == ["/api", "/apis"]
    [host] = os.listdir(str(cache))
    assert host.startswith("127.0.0.1_%s-" % aggregated.url.rsplit(":", 1)[1])
    assert os.path.isfile(str(cache / host / "servergroups.json"))
    assert os.path.isfile(str(cache / host / "apps" / "v1" / "serverresources.json"))
    aggregated.clear_request_log()
    with KubeClient(aggregated.kubeconfig) as client:
        assert client.mapping("apps/v1", "Deployment") == ("deployments", True)
        assert client.discovery.source == "disk"
    assert _paths(aggregated) == []


def test_capabilities_read_discovery_live(aggregated, cache):
    with KubeClient(aggregated.kubeconfig) as client:
        client.mapping("v1", "ConfigMap")  # fills the cache
    aggregated.clear_request_log()
    with KubeClient(aggregated.kubeconfig) as client:
        assert client.mapping("v1", "ConfigMap") == ("configmaps", True)
        caps = client.capabilities()
    assert sorted(_paths(aggregated)) == ["/api", "/apis", "/version"]  # Helm invalidates before capabilities
    assert caps["git_version"] == "v1.36.2"
    assert {"v1", "apps/v1", "apps/v1/Deployment", "v1/Pod"} <= set(caps["api_versions"])


def test_legacy_server_gives_the_same_answers(aggregated, legacy, cache):
    legacy.clear_request_log()
    with KubeClient(legacy.kubeconfig) as client:
        assert client.mapping("apps/v1", "Deployment") == ("deployments", True)
        assert client.discovery.source == "legacy"
        legacy_versions = client.api_versions()
    paths = _paths(legacy)
    assert paths[:2] == ["/api", "/apis"] and "/api/v1" in paths and "/apis/apps/v1" in paths
    with KubeClient(aggregated.kubeconfig) as client:
        assert set(client.api_versions()) == set(legacy_versions)
    legacy.clear_request_log()
    with KubeClient(legacy.kubeconfig) as client:  # the legacy answers are cached the same way
        assert client.mapping("batch/v1", "Job") == ("jobs", True)
        assert client.discovery.source == "disk"
    assert _paths(legacy) == []


def test_missing_kind_refreshes_once_then_fails(aggregated, cache):
    with KubeClient(aggregated.kubeconfig) as client:
        client.mapping("v1", "ConfigMap")
    group = "t%s.example.com" % uuid.uuid4().hex[:6]
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets." + group},
           "spec": {"group": group, "scope": "Cluster",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object",
                                                                 "x-kubernetes-preserve-unknown-fields": True}}}]}}
    with KubeClient(aggregated.kubeconfig) as client:
        client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body=crd)
    try:
        deadline = time.time() + 30
        while True:  # the cache predates the CRD: the missing kind makes the client look again
            with KubeClient(aggregated.kubeconfig) as client:
                try:
                    assert client.mapping(group + "/v1", "Widget") == ("widgets", False)
                    assert client.discovery.source == "aggregated"
                    break
                except KubeError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
        aggregated.clear_request_log()
        with KubeClient(aggregated.kubeconfig) as client:
            with pytest.raises(KubeError, match='no matches for kind "Gadget" in version "%s/v1"' % group):
                client.mapping(group + "/v1", "Gadget")
        assert _paths(aggregated) == ["/api", "/apis"]  # one refresh, not one per attempt
    finally:
        with KubeClient(aggregated.kubeconfig) as client:
            client.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)


def test_expired_or_unsafe_cache_is_not_used(aggregated, cache):
    with KubeClient(aggregated.kubeconfig) as client:
        client.mapping("v1", "ConfigMap")
    [host] = os.listdir(str(cache))
    groups = str(cache / host / "servergroups.json")
    old = time.time() - discovery.TTL - 60
    os.utime(groups, (old, old))
    aggregated.clear_request_log()
    with KubeClient(aggregated.kubeconfig) as client:
        client.mapping("v1", "ConfigMap")
        assert client.discovery.source == "aggregated"
    assert _paths(aggregated) == ["/api", "/apis"]
    os.chmod(str(cache / host), 0o777)
    aggregated.clear_request_log()
    with KubeClient(aggregated.kubeconfig) as client:
        client.mapping("v1", "ConfigMap")
        assert client.discovery.source == "aggregated"
    assert _paths(aggregated) == ["/api", "/apis"]


def test_broken_cache_file_is_a_miss(aggregated, cache):
    with KubeClient(aggregated.kubeconfig) as client:
        client.mapping("v1", "ConfigMap")
    [host] = os.listdir(str(cache))
    with open(str(cache / host / "v1" / "serverresources.json"), "w") as handle:
        handle.write("{not json")
    with KubeClient(aggregated.kubeconfig) as client:
        assert client.mapping("v1", "ConfigMap") == ("configmaps", True)
        assert client.discovery.source == "aggregated"


def test_cache_directory_names_host_and_ca():
    one = discovery.cache_directory("https://127.0.0.1:6443", b"ca-1", root="/r")
    assert one.startswith("/r/127.0.0.1_6443-")
    assert one != discovery.cache_directory("https://127.0.0.1:6443", b"ca-2", root="/r")


def test_emulator_negotiates_like_a_v130_server():
    assert wants_aggregated(discovery.AGGREGATED_ACCEPT)
    assert wants_aggregated("application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io")
    assert not wants_aggregated("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                                "application/json")
    assert not wants_aggregated("application/json")
