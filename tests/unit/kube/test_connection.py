"""Cluster access (issue 15): kubernetes.core's options and K8S_AUTH_* variables, Helm's HELM_KUBE* variables,
in-cluster configuration, kubeconfig features (tokenFile, exec plugins, certificate data, tls-server-name,
insecure-skip-tls-verify, proxy-url), impersonation, and the exact error texts.

Every test runs against the ``kubeapi`` fixture: the emulator, or unchanged against the real cluster of
HELMKIT_TEST_KUBECONFIG, with credentials from a ServiceAccount's TokenRequest (helpers/kubeauth.py). The one test
that needs the emulator's CA to issue a client certificate says so and, on a real cluster, uses the kubeconfig's own
client certificate or skips with that reason.
"""
import base64
import os
import select
import socket
import socketserver
import threading
import time
import urllib.parse

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient
from ansible_collections.helmkit.core.plugins.module_utils.kube.config import Settings, connection_secrets
from tests.helpers import leakscan
from tests.helpers.kubeauth import ServiceAccountAccess, exec_plugin, run_count

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
_VARIABLES = ("K8S_AUTH_HOST", "K8S_AUTH_API_KEY", "K8S_AUTH_KUBECONFIG", "K8S_AUTH_CONTEXT", "K8S_AUTH_USERNAME",
              "K8S_AUTH_PASSWORD", "K8S_AUTH_VERIFY_SSL", "K8S_AUTH_SSL_CA_CERT", "K8S_AUTH_CERT_FILE",
              "K8S_AUTH_KEY_FILE", "K8S_AUTH_PROXY", "K8S_AUTH_NO_PROXY", "K8S_AUTH_IMPERSONATE_USER",
              "K8S_AUTH_IMPERSONATE_GROUPS", "K8S_AUTH_PERSIST_CONFIG", "HELM_KUBEAPISERVER", "HELM_KUBETOKEN",
              "HELM_KUBECAFILE", "HELM_KUBEASUSER", "HELM_KUBEASGROUPS", "HELM_KUBEINSECURE_SKIP_TLS_VERIFY",
              "HELM_KUBETLS_SERVER_NAME", "HELM_KUBECONTEXT", "HELM_NAMESPACE", "KUBERNETES_SERVICE_HOST",
              "KUBERNETES_SERVICE_PORT", "HELMKIT_IN_CLUSTER_TOKEN_FILE", "HELMKIT_IN_CLUSTER_CA_FILE",
              "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture
def bare(monkeypatch, tmp_path):
    """No connection settings anywhere: no variables, KUBECONFIG naming a file that does not exist, a fresh HOME."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


@pytest.fixture
def access(kubeapi, tmp_path):
    """A ServiceAccount bound to cluster-admin, its host and CA file (helpers/kubeauth.py)."""
    with ServiceAccountAccess(kubeapi, tmp_path) as found:
        if found.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); these tests verify TLS")
        yield found


def _works(client):
    with client:
        return client.request("GET", CONFIGMAPS)["kind"] == "ConfigMapList"


def _kubeconfig(server, user, cluster_extra=None):
    cluster = {"server": server}
    cluster.update(cluster_extra or {})
    return {"apiVersion": "v1", "kind": "Config", "current-context": "c",
            "clusters": [{"name": "c", "cluster": cluster}], "users": [{"name": "u", "user": user}],
            "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u", "namespace": "web"}}]}


def _ca_data(access):
    with open(access.ca_file, "rb") as handle:
        return base64.b64encode(handle.read()).decode()


# -- precedence ------------------------------------------------------------------------------------------------------

def test_precedence_option_then_k8s_auth_then_helm():
    env = {"K8S_AUTH_HOST": "https://k8s-auth", "HELM_KUBEAPISERVER": "https://helm", "HELM_KUBETOKEN": "helm-tok",
           "HELM_KUBEINSECURE_SKIP_TLS_VERIFY": "true", "HELM_KUBEASGROUPS": "a, b", "K8S_AUTH_VERIFY_SSL": "",
           "HELM_KUBECONTEXT": "helm-ctx", "HELM_NAMESPACE": "apps"}
    settings = Settings({"host": None}, env)
    assert (settings.value("host"), settings.source("host")) == ("https://k8s-auth", "K8S_AUTH_HOST")
    assert (settings.value("api_key"), settings.source("api_key")) == ("helm-tok", "HELM_KUBETOKEN")
    assert settings.value("validate_certs") is False
    assert settings.value("impersonate_groups") == ["a", "b"]
    assert settings.value("context") == "helm-ctx" and settings.value("namespace") == "apps"
    settings = Settings({"host": "https://option", "validate_certs": True}, dict(env, K8S_AUTH_VERIFY_SSL="False"))
    assert (settings.value("host"), settings.source("host")) == ("https://option", "option host")
    assert settings.value("validate_certs") is True
    assert Settings({}, {"K8S_AUTH_VERIFY_SSL": "no"}).value("validate_certs") is False
    with pytest.raises(KubeError, match="K8S_AUTH_VERIFY_SSL: expected a boolean"):
        Settings({}, {"K8S_AUTH_VERIFY_SSL": "maybe"})


def test_secrets_from_options_and_environment_are_collected():
    found = connection_secrets({"api_key": "opt-token-1", "password": "opt-pass-1", "kubeconfig": None},
                               {"K8S_AUTH_API_KEY": "env-token-1", "HELM_KUBETOKEN": "helm-token-1"})
    assert found == {"opt-token-1", "opt-pass-1", "env-token-1", "helm-token-1"}


# -- AWX's bearer-token credential: K8S_AUTH_*, no kubeconfig ---------------------------------------------------------

def test_k8s_auth_environment_without_kubeconfig(bare, access):
    bare.setenv("K8S_AUTH_HOST", access.host)
    bare.setenv("K8S_AUTH_API_KEY", access.token())
    bare.setenv("K8S_AUTH_VERIFY_SSL", "True")
    bare.setenv("K8S_AUTH_SSL_CA_CERT", access.ca_file)
    assert _works(KubeClient())


def test_wrong_token_names_its_source(bare, access):
    bare.setenv("K8S_AUTH_HOST", access.host)
    bare.setenv("K8S_AUTH_API_KEY", "helmkit-wrong-token-0123456789")
    bare.setenv("K8S_AUTH_SSL_CA_CERT", access.ca_file)
    with pytest.raises(KubeError) as info, KubeClient() as client:
        client.request("GET", CONFIGMAPS)
    assert str(info.value) == ("401 Unauthorized from %s: the token from K8S_AUTH_API_KEY was refused" % access.host)
    assert "helmkit-wrong-token" not in str(info.value)


def test_option_beats_k8s_auth_beats_helm(bare, access):
    good = access.token()
    bare.setenv("HELM_KUBEAPISERVER", access.host)
    bare.setenv("HELM_KUBETOKEN", "helmkit-wrong-helm-token")
    bare.setenv("HELM_KUBECAFILE", access.ca_file)
    with pytest.raises(KubeError, match="the token from HELM_KUBETOKEN was refused$"), KubeClient() as client:
        client.request("GET", CONFIGMAPS)
    bare.setenv("K8S_AUTH_API_KEY", good)
    assert _works(KubeClient())
    bare.setenv("K8S_AUTH_API_KEY", "helmkit-wrong-k8s-token")
    assert _works(KubeClient(auth={"api_key": good}))


def test_helm_environment_alone(bare, access):
    bare.setenv("HELM_KUBEAPISERVER", access.host)
    bare.setenv("HELM_KUBETOKEN", access.token())
    bare.setenv("HELM_KUBECAFILE", access.ca_file)
    assert _works(KubeClient())


def test_ca_that_does_not_verify(bare, access, tmp_path):
    from kubeapi.certs import make_ca
    other = tmp_path / "other-ca.crt"
    other.write_bytes(make_ca()[0])
    client = KubeClient(auth={"host": access.host, "api_key": access.token(), "ca_cert": str(other)})
    with client, pytest.raises(KubeError) as info:
        client.request("GET", CONFIGMAPS)
    assert str(info.value).startswith(
        "TLS verification of %s failed: the CA certificate from option ca_cert (%s) does not verify the server's "
        "certificate (certificate verify failed" % (access.host, other))
    assert "validate_certs to false" in str(info.value)
    assert _works(KubeClient(auth={"host": access.host, "api_key": access.token(), "ca_cert": str(other),
                                   "validate_certs": False}))


def test_host_without_scheme(bare):
    bare.setenv("K8S_AUTH_HOST", "127.0.0.1:6443")
    bare.setenv("K8S_AUTH_API_KEY", "helmkit-unused-token")
    with pytest.raises(KubeError) as info:
        KubeClient()
    assert str(info.value) == ("host '127.0.0.1:6443' (from K8S_AUTH_HOST) has no scheme: expected "
                               "https://HOST[:PORT], for example https://127.0.0.1:6443")


def test_no_credentials(bare, access, kubeapi):
    """No token: the emulator answers 401 (--anonymous-auth=false); a real cluster with anonymous access enabled
    answers 403 for system:anonymous instead - both are asserted, each for its server."""
    bare.setenv("K8S_AUTH_HOST", access.host)
    bare.setenv("K8S_AUTH_SSL_CA_CERT", access.ca_file)
    with pytest.raises((KubeError, ApiError)) as info, KubeClient() as client:
        client.request("GET", CONFIGMAPS)
    if kubeapi.has_request_log or not isinstance(info.value, ApiError):
        assert str(info.value) == (
            "401 Unauthorized from %s: no credentials were sent (host from K8S_AUTH_HOST, without a kubeconfig); "
            "set api_key or K8S_AUTH_API_KEY, client_cert and client_key, or use a kubeconfig with a user"
            % access.host)
    else:
        assert info.value.status == 403 and "system:anonymous" in info.value.message


# -- in-cluster ---------------------------------------------------------------------------------------------------------

def _in_cluster_env(bare, access, tmp_path, token):
    parsed = urllib.parse.urlsplit(access.host)
    token_file = tmp_path / "sa-token"
    token_file.write_text(token)
    bare.setenv("KUBERNETES_SERVICE_HOST", parsed.hostname)
    bare.setenv("KUBERNETES_SERVICE_PORT", str(parsed.port or 443))
    bare.setenv("HELMKIT_IN_CLUSTER_TOKEN_FILE", str(token_file))
    bare.setenv("HELMKIT_IN_CLUSTER_CA_FILE", access.ca_file)
    return token_file


def test_in_cluster_token_is_reread_when_it_rotates(bare, access, tmp_path):
    token_file = _in_cluster_env(bare, access, tmp_path, access.token())
    with KubeClient() as client:
        assert client.request("GET", CONFIGMAPS)["kind"] == "ConfigMapList"
        replacement = tmp_path / "sa-token.new"
        replacement.write_text("helmkit-rotated-away-token")
        os.replace(replacement, token_file)  # the kubelet swaps a symlinked directory: a new inode
        with pytest.raises(KubeError) as info:
            client.request("GET", CONFIGMAPS)
        assert str(info.value) == ("401 Unauthorized from %s: the token from the in-cluster service-account token "
                                   "file %s was refused" % (client.server, token_file))
        replacement.write_text(access.token())
        os.replace(replacement, token_file)
        assert client.request("GET", CONFIGMAPS)["kind"] == "ConfigMapList"


def test_kubeconfig_wins_over_in_cluster(bare, access, tmp_path):
    _in_cluster_env(bare, access, tmp_path, "helmkit-not-this-token")
    config = tmp_path / "kubeconfig"
    config.write_text(yaml.safe_dump(_kubeconfig(access.host, {"token": access.token()},
                                                 {"certificate-authority-data": _ca_data(access)})))
    bare.setenv("KUBECONFIG", str(config))
    assert _works(KubeClient())


# -- kubeconfig features --------------------------------------------------------------------------------------------

def test_token_file_is_reread(bare, access, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(access.token())
    config = _kubeconfig(access.host, {"tokenFile": str(token_file)},
                         {"certificate-authority-data": _ca_data(access)})
    with KubeClient(config) as client:
        assert client.request("GET", CONFIGMAPS)["kind"] == "ConfigMapList"
        token_file.write_text("helmkit-stale-file-token!")
        with pytest.raises(KubeError, match="the token from the tokenFile of kubeconfig user 'u' was refused$"):
            client.request("GET", CONFIGMAPS)
        token_file.write_text(access.token())
        assert client.request("GET", CONFIGMAPS)["kind"] == "ConfigMapList"


def _exec_user(script, **extra):
    spec = {"apiVersion": "client.authentication.k8s.io/v1", "command": script, "args": [],
            "env": [{"name": "PLUGIN_ENV", "value": "from-kubeconfig"}], "interactiveMode": "Never"}
    spec.update(extra)
    return {"exec": spec}


def test_exec_plugin_token_cached_until_expiry(bare, access, tmp_path):
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3))
    script, runs = exec_plugin(tmp_path, [access.token()], expiry=soon)
    config = _kubeconfig(access.host, _exec_user(script), {"certificate-authority-data": _ca_data(access)})
    with KubeClient(config) as client:
        client.request("GET", CONFIGMAPS)
        client.request("GET", CONFIGMAPS)
        assert run_count(runs) == 1
        time.sleep(4.2)
        client.request("GET", CONFIGMAPS)
        assert run_count(runs) == 2
    with open(runs) as handle:
        assert handle.readline() == "client.authentication.k8s.io/v1 from-kubeconfig\n"


def test_exec_plugin_runs_again_after_401(bare, access, tmp_path):
    script, runs = exec_plugin(tmp_path, ["helmkit-revoked-exec-token", access.token()])
    config = _kubeconfig(access.host, _exec_user(script), {"certificate-authority-data": _ca_data(access)})
    assert _works(KubeClient(config))
    assert run_count(runs) == 2


def test_exec_plugin_missing(bare, access):
    config = _kubeconfig(access.host, _exec_user("helmkit-no-such-plugin",
                                                 installHint="Install it with: pip install nothing"),
                         {"certificate-authority-data": _ca_data(access)})
    with pytest.raises(KubeError) as info:
        KubeClient(config)
    assert str(info.value) == ("kubeconfig user 'u': the exec credential plugin 'helmkit-no-such-plugin' was not "
                               "found; Install it with: pip install nothing")


def test_exec_plugin_failure_shows_stderr_never_the_token(bare, access, tmp_path):
    script, _runs = exec_plugin(tmp_path, ["helmkit-exec-printed-token"], stderr="error: login expired, run login",
                                exit_code=3)
    config = _kubeconfig(access.host, _exec_user(script), {"certificate-authority-data": _ca_data(access)})
    with pytest.raises(KubeError) as info:
        KubeClient(config)
    assert str(info.value) == ("kubeconfig user 'u': the exec credential plugin %r exited with status 3: "
                               "error: login expired, run login" % script)
    assert "helmkit-exec-printed-token" not in str(info.value)


def test_client_certificate_data(bare, kubeapi, access):
    """Needs a client certificate the server trusts: the emulator issues one (its CA is ours); on a real cluster
    the test kubeconfig's own client-certificate-data is used, and without one the test skips saying so."""
    if kubeapi.has_request_log:
        cert, key = kubeapi.client_certificate("helmkit-cert-user", ["system:masters"])
        leakscan.SECRETS.add(key, "client key issued by the emulator")
        user = {"client-certificate-data": base64.b64encode(cert.encode()).decode(),
                "client-key-data": base64.b64encode(key.encode()).decode()}
    else:
        with open(kubeapi.kubeconfig) as handle:
            users = (yaml.safe_load(handle) or {}).get("users") or []
        user = next(({k: v for k, v in u["user"].items() if k in ("client-certificate-data", "client-key-data")}
                     for u in users if u.get("user", {}).get("client-certificate-data")), None)
        if not user:
            pytest.skip("the real cluster's kubeconfig has no client-certificate-data to test with (the emulator "
                        "issues one)")
    config = _kubeconfig(access.host, user, {"certificate-authority-data": _ca_data(access)})
    assert _works(KubeClient(config))
    assert _works(KubeClient(config, auth={"impersonate_user": "helmkit-cert-impersonated",
                                           "impersonate_groups": ["system:masters"]}))


def test_tls_server_name_and_insecure_skip(bare, access):
    token = access.token()
    ca = {"certificate-authority-data": _ca_data(access)}
    named = dict(ca, **{"tls-server-name": "kubernetes"})
    assert _works(KubeClient(_kubeconfig(access.host, {"token": token}, named)))
    misnamed = dict(ca, **{"tls-server-name": "not-the-apiserver.invalid"})
    with pytest.raises(KubeError, match="^TLS verification of .* failed: the CA certificate from the "
                                        "certificate-authority of the kubeconfig's cluster does not verify"):
        _works(KubeClient(_kubeconfig(access.host, {"token": token}, misnamed)))
    assert _works(KubeClient(_kubeconfig(access.host, {"token": token}, {"insecure-skip-tls-verify": True})))
    with pytest.raises(KubeError, match="^TLS verification of .* failed: the CA certificate from the system's "
                                        "trust store"):
        _works(KubeClient(_kubeconfig(access.host, {"token": token})))


class _ConnectProxy(socketserver.ThreadingTCPServer):
    """A minimal HTTP CONNECT proxy on 127.0.0.1 that counts the tunnels it opened."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.tunnels = []
        socketserver.ThreadingTCPServer.__init__(self, ("127.0.0.1", 0), _ProxyHandler)


class _ProxyHandler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode("latin-1").split()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        if len(line) < 2 or line[0] != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            return
        host, port = line[1].rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), timeout=30)
        self.server.tunnels.append(line[1])
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _w, _x = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()


def test_proxy_url(bare, access):
    proxy = _ConnectProxy()
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        url = "http://127.0.0.1:%d" % proxy.server_address[1]
        config = _kubeconfig(access.host, {"token": access.token()},
                             {"certificate-authority-data": _ca_data(access), "proxy-url": url})
        assert _works(KubeClient(config))
        assert proxy.tunnels == [urllib.parse.urlsplit(access.host).netloc]
    finally:
        proxy.shutdown()
        proxy.server_close()


# -- impersonation -----------------------------------------------------------------------------------------------------

def test_impersonated_user_without_permission(bare, access, kubeapi):
    auth = {"impersonate_user": "helmkit-nobody"}
    with KubeClient(kubeapi.kubeconfig, auth=auth) as client:
        with pytest.raises(ApiError) as info:
            client.request("GET", CONFIGMAPS)
    assert info.value.status == 403
    assert str(info.value) == (
        'configmaps is forbidden: User "helmkit-nobody" cannot list resource "configmaps" in API group "" in the '
        "namespace \"default\" (the request impersonated user 'helmkit-nobody', from option impersonate_user: "
        "grant that user or its groups access with RBAC)")
    bare.setenv("HELM_KUBEASUSER", "helmkit-admin-as")
    bare.setenv("HELM_KUBEASGROUPS", "system:masters")
    assert _works(KubeClient(kubeapi.kubeconfig))


def test_forbidden_impersonation(bare, kubeapi, tmp_path):
    with ServiceAccountAccess(kubeapi, tmp_path, cluster_admin=False) as plain:
        if plain.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); this test verifies TLS")
        client = KubeClient(auth={"host": plain.host, "api_key": plain.token(), "ca_cert": plain.ca_file,
                                  "impersonate_user": "helmkit-someone-else"})
        with client, pytest.raises(ApiError) as info:
            client.request("GET", CONFIGMAPS)
    assert info.value.status == 403
    assert str(info.value) == (
        'users "helmkit-someone-else" is forbidden: User "%s" cannot impersonate resource "users" in API group "" '
        "at the cluster scope (option impersonate_user asked to impersonate user 'helmkit-someone-else': grant the "
        "user that option api_key authenticates as the verb impersonate on users and groups (resourceNames may "
        "name them) with RBAC, or leave impersonate_user and impersonate_groups unset)" % plain.user)


def test_nothing_configured(bare, tmp_path):
    with pytest.raises(KubeError) as info:
        KubeClient()
    assert str(info.value) == (
        "no Kubernetes cluster configured: kubeconfig file %s not found, no host given, and not running in a pod "
        "(KUBERNETES_SERVICE_HOST is not set). Pass kubeconfig (or set K8S_AUTH_KUBECONFIG or KUBECONFIG), or host "
        "and api_key (or set K8S_AUTH_HOST and K8S_AUTH_API_KEY, as AWX's Kubernetes credential does)"
        % (tmp_path / "no-kubeconfig"))
    bare.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    bare.setenv("KUBERNETES_SERVICE_PORT", "443")
    bare.setenv("HELMKIT_IN_CLUSTER_TOKEN_FILE", str(tmp_path / "no-token"))
    with pytest.raises(KubeError, match="KUBERNETES_SERVICE_HOST is set but the service-account token .*no-token "
                                        "does not exist"):
        KubeClient()


def test_kubeconfig_token_refused_names_the_user(bare, access):
    config = _kubeconfig(access.host, {"token": "helmkit-wrong-kubeconfig-token"},
                         {"certificate-authority-data": _ca_data(access)})
    with KubeClient(config) as client, pytest.raises(KubeError) as info:
        client.request("GET", CONFIGMAPS)
    assert str(info.value) == "401 Unauthorized from %s: the token from kubeconfig user 'u' was refused" % access.host


def test_client_sends_every_impersonated_group(bare, access):
    bare.setenv("K8S_AUTH_IMPERSONATE_USER", "helmkit-as-user")
    bare.setenv("K8S_AUTH_IMPERSONATE_GROUPS", "helmkit-group-a,helmkit-group-b")
    with KubeClient(auth={"host": access.host, "api_key": access.token(), "ca_cert": access.ca_file}) as client:
        review = client.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                body={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
    assert review["status"]["userInfo"]["username"] == "helmkit-as-user"
    assert review["status"]["userInfo"]["groups"] == ["helmkit-group-a", "helmkit-group-b", "system:authenticated"]
