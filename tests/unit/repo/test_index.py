"""Index parsing, the parsed-index cache, resolution and downloads (plugins/module_utils/repo/index.py)."""
from __future__ import annotations

import functools
import os
import shutil

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo import index as ix

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO, SHARED

INDEXES = os.path.join(SHARED, "indexes")


@functools.lru_cache(maxsize=None)
def _load(name):
    return ix.load_index_file(os.path.join(INDEXES, name))


@pytest.mark.parametrize("name", sorted(os.listdir(INDEXES)))
def test_real_indexes_parse_sorted_highest_first(name):
    index = _load(name)
    assert index.entries
    for chart, versions in index.entries.items():
        parsed = []
        for cv in versions:
            assert cv.name and cv.version and cv.urls
            parsed.append(ix.parse_version(cv.version))
        assert parsed == sorted(parsed, reverse=True), chart


def test_fields_and_string_scalars():
    data = (b"apiVersion: v1\nentries:\n  demo:\n  - name: demo\n    version: 1.10\n    appVersion: 1.20\n"
            b"    created: 2024-01-02T03:04:05.123456789Z\n    deprecated: true\n    digest: ABC\n"
            b"    urls: [charts/demo-1.10.tgz]\n    keywords: [a, b]\n  - {name: demo, version: 1.9.0, urls: [x]}\n"
            b"  - {description: no version, dropped}\n  - {version: 2.0.0, urls: [no-name-dropped]}\n"
            b"  - {name: demo, version: not-semver, urls: [dropped]}\n")
    index = ix.parse_index(data)
    first, second = index.entries["demo"]
    assert (first.version, first.app_version, first.created) == ("1.10", "1.20", "2024-01-02T03:04:05.123456789Z")
    assert first.deprecated is True and first.keywords == ["a", "b"] and first.api_version == "v1"
    assert second.name == "demo" and second.version == "1.9.0"
    assert len(index.entries["demo"]) == 2


@pytest.mark.parametrize("data,needle", [
    (b"", "empty"), (b"entries: {}\n", "no API version"), (b"<html>oops</html>\n", "expected a mapping"),
    (b"apiVersion: v1\nentries: [\n", "invalid YAML"),
])
def test_invalid_indexes(data, needle):
    with pytest.raises(RepositoryError) as info:
        ix.parse_index(data, source="https://r.example/index.yaml")
    assert needle in str(info.value) and "https://r.example/index.yaml" in str(info.value)


@pytest.fixture(scope="module")
def grafana():
    return _load("grafana-helm-charts-index.yaml")


@pytest.mark.parametrize("name", ["fluent-helm-charts-index.yaml", "kubernetes-ingress-nginx-index.yaml"])
def test_index_reads_like_real_helm(name):
    """Real Helm (helm_python.repo_index) downloads and parses the same index: same charts, versions, order."""
    import helm_python
    with open(os.path.join(INDEXES, name), "rb") as fh:
        data = fh.read()
    with ChartRepoServer(index=data) as server:
        theirs = helm_python.repo_index(server.url)
        _unused, ours = ix.fetch_index(server.url)
    assert sorted(ours.entries) == sorted(theirs["entries"])
    for chart, versions in theirs["entries"].items():
        assert [cv.version for cv in ours.entries[chart]] == [v["version"] for v in versions], chart
        assert [cv.digest for cv in ours.entries[chart]] == [v.get("digest", "") for v in versions], chart


def test_resolve_like_helm(grafana):
    latest = ix.resolve(grafana, "loki")
    releases = [cv for cv in grafana.entries["loki"] if "-" not in cv.version]
    assert latest is releases[0]
    assert ix.resolve(grafana, "loki", "^5.0").version.startswith("5.")
    assert ix.resolve(grafana, "loki", "5.41.4").version == "5.41.4"
    assert ix.resolve(grafana, "loki", ">=2.0 <3").version.startswith("2.")
    assert ix.resolve(grafana, "loki", devel=True) is grafana.entries["loki"][0]


def test_resolve_errors_list_nearest_versions(grafana):
    with pytest.raises(RepositoryError) as info:
        ix.resolve(grafana, "loki", "5.41.99", repository="grafana")
    msg = str(info.value)
    assert msg.startswith('chart "loki" version "5.41.99" not found in repository "grafana"; nearest: 5.41.')
    with pytest.raises(RepositoryError) as info:
        ix.resolve(grafana, "lok", repository="grafana")
    assert 'chart "lok" not found in repository "grafana"' in str(info.value) and "loki" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        ix.resolve(grafana, "loki", "foo")
    assert 'improper constraint: "foo"' in str(info.value)


def test_prerelease_only_chart_needs_devel():
    index = ix.parse_index(b"apiVersion: v1\nentries:\n  a:\n  - {name: a, version: 1.0.0-rc.1, urls: [a.tgz]}\n")
    with pytest.raises(RepositoryError) as info:
        ix.resolve(index, "a")
    assert "devel" in str(info.value)
    assert ix.resolve(index, "a", devel=True).version == "1.0.0-rc.1"


