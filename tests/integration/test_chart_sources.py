"""Issue 14: one chart source for every module, against real servers on 127.0.0.1.

Sources: an HTTP repository with Basic auth over TLS with a private CA, one with a Bearer token over plain HTTP
(tests/helpers/chartrepo.py), and Debian's docker-registry with htpasswd over plain HTTP and over TLS
(tests/helpers/registry.py). For each source and auth: success, wrong credentials (a clear error naming the host
and the status, the secret absent), a missing CA file (a plan-time error, before any request) and, for TLS, a
certificate from an unknown CA (refused). Then helm_release installs from three of them without a helm_repository
task, credentials from a Kubernetes Secret in the release's and in the fallback namespace, and the release is the
same as helm_python's install of the same chart; helm_pull, helm_show and helm_template take the same options.
"""
import base64
import hashlib
import json
import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci import api  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.locate import locate  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import SourceOptions  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.ref import ChartRef  # noqa: E402
from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.registry import RegistryServer  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")

REPO_PASSWORD = "Src-basic-pw-4821"
REPO_TOKEN = "Src-bearer-token-77f3a9"
REGISTRY_PASSWORD = "Src-registry-pw-5530"
WRONG_PASSWORD = "Src-wrong-pw-0192"
WRONG_TOKEN = "Src-wrong-token-6614"


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture(scope="module")
def basic_tls_repo():
    with ChartRepoServer(charts=[PODINFO], username="deploy", password=REPO_PASSWORD, tls=True) as repo:
        yield repo


@pytest.fixture(scope="module")
def bearer_repo():
    with ChartRepoServer(charts=[PODINFO], token=REPO_TOKEN) as repo:
        yield repo


def _registry(tls):
    reg = RegistryServer(auth="basic", username="deploy", password=REGISTRY_PASSWORD, tls=tls)
    reg.__enter__()
    api.push(PODINFO, "oci://%s/charts" % reg.host, plain_http=not tls, ca_file=reg.ca_file, username="deploy",
             password=REGISTRY_PASSWORD)
    return reg


@pytest.fixture(scope="module")
def http_registry():
    reg = _registry(False)
    yield reg
    reg.__exit__(None, None, None)


