"""The oras-py transport against real registries (Debian's docker-registry): log lines never carry the password,
the Basic credentials or a token; registry faults (503, lost connections) are retried by our client and give-ups
name the registry, the request and the attempts; oras's own sleeping retry decorator is never in the path."""
from __future__ import annotations

import base64

import oras.provider  # first: oras.decorator alone is a circular import
import oras.decorator
import oras.logger
import pytest


from ansible_collections.helmkit.core.plugins.module_utils.errors import RegistryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils import report  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci import api, client as client_mod  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.credentials import Credential  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.push import build_artifact, push_artifact  # noqa: E402
from tests.helpers.registry import RegistryServer  # noqa: E402
from tests.helpers.faultproxy import FaultProxy  # noqa: E402
from tests.helpers.corpus import PODINFO

PASSWORD = "Oras-s3cret-pw-31"


@pytest.fixture(autouse=True)
def no_oras_sleep(monkeypatch):
    """oras's decorator.retry sleeps 3**n seconds per failure: fail the test if it is ever reached."""
    class NoSleep(object):
        @staticmethod
        def sleep(seconds):
            raise AssertionError("oras's retry decorator slept %s s" % seconds)

    monkeypatch.setattr(oras.decorator, "time", NoSleep)
    monkeypatch.setattr(client_mod.RETRY, "base", 0.001)


@pytest.fixture
def chatty_oras(monkeypatch):
    """Make oras log every request's headers at debug level and the URL at warning level, as a verbose oras
    would: the Authorization header (Basic or Bearer) then appears in its log lines."""
    body = oras.provider.Registry.do_request.__wrapped__

    def chatty(self, url, method="GET", data=None, headers=None, json=None, stream=False):
        oras.logger.logger.debug("request %s %s headers=%r" % (method, url, headers))
        response = body(self, url, method, data=data, headers=headers, json=json, stream=stream)
        oras.logger.logger.warning("answer %s to %s, sent %r" % (response.status_code, url,
                                                                 response.request.headers.get("Authorization")))
        return response

    monkeypatch.setattr(oras.provider.Registry.do_request, "__wrapped__", chatty)


def _artifact():
    with open(PODINFO, "rb") as fh:
        return build_artifact(fh.read(), "2026-01-01T00:00:00Z")


def _assert_masked(lines, secrets):
    assert lines, "oras logged nothing: the test did not exercise the capture"
    for level, text in lines:
        for secret in secrets:
            assert secret not in text, (level, text)


@pytest.mark.parametrize("auth", ["basic", "token"])
def test_oras_log_lines_never_carry_credentials_or_tokens(auth, chatty_oras, tmp_path):
    warnings, debug = [], []
    with RegistryServer(auth=auth, username="deploy", password=PASSWORD) as reg:
        cred = Credential("deploy", PASSWORD, source="test options")
        with report.routed(warnings.append, debug.append):
            with api.open_client(reg.host, plain_http=True, credential=cred) as client:
                assert push_artifact(client, "oci://%s/quiet" % reg.host, _artifact())["changed"] is True
                assert client.tags("quiet/podinfo") == ["6.14.1"]
                tokens = client._auth.tokens()
                lines = list(client.messages)
    assert (auth == "token") == bool(tokens)
    secrets = [PASSWORD, base64.b64encode(("deploy:" + PASSWORD).encode()).decode()] + tokens
    _assert_masked(lines, secrets)
    assert any(text.endswith("sent '%s ********'" % ("Basic" if auth == "basic" else "Bearer")) for _level, text in lines)
    assert warnings and debug and all(w.startswith("oras: answer ") for w in warnings)
    _assert_masked([("routed", text) for text in warnings + debug], secrets)


def test_identity_token_and_its_access_tokens_are_masked(chatty_oras):
    with RegistryServer(auth="token", username="deploy", password=PASSWORD) as reg:
        api.push(PODINFO, "oci://%s/ident" % reg.host, plain_http=True, username="deploy", password=PASSWORD)
        reg.token_requests.clear()
        ident = Credential(refresh_token="refresh-" + PASSWORD, source="test identity token")
        with api.open_client(reg.host, plain_http=True, credential=ident) as client:
            assert client.tags("ident/podinfo") == ["6.14.1"]
            secrets = ["refresh-" + PASSWORD] + client._auth.tokens()
            _assert_masked(client.messages, secrets)
        assert reg.token_requests[0][0] == "POST" and reg.token_requests[0][1]["grant_type"] == ["refresh_token"]


# ---- registry faults through a fault-injecting proxy ------------------------------------------------------------

@pytest.fixture(scope="module")
def proxied():
    with RegistryServer() as reg:
        with FaultProxy(reg.url, None) as proxy:
            yield proxy


@pytest.fixture
def proxy(proxied):
    proxied.faults[:] = []
    del proxied.seen[:]
    return proxied


def _host(proxy):
    return proxy.url.split("://", 1)[1]


def test_push_and_pull_survive_503_and_lost_connections(proxy, tmp_path):
    host = _host(proxy)
    proxy.add("GET", "/manifests/6.14.1", "status", status=503, retry_after=0)
    proxy.add("HEAD", "/blobs/", "reset", times=2)
    proxy.add("PUT", "/manifests/6.14.1", "reset", after=True)   # stored, answer lost: PUT again is harmless
    result = api.push(PODINFO, "oci://%s/flaky" % host, plain_http=True)
    assert result["changed"] is True
    assert proxy.count("PUT", "/manifests/6.14.1") == 2
    assert [f["left"] for f in proxy.faults] == [0, 0, 0]   # every fault was hit and survived
    proxy.add("GET", "/tags/list", "status", status=502)
    proxy.add("GET", "/blobs/sha256:", "reset", times=2)
    pulled = api.pull("oci://%s/flaky/podinfo" % host, version="^6", plain_http=True,
                      repository_cache=str(tmp_path / "cache"))
    assert pulled.version == "6.14.1" and pulled.downloaded is True
    assert proxy.count("GET", "/tags/list") == 2
    assert all(f["left"] == 0 for f in proxy.faults)


def test_give_up_on_503_names_registry_request_and_attempts(proxy, tmp_path):
    host = _host(proxy)
    proxy.add("GET", "/tags/list", "status", times=99, status=503)
    with pytest.raises(RegistryError) as info:
        api.pull("oci://%s/down/podinfo" % host, plain_http=True, repository_cache=str(tmp_path / "cache"))
    text = str(info.value)
    assert "registry %s answered HTTP 503 to GET /v2/down/podinfo/tags/list" % host in text
    assert "gave up after 4 attempts" in text
    assert proxy.count("GET", "/tags/list") == 4


def test_give_up_on_lost_connections_names_registry_and_attempts(proxy):
    host = _host(proxy)
    proxy.add("GET", "/v2/", "reset", times=99)
    with pytest.raises(RegistryError) as info:
        with api.open_client(host, plain_http=True) as client:
            client.ping()
    assert "cannot reach registry %s" % host in str(info.value) and "gave up after 4 attempts" in str(info.value)
    assert proxy.count("GET", "/v2/") == 4
