"""The kubeapi emulator driven by the official Python ``kubernetes`` client and raw HTTPS, asserting what a real
kube-apiserver answers. Runs against HELMKIT_TEST_KUBECONFIG's cluster too, except the tests that need the
emulator's simulation or request log (they skip, saying so).
"""
from __future__ import annotations

import base64
import json
import ssl
import threading
import uuid

import httpx
import pytest
import yaml
from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException

from kubeapi.fixture import wait_for


@pytest.fixture(scope="module")
def api_client(kubeconfig):
    return config.new_client_from_config(kubeconfig)


@pytest.fixture(scope="module")
def core(api_client):
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="module")
def dyn(api_client):
    return dynamic.DynamicClient(api_client)


@pytest.fixture(scope="module")
def raw(kubeconfig):
    """httpx client with the kubeconfig's CA and bearer token."""
    with open(kubeconfig) as f:
        cfg = yaml.safe_load(f)
    cluster = cfg["clusters"][0]["cluster"]
    ctx = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    token = cfg["users"][0]["user"]["token"]
    with httpx.Client(base_url=cluster["server"], verify=ctx, headers={"Authorization": "Bearer " + token},
                      timeout=30) as c:
        yield c


@pytest.fixture
def ns(core):
    name = "t-" + uuid.uuid4().hex[:8]
    core.create_namespace({"metadata": {"name": name}})
    yield name
    try:
        core.delete_namespace(name)
    except ApiException:
        pass


@pytest.fixture
def emulator(kubeapi):
    if not kubeapi.has_request_log:
        pytest.skip("asserts the emulator's simulated controllers; HELMKIT_TEST_KUBECONFIG selects a real cluster")
    return kubeapi


def _managed(obj):
    return obj.to_dict()["metadata"]["managedFields"]


def _status(exc):
    return json.loads(exc.body)


def _deployment(name, replicas=1, annotations=None, image="nginx:1"):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "annotations": annotations or {}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": image,
                                                           "ports": [{"containerPort": 80}]}]}}}}


# ---- discovery -------------------------------------------------------------------------------------------------

def test_version_and_legacy_discovery(raw):
    assert raw.get("/version").json()["major"] == "1"
    groups = {g["name"]: g for g in raw.get("/apis").json()["groups"]}
    assert groups["apps"]["preferredVersion"]["groupVersion"] == "apps/v1"
    assert groups["autoscaling"]["preferredVersion"]["version"] == "v2"
    assert raw.get("/api").json()["versions"] == ["v1"]
    core = {r["name"]: r for r in raw.get("/api/v1").json()["resources"]}
    assert core["namespaces"]["namespaced"] is False
    assert core["secrets"]["namespaced"] is True and "watch" in core["secrets"]["verbs"]
    assert "pods/status" in core
    assert raw.get("/apis/nope/v1").status_code == 404


