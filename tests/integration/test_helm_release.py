"""helm_release through ansible-playbook on localhost against the Kubernetes API (fixture ``kubeapi``): real charts
installed, re-run without a single write, upgraded, checked, uninstalled; bad input fails one task with one clear
message and writes nothing."""
import json
import os

import pytest

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import CHARTS_DIR as CHARTS
from tests.helpers.playbook import run_play


REPO_CHARTS = ("podinfo-6.14.1", "ingress-nginx-4.15.1", "redis-23.1.1")


def chart_path(name):
    return os.path.join(CHARTS, name + ".tgz")


@pytest.fixture(scope="module")
def chart_repo():
    """A Helm chart repository on 127.0.0.1 serving podinfo, ingress-nginx and redis from the corpus."""
    with ChartRepoServer(charts=[chart_path(name) for name in REPO_CHARTS]) as repo:
        yield repo


@pytest.fixture(scope="module")
def helm_home(tmp_path_factory):
    """Private Helm config and cache homes, so tests never touch ~/.config/helm or ~/.cache/helm."""
    home = tmp_path_factory.mktemp("helm-home")
    return {"HELM_CONFIG_HOME": str(home / "config"), "HELM_CACHE_HOME": str(home / "cache")}


def run_tasks(tmp_path, tasks, extra_env=None):
    """Run ``tasks`` (list of helm_release argument dicts) in one play; returns the registered results in order.

    Every task is ``ignore_errors`` so that a failure's result is returned too. A ``_check_mode: true`` entry runs
    that task in check mode. The playbook's output is kept in ``run_tasks.last_output``.
    """
    play_tasks = []
    for args in tasks:
        args = dict(args)
        play_tasks.append({"helmkit.core.helm_release": args, "check_mode": args.pop("_check_mode", False)})
    results, run_tasks.last_output = run_play(tmp_path, play_tasks, extra_env, timeout=600)
    return results


def writes(log):
    return [(r.method, r.path) for r in log if r.method not in ("GET", "HEAD")]


def release_args(kubeconfig, name, namespace, chart, **extra):
    args = {"release_name": name, "release_namespace": namespace, "chart_ref": chart, "kubeconfig": kubeconfig,
            "create_namespace": True}
    args.update(extra)
    return args


@pytest.mark.parametrize("chart,values", [
    ("podinfo-6.14.1", {"replicaCount": 2}),
    ("ingress-nginx-4.15.1", {"controller": {"service": {"type": "ClusterIP"}}}),
    ("redis-23.1.1", {"architecture": "standalone"}),
], ids=lambda value: value if isinstance(value, str) else "")
def test_lifecycle(kubeapi_log, chart_repo, helm_home, tmp_path, chart, values):
    name, version = chart.rsplit("-", 1)
    namespace = "it-" + name
    args = release_args(kubeapi_log.kubeconfig, name, namespace, name, chart_repo_url=chart_repo.url,
                        chart_version=version, wait=True, timeout=120)
    installed, = run_tasks(tmp_path, [args], helm_home)
    assert not installed.get("failed"), installed.get("msg")
    assert installed["changed"] is True
    assert installed["status"]["revision"] == 1 and installed["status"]["status"] == "deployed"
    assert installed["status"]["chart"] == chart
    assert installed["manifest"].startswith("---\n# Source: ")

    kubeapi_log.clear_request_log()
    again, = run_tasks(tmp_path, [args], helm_home)
    assert again["changed"] is False and again["status"]["revision"] == 1
    assert writes(kubeapi_log.request_log()) == []

    upgraded_args = dict(args, release_values=values)
    absent_args = {"release_name": name, "release_namespace": namespace, "state": "absent",
                   "kubeconfig": kubeapi_log.kubeconfig}
    if name != "podinfo":  # the other charts take the short route: upgrade, uninstall
        upgraded, removed = run_tasks(tmp_path, [upgraded_args, absent_args], helm_home)
        assert upgraded["changed"] is True and upgraded["status"]["revision"] == 2, upgraded.get("msg")
        assert removed["changed"] is True and removed["status"]["status"] == "uninstalled"
        return
    checked, upgraded, rerun, removed, removed_again = run_tasks(tmp_path, [
        dict(upgraded_args, _check_mode=True), upgraded_args, upgraded_args, absent_args, absent_args], helm_home)
    assert checked["changed"] is True and checked["status"]["revision"] == 2, checked.get("msg")
    assert upgraded["changed"] is True, upgraded.get("msg")
    assert upgraded["status"]["revision"] == 2, "check mode must not have stored a revision"
    assert upgraded["status"]["description"] == "Upgrade complete"
    assert rerun["changed"] is False and rerun["status"]["revision"] == 2
    assert removed["changed"] is True and removed["status"]["status"] == "uninstalled"
    assert removed_again["changed"] is False


