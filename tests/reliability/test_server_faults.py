"""Server faults (issue 10, part 3) through a fault-injecting proxy (faultproxy.py) in front of the emulator:
connection resets, 503 with Retry-After, responses slower than the request timeout, and 429 from the Kubernetes
API. Reads and idempotent writes are retried with backoff; a create is read back, never blindly repeated; every
give-up names the server, the request and the number of attempts."""
import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient
from ansible_collections.helmkit.core.plugins.module_utils.kube.retry import RetryPolicy
from ansible_collections.helmkit.core.plugins.module_utils.release import actions

from tests.helpers.corpus import PODINFO
from tests.helpers.faultproxy import FaultProxy
from tests.helpers.reliabilitycharts import history, make_namespace, release_chart, renderer

pytestmark = pytest.mark.fault
NS = "rel-faults"
CM_PATH = "/api/v1/namespaces/%s/configmaps" % NS


@pytest.fixture(scope="module")
def proxy(kubeapi):
    with open(kubeapi.kubeconfig) as handle:
        token = yaml.safe_load(handle)["users"][0]["user"]["token"]
    with FaultProxy(kubeapi.url, token) as running:
        yield running


@pytest.fixture
def client(proxy, tmp_path):
    proxy.faults.clear()
    del proxy.seen[:]
    with KubeClient(proxy.kubeconfig(tmp_path / "kc")) as kube:
        kube.retry = RetryPolicy(base=0.01, request_timeout=5)
        make_namespace(kube, NS)
        yield kube


def _cm(name):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": NS},
            "data": {"k": "v"}}


def test_connection_resets_on_a_read_are_retried(client, proxy):
    proxy.add("GET", "/api/v1/namespaces/%s" % NS, "reset", times=2)
    assert client.request("GET", "/api/v1/namespaces/%s" % NS)["metadata"]["name"] == NS
    assert proxy.count("GET", "/api/v1/namespaces/%s" % NS) == 3


def test_503_with_retry_after_is_honoured_then_retried(client, proxy):
    slept = []
    client.retry.sleep = slept.append
    proxy.add("GET", "/api/v1/namespaces/%s" % NS, "status", times=2, status=503, retry_after=1)
    client.request("GET", "/api/v1/namespaces/%s" % NS)
    assert slept == [1.0, 1.0]


def test_429_on_an_apply_patch_is_retried(client, proxy):
    proxy.add("PATCH", CM_PATH, "status", times=2, status=429, retry_after=0)
    body = _cm("throttled")
    result = client.request("PATCH", CM_PATH + "/throttled", query=[("fieldManager", "helm")], body=body,
                            content_type="application/apply-patch+yaml")
    assert result["data"] == {"k": "v"} and proxy.count("PATCH", CM_PATH) == 3


def test_slow_response_past_the_timeout_is_retried(client, proxy):
    client.retry.request_timeout = 0.5
    proxy.add("GET", "/api/v1/namespaces/%s" % NS, "slow", delay=1.5)
    assert client.request("GET", "/api/v1/namespaces/%s" % NS)["metadata"]["name"] == NS
    assert proxy.count("GET", "/api/v1/namespaces/%s" % NS) == 2


def test_giving_up_on_503_names_server_request_and_attempts(client, proxy):
    proxy.add("GET", "/api/v1/namespaces/%s" % NS, "status", times=99, status=503)
    with pytest.raises(ApiError) as info:
        client.request("GET", "/api/v1/namespaces/%s" % NS)
    message = str(info.value)
    assert proxy.url in message and "GET /api/v1/namespaces/%s" % NS in message and "5 attempts" in message
    assert info.value.status == 503


def test_giving_up_on_resets_names_server_request_and_attempts(client, proxy):
    proxy.add("GET", "/api/v1/namespaces/%s" % NS, "reset", times=99)
    with pytest.raises(KubeError) as info:
        client.request("GET", "/api/v1/namespaces/%s" % NS)
    message = str(info.value)
    assert proxy.url in message and "GET /api/v1/namespaces/%s" % NS in message and "5 attempts" in message


