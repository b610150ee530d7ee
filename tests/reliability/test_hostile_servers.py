"""Issue 20, the network and archive half: what a registry, repository, API server or archive sends must not take
the user's credentials elsewhere, hold a task past its deadline, fill memory, or end in an internal error.

Every case runs against a real HTTP server on 127.0.0.1 written for the test (tests/helpers/hostile.py), which
answers the way a hostile or broken server would. ``localhost`` and ``127.0.0.1`` name the same socket but are two
origins to a client, so "another host" needs no second machine. Markers (tests/reliability/conftest.py): ``secret``
for credentials that must not reach another origin, ``bad_input`` for answers that must end in a clear error in
bounded time and memory.
"""
import hashlib
import io
import json
import os
import tarfile
import threading
import zlib

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import (ChartError, KubeError, RegistryError,
                                                                          RepositoryError)
from ansible_collections.helmkit.core.plugins.module_utils.oci import client as client_mod
from ansible_collections.helmkit.core.plugins.module_utils.oci.client import RegistryClient
from ansible_collections.helmkit.core.plugins.module_utils.oci.credentials import Credential
from ansible_collections.helmkit.core.plugins.module_utils.oci.pull import pull_chart
from ansible_collections.helmkit.core.plugins.module_utils.oci.push import (CHART_LAYER_MEDIA_TYPE,
                                                                            CONFIG_MEDIA_TYPE)
from ansible_collections.helmkit.core.plugins.module_utils.repo import index as index_mod
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import http_get

from tests.helpers.hostile import HostileServer

from tests.helpers.reliabilitycharts import base_entries, clear_error, tgz

REGISTRY_PASSWORD = "hostile-registry-pw-5150"
REGISTRY_ACCESS_TOKEN = "hostile-access-token-8086"
REGISTRY_IDENTITY_TOKEN = "hostile-identity-token-6502"
REPOSITORY_PASSWORD = "hostile-repo-pw-68000"
USERINFO_TOKEN = "ghp_hostileUserinfoToken4004"
KUBE_TOKEN = "hostile-kube-token-z80z80"
INDEX = b"apiVersion: v1\nentries:\n  app:\n  - name: app\n    version: 1.0.0\n    urls: [app-1.0.0.tgz]\n"


@pytest.fixture
def server():
    with HostileServer() as running:
        yield running


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch):
    monkeypatch.setattr(client_mod.RETRY, "base", 0.01)
    monkeypatch.setattr(index_mod.RETRY, "base", 0.01)


def _json(status, body, headers=None):
    def answer(req):
        req.send(status, dict({"Content-Type": "application/json"}, **(headers or {})), json.dumps(body))
    return answer


def _basic_registry(server, path, answer):
    """``path`` of a registry that wants Basic credentials (helmkit / REGISTRY_PASSWORD) on 127.0.0.1."""
    import base64
    expected = "Basic " + base64.b64encode(("helmkit:" + REGISTRY_PASSWORD).encode()).decode()

    def guarded(req):
        if req.headers.get("Authorization") != expected:
            req.send(401, {"WWW-Authenticate": 'Basic realm="hostile"'}, b"")
            return
        answer(req)
    server.route(path, guarded)


def _client(server, credential=None):
    return RegistryClient(server.host, credential or Credential("helmkit", REGISTRY_PASSWORD, source="the test"),
                          plain_http=True)


def _no_credentials_at(server, host_name):
    seen = server.requests_to(host_name)
    assert seen, "the test server never saw a request to %s" % host_name
    return all(s.authorization is None for s in seen)


# -- credentials stay on their host (finding 5, deliver 2) ---------------------------------------------------------

@pytest.mark.secret
def test_tag_list_link_to_another_host_gets_no_credentials(server):
    _basic_registry(server, "/v2/charts/app/tags/list", _json(200, {"tags": ["1.0.0"]}, {
        "Link": '<%s/elsewhere/page2>; rel="next"' % server.other_url}))
    server.route("/elsewhere/page2", _json(200, {"tags": ["2.0.0"]}))
    with _client(server) as client:
        assert client.tags("charts/app") == ["1.0.0", "2.0.0"]
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_tag_list_link_to_another_port_gets_no_credentials(server):
    with HostileServer() as other:
        other.route("/page2", _json(200, {"tags": ["b"]}))
        _basic_registry(server, "/v2/charts/app/tags/list", _json(200, {"tags": ["a"]}, {
            "Link": '<%s/page2>; rel="next"' % other.url}))
        with _client(server) as client:
            assert client.tags("charts/app") == ["a", "b"]
        assert [s.authorization for s in other.seen] == [None]


