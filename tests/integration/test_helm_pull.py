"""helm_pull, helm_show and helm_repository_info through ansible-playbook against real chart repository
servers: Helm's bytes, idempotence without downloads, check mode, passwords never shown, clear failures."""
import hashlib
import os

import helm_python


from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
REDIS = os.path.join(CHARTS, "redis-23.1.1.tgz")
SECRET = "Pull-s3cret-pw"


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def test_pull_show_and_list(tmp_path):
    env = {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
           "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache")}
    dest = str(tmp_path / "charts")
    pull = {"chart_ref": "private/podinfo", "destination": dest}
    with ChartRepoServer(charts=[PODINFO, REDIS], username="deploy", password=SECRET) as server:
        results, output = run_play(tmp_path, [
            {"helmkit.core.helm_repository": {"name": "private", "url": server.url, "username": "deploy",
                                              "password": SECRET}},
            {"helmkit.core.helm_pull": pull, "check_mode": True},
            {"helmkit.core.helm_pull": pull},
            {"helmkit.core.helm_pull": pull},
            {"helmkit.core.helm_pull": dict(pull, chart_version="9.9.9")},
            {"helmkit.core.helm_pull": dict(pull, verify=True)},
            {"helmkit.core.helm_show": {"chart_ref": "private/redis", "output": "chart"}},
            {"helmkit.core.helm_repository_info": {}},
        ], env)
        requests_after = list(server.requests)
    added, checked, pulled, again, missing, verify, shown, listed = results
    assert added["changed"], added
    assert checked["changed"] and checked["path"] == os.path.join(dest, "podinfo-6.14.1.tgz")
    assert pulled["changed"] and pulled["path"] == os.path.join(dest, "podinfo-6.14.1.tgz")
    assert _sha(pulled["path"]) == _sha(PODINFO) == pulled["digest"]
    assert again["changed"] is False and again["downloaded"] is False
    assert missing["failed"] and 'version "9.9.9" not found in repository "private"' in missing["msg"]
    assert verify["failed"] and "podinfo-6.14.1.tgz.prov" in verify["msg"] and "404" in verify["msg"]
    assert shown["output"] == helm_python.show(REDIS, output_format="chart") and not shown["changed"]
    repos = listed["repositories"]
    assert listed["changed"] is False and [r["name"] for r in repos] == ["private"]
    assert repos[0]["password_set"] is True and "password" not in repos[0] and repos[0]["index_cached"] is True
    assert SECRET not in output and SECRET not in str(results)
    # one archive download each: podinfo (check mode fills the cache) and redis
    assert sum(1 for path, _auth in requests_after if path.endswith(".tgz")) == 2


def test_pull_oci_like_helm(tmp_path, monkeypatch):
    import pytest
    from tests.helpers.registry import REGISTRY_BIN, RegistryServer
    from ansible_collections.helmkit.core.plugins.module_utils.source.pull import pull_chart
    if REGISTRY_BIN is None:
        pytest.fail("the docker-registry binary (CNCF distribution) is not installed: run scripts/install-system-deps.sh")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HELM_CONFIG_HOME", str(tmp_path / "helmconfig"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.delenv("HELM_REGISTRY_CONFIG", raising=False)
    with RegistryServer() as reg:
        helm_python.push(PODINFO, "oci://%s/charts" % reg.host, plain_http=True)
        ref = "oci://%s/charts/podinfo" % reg.host
        helms = tmp_path / "helm"
        helms.mkdir()
        helm_python.pull(ref, version="6.14.1", destination=str(helms), plain_http=True)
        cache = str(tmp_path / "cache")
        ours = pull_chart(ref, str(tmp_path / "ours"), version="^6", plain_http=True, repository_cache=cache)
        again = pull_chart(ref, str(tmp_path / "ours"), version="^6", plain_http=True, repository_cache=cache)
    assert ours["changed"] and ours["path"].endswith("podinfo-6.14.1.tgz")
    with open(ours["path"], "rb") as a, open(str(helms / "podinfo-6.14.1.tgz"), "rb") as b:
        assert a.read() == b.read()
    assert not again["changed"] and not again["downloaded"]
