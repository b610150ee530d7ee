"""oci/credentials.py: the credential chain, Docker/Helm config files, credential helpers, login file writes and
Kubernetes Secrets."""
from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RegistryError
from ansible_collections.helmkit.core.plugins.module_utils.oci import credentials as creds


def _auth(user, password):
    return base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(data, fh)


@pytest.fixture
def env(tmp_path):
    """An isolated environment: HOME, Helm config home and Docker config under tmp_path."""
    return {"HOME": str(tmp_path / "home"), "HELM_CONFIG_HOME": str(tmp_path / "helm"),
            "DOCKER_CONFIG": str(tmp_path / "docker"), "PATH": os.environ.get("PATH", "")}


def test_paths_follow_helm_and_docker_variables(env, tmp_path):
    assert creds.helm_registry_config_path(env) == str(tmp_path / "helm" / "registry" / "config.json")
    assert creds.docker_config_path(env) == str(tmp_path / "docker" / "config.json")
    env2 = dict(env, HELM_REGISTRY_CONFIG=str(tmp_path / "x.json"))
    del env2["DOCKER_CONFIG"]
    assert creds.helm_registry_config_path(env2) == str(tmp_path / "x.json")
    assert creds.docker_config_path(env2) == str(tmp_path / "home" / ".docker" / "config.json")


def test_precedence_explicit_then_files_then_anonymous(env, tmp_path):
    host = "reg.example:5000"
    _write(creds.docker_config_path(env), {"auths": {host: {"auth": _auth("docker", "d")}}})
    found = creds.resolve_credentials(host, env=env)
    assert (found.username, found.password) == ("docker", "d") and "Docker config" in found.source

    _write(creds.helm_registry_config_path(env), {"auths": {host: {"auth": _auth("helm", "h")}}})
    found = creds.resolve_credentials(host, env=env)
    assert (found.username, found.password) == ("helm", "h") and "Helm registry config" in found.source

    custom = str(tmp_path / "custom.json")
    _write(custom, {"auths": {"https://" + host + "/v2/": {"auth": _auth("custom", "c")}}})
    found = creds.resolve_credentials(host, registry_config_path=custom, env=env)
    assert (found.username, found.password) == ("custom", "c") and custom in found.source

    found = creds.resolve_credentials(host, "explicit", "e", registry_config_path=custom, env=env)
    assert (found.username, found.password) == ("explicit", "e")
    assert creds.resolve_credentials(host, token="tok", env=env).access_token == "tok"

    other = creds.resolve_credentials("other.example", env=env)
    assert other.anonymous and other.source == "anonymous"


def test_identity_token_and_registry_token(env):
    _write(creds.docker_config_path(env), {"auths": {"r.io": {"identitytoken": "refresh-me"},
                                                     "t.io": {"registrytoken": "access-me"}}})
    assert creds.resolve_credentials("r.io", env=env).refresh_token == "refresh-me"
    assert creds.resolve_credentials("t.io", env=env).access_token == "access-me"


def test_repr_never_shows_secrets():
    c = creds.Credential("user", "hunter2", refresh_token="rt", access_token="at")
    assert "hunter2" not in repr(c) and "rt'" not in repr(c) and "at'" not in repr(c)


def test_corrupt_files_name_the_file(env):
    path = creds.docker_config_path(env)
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as fh:
        fh.write("{not json")
    with pytest.raises(RegistryError) as info:
        creds.resolve_credentials("r.io", env=env)
    assert path in str(info.value) and "not valid JSON" in str(info.value)
    _write(path, {"auths": {"r.io": {"auth": base64.b64encode(b"no-colon").decode()}}})
    with pytest.raises(RegistryError) as info:
        creds.resolve_credentials("r.io", env=env)
    assert "does not decode to user:password" in str(info.value)


def _helper(tmp_path, name, body):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / ("docker-credential-" + name)
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(bin_dir)