def test_aggregated_discovery_with_etag(raw):
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    first = raw.get("/apis", headers={"Accept": accept})
    assert first.headers["content-type"] == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    doc = first.json()
    assert doc["kind"] == "APIGroupDiscoveryList"
    apps = next(i for i in doc["items"] if i["metadata"]["name"] == "apps")
    deploy = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deploy["scope"] == "Namespaced" and deploy["responseKind"]["kind"] == "Deployment"
    again = raw.get("/apis", headers={"Accept": accept, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    core = raw.get("/api", headers={"Accept": accept}).json()
    assert [i["metadata"].get("name", "") for i in core["items"]] == [""]
    assert [v["version"] for v in core["items"][0]["versions"]] == ["v1"]


def test_openapi_v3_patch_operations_list_field_validation(raw):
    index = raw.get("/openapi/v3").json()["paths"]
    url = index["apis/apps/v1"]["serverRelativeURL"]
    assert "?hash=" in url
    doc = raw.get(url).json()
    patches = [op["patch"] for op in doc["paths"].values() if "patch" in op]
    dep = next(p for p in patches if p["x-kubernetes-group-version-kind"]["kind"] == "Deployment")
    assert "fieldValidation" in [p["name"] for p in dep["parameters"]]


# ---- CRUD and errors ------------------------------------------------------------------------------------------

def test_crud_metadata_and_status_errors(core, ns):
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "c1"}, "data": {"a": "1"}})
    assert cm.metadata.uid and cm.metadata.creation_timestamp and int(cm.metadata.resource_version) > 0
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "c1"}})
    body = _status(err.value)
    assert err.value.status == 409 and body["reason"] == "AlreadyExists"
    assert body["message"] == 'configmaps "c1" already exists'
    assert body["details"] == {"name": "c1", "kind": "configmaps"}
    cm.data["a"] = "2"
    updated = core.replace_namespaced_config_map("c1", ns, cm)
    assert int(updated.metadata.resource_version) > int(cm.metadata.resource_version)
    stale = core.read_namespaced_config_map("c1", ns)
    stale.metadata.resource_version = cm.metadata.resource_version
    with pytest.raises(ApiException) as err:
        core.replace_namespaced_config_map("c1", ns, stale)
    assert err.value.status == 409 and _status(err.value)["reason"] == "Conflict"
    core.delete_namespaced_config_map("c1", ns)
    with pytest.raises(ApiException) as err:
        core.read_namespaced_config_map("c1", ns)
    assert err.value.status == 404
    assert _status(err.value)["message"] == 'configmaps "c1" not found'


def test_not_found_for_grouped_resource_names_the_group(dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    with pytest.raises(ApiException) as err:
        deps.get(name="missing", namespace=ns)
    assert _status(err.value)["message"] == 'deployments.apps "missing" not found'
    assert _status(err.value)["details"]["group"] == "apps"


def test_invalid_objects_get_422(core, dyn, ns):
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "Bad_Name"}})
    body = _status(err.value)
    assert err.value.status == 422 and body["reason"] == "Invalid"
    assert body["details"]["causes"][0]["field"] == "metadata.name"
    bad = _deployment("d")
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(ApiException) as err:
        dyn.resources.get(api_version="apps/v1", kind="Deployment").create(body=bad, namespace=ns)
    assert err.value.status == 422
    assert "`selector` does not match template `labels`" in _status(err.value)["message"]


def test_write_into_missing_namespace_is_404(core):
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map("no-such-ns", {"metadata": {"name": "x"}})
    assert err.value.status == 404 and _status(err.value)["message"] == 'namespaces "no-such-ns" not found'


def test_generation_bumps_on_spec_change_only(dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    d = deps.create(body=_deployment("g"), namespace=ns)
    assert d.metadata.generation == 1
    d = deps.patch(name="g", namespace=ns, body={"metadata": {"labels": {"x": "y"}}},
                   content_type="application/merge-patch+json")
    assert d.metadata.generation == 1
    d = deps.patch(name="g", namespace=ns, body={"spec": {"replicas": 4}},
                   content_type="application/merge-patch+json")
    assert d.metadata.generation == 2 and d.spec.replicas == 4


def test_noop_update_keeps_resource_version(core, ns):
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "same"}, "data": {"a": "1"}})
    again = core.patch_namespaced_config_map("same", ns, {"data": {"a": "1"}})
    assert again.metadata.resource_version == cm.metadata.resource_version


def test_secret_string_data_is_merged_into_data(core, ns):
    s = core.create_namespaced_secret(ns, {"metadata": {"name": "s"}, "data": {"a": base64.b64encode(b"1").decode()},
                                           "stringData": {"b": "two"}})
    assert s.type == "Opaque"
    assert s.string_data is None
    assert {k: base64.b64decode(v) for k, v in s.data.items()} == {"a": b"1", "b": b"two"}


