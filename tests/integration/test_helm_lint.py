"""helm_lint module through ansible-playbook on localhost: findings equal to helm_python.lint, failing as
helm lint fails (errors; warnings under strict), values and set_values applied, check mode."""
from __future__ import annotations

import os

import pytest

helm_python = pytest.importorskip("helm_python")


from tests.helpers import brokencharts
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

NAMES = {1: "INFO", 2: "WARNING", 3: "ERROR"}


def _expected(path, values=None, **options):
    ref = helm_python.lint(path, values, namespace="default", **options)
    return [{"severity": NAMES[m["severity"]], "path": m["path"], "message": m["error"]} for m in ref["messages"]]


def test_module_reports_like_helm_and_fails_on_errors(tmp_path):
    warn = brokencharts.write_chart(str(tmp_path / "warn"), brokencharts.CASES["templates-name-subdomain"]["files"])
    schema = brokencharts.write_chart(str(tmp_path / "schema"),
                                      brokencharts.CASES["values-schema-override"]["files"])
    podinfo = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_lint": {"chart_ref": podinfo}},
        {"helmkit.core.helm_lint": {"chart_ref": warn}},
        {"helmkit.core.helm_lint": {"chart_ref": warn, "strict": True}},
        {"helmkit.core.helm_lint": {"chart_ref": schema, "set_values": [{"value": "a=7"}]}},
        {"helmkit.core.helm_lint": {"chart_ref": str(tmp_path)}, "check_mode": True},
    ])
    ok, warned, strict, bad_values, not_chart = results
    assert not ok.get("failed") and not ok["changed"] and ok["messages"] == _expected(podinfo)
    assert not warned.get("failed") and warned["messages"] == _expected(warn)
    assert warned["messages"][0]["severity"] == "WARNING"
    assert strict["failed"] and strict["errors"] == [m["message"] for m in _expected(warn)]
    assert bad_values["failed"] and bad_values["messages"] == _expected(schema, {"a": 7})
    assert "maximum: got 7, want 3" in bad_values["msg"]
    assert not_chart["failed"] and "unable to check Chart.yaml file in chart" in not_chart["msg"], output
    assert "Traceback" not in output


def test_lint_option_stops_template_and_release_before_anything_else(tmp_path):
    from tests.helpers.playbook import KUBECONFIG
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(KUBECONFIG)  # points at 127.0.0.1:1: a release that got past lint would fail to connect
    broken = brokencharts.write_chart(str(tmp_path / "broken"), brokencharts.CASES["templates-no-selector"]["files"])
    warn_only = brokencharts.write_chart(str(tmp_path / "warn"),
                                         brokencharts.CASES["templates-name-subdomain"]["files"])
    out = tmp_path / "out"
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_template": {"chart_ref": broken, "lint": True, "output_dir": str(out)}},
        {"helmkit.core.helm_template": {"chart_ref": warn_only, "lint": True}},
        {"helmkit.core.helm_release": {"name": "x", "namespace": "x", "chart_ref": broken, "lint": True,
                                       "kubeconfig": str(kubeconfig)}},
    ])
    template_broken, template_warn, release_broken = results
    expected = helm_python.lint(broken, namespace="default")["errors"]
    assert template_broken["failed"] and expected[0] in template_broken["msg"] and "lint" in template_broken["msg"]
    assert not out.exists(), "nothing may be written when lint fails"
    assert not template_warn.get("failed") and "Bad_Name" in template_warn["manifest"]
    assert release_broken["failed"] and expected[0] in release_broken["msg"], output
