"""Fixtures for dependency tests: a real chart repository with real charts (and repackaged versions of podinfo)
and a private Helm home per test."""
from __future__ import annotations

import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.package import package_chart
from ansible_collections.helmkit.core.plugins.module_utils.repo import index as index_module
from tests.helpers.corpus import CHARTS_DIR
from tests.helpers.depcharts import PODINFO_VERSIONS


@pytest.fixture(scope="session")
def repo_charts(tmp_path_factory):
    """Archives served by the test repository: common, memcached, podinfo 6.14.1 and repackaged podinfo
    6.9.0 / 6.15.0 / 7.0.0-rc.1 (the real chart with another version)."""
    out = tmp_path_factory.mktemp("repo-charts")
    paths = [os.path.join(CHARTS_DIR, name) for name in ("common-2.31.10.tgz", "memcached-8.0.0.tgz",
                                                         "podinfo-6.14.1.tgz")]
    for version in PODINFO_VERSIONS:
        paths.append(package_chart(os.path.join(CHARTS_DIR, "podinfo-6.14.1.tgz"), str(out), version=version))
    return paths


@pytest.fixture(scope="session")
def chart_repo(repo_charts):
    from tests.helpers.chartrepo import ChartRepoServer

    with ChartRepoServer(charts=repo_charts) as server:
        yield server


@pytest.fixture(autouse=True)
def helm_home(tmp_path, monkeypatch):
    """A private Helm home (repositories.yaml and cache) for each test; fast retries."""
    home = tmp_path / "helmhome"
    monkeypatch.setenv("HELM_REPOSITORY_CONFIG", str(home / "repositories.yaml"))
    monkeypatch.setenv("HELM_REPOSITORY_CACHE", str(home / "cache"))
    monkeypatch.setattr(index_module.RETRY, "base", 0.0)
    return home