def test_parsed_cache_is_used_and_invalidated(tmp_path):
    path = str(tmp_path / "g-index.yaml")
    shutil.copy(os.path.join(INDEXES, "fluent-helm-charts-index.yaml"), path)
    first = ix.load_cached_index(path)
    cache = str(tmp_path / "g-index.helmkit.json")
    assert os.path.isfile(cache)
    # A cache hit never parses YAML.
    real_parse = ix.parse_index
    ix.parse_index = None
    try:
        second = ix.load_cached_index(path)
    finally:
        ix.parse_index = real_parse
    assert {n: [cv.version for cv in v] for n, v in first.entries.items()} == \
        {n: [cv.version for cv in v] for n, v in second.entries.items()}
    # A changed YAML file is re-parsed.
    with open(path, "w") as fh:
        fh.write("apiVersion: v1\nentries:\n  only: [{name: only, version: 1.0.0, urls: [o.tgz]}]\n")
    assert list(ix.load_cached_index(path).entries) == ["only"]
    # A corrupt cache is rebuilt.
    with open(cache, "w") as fh:
        fh.write("{not json")
    assert list(ix.load_cached_index(path).entries) == ["only"]


def test_reference_urls():
    assert ix.resolve_reference_url("https://h/r", "a-1.tgz") == "https://h/r/a-1.tgz"
    assert ix.resolve_reference_url("https://h/r/", "sub/a.tgz") == "https://h/r/sub/a.tgz"
    assert ix.resolve_reference_url("https://h/r?sig=1", "a.tgz") == "https://h/r/a.tgz?sig=1"
    assert ix.resolve_reference_url("https://h/r", "https://o/a.tgz") == "https://o/a.tgz"
    assert ix.redact_url("https://u:pw@h/x") == "https://u:***@h/x"


def test_fetch_index_from_real_server(repo):
    data, index = ix.fetch_index(repo.url)
    assert sorted(index.entries) == ["podinfo", "redis"]
    cv = index.entries["podinfo"][0]
    assert cv.version == "6.14.1" and len(cv.digest) == 64


def test_update_index_cache_writes_helm_files(repo, tmp_path):
    index = ix.update_index_cache(str(tmp_path), "myrepo", repo.url)
    assert open(str(tmp_path / "myrepo-charts.txt")).read() == "podinfo\nredis\n"
    assert (tmp_path / "myrepo-index.yaml").read_bytes() == open(os.path.join(repo.directory, "index.yaml"),
                                                                 "rb").read()
    assert list(ix.load_cached_index(str(tmp_path / "myrepo-index.yaml")).entries) == list(index.entries)


def test_retries_5xx_then_succeeds(repo, fast_backoff):
    repo.fail_next(2)
    _unused, index = ix.fetch_index(repo.url)
    assert "podinfo" in index.entries
    repo.fail_next(5, status=503)
    with pytest.raises(RepositoryError) as info:
        ix.fetch_index(repo.url, retries=2)
    assert "HTTP 503" in str(info.value) and repo.url in str(info.value)
    repo.fail_next(0)


def test_http_errors_are_explained(fast_backoff):
    with ChartRepoServer(charts=[PODINFO], username="admin", password="s3cret-pw") as server:
        with pytest.raises(RepositoryError) as info:
            ix.fetch_index(server.url)
        assert "401 Unauthorized" in str(info.value) and "set username and password" in str(info.value)
        with pytest.raises(RepositoryError) as info:
            ix.fetch_index(server.url, username="admin", password="wrong-pw")
        assert "refused" in str(info.value) and "wrong-pw" not in str(info.value)
        _unused, index = ix.fetch_index(server.url, username="admin", password="s3cret-pw")
        assert "podinfo" in index.entries
        with pytest.raises(RepositoryError) as info:
            ix.fetch_index(server.url.replace("://", "://admin:wrong-pw@"))
        assert "wrong-pw" not in str(info.value) and "***" in str(info.value)
        with pytest.raises(RepositoryError) as info:
            ix.fetch_index(server.url + "/nope", username="admin", password="s3cret-pw")
        assert "404" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        ix.fetch_index(server.url, retries=1)  # the server is gone now
    assert "unreachable" in str(info.value) and server.url in str(info.value)


def test_not_an_index():
    with ChartRepoServer(index=b"<html><body>login</body></html>\n") as server:
        with pytest.raises(RepositoryError) as info:
            ix.fetch_index(server.url)
    assert "is not a chart repository index" in str(info.value) and server.url + "/index.yaml" in str(info.value)


def test_tls_with_ca_file_client_cert_and_insecure(pki):
    with ChartRepoServer(charts=[PODINFO], tls=True, pki=pki) as server:
        with pytest.raises(RepositoryError) as info:
            ix.fetch_index(server.url, retries=0)
        assert "ca_file" in str(info.value)
        assert "podinfo" in ix.fetch_index(server.url, ca_file=server.ca_file)[1].entries
        assert "podinfo" in ix.fetch_index(server.url, insecure_skip_tls_verify=True)[1].entries
    with ChartRepoServer(charts=[PODINFO], client_ca=True, pki=pki) as server:
        with pytest.raises(RepositoryError):
            ix.fetch_index(server.url, ca_file=server.ca_file, retries=0)
        _unused, index = ix.fetch_index(server.url, ca_file=server.ca_file, cert_file=server.client_cert_file,
                                        key_file=server.client_key_file)
        assert "podinfo" in index.entries
