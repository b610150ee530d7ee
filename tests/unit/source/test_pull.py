"""helm pull (repo/pull.py) against real chart repository servers, cross-checked with Helm v4's pull."""
from __future__ import annotations

import hashlib
import os

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (
    RepositoryEntry, RepositoryFile, save_repository_file,
)
from ansible_collections.helmkit.core.plugins.module_utils.source.pull import pull_chart

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO, REDIS


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _add(config, name, url, **kw):
    rf = RepositoryFile()
    rf.update(RepositoryEntry(name, url, **kw))
    save_repository_file(config, rf)


def _tree(directory):
    out = {}
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, directory)] = fh.read()
    return out


def test_pull_matches_helm_bytes_and_is_idempotent_without_version(helm_home, repo, tmp_path):
    config, _cache = helm_home
    _add(config, "demo", repo.url)
    ours, helms = tmp_path / "ours", tmp_path / "helm"
    helms.mkdir()
    helm_python.pull("podinfo", repo_url=repo.url, destination=str(helms))
    first = pull_chart("demo/podinfo", str(ours))
    assert first["changed"] and first["downloaded"] and first["version"] == "6.14.1"
    assert sorted(os.listdir(ours)) == sorted(os.listdir(helms)) == ["podinfo-6.14.1.tgz"]
    with open(first["path"], "rb") as a, open(str(helms / "podinfo-6.14.1.tgz"), "rb") as b:
        assert a.read() == b.read()
    before = len(repo.requests)
    again = pull_chart("demo/podinfo", str(ours))
    assert not again["changed"] and not again["downloaded"] and again["digest"] == _sha(PODINFO)
    assert len(repo.requests) == before  # digest compared with the cached index: no network at all


def test_changed_file_at_destination_is_replaced_from_cache(helm_home, repo, tmp_path):
    config, _cache = helm_home
    _add(config, "demo", repo.url)
    dest = tmp_path / "d"
    pull_chart("demo/podinfo", str(dest))
    target = dest / "podinfo-6.14.1.tgz"
    target.write_bytes(b"corrupt")
    checked = pull_chart("demo/podinfo", str(dest), check_mode=True)
    assert checked["changed"] and target.read_bytes() == b"corrupt"
    fixed = pull_chart("demo/podinfo", str(dest))
    assert fixed["changed"] and not fixed["downloaded"] and _sha(str(target)) == _sha(PODINFO)


def test_repo_url_and_tgz_url_refs(helm_home, repo, tmp_path):
    by_repo = pull_chart("redis", str(tmp_path / "a"), repo_url=repo.url, version="23.1.1")
    assert by_repo["changed"] and _sha(by_repo["path"]) == _sha(REDIS)
    url = repo.url + "/podinfo-6.14.1.tgz"
    by_url = pull_chart(url, str(tmp_path / "b"))
    assert by_url["changed"] and by_url["url"] == url and by_url["path"].endswith("podinfo-6.14.1.tgz")
    assert not pull_chart(url, str(tmp_path / "b"))["changed"]


def test_untar_like_helm_then_idempotent_then_force(helm_home, repo, tmp_path):
    ours, helms = tmp_path / "ours", tmp_path / "helm"
    helms.mkdir()
    helm_python.pull("podinfo", repo_url=repo.url, destination=str(helms), untar=True, untar_dir=str(helms))
    first = pull_chart("podinfo", str(ours), repo_url=repo.url, untar=True)
    assert first["changed"] and first["path"] == str(ours / "podinfo")
    assert _tree(first["path"]) == _tree(str(helms / "podinfo"))
    assert os.listdir(str(ours)) == ["podinfo"]
    assert not pull_chart("podinfo", str(ours), repo_url=repo.url, untar=True)["changed"]
    (ours / "podinfo" / "values.yaml").write_text("edited: true\n")
    with pytest.raises(RepositoryError) as info:
        pull_chart("podinfo", str(ours), repo_url=repo.url, untar=True)
    assert "already exists" in str(info.value) and "force: true" in str(info.value)
    assert pull_chart("podinfo", str(ours), repo_url=repo.url, untar=True, force=True)["changed"]
    assert _tree(str(ours / "podinfo")) == _tree(str(helms / "podinfo"))