@pytest.mark.secret
def test_tag_list_link_elsewhere_gets_no_bearer_access_token(server):
    def bearer_only(req):
        if req.headers.get("Authorization") != "Bearer " + REGISTRY_ACCESS_TOKEN:
            req.send(401, {"WWW-Authenticate": 'Bearer realm="%s/token",service="hostile"' % server.url})
            return
        _json(200, {"tags": ["1"]}, {"Link": "<%s/p2>" % server.other_url})(req)
    server.route("/v2/charts/app/tags/list", bearer_only)
    server.route("/p2", _json(200, {"tags": ["2"]}))
    with _client(server, Credential(access_token=REGISTRY_ACCESS_TOKEN, source="the test")) as client:
        assert client.tags("charts/app") == ["1", "2"]
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_identity_token_and_its_bearer_stay_on_the_registry(server):
    issued = "issued-bearer-for-identity-777"

    def token(req):
        ok = b"refresh_token=" + REGISTRY_IDENTITY_TOKEN.encode() in req.body
        _json(200 if ok else 401, {"token": issued} if ok else {})(req)
    server.route("/token", token)

    def tags(req):
        if req.headers.get("Authorization") != "Bearer " + issued:
            req.send(401, {"WWW-Authenticate": 'Bearer realm="%s/token",service="hostile"' % server.url})
            return
        _json(200, {"tags": ["1"]}, {"Link": "<%s/p2>" % server.other_url})(req)
    server.route("/v2/charts/app/tags/list", tags)
    server.route("/p2", _json(200, {"tags": ["2"]}))
    with _client(server, Credential(refresh_token=REGISTRY_IDENTITY_TOKEN, source="the test")) as client:
        assert client.tags("charts/app") == ["1", "2"]
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_blob_upload_location_on_another_host_gets_no_credentials(server):
    data = b"config-bytes"
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    _basic_registry(server, "/v2/charts/app/blobs/" + digest, lambda req: req.send(404))
    _basic_registry(server, "/v2/charts/app/blobs/uploads/", lambda req: req.send(202, {
        "Location": server.other_url + "/bucket/upload?signature=abc"}))
    server.route("/bucket/upload", lambda req: req.send(201 if req.body == data else 400))
    with _client(server) as client:
        assert client.push_blob("charts/app", data) == digest
    assert [s.method for s in server.requests_to("localhost")] == ["PUT"]
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_blob_redirect_to_object_storage_drops_credentials(server):
    blob = b"chart-layer"
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    _basic_registry(server, "/v2/charts/app/blobs/" + digest, lambda req: req.send(307, {
        "Location": server.other_url + "/s3/blob"}))
    server.route("/s3/blob", lambda req: req.send(200, {}, blob))
    with _client(server) as client:
        assert client.get_blob("charts/app", digest) == blob
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_repository_redirect_to_another_host_gets_no_credentials(server):
    server.route("/index.yaml", lambda req: req.send(302, {"Location": server.other_url + "/moved/index.yaml"}))
    server.route("/moved/index.yaml", lambda req: req.send(200, {}, INDEX))
    assert http_get(server.url + "/index.yaml", username="u", password=REPOSITORY_PASSWORD) == INDEX
    assert server.requests_to("127.0.0.1")[0].authorization is not None
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_repository_redirect_to_another_port_gets_no_credentials(server):
    with HostileServer() as other:
        other.route("/index.yaml", lambda req: req.send(200, {}, INDEX))
        server.route("/index.yaml", lambda req: req.send(301, {"Location": other.url + "/index.yaml"}))
        assert http_get(server.url + "/index.yaml", username="u", password=REPOSITORY_PASSWORD) == INDEX
        assert [s.authorization for s in other.seen] == [None]


