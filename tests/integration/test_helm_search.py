"""The helmkit.core.helm_search lookup through ansible-playbook: repositories added by helm_repository from a real
chart repository server, then searched; bad options fail the task with a clear message."""
import os


from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
REDIS = os.path.join(CHARTS, "redis-23.1.1.tgz")


def test_lookup_searches_added_repository(tmp_path):
    env = {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
           "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache")}
    with ChartRepoServer(charts=[PODINFO, REDIS]) as server:
        results, output = run_play(tmp_path, [
            {"helmkit.core.helm_repository": {"name": "demo", "url": server.url}},
            {"set_fact": {"found": "{{ query('helmkit.core.helm_search', 'podinfo') }}"}},
            {"set_fact": {"every": "{{ query('helmkit.core.helm_search', versions='all') }}"}},
            {"set_fact": {"bad": "{{ query('helmkit.core.helm_search', 'x', version='>=1 <<2') }}"}},
            {"set_fact": {"denied": "{{ query('helmkit.core.helm_search', deny=['^demo/']) }}"}},
            {"set_fact": {"ranged": "{{ query('helmkit.core.helm_search', version_from='6.14', "
                                    "version_to='6.14.1') }}"}},
            {"set_fact": {"bad_re": "{{ query('helmkit.core.helm_search', allow=['(?<=x)']) }}"}},
        ], env)
    added, found, every, bad, denied, ranged, bad_re = results
    assert added["changed"], added
    charts = found["ansible_facts"]["found"]
    assert charts[0]["name"] == "demo/podinfo" and charts[0]["version"] == "6.14.1" and charts[0]["score"] == 0
    assert charts[0]["urls"][0].startswith(server.url) and len(charts[0]["digest"]) == 64
    assert sorted(c["name"] for c in every["ansible_facts"]["every"]) == ["demo/podinfo", "demo/redis"]
    assert bad["failed"] and "helm_search: an invalid version/constraint format" in bad["msg"]
    assert "Traceback" not in bad["msg"]
    assert denied["ansible_facts"]["denied"] == []
    assert [(c["name"], c["version"]) for c in ranged["ansible_facts"]["ranged"]] == [("demo/podinfo", "6.14.1")]
    assert bad_re["failed"] and "helm_search: allow pattern '(?<=x)' is not a valid regular expression: " \
        "error parsing regexp: invalid named capture: `(?<=x)`" in bad_re["msg"]
