"""report.py: the one channel for the domain's warnings and debug lines, and who routes it."""
from __future__ import annotations

from ansible_collections.helmkit.core.plugins.module_utils import report
from ansible_collections.helmkit.core.plugins.module_utils.release.query import ReleaseQuery
from ansible_collections.helmkit.core.plugins.module_utils.repo.search import search_repositories


def test_lines_reach_every_active_route_by_kind():
    outer, inner, debug = [], [], []
    report.warn("dropped: no route")
    with report.routed(outer.append, debug.append):
        report.warn("w1")
        with report.routed(inner.append):
            report.warn("w2")
            report.debug("d1")
            report.emit("error", "e1")
            report.emit("info", "i1")
        report.warn("w3")
    report.warn("dropped again")
    assert outer == ["w1", "w2", "e1", "w3"] and inner == ["w2", "e1"] and debug == ["d1", "i1"]


def test_undecodable_release_records_are_reported_with_their_object():
    seen = []
    query = ReleaseQuery(client=None, driver="secret")
    bad = {"metadata": {"namespace": "ns", "name": "sh.helm.release.v1.x.v1"}, "data": {"release": "%%%"}}
    with report.routed(seen.append):
        assert query.decode(bad) is None
    assert seen == query.warnings and len(seen) == 1
    assert seen[0].startswith("skipped secret ns/sh.helm.release.v1.x.v1: cannot decode the release")


def test_a_repository_without_a_cached_index_is_reported_and_skipped(tmp_path):
    config = tmp_path / "repositories.yaml"
    config.write_text("apiVersion: v1\nrepositories:\n- name: gone\n  url: https://charts.invalid\n")
    seen = []
    with report.routed(seen.append):
        result = search_repositories(repository_config=str(config), repository_cache=str(tmp_path / "cache"))
    assert result.charts == [] and [name for name, _reason in result.skipped] == ["gone"]
    assert seen == ["repository gone skipped: %s" % result.skipped[0][1]]
    assert "update_cache: true" in seen[0]