def test_create_whose_answer_was_lost_is_read_back_not_repeated(client, proxy):
    proxy.add("POST", CM_PATH, "reset", after=True)
    created = client.request("POST", CM_PATH, body=_cm("lost-answer"))
    assert created["metadata"]["name"] == "lost-answer"
    assert proxy.count("POST", CM_PATH) == 1 and proxy.count("GET", CM_PATH + "/lost-answer") == 1


def test_create_that_never_arrived_is_reported_not_repeated(client, proxy):
    proxy.add("POST", CM_PATH, "reset")
    with pytest.raises(KubeError) as info:
        client.request("POST", CM_PATH, body=_cm("never-arrived"))
    assert "never repeated blindly" in str(info.value) and "POST %s" % CM_PATH in str(info.value)
    assert proxy.count("POST", CM_PATH) == 1
    with pytest.raises(ApiError):
        client.request("GET", CM_PATH + "/never-arrived")


def test_503_on_a_create_is_not_repeated(client, proxy):
    proxy.add("POST", CM_PATH, "status", status=503)
    with pytest.raises(ApiError) as info:
        client.request("POST", CM_PATH, body=_cm("not-twice"))
    assert info.value.status == 503 and proxy.count("POST", CM_PATH) == 1


def test_release_install_survives_a_flaky_apiserver(client, proxy, tmp_path):
    proxy.add("GET", "/secrets", "reset", times=1)
    proxy.add("POST", "/secrets", "status", status=429, retry_after=0)
    proxy.add("PATCH", CM_PATH, "status", times=2, status=503)
    proxy.add("PUT", "/secrets/", "reset", after=True)
    result = actions.ensure_present(client, actions.ReleaseOptions("flaky", NS), release_chart(tmp_path),
                                    {"greeting": "hi"}, renderer("flaky", NS))
    assert result.action == "install" and result.release.version == 1
    assert history(client, NS, "flaky") == [(1, "deployed")]
    assert client.request("GET", CM_PATH + "/flaky-cm")["data"]["greeting"] == "hi"


# -- a chart repository behind the same kind of proxy --------------------------------------------------------------

@pytest.fixture(scope="module")
def repo_proxy():
    import os

    from tests.helpers.chartrepo import ChartRepoServer

    podinfo = PODINFO
    with ChartRepoServer(charts=[os.path.abspath(podinfo)]) as repo:
        with FaultProxy(repo.url, None) as running:
            yield running


@pytest.fixture
def repo(repo_proxy, monkeypatch):
    from ansible_collections.helmkit.core.plugins.module_utils.repo import index

    monkeypatch.setattr(index.RETRY, "base", 0.01)
    repo_proxy.faults.clear()
    del repo_proxy.seen[:]
    return repo_proxy


def _index(repo):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.index import http_get, parse_index
    return parse_index(http_get(repo.url + "/index.yaml"))


def test_repository_index_survives_resets_and_503_with_retry_after(repo):
    repo.add("GET", "/index.yaml", "reset")
    repo.add("GET", "/index.yaml", "status", status=503, retry_after=0)
    assert "podinfo" in _index(repo).entries
    assert repo.count("GET", "/index.yaml") == 3


def test_repository_429_is_retried(repo):
    repo.add("GET", "/index.yaml", "status", times=2, status=429, retry_after=0)
    assert "podinfo" in _index(repo).entries


def test_repository_give_up_names_the_url_and_attempts(repo):
    from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError

    repo.add("GET", "/index.yaml", "status", times=99, status=503)
    with pytest.raises(RepositoryError) as info:
        _index(repo)
    assert repo.url + "/index.yaml" in str(info.value) and "gave up after 4 attempts" in str(info.value)
