"""oci/orasio.py and the oras-backed RegistryClient without a registry: challenge parsing, stdout and oras log
capture (secrets masked, routed to warnings/debug), the import guard, TLS option mapping, and retries/give-ups
against a scripted HTTP server on 127.0.0.1."""
from __future__ import annotations

import base64
import http.server
import io
import json
import os
import subprocess
import sys
import threading

import oras.logger
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RegistryError
from ansible_collections.helmkit.core.plugins.module_utils.oci import client as client_mod
from ansible_collections.helmkit.core.plugins.module_utils import report
from ansible_collections.helmkit.core.plugins.module_utils.oci import messages, orasio
from ansible_collections.helmkit.core.plugins.module_utils.oci.client import RegistryClient
from ansible_collections.helmkit.core.plugins.module_utils.oci.credentials import Credential

SECRET = "Unit-s3cret-pw-77"


# ---- challenge parsing ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
     ("bearer", {"realm": "https://auth.example/token", "service": "registry.example",
                 "scope": "repository:a/b:pull,push"})),
    ('Basic realm="Registry Realm"', ("basic", {"realm": "Registry Realm"})),
    ('Bearer realm=https://t.example/x, service=svc', ("bearer", {"realm": "https://t.example/x", "service": "svc"})),
    ('BEARER Realm="a\\"b",error="insufficient_scope"', ("bearer", {"realm": 'a"b', "error": "insufficient_scope"})),
    ("", ("", {})),
])
def test_parse_challenge(header, expected):
    assert orasio.parse_challenge(header) == expected


# ---- output capture ---------------------------------------------------------------------------------------------

def test_captured_swallows_prints_and_oras_log_lines_and_masks_secrets(capsys):
    warnings, debug = [], []
    capture = orasio.Capture(lambda: [SECRET])
    with report.routed(warnings.append, debug.append):
        with orasio.captured(capture):
            print("oras says the password is %s" % SECRET)
            oras.logger.logger.warning("cannot use %s here" % SECRET)
            oras.logger.logger.debug("plain debug line")
            oras.logger.logger.progress(1, 2)
    out = capsys.readouterr()
    assert out.out == "" and SECRET not in out.err
    assert warnings == ["oras: cannot use ******** here"]
    assert "oras: plain debug line" in debug and "oras: 1 of 2 steps done" in debug
    assert "oras printed: oras says the password is ********" in debug
    assert all(SECRET not in text for _level, text in capture.messages)
    assert ("warning", "oras: cannot use ******** here") in capture.messages


def test_oras_lines_outside_a_capture_reach_oras_own_handlers():
    seen = []
    capture = orasio.Capture(lambda: [])
    with orasio.captured(capture):
        pass  # installs the hook
    oras.logger.logger.helmkit_saved_handlers.append(seen.append)
    try:
        oras.logger.logger.info("outside")
    finally:
        oras.logger.logger.helmkit_saved_handlers.remove(seen.append)
    assert seen == [{"level": "info", "msg": "outside"}]
    assert capture.messages == []