@pytest.fixture(scope="module")
def tls_registry():
    reg = _registry(True)
    yield reg
    reg.__exit__(None, None, None)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No ambient Helm/Docker credentials or repositories; fresh Helm homes. Returns the environment dict."""
    env = {"HOME": str(tmp_path / "home"), "HELM_CONFIG_HOME": str(tmp_path / "helmconfig"),
           "HELM_CACHE_HOME": str(tmp_path / "helmcache"), "DOCKER_CONFIG": str(tmp_path / "docker")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("HELM_REGISTRY_CONFIG", "HELM_REPOSITORY_CONFIG", "HELM_REPOSITORY_CACHE", "SSL_CERT_FILE"):
        monkeypatch.delenv(key, raising=False)
    return env


# -- the matrix at the source layer: source x auth x case -------------------------------------------------------

def _sources(basic_tls_repo, bearer_repo, http_registry, tls_registry):
    """name -> (ChartRef text, repo_url, good options, wrong options, host, TLS CA or None, secret in wrong options)"""
    return {
        "basic-tls-repo": ("podinfo", basic_tls_repo.url,
                           dict(username="deploy", password=REPO_PASSWORD, ca_file=basic_tls_repo.ca_file),
                           dict(username="deploy", password=WRONG_PASSWORD, ca_file=basic_tls_repo.ca_file),
                           basic_tls_repo.url.split("://")[1], basic_tls_repo.ca_file, WRONG_PASSWORD),
        "bearer-repo": ("podinfo", bearer_repo.url, dict(token=REPO_TOKEN), dict(token=WRONG_TOKEN),
                        bearer_repo.url.split("://")[1], None, WRONG_TOKEN),
        "oci-http": ("oci://%s/charts/podinfo" % http_registry.host, None,
                     dict(username="deploy", password=REGISTRY_PASSWORD, plain_http=True),
                     dict(username="deploy", password=WRONG_PASSWORD, plain_http=True),
                     http_registry.host, None, WRONG_PASSWORD),
        "oci-tls": ("oci://%s/charts/podinfo" % tls_registry.host, None,
                    dict(username="deploy", password=REGISTRY_PASSWORD, ca_file=tls_registry.ca_file),
                    dict(username="deploy", password=WRONG_PASSWORD, ca_file=tls_registry.ca_file),
                    tls_registry.host, tls_registry.ca_file, WRONG_PASSWORD),
    }


SOURCES = ("basic-tls-repo", "bearer-repo", "oci-http", "oci-tls")


@pytest.fixture(scope="module")
def sources(basic_tls_repo, bearer_repo, http_registry, tls_registry):
    return _sources(basic_tls_repo, bearer_repo, http_registry, tls_registry)


def _locate(text, repo_url, **options):
    return locate(ChartRef.parse(text, repo_url), SourceOptions(version="6.14.1", **options))


@pytest.mark.parametrize("source", SOURCES)
def test_success(sources, isolated, source):
    text, repo_url, good, _wrong, host, _ca, _secret = sources[source]
    located = _locate(text, repo_url, **good)
    assert (located.name, located.version, located.digest) == ("podinfo", "6.14.1", sha256(PODINFO))
    assert located.credentials_source == "task options" and located.downloaded
    assert REPO_PASSWORD not in json.dumps(located.as_dict()) and REPO_TOKEN not in json.dumps(located.as_dict())


@pytest.mark.parametrize("source", SOURCES)
def test_wrong_credentials_name_the_host_and_status(sources, isolated, source):
    text, repo_url, _good, wrong, host, _ca, secret = sources[source]
    with pytest.raises(HelmkitError) as info:
        _locate(text, repo_url, **wrong)
    message = str(info.value)
    assert host in message, message
    assert "401" in message or "unauthorized" in message.lower(), message
    assert secret not in message and REPO_PASSWORD not in message and REGISTRY_PASSWORD not in message


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("option", ["ca_file", "registry_config", "cert_file"])
def test_missing_file_is_a_plan_time_error(sources, isolated, source, option, basic_tls_repo, bearer_repo):
    text, repo_url, good, _wrong, _host, _ca, _secret = sources[source]
    before = len(basic_tls_repo.requests) + len(bearer_repo.requests)
    missing = os.path.join(isolated["HOME"], "no-such-%s.pem" % option)
    extra = {option: missing}
    if option == "cert_file":
        extra["key_file"] = missing
    with pytest.raises(HelmkitError) as info:
        _locate(text, repo_url, **dict(good, **extra))
    assert option in str(info.value) and missing in str(info.value)
    assert len(basic_tls_repo.requests) + len(bearer_repo.requests) == before, "a request was sent"


@pytest.mark.parametrize("source", ["basic-tls-repo", "oci-tls"])
def test_certificate_from_an_unknown_ca_is_refused(sources, isolated, source):
    text, repo_url, good, _wrong, host, _ca, _secret = sources[source]
    without_ca = dict((k, v) for k, v in good.items() if k != "ca_file")
    with pytest.raises(HelmkitError) as info:
        _locate(text, repo_url, **without_ca)
    message = str(info.value).lower()
    assert "certificate" in message or "tls" in message or "ssl" in message, message
    assert host in str(info.value)


def test_oci_reference_without_version(sources, isolated):
    """As Helm does, an OCI reference without a version takes the registry's highest semver tag; with
    require_version (helm_release's require_chart_version) it is a plan-time error instead."""
    text, _repo_url, good, _wrong, _host, _ca, _secret = sources["oci-http"]
    located = locate(ChartRef.parse(text), SourceOptions(**good))
    assert located.version == "6.14.1", located.version
    with pytest.raises(HelmkitError) as info:
        locate(ChartRef.parse(text), SourceOptions(require_version=True, **good))
    assert "names no version" in str(info.value)


def test_bearer_token_stays_on_the_repository_host(isolated, bearer_repo):
    """A chart URL on another host (localhost vs 127.0.0.1) gets no Authorization header without pass_credentials."""
    with ChartRepoServer(charts=[PODINFO], host="localhost") as other:
        with ChartRepoServer(charts=[PODINFO], token=REPO_TOKEN, redirect_charts_to=other.url) as repo:
            _locate("podinfo", repo.url, token=REPO_TOKEN)
            assert [auth for path, auth in other.requests if path.endswith(".tgz")] == [None]
            assert [auth for path, auth in repo.requests if path.endswith(".tgz")] == ["Bearer " + REPO_TOKEN]


def test_update_repo_cache_refreshes_only_that_repository(isolated, bearer_repo):
    _locate("podinfo", bearer_repo.url, token=REPO_TOKEN)
    index_requests = [p for p, _a in bearer_repo.requests if p.endswith("index.yaml")]
    _locate("podinfo", bearer_repo.url, token=REPO_TOKEN)  # exact version cached: no index download
    assert [p for p, _a in bearer_repo.requests if p.endswith("index.yaml")] == index_requests
    _locate("podinfo", bearer_repo.url, token=REPO_TOKEN, update_repo_cache=True)
    assert len([p for p, _a in bearer_repo.requests if p.endswith("index.yaml")]) == len(index_requests) + 1


# -- modules through ansible-playbook ---------------------------------------------------------------------------

def run_tasks(tmp_path, tasks, env):
    """Run ``tasks`` ([(module, args)]) in one play, each ignore_errors; returns (results, output)."""
    return run_play(tmp_path, [{module: args} for module, args in tasks], env, timeout=900)


def _module_args(text, repo_url, options, kube_names=False):
    args = {"chart_ref": text, "chart_version": "6.14.1"}
    if repo_url:
        args["chart_repo_url"] = repo_url
    renames = {"username": "repo_username", "password": "repo_password", "ca_file": "chart_ca_cert"}
    for key, value in options.items():
        args[renames.get(key, key) if kube_names else key] = value
    return args


def test_pull_show_template_take_the_same_options(sources, isolated, tmp_path):
    """module x source x (good, wrong): every module that takes a chart accepts the same chart-source options,
    also under kubernetes.core's names. Wrong credentials go first: a chart already in the cache is not fetched
    again, so it could not be refused."""
    tasks = []
    for source in SOURCES:
        text, repo_url, good, wrong, _host, _ca, _secret = sources[source]
        for index, options in enumerate((wrong, good)):
            kube_names = index == 1 and source == "basic-tls-repo"
            base = _module_args(text, repo_url, options, kube_names)
            dest = str(tmp_path / ("pull-%s-%d" % (source, index)))
            tasks.append(("helmkit.core.helm_pull", dict(base, destination=dest)))
            tasks.append(("helmkit.core.helm_show", dict(base, output="chart")))
            tasks.append(("helmkit.core.helm_template", dict(base, release_name="src", skip_tests=True)))
    results, output = run_tasks(tmp_path, tasks, isolated)
    expected_manifest = None
    for index, result in enumerate(results):
        module, _args = tasks[index]
        good = (index // 3) % 2 == 1
        if good:
            assert not result.get("failed"), (module, result.get("msg"))
            if module.endswith("helm_pull"):
                assert os.path.basename(result["path"]) == "podinfo-6.14.1.tgz"
                assert sha256(result["path"]) == sha256(PODINFO)
            elif module.endswith("helm_show"):
                assert result["chart"]["version"] == "6.14.1"
            else:
                expected_manifest = expected_manifest or result["manifest"]
                assert result["manifest"] == expected_manifest
        else:
            assert result.get("failed"), module
            assert "401" in result["msg"] or "unauthorized" in result["msg"].lower(), result["msg"]
    for secret in (REPO_PASSWORD, REPO_TOKEN, REGISTRY_PASSWORD, WRONG_PASSWORD, WRONG_TOKEN):
        assert secret not in output


# -- helm_release: the done-when cases, compared with Helm v4's install ------------------------------------------

def _kube(kubeconfig):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    return KubeClient(kubeconfig)


def _create_namespace(kube, name):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
    try:
        kube.request("POST", "/api/v1/namespaces",
                     body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    except ApiError as exc:
        if exc.status != 409:
            raise


def _delete_namespace(kube, name):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
    try:
        kube.request("DELETE", "/api/v1/namespaces/%s" % name)
    except ApiError as exc:
        if exc.status != 404:
            raise


def _dockerconfig_secret(name, host):
    auth = base64.b64encode(("deploy:" + REGISTRY_PASSWORD).encode()).decode()
    config = json.dumps({"auths": {host: {"auth": auth}}}).encode()
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
            "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": base64.b64encode(config).decode()}}


def test_helm_release_installs_from_each_source_like_helm(kubeconfig, isolated, tmp_path, basic_tls_repo,
                                                          bearer_repo, http_registry):
    import helm_python

    namespaces = ["src-basic", "src-bearer", "src-oci", "src-oci-fb", "src-creds"]
    kube = _kube(kubeconfig).__enter__()
    try:
        for ns in ("src-oci", "src-creds"):
            _create_namespace(kube, ns)
        kube.request("POST", "/api/v1/namespaces/src-oci/secrets", body=_dockerconfig_secret("regcred",
                                                                                             http_registry.host))
        kube.request("POST", "/api/v1/namespaces/src-creds/secrets", body=_dockerconfig_secret("shared-regcred",
                                                                                               http_registry.host))
        common = {"kubeconfig": kubeconfig, "create_namespace": True, "chart_version": "6.14.1"}
        oci_ref = "oci://%s/charts/podinfo" % http_registry.host
        tasks = [
            ("helmkit.core.helm_release", dict(common, release_name="basic", release_namespace="src-basic",
                                               chart_ref="podinfo", chart_repo_url=basic_tls_repo.url,
                                               username="deploy", password=REPO_PASSWORD,
                                               ca_file=basic_tls_repo.ca_file)),
            ("helmkit.core.helm_release", dict(common, release_name="bearer", release_namespace="src-bearer",
                                               chart_ref="podinfo", chart_repo_url=bearer_repo.url,
                                               token=REPO_TOKEN)),
            ("helmkit.core.helm_release", dict(common, release_name="oci", release_namespace="src-oci",
                                               chart_ref=oci_ref, plain_http=True,
                                               credentials_secret={"name": "regcred"},
                                               credentials_secret_fallback_namespace="src-creds")),
            ("helmkit.core.helm_release", dict(common, release_name="ocifb", release_namespace="src-oci-fb",
                                               chart_ref=oci_ref, plain_http=True,
                                               credentials_secret={"name": "shared-regcred"},
                                               credentials_secret_fallback_namespace="src-creds")),
            ("helmkit.core.helm_release", dict(common, release_name="nocreds", release_namespace="src-oci-fb",
                                               chart_ref=oci_ref, plain_http=True,
                                               credentials_secret={"name": "absent"},
                                               credentials_secret_fallback_namespace="src-creds")),
            ("helmkit.core.helm_release", dict(common, release_name="noca", release_namespace="src-basic",
                                               chart_ref="podinfo", chart_repo_url=basic_tls_repo.url,
                                               username="deploy", password=REPO_PASSWORD,
                                               ca_file=str(tmp_path / "missing-ca.pem"))),
        ]
        results, output = run_tasks(tmp_path, tasks, isolated)
        basic, bearer, oci, ocifb, nocreds, noca = results
        for result in (basic, bearer, oci, ocifb):
            assert result["changed"] is True and not result.get("failed"), result.get("msg")
            assert result["status"]["chart"] == "podinfo-6.14.1"
        assert oci["chart_source"]["credentials_source"] == 'Secret "src-oci/regcred"'
        assert ocifb["chart_source"]["credentials_source"] == 'Secret "src-creds/shared-regcred"'
        assert nocreds["failed"] and 'not found in namespace "src-oci-fb" nor in "src-creds"' in nocreds["msg"]
        assert noca["failed"] and "ca_file" in noca["msg"] and "missing-ca.pem" in noca["msg"]
        for secret in (REPO_PASSWORD, REPO_TOKEN, REGISTRY_PASSWORD):
            assert secret not in output
        # the same release as Helm v4's install of the same chart: reinstall each with helm_python and compare
        for result, (name, ns) in zip((basic, bearer, oci, ocifb), (("basic", "src-basic"), ("bearer", "src-bearer"),
                                                                    ("oci", "src-oci"), ("ocifb", "src-oci-fb"))):
            helm = helm_python.Config(kubeconfig_path=kubeconfig, namespace=ns)
            ours = helm.status(name)
            helm.uninstall(name)
            helm.install(PODINFO, name, {}, namespace=ns)
            theirs = helm.status(name)
            assert ours["manifest"] == theirs["manifest"] == result["manifest"]
            for key in ("chart_name", "chart_version", "app_version", "config", "notes"):
                if key in theirs:
                    assert ours.get(key) == theirs[key], key
            helm.uninstall(name)
    finally:
        for ns in namespaces:
            _delete_namespace(kube, ns)
        kube.__exit__(None, None, None)
