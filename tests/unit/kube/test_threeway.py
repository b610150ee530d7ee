"""kube/threeway.py: the client-side apply patches Helm v4 computes (apimachinery's CreateThreeWayMergePatch for
built-in kinds, jsonpatch.CreateMergePatch for custom resources), with merge keys from an OpenAPI v3 document."""
from ansible_collections.helmkit.core.plugins.module_utils.kube.threeway import (
    SchemaNode, is_typed, merge_patch, three_way_strategic)

COMPONENTS = {
    "Pod": {"x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Pod"}],
            "properties": {"metadata": {"allOf": [{"$ref": "#/components/schemas/Meta"}]},
                           "spec": {"allOf": [{"$ref": "#/components/schemas/PodSpec"}]}}},
    "Meta": {"properties": {"finalizers": {"type": "array", "x-kubernetes-patch-strategy": "merge"}}},
    "PodSpec": {"properties": {"containers": {
        "type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name",
        "items": {"allOf": [{"$ref": "#/components/schemas/Container"}]}}}},
    "Container": {"properties": {"env": {"type": "array", "x-kubernetes-patch-strategy": "merge",
                                         "x-kubernetes-patch-merge-key": "name"}}},
}
POD = SchemaNode(COMPONENTS["Pod"], COMPONENTS)


def _pod(containers, finalizers=None, labels=None):
    meta = {"name": "p"}
    if finalizers is not None:
        meta["finalizers"] = finalizers
    if labels is not None:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": containers}}


def test_dropped_elements_are_deleted_and_others_kept():
    original = _pod([{"name": "app", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
                     {"name": "side"}], finalizers=["x", "y"])
    modified = _pod([{"name": "app", "env": [{"name": "A", "value": "9"}]}], finalizers=["x"])
    current = _pod([{"name": "app", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"},
                                            {"name": "INJECTED", "value": "3"}]}, {"name": "side"}],
                   finalizers=["x", "y"], labels={"team": "ops"})
    patch = three_way_strategic(original, modified, current, POD)
    assert patch == {
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["y"], "$setElementOrder/finalizers": ["x"]},
        "spec": {"containers": [{"name": "app", "env": [{"name": "B", "$patch": "delete"}, {"name": "A", "value": "9"}],
                                 "$setElementOrder/env": [{"name": "A"}]},
                                {"name": "side", "$patch": "delete"}],
                 "$setElementOrder/containers": [{"name": "app"}]}}


def test_nothing_to_do_gives_an_empty_patch_and_no_schema_replaces_lists():
    pod = _pod([{"name": "app"}])
    live = dict(pod, status={"phase": "Running"})
    assert three_way_strategic(pod, pod, live, POD) == {}
    changed = _pod([{"name": "other"}])
    assert three_way_strategic(pod, changed, live, None) == {"spec": {"containers": [{"name": "other"}]}}


def test_merge_patch_is_two_way_and_typed_groups():
    assert merge_patch({"a": 1, "b": {"c": 1, "d": 2}, "l": [1]}, {"a": 1, "b": {"c": 2}, "l": [2]}) == \
        {"b": {"c": 2, "d": None}, "l": [2]}
    assert is_typed("v1") and is_typed("apps/v1") and is_typed("apiextensions.k8s.io/v1")
    assert not is_typed("example.com/v1")
