"""ReleaseQuery.revisions_in: the LISTs of several namespaces go out concurrently, the answers are decoded in the
namespaces' order (warnings too), and the first namespace's error (in order) is raised, as one LIST after the other
would do. A recording fake client stands in for the API (the emulator tests cover the real requests)."""
import base64
import threading

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
from ansible_collections.helmkit.core.plugins.module_utils.release.codec import encode_release
from ansible_collections.helmkit.core.plugins.module_utils.release.query import ReleaseQuery, find_releases


def _secret(namespace, name, version=1):
    record = {"name": name, "namespace": namespace, "version": version,
              "info": {"status": "deployed", "last_deployed": "2026-01-01T00:00:00Z"},
              "chart": {"metadata": {"name": "demo", "version": "1.0.0"}}, "config": {}, "manifest": ""}
    payload = base64.b64encode(encode_release(record).encode("ascii")).decode("ascii")
    return {"metadata": {"name": "sh.helm.release.v1.%s.v%d" % (name, version), "namespace": namespace,
                         "labels": {"owner": "helm", "name": name}}, "data": {"release": payload}}


class _Client:
    def __init__(self, listings, failing=()):
        self.listings = listings
        self.failing = failing
        self.threads = set()
        self.barrier = threading.Barrier(len(listings), timeout=5)

    def request(self, method, path, query=None):
        namespace = path.split("/")[4]
        self.threads.add(threading.get_ident())
        self.barrier.wait()  # every namespace's LIST is in flight at once, or this times out
        if namespace in self.failing:
            raise ApiError(403, "Forbidden", "secrets is forbidden in %s" % namespace)
        return {"items": self.listings[namespace]}


def test_lists_concurrently_and_decodes_in_order():
    bad = {"metadata": {"name": "sh.helm.release.v1.bad.v1", "namespace": "b"}, "data": {}}
    client = _Client({"a": [_secret("a", "x")], "b": [bad, _secret("b", "y", 2), _secret("b", "y", 1)],
                      "c": [_secret("c", "z")]})
    query = ReleaseQuery(client, "secret")
    found = query.revisions_in(["a", "b", "c"])
    assert [[(rel.namespace, rel.name, rel.version) for rel in group] for group in found] == \
        [[("a", "x", 1)], [("b", "y", 1), ("b", "y", 2)], [("c", "z", 1)]]
    assert len(client.threads) == 3
    assert len(query.warnings) == 1 and "secret b/sh.helm.release.v1.bad.v1" in query.warnings[0]
    assert [item["name"] for item in find_releases(ReleaseQuery(_Client(client.listings), "secret"),
                                                   namespaces=["c", "a", "b"])] == ["x", "y", "z"]


def test_the_first_namespace_in_order_that_failed_is_reported():
    client = _Client({"a": [], "b": [], "c": []}, failing=("c", "b"))
    with pytest.raises(ReleaseError, match="in namespace b: secrets is forbidden in b") as caught:
        ReleaseQuery(client, "secret").revisions_in(["a", "b", "c"])
    assert caught.value.status == 403
