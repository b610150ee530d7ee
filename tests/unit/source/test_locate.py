"""source/locate.py against real chart repository servers (the repository transport is repo/fetch.py)."""
from __future__ import annotations

import hashlib
import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (
    RepositoryEntry, RepositoryFile, save_repository_file,
)
from ansible_collections.helmkit.core.plugins.module_utils.source.locate import locate
from ansible_collections.helmkit.core.plugins.module_utils.source.options import SourceOptions
from ansible_collections.helmkit.core.plugins.module_utils.source.ref import ChartRef

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO, REDIS


def fetch_chart(chart_ref, repo_url=None, **options):
    """locate() as every module calls it: a parsed reference and SourceOptions."""
    return locate(ChartRef.parse(chart_ref, repo_url), SourceOptions(**options))


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _add(config, name, url, **kw):
    rf = RepositoryFile()
    rf.update(RepositoryEntry(name, url, **kw))
    save_repository_file(config, rf)


def test_repo_slash_chart_uses_repositories_yaml_and_cache(helm_home, repo):
    config, cache = helm_home
    _add(config, "demo", repo.url)
    fetched = fetch_chart("demo/podinfo")
    assert (fetched.name, fetched.version, fetched.repository) == ("podinfo", "6.14.1", "demo")
    assert fetched.digest == _sha(PODINFO) and _sha(fetched.path) == fetched.digest
    assert fetched.path == os.path.join(cache, "helmkit", "charts", fetched.digest + ".tgz")
    assert fetched.url == repo.url + "/podinfo-6.14.1.tgz" and fetched.downloaded
    assert os.path.isfile(os.path.join(cache, "demo-index.yaml"))
    # Second call: cached index and cached archive, no network.
    before = len(repo.requests)
    again = fetch_chart("demo/podinfo", version="6.14.1")
    assert again.path == fetched.path and not again.downloaded
    assert len(repo.requests) == before


def test_version_constraints_and_missing_versions(helm_home, repo):
    config, _unused = helm_home
    _add(config, "demo", repo.url)
    assert fetch_chart("demo/redis", version="^23").version == "23.1.1"
    before = len(repo.requests)
    with pytest.raises(RepositoryError) as info:
        fetch_chart("demo/redis", version="99.0.0")
    assert 'chart "redis" version "99.0.0" not found in repository "demo"; nearest: 23.1.1' in str(info.value)
    # a version missing from the cache makes us download the index again before giving up
    assert [p for p, _unused in repo.requests[before:]] == ["/index.yaml"]
    with pytest.raises(RepositoryError) as info:
        fetch_chart("demo/nothere")
    assert 'chart "nothere" not found in repository "demo"' in str(info.value)


def test_stale_cache_is_refreshed(helm_home, repo):
    config, cache = helm_home
    _add(config, "demo", repo.url)
    os.makedirs(cache)
    with open(os.path.join(cache, "demo-index.yaml"), "w") as fh:
        fh.write("apiVersion: v1\nentries: {}\n")
    assert fetch_chart("demo/podinfo").version == "6.14.1"
    assert "podinfo" in open(os.path.join(cache, "demo-charts.txt")).read()


def test_name_with_repo_url_and_direct_url_and_local_path(helm_home, repo):
    fetched = fetch_chart("podinfo", repo_url=repo.url)
    assert fetched.version == "6.14.1" and fetched.repository == repo.url
    direct = fetch_chart(repo.url + "/redis-23.1.1.tgz")
    assert (direct.name, direct.version, direct.digest) == ("redis", "23.1.1", _sha(REDIS))
    local = fetch_chart(PODINFO)
    assert local.path == PODINFO and (local.name, local.version) == ("podinfo", "6.14.1") and not local.url