def test_service_gets_a_cluster_ip_and_node_ports(kubeapi, core, ns):
    svc = core.create_namespaced_service(ns, {"metadata": {"name": "web"}, "spec": {
        "type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]}})
    assert svc.spec.cluster_ip and svc.spec.cluster_ip.startswith("10.")
    assert svc.spec.ports[0].protocol == "TCP" and 30000 <= svc.spec.ports[0].node_port <= 32767
    if kubeapi.has_request_log:  # the emulator plays a load-balancer controller; a real cluster may have none
        assert svc.status.load_balancer.ingress[0].ip


def test_builtin_namespaces_exist(core):
    names = {n.metadata.name for n in core.list_namespace().items}
    assert {"default", "kube-system", "kube-public"} <= names


# ---- selectors, lists, patches -------------------------------------------------------------------------------

def test_label_and_field_selectors_on_lists(core, ns):
    for name, labels in (("a", {"app": "x", "tier": "web"}), ("b", {"app": "x", "tier": "db"}), ("c", {})):
        core.create_namespaced_config_map(ns, {"metadata": {"name": name, "labels": labels}})

    def names(**kw):
        return sorted(i.metadata.name for i in core.list_namespaced_config_map(ns, **kw).items)

    assert names(label_selector="app=x") == ["a", "b"]
    assert names(label_selector="app==x,tier!=web") == ["b"]
    assert names(label_selector="tier in (web,db)") == ["a", "b"]
    assert names(label_selector="tier notin (web)") == ["b", "c"]
    assert names(label_selector="!app") == ["c"]
    assert names(label_selector="tier") == ["a", "b"]
    assert names(field_selector="metadata.name=c") == ["c"]
    assert names(field_selector="metadata.namespace=%s,metadata.name!=a" % ns) == ["b", "c"]
    listing = core.list_namespaced_config_map(ns)
    assert int(listing.metadata.resource_version) > 0
    everywhere = core.list_config_map_for_all_namespaces(field_selector="metadata.namespace=" + ns)
    assert len(everywhere.items) == 3


def test_json_and_strategic_merge_patches(dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    deps.create(body=_deployment("p"), namespace=ns)
    d = deps.patch(name="p", namespace=ns, content_type="application/strategic-merge-patch+json", body={
        "spec": {"template": {"spec": {"containers": [{"name": "app", "env": [{"name": "A", "value": "1"}]},
                                                      {"name": "side", "image": "busybox"}]}}}})
    containers = d.spec.template.spec.containers
    assert [c.name for c in containers] == ["app", "side"]
    assert containers[0].image == "nginx:1" and containers[0].env[0].name == "A"
    d = deps.patch(name="p", namespace=ns, content_type="application/json-patch+json",
                   body=[{"op": "replace", "path": "/spec/replicas", "value": 5}])
    assert d.spec.replicas == 5
    with pytest.raises(ApiException) as err:
        deps.patch(name="p", namespace=ns, content_type="application/json-patch+json",
                   body=[{"op": "test", "path": "/spec/replicas", "value": 1}])
    assert err.value.status == 422


def test_dry_run_validates_without_storing(core, raw, ns):
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "dry"}}, dry_run="All")
    assert cm.metadata.uid
    with pytest.raises(ApiException):
        core.read_namespaced_config_map("dry", ns)
    core.create_namespaced_config_map(ns, {"metadata": {"name": "real"}, "data": {"a": "1"}})
    r = raw.patch("/api/v1/namespaces/%s/configmaps/real" % ns, params={"dryRun": "All"},
                  content=json.dumps({"data": {"a": "2"}}), headers={"Content-Type": "application/merge-patch+json"})
    assert r.json()["data"] == {"a": "2"}
    assert core.read_namespaced_config_map("real", ns).data == {"a": "1"}
    core.delete_namespaced_config_map("real", ns, dry_run="All")
    assert core.read_namespaced_config_map("real", ns).data == {"a": "1"}
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "UPPER"}}, dry_run="All")
    assert err.value.status == 422


# ---- server-side apply ----------------------------------------------------------------------------------------

