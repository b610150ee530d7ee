"""helm_dependency through ansible-playbook on localhost against a real chart repository: update (credentials never
shown), re-run without change, list, build after charts/ was removed, check mode, verify failing without
provenance files, a failing task that changes nothing; the lock it writes is accepted by Helm v4 (helm_python.dependency_build)."""
import json
import os
import shutil

import helm_python
import pytest
import yaml

from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

SECRET = "Dep-s3cret-pw-42"


@pytest.fixture(scope="module")
def repo():
    with ChartRepoServer(charts=[os.path.join(CHARTS, "common-2.31.10.tgz"),
                                 os.path.join(CHARTS, "podinfo-6.14.1.tgz")],
                         username="deploy", password=SECRET) as server:
        yield server


def write_parent(directory, repo_url):
    os.makedirs(os.path.join(directory, "templates"), exist_ok=True)
    with open(os.path.join(directory, "Chart.yaml"), "w") as fh:
        yaml.safe_dump({"apiVersion": "v2", "name": "parent", "version": "1.0.0", "dependencies": [
            {"name": "common", "version": "^2.0.0", "repository": repo_url},
            {"name": "podinfo", "version": "6.14.1", "repository": repo_url, "alias": "web"}]}, fh)
    return directory


def run_tasks(tmp_path, tasks):
    """Run ``tasks`` (helm_dependency argument dicts; ``_check_mode`` for check mode) in one play (playbook.run_play)."""
    play_tasks = []
    for args in tasks:
        args = dict(args)
        play_tasks.append({"helmkit.core.helm_dependency": args, "check_mode": args.pop("_check_mode", False)})
    return run_play(tmp_path, play_tasks, {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
                                           "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache")})


def test_update_list_build_check_mode(repo, tmp_path):
    parent = write_parent(str(tmp_path / "parent"), repo.url)
    auth = {"chart_path": parent, "username": "deploy", "password": SECRET}
    results, output = run_tasks(tmp_path, [
        dict(auth, state="update", _check_mode=True),
        dict(auth, state="update"),
        dict(auth, state="update"),
        {"chart_path": parent, "state": "list"},
    ])
    checked, updated, again, listed = results
    assert checked["changed"] is True and checked["lock_written"], checked.get("msg")
    assert updated["changed"] is True and sorted(updated["added"]) == ["common-2.31.10.tgz", "podinfo-6.14.1.tgz"]
    assert [d["version"] for d in updated["dependencies"]] == ["2.31.10", "6.14.1"]
    assert again["changed"] is False and again["lock_written"] is False
    assert [d["status"] for d in listed["dependencies"]] == ["ok", "ok"]
    assert SECRET not in output and SECRET not in json.dumps(results)
    with open(os.path.join(parent, "Chart.lock")) as fh:
        lock = yaml.safe_load(fh)
    assert lock["digest"] == updated["digest"]

    shutil.rmtree(os.path.join(parent, "charts"))
    lock_bytes = open(os.path.join(parent, "Chart.lock"), "rb").read()
    results, _unused = run_tasks(tmp_path, [
        dict(auth, verify=True),
        dict(auth, _check_mode=True),
        dict(auth),
        dict(auth),
    ])
    refused, build_check, built, built_again = results
    assert refused.get("failed") and "failed to fetch provenance" in refused["msg"]  # the repository signs nothing
    assert build_check["changed"] is True and not os.path.exists(os.path.join(parent, "charts", "web"))
    assert built["changed"] is True and built["lock_written"] is False
    assert built_again["changed"] is False
    assert open(os.path.join(parent, "Chart.lock"), "rb").read() == lock_bytes
    assert sorted(os.listdir(os.path.join(parent, "charts"))) == ["common-2.31.10.tgz", "podinfo-6.14.1.tgz"]


def test_failures_change_nothing_and_helm_accepts_the_lock(repo, tmp_path):
    with ChartRepoServer(charts=[os.path.join(CHARTS, "common-2.31.10.tgz")]) as public:
        parent = write_parent(str(tmp_path / "parent"), public.url)
        with open(os.path.join(parent, "Chart.yaml")) as fh:
            meta = yaml.safe_load(fh)
        meta["dependencies"] = meta["dependencies"][:1]
        with open(os.path.join(parent, "Chart.yaml"), "w") as fh:
            yaml.safe_dump(meta, fh)
        results, _unused = run_tasks(tmp_path, [{"chart_path": parent, "state": "update"}])
        assert results[0]["changed"], results[0].get("msg")
        copy = str(tmp_path / "helm-copy")
        shutil.copytree(parent, copy)
        shutil.rmtree(os.path.join(copy, "charts"))
        helm_python.dependency_build(copy)

        meta["dependencies"][0]["version"] = "3.0.0"
        with open(os.path.join(parent, "Chart.yaml"), "w") as fh:
            yaml.safe_dump(meta, fh)
        before = {n: open(os.path.join(parent, "charts", n), "rb").read()
                  for n in os.listdir(os.path.join(parent, "charts"))}
        lock_before = open(os.path.join(parent, "Chart.lock"), "rb").read()
        results, _unused = run_tasks(tmp_path, [{"chart_path": parent, "state": "update"}, {"chart_path": parent}])
        missing, stale = results
        assert missing.get("failed") and "nearest available: 2.31.10" in missing["msg"]
        assert stale.get("failed") and "the lock file (Chart.lock) is out of sync" in stale["msg"]
        assert "Traceback" not in missing["msg"] + stale["msg"]
        after = {n: open(os.path.join(parent, "charts", n), "rb").read()
                 for n in os.listdir(os.path.join(parent, "charts"))}
        assert after == before and open(os.path.join(parent, "Chart.lock"), "rb").read() == lock_before
