"""OCI push/pull against real registries (Debian's docker-registry): byte-for-byte interop with Helm v4
(helm_python), Basic and Bearer token auth, TLS, and the failure messages of issue 6."""
from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import shutil
import tarfile

import pytest


from ansible_collections.helmkit.core.plugins.module_utils.chart.package import package_chart  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, RegistryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci import api  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.client import RegistryClient  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.credentials import Credential  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.credentials import secret_reader  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.locate import locate  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import SourceOptions  # noqa: E402
from tests.helpers.registry import RegistryServer  # noqa: E402

import helm_python  # noqa: E402  (test-only reference, always installed by requirements-test.txt)
from tests.helpers.corpus import CHARTS_DIR as CHARTS

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
PASSWORD = "Registry-s3cret-pw"


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture(scope="module")
def open_registry():
    with RegistryServer() as reg:
        yield reg


@pytest.fixture(scope="module")
def basic_registry():
    with RegistryServer(auth="basic", username="deploy", password=PASSWORD) as reg:
        yield reg


@pytest.fixture(scope="module")
def token_registry():
    with RegistryServer(auth="token", username="deploy", password=PASSWORD) as reg:
        yield reg


@pytest.fixture(scope="module")
def tls_registry():
    with RegistryServer(tls=True) as reg:
        yield reg


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No ambient Helm/Docker credentials; a fresh repository cache. Returns the cache path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HELM_CONFIG_HOME", str(tmp_path / "helmconfig"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.delenv("HELM_REGISTRY_CONFIG", raising=False)
    return str(tmp_path / "cache")


def _manifest(reg, repository, tag, **options):
    with api.open_client(reg.host, plain_http=not reg.tls, **options) as client:
        data, media_type, digest = client.get_manifest(repository, tag)
    return json.loads(data.decode()), data, media_type, digest


# ---- interop with Helm v4 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("chart", ["podinfo-6.14.1.tgz", "redis-23.1.1.tgz", "kube-prometheus-stack-88.5.3.tgz"])
def test_push_writes_the_manifest_helm_writes(open_registry, isolated, chart):
    path = os.path.join(CHARTS, chart)
    reg = open_registry
    helm_python.push(path, "oci://%s/helm" % reg.host, plain_http=True)
    ours = api.push(path, "oci://%s/ours" % reg.host, plain_http=True)
    name, tag = ours["ref"].rsplit("/", 1)[1].split(":")
    theirs, theirs_raw, theirs_type, theirs_digest = _manifest(reg, "helm/" + name, tag)
    mine, mine_raw, mine_type, mine_digest = _manifest(reg, "ours/" + name, tag)
    for field in ("schemaVersion", "mediaType", "config", "layers", "annotations"):
        assert mine.get(field) == theirs.get(field), field
    assert mine_type == theirs_type == "application/vnd.oci.image.manifest.v1+json"
    assert mine_raw == theirs_raw and mine_digest == theirs_digest == ours["digest"]
    assert ours["changed"] is True
    with api.open_client(reg.host, plain_http=True) as client:
        assert client.get_blob("ours/" + name, mine["config"]["digest"]) == client.get_blob(
            "helm/" + name, theirs["config"]["digest"])


def test_pull_of_helm_pushed_chart_and_helm_pull_of_ours(open_registry, isolated, tmp_path):
    reg = open_registry
    helm_python.push(PODINFO, "oci://%s/interop-helm" % reg.host, plain_http=True)
    pulled = api.pull("oci://%s/interop-helm/podinfo" % reg.host, version="6.14.1", repository_cache=isolated,
                      plain_http=True)
    assert pulled.digest == sha256(PODINFO) and sha256(pulled.path) == sha256(PODINFO)
    assert (pulled.name, pulled.version, pulled.downloaded) == ("podinfo", "6.14.1", True)

    api.push(PODINFO, "oci://%s/interop-ours" % reg.host, plain_http=True)
    dest = tmp_path / "helm-pull"
    dest.mkdir()
    helm_python.pull("oci://%s/interop-ours/podinfo" % reg.host, version="6.14.1", destination=str(dest),
                     plain_http=True)
    assert sha256(str(dest / "podinfo-6.14.1.tgz")) == sha256(PODINFO)


