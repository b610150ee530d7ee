"""helm_release's dependency_update through ansible-playbook against the Kubernetes API emulator: a local chart
directory whose dependency is not in charts/ fails with a message naming helm_dependency; check mode resolves on
a copy and leaves the chart untouched; dependency_update: true updates charts/ and Chart.lock, then installs what
Helm v4 renders for the same chart; a re-run changes nothing."""
import os

import helm_python
import pytest
import yaml

from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402


@pytest.fixture(scope="module")
def repo():
    with ChartRepoServer(charts=[os.path.join(CHARTS, "podinfo-6.14.1.tgz")]) as server:
        yield server


def run_tasks(tmp_path, tasks, env_extra):
    """Run ``tasks`` (helm_release argument dicts; ``_check_mode`` for check mode) in one play (playbook.run_play)."""
    play_tasks = []
    for args in tasks:
        args = dict(args)
        play_tasks.append({"helmkit.core.helm_release": args, "check_mode": args.pop("_check_mode", False)})
    return run_play(tmp_path, play_tasks, env_extra, timeout=600)[0]


def test_dependency_update_on_helm_release(repo, kubeapi, tmp_path):
    parent = str(tmp_path / "parent")
    os.makedirs(os.path.join(parent, "templates"))
    with open(os.path.join(parent, "Chart.yaml"), "w") as fh:
        yaml.safe_dump({"apiVersion": "v2", "name": "parent", "version": "1.0.0", "dependencies": [
            {"name": "podinfo", "version": "~6.14.0", "repository": repo.url, "alias": "web"}]}, fh)
    with open(os.path.join(parent, "templates", "cm.yaml"), "w") as fh:
        fh.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-parent\n")
    env = {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
           "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache")}
    base = {"release_name": "deps", "release_namespace": "deps-test", "chart_ref": parent,
            "kubeconfig": kubeapi.kubeconfig, "create_namespace": True}
    unresolved, checked = run_tasks(tmp_path, [base, dict(base, dependency_update=True, _check_mode=True)], env)
    assert unresolved.get("failed") and "helmkit.core.helm_dependency" in unresolved["msg"]
    assert "podinfo" in unresolved["msg"] and "Traceback" not in unresolved["msg"]
    assert checked["changed"] is True, checked.get("msg")
    assert "kind: Deployment" in checked["manifest"]
    assert sorted(os.listdir(parent)) == ["Chart.yaml", "templates"]   # check mode touched nothing
    installed, again = run_tasks(tmp_path, [dict(base, dependency_update=True)] * 2, env)
    assert installed["changed"] is True, installed.get("msg")
    assert again["changed"] is False, again.get("msg")
    assert sorted(os.listdir(os.path.join(parent, "charts"))) == ["podinfo-6.14.1.tgz"]
    with open(os.path.join(parent, "Chart.lock")) as fh:
        assert yaml.safe_load(fh)["dependencies"] == [
            {"name": "podinfo", "repository": repo.url, "version": "6.14.1"}]
    expected = helm_python.Chart.load(parent).render({}, name="deps", namespace="deps-test")
    for name, text in expected.items():
        for doc in yaml.safe_load_all(text):
            hook = ((doc or {}).get("metadata") or {}).get("annotations", {}).get("helm.sh/hook")
            if doc and doc.get("kind") and not hook and not name.endswith("NOTES.txt"):
                assert "name: %s" % doc["metadata"]["name"] in installed["manifest"], name
