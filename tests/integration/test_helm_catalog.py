"""helm_catalog (source/catalog.py and the lookup): the catalog of the largest real index in ../shared/indexes compared
field by field with Helm's own parse of it (helm_python.repo_index, served from 127.0.0.1); allow/deny with RE2;
values of the latest version fetched from a real chart repository server only for the charts kept, compared with
helm show values."""
import os

import pytest


from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo import config as cfg  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.catalog import build_catalog, \
    catalog_from_index  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import update_index_cache  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.semver import parse_version  # noqa: E402
from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402
from tests.helpers.corpus import SHARED

LARGEST = max((os.path.join(SHARED, "indexes", n) for n in os.listdir(os.path.join(SHARED, "indexes"))),
              key=os.path.getsize)
PODINFO = os.path.join(SHARED, "charts", "podinfo-6.14.1.tgz")
REDIS = os.path.join(SHARED, "charts", "redis-23.1.1.tgz")


def _helm_latest(versions):
    ordered = sorted(versions, key=lambda v: parse_version(v["version"]), reverse=True)
    releases = [v for v in ordered if not parse_version(v["version"]).pre]
    return (releases or ordered)[0], ordered


def test_catalog_of_the_largest_index_matches_helms_parse():
    import helm_python
    with open(LARGEST, "rb") as handle:
        data = handle.read()
    with ChartRepoServer(index=data) as server:
        helm = helm_python.repo_index(server.url)["entries"]
    ours = catalog_from_index(data, "big", "https://charts.example/big")
    assert [e["chart"] for e in ours] == sorted(helm)
    for entry in ours:
        latest, ordered = _helm_latest(helm[entry["chart"]])
        assert [v["version"] for v in entry["versions"]] == [v["version"] for v in ordered], entry["chart"]
        assert entry["latest_version"] == latest["version"]
        assert entry["description"] == latest.get("description", "")
        assert entry["keywords"] == latest.get("keywords", [])
        assert entry["icon"] == latest.get("icon", "") and entry["home"] == latest.get("home", "")
        assert entry["sources"] == latest.get("sources", [])
        assert entry["maintainers"] == [{k: m.get(k, "") for k in ("name", "email", "url")}
                                        for m in latest.get("maintainers", [])]
        assert entry["deprecated"] == bool(latest.get("deprecated"))
        assert entry["versions"][0]["digest"] == ordered[0].get("digest", "")
    assert any(e["maintainers"] for e in ours) and any(e["icon"] for e in ours) and any(e["sources"] for e in ours)


def test_allow_and_deny_are_re2():
    with open(LARGEST, "rb") as handle:
        data = handle.read()
    every = [e["chart"] for e in catalog_from_index(data, "big", "https://x")]
    kept = [e["chart"] for e in catalog_from_index(data, "big", "https://x", allow=[r"^big/\pL+$"], deny=["o"])]
    assert kept == [c for c in every if c.isalpha() and c.isascii() and "o" not in c] and kept
    with pytest.raises(RepositoryError) as info:
        catalog_from_index(data, "big", "https://x", deny=["(?=x)"])
    assert "deny pattern '(?=x)' is not a valid regular expression: error parsing regexp: " \
           "invalid or unsupported Perl syntax: `(?=`" in str(info.value)


@pytest.fixture
def helm_home(tmp_path, monkeypatch):
    config, cache = str(tmp_path / "repositories.yaml"), str(tmp_path / "cache")
    monkeypatch.setenv("HELM_REPOSITORY_CONFIG", config)
    monkeypatch.setenv("HELM_REPOSITORY_CACHE", cache)
    return config, cache


def test_values_of_the_latest_version_only_for_kept_charts(helm_home):
    import helm_python
    config, cache = helm_home
    with ChartRepoServer(charts=[PODINFO, REDIS]) as server:
        cfg.save_repository_file(config, cfg.RepositoryFile([cfg.RepositoryEntry("demo", server.url)]))
        update_index_cache(cache, "demo", server.url)
        metadata_only = build_catalog(["demo"])
        catalog = build_catalog(allow=["podinfo"], values="latest")
        helm_values = helm_python.show("podinfo", output_format="values", repo_url=server.url)
        served = [path for path, _unused in server.requests]
    assert [e["name"] for e in metadata_only] == ["demo/podinfo", "demo/redis"]
    assert "values" not in metadata_only[0]
    (podinfo,) = catalog
    assert podinfo["values_raw"] + "\n" == helm_values  # helm show values prints the file and a newline
    assert podinfo["values"]["replicaCount"] == 1 and podinfo["values"]["ui"]["message"] == ""
    assert podinfo["versions"][0]["urls"][0].startswith(server.url)
    assert any(path.endswith("podinfo-6.14.1.tgz") for path in served)
    assert not any(path.endswith(".tgz") and "redis" in path for path in served), \
        "only charts that pass the filters are fetched"


def test_lookup_and_clear_errors(helm_home, tmp_path):
    config, cache = helm_home
    with ChartRepoServer(charts=[PODINFO]) as server:
        cfg.save_repository_file(config, cfg.RepositoryFile([cfg.RepositoryEntry("demo", server.url),
                                                            cfg.RepositoryEntry("stale", server.url)]))
        update_index_cache(cache, "demo", server.url)
        results, _output = run_play(tmp_path, [
            {"set_fact": {"found": "{{ query('helmkit.core.helm_catalog', 'demo') }}"}},
            {"set_fact": {"stale": "{{ query('helmkit.core.helm_catalog', 'stale') }}"}},
            {"set_fact": {"unknown": "{{ query('helmkit.core.helm_catalog', 'nope') }}"}},
            {"set_fact": {"bad": "{{ query('helmkit.core.helm_catalog', 'demo', allow=['a{2,1}']) }}"}},
        ], {"HELM_REPOSITORY_CONFIG": config, "HELM_REPOSITORY_CACHE": cache})
    found, stale, unknown, bad = results
    (entry,) = found["ansible_facts"]["found"]
    assert entry["name"] == "demo/podinfo" and entry["latest_version"] == "6.14.1" and entry["icon"] == ""
    assert entry["home"] == "https://github.com/stefanprodan/podinfo" and entry["maintainers"] == [
        {"name": "stefanprodan", "email": "stefanprodan@users.noreply.github.com", "url": ""}]
    assert stale["failed"] and "helm_catalog: repository stale has no readable cached index" in stale["msg"]
    assert unknown["failed"] and "helm_catalog: repository nope is not configured in" in unknown["msg"]
    assert bad["failed"] and "error parsing regexp: invalid repeat count: `{2,1}`" in bad["msg"]