def test_provenance_layer_like_helm(open_registry, isolated, tmp_path):
    reg = open_registry
    chart = tmp_path / "podinfo-6.14.1.tgz"
    shutil.copy2(PODINFO, chart)
    (tmp_path / "podinfo-6.14.1.tgz.prov").write_text("-----BEGIN PGP SIGNED MESSAGE-----\nnot really signed\n")
    helm_python.push(str(chart), "oci://%s/prov-helm" % reg.host, plain_http=True)
    api.push(str(chart), "oci://%s/prov-ours" % reg.host, plain_http=True)
    theirs = _manifest(reg, "prov-helm/podinfo", "6.14.1")
    mine = _manifest(reg, "prov-ours/podinfo", "6.14.1")
    assert [layer["mediaType"] for layer in mine[0]["layers"]] == [
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "application/vnd.cncf.helm.chart.provenance.v1.prov"]
    assert mine[1] == theirs[1]


def test_push_is_idempotent_and_check_mode_uploads_nothing(open_registry, isolated):
    reg = open_registry
    remote = "oci://%s/idem" % reg.host
    planned = api.push(PODINFO, remote, check_mode=True, plain_http=True)
    assert planned["changed"] is True
    with api.open_client(reg.host, plain_http=True) as client:
        assert client.tags("idem/podinfo") == []
    first = api.push(PODINFO, remote, plain_http=True)
    assert first["digest"] == planned["digest"]
    again = api.push(PODINFO, remote, plain_http=True)
    assert again == {"ref": "oci://%s/idem/podinfo:6.14.1" % reg.host, "digest": first["digest"], "changed": False}


def test_pull_by_digest_constraint_cache_and_fetch_chart_hook(open_registry, isolated):
    reg = open_registry
    pushed = api.push(PODINFO, "oci://%s/byref" % reg.host, plain_http=True)
    by_digest = api.pull("oci://%s/byref/podinfo@%s" % (reg.host, pushed["digest"]), repository_cache=isolated,
                         plain_http=True)
    assert by_digest.manifest_digest == pushed["digest"] and by_digest.downloaded is True
    again = api.pull("oci://%s/byref/podinfo" % reg.host, version="^6.0.0", repository_cache=isolated,
                     plain_http=True)
    assert again.path == by_digest.path and again.downloaded is False  # cached by digest
    options = SourceOptions(version="~6.14", repository_cache=isolated, plain_http=True)
    fetched = locate("oci://%s/byref/podinfo" % reg.host, options)
    assert (fetched.name, fetched.version, fetched.digest) == ("podinfo", "6.14.1", sha256(PODINFO))
    assert fetched.repository == reg.host


def test_build_metadata_version_uses_underscore_tag(open_registry, isolated, tmp_path):
    reg = open_registry
    src = tmp_path / "src"
    with tarfile.open(PODINFO) as tar:
        tar.extractall(str(src))
    chart_yaml = src / "podinfo" / "Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("version: 6.14.1", "version: 6.14.1+build.7"))
    result = api.push(str(src / "podinfo"), "oci://%s/plus" % reg.host, plain_http=True)
    assert result["ref"].endswith("/plus/podinfo:6.14.1_build.7")
    pulled = api.pull("oci://%s/plus/podinfo" % reg.host, version="6.14.1+build.7", repository_cache=isolated,
                      plain_http=True)
    assert pulled.version == "6.14.1+build.7"


# ---- failures -----------------------------------------------------------------------------------------------------

def test_tag_not_found_lists_nearest_tags(open_registry, isolated):
    reg = open_registry
    api.push(PODINFO, "oci://%s/near" % reg.host, plain_http=True)
    with pytest.raises(RegistryError) as info:
        api.pull("oci://%s/near/podinfo:6.14.2" % reg.host, repository_cache=isolated, plain_http=True)
    assert 'tag "6.14.2" not found; available tags nearest to it: 6.14.1' in str(info.value)
    with pytest.raises(RegistryError) as info:
        api.pull("oci://%s/near/podinfo" % reg.host, version=">=7", repository_cache=isolated, plain_http=True)
    assert 'no tag matches version ">=7"' in str(info.value) and "6.14.1" in str(info.value)
    with pytest.raises(RegistryError) as info:
        api.pull("oci://%s/near/nothing" % reg.host, repository_cache=isolated, plain_http=True)
    assert "no tags for this chart" in str(info.value)


def test_container_image_is_not_a_chart(open_registry, isolated):
    reg = open_registry
    with RegistryClient(reg.host, plain_http=True) as client:
        config = client.push_blob("img/app", b'{"architecture":"amd64","os":"linux"}')
        layer = client.push_blob("img/app", b"not a chart")
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": config, "size": 37},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                           "digest": layer, "size": 11}]}).encode()
        client.put_manifest("img/app", "1.0.0", manifest)
    with pytest.raises(RegistryError) as info:
        api.pull("oci://%s/img/app:1.0.0" % reg.host, repository_cache=isolated, plain_http=True)
    assert "is a container image (config application/vnd.oci.image.config.v1+json" in str(info.value)
    assert "not a Helm chart" in str(info.value)


