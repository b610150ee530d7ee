"""An index too large for HELMKIT_MAX_INDEX_BYTES (issue 18 item 7) gets a clear error naming the repository and the
limit, on every path that reads an index: helm_search, the catalog, locating a chart, dependency update/build,
repository update (all, or one as helm_repository adds it), both for a download (cut while streaming) and for a
cached file (refused before it is read)."""
from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError, RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo import index as index_module
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (
    RepositoryEntry, load_repository_file, save_repository_file)
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import (
    load_cached_index, read_index_file, update_index_cache)
from ansible_collections.helmkit.core.plugins.module_utils.repo.search import search_repositories
from ansible_collections.helmkit.core.plugins.module_utils.repo.update import update_repositories
from ansible_collections.helmkit.core.plugins.module_utils.source.catalog import build_catalog
from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager
from ansible_collections.helmkit.core.plugins.module_utils.source.locate import locate
from ansible_collections.helmkit.core.plugins.module_utils.source.options import SourceOptions
from tests.helpers.chartrepo import ChartRepoServer

LIMIT = 20000


def _big_index(versions=300):
    """A valid index of one chart with many versions: some 60 KB, three times LIMIT."""
    entries = [{"apiVersion": "v2", "name": "app", "version": "1.0.%d" % n, "description": "x" * 100,
                "urls": ["app-1.0.%d.tgz" % n], "digest": "0" * 64, "created": "2024-01-01T00:00:00Z"}
               for n in range(versions)]
    return yaml.safe_dump({"apiVersion": "v1", "entries": {"app": entries}}).encode()


BIG = _big_index()


@pytest.fixture(scope="module")
def server():
    with ChartRepoServer(index=BIG) as repo:
        yield repo


@pytest.fixture
def helm_home(tmp_path, monkeypatch, server):
    """repositories.yaml with the repository "huge" (the big index, already cached, as a helm repo update left it
    before the limit was lowered) and a limit of LIMIT bytes."""
    config, cache = tmp_path / "repositories.yaml", tmp_path / "cache"
    monkeypatch.setenv("HELM_REPOSITORY_CONFIG", str(config))
    monkeypatch.setenv("HELM_REPOSITORY_CACHE", str(cache))
    monkeypatch.setattr(index_module.RETRY, "base", 0.0)
    repo_file = load_repository_file(str(config))
    repo_file.update(RepositoryEntry("huge", server.url))
    save_repository_file(str(config), repo_file)
    update_index_cache(str(cache), "huge", server.url)   # under the default limit
    monkeypatch.setenv("HELMKIT_MAX_INDEX_BYTES", str(LIMIT))
    return config, cache


def _clear(message, repository=True):
    assert "HELMKIT_MAX_INDEX_BYTES" in message and str(LIMIT) in message, message
    if repository:
        assert '"huge"' in message or " huge " in message, message


def test_a_cached_index_over_the_limit_is_refused_before_it_is_read(helm_home):
    _config, cache = helm_home
    path = str(cache / "huge-index.yaml")
    with pytest.raises(RepositoryError) as err:
        read_index_file(path)
    _clear(str(err.value))
    assert path in str(err.value) and str(len(BIG)) in str(err.value)
    with pytest.raises(RepositoryError):
        load_cached_index(path)   # even with a valid parsed JSON cache beside it


def test_helm_search_skips_the_repository_with_the_reason(helm_home):
    result = search_repositories(["app"])
    assert result.charts == []
    (name, reason), = result.skipped
    assert name == "huge"
    _clear(reason)
    assert "update_cache" not in reason   # refreshing would not help


def test_catalog_fails_naming_the_repository(helm_home):
    with pytest.raises(RepositoryError) as err:
        build_catalog(["huge"])
    _clear(str(err.value))


def test_locating_a_chart_fails_on_the_cached_and_on_the_downloaded_index(helm_home):
    with pytest.raises(RepositoryError) as err:   # the cache is refused, then the download is cut
        locate("huge/app", SourceOptions(version="1.0.1"))
    _clear(str(err.value))
    assert "the answer" in str(err.value)


def test_repository_update_reports_the_repository_and_goes_on(helm_home, server):
    _config, cache = helm_home
    before = (cache / "huge-index.yaml").read_bytes()
    results = update_repositories([RepositoryEntry("huge", server.url)], str(cache), lambda entry: {})
    assert results[0]["failed"] and results[0]["changed"] is False
    _clear(results[0]["msg"])
    assert results[0]["msg"].count("huge") == 1, results[0]["msg"]   # named once
    assert (cache / "huge-index.yaml").read_bytes() == before   # nothing half-written
    with pytest.raises(RepositoryError) as err:   # helm_repository state=present, update_cache
        update_index_cache(str(cache), "huge", server.url)
    _clear(str(err.value))


def _chart_with_dependency(tmp_path, repository):
    chart = tmp_path / "parent"
    chart.mkdir()
    (chart / "Chart.yaml").write_text(yaml.safe_dump({
        "apiVersion": "v2", "name": "parent", "version": "0.1.0",
        "dependencies": [{"name": "app", "version": "1.0.1", "repository": repository}]}))
    return str(chart)


def test_dependency_update_fails_naming_the_repository(helm_home, server, tmp_path):
    chart = _chart_with_dependency(tmp_path, server.url)   # by URL: matched to "huge" in repositories.yaml
    with pytest.raises(HelmkitError) as err:
        manager.update_dependencies(chart)
    _clear(str(err.value))
    assert not os.path.exists(os.path.join(chart, "Chart.lock"))


def test_dependency_update_from_the_cache_fails_too(helm_home, server, tmp_path):
    chart = _chart_with_dependency(tmp_path, "@huge")
    with pytest.raises(HelmkitError) as err:
        manager.update_dependencies(chart, options=SourceOptions(skip_refresh=True))
    _clear(str(err.value))


def test_an_index_under_the_limit_is_read(helm_home, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_INDEX_BYTES", str(len(BIG)))
    assert len(search_repositories(["app"]).charts) == 1
