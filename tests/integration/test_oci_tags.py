"""helm_oci_tags (oci/tags.py): the tags of a repository in a real registry (Debian's docker-registry on 127.0.0.1),
compared with Helm's own registry client (helm_python.RegistryClient.tags) in the same run; Link pagination;
Basic credentials through the lookup; a tag list that is not JSON."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RegistryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.api import open_client  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.push import CONFIG_MEDIA_TYPE, \
    CHART_LAYER_MEDIA_TYPE  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.tags import chart_tags, helm_sorted_tags  # noqa: E402
from tests.helpers.registry import REGISTRY_BIN, RegistryServer  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

pytestmark = pytest.mark.skipif(REGISTRY_BIN is None, reason="docker-registry is not installed")
PASSWORD = "tags-s3cret-pw"
# registry order is lexical; Helm's is semver precedence, newest first, non-versions dropped
TAGS = ["1.10.0", "1.2.0", "1.9.0-rc.1", "1.9.0", "2.0.0-alpha", "0.1.0_build.7", "latest", "v1.0.0", "1.2",
        "01.2.3", "1.9.0-rc.10"]


@pytest.fixture(scope="module")
def registry():
    with RegistryServer(auth="basic", username="deploy", password=PASSWORD) as reg:
        with open_client(reg.host, username="deploy", password=PASSWORD, plain_http=True) as client:
            config = client.push_blob("charts/web", b"{}", CONFIG_MEDIA_TYPE)
            layer = client.push_blob("charts/web", b"not really a chart", CHART_LAYER_MEDIA_TYPE)
            manifest = json.dumps({"schemaVersion": 2, "config": {
                "mediaType": CONFIG_MEDIA_TYPE, "digest": config, "size": 2}, "layers": [{
                    "mediaType": CHART_LAYER_MEDIA_TYPE, "digest": layer, "size": 18}]}).encode()
            for tag in TAGS:
                client.put_manifest("charts/web", tag, manifest)
        yield reg


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HELM_CONFIG_HOME", str(tmp_path / "helmconfig"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.delenv("HELM_REGISTRY_CONFIG", raising=False)


def _helm_tags(reg, tmp_path):
    import helm_python
    creds = tmp_path / "registry.json"
    client = helm_python.RegistryClient(plain_http=True, credentials_file=str(creds))
    try:
        client.login(reg.host, username="deploy", password=PASSWORD, plain_http=True)
        return client.tags("%s/charts/web" % reg.host)
    finally:
        client.close()


def test_tags_sorted_as_helm_sorts_them(registry, isolated, tmp_path):
    with open_client(registry.host, username="deploy", password=PASSWORD, plain_http=True) as client:
        ours = chart_tags(client, "oci://%s/charts/web:1.2.0" % registry.host)
        paged = chart_tags(client, "oci://%s/charts/web" % registry.host, page_size=2)
        raw_pages = client.tags("charts/web", page_size=3)
        missing = chart_tags(client, "oci://%s/charts/nothing-here" % registry.host)
    assert ours == ["2.0.0-alpha", "1.10.0", "1.9.0", "1.9.0-rc.10", "1.9.0-rc.1", "1.2.0", "0.1.0+build.7"]
    assert ours == _helm_tags(registry, tmp_path)
    assert paged == ours and sorted(raw_pages) == sorted(TAGS)
    assert missing == []


def test_equal_precedence_keeps_the_registry_order():
    assert helm_sorted_tags(["1.0.0_b", "1.0.0_a", "0.9.0", "1.0.0"]) == ["1.0.0+b", "1.0.0+a", "1.0.0", "0.9.0"]


def test_lookup_with_basic_credentials_and_clear_errors(registry, isolated, tmp_path):
    ref = "oci://%s/charts/web" % registry.host
    results, output = run_play(tmp_path, [
        {"set_fact": {"found": "{{ query('helmkit.core.helm_oci_tags', %r, username='deploy', "
                               "password=lookup('env', 'TAGS_PASSWORD'), plain_http=true, page_size=4) }}" % ref}},
        {"set_fact": {"anon": "{{ query('helmkit.core.helm_oci_tags', %r, plain_http=true) }}" % ref}},
    ], {"TAGS_PASSWORD": PASSWORD})
    found, anon = results
    assert found["ansible_facts"]["found"][:3] == ["2.0.0-alpha", "1.10.0", "1.9.0"]
    assert anon["failed"] and "helm_oci_tags: %s: registry %s requires authentication" % (ref, registry.host) \
        in anon["msg"]
    assert PASSWORD not in output, output


class _NotJson(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b"<html>a login page</html>" if "tags" in self.path else b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_tag_list_that_is_not_json_is_a_clear_error(isolated):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotJson)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = "127.0.0.1:%d" % server.server_address[1]
    try:
        with open_client(host, plain_http=True) as client:
            with pytest.raises(RegistryError) as info:
                chart_tags(client, "oci://%s/charts/web" % host)
    finally:
        server.shutdown()
        server.server_close()
    assert ("registry %s sent a tag list for charts/web that is not a JSON object with a list of tag names" % host) \
        in str(info.value)