def test_interop_with_helm(kubeapi, tmp_path):
    """Helm (helm_python) sees our release and upgrades it; we then see its revision and stay idempotent.

    helm_python applies as field manager "python", so our tasks use that name, as the module documents.
    """
    import helm_python

    name, namespace = "interop", "it-interop"
    args = release_args(kubeapi.kubeconfig, name, namespace, chart_path("podinfo-6.14.1"), field_manager="python",
                        release_values={"ui": {"message": "one"}})
    ours, = run_tasks(tmp_path, [args])
    assert ours["changed"] is True, ours.get("msg")
    helm = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace=namespace)
    listed = helm.list()
    assert [(r["name"], r["revision"], r["status"], r["chart_version"]) for r in listed] == \
        [(name, 1, "deployed", "6.14.1")]
    status = helm.status(name)
    assert status["revision"] == 1 and status["manifest"] == ours["manifest"]

    helm.upgrade(chart_path("podinfo-6.14.1"), name, {"ui": {"message": "two"}}, namespace=namespace)
    after, = run_tasks(tmp_path, [dict(args, release_values={"ui": {"message": "two"}})])
    assert after["changed"] is False, after.get("msg")
    assert after["status"]["revision"] == 2 and after["status"]["status"] == "deployed"
    assert after["manifest"] == helm.status(name)["manifest"]


def _broken_chart(tmp_path):
    root = tmp_path / "broken"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: broken\nversion: 0.1.0\n")
    (root / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"a is required\" "
        ".Values.a }}\n")
    return str(root)


def test_bad_input_fails_cleanly_and_writes_nothing(kubeapi_log, chart_repo, helm_home, tmp_path):
    bad_values = tmp_path / "bad-values.yaml"
    bad_values.write_text("replicaCount: 1\nimage: [unclosed\n")
    base = release_args(kubeapi_log.kubeconfig, "bad", "it-bad", chart_path("podinfo-6.14.1"))
    missing, no_version, no_repo, malformed, template, unreachable = run_tasks(tmp_path, [
        dict(base, chart_ref=str(tmp_path / "no-such-chart")),
        dict(base, chart_ref="podinfo", chart_repo_url=chart_repo.url, chart_version="6.99.0"),
        dict(base, chart_ref="podinfo", chart_repo_url="http://127.0.0.1:9", chart_version="6.14.1"),
        dict(base, values_files=[str(bad_values)]),
        dict(base, chart_ref=_broken_chart(tmp_path)),
        dict(base, kubeconfig={"apiVersion": "v1", "kind": "Config", "current-context": "c",
                               "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9"}}],
                               "users": [{"name": "u", "user": {"token": "it-secret-token-123"}}],
                               "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}),
    ], helm_home)
    for result in (missing, no_version, no_repo, malformed, template, unreachable):
        assert result["failed"] is True
        assert "Traceback" not in result["msg"]
        # ansible-core 2.19 fills in this placeholder when a module fails without a traceback
        assert result.get("exception", "(traceback unavailable)") == "(traceback unavailable)"
    assert missing["msg"] == "chart path %s not found; give an existing chart directory or .tgz file" \
        % (tmp_path / "no-such-chart")
    assert no_version["msg"] == 'chart "podinfo" version "6.99.0" not found in repository "%s"; nearest: 6.14.1' \
        % chart_repo.url
    assert no_repo["msg"].startswith("repository index http://127.0.0.1:9/index.yaml is unreachable: ")
    assert malformed["msg"].startswith("cannot parse %s: line 3" % bad_values), malformed["msg"]
    assert template["msg"].startswith("execution error at (broken/templates/cm.yaml:6:"), template["msg"]
    assert template["msg"].endswith("a is required")
    assert unreachable["msg"].startswith("cannot reach the Kubernetes API server at https://127.0.0.1:9: ")
    assert writes(kubeapi_log.request_log()) == []


def test_inline_kubeconfig_secrets_stay_out_of_output(tmp_path):
    token = "it-secret-token-123"
    config = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
              "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9"}}],
              "users": [{"name": "u", "user": {"token": token}}],
              "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}
    result, = run_tasks(tmp_path, [{"release_name": "x", "state": "absent", "kubeconfig": config}],
                        {"ANSIBLE_VERBOSITY": "4"})
    assert result["failed"] is True
    assert "invocation" in run_tasks.last_output
    assert token not in run_tasks.last_output and token not in json.dumps(result)
