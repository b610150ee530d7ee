"""helm dependency update/build against a real HTTP chart repository, compared with Helm v4 (helm_python) working on
a copy of the same chart: the same locked versions, the same digest, the same charts/ file names, and Helm accepts
our lock. Every failure leaves charts/ and the lock exactly as before."""
from __future__ import annotations

import hashlib
import os
import shutil

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager
from ansible_collections.helmkit.core.plugins.module_utils.source.deps.lockfile import hash_req
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
from tests.helpers.corpus import CHARTS_DIR
from tests.helpers.depcharts import helm_copy, read_lock, snapshot, write_chart

update = manager.update_dependencies
build = manager.build_dependencies


def helm_lock_of(chart_dir):
    """Helm's own update on a copy: (its lock mapping, its charts/ file names)."""
    copy = helm_copy(chart_dir)
    helm_python.dependency_update(copy)
    return read_lock(os.path.join(copy, "Chart.lock")), sorted(os.listdir(os.path.join(copy, "charts")))


def assert_same_as_helm(chart_dir):
    ours = read_lock(os.path.join(chart_dir, "Chart.lock"))
    theirs, helm_files = helm_lock_of(chart_dir)
    assert ours["dependencies"] == theirs["dependencies"]
    assert ours["digest"] == theirs["digest"]
    assert sorted(os.listdir(os.path.join(chart_dir, "charts"))) == helm_files
    # Helm accepts our lock as it is (build checks the digest against Chart.yaml).
    accept = helm_copy(chart_dir, "-accept")
    for name in os.listdir(os.path.join(accept, "charts")):
        if name.endswith(".tgz"):
            os.remove(os.path.join(accept, "charts", name))
    helm_python.dependency_build(accept)
    return ours


def test_parent_with_http_file_and_alias_dependencies_matches_helm(tmp_path, chart_repo):
    write_chart(tmp_path / "sibling", "sibling", version="0.3.1")
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "^2.0.0", "repository": chart_repo.url, "tags": ["base"],
         "import-values": [{"child": "a<b&c", "parent": "x"}], "condition": "common.enabled"},
        {"name": "common", "alias": "common2", "version": "2.31.10", "repository": chart_repo.url},
        {"name": "sibling", "version": ">=0.1.0", "repository": "file://../sibling"},
    ])
    result = update(parent)
    assert result.changed and result.lock_written
    assert result.added == ["common-2.31.10.tgz", "sibling-0.3.1.tgz"]
    lock = assert_same_as_helm(parent)
    assert [d["version"] for d in lock["dependencies"]] == ["2.31.10", "2.31.10", "0.3.1"]
    with open(os.path.join(parent, "charts", "common-2.31.10.tgz"), "rb") as fh, \
            open(os.path.join(CHARTS_DIR, "common-2.31.10.tgz"), "rb") as orig:
        assert hashlib.sha256(fh.read()).digest() == hashlib.sha256(orig.read()).digest()
    assert chart_repo.chart_requests().count("/common-2.31.10.tgz") >= 1

    before = snapshot(parent)
    again = update(parent)   # idempotent: same lock digest, same bytes
    assert not again.changed and not again.lock_written
    assert again.unchanged == ["common-2.31.10.tgz", "sibling-0.3.1.tgz"]
    assert snapshot(parent) == before


def test_lock_text_is_helms_apart_from_the_time(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "podinfo", "version": "~6.14.0", "repository": chart_repo.url}])
    update(parent)
    copy = helm_copy(parent)
    os.remove(os.path.join(copy, "Chart.lock"))
    helm_python.dependency_update(copy)

    def without_time(path):
        with open(path) as fh:
            lines = fh.read().splitlines()
        assert lines[-1].startswith('generated: "2') and lines[-1].endswith('"')
        return lines[:-1]
    assert without_time(os.path.join(parent, "Chart.lock")) == without_time(os.path.join(copy, "Chart.lock"))


@pytest.mark.parametrize("constraint, expected", [
    ("^6.0.0", "6.15.0"),        # several match: the highest release wins
    ("~6.14", "6.14.1"),
    (">=6.0.0-0", "7.0.0-rc.1"),  # a prerelease only when the constraint admits prereleases
    ("6.9.0", "6.9.0"),
])
def test_constraint_resolution_matches_helm(tmp_path, chart_repo, constraint, expected):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "podinfo", "version": constraint, "repository": chart_repo.url}])
    update(parent)
    lock = assert_same_as_helm(parent)
    assert lock["dependencies"][0]["version"] == expected