def test_untar_refuses_unsafe_archive(helm_home, tmp_path):
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in (("evil/Chart.yaml", b"apiVersion: v2\nname: evil\nversion: 1.0.0\n"),
                           ("evil/../../escape.txt", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "evil-1.0.0.tgz"
    archive.write_bytes(buf.getvalue())
    with pytest.raises(ChartError) as info:
        pull_chart(str(archive), str(tmp_path / "out"), untar=True)
    assert "parent directory" in str(info.value)
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "out" / "evil").exists()


def test_digest_mismatch_keeps_nothing(helm_home, tmp_path):
    index = (b"apiVersion: v1\nentries:\n  podinfo:\n  - name: podinfo\n    version: 6.14.1\n"
             b"    digest: " + b"0" * 64 + b"\n    urls: [podinfo-6.14.1.tgz]\n")
    with ChartRepoServer(charts=[PODINFO], index=index) as server:
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url)
    assert "digest check" in str(info.value) and "nothing was kept" in str(info.value)
    assert not (tmp_path / "d").exists()
    charts = os.path.join(helm_home[1], "helmkit", "charts")
    assert not os.path.isdir(charts) or os.listdir(charts) == []


def test_entry_without_urls(helm_home, tmp_path):
    index = b"apiVersion: v1\nentries:\n  podinfo:\n  - name: podinfo\n    version: 6.14.1\n"
    with ChartRepoServer(charts=[PODINFO], index=index) as server:
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url)
    assert "has no download URL" in str(info.value)


@pytest.mark.parametrize("version,needle", [
    ("9.9.9", 'version "9.9.9" not found in repository "demo"; nearest: 6.14.1'),
    (">=1 <<2", "invalid version"),
])
def test_version_errors_leave_config_untouched(helm_home, repo, tmp_path, version, needle):
    config, _cache = helm_home
    _add(config, "demo", repo.url)
    before = open(config, "rb").read()
    with pytest.raises(RepositoryError) as info:
        pull_chart("demo/podinfo", str(tmp_path / "d"), version=version)
    assert needle in str(info.value)
    assert open(config, "rb").read() == before and not (tmp_path / "d").exists()


def test_bad_repositories(helm_home, tmp_path, fast_backoff):
    config, _cache = helm_home
    _add(config, "keep", "https://keep.example")
    before = open(config, "rb").read()
    with ChartRepoServer(charts=[PODINFO], username="u", password="secret-pw") as private:
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=private.url)
        assert "401" in str(info.value) and "username and password" in str(info.value)
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=private.url, username="u", password="wrong-pw")
        assert "refused" in str(info.value) and "wrong-pw" not in str(info.value)
    for data, needle in ((b"<html>not yaml</html>", "not a chart repository index"),
                         (b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: [1", "invalid YAML")):
        with ChartRepoServer(index=data) as server:
            with pytest.raises(RepositoryError) as info:
                pull_chart("a", str(tmp_path / "d"), repo_url=server.url)
        assert needle in str(info.value)
    with ChartRepoServer(charts=[PODINFO]) as server:
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url + "/missing")
    assert "404" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        pull_chart("podinfo", str(tmp_path / "d"), repo_url="http://127.0.0.1:9", timeout=2)
    assert "unreachable" in str(info.value)
    assert open(config, "rb").read() == before and not (tmp_path / "d").exists()


def test_repo_url_latest_follows_a_new_release(helm_home, tmp_path):
    digest = _sha(PODINFO).encode()
    entry = (b"  - name: podinfo\n    version: %s\n    digest: " + digest + b"\n    urls: [podinfo-6.14.1.tgz]\n")
    index = b"apiVersion: v1\nentries:\n  podinfo:\n" + entry % b"6.14.1"
    with ChartRepoServer(charts=[PODINFO], index=index) as server:
        assert pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url)["version"] == "6.14.1"
        with open(os.path.join(server.directory, "index.yaml"), "wb") as fh:
            fh.write(index + entry % b"6.15.0")
        assert pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url)["version"] == "6.15.0"
        before = len(server.requests)
        pinned = pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url, version="6.14.1")
        assert not pinned["changed"] and len(server.requests) == before  # exact cached version: no index fetch
