"""Fixtures for the repository and chart-source tests (tests/unit/repo, tests/unit/source): an isolated Helm home,
fast retries and a real chart repository server. Each of those folders' conftest.py imports them."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.repo import index
from tests.helpers.chartrepo import ChartRepoServer, make_test_pki
from tests.helpers.corpus import PODINFO, REDIS


@pytest.fixture
def helm_home(tmp_path, monkeypatch):
    """Point every Helm location at a fresh temporary directory; returns (repository_config, repository_cache)."""
    for var in ("HELM_REPOSITORY_CONFIG", "HELM_REPOSITORY_CACHE", "HELM_CONFIG_HOME", "HELM_CACHE_HOME",
                "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    config = str(tmp_path / "config" / "repositories.yaml")
    cache = str(tmp_path / "cache" / "repository")
    monkeypatch.setenv("HELM_REPOSITORY_CONFIG", config)
    monkeypatch.setenv("HELM_REPOSITORY_CACHE", cache)
    return config, cache


@pytest.fixture
def fast_backoff(monkeypatch):
    """Retries of repository requests without the real back-off."""
    monkeypatch.setattr(index.RETRY, "base", 0.01)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """A private CA with server and client certificates (chartrepo.make_test_pki)."""
    return make_test_pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="module")
def repo():
    """A chart repository server holding podinfo and redis."""
    with ChartRepoServer(charts=[PODINFO, REDIS]) as server:
        yield server
