"""Kubeconfig resolution and the unreachable-cluster message."""
import socket

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kubeconfig(server, contexts=("one",)):
    return {
        "apiVersion": "v1", "kind": "Config", "current-context": contexts[0],
        "clusters": [{"name": c, "cluster": {"server": "%s/%s" % (server, c), "insecure-skip-tls-verify": True}}
                     for c in contexts],
        "users": [{"name": "u", "user": {"token": "s3cr3t-token"}}],
        "contexts": [{"name": c, "context": {"cluster": c, "user": "u"}} for c in contexts],
    }


def test_path_dict_and_text_forms_with_context(tmp_path):
    config = _kubeconfig("https://127.0.0.1:6443", ("one", "two"))
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(config))
    assert KubeClient(str(path)).server == "https://127.0.0.1:6443/one"
    assert KubeClient(config, context="two").server == "https://127.0.0.1:6443/two"
    assert KubeClient(yaml.safe_dump(config), context="two").server == "https://127.0.0.1:6443/two"


def test_environment_fallbacks(tmp_path, monkeypatch):
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(_kubeconfig("https://127.0.0.1:6443", ("one", "two"))))
    monkeypatch.setenv("K8S_AUTH_KUBECONFIG", str(path))
    monkeypatch.setenv("K8S_AUTH_CONTEXT", "two")
    assert KubeClient().server == "https://127.0.0.1:6443/two"
    monkeypatch.delenv("K8S_AUTH_KUBECONFIG")
    monkeypatch.delenv("K8S_AUTH_CONTEXT")
    monkeypatch.setenv("KUBECONFIG", "%s%s%s" % (tmp_path / "missing", ":", path))
    assert KubeClient().server == "https://127.0.0.1:6443/one"


def test_missing_file_and_unknown_context(tmp_path, monkeypatch):
    with pytest.raises(KubeError, match="kubeconfig file .*nope not found"):
        KubeClient(str(tmp_path / "nope"))
    with pytest.raises(KubeError) as info:  # names the contexts there are (issue 21)
        KubeClient(_kubeconfig("https://127.0.0.1:6443", ("one", "two")), context="zzz")
    assert str(info.value) == ("kubeconfig (given as data) has no context 'zzz'; its contexts are: one, two. Set "
                               "context to one of them, or leave it unset for the kubeconfig's current-context")


def test_unreachable_cluster_names_the_server_and_hides_the_token():
    server = "https://127.0.0.1:%d" % _free_port()
    client = KubeClient(_kubeconfig(server))
    with pytest.raises(KubeError) as info:
        client.request("GET", "/version")
    message = str(info.value)
    assert message.startswith("cannot reach the Kubernetes API server at %s/one: " % server)
    assert "s3cr3t-token" not in message
    client.close()


def test_kubeconfig_secrets_finds_tokens_and_keys():
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import kubeconfig_secrets
    config = _kubeconfig("https://127.0.0.1:6443")
    config["users"].append({"name": "v", "user": {"client-key-data": "S0VZ", "username": "bob", "password": "pw"}})
    assert kubeconfig_secrets(config) == {"s3cr3t-token", "S0VZ", "pw"}
    assert kubeconfig_secrets(yaml.safe_dump(config)) == {"s3cr3t-token", "S0VZ", "pw"}
    assert kubeconfig_secrets("/path/to/kubeconfig") == set()