def test_ssa_creates_tracks_managers_and_reports_conflicts(dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    body = _deployment("ssa", replicas=2)
    body["metadata"]["namespace"] = ns
    d = deps.server_side_apply(body=body, name="ssa", namespace=ns, field_manager="helm")
    entry = _managed(d)[0]
    assert (entry["manager"], entry["operation"], entry["fieldsType"]) == ("helm", "Apply", "FieldsV1")
    fields = entry["fieldsV1"]
    assert "f:replicas" in fields["f:spec"]
    assert 'k:{"name":"app"}' in fields["f:spec"]["f:template"]["f:spec"]["f:containers"]
    body["spec"]["replicas"] = 5
    with pytest.raises(ApiException) as err:
        deps.server_side_apply(body=body, name="ssa", namespace=ns, field_manager="other")
    status = _status(err.value)
    assert err.value.status == 409 and status["reason"] == "Conflict"
    assert status["message"] == 'Apply failed with 1 conflict: conflict with "helm": .spec.replicas'
    assert status["details"]["causes"][0] == {"reason": "FieldManagerConflict", "message": 'conflict with "helm"',
                                              "field": ".spec.replicas"}
    same = _deployment("ssa", replicas=2)
    same["metadata"]["namespace"] = ns
    shared = deps.server_side_apply(body=same, name="ssa", namespace=ns, field_manager="other")
    assert {e["manager"] for e in _managed(shared)} == {"helm", "other"}
    forced = deps.server_side_apply(body=body, name="ssa", namespace=ns, field_manager="other", force_conflicts=True)
    assert forced.spec.replicas == 5
    owners = {e["manager"]: e["fieldsV1"] for e in _managed(forced)}
    assert "f:replicas" not in owners["helm"]["f:spec"] and "f:replicas" in owners["other"]["f:spec"]


def test_ssa_removes_fields_a_manager_stops_applying(dyn, ns):
    cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "drop", "namespace": ns},
            "data": {"a": "1", "b": "2"}}
    cms.server_side_apply(body=body, name="drop", namespace=ns, field_manager="m1")
    cms.patch(name="drop", namespace=ns, body={"data": {"c": "3"}}, content_type="application/merge-patch+json")
    body["data"] = {"a": "1"}
    out = cms.server_side_apply(body=body, name="drop", namespace=ns, field_manager="m1")
    assert out.data.to_dict() == {"a": "1", "c": "3"}


def test_ssa_update_operation_takes_ownership_without_conflict(dyn, ns):
    cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "own", "namespace": ns}, "data": {"a": "1"}}
    cms.server_side_apply(body=body, name="own", namespace=ns, field_manager="helm")
    out = cms.patch(name="own", namespace=ns, body={"data": {"a": "2"}}, content_type="application/merge-patch+json",
                    field_manager="kubectl-edit")
    managers = {(e["manager"], e["operation"]) for e in _managed(out)}
    assert ("kubectl-edit", "Update") in managers and ("helm", "Apply") not in managers
    with pytest.raises(ApiException) as err:
        cms.server_side_apply(body=body, name="own", namespace=ns, field_manager="helm")
    assert _status(err.value)["message"] == \
        'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a' \
        or _status(err.value)["message"].startswith(
            'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1 at ')


def test_ssa_requires_field_manager_and_accepts_yaml(raw, ns):
    path = "/api/v1/namespaces/%s/configmaps/y" % ns
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  k: v\n"
    r = raw.patch(path, content=doc, headers={"Content-Type": "application/apply-patch+yaml"})
    assert r.status_code == 422 and "fieldManager" in r.json()["message"]
    r = raw.patch(path, params={"fieldManager": "t"}, content=doc,
                  headers={"Content-Type": "application/apply-patch+yaml"})
    assert r.status_code == 201 and r.json()["data"] == {"k": "v"}
    r = raw.patch(path, params={"fieldManager": "t"}, content=doc,
                  headers={"Content-Type": "application/apply-patch+yaml"})
    assert r.status_code == 200


