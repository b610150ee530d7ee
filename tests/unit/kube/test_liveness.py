"""kube/liveness.py: which of a release's objects are gone, with one metadata-only LIST per kind and namespace
instead of one GET per object, and exactly the answer (and errors) that one GET per object gives."""
from __future__ import annotations

import pytest

from kubeapi.fixture import KubeAPIServer

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube import liveness
from ansible_collections.helmkit.core.plugins.module_utils.kube.apply import Applier
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient

NS, OTHER = "live-a", "live-b"


def configmap(name, namespace=NS):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace},
            "data": {"k": name}}


def cluster_role(name):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": name},
            "rules": []}


def secret(name):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": NS}, "type": "Opaque",
            "data": {}}


OBJECTS = ([configmap("cm-%d" % i) for i in range(5)] + [secret("only-secret")]
           + [configmap("cm-other-%d" % i, OTHER) for i in range(3)]
           + [cluster_role("live-role-%d" % i) for i in range(2)])
GROUPS = 4  # ConfigMaps in NS, ConfigMaps in OTHER, ClusterRoles (listed); the Secret alone is read with a GET


def identity(obj):
    meta = obj["metadata"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": dict(meta)}


@pytest.fixture(scope="module")
def api():
    with KubeAPIServer(ready_delay=0.05) as server:
        with KubeClient(server.kubeconfig) as client:
            for name in (NS, OTHER):
                client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                                   "metadata": {"name": name}})
            applier = Applier(client, "live", NS)
            for obj in OBJECTS:
                applier.apply(obj)
            yield server, client, applier
            for obj in OBJECTS:
                applier.delete(obj)


def reads(server):
    return [(r.method, r.path, r.query) for r in server.request_log() if r.method == "GET"]


def test_nothing_missing_costs_one_list_per_kind_and_namespace(api):
    server, _client, applier = api
    server.clear_request_log()
    assert liveness.missing_objects(applier, [identity(o) for o in OBJECTS]) == []
    sent = reads(server)
    lists = sorted(path for _m, path, _q in sent if not path.rsplit("/", 1)[-1].startswith(("cm-", "only", "live-")))
    assert lists == ["/api/v1/namespaces/%s/configmaps" % NS, "/api/v1/namespaces/%s/configmaps" % OTHER,
                     "/apis/rbac.authorization.k8s.io/v1/clusterroles"]
    assert "/api/v1/namespaces/%s/secrets/only-secret" % NS in [path for _m, path, _q in sent]
    assert len(sent) == GROUPS and all("limit=%d" % liveness.LIST_PAGE in (q or "") for _m, p, q in sent
                                       if p in lists)


def test_every_deleted_object_is_found_alone_and_in_order(api):
    """Delete each object in turn (one out of many): exactly that one is missing; then two at once."""
    _server, client, applier = api
    identities = [identity(o) for o in OBJECTS]
    for index, obj in enumerate(OBJECTS):
        assert applier.delete(obj)
        try:
            assert liveness.missing_objects(applier, identities) == [identities[index]], obj["metadata"]["name"]
        finally:
            applier.apply(obj)
    applier.delete(OBJECTS[-1])
    applier.delete(OBJECTS[2])
    try:
        assert liveness.missing_objects(applier, identities) == [identities[2], identities[-1]]
    finally:
        applier.apply(OBJECTS[2])
        applier.apply(OBJECTS[-1])
    assert liveness.missing_objects(applier, identities) == []


def test_objects_beyond_the_first_page_are_read_with_their_own_get(api, monkeypatch):
    server, _client, applier = api
    monkeypatch.setattr(liveness, "LIST_PAGE", 2)
    identities = [identity(o) for o in OBJECTS]
    server.clear_request_log()
    assert liveness.missing_objects(applier, identities) == []
    single = [path for _m, path, _q in reads(server) if path.startswith("/api/v1/namespaces/%s/configmaps/" % NS)]
    assert len(single) == 3  # five ConfigMaps, two on the page
    assert applier.delete(OBJECTS[4])
    try:
        assert liveness.missing_objects(applier, identities) == [identities[4]]
    finally:
        applier.apply(OBJECTS[4])


class RefusingLists:
    """A KubeClient whose LISTs are forbidden (a user who may get but not list); everything else is the real
    client's."""

    def __init__(self, client):
        self.client = client
        self.lists = 0

    def __getattr__(self, name):
        return getattr(self.client, name)

    def request(self, method, path, query=None, **kwargs):
        if method == "GET" and query and query[0][0] == "limit":
            self.lists += 1
            raise ApiError(403, "Forbidden", "configmaps is forbidden: cannot list resource")
        return self.client.request(method, path, query=query, **kwargs)


def test_a_refused_list_falls_back_to_one_get_per_object(api):
    _server, client, applier = api
    refusing = RefusingLists(client)
    checker = Applier(refusing, "live", NS)
    identities = [identity(o) for o in OBJECTS]
    assert liveness.missing_objects(checker, identities) == []
    assert refusing.lists == 3
    assert applier.delete(OBJECTS[1])
    try:
        assert liveness.missing_objects(checker, identities) == [identities[1]]
    finally:
        applier.apply(OBJECTS[1])


class FakeClient:
    """LISTs refused, and a GET answer (or ApiError status) per object name: for errors and their order."""

    def __init__(self, statuses):
        self.statuses = statuses

    def path(self, api_version, kind, name=None, namespace=None):
        return "/api/v1/namespaces/%s/configmaps%s" % (namespace, "/" + name if name else "")

    def request(self, method, path, query=None, **kwargs):
        if query:
            raise ApiError(500, "InternalError", "etcd is down")
        status = self.statuses[path.rsplit("/", 1)[-1]]
        if status != 200:
            raise ApiError(status, "InternalError" if status == 500 else "NotFound", "HTTP %d for %s" % (status, path))
        return {"metadata": {"name": path.rsplit("/", 1)[-1]}}


def test_the_error_is_that_of_the_first_object_in_manifest_order():
    names = ["cm-%d" % i for i in range(12)]
    statuses = dict.fromkeys(names, 200)
    statuses.update({"cm-3": 500, "cm-9": 500, "cm-1": 404})
    applier = Applier(FakeClient(statuses), "live", NS)
    for _attempt in range(5):  # the threads finish in any order; the error does not change
        with pytest.raises(KubeError, match='cannot read ConfigMap "cm-3"'):
            liveness.missing_objects(applier, [configmap(name) for name in names])
    statuses["cm-3"] = statuses["cm-9"] = 200
    assert [o["metadata"]["name"] for o in liveness.missing_objects(applier, [configmap(n) for n in names])] == \
        ["cm-1"]


def test_the_emulator_answers_a_metadata_only_list_as_the_api_server_does(api):
    _server, client, _applier = api
    answer = client.request("GET", "/api/v1/namespaces/%s/configmaps" % NS, query=[("limit", "2")],
                            accept=liveness.METADATA_LIST_ACCEPT)
    assert answer["kind"] == "PartialObjectMetadataList" and answer["apiVersion"] == "meta.k8s.io/v1"
    assert answer["metadata"]["continue"] and len(answer["items"]) == 2
    assert all(set(item) == {"kind", "apiVersion", "metadata"} and item["kind"] == "PartialObjectMetadata"
               for item in answer["items"])
    plain = client.request("GET", "/api/v1/namespaces/%s/configmaps" % NS)
    assert plain["kind"] == "ConfigMapList" and "data" in plain["items"][0]