@pytest.mark.secret
def test_repository_pass_credentials_is_the_one_exception(server):
    """Helm's --pass-credentials: the user asked for credentials to follow the repository anywhere."""
    server.route("/index.yaml", lambda req: req.send(302, {"Location": server.other_url + "/moved/index.yaml"}))
    server.route("/moved/index.yaml", lambda req: req.send(200, {}, INDEX))
    http_get(server.url + "/index.yaml", username="u", password=REPOSITORY_PASSWORD, pass_credentials=True)
    assert all(s.authorization for s in server.requests_to("localhost"))


@pytest.mark.secret
def test_kubernetes_client_does_not_follow_a_redirect_to_another_host(server, tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient

    server.route("/api/v1/namespaces/x", lambda req: req.send(307, {
        "Location": server.other_url + "/api/v1/namespaces/x"}))
    config = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
              "clusters": [{"name": "c", "cluster": {"server": server.url}}],
              "users": [{"name": "u", "user": {"token": KUBE_TOKEN}}],
              "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}
    with KubeClient(config) as kube:
        kube.retry.sleep = lambda seconds: None
        message, _unused = clear_error(kube.request, "GET", "/api/v1/namespaces/x", expected=KubeError)
    assert "redirect (HTTP 307)" in message and "another scheme, host or port" in message
    assert server.requests_to("localhost") == []
    assert [s.authorization for s in server.requests_to("127.0.0.1")] == ["Bearer " + KUBE_TOKEN]


@pytest.mark.secret
def test_artifact_hub_redirect_to_another_host_gets_no_credentials(server):
    """Deliver 2 names the Artifact Hub client too: an endpoint given with userinfo sends it as Basic to the
    endpoint's own origin only, never after a redirect elsewhere; nor do the returned page URLs carry it."""
    from ansible_collections.helmkit.core.plugins.module_utils.repo.hub import search_hub

    page = {"packages": [{"name": "app", "normalized_name": "app", "version": "1.0.0", "app_version": "1",
                          "description": "d", "repository": {"name": "r", "url": "https://r.example"}}]}
    server.route("/api/v1/packages/search", lambda req: req.send(302, {
        "Location": server.other_url + "/moved?" + req.query}))
    server.route("/moved", _json(200, page))
    endpoint = "http://hub:%s@127.0.0.1:%d" % (USERINFO_TOKEN, server.port)
    found = search_hub(["app"], endpoint=endpoint, max_results=1, retries=0)
    assert [hit["url"] for hit in found] == ["http://127.0.0.1:%d/packages/helm/r/app" % server.port]
    assert USERINFO_TOKEN not in json.dumps(found)
    assert server.requests_to("127.0.0.1")[0].authorization is not None
    assert _no_credentials_at(server, "localhost")


@pytest.mark.secret
def test_token_given_as_url_userinfo_is_masked_in_errors_and_results(server):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.config import RepositoryEntry

    url = "http://%s@127.0.0.1:%d/charts" % (USERINFO_TOKEN, server.port)
    message, _unused = clear_error(index_mod.fetch_index, url, expected=RepositoryError)
    assert USERINFO_TOKEN not in message and "http://***@127.0.0.1" in message
    gone = "http://%s@127.0.0.1:1/charts" % USERINFO_TOKEN
    message, _unused = clear_error(index_mod.fetch_index, gone, retries=0, expected=RepositoryError)
    assert USERINFO_TOKEN not in message
    entry = RepositoryEntry("r", url)
    assert USERINFO_TOKEN not in repr(entry) and USERINFO_TOKEN not in json.dumps(entry.public_dict())
    assert all(s.authorization is None for s in server.seen)


# -- deadlines and size caps (deliver 4) ---------------------------------------------------------------------------

@pytest.mark.bad_input
def test_repository_that_trickles_its_index_hits_the_overall_deadline(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_HTTP_DEADLINE", "1.5")
    server.route("/index.yaml", lambda req: req.trickle(200, INDEX * 50, 0.1, stop=server.stop))
    message, seconds = clear_error(http_get, server.url + "/index.yaml", timeout=5, what="repository index",
                                   expected=RepositoryError)
    assert seconds < 4 and "127.0.0.1" in message and "HELMKIT_HTTP_DEADLINE" in message


@pytest.mark.bad_input
def test_repository_that_trickles_its_headers_hits_the_overall_deadline(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_HTTP_DEADLINE", "1.5")
    server.route("/index.yaml", lambda req: req.trickle_headers(0.1, stop=server.stop))
    message, seconds = clear_error(http_get, server.url + "/index.yaml", timeout=5, expected=RepositoryError)
    assert seconds < 4 and "HELMKIT_HTTP_DEADLINE" in message


@pytest.mark.bad_input
def test_endless_index_is_cut_at_the_index_limit(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_INDEX_BYTES", str(2 << 20))
    server.route("/index.yaml", lambda req: req.endless())
    message, seconds = clear_error(http_get, server.url + "/index.yaml", what="repository index",
                                   expected=RepositoryError)
    assert "HELMKIT_MAX_INDEX_BYTES" in message and seconds < 10


@pytest.mark.bad_input
def test_endless_chart_download_is_cut_at_the_chart_limit(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_CHART_BYTES", str(1 << 20))
    server.route("/app-1.0.0.tgz", lambda req: req.endless())
    message, _unused = clear_error(http_get, server.url + "/app-1.0.0.tgz", what="chart", expected=RepositoryError)
    assert "HELMKIT_MAX_CHART_BYTES" in message and "1048576" in message


def _gzip_zeros(size):
    out = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [out.compress(block) for _unused in range(size >> 20)]
    return b"".join(parts) + out.flush()


@pytest.mark.bad_input
def test_gzip_encoded_index_bomb_is_cut_while_inflating(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_INDEX_BYTES", str(4 << 20))
    bomb = _gzip_zeros(256 << 20)  # 256 MiB of zeros in about 250 KB
    server.route("/index.yaml", lambda req: req.send(200, {"Content-Encoding": "gzip"}, bomb))
    message, _unused = clear_error(http_get, server.url + "/index.yaml", what="repository index",
                                   expected=RepositoryError)
    assert "HELMKIT_MAX_INDEX_BYTES" in message


@pytest.mark.bad_input
def test_repository_redirect_to_a_file_url_is_refused(server):
    server.route("/index.yaml", lambda req: req.send(302, {"Location": "file:///etc/passwd"}))
    message, _unused = clear_error(http_get, server.url + "/index.yaml", expected=RepositoryError)
    assert "not an http:// or https:// URL" in message


@pytest.mark.bad_input
def test_repository_redirect_loop_ends(server):
    server.route("/a", lambda req: req.send(302, {"Location": server.other_url + "/b"}))
    server.route("/b", lambda req: req.send(302, {"Location": server.url + "/a"}))
    message, _unused = clear_error(http_get, server.url + "/a", expected=RepositoryError)
    assert "too many redirects" in message


@pytest.mark.bad_input
def test_tag_list_link_to_itself_is_a_loop(server):
    server.route("/v2/charts/app/tags/list", _json(200, {"tags": ["1"]}, {
        "Link": '</v2/charts/app/tags/list>; rel="next"'}))
    with _client(server, Credential()) as client:
        message, seconds = clear_error(client.tags, "charts/app", expected=RegistryError)
    assert "loops" in message and seconds < 5 and len(server.seen) == 1


@pytest.mark.bad_input
def test_tag_list_links_cycling_between_pages_is_a_loop(server):
    server.route("/v2/charts/app/tags/list", _json(200, {"tags": ["1"]}, {"Link": "</p2?n=1>"}))
    server.route("/p2", _json(200, {"tags": ["2"]}, {"Link": '<%s/v2/charts/app/tags/list>; rel="next"' % server.url}))
    with _client(server, Credential()) as client:
        message, _unused = clear_error(client.tags, "charts/app", expected=RegistryError)
    assert "loops" in message and len(server.seen) == 2


@pytest.mark.bad_input
def test_tag_list_with_endless_new_pages_stops_at_the_page_limit(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_TAG_PAGES", "5")
    counter = iter(range(10 ** 6))

    def endless_pages(req):
        _json(200, {"tags": ["t"]}, {"Link": "</v2/charts/app/tags/list?last=%d>" % next(counter)})(req)
    server.route("/v2/charts/app/tags/list", endless_pages)
    with _client(server, Credential()) as client:
        message, _unused = clear_error(client.tags, "charts/app", expected=RegistryError)
    assert "HELMKIT_MAX_TAG_PAGES" in message and len(server.seen) == 5


@pytest.mark.bad_input
def test_tag_list_page_that_is_not_an_object_is_refused(server):
    server.route("/v2/charts/app/tags/list", _json(200, ["1.0.0"]))
    with _client(server, Credential()) as client:
        message, _unused = clear_error(client.tags, "charts/app", expected=RegistryError)
    assert "not a JSON object" in message


@pytest.mark.bad_input
def test_registry_blob_that_never_ends_is_cut_at_the_chart_limit(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_CHART_BYTES", str(1 << 20))
    server.route("/v2/charts/app/blobs/sha256:" + "0" * 64, lambda req: req.endless())
    with _client(server, Credential()) as client:
        message, _unused = clear_error(client.get_blob, "charts/app", "sha256:" + "0" * 64, expected=RegistryError)
    assert "HELMKIT_MAX_CHART_BYTES" in message


@pytest.mark.bad_input
def test_huge_manifest_is_cut_at_the_manifest_limit(server):
    server.route("/v2/charts/app/manifests/1.0.0", lambda req: req.endless(headers={
        "Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
    with _client(server, Credential()) as client:
        message, _unused = clear_error(client.get_manifest, "charts/app", "1.0.0", expected=RegistryError)
    assert "HELMKIT_MAX_MANIFEST_BYTES" in message and "4194304" in message


@pytest.mark.bad_input
def test_registry_that_trickles_a_manifest_hits_the_deadline(server, monkeypatch):
    monkeypatch.setenv("HELMKIT_HTTP_DEADLINE", "1.5")
    server.route("/v2/charts/app/manifests/1.0.0",
                 lambda req: req.trickle(200, b"{}" * 1000, 0.1, stop=server.stop))
    with _client(server, Credential()) as client:
        message, seconds = clear_error(client.get_manifest, "charts/app", "1.0.0", expected=RegistryError)
    assert seconds < 4 and server.host in message and "HELMKIT_HTTP_DEADLINE" in message


@pytest.mark.bad_input
def test_registry_that_trickles_its_headers_hits_the_deadline_and_stdout_comes_back(server, monkeypatch):
    """The abandoned request sits inside oras's stdout capture; the module's result must still reach stdout."""
    import sys

    monkeypatch.setenv("HELMKIT_HTTP_DEADLINE", "1")
    server.route("/v2/charts/app/tags/list", lambda req: req.trickle_headers(0.1, stop=server.stop))
    before = sys.stdout
    with _client(server, Credential()) as client:
        message, seconds = clear_error(client.tags, "charts/app", expected=RegistryError)
    assert sys.stdout is before and seconds < 3 and "HELMKIT_HTTP_DEADLINE" in message


@pytest.mark.bad_input
def test_upload_location_that_is_not_http_is_refused(server):
    server.route("/v2/charts/app/blobs/uploads/", lambda req: req.send(202, {"Location": "file:///etc/passwd"}))
    with _client(server, Credential()) as client:
        message, _unused = clear_error(client.push_blob, "charts/app", b"data", expected=RegistryError)
    assert "not an http:// or https:// URL" in message


# -- manifests and configs of the wrong shape (no internal error) --------------------------------------------------

def _chart_registry(server, manifest, config):
    """A registry serving chart ``app`` 1.0.0 with ``manifest`` (a dict or any JSON value; the layer and config
    digests are filled in when it is a dict) and the config blob bytes ``config``."""
    chart = tgz(base_entries("app"), name="app")
    blobs = {"sha256:" + hashlib.sha256(data).hexdigest(): data for data in (chart, config)}
    if isinstance(manifest, dict):
        manifest.setdefault("config", {"mediaType": CONFIG_MEDIA_TYPE, "size": len(config),
                                       "digest": "sha256:" + hashlib.sha256(config).hexdigest()})
        manifest.setdefault("layers", [{"mediaType": CHART_LAYER_MEDIA_TYPE, "size": len(chart),
                                        "digest": "sha256:" + hashlib.sha256(chart).hexdigest()}])
    body = json.dumps(manifest).encode()
    server.route("/v2/charts/app/manifests/1.0.0", lambda req: req.send(200, {
        "Content-Type": "application/vnd.oci.image.manifest.v1+json"}, body))
    for digest, data in blobs.items():
        server.route("/v2/charts/app/blobs/" + digest, lambda req, data=data: req.send(200, {}, data))


@pytest.mark.bad_input
@pytest.mark.parametrize("manifest", [[1, 2], "a string", 42, None, {"config": "x"}, {"layers": ["x"]},
                                      {"layers": {"a": 1}}, {"manifests": [1]}], ids=repr)
def test_manifest_that_is_json_but_not_an_object_is_refused(server, tmp_path, manifest):
    _chart_registry(server, manifest, b"{}")
    with _client(server, Credential()) as client:
        message, _unused = clear_error(pull_chart, client, "oci://%s/charts/app:1.0.0" % server.host,
                                       cache_dir=str(tmp_path), expected=RegistryError)
    assert "charts/app" in message and os.listdir(str(tmp_path)) == []


@pytest.mark.bad_input
@pytest.mark.parametrize("config", [b"[1, 2]", b'"name"', b"7", b"null", b"not json", b"\xff\xfe"], ids=repr)
def test_config_that_is_not_a_json_object_is_refused(server, tmp_path, config):
    _chart_registry(server, {"schemaVersion": 2}, config)
    with _client(server, Credential()) as client:
        message, _unused = clear_error(pull_chart, client, "oci://%s/charts/app:1.0.0" % server.host,
                                       cache_dir=str(tmp_path), expected=RegistryError)
    assert "config blob" in message and "not a JSON object" in message


# -- archives ------------------------------------------------------------------------------------------------------

def _bomb_archive(path, size, name="bomb", chart_yaml_last=True):
    """A .tgz whose first entry claims and holds ``size`` zero bytes (written streaming: no ``size`` in memory),
    with Chart.yaml after it."""
    out = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with open(path, "wb") as fh:
        info = tarfile.TarInfo("%s/files/zeros" % name)
        info.size = size
        fh.write(out.compress(info.tobuf()))
        block = b"\0" * (1 << 20)
        for _unused in range(size >> 20):
            fh.write(out.compress(block))
        chart = b"apiVersion: v2\nname: %s\nversion: 0.1.0\n" % name.encode()
        info = tarfile.TarInfo("%s/Chart.yaml" % name)
        info.size = len(chart)
        fh.write(out.compress(info.tobuf() + chart + b"\0" * (-len(chart) % 512) + b"\0" * 1024))
        fh.write(out.flush())


@pytest.mark.bad_input
def test_gzip_bomb_is_not_inflated_to_read_chart_metadata(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.fetch import read_chart_metadata

    path = str(tmp_path / "bomb-0.1.0.tgz")
    _bomb_archive(path, 512 << 20)  # 512 MiB of zeros, about 500 KB on disk
    assert os.path.getsize(path) < 4 << 20
    message, seconds = clear_error(read_chart_metadata, path, expected=RepositoryError)
    assert "larger than the maximum" in message and "HELMKIT_MAX_ARCHIVE_" in message and seconds < 1


def _subchart_tgz(name, files):
    return tgz(base_entries(name) + [("%s/files/f%d" % (name, i), data) for i, data in enumerate(files)], name=name)


@pytest.mark.bad_input
def test_nested_subchart_archives_share_one_budget():
    """Seven subcharts of 16 MiB each pass every per-level check (each archive is under 100 MiB) but make a tree of
    112 MiB: one budget for the whole tree refuses it."""
    sub = _subchart_tgz("sub", [b"\0" * (4 << 20)] * 4)
    top = tgz(base_entries("top") + [("top/charts/sub%d-0.1.0.tgz" % i, sub) for i in range(7)], name="top")
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_archive
    message, _unused = clear_error(load_archive, top, expected=ChartError)
    assert "subchart archives count towards the same total" in message and "HELMKIT_MAX_ARCHIVE_BYTES" in message


@pytest.mark.bad_input
def test_subcharts_nested_too_deep_are_refused():
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_archive
    data = _subchart_tgz("c0", [])
    for level in range(1, 25):
        data = tgz(base_entries("c%d" % level) + [("c%d/charts/c%d-0.1.0.tgz" % (level, level - 1), data)],
                   name="c%d" % level)
    message, _unused = clear_error(load_archive, data, expected=ChartError)
    assert "HELMKIT_MAX_CHART_DEPTH" in message


@pytest.mark.bad_input
def test_pax_header_bomb_is_capped_before_tar_reads_it(monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_ARCHIVE_BYTES", str(1 << 20))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("bomb/Chart.yaml")
        info.pax_headers = {"comment": "x" * (8 << 20)}  # an 8 MiB pax record the tar reader inflates in one read
        content = b"apiVersion: v2\nname: bomb\nversion: 0.1.0\n"
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_archive
    message, _unused = clear_error(load_archive, buf.getvalue(), expected=ChartError)
    assert "HELMKIT_MAX_ARCHIVE_BYTES" in message


@pytest.mark.bad_input
def test_a_flood_of_empty_entries_is_capped(monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_ARCHIVE_BYTES", str(1 << 20))
    data = tgz(base_entries("flood") + [("flood/files/e%d" % i, b"") for i in range(5000)], name="flood")
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_archive
    message, _unused = clear_error(load_archive, data, expected=ChartError)
    assert "HELMKIT_MAX_ARCHIVE_BYTES" in message


@pytest.mark.bad_input
def test_helmignore_link_out_of_the_chart_is_refused_and_not_quoted(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
    from tests.helpers.reliabilitycharts import chart_dir

    outside = tmp_path / "private.txt"
    outside.write_text("private-line-1 **\n[unterminated-private-line-2\n")
    path = chart_dir(tmp_path, {"cm.yaml": "a: 1\n"}, name="ign")
    os.symlink(str(outside), os.path.join(path, ".helmignore"))
    message, _unused = clear_error(load_chart, path, expected=ChartError)
    assert "outside the chart directory" in message and "private-line" not in message


@pytest.mark.bad_input
def test_helmignore_that_is_a_fifo_is_refused(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
    from tests.helpers.reliabilitycharts import chart_dir

    path = chart_dir(tmp_path, {"cm.yaml": "a: 1\n"}, name="fifo")
    os.mkfifo(os.path.join(path, ".helmignore"))
    done = []
    worker = threading.Thread(target=lambda: done.append(clear_error(load_chart, path, expected=ChartError)),
                              daemon=True)
    worker.start()
    worker.join(10)
    assert done and "not a regular file" in done[0][0]


@pytest.mark.secret
def test_a_url_token_never_reaches_a_playbooks_output(server, tmp_path):
    """End to end: helm_repository with ``url: http://TOKEN@host/...`` that fails (HTTP 404) and one that succeeds,
    at -vvv with --diff: the token appears nowhere (invocation, result, message, the log file)."""
    import subprocess
    import yaml

    from .test_secrets import BIN, ROOT

    server.route("/good/index.yaml", lambda req: req.send(200, {}, INDEX))
    base = "http://%s@127.0.0.1:%d" % (USERINFO_TOKEN, server.port)
    # the URLs come from a vars file, where playbooks keep secrets (Ansible quotes a failing task's source lines)
    (tmp_path / "secrets.yml").write_text(yaml.safe_dump({"good_url": base + "/good", "bad_url": base + "/missing"}))
    tasks = [{"helmkit.core.helm_repository": {"name": "good", "url": "{{ good_url }}"}},
             {"helmkit.core.helm_repository": {"name": "bad", "url": "{{ bad_url }}"}, "ignore_errors": True}]
    play = {"hosts": "localhost", "gather_facts": False, "vars_files": [str(tmp_path / "secrets.yml")],
            "tasks": tasks}
    (tmp_path / "play.yml").write_text(yaml.safe_dump([play]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
               HELM_CONFIG_HOME=str(tmp_path / "config"), HELM_CACHE_HOME=str(tmp_path / "cache"),
               ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-vvv", "--diff", "-i", "localhost,", "-c", "local",
                           str(tmp_path / "play.yml")], env=env, cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=300, check=False)
    output = proc.stdout + proc.stderr + (tmp_path / "ansible.log").read_text()
    assert "ok=2" in proc.stdout and "ignored=1" in proc.stdout, proc.stdout[-3000:]
    assert "answered 404" in output
    assert USERINFO_TOKEN not in output
