"""kube/kubeconfig.py: our kubeconfig loading (client-go's clientcmd rules) against the kubernetes package's
KubeConfigLoader/KubeConfigMerger, the reference for its own behaviour where the two agree; and kube/k8s_lite.py:
the package imported without its eager ``__init__``, still whole for anyone who imports ``kubernetes`` later.

No cluster: connections are resolved, not used (the live paths are tests/unit/kube/test_connection.py's).
"""
import base64
import importlib.metadata
import json
import os
import stat
import subprocess
import sys
import time

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube.config import resolve_connection

from kubeapi.certs import make_ca

_CERT, _KEY = make_ca()

# The reference changed between the releases requirements.txt allows (its floor is 29.0.0): the package's loader
# reads a cluster's proxy-url from 37.0 on, and its merger keeps the last file's current-context from 30.0 on (29
# kept the first one's, as client-go does).
_PACKAGE = tuple(int(part) for part in importlib.metadata.version("kubernetes").split(".")[:2])
_PACKAGE_READS_PROXY_URL = _PACKAGE >= (37, 0)
_PACKAGE_LAST_CURRENT_CONTEXT = _PACKAGE >= (30, 0)


def _b64(data) -> str:
    return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()


def _config(server="https://127.0.0.1:6443", cluster=None, user=None, current="c", name="c", users=True):
    cluster = dict({"server": server}, **(cluster or {}))
    return {"apiVersion": "v1", "kind": "Config", "current-context": current,
            "clusters": [{"name": "k", "cluster": cluster}],
            "users": [{"name": "u", "user": user or {"token": "helmkit-loader-token"}}] if users else [],
            "contexts": [{"name": name, "context": {"cluster": "k", "user": "u", "namespace": "ns"}}]}


