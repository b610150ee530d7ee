"""helm lint: our chart/lint against Helm v4.2.3 (helm_python.lint), message for message and in order.

- every corpus chart and values variant (../shared/charts), linted from its .tgz, and every corpus chart with
  dependencies unpacked and linted with its subcharts;
- the broken charts of brokencharts.py, one per rule and message kind, written from small dicts;
- every entry of the deprecated-API table, at Helm's default Kubernetes version and at one that deprecates all.
Expected output always comes from helm_python; nothing here is hand-written.
"""
from __future__ import annotations

import os

import pytest

helm_python = pytest.importorskip("helm_python")


from ansible_collections.helmkit.core.plugins.module_utils.chart.lint import _subchart_paths, lint  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.chart.lint.deprecations import DEPRECATED  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError  # noqa: E402
from tests.conformance import harness
from tests.helpers import brokencharts

CORPUS = harness.cases()


def _tgz(entry):
    return os.path.join(harness.CHARTS_DIR, "%s-%s.tgz" % (entry["name"], entry["version"]))


def _masked(result, chart_dir):
    """Dependency findings carry the absolute chart directory, which differs between two unpackings."""
    for message in result["messages"]:
        if chart_dir and message["path"] == chart_dir:
            message["path"] = "<chart>"
    return result


@pytest.mark.parametrize("entry,variant", CORPUS, ids=["%s-%s" % (e["name"], v) for e, v in CORPUS])
def test_corpus_lints_like_helm(entry, variant):
    """Namespace "" (helm_python's default) makes istiod and rollout-operator produce name warnings."""
    values = harness.user_values(entry, variant)
    expected = helm_python.lint(_tgz(entry), values, namespace="")
    assert lint(_tgz(entry), values, namespace="") == expected


WITH_DEPS = [e for e in harness.corpus() if e["deps"]]


@pytest.mark.parametrize("entry", WITH_DEPS, ids=[e["name"] for e in WITH_DEPS])
def test_corpus_with_subcharts_lints_like_helm(entry, tmp_path):
    """--with-subcharts on the unpacked chart: the top chart, then every chart below charts/, as the CLI does."""
    import tarfile
    with tarfile.open(_tgz(entry)) as tar:
        tar.extractall(str(tmp_path))
    root = str(tmp_path / os.listdir(str(tmp_path))[0])
    expected = {"total_charts_linted": 0, "messages": [], "errors": []}
    for path in [root] + _subchart_paths(root):
        found = helm_python.lint(path, namespace="default")
        for key in expected:
            expected[key] += found[key]
    ours = lint(root, namespace="default", with_subcharts=True)
    assert ours == expected and ours["total_charts_linted"] > 1


@pytest.mark.parametrize("name", sorted(brokencharts.CASES))
def test_broken_chart_lints_like_helm(name, tmp_path):
    case = brokencharts.CASES[name]
    chart = brokencharts.write_chart(str(tmp_path), case["files"])
    options = dict(strict=case.get("strict", False), kube_version=case.get("kube_version"), namespace="default")
    expected = helm_python.lint(chart, case.get("values"), **options)
    if case.get("with_subcharts"):  # what the helm CLI does: every chart below charts/ is linted after the top one
        for sub in _subchart_paths(chart):
            more = helm_python.lint(sub, case.get("values"), **options)
            expected["total_charts_linted"] += 1
            expected["messages"] += more["messages"]
            expected["errors"] += more["errors"]
    ours = lint(chart, case.get("values"), with_subcharts=case.get("with_subcharts", False), **options)
    assert ours == expected
    assert expected["messages"] or name in ("crds-ok", "templates-name-csr", "chartfile-bad-name",
                                            "chartfile-version-zero"), "a broken chart must produce findings"


def test_broken_chart_archive_lints_like_helm(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.chart.package import package_chart
    chart = brokencharts.write_chart(str(tmp_path / "src"), brokencharts.CASES["dependencies-not-in-metadata"]["files"])
    archive = package_chart(chart, str(tmp_path))
    expected = helm_python.lint(archive, namespace="default")
    ours = lint(archive, namespace="default")
    assert [m["path"] for m in ours["messages"]] != [] and ours["errors"] == expected["errors"]
    assert [m for m in ours["messages"] if not m["path"].startswith("/")] == \
        [m for m in expected["messages"] if not m["path"].startswith("/")]


@pytest.mark.parametrize("kube_version", [None, "v1.99.0", "v1.20.0", "v0.0.0"])
def test_deprecated_api_table_matches_helm(kube_version, tmp_path):
    files = {"Chart.yaml": brokencharts.GOOD, "values.yaml": ""}
    for i, (api_version, kind) in enumerate(sorted(DEPRECATED)):
        files["templates/t%03d.yaml" % i] = "apiVersion: %s\nkind: %s\nmetadata:\n  name: x\nspec:\n" \
                                            "  selector:\n    matchLabels: {}\n" % (api_version, kind)
    chart = brokencharts.write_chart(str(tmp_path), files)
    expected = helm_python.lint(chart, kube_version=kube_version)
    assert lint(chart, kube_version=kube_version, namespace="") == expected
    if kube_version == "v1.99.0":
        assert len(expected["messages"]) == len(DEPRECATED)


def test_directory_without_chart_yaml_is_reported_like_helm(tmp_path):
    (tmp_path / "templates").mkdir()
    ours = lint(str(tmp_path))
    assert ours == helm_python.lint(str(tmp_path))
    assert ours["total_charts_linted"] == 0 and "Chart.yaml" in ours["errors"][0]


def test_archive_that_is_not_a_chart_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.tgz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ChartError, match="bad.tgz"):
        lint(str(bad))
