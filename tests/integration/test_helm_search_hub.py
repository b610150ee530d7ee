"""helm_search_hub (repo/hub.py, lookup and module) against a local server speaking Artifact Hub's documented search
API (tests/helpers/artifacthub.py): paging up to max_results, an empty result, 429 with Retry-After, 5xx, an
endpoint that is down."""
import socket
import time

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo import index as repo_index  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.hub import search_hub  # noqa: E402
from tests.helpers.artifacthub import ArtifactHubServer, make_package  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

PACKAGES = [make_package(i) for i in range(130)] + [
    make_package(200, name="ingress-nginx", description="Ingress controller for Kubernetes", repo="ingress-nginx"),
    make_package(201, name="ingress-olm", description="An operator, not a Helm chart", kind=3)]


@pytest.fixture
def hub():
    with ArtifactHubServer(PACKAGES) as server:
        yield server


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(repo_index.RETRY, "base", 0.01)


def _expected(endpoint, package):
    """What helm search hub -o json prints for an Artifact Hub package (helm pkg/cmd/search_hub.go)."""
    repo = package["repository"]
    return {"url": "%s/packages/helm/%s/%s" % (endpoint, repo["name"], package["normalized_name"]),
            "version": package["version"], "app_version": package["app_version"],
            "description": package["description"], "repository": {"url": repo["url"], "name": repo["name"]}}


def test_pages_up_to_max_results(hub):
    found = search_hub(["chart number"], endpoint=hub.url + "/", max_results=125)
    assert found == [_expected(hub.url, p) for p in PACKAGES[:125]]
    assert [(q["ts_query_web"], q["kind"], q["limit"], q["offset"]) for q in hub.requests] == [
        ("chart number", "0", "60", "0"), ("chart number", "0", "60", "60"), ("chart number", "0", "5", "120")]


def test_a_short_page_ends_the_search_and_other_kinds_are_left_out(hub):
    found = search_hub([], endpoint=hub.url, max_results=1000)
    assert len(found) == 131 and found[-1]["repository"]["name"] == "ingress-nginx"
    assert [q["offset"] for q in hub.requests] == ["0", "60", "120"]
    assert search_hub(["ingress"], endpoint=hub.url) == [_expected(hub.url, PACKAGES[130])]


def test_empty_result(hub):
    assert search_hub(["no-such-chart-anywhere"], endpoint=hub.url) == []
    assert len(hub.requests) == 1


def test_429_waits_for_retry_after_then_succeeds(hub):
    hub.failures = [(429, {"Retry-After": "1"})]
    started = time.monotonic()
    found = search_hub(["ingress"], endpoint=hub.url)
    assert time.monotonic() - started >= 1.0, "Retry-After must be honoured (the back-off is 0.01 s here)"
    assert [f["url"] for f in found] == [hub.url + "/packages/helm/ingress-nginx/ingress-nginx"]
    assert len(hub.requests) == 2


def test_5xx_is_retried_then_reported(hub):
    hub.failures = [(502, {})]
    assert len(search_hub(["ingress"], endpoint=hub.url)) == 1
    hub.failures = [(503, {})] * 10
    with pytest.raises(RepositoryError) as info:
        search_hub(["ingress"], endpoint=hub.url)
    message = str(info.value)
    assert message.startswith("Artifact Hub %s/api/v1/packages/search?ts_query_web=ingress&kind=0&limit=60&offset=0 "
                              "answered HTTP 503 (GET gave up after 4 attempts)" % hub.url), message


def test_endpoint_down_and_bad_options():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RepositoryError) as info:
        search_hub(["x"], endpoint="http://127.0.0.1:%d" % port, retries=1)
    assert "Artifact Hub http://127.0.0.1:%d/api/v1/packages/search" % port in str(info.value)
    assert "is unreachable" in str(info.value)
    with pytest.raises(RepositoryError, match="endpoint 'artifacthub.io' is not an http"):
        search_hub(["x"], endpoint="artifacthub.io")
    with pytest.raises(RepositoryError, match="max_results must be a whole number of at least 1, got 0"):
        search_hub(["x"], endpoint="http://127.0.0.1:%d" % port, max_results=0)


def test_lookup_and_module(hub, tmp_path):
    results, _output = run_play(tmp_path, [
        {"set_fact": {"found": "{{ query('helmkit.core.helm_search_hub', 'ingress', 'controller', endpoint=%r) }}"
                      % hub.url}},
        {"helmkit.core.helm_search_hub": {"terms": ["chart"], "endpoint": hub.url, "max_results": 3},
         "check_mode": True},
        {"set_fact": {"down": "{{ query('helmkit.core.helm_search_hub', 'x', endpoint='http://127.0.0.1:9', "
                              "timeout=2) }}"}},
    ])
    found, module, down = results
    assert found["ansible_facts"]["found"] == [_expected(hub.url, PACKAGES[130])]
    assert module["changed"] is False and module["charts"] == [_expected(hub.url, p) for p in PACKAGES[:3]]
    assert down["failed"] and "helm_search_hub: Artifact Hub http://127.0.0.1:9/api/v1/packages/search" in down["msg"]
    assert "Traceback" not in down["msg"]