def test_stdout_is_restored_when_captures_overlap_across_threads():
    real = sys.stdout
    entered, release = threading.Barrier(3), threading.Event()
    errors = []

    def worker():
        try:
            with orasio.captured(orasio.Capture(lambda: [])):
                entered.wait(5)
                release.wait(5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    entered.wait(5)
    assert isinstance(sys.stdout, io.StringIO)
    release.set()
    for thread in threads:
        thread.join(5)
    assert not errors and sys.stdout is real


def test_mask_longest_secret_first():
    assert messages.mask("abcdef and abc", ["abc", "abcdef", "", None]) == "******** and ********"
    assert messages.mask("ab stays", ["ab"]) == "ab stays"  # too short to mask meaningfully


def test_a_failing_route_does_not_break_the_operation():
    def broken(text):
        raise RuntimeError("sink down")

    got = []
    with report.routed(broken, broken), report.routed(got.append, None):
        report.emit("warning", "w")
        report.emit("debug", "d")
    assert got == ["w"]


# ---- TLS option mapping -----------------------------------------------------------------------------------------

def test_tls_verify(tmp_path, monkeypatch):
    assert orasio.tls_verify("/some/ca.pem", False) == "/some/ca.pem"
    assert orasio.tls_verify("/some/ca.pem", True) is False
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("x")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert orasio.tls_verify(None, False) == str(bundle)


def test_missing_ca_file_is_named(tmp_path):
    with pytest.raises(RegistryError) as info:
        RegistryClient("r.example", ca_file=str(tmp_path / "nope.pem"))
    assert "cannot load ca_file" in str(info.value) and "nope.pem" in str(info.value)


# ---- import guard -----------------------------------------------------------------------------------------------

def test_module_utils_import_without_oras_and_fail_clearly_on_use():
    """Every oci/ file imports with oras, requests and the other third-party packages refused (ansible-test's import
    sanity test); the first registry operation raises MissingLibraryError naming oras."""
    tree = os.path.join(os.path.dirname(__file__), "..", "..", "..", ".tree")
    script = r"""
import importlib, os, sys
BLOCKED = {"oras", "requests", "httpx", "yaml", "_yaml", "kubernetes", "urllib3"}
class Block(object):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError("No module named %r (blocked by the test)" % name, name=name)
sys.meta_path.insert(0, Block())
package = "ansible_collections.helmkit.core.plugins.module_utils.oci"
here = os.path.dirname(importlib.import_module(package).__file__)
for name in sorted(os.listdir(here)):
    if name.endswith(".py") and name != "__init__.py":
        importlib.import_module(package + "." + name[:-3])
from ansible_collections.helmkit.core.plugins.module_utils.oci import api, orasio
from ansible_collections.helmkit.core.plugins.module_utils.libraries import MissingLibraryError
assert orasio.HAS_ORAS is False
try:
    api.pull("oci://r.example/charts/app:1.0.0")
except MissingLibraryError as exc:
    print("ERROR:%s|%s" % (exc.package, exc))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ, PYTHONPATH=os.path.abspath(tree)))
    assert proc.returncode == 0, proc.stderr
    assert "ERROR:oras|helmkit.core needs the Python package oras" in proc.stdout
    assert "pip install oras" in proc.stdout


# ---- a scripted registry: auth flows, retries, give-ups ---------------------------------------------------------

class Scripted(object):
    """HTTP server on 127.0.0.1: ``script`` maps path -> list of (status, headers, body) answers, the last one
    repeating; ``seen`` lists (method, path, Authorization header), ``bodies`` the request bodies."""

    def __init__(self):
        self.script = {}
        self.seen = []
        self.bodies = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                owner.bodies.append(self.rfile.read(length) if length else b"")
                path = self.path.split("?")[0]
                owner.seen.append((self.command, self.path, self.headers.get("Authorization")))
                answers = owner.script.get(path) or [(404, {}, b"")]
                status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
                if status == "reset":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_PUT = do_POST = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.host = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted(monkeypatch):
    monkeypatch.setattr(client_mod.RETRY, "base", 0.001)
    import oras.decorator

    class NoSleep(object):
        @staticmethod
        def sleep(seconds):
            raise AssertionError("oras's retry decorator slept %s s: it must not be in the request path" % seconds)

    monkeypatch.setattr(oras.decorator, "time", NoSleep)
    server = Scripted()
    yield server
    server.close()


TAGS = json.dumps({"name": "charts/app", "tags": ["1.0.0"]}).encode()


def test_503_then_success_is_retried(scripted):
    scripted.script["/v2/charts/app/tags/list"] = [(503, {}, b""), (500, {}, b""), (200, {}, TAGS)]
    with RegistryClient(scripted.host, plain_http=True) as client:
        assert client.tags("charts/app") == ["1.0.0"]
        assert any("HTTP 503, attempt 1 of 4" in text for _level, text in client.messages)
    assert len(scripted.seen) == 3


def test_give_up_names_registry_request_and_attempts(scripted):
    scripted.script["/v2/charts/app/tags/list"] = [(503, {"Retry-After": "0"}, b'{"errors":[{"code":"UNAVAILABLE",'
                                                                               b'"message":"down"}]}')]
    with RegistryClient(scripted.host, plain_http=True) as client:
        with pytest.raises(RegistryError) as info:
            client.tags("charts/app")
    text = str(info.value)
    assert scripted.host in text and "HTTP 503 to GET /v2/charts/app/tags/list" in text
    assert "UNAVAILABLE: down" in text and "gave up after 4 attempts" in text
    assert len(scripted.seen) == 4


def test_connection_refused_gives_up_with_attempts(monkeypatch):
    monkeypatch.setattr(client_mod.RETRY, "base", 0.001)
    server = Scripted()
    host = server.host
    server.close()
    with RegistryClient(host, plain_http=True) as client:
        with pytest.raises(RegistryError) as info:
            client.ping()
    assert "cannot reach registry %s" % host in str(info.value) and "gave up after 4 attempts" in str(info.value)


def test_reset_connection_is_retried(scripted):
    scripted.script["/v2/"] = [("reset", {}, b""), (200, {}, b"{}")]
    with RegistryClient(scripted.host, plain_http=True) as client:
        client.ping()
    assert [seen[0] for seen in scripted.seen] == ["GET", "GET"]


def test_basic_challenge_then_basic_up_front(scripted):
    basic = "Basic " + base64.b64encode(("u:" + SECRET).encode()).decode()
    scripted.script["/v2/"] = [(401, {"WWW-Authenticate": 'Basic realm="r"'}, b""), (200, {}, b"{}")]
    scripted.script["/v2/charts/app/tags/list"] = [(200, {}, TAGS)]
    with RegistryClient(scripted.host, Credential("u", SECRET, source="test creds"), plain_http=True) as client:
        client.ping()
        client.tags("charts/app")
    assert [seen[2] for seen in scripted.seen] == [None, basic, basic]


def test_refused_basic_names_source_not_secret(scripted):
    scripted.script["/v2/"] = [(401, {"WWW-Authenticate": 'Basic realm="r"'}, b"")]
    with RegistryClient(scripted.host, Credential("u", SECRET, source="test creds"), plain_http=True) as client:
        with pytest.raises(RegistryError) as info:
            client.ping()
    assert "refused the credentials from test creds" in str(info.value) and SECRET not in str(info.value)
    assert len(scripted.seen) == 2  # no third try with the same refused credentials


def test_bearer_tokens_cached_per_scope_and_identity_token_uses_refresh_grant(scripted):
    realm = "http://%s/token" % scripted.host
    challenge = 'Bearer realm="%s",service="svc",scope="repository:charts/app:pull"' % realm
    scripted.script["/v2/charts/app/tags/list"] = [(401, {"WWW-Authenticate": challenge}, b""), (200, {}, TAGS)]
    scripted.script["/token"] = [(200, {}, b'{"token":"tok-1"}')]
    cred = Credential(refresh_token="refresh-" + SECRET, source="identity token")
    with RegistryClient(scripted.host, cred, plain_http=True) as client:
        assert client.tags("charts/app") == ["1.0.0"]
        assert client.tags("charts/app") == ["1.0.0"]
    methods = [(m, p.split("?")[0], a) for m, p, a in scripted.seen]
    assert methods == [("GET", "/v2/charts/app/tags/list", None), ("POST", "/token", None),
                       ("GET", "/v2/charts/app/tags/list", "Bearer tok-1"),
                       ("GET", "/v2/charts/app/tags/list", "Bearer tok-1")]


def test_token_service_refusal_names_the_source(scripted):
    realm = "http://%s/token" % scripted.host
    scripted.script["/v2/"] = [(401, {"WWW-Authenticate": 'Bearer realm="%s",service="svc"' % realm}, b"")]
    scripted.script["/token"] = [(401, {}, b"")]
    with RegistryClient(scripted.host, Credential("u", SECRET, source="Docker config x"), plain_http=True) as client:
        with pytest.raises(RegistryError) as info:
            client.ping()
    text = str(info.value)
    assert "token service %s refused the credentials from Docker config x (HTTP 401)" % realm in text
    assert SECRET not in text


def test_unsupported_scheme(scripted):
    scripted.script["/v2/"] = [(401, {"WWW-Authenticate": 'Negotiate abc'}, b"")]
    with RegistryClient(scripted.host, Credential("u", SECRET), plain_http=True) as client:
        with pytest.raises(RegistryError) as info:
            client.ping()
    assert "unsupported authentication scheme 'negotiate'" in str(info.value)


def test_exact_manifest_bytes_are_sent(scripted):
    body = b'{"schemaVersion":2,  "odd spacing":true}'
    scripted.script["/v2/charts/app/manifests/1.0.0"] = [(201, {"Docker-Content-Digest": "sha256:x"}, b"")]
    with RegistryClient(scripted.host, plain_http=True) as client:
        assert client.put_manifest("charts/app", "1.0.0", body) == "sha256:x"
    assert scripted.bodies == [body]
    assert scripted.seen[0][:2] == ("PUT", "/v2/charts/app/manifests/1.0.0")


def test_netrc_credentials_are_never_sent(scripted, tmp_path, monkeypatch):
    host = scripted.host.split(":")[0]
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine %s login netrc-user password netrc-pass\n" % host)
    os.chmod(str(netrc), 0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    scripted.script["/v2/"] = [(200, {}, b"{}")]
    with RegistryClient(scripted.host, plain_http=True) as client:
        client.ping()
    assert scripted.seen[0][2] is None


def test_an_https_registry_never_sends_credentials_to_a_plain_http_token_service():
    """Issue 20: a challenge naming an http:// realm would carry the Basic credentials in clear text."""
    auth = orasio.HelmkitAuth("registry.example", Credential("u", SECRET, source="the test"))
    auth.prefix = "https"
    with pytest.raises(RegistryError, match="not HTTPS; refusing") as info:
        auth._bearer({"realm": "http://evil.example/token", "service": "s"}, "repository:a:pull", force=False)
    assert SECRET not in str(info.value)
