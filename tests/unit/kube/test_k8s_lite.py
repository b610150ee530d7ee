"""kube/k8s_lite.py against the installed ``kubernetes`` release: the names and contracts kube/ uses exist and behave
as kube/client.py and kube/config.py expect, whichever release requirements.txt allows (29.0.0 up; the older
OpenAPI generator before 37.0, ``api_key['authorization']`` before 36.0). A release that renames or changes one of
them fails here, by name, before any connection test does.

No cluster: one HTTP server on 127.0.0.1 answers every request with the status its path names.
"""
import http.server
import inspect
import json
import threading

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.kube import k8s_lite

# What kube/config.py sets or reads on a Configuration (kube/client.py adds retries and host).
CONFIGURATION_ATTRIBUTES = ("host", "api_key", "refresh_api_key_hook", "verify_ssl", "ssl_ca_cert", "cert_file",
                            "key_file", "tls_server_name", "proxy", "proxy_headers", "no_proxy", "retries")


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/<status>`` answers that status with a JSON body echoing the method, the Authorization header and the
    request body."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length).decode() if length else ""
        body = json.dumps({"method": self.command, "authorization": self.headers.get("Authorization"),
                           "body": sent}).encode()
        self.send_response(int(self.path.strip("/").split("?")[0]))
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Probe", "yes")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _rest(host):
    configuration = k8s_lite.Configuration()
    configuration.host = host
    return k8s_lite.RESTClientObject(configuration)


def test_the_package_parts_are_there():
    assert k8s_lite.HAS_KUBERNETES is True
    assert k8s_lite.VERSION and k8s_lite.VERSION[0].isdigit()
    configuration = k8s_lite.Configuration()
    missing = [name for name in CONFIGURATION_ATTRIBUTES if not hasattr(configuration, name)]
    assert missing == []
    parameters = inspect.signature(k8s_lite.RESTClientObject.request).parameters
    assert list(parameters)[:3] == ["self", "method", "url"]
    assert {"headers", "body", "_request_timeout"} <= set(parameters)
    assert callable(k8s_lite.RESTClientObject.close)
    error = k8s_lite.ApiException(status=0, reason="SSLError")
    assert (error.status, error.reason) == (0, "SSLError")


def test_the_api_key_entry_is_sent_as_the_authorization_header():
    configuration = k8s_lite.Configuration()
    hook_calls = []
    configuration.refresh_api_key_hook = hook_calls.append
    configuration.api_key[k8s_lite.API_KEY] = "Bearer helmkit-lite-token"
    headers = [setting for setting in configuration.auth_settings().values() if setting.get("in") == "header"]
    assert [(setting["key"].lower(), setting["value"]) for setting in headers] == [
        ("authorization", "Bearer helmkit-lite-token")]
    assert hook_calls == [configuration]  # the hook runs before each request's header is read


@pytest.mark.parametrize("method, status", [("GET", 200), ("GET", 404), ("POST", 409), ("PATCH", 401),
                                            ("DELETE", 503), ("GET", 302)])
def test_every_answer_comes_back_unread_and_unraised(server, method, status):
    rest = _rest(server)
    try:
        body = {"kind": "ConfigMap"} if method in ("POST", "PATCH") else None
        response = rest.request(method, "%s/%d" % (server, status), headers={
            "Accept": "application/json", "Content-Type": "application/json", "Authorization": "Bearer x"},
            body=body, _request_timeout=5)
        assert (response.status, response.getheader("X-Probe"), response.getheader("X-None", "d")) == (
            status, "yes", "d")
        echoed = json.loads(response.read().decode("utf-8"))
        assert echoed == {"method": method, "authorization": "Bearer x",
                          "body": json.dumps(body) if body is not None else ""}
        assert response.read() == response.read()  # read twice: the same bytes
    finally:
        rest.close()


def test_a_stream_is_left_open(server):
    rest = _rest(server)
    try:
        response = rest.request("GET", server + "/200", headers={"Accept": "application/json"},
                                _request_timeout=(5, 5))
        assert response.status == 200
        assert json.loads(response.response.read())["method"] == "GET"  # the urllib3 response, unread until now
    finally:
        rest.close()