@pytest.fixture
def quiet(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(("K8S_AUTH_", "HELM_KUBE", "KUBERNETES_SERVICE")) or name in ("KUBECONFIG", "HELM_NAMESPACE"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return monkeypatch


def _package(config_dict=None, paths=None, context=None):
    """The kubernetes package's Configuration for the same kubeconfig (the reference)."""
    from kubernetes import client
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger
    configuration = client.Configuration()
    if paths is not None:
        config_dict = KubeConfigMerger(os.pathsep.join(paths)).config
    KubeConfigLoader(config_dict=config_dict, active_context=context, config_base_path=None).load_and_set(
        configuration)
    return configuration


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _same_as_package(ours, theirs):
    for name in ("host", "verify_ssl", "tls_server_name", "proxy"):
        if name == "proxy" and not _PACKAGE_READS_PROXY_URL:
            assert theirs.proxy is None
            continue
        assert getattr(ours, name) == getattr(theirs, name), name
    for name in ("ssl_ca_cert", "cert_file", "key_file"):
        mine, reference = getattr(ours, name), getattr(theirs, name)
        assert (mine is None) == (reference is None), name
        if mine is not None:
            assert _read(mine) == _read(reference), name


# -- what a user gives, compared with the package ------------------------------------------------------------------

@pytest.mark.parametrize("cluster, user", [
    ({"certificate-authority-data": _b64(_CERT)}, {"token": "helmkit-loader-token"}),
    ({"insecure-skip-tls-verify": True, "tls-server-name": "kubernetes", "proxy-url": "http://127.0.0.1:3128"},
     {"username": "bob", "password": "helmkit-loader-password"}),
    ({"certificate-authority-data": _b64(_CERT)},
     {"client-certificate-data": _b64(_CERT), "client-key-data": _b64(_KEY)}),
    ({"insecure-skip-tls-verify": False}, {}),
])
def test_data_users_match_the_package(quiet, cluster, user):
    config = _config(cluster=cluster, user=user)
    connection = resolve_connection({"kubeconfig": config})
    try:
        _same_as_package(connection.configuration, _package(config))
    finally:
        connection.close()


def test_plain_http_server_loads_no_tls_files_like_the_package(quiet):
    config = _config("http://127.0.0.1:8080", cluster={"certificate-authority-data": _b64(_CERT)},
                     user={"client-certificate-data": _b64(_CERT), "client-key-data": _b64(_KEY)})
    connection = resolve_connection({"kubeconfig": config})
    _same_as_package(connection.configuration, _package(config))
    assert connection.configuration.ssl_ca_cert is None and connection.configuration.cert_file is None


def test_files_relative_to_the_kubeconfig(quiet, tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ca.crt").write_bytes(_CERT)
    (tmp_path / "conf" / "client.crt").write_bytes(_CERT)
    (tmp_path / "conf" / "client.key").write_bytes(_KEY)
    (tmp_path / "conf" / "token").write_text("helmkit-loader-file-token")
    path = tmp_path / "conf" / "config"
    path.write_text(yaml.safe_dump(_config(cluster={"certificate-authority": "ca.crt"},
                                           user={"client-certificate": "client.crt", "client-key": "client.key"})))
    connection = resolve_connection({"kubeconfig": str(path)})
    assert connection.configuration.ssl_ca_cert == str(tmp_path / "conf" / "ca.crt")
    assert connection.configuration.cert_file == str(tmp_path / "conf" / "client.crt")
    _same_as_package(connection.configuration, _package(paths=[str(path)]))
    path.write_text(yaml.safe_dump(_config(user={"tokenFile": "token"})))
    connection = resolve_connection({"kubeconfig": str(path)})
    assert connection.credential.header() == "Bearer helmkit-loader-file-token"
    assert connection.credential.path == str(tmp_path / "conf" / "token")


def test_user_files_resolve_against_the_users_own_file(quiet, tmp_path):
    """client-go resolves a stanza's paths against the file that defined it; the package resolves a user's client
    certificate against the *cluster's* file. Here they differ, and ours is client-go's."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "client.crt").write_bytes(_CERT)
    (tmp_path / "b" / "client.key").write_bytes(_KEY)
    first = _config(users=False)
    second = {"users": [{"name": "u", "user": {"client-certificate": "client.crt", "client-key": "client.key"}}]}
    (tmp_path / "a" / "config").write_text(yaml.safe_dump(first))
    (tmp_path / "b" / "config").write_text(yaml.safe_dump(second))
    paths = [str(tmp_path / "a" / "config"), str(tmp_path / "b" / "config")]
    connection = resolve_connection({"kubeconfig": os.pathsep.join(paths)})
    assert connection.configuration.cert_file == str(tmp_path / "b" / "client.crt")
    assert connection.configuration.key_file == str(tmp_path / "b" / "client.key")


def test_missing_certificate_file_names_the_user_and_option(quiet, tmp_path):
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(_config(user={"client-certificate": "gone.crt", "client-key": "gone.key"})))
    with pytest.raises(KubeError) as info:
        resolve_connection({"kubeconfig": str(path)})
    assert str(info.value) == ("kubeconfig user 'u': client-certificate file %s not found (relative paths are "
                               "resolved against %s)" % (tmp_path / "gone.crt", path))


# -- merging several files -----------------------------------------------------------------------------------------

def test_merge_first_file_to_define_a_name_wins(quiet, tmp_path):
    first = _config("https://first.invalid:6443", user={"token": "helmkit-first-token"})
    second = _config("https://second.invalid:6443", cluster={"tls-server-name": "not-merged"},
                     user={"token": "helmkit-second-token"}, current="other", name="other")
    second["contexts"].append({"name": "c", "context": {"cluster": "nowhere", "user": "nobody"}})
    second["clusters"].append({"name": "k2", "cluster": {"server": "https://second-k2.invalid:6443"}})
    second["contexts"][0]["context"]["cluster"] = "k2"
    (tmp_path / "one").write_text(yaml.safe_dump(first))
    (tmp_path / "two").write_text(yaml.safe_dump(second))
    paths = [str(tmp_path / "missing"), str(tmp_path / "one"), str(tmp_path / "two")]
    quiet.setenv("KUBECONFIG", os.pathsep.join(paths))
    connection = resolve_connection({})
    assert connection.configuration.host == "https://first.invalid:6443"
    assert connection.configuration.tls_server_name is None  # the second file's cluster "k" is ignored whole
    assert connection.credential.header() == "Bearer helmkit-first-token"
    # Where the package agrees (named entries: first wins), it is the reference:
    _same_as_package(connection.configuration, _package(paths=paths, context="c"))
    # current-context: client-go takes the first file's ("c"); the package's merger keeps the last one's ("other").
    assert _package(paths=paths).host == ("https://second-k2.invalid:6443" if _PACKAGE_LAST_CURRENT_CONTEXT
                                          else "https://first.invalid:6443")
    other = resolve_connection({"context": "other"})
    assert other.configuration.host == "https://second-k2.invalid:6443"
    _same_as_package(other.configuration, _package(paths=paths, context="other"))


def test_empty_file_in_the_list_is_an_empty_config(quiet, tmp_path):
    (tmp_path / "empty").write_text("")
    (tmp_path / "real").write_text(yaml.safe_dump(_config()))
    connection = resolve_connection({"kubeconfig": "%s%s%s" % (tmp_path / "empty", os.pathsep, tmp_path / "real")})
    assert connection.configuration.host == "https://127.0.0.1:6443"


# -- errors ----------------------------------------------------------------------------------------------------------

def test_missing_context_cluster_user_name_the_file_and_option(quiet, tmp_path):
    path = tmp_path / "config"
    config = _config()
    config["contexts"][0]["context"]["cluster"] = "gone"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(KubeError) as info:
        resolve_connection({"kubeconfig": str(path)})
    assert str(info.value) == "kubeconfig %s: cluster 'gone' was not found for context 'c'; its clusters are: k" % path
    config = _config()
    config["contexts"][0]["context"]["user"] = "nobody"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(KubeError) as info:
        resolve_connection({"kubeconfig": str(path)})
    assert str(info.value) == "kubeconfig %s: user 'nobody' was not found for context 'c'; its users are: u" % path
    path.write_text(yaml.safe_dump(_config(current="elsewhere")))
    with pytest.raises(KubeError) as info:
        resolve_connection({"kubeconfig": str(path)})
    assert str(info.value) == ("kubeconfig %s: its current-context 'elsewhere' is not one of its contexts (c). Set "
                               "context to one of them, or fix current-context" % path)
    with pytest.raises(KubeError) as info:
        resolve_connection({"kubeconfig": str(path), "context": "zzz"})
    assert str(info.value).startswith("kubeconfig %s has no context 'zzz'; its contexts are: c." % path)
    config = _config(current="")
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(KubeError, match="sets no current-context and no context was given; its contexts are: c"):
        resolve_connection({"kubeconfig": str(path)})
    config = _config()
    del config["clusters"][0]["cluster"]["server"]
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(KubeError, match="^kubeconfig .*: cluster 'k' has no server"):
        resolve_connection({"kubeconfig": str(path)})
    assert resolve_connection({"kubeconfig": str(path), "host": "https://10.0.0.1"}).configuration.host == \
        "https://10.0.0.1"


def test_bad_base64_names_the_option(quiet):
    config = _config(cluster={"certificate-authority-data": "not base64 at all!"})
    with pytest.raises(KubeError) as info:
        resolve_connection({"kubeconfig": config})
    assert str(info.value) == "kubeconfig cluster 'k': certificate-authority-data is not valid base64"


# -- certificate data as private temporary files ----------------------------------------------------------------------

def test_certificate_data_files_are_private_and_removed_on_close(quiet):
    config = _config(cluster={"certificate-authority-data": _b64(_CERT)},
                     user={"client-certificate-data": _b64(_CERT), "client-key-data": _b64(_KEY)})
    connection = resolve_connection({"kubeconfig": config})
    files = [connection.configuration.ssl_ca_cert, connection.configuration.cert_file,
             connection.configuration.key_file]
    assert _read(files[2]) == _KEY and _read(files[0]) == _CERT
    for path in files:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    connection.close()
    assert not any(os.path.exists(path) for path in files)


# -- auth-provider users keep the package's loader ------------------------------------------------------------------

def _run(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


_PREFIX = "ansible_collections.helmkit.core.plugins.module_utils.kube"


def test_auth_provider_user_uses_the_package_only_then(quiet, tmp_path):
    claims = base64.urlsafe_b64encode(json.dumps({"exp": int(time.time()) + 3600}).encode()).decode().rstrip("=")
    token = "eyJhbGciOiJub25lIn0.%s.c2ln" % claims
    provider = {"name": "oidc", "config": {"id-token": token, "client-id": "x", "idp-issuer-url": "https://idp.invalid"}}
    oidc = _config(user={"auth-provider": provider})
    (tmp_path / "oidc").write_text(yaml.safe_dump(oidc))
    (tmp_path / "token").write_text(yaml.safe_dump(_config()))
    found = _run(
        "import json, sys\n"
        "from %s.config import resolve_connection\n"
        "plain = resolve_connection({'kubeconfig': %r})\n"
        "before = sorted(m for m in ('kubernetes.config', 'pydantic', 'kubernetes.dynamic') if m in sys.modules)\n"
        "oidc = resolve_connection({'kubeconfig': %r})\n"
        "print(json.dumps({'before': before, 'after': 'kubernetes.config' in sys.modules,\n"
        "                  'auth': oidc.configuration.auth_settings()['BearerToken']['value'],\n"
        "                  'credential': oidc.credential is None, 'origin': oidc.origin}))\n"
        % (_PREFIX, str(tmp_path / "token"), str(tmp_path / "oidc")))
    assert found == {"before": [], "after": True, "auth": "Bearer %s" % token, "credential": True,
                     "origin": "kubeconfig user 'u'"}


# -- k8s_lite: the package without its eager __init__, whole for later importers -------------------------------------

def test_later_importers_get_the_whole_package():
    found = _run(
        "import importlib.metadata, json, sys\n"
        "import %s.client\n"
        "light = sorted(m for m in ('kubernetes.config', 'kubernetes.dynamic', 'kubernetes.watch', 'pydantic',\n"
        "                           'kubernetes.client.api_client') if m in sys.modules)\n"
        "import kubernetes\n"
        "version = kubernetes.__version__ == importlib.metadata.version('kubernetes')\n"
        "still = 'kubernetes.config' in sys.modules\n"
        "load = kubernetes.config.load_kube_config.__name__\n"
        "from kubernetes import config, watch\n"
        "from kubernetes.dynamic import DynamicClient\n"
        "core = kubernetes.client.CoreV1Api.__name__\n"
        "print(json.dumps({'light': light, 'version': version, 'still': still, 'load': load, 'core': core,\n"
        "                  'same': config is kubernetes.config and DynamicClient is kubernetes.dynamic.DynamicClient,\n"
        "                  'watch': watch.Watch.__name__, 'stream': callable(kubernetes.stream.stream),\n"
        "                  'missing': hasattr(kubernetes, 'no_such_thing')}))\n" % _PREFIX)
    assert found == {"light": [], "version": True, "still": False, "load": "load_kube_config", "core": "CoreV1Api",
                     "same": True, "watch": "Watch", "stream": True, "missing": False}


def test_an_already_imported_package_is_used_as_it_is():
    found = _run(
        "import json, sys\n"
        "import kubernetes\n"
        "real = kubernetes\n"
        "import %s.client\n"
        "print(json.dumps({'same': sys.modules['kubernetes'] is real, 'getattr': '__getattr__' in vars(real)}))\n"
        % _PREFIX)
    assert found == {"same": True, "getattr": False}


def test_threads_completing_the_package_at_once():
    found = _run(
        "import json, threading\n"
        "import %s.client\n"
        "import kubernetes\n"
        "out = []\n"
        "threads = [threading.Thread(target=lambda: out.append(kubernetes.dynamic.DynamicClient.__name__))\n"
        "           for _ in range(4)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(json.dumps(out))\n" % _PREFIX)
    assert found == ["DynamicClient"] * 4


def test_exec_client_certificate_and_relative_command(quiet, tmp_path):
    """An exec plugin named by a relative path (with a separator: client-go resolves it against the kubeconfig's
    directory) that returns a client certificate: written to private temporary files, removed on close; the
    certificate's source is the plugin, and no bearer token is sent."""
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "cert-plugin"
    status = {"clientCertificateData": _CERT.decode(), "clientKeyData": _KEY.decode()}
    script.write_text("#!%s\nimport json\nprint(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', "
                      "'kind': 'ExecCredential', 'status': %r}))\n" % (sys.executable, status))
    script.chmod(0o755)
    path = tmp_path / "config"
    plugin = {"apiVersion": "client.authentication.k8s.io/v1", "command": "./bin/cert-plugin"}
    path.write_text(yaml.safe_dump(_config(user={"exec": plugin})))
    connection = resolve_connection({"kubeconfig": str(path)})
    configuration = connection.configuration
    assert _read(configuration.cert_file) == _CERT and _read(configuration.key_file) == _KEY
    assert stat.S_IMODE(os.stat(configuration.key_file).st_mode) == 0o600
    assert connection.client_cert_source == "the exec plugin of kubeconfig user 'u'"
    assert connection.credential.header() is None
    files = [configuration.cert_file, configuration.key_file]
    connection.close()
    assert not any(os.path.exists(name) for name in files)