def test_corrupted_layer_is_refused_and_nothing_kept(isolated, tmp_path):
    with RegistryServer() as reg:
        pushed = api.push(PODINFO, "oci://%s/corrupt" % reg.host, plain_http=True)
        hexdigest = sha256(PODINFO)
        blob = glob.glob(os.path.join(reg._dir, "data", "**", hexdigest, "data"), recursive=True)
        assert blob, "registry storage layout changed"
        with open(blob[0], "r+b") as fh:
            fh.seek(100)
            fh.write(b"\0" * 16)
        with pytest.raises(RegistryError) as info:
            api.pull("oci://%s/corrupt/podinfo@%s" % (reg.host, pushed["digest"]), repository_cache=isolated,
                     plain_http=True)
    assert "is corrupted" in str(info.value) and "digest mismatch" in str(info.value)
    assert not glob.glob(os.path.join(isolated, "**", "*.tgz"), recursive=True)


def test_directory_without_chart_yaml(open_registry, tmp_path):
    (tmp_path / "notachart").mkdir()
    (tmp_path / "notachart" / "values.yaml").write_text("a: 1\n")
    with pytest.raises(ChartError) as info:
        api.push(str(tmp_path / "notachart"), "oci://%s/x" % open_registry.host, plain_http=True)
    assert "has no Chart.yaml" in str(info.value)


def test_push_destination_with_tag_is_refused(open_registry):
    with pytest.raises(RegistryError) as info:
        api.push(PODINFO, "oci://%s/x/podinfo:1.0.0" % open_registry.host, plain_http=True)
    assert "must not have a tag or digest" in str(info.value)


# ---- authentication -----------------------------------------------------------------------------------------------

def test_basic_auth_chain_and_wrong_password(basic_registry, isolated, tmp_path):
    reg = basic_registry
    remote = "oci://%s/private" % reg.host
    with pytest.raises(RegistryError) as info:
        api.push(PODINFO, remote, plain_http=True)
    assert "requires authentication for" in str(info.value) and "no credentials were found" in str(info.value)
    with pytest.raises(RegistryError) as info:
        api.push(PODINFO, remote, plain_http=True, username="deploy", password="wrong-" + PASSWORD)
    text = str(info.value)
    assert reg.host in text and "the username/password options" in text and PASSWORD not in text
    config = tmp_path / "creds.json"
    config.write_text(json.dumps({"auths": {reg.host: {"auth": __import__("base64").b64encode(
        ("deploy:" + PASSWORD).encode()).decode()}}}))
    assert api.push(PODINFO, remote, plain_http=True, registry_config_path=str(config))["changed"] is True
    pulled = api.pull(remote + "/podinfo:6.14.1", repository_cache=isolated, plain_http=True,
                      registry_config_path=str(config))
    assert pulled.digest == sha256(PODINFO)
    # Helm logs in and pulls what we pushed
    client = helm_python.RegistryClient(plain_http=True, credentials_file=str(tmp_path / "helmlogin" / "config.json"))
    client.login(reg.host, "deploy", PASSWORD, plain_http=True)
    out = tmp_path / "out"
    out.mkdir()
    client.pull(remote + "/podinfo", version="6.14.1", destination=str(out), plain_http=True)
    assert sha256(str(out / "podinfo-6.14.1.tgz")) == sha256(PODINFO)


def test_bearer_token_flow_caches_tokens_and_names_the_source(token_registry, isolated):
    reg = token_registry
    remote = "oci://%s/tok" % reg.host
    reg.token_requests.clear()
    with api.open_client(reg.host, plain_http=True, username="deploy", password=PASSWORD) as client:
        from ansible_collections.helmkit.core.plugins.module_utils.oci.push import build_artifact, push_artifact
        with open(PODINFO, "rb") as fh:
            artifact = build_artifact(fh.read(), "2026-01-01T00:00:00Z")
        assert push_artifact(client, remote, artifact)["changed"] is True
        requests_after_push = len(reg.token_requests)
        assert push_artifact(client, remote, artifact)["changed"] is False
        assert len(reg.token_requests) == requests_after_push  # cached tokens reused within the run
    scopes = [request[1].get("scope") for request in reg.token_requests]
    assert ["repository:tok/podinfo:pull,push"] in scopes
    assert all(request[2] and request[2].startswith("Basic ") for request in reg.token_requests)
    pulled = api.pull(remote + "/podinfo", repository_cache=isolated, plain_http=True, username="deploy",
                      password=PASSWORD)
    assert pulled.digest == sha256(PODINFO)
    # an identity token (Docker's identitytoken) goes through the refresh_token grant
    reg.token_requests.clear()
    ident = Credential(refresh_token="refresh-" + PASSWORD, source="test identity token")
    with api.open_client(reg.host, plain_http=True, credential=ident) as client:
        assert client.tags("tok/podinfo") == ["6.14.1"]
    assert reg.token_requests[0][0] == "POST" and reg.token_requests[0][1]["grant_type"] == ["refresh_token"]
    with pytest.raises(RegistryError) as info:
        api.pull(remote + "/podinfo:6.14.1", repository_cache=isolated, plain_http=True)
    assert "requires authentication for GET" in str(info.value) and "no credentials were found" in str(info.value)
    with pytest.raises(RegistryError) as info:
        api.pull(remote + "/podinfo", repository_cache=isolated, plain_http=True, username="deploy",
                 password="nope")
    assert "refused the credentials from the username/password options" in str(info.value)
    assert "nope" not in str(info.value)


