"""What helm_release does with a local chart directory: dependency_update runs an update first (in check mode on
a copy, leaving the chart untouched), and unresolved dependencies fail with a message naming helm_dependency."""
from __future__ import annotations

import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager
from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError
from tests.helpers.depcharts import snapshot, write_chart


def _parent(tmp_path, repo_url):
    write_chart(tmp_path / "sibling", "sibling", version="0.2.0")
    return write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "^2", "repository": repo_url},
        {"name": "sibling", "version": "*", "repository": "file://../sibling"}])


def test_unresolved_dependencies_say_to_run_helm_dependency(tmp_path, chart_repo):
    parent = _parent(tmp_path, chart_repo.url)
    with pytest.raises(ChartError) as info:
        manager.prepare_chart_directory(parent)
    assert "common, sibling" in str(info.value) and "helmkit.core.helm_dependency" in str(info.value)
    assert "dependency_update: true" in str(info.value)


def test_dependency_update_then_render_ready(tmp_path, chart_repo):
    parent = _parent(tmp_path, chart_repo.url)
    path, result = manager.prepare_chart_directory(parent, dependency_update=True)
    assert path == parent and result.changed
    chart = load_chart(path)
    assert sorted(c.name for c in chart.dependencies) == ["common", "sibling"]
    path, result = manager.prepare_chart_directory(parent, dependency_update=True)
    assert not result.changed


def test_check_mode_updates_a_copy_only(tmp_path, chart_repo):
    parent = _parent(tmp_path, chart_repo.url)
    before = snapshot(parent)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    path, result = manager.prepare_chart_directory(parent, dependency_update=True, check_mode=True,
                                                   scratch=str(scratch))
    assert result.changed and path.startswith(str(scratch))
    assert sorted(os.listdir(os.path.join(path, "charts"))) == ["common-2.31.10.tgz", "sibling-0.2.0.tgz"]
    assert snapshot(parent) == before
