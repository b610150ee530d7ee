"""release/query.py without a server: tolerant decoding of both storage drivers, filters, revisions, computed values
and API errors, over a fake client that answers list requests from a dict."""
import base64
import gzip
import json

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError, ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
from ansible_collections.helmkit.core.plugins.module_utils.release import query as q


def record(name, version, status="deployed", namespace="ns", chart="web", chart_version="1.0.0", config=None):
    return {"name": name, "version": version, "namespace": namespace,
            "info": {"status": status, "last_deployed": "2026-11-2%dT00:00:00Z" % version,
                     "first_deployed": "2026-11-21T00:00:00Z", "description": "d%d" % version, "notes": "n"},
            "chart": {"metadata": {"name": chart, "version": chart_version, "appVersion": "2"},
                      "values": {"a": 1, "nested": {"x": 1, "y": None}, "gone": 5}},
            "config": config if config is not None else {"nested": {"x": 2}, "gone": None}, "manifest": "m"}


def encoded(rec, gzipped=True):
    raw = json.dumps(rec).encode()
    return base64.b64encode(gzip.compress(raw) if gzipped else raw).decode()


def storage_object(driver, rec=None, name=None, namespace="ns", payload=None, labels=None):
    text = payload if payload is not None else encoded(rec)
    data = base64.b64encode(text.encode()).decode() if driver == "secret" else text
    meta_name = name or "sh.helm.release.v1.%s.v%d" % (rec["name"], rec["version"])
    return {"metadata": {"name": meta_name, "namespace": namespace,
                         "labels": dict({"owner": "helm", "name": rec["name"] if rec else "x", "status": "deployed",
                                         "version": "1"}, **(labels or {}))},
            "data": {"release": data}}


class FakeClient:
    """Answers GET of a secrets/configmaps collection with ``items``; ``error`` is raised instead when set."""

    def __init__(self, items, error=None):
        self.items = items
        self.error = error
        self.calls = []

    def request(self, method, path, query=None, **_kwargs):
        self.calls.append((method, path, query))
        if self.error:
            raise self.error
        selector = dict(query)["labelSelector"]
        wanted = dict(part.split("=") for part in selector.split(","))
        return {"items": [item for item in self.items
                          if ("/namespaces/" not in path or "/namespaces/%s/" % item["metadata"]["namespace"] in path)
                          and all(item["metadata"]["labels"].get(k) == v for k, v in wanted.items())]}


@pytest.mark.parametrize("driver", ["secret", "configmap"])
def test_tolerant_listing_keeps_good_records_and_names_bad_ones(driver):
    items = [storage_object(driver, record("web", 1, "superseded")), storage_object(driver, record("web", 2)),
             storage_object(driver, record("api", 1, "failed", chart="api")),
             storage_object(driver, name="sh.helm.release.v1.junk.v1", payload="!!not base64!!"),
             storage_object(driver, name="sh.helm.release.v1.empty.v1", payload=""),
             storage_object(driver, name="sh.helm.release.v1.anon.v1", payload=encoded({"version": 1}))]
    query = q.ReleaseQuery(FakeClient(items), driver)
    found = q.find_releases(query, namespaces=["ns"])
    assert [(r["name"], r["revision"], r["status"]) for r in found] == [("api", 1, "failed"), ("web", 2, "deployed")]
    assert len(query.warnings) == 3
    assert query.warnings[0].startswith("skipped %s ns/sh.helm.release.v1.junk.v1: cannot decode the release" % driver)
    assert "sh.helm.release.v1.empty.v1 holds no data.release" in query.warnings[1]
    assert "sh.helm.release.v1.anon.v1 has no name" in query.warnings[2]


def test_raw_json_records_are_read_like_helm():
    """Helm's decodeRelease gunzips only when the gzip magic leads; raw JSON is accepted too."""
    item = storage_object("secret", payload=encoded(record("plain", 1), gzipped=False), name="sh.helm.release.v1.plain.v1")
    query = q.ReleaseQuery(FakeClient([item]))
    assert [r.name for r in query.revisions("ns")] == ["plain"] and not query.warnings


def test_data_shape_history_revision_and_computed_values():
    items = [storage_object("secret", record("web", 1, "superseded", config={"a": 5})),
             storage_object("secret", record("web", 2), labels={"team": "blue"})]
    query = q.ReleaseQuery(FakeClient(items))
    latest, = q.find_releases(query, name="web", namespaces=["ns"], history=True, all_values=True)
    assert latest["revision"] == 2 and latest["chart"] == "web-1.0.0" and latest["app_version"] == "2"
    assert latest["updated"] == "2026-11-22T00:00:00Z" and latest["description"] == "d2"
    # Helm's CoalesceValues: user values over chart defaults; a user null deletes the key
    assert latest["values"] == {"a": 1, "nested": {"x": 2}}
    assert latest["labels"] == {"team": "blue"}
    assert [(h["revision"], h["status"]) for h in latest["history"]] == [(1, "superseded"), (2, "deployed")]
    first, = q.find_releases(query, name="web", namespaces=["ns"], revision=1)
    assert first["revision"] == 1 and first["values"] == {"a": 5} and "history" not in first
    assert q.find_releases(query, name="web", namespaces=["ns"], revision=7) == []


def test_filters():
    stored = storage_object("secret", record("x", 1, "pending-upgrade", chart="ingress-nginx"))
    rel = q.ReleaseQuery(FakeClient([])).decode(stored)
    assert q.matches(rel) and q.matches(rel, ["pending-upgrade"]) and not q.matches(rel, ["deployed"])
    assert q.matches(rel, chart="ingress-nginx") and q.matches(rel, chart="ingress-*")
    assert q.matches(rel, chart="ingress-nginx-1.0.0") and not q.matches(rel, chart="ingress")
    assert q.scope_namespaces("a", ["b", "a", "c"]) == ["a", "b", "c"]
    assert q.scope_namespaces("a", ["b"], all_namespaces=True) is None


def test_all_namespaces_path_and_selector():
    client = FakeClient([])
    q.ReleaseQuery(client, "configmap").revisions(None, "web")
    assert client.calls == [("GET", "/api/v1/configmaps", [("labelSelector", "owner=helm,name=web")])]


def test_api_errors():
    missing_ns = q.ReleaseQuery(FakeClient([], ApiError(404, "NotFound", 'namespaces "x" not found')))
    assert missing_ns.revisions("x") == []
    forbidden = q.ReleaseQuery(FakeClient([], ApiError(403, "Forbidden", "secrets is forbidden: User cannot list")))
    with pytest.raises(ReleaseError, match="cannot list Helm release secrets in namespace x: secrets is forbidden"):
        forbidden.revisions("x")
    down = q.ReleaseQuery(FakeClient([], KubeError("cannot reach the Kubernetes API server at https://h")))
    with pytest.raises(KubeError, match="cannot reach"):
        down.revisions("x")
    with pytest.raises(ReleaseError, match="storage driver 'sql' is not supported"):
        q.ReleaseQuery(FakeClient([]), "sql")