def test_credential_helpers_and_store(env, tmp_path, monkeypatch):
    bin_dir = _helper(tmp_path, "test", 'read host\n'
                      'if [ "$1" != get ]; then exit 2; fi\n'
                      'case "$host" in\n'
                      '  helper.io) echo "{\\"ServerURL\\":\\"$host\\",\\"Username\\":\\"hu\\",\\"Secret\\":\\"hs\\"}";;\n'
                      '  token.io) echo "{\\"Username\\":\\"<token>\\",\\"Secret\\":\\"idtok\\"}";;\n'
                      '  *) echo "credentials not found in native keychain"; exit 1;;\n'
                      'esac\n')
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ["PATH"])
    _write(creds.docker_config_path(env), {"credHelpers": {"helper.io": "test"}, "credsStore": "test",
                                           "auths": {"file.io": {"auth": _auth("fu", "fs")}}})
    found = creds.resolve_credentials("helper.io", env=env)
    assert (found.username, found.password) == ("hu", "hs")
    assert "docker-credential-test" in found.source
    assert creds.resolve_credentials("token.io", env=env).refresh_token == "idtok"  # via credsStore
    assert creds.resolve_credentials("file.io", env=env).username == "fu"  # auths entry before the store
    assert creds.resolve_credentials("none.io", env=env).anonymous  # helper says "not found"


def test_missing_helper_is_a_clear_error(env):
    _write(creds.docker_config_path(env), {"credHelpers": {"r.io": "does-not-exist-xyz"}})
    with pytest.raises(RegistryError) as info:
        creds.resolve_credentials("r.io", env=env)
    assert "docker-credential-does-not-exist-xyz is not on PATH" in str(info.value)


def test_write_and_remove_login_are_idempotent_atomic_and_private(tmp_path):
    path = str(tmp_path / "registry" / "config.json")
    _write(path, {"auths": {"keep.io": {"auth": _auth("k", "k")}}, "credsStore": "x"})
    assert creds.write_login(path, "r.io:5000", "u", "p", check_mode=True) is True
    assert "r.io:5000" not in json.load(open(path))["auths"]
    assert creds.write_login(path, "r.io:5000", "u", "p") is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data = json.load(open(path))
    assert data["auths"]["r.io:5000"] == {"auth": _auth("u", "p")}
    assert data["auths"]["keep.io"] == {"auth": _auth("k", "k")} and data["credsStore"] == "x"
    assert creds.write_login(path, "oci://r.io:5000", "u", "p") is False
    assert creds.write_login(path, "r.io:5000", "u", "p2") is True
    assert not [n for n in os.listdir(os.path.dirname(path)) if n.startswith(".config.json")]  # no temp left
    assert creds.remove_login(path, "r.io:5000", check_mode=True) is True
    assert "r.io:5000" in json.load(open(path))["auths"]
    assert creds.remove_login(path, "r.io:5000") is True
    assert creds.remove_login(path, "r.io:5000") is False
    assert creds.remove_login(str(tmp_path / "missing.json"), "r.io") is False
    assert not os.path.exists(tmp_path / "missing.json")


def _secret(kind, data):
    return {"type": kind, "data": dict((k, base64.b64encode(v.encode()).decode()) for k, v in data.items())}


def test_secret_credentials_dockerconfigjson_and_fallback_namespace():
    store = {
        ("ops", "regcred"): _secret("kubernetes.io/dockerconfigjson", {".dockerconfigjson": json.dumps(
            {"auths": {"https://r.io": {"username": "su", "password": "sp"}}})}),
        ("app", "basic"): _secret("Opaque", {"username": "bu", "password": "bp"}),
    }
    calls = []

    def read(name, namespace):
        calls.append((name, namespace))
        return store.get((namespace, name))

    found = creds.secret_credentials(read, "regcred", "app", "ops", "r.io")
    assert (found.username, found.password) == ("su", "sp")
    assert calls == [("regcred", "app"), ("regcred", "ops")]
    assert found.source == 'Secret "ops/regcred"'
    found = creds.secret_credentials(read, "basic", "app", "ops", "r.io")
    assert (found.username, found.password) == ("bu", "bp")
    with pytest.raises(RegistryError) as info:
        creds.secret_credentials(read, "missing", "app", "ops", "r.io")
    assert 'Secret "missing" was not found in namespace "app" nor in "ops"' in str(info.value)
    with pytest.raises(RegistryError) as info:
        creds.secret_credentials(read, "regcred", "ops", None, "other.io")
    assert "no credentials for registry other.io" in str(info.value) and "https://r.io" in str(info.value)
    store[("app", "tok")] = _secret("Opaque", {"token": "tok-value-1"})
    found = creds.secret_credentials(read, "tok", "app", None, "r.io")
    assert found.access_token == "tok-value-1" and found.username is None and found.source == 'Secret "app/tok"'
    store[("app", "bad")] = _secret("Opaque", {"user": "x"})
    with pytest.raises(RegistryError) as info:
        creds.secret_credentials(read, "bad", "app", None, "r.io")
    assert "must be of type kubernetes.io/dockerconfigjson or have username and password" in str(info.value)
