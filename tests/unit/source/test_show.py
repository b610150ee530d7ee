"""helm show (repo/show.py): identical to Helm v4's helm_python.show for every corpus chart and format."""
from __future__ import annotations

import glob
import os

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.source.show import FORMATS, render_show, show_chart

from tests.helpers.corpus import PODINFO, SHARED

CHARTS = sorted(glob.glob(os.path.join(SHARED, "charts", "*.tgz")))


@pytest.mark.parametrize("path", CHARTS, ids=[os.path.basename(p) for p in CHARTS])
def test_every_format_matches_helm(path):
    chart = load_chart(path)
    for output in FORMATS:
        assert render_show(chart, output) == helm_python.show(path, output_format=output), output


def test_show_from_repository_url(helm_home, repo):
    shown = show_chart("podinfo", output="values", repo_url=repo.url, version="6.14.1")
    assert shown["output"] == helm_python.show(PODINFO, output_format="values")
    assert shown["chart"]["name"] == "podinfo" and shown["version"] == "6.14.1"
    assert shown["values"].startswith("# Default values for podinfo.") and "podinfo" in shown["readme"].lower()
    assert shown["url"] == repo.url + "/podinfo-6.14.1.tgz" and len(shown["digest"]) == 64


def test_bad_output_and_missing_chart(helm_home, repo):
    with pytest.raises(RepositoryError) as info:
        show_chart(PODINFO, output="everything")
    assert "not one of all, chart" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        show_chart("nope", repo_url=repo.url)
    assert 'chart "nope" not found' in str(info.value)