def test_unconfigured_repository_and_bad_refs(helm_home):
    with pytest.raises(RepositoryError) as info:
        fetch_chart("nope/chart")
    assert 'repository "nope" is not configured' in str(info.value) and helm_home[0] in str(info.value)
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, RegistryError
    with pytest.raises(ChartError) as info:
        fetch_chart("chartname")
    assert "repo_url" in str(info.value)
    with pytest.raises(RegistryError) as info:  # oci:// goes to the registry client (tests/unit/oci)
        fetch_chart("oci://127.0.0.1:1/charts/x", plain_http=True, version="1.0.0")
    assert "127.0.0.1:1" in str(info.value)
    with pytest.raises(ChartError) as info:  # plan time: an OCI ref must pin something, before any request
        fetch_chart("oci://127.0.0.1:1/charts/x", plain_http=True, require_version=True)
    assert "names no version" in str(info.value)


def test_digest_mismatch_is_refused_and_nothing_kept(helm_home, tmp_path):
    good = open(PODINFO, "rb").read()
    index = ("apiVersion: v1\nentries:\n  podinfo:\n  - name: podinfo\n    version: 6.14.1\n    digest: %s\n"
             "    urls: [podinfo-6.14.1.tgz]\n" % ("0" * 64)).encode()
    with ChartRepoServer(charts=[PODINFO], index=index) as server:
        with pytest.raises(RepositoryError) as info:
            fetch_chart("podinfo", repo_url=server.url)
    msg = str(info.value)
    assert "digest" in msg and "0" * 64 in msg and hashlib.sha256(good).hexdigest() in msg
    charts_dir = os.path.join(helm_home[1], "helmkit", "charts")
    assert not os.path.isdir(charts_dir) or os.listdir(charts_dir) == []


def test_credentials_follow_helm_rules(helm_home, fast_backoff):
    config, _unused = helm_home
    with ChartRepoServer(charts=[PODINFO], host="localhost") as other:
        with ChartRepoServer(charts=[PODINFO], username="u", password="pw-123", redirect_charts_to=other.url) as srv:
            _add(config, "private", srv.url, username="u", password="pw-123")
            fetched = fetch_chart("private/podinfo")
            assert fetched.version == "6.14.1"
            # the redirect target is another host: no credentials without pass_credentials
            assert [a for p, a in other.requests if p.endswith(".tgz")] == [None]
            os.remove(fetched.path)
            fetch_chart("private/podinfo", pass_credentials=True)
            assert other.requests[-1][1] is not None and other.requests[-1][1].startswith("Basic ")
            with pytest.raises(RepositoryError) as info:
                fetch_chart("podinfo", repo_url=srv.url, username="u", password="bad-pw-9")
            assert "401" in str(info.value) and "bad-pw-9" not in str(info.value)


def test_unreachable_repository_names_url(helm_home, fast_backoff):
    with ChartRepoServer(charts=[PODINFO]) as server:
        url = server.url
    with pytest.raises(RepositoryError) as info:
        fetch_chart("podinfo", repo_url=url, timeout=5)
    assert "unreachable" in str(info.value) and url in str(info.value)


def test_credentials_stay_on_the_repository_origin(helm_home):
    """An index may point chart URLs at another origin (same host, other port): Helm sends no credentials there
    unless pass_credentials."""
    with ChartRepoServer(charts=[PODINFO]) as files:
        index = ("apiVersion: v1\nentries:\n  podinfo:\n  - name: podinfo\n    version: 6.14.1\n"
                 "    urls: [%s/podinfo-6.14.1.tgz]\n" % files.url).encode()
        with ChartRepoServer(index=index, username="u", password="pw-xyz") as repo:
            fetch_chart("podinfo", repo_url=repo.url, username="u", password="pw-xyz")
            assert files.requests[-1] == ("/podinfo-6.14.1.tgz", None)
            assert all(auth for _unused, auth in repo.requests)
            os.remove(os.path.join(helm_home[1], "helmkit", "charts", _sha(PODINFO) + ".tgz"))
            fetch_chart("podinfo", repo_url=repo.url, username="u", password="pw-xyz", pass_credentials=True)
            assert files.requests[-1][1] is not None