def test_field_validation_strict_rejects_unknown_top_level_fields(raw, ns):
    body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "v"}, "bogus": 1})
    r = raw.post("/api/v1/namespaces/%s/configmaps" % ns, params={"fieldValidation": "Strict"}, content=body,
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and 'unknown field "bogus"' in r.json()["message"]
    r = raw.post("/api/v1/namespaces/%s/configmaps" % ns, params={"fieldValidation": "Warn"}, content=body,
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 201 and 'unknown field \\"bogus\\"' in r.headers["warning"]


# ---- watch -----------------------------------------------------------------------------------------------------

def test_watch_streams_existing_and_live_events(core, ns):
    core.create_namespaced_config_map(ns, {"metadata": {"name": "w1"}})
    events = []
    w = watch.Watch()

    def consume():
        for ev in w.stream(core.list_namespaced_config_map, ns, timeout_seconds=10):
            events.append((ev["type"], ev["object"].metadata.name))
            if ev["type"] == "DELETED":
                w.stop()

    t = threading.Thread(target=consume)
    t.start()
    assert wait_for(lambda: events, timeout=10)
    core.create_namespaced_config_map(ns, {"metadata": {"name": "w2"}})
    core.patch_namespaced_config_map("w2", ns, {"data": {"a": "b"}})
    core.delete_namespaced_config_map("w2", ns)
    t.join(15)
    assert events == [("ADDED", "w1"), ("ADDED", "w2"), ("MODIFIED", "w2"), ("DELETED", "w2")]


def test_watch_list_protocol_and_timeout(core, raw, ns):
    core.create_namespaced_config_map(ns, {"metadata": {"name": "x1", "labels": {"k": "v"}}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "x2"}})
    params = {"watch": "true", "sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan",
              "allowWatchBookmarks": "true", "timeoutSeconds": "1", "labelSelector": "k=v"}
    with raw.stream("GET", "/api/v1/namespaces/%s/configmaps" % ns, params=params) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert [(e["type"], e["object"]["metadata"].get("name")) for e in lines] == [("ADDED", "x1"), ("BOOKMARK", None)]
    assert lines[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(lines[1]["object"]["metadata"]["resourceVersion"]) >= int(
        lines[0]["object"]["metadata"]["resourceVersion"])


def test_watch_from_resource_version_replays_later_events(core, raw, ns):
    rv = core.create_namespaced_config_map(ns, {"metadata": {"name": "r1"}}).metadata.resource_version
    core.create_namespaced_config_map(ns, {"metadata": {"name": "r2"}})
    params = {"watch": "true", "resourceVersion": rv, "timeoutSeconds": "1"}
    with raw.stream("GET", "/api/v1/namespaces/%s/configmaps" % ns, params=params) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in lines] == [("ADDED", "r2")]


# ---- deletion ---------------------------------------------------------------------------------------------------

def test_namespace_deletion_cascades(core):
    name = "gone-" + uuid.uuid4().hex[:6]
    core.create_namespace({"metadata": {"name": name}})
    core.create_namespaced_config_map(name, {"metadata": {"name": "c"}})
    core.delete_namespace(name)
    assert wait_for(lambda: name not in {n.metadata.name for n in core.list_namespace().items}, timeout=60)
    assert core.list_config_map_for_all_namespaces(field_selector="metadata.namespace=" + name).items == []


def test_delete_returns_status_and_cascades_to_owned_objects(dyn, core, ns):
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "owner"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "child", "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": cm.metadata.uid}]}})
    status = core.delete_namespaced_config_map("owner", ns, propagation_policy="Background")
    assert status["status"] == "Success" and status["details"]["uid"] == cm.metadata.uid
    assert wait_for(lambda: not core.list_namespaced_config_map(ns, field_selector="metadata.name=child").items,
                    timeout=60)


# ---- CRDs -------------------------------------------------------------------------------------------------------