def test_update_removes_outdated_archives_like_helm(tmp_path, chart_repo, repo_charts):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "podinfo", "version": "^6.10.0", "repository": chart_repo.url}])
    os.makedirs(os.path.join(parent, "charts"))
    old = next(p for p in repo_charts if p.endswith("podinfo-6.9.0.tgz"))
    shutil.copy(old, os.path.join(parent, "charts"))
    result = update(parent)
    assert result.removed == ["podinfo-6.9.0.tgz"]
    assert sorted(os.listdir(os.path.join(parent, "charts"))) == ["podinfo-6.15.0.tgz"]
    assert_same_as_helm(parent)


def test_missing_version_lists_nearest_and_changes_nothing(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    update(parent)
    write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url},
        {"name": "podinfo", "version": "6.12.0", "repository": chart_repo.url}])
    before = snapshot(parent)
    with pytest.raises(HelmkitError) as info:
        update(parent)
    message = str(info.value)
    assert "can't get a valid version for repositories podinfo" in message
    assert "nearest available: 6.9.0, 6.14.1" in message
    assert snapshot(parent) == before
    with pytest.raises(helm_python.HelmRepoError, match="can't get a valid version"):
        helm_python.dependency_update(helm_copy(parent))


def test_unreachable_repository_is_named_and_changes_nothing(tmp_path, chart_repo):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = "http://127.0.0.1:%d/charts" % s.getsockname()[1]
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    update(parent)
    write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url},
        {"name": "memcached", "version": "*", "repository": dead}])
    before = snapshot(parent)
    with pytest.raises(HelmkitError) as info:
        update(parent)
    assert dead in str(info.value) and "unreachable" in str(info.value)
    assert snapshot(parent) == before


def test_build_rejects_an_out_of_sync_lock_with_helms_message(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    update(parent)
    write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "^2.0.0", "repository": chart_repo.url}])
    shutil.rmtree(os.path.join(parent, "charts"))
    before = snapshot(parent)
    with pytest.raises(helm_python.HelmRepoError) as helm_error:
        helm_python.dependency_build(helm_copy(parent))
    with pytest.raises(HelmkitError) as info:
        build(parent)
    assert str(info.value).startswith(str(helm_error.value).strip())
    assert snapshot(parent) == before


def test_build_restores_charts_and_skips_archives_already_present(tmp_path, chart_repo):
    write_chart(tmp_path / "sibling", "sibling", version="0.3.1")
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url},
        {"name": "podinfo", "version": "^6", "repository": chart_repo.url},
        {"name": "sibling", "version": "*", "repository": "file://../sibling"}])
    update(parent)
    full = snapshot(parent)
    downloads = len(chart_repo.chart_requests())
    result = build(parent)
    assert not result.changed and sorted(result.unchanged) == ["common-2.31.10.tgz", "podinfo-6.15.0.tgz",
                                                               "sibling-0.3.1.tgz"]
    assert len(chart_repo.chart_requests()) == downloads   # nothing downloaded again
    os.remove(os.path.join(parent, "charts", "podinfo-6.15.0.tgz"))
    result = build(parent)
    assert result.changed and result.added == ["podinfo-6.15.0.tgz"]
    assert snapshot(parent) == full


def test_circular_file_references_terminate_like_helm(tmp_path):
    write_chart(tmp_path / "a", "a", [{"name": "b", "version": "*", "repository": "file://../b"}])
    write_chart(tmp_path / "b", "b", [{"name": "a", "version": "*", "repository": "file://../a"}],
                version="2.0.0")
    update(str(tmp_path / "a"))
    assert sorted(os.listdir(str(tmp_path / "a" / "charts"))) == ["b-2.0.0.tgz"]
    assert_same_as_helm(str(tmp_path / "a"))


def test_missing_file_directory_is_an_error_naming_it(tmp_path):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "gone", "version": "*", "repository": "file://../gone"}])
    with pytest.raises(HelmkitError, match="directory .*gone not found"):
        update(parent)
    assert not os.path.exists(os.path.join(parent, "charts"))
    assert not os.path.exists(os.path.join(parent, "Chart.lock"))