# ---- TLS ----------------------------------------------------------------------------------------------------------

def test_tls_ca_file_and_scheme_mismatches(tls_registry, open_registry, isolated):
    reg = tls_registry
    remote = "oci://%s/tls" % reg.host
    with pytest.raises(RegistryError) as info:
        api.push(PODINFO, remote)
    assert "certificate verification failed" in str(info.value) and "ca_file" in str(info.value)
    assert api.push(PODINFO, remote, ca_file=reg.ca_file)["changed"] is True
    assert api.push(PODINFO, remote, insecure_skip_tls_verify=True)["changed"] is False
    with pytest.raises(RegistryError) as info:
        api.pull(remote + "/podinfo:6.14.1", repository_cache=isolated, plain_http=True)
    assert "only speaks HTTPS; unset plain_http" in str(info.value)
    with pytest.raises(RegistryError) as info:
        api.pull("oci://%s/x/podinfo:1.0.0" % open_registry.host, repository_cache=isolated)
    assert "does not speak HTTPS" in str(info.value) and "plain_http: true" in str(info.value)


# ---- packaging ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("chart", ["podinfo-6.14.1.tgz", "redis-23.1.1.tgz"])
def test_package_tar_stream_is_helms_and_reproducible(tmp_path, chart):
    """Charts with at most one subchart: Helm's tar stream byte for byte (several subcharts: the test below)."""
    with tarfile.open(os.path.join(CHARTS, chart)) as tar:
        tar.extractall(str(tmp_path / "src"))
    src = str(tmp_path / "src" / os.listdir(str(tmp_path / "src"))[0])
    theirs = helm_python.package(src, destination=str(tmp_path / "helm"))
    ours = package_chart(src, str(tmp_path / "ours"))
    again = package_chart(src, str(tmp_path / "again"))
    assert os.path.basename(ours) == os.path.basename(theirs)
    with open(theirs, "rb") as a, open(ours, "rb") as b:
        theirs_bytes, ours_bytes = a.read(), b.read()
    assert gzip.decompress(ours_bytes) == gzip.decompress(theirs_bytes)
    assert ours_bytes[:57] == theirs_bytes[:57]  # gzip header: Helm's extra field and comment
    assert sha256(ours) == sha256(again)


def test_directory_push_is_reproducible(open_registry, tmp_path):
    with tarfile.open(PODINFO) as tar:
        tar.extractall(str(tmp_path / "src"))
    src = str(tmp_path / "src" / "podinfo")
    first = api.push(src, "oci://%s/dir" % open_registry.host, plain_http=True)
    second = api.push(src, "oci://%s/dir" % open_registry.host, plain_http=True)
    assert first["changed"] is True and second == dict(first, changed=False)


# ---- credentials from a Kubernetes Secret ---------------------------------------------------------------------------