def test_crd_registers_kind_in_discovery_and_openapi(dyn, raw, ns):
    group = "t%s.example.com" % uuid.uuid4().hex[:6]
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets." + group},
           "spec": {"group": group, "scope": "Namespaced",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
                    "versions": [{"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object",
                                                                 "x-kubernetes-preserve-unknown-fields": True}},
                                  "subresources": {"status": {}}}]}}
    crds = dyn.resources.get(api_version="apiextensions.k8s.io/v1", kind="CustomResourceDefinition")
    crds.server_side_apply(body=crd, name=crd["metadata"]["name"], field_manager="helm")

    def conditions():
        status = crds.get(name=crd["metadata"]["name"]).to_dict().get("status") or {}
        return {c["type"]: c["status"] for c in status.get("conditions") or []}

    assert wait_for(lambda: conditions().get("Established") == "True", timeout=30)
    assert conditions()["NamesAccepted"] == "True"
    assert wait_for(lambda: raw.get("/apis/%s/v1" % group).status_code == 200, timeout=30)
    resources = raw.get("/apis/%s/v1" % group).json()["resources"]
    assert {r["name"] for r in resources} == {"widgets", "widgets/status"}
    assert "apis/%s/v1" % group in raw.get("/openapi/v3").json()["paths"]
    path = "/apis/%s/v1/namespaces/%s/widgets" % (group, ns)
    r = raw.post(path, content=json.dumps({"apiVersion": group + "/v1", "kind": "Widget",
                                           "metadata": {"name": "w"}, "spec": {"size": 3}}),
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 201 and r.json()["metadata"]["generation"] == 1
    crds.delete(name=crd["metadata"]["name"])
    assert wait_for(lambda: raw.get("/apis/%s/v1" % group).status_code == 404, timeout=60)
    assert raw.get(path).status_code == 404


# ---- simulated controllers (emulator only) ------------------------------------------------------------------

def _ready(deps, name, ns):
    d = deps.get(name=name, namespace=ns)
    s = d.status or {}
    return s.get("observedGeneration") == d.metadata.generation and s.get("readyReplicas") == d.spec.replicas


def test_deployment_becomes_ready_after_spec_changes(emulator, dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    deps.create(body=_deployment("ready", replicas=2), namespace=ns)
    assert wait_for(lambda: _ready(deps, "ready", ns), timeout=10)
    d = deps.get(name="ready", namespace=ns)
    assert {c["type"]: c["status"] for c in d.status.conditions} == {"Available": "True", "Progressing": "True"}
    rs = dyn.resources.get(api_version="apps/v1", kind="ReplicaSet").get(namespace=ns, label_selector="app=ready")
    assert rs.items[0].metadata.ownerReferences[0].uid == d.metadata.uid
    deps.patch(name="ready", namespace=ns, body={"spec": {"replicas": 3}},
               content_type="application/merge-patch+json")
    assert wait_for(lambda: _ready(deps, "ready", ns), timeout=10)
    deps.patch(name="ready", namespace=ns, content_type="application/merge-patch+json",
               body={"spec": {"template": {"metadata": {"annotations": {"rev": "2"}}}}})
    assert wait_for(lambda: _ready(deps, "ready", ns), timeout=10)
    sets = dyn.resources.get(api_version="apps/v1", kind="ReplicaSet").get(namespace=ns, label_selector="app=ready")
    assert sorted(rs.spec.replicas for rs in sets.items) == [0, 3]


def test_failing_deployment_and_job(emulator, dyn, ns):
    fail = {"kubeapi.helmkit.test/fail": "true"}
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    deps.create(body=_deployment("bad", annotations=fail), namespace=ns)

    def progressing():
        s = deps.get(name="bad", namespace=ns).status or {}
        return next((c for c in s.get("conditions") or [] if c["type"] == "Progressing"), None)

    cond = wait_for(progressing, timeout=10)
    assert cond["status"] == "False" and cond["reason"] == "ProgressDeadlineExceeded"
    jobs = dyn.resources.get(api_version="batch/v1", kind="Job")
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
           "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]}}}}
    jobs.create(body=job, namespace=ns)
    job["metadata"] = {"name": "jf", "annotations": fail}
    jobs.create(body=job, namespace=ns)

    def conditions(name):
        s = jobs.get(name=name, namespace=ns).status or {}
        return {c["type"]: c["status"] for c in s.get("conditions") or []}

    assert wait_for(lambda: conditions("j").get("Complete") == "True", timeout=10)
    assert jobs.get(name="j", namespace=ns).status["succeeded"] == 1
    assert wait_for(lambda: conditions("jf").get("Failed") == "True", timeout=10)


def test_status_changes_emit_watch_events_and_pods_succeed(emulator, core, ns):
    w = watch.Watch()
    seen = []

    def consume():
        for ev in w.stream(core.list_namespaced_pod, ns, timeout_seconds=10):
            seen.append((ev["type"], ev["object"].status.phase))
            if ev["object"].status.phase == "Succeeded":
                w.stop()

    t = threading.Thread(target=consume)
    t.start()
    core.create_namespaced_pod(ns, {"metadata": {"name": "test-pod"}, "spec": {
        "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}})
    t.join(15)
    assert seen[0] == ("ADDED", "Pending") and seen[-1] == ("MODIFIED", "Succeeded")


def test_request_log_counts_writes(core, ns, kubeapi_log):
    core.create_namespaced_config_map(ns, {"metadata": {"name": "logged"}})
    writes = [r for r in kubeapi_log.request_log() if r.method in ("POST", "PUT", "PATCH", "DELETE")]
    assert [(r.method, r.path) for r in writes] == [("POST", "/api/v1/namespaces/%s/configmaps" % ns)]


def test_unauthenticated_requests_are_rejected(emulator, kubeconfig):
    with open(kubeconfig) as f:
        cluster = yaml.safe_load(f)["clusters"][0]["cluster"]
    ctx = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
    r = httpx.get(cluster["server"] + "/api/v1/namespaces", verify=ctx)
    assert r.status_code == 401 and r.json()["reason"] == "Unauthorized"


def test_update_managed_fields_own_new_maps(core, ns):
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "mf", "labels": {"x": "1"}}, "data": {"k": "v"}},
                                           field_manager="creator")
    entry = cm.metadata.managed_fields[0]
    assert (entry.manager, entry.operation, entry.api_version) == ("creator", "Update", "v1")
    assert entry.fields_v1 == {"f:data": {".": {}, "f:k": {}}, "f:metadata": {"f:labels": {".": {}, "f:x": {}}}}


def test_list_pagination_with_limit_and_continue(core, ns):
    for i in range(5):
        core.create_namespaced_config_map(ns, {"metadata": {"name": "page-%d" % i}})
    first = core.list_namespaced_config_map(ns, limit=2)
    assert [i.metadata.name for i in first.items] == ["page-0", "page-1"]
    assert first.metadata.remaining_item_count == 3 and first.metadata._continue
    second = core.list_namespaced_config_map(ns, limit=2, _continue=first.metadata._continue)
    assert [i.metadata.name for i in second.items] == ["page-2", "page-3"]
    last = core.list_namespaced_config_map(ns, limit=2, _continue=second.metadata._continue)
    assert [i.metadata.name for i in last.items] == ["page-4"] and not last.metadata._continue


def test_ssa_removes_list_elements_no_longer_applied(dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    body = _deployment("env")
    body["metadata"]["namespace"] = ns
    container = body["spec"]["template"]["spec"]["containers"][0]
    container["env"] = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    deps.server_side_apply(body=body, name="env", namespace=ns, field_manager="helm")
    container["env"] = [{"name": "B", "value": "3"}]
    out = deps.server_side_apply(body=body, name="env", namespace=ns, field_manager="helm")
    env = out.to_dict()["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "B", "value": "3"}]
    fields = _managed(out)[0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"app"}']
    assert list(fields["f:env"]) == ['k:{"name":"B"}']


def test_pod_log_subresource(emulator, core, ns):
    core.create_namespaced_pod(ns, {"metadata": {"name": "logs"}, "spec": {"containers": [{"name": "c",
                                                                                          "image": "x"}]}})
    assert core.read_namespaced_pod_log("logs", ns) == ""


def test_status_subresource_separates_spec_and_status_writes(core, raw, ns):
    group = "s%s.example.com" % uuid.uuid4().hex[:6]
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "gadgets." + group},
           "spec": {"group": group, "scope": "Namespaced", "names": {"plural": "gadgets", "kind": "Gadget"},
                    "versions": [{"name": "v1beta1", "served": True, "storage": False,
                                  "schema": {"openAPIV3Schema": {"type": "object"}}},
                                 {"name": "v1", "served": True, "storage": True,
                                  "schema": {"openAPIV3Schema": {"type": "object"}},
                                  "subresources": {"status": {}}}]}}
    r = raw.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", content=json.dumps(crd),
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 201
    assert wait_for(lambda: raw.get("/apis/%s/v1" % group).status_code == 200, timeout=30)
    groups = {g["name"]: g for g in raw.get("/apis").json()["groups"]}
    assert groups[group]["preferredVersion"]["version"] == "v1"
    base = "/apis/%s/v1/namespaces/%s/gadgets" % (group, ns)
    body = {"apiVersion": group + "/v1", "kind": "Gadget", "metadata": {"name": "g"}, "spec": {"a": 1},
            "status": {"ready": True}}
    created = raw.post(base, content=json.dumps(body), headers={"Content-Type": "application/json"}).json()
    assert "status" not in created
    merge = {"Content-Type": "application/merge-patch+json"}
    out = raw.patch(base + "/g/status", content=json.dumps({"status": {"ready": True}, "spec": {"a": 2}}),
                    headers=merge).json()
    assert out["status"] == {"ready": True} and out["spec"] == {"a": 1}
    out = raw.patch(base + "/g", content=json.dumps({"status": {"ready": False}, "spec": {"a": 3}}),
                    headers=merge).json()
    assert out["status"] == {"ready": True} and out["spec"] == {"a": 3} and out["metadata"]["generation"] == 2
    raw.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets." + group)


def test_namespace_delete_answers_terminating(core):
    name = "term-" + uuid.uuid4().hex[:6]
    core.create_namespace({"metadata": {"name": name}})
    answer = core.delete_namespace(name)
    assert answer["status"]["phase"] == "Terminating" and answer["metadata"]["deletionTimestamp"]


def test_immutable_fields_are_rejected_on_update(core, dyn, ns):
    deps = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    deps.create(body=_deployment("imm"), namespace=ns)
    changed = _deployment("imm")
    changed["spec"]["selector"] = {"matchLabels": {"app": "imm", "tier": "x"}}
    changed["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    with pytest.raises(ApiException) as err:
        deps.replace(body=changed, namespace=ns)
    status = _status(err.value)
    assert err.value.status == 422 and status["reason"] == "Invalid"
    assert status["details"]["causes"][0]["field"] == "spec.selector"
    assert status["message"].startswith('Deployment.apps "imm" is invalid: spec.selector: Invalid value: ')
    assert status["message"].endswith(": field is immutable")
    core.create_namespaced_config_map(ns, {"metadata": {"name": "frozen"}, "data": {"a": "1"}, "immutable": True})
    with pytest.raises(ApiException) as err:
        core.patch_namespaced_config_map("frozen", ns, {"data": {"a": "2"}})
    assert _status(err.value)["message"] == \
        'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set'


def test_request_records_unpack_to_four_fields(core, ns, kubeapi_log):
    core.list_namespaced_config_map(ns, label_selector="a=b")
    (method, path, query, content_type), = kubeapi_log.request_log()
    assert (method, path, query) == ("GET", "/api/v1/namespaces/%s/configmaps" % ns, "labelSelector=a%3Db")
    assert kubeapi_log.request_log()[0].user_agent.startswith("OpenAPI-Generator/")


def test_unsupported_field_selectors_are_rejected(core, ns):
    with pytest.raises(ApiException) as err:
        core.list_namespaced_config_map(ns, field_selector="data.a=1")
    assert err.value.status == 400 and _status(err.value)["message"] == "field label not supported: data.a"
    core.create_namespaced_secret(ns, {"metadata": {"name": "typed"}, "type": "helm.sh/release.v1"})
    core.create_namespaced_secret(ns, {"metadata": {"name": "plain"}})
    found = core.list_namespaced_secret(ns, field_selector="type=helm.sh/release.v1").items
    assert [s.metadata.name for s in found] == ["typed"]
