"""helm search repo semantics (repo/search.py); the lookup is exercised in tests/integration/test_helm_search.py."""
from __future__ import annotations

import os
import shutil

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo import config as cfg
from ansible_collections.helmkit.core.plugins.module_utils.repo.search import search_repositories

from tests.helpers.corpus import SHARED

SMALL = b"""apiVersion: v1
entries:
  alpha:
  - name: alpha
    version: 2.0.0-rc.1
    description: Alpha web server
    urls: [alpha-2.0.0-rc.1.tgz]
  - name: alpha
    version: 1.2.0
    appVersion: "9"
    description: Alpha web server
    keywords: [http, proxy]
    digest: aa
    urls: [alpha-1.2.0.tgz]
  - name: alpha
    version: 1.1.0
    description: Alpha web server
    deprecated: true
    urls: [https://cdn.example/alpha-1.1.0.tgz]
  beta:
  - name: beta
    version: 0.3.0
    description: A cache in front of alpha
    keywords: [cache]
    urls: [beta-0.3.0.tgz]
  gamma:
  - name: gamma
    version: 3.0.0
    description: Monitoring
    keywords: [metrics, alpha-compatible]
    urls: [gamma-3.0.0.tgz]
generated: "2024-01-01T00:00:00Z"
"""


@pytest.fixture
def repos(helm_home):
    config, cache = helm_home
    os.makedirs(cache)
    repo_file = cfg.RepositoryFile([cfg.RepositoryEntry("small", "https://charts.example/sub"),
                                    cfg.RepositoryEntry("grafana", "https://grafana.github.io/helm-charts"),
                                    cfg.RepositoryEntry("nocache", "https://nowhere.example")])
    cfg.save_repository_file(config, repo_file)
    with open(cfg.index_cache_path(cache, "small"), "wb") as fh:
        fh.write(SMALL)
    shutil.copy(os.path.join(SHARED, "indexes", "grafana-helm-charts-index.yaml"),
                cfg.index_cache_path(cache, "grafana"))
    return config, cache


def _names(result):
    return [(c["name"], c["version"], c["score"]) for c in result.charts]


def test_ranking_name_then_repo_then_description_then_keywords(repos):
    result = search_repositories(["alpha"], repositories=["small"])
    # chart name (0), then description (2), then keywords (3); prerelease left out by the default >0.0.0
    assert _names(result) == [("small/alpha", "1.2.0", 0), ("small/beta", "0.3.0", 2), ("small/gamma", "3.0.0", 3)]
    first = result.charts[0]
    assert first["urls"] == ["https://charts.example/sub/alpha-1.2.0.tgz"] and first["app_version"] == "9"
    assert first["keywords"] == ["http", "proxy"] and first["digest"] == "aa" and first["deprecated"] is False


def test_repository_name_scores_one_and_case_is_ignored(repos):
    result = search_repositories(["SMALL/B"], repositories=["small"])
    assert _names(result) == [("small/beta", "0.3.0", 1)]


def test_versions_all_devel_and_constraint(repos):
    every = search_repositories(["alpha"], versions=True, devel=True, repositories=["small"])
    assert [(n, v) for n, v, _score in _names(every)][:3] == [
        ("small/alpha", "2.0.0-rc.1"), ("small/alpha", "1.2.0"), ("small/alpha", "1.1.0")]
    latest_devel = search_repositories(["alpha"], devel=True, repositories=["small"])
    assert _names(latest_devel)[0] == ("small/alpha", "2.0.0-rc.1", 0)
    ranged = search_repositories(["alpha"], version="~1.1", repositories=["small"])
    assert _names(ranged) == [("small/alpha", "1.1.0", 0)]
    assert ranged.charts[0]["deprecated"] is True
    assert ranged.charts[0]["urls"] == ["https://cdn.example/alpha-1.1.0.tgz"]


def test_regexp_is_case_sensitive(repos):
    assert _names(search_repositories(["^Alpha web"], regexp=True, repositories=["small"])) == []
    assert [n for n, _version, _score in _names(search_repositories(["web s.rver"], regexp=True, repositories=["small"]))] \
        == ["small/alpha"]