def test_credentials_from_kubernetes_secret(basic_registry, isolated, kubeconfig):
    import base64

    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient

    reg = basic_registry
    api.push(PODINFO, "oci://%s/secretcreds" % reg.host, plain_http=True, username="deploy", password=PASSWORD)
    config = json.dumps({"auths": {reg.host: {"auth": base64.b64encode(("deploy:" + PASSWORD).encode()).decode()}}})
    with KubeClient(kubeconfig) as kube:
        for ns in ("oci-fallback", "oci-release"):
            try:
                kube.request("POST", "/api/v1/namespaces",
                             body={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
            except Exception:  # already there from an earlier run against a real cluster
                pass
        kube.request("POST", "/api/v1/namespaces/oci-fallback/secrets", body={
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred"},
            "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": base64.b64encode(config.encode()).decode()}})
        ref = "oci://%s/secretcreds/podinfo" % reg.host
        options = SourceOptions(credentials_secret={"name": "regcred", "namespace": "oci-fallback"},
                                namespace="oci-release", read_secret=secret_reader(kube), version="6.14.1",
                                repository_cache=isolated, plain_http=True)
        located = locate(ref, options)
        assert located.credentials_source == 'Secret "oci-fallback/regcred"'
        assert located.digest == sha256(PODINFO)
        with pytest.raises(RegistryError) as info:
            locate(ref, options.copy(credentials_secret={"name": "absent"},
                                     credentials_secret_fallback_namespace="oci-fallback"))
        assert 'not found in namespace "oci-release" nor in "oci-fallback"' in str(info.value)


def _members(tar_bytes):
    """{name: (header block, data)} of an uncompressed tar stream written without PAX records."""
    out, offset = {}, 0
    while offset + 512 <= len(tar_bytes):
        header = tar_bytes[offset:offset + 512]
        if header == b"\0" * 512:
            break
        info = tarfile.TarInfo.frombuf(header, "utf-8", "surrogateescape")
        size = info.size
        data = tar_bytes[offset + 512:offset + 512 + size]
        out[info.name] = (header, data)
        offset += 512 + (size + 511) // 512 * 512
    return out


@pytest.mark.parametrize("chart", ["kube-prometheus-stack-88.5.3.tgz", "loki-18.11.0.tgz",
                                   "reports-server-0.1.7.tgz"])
def test_package_with_several_subcharts_matches_helm_entry_by_entry(tmp_path, chart):
    """Helm writes subcharts in Go map order (random from run to run: helm_python.package of reports-server gave two
    different tar streams in 15 runs); ours is name order, one of Helm's orders. Every entry (header and content) is
    the same."""
    with tarfile.open(os.path.join(CHARTS, chart)) as tar:
        tar.extractall(str(tmp_path / "src"))
    src = str(tmp_path / "src" / os.listdir(str(tmp_path / "src"))[0])
    with open(helm_python.package(src, destination=str(tmp_path / "helm")), "rb") as fh:
        theirs = gzip.decompress(fh.read())
    with open(package_chart(src, str(tmp_path / "ours")), "rb") as fh:
        ours = gzip.decompress(fh.read())
    assert len(ours) == len(theirs)
    assert _members(ours) == _members(theirs)
    order = []
    for name in _members(ours):
        parts = name.split("/")
        if len(parts) > 3 and parts[1] == "charts" and parts[2] not in order:
            order.append(parts[2])
    assert order == sorted(order)


def test_client_certificate(isolated):
    with RegistryServer(client_ca=True) as reg:
        remote = "oci://%s/mtls" % reg.host
        with pytest.raises(RegistryError) as info:
            api.push(PODINFO, remote, ca_file=reg.ca_file)
        assert reg.host in str(info.value) and "set cert_file and key_file" in str(info.value)
        result = api.push(PODINFO, remote, ca_file=reg.ca_file, cert_file=reg.client_cert_file,
                          key_file=reg.client_key_file)
        assert result["changed"] is True
        pulled = api.pull(remote + "/podinfo:6.14.1", repository_cache=isolated, ca_file=reg.ca_file,
                          cert_file=reg.client_cert_file, key_file=reg.client_key_file)
        assert pulled.digest == sha256(PODINFO)
    with pytest.raises(RegistryError) as info:
        api.open_client("r.io", cert_file="/nonexistent/cert.pem")
    assert "cannot load client certificate /nonexistent/cert.pem" in str(info.value)


def test_helm_release_chart_resolution_pulls_oci_refs(tls_registry, isolated, monkeypatch, tmp_path):
    """helm_release resolves charts through release/inputs.py -> source/locate.py -> oci.api.pull, with credentials and
    trust from the environment (Helm's/Docker's config, SSL_CERT_FILE)."""
    from ansible_collections.helmkit.core.plugins.module_utils.release.inputs import resolve_chart

    reg = tls_registry
    api.push(PODINFO, "oci://%s/release" % reg.host, ca_file=reg.ca_file)
    monkeypatch.setenv("SSL_CERT_FILE", reg.ca_file)
    monkeypatch.setenv("HELM_REPOSITORY_CACHE", isolated)
    chart = resolve_chart("oci://%s/release/podinfo" % reg.host, SourceOptions(version="6.x"))
    assert (chart.name, chart.metadata["version"]) == ("podinfo", "6.14.1")
    assert os.path.isfile(os.path.join(isolated, "helmkit", "charts", sha256(PODINFO) + ".tgz"))