def test_configured_repository_alias_is_locked_with_its_url(tmp_path, chart_repo):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (
        RepositoryEntry, RepositoryFile, save_repository_file)
    save_repository_file(os.environ["HELM_REPOSITORY_CONFIG"],
                         RepositoryFile([RepositoryEntry("stable", chart_repo.url)]))
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": "@stable"},
        {"name": "podinfo", "version": "6.14.1", "repository": "alias:stable"}])
    update(parent)
    lock = read_lock(os.path.join(parent, "Chart.lock"))
    assert [d["repository"] for d in lock["dependencies"]] == [chart_repo.url, chart_repo.url]
    # Helm replaces the alias by the URL before hashing: the same chart written with the URL has our digest.
    by_url = write_chart(tmp_path / "byurl", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url},
        {"name": "podinfo", "version": "6.14.1", "repository": chart_repo.url}])
    theirs, _files = helm_lock_of(by_url)
    assert lock["digest"] == theirs["digest"]
    assert build(parent).changed is False
    with pytest.raises(HelmkitError, match="no repository definition for @nowhere"):
        write_chart(tmp_path / "bad", "bad", [{"name": "common", "version": "*", "repository": "@nowhere"}])
        update(str(tmp_path / "bad"))


def test_requirements_yaml_v1_chart_writes_requirements_lock_helm_accepts(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "legacy", "legacy", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}], api_version="v1")
    update(parent)
    assert os.path.isfile(os.path.join(parent, "requirements.lock"))
    assert not os.path.exists(os.path.join(parent, "Chart.lock"))
    copy = helm_copy(parent)
    shutil.rmtree(os.path.join(copy, "charts"))
    helm_python.dependency_build(copy)
    theirs_copy = helm_copy(parent, "-h2")
    os.remove(os.path.join(theirs_copy, "requirements.lock"))
    helm_python.dependency_update(theirs_copy)
    assert read_lock(os.path.join(theirs_copy, "requirements.lock"))["digest"] == \
        read_lock(os.path.join(parent, "requirements.lock"))["digest"]


def test_a_failure_while_moving_files_restores_everything(tmp_path, chart_repo, monkeypatch):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "podinfo", "version": "6.9.0", "repository": chart_repo.url}])
    update(parent)
    write_chart(tmp_path / "parent", "parent", [
        {"name": "podinfo", "version": "6.15.0", "repository": chart_repo.url}])
    before = snapshot(parent)
    real_replace = os.replace

    def failing_replace(src, dst):
        if dst.endswith("Chart.lock"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)
    monkeypatch.setattr(manager.os, "replace", failing_replace)
    with pytest.raises(OSError):
        update(parent)
    monkeypatch.setattr(manager.os, "replace", real_replace)
    assert snapshot(parent) == before


def test_check_mode_reports_changes_without_making_them(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    before = snapshot(parent)
    result = update(parent, check_mode=True)
    assert result.changed and result.lock_written and result.added == ["common-2.31.10.tgz"]
    assert snapshot(parent) == before


def test_skip_refresh_uses_the_cached_index_or_says_what_is_missing(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    with pytest.raises(HelmkitError, match="no cached repository for .* skip_refresh"):
        update(parent, manager.SourceOptions(skip_refresh=True))
    update(parent)
    shutil.rmtree(os.path.join(parent, "charts"))
    index_requests = [p for p, _unused in chart_repo.requests if p.endswith("index.yaml")]
    update(parent, manager.SourceOptions(skip_refresh=True))
    assert [p for p, _unused in chart_repo.requests if p.endswith("index.yaml")] == index_requests
    assert os.listdir(os.path.join(parent, "charts")) == ["common-2.31.10.tgz"]


def test_digest_equals_helms_for_helm_written_locks(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "podinfo", "version": ">=6.9.0 <6.15.0", "repository": chart_repo.url, "alias": "web",
         "tags": ["front", "web"], "import-values": ["defaults", {"child": "x.y", "parent": "z"}]}])
    theirs, _files = helm_lock_of(parent)
    info = manager.read_chart_dependencies(parent)
    from ansible_collections.helmkit.core.plugins.module_utils.source.deps.lockfile import locked_entry
    locked = [locked_entry(d["name"], d["repository"], d["version"]) for d in theirs["dependencies"]]
    assert hash_req(info.dependencies, locked) == theirs["digest"]


def test_unpacked_subchart_without_repository_matches_helm(tmp_path, chart_repo):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "inner", "version": "^1.0.0"},
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    write_chart(os.path.join(parent, "charts", "inner"), "inner", version="1.4.0")
    update(parent)
    lock = assert_same_as_helm(parent)
    assert lock["dependencies"][0] == {"name": "inner", "repository": "", "version": "^1.0.0"}
    assert os.path.isdir(os.path.join(parent, "charts", "inner"))
    write_chart(os.path.join(parent, "charts", "inner"), "inner", version="2.0.0")
    before = snapshot(parent)
    with pytest.raises(HelmkitError, match="dependency inner at version 2.0.0 does not satisfy the constraint"):
        build(parent)
    assert snapshot(parent) == before