def test_allow_deny_filters_on_repo_chart(repos):
    result = search_repositories(allow=["^grafana/loki"], deny=["-distributed$"])
    names = set(c["name"] for c in result.charts)
    assert "grafana/loki" in names and "grafana/loki-distributed" not in names
    assert all(n.startswith("grafana/loki") for n in names)


def test_no_terms_lists_every_chart_latest_and_skips_missing_cache(repos):
    result = search_repositories()
    grafana = [c for c in result.charts if c["repository"] == "grafana"]
    assert len(set(c["name"] for c in grafana)) == len(grafana) > 30
    assert [c["name"] for c in result.charts] == sorted(c["name"] for c in result.charts)
    assert [name for name, _reason in result.skipped] == ["nocache"]
    assert "update_cache" in result.skipped[0][1]


def test_real_index_term_ranks_chart_names_first(repos):
    result = search_repositories(["loki"], repositories=["grafana"])
    scores = [c["score"] for c in result.charts]
    assert scores == sorted(scores) and result.charts[0]["name"] == "grafana/loki"
    assert all(c["score"] == 0 for c in result.charts if "loki" in c["chart"])


@pytest.mark.parametrize("kwargs,needle", [
    ({"version": ">=1.0 <<2"}, "invalid version/constraint"),
    ({"terms": ["("], "regexp": True}, "not a valid regular expression"),
    ({"allow": ["["]}, "allow pattern"),
    ({"repositories": ["missing"]}, "repository missing not configured"),
])
def test_bad_input(repos, kwargs, needle):
    before = open(repos[0], "rb").read()
    with pytest.raises(RepositoryError) as info:
        search_repositories(**kwargs)
    assert needle in str(info.value)
    assert open(repos[0], "rb").read() == before


def test_version_from_and_to_are_inclusive_and_combine_with_the_constraint(repos):
    def versions(**kwargs):
        return [v for _n, v, _s in _names(search_repositories(["alpha"], versions=True, repositories=["small"],
                                                              **kwargs)) if _n == "small/alpha"]
    assert versions(version_from="1.1", version_to="1.2.0") == ["1.2.0", "1.1.0"]
    assert versions(version_from="1.1.1") == ["1.2.0"]
    assert versions(version_to="1.1.0") == ["1.1.0"]
    assert versions(version_from="1.0", version_to="1.1.9", version="^1") == ["1.1.0"]
    assert versions(version_from="1.0", version="~1.2") == ["1.2.0"]
    # pre-releases still need devel (or a constraint that admits them)
    assert versions(version_from="2.0.0-0") == []
    assert versions(version_from="2.0.0-0", devel=True) == ["2.0.0-rc.1"]
    # without versions=all, the newest version inside the range is the one returned
    latest = search_repositories(["alpha"], version_to="1.1.0", repositories=["small"])
    assert _names(latest)[0] == ("small/alpha", "1.1.0", 0)


@pytest.mark.parametrize("kwargs,needle", [
    ({"version_from": "one"}, 'version_from "one" is not a version'),
    ({"version_to": "2.x"}, 'version_to "2.x" is not a version'),
    ({"version_from": "2", "version_to": "1"}, "version_from 2 is newer than version_to 1"),
])
def test_bad_version_range(repos, kwargs, needle):
    with pytest.raises(RepositoryError) as info:
        search_repositories(**kwargs)
    assert needle in str(info.value)


def test_regular_expressions_are_go_re2(repos):
    # RE2 has no look-around: Python re would accept this pattern; Go's regexp.Compile refuses it
    with pytest.raises(RepositoryError) as info:
        search_repositories(allow=["^small/(?!beta)"])
    assert "allow pattern '^small/(?!beta)' is not a valid regular expression: error parsing regexp:" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        search_repositories(["a++"], regexp=True)
    assert "error parsing regexp: invalid nested repetition operator: `++`" in str(info.value)
    # \pL (a one-letter Unicode class without braces) is RE2 syntax that Python re refuses
    assert [n for n, _v, _s in _names(search_repositories([r"\pLpha web"], regexp=True, repositories=["small"]))] \
        == ["small/alpha"]
