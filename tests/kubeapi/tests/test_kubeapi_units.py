"""Unit tests of the kubeapi emulator's pure parts: selectors, patches, protobuf decoding, SSA field sets."""
from __future__ import annotations

import base64

import pytest

from kubeapi import fieldsets, protobuf
from kubeapi.patches import PatchError, json_patch, merge_patch, strategic_merge_patch
from kubeapi.selection import SelectorError, match_fields, match_labels, parse_field_selector, parse_label_selector


@pytest.mark.parametrize("selector,labels,expected", [
    ("app=web", {"app": "web"}, True),
    ("app==web", {"app": "web"}, True),
    ("app=web", {"app": "db"}, False),
    ("app!=web", {"app": "db"}, True),
    ("app!=web", {}, True),
    ("app!=web", {"app": "web"}, False),
    ("tier in (a, b)", {"tier": "b"}, True),
    ("tier in (a,b)", {"tier": "c"}, False),
    ("tier notin (a,b)", {"tier": "c"}, True),
    ("tier notin (a,b)", {}, True),
    ("tier", {"tier": ""}, True),
    ("tier", {}, False),
    ("!tier", {}, True),
    ("!tier", {"tier": "x"}, False),
    ("name=r,owner=helm,status in (deployed,failed)", {"name": "r", "owner": "helm", "status": "failed"}, True),
    ("name=r,owner=helm", {"name": "r", "owner": "other"}, False),
    ("", {"x": "y"}, True),
])
def test_label_selectors(selector, labels, expected):
    assert match_labels(parse_label_selector(selector), labels) is expected


def test_bad_label_selector_is_rejected():
    with pytest.raises(SelectorError):
        parse_label_selector("a in b")


def test_field_selectors():
    obj = {"metadata": {"name": "x", "namespace": "ns1"}}
    assert match_fields(parse_field_selector("metadata.name=x"), obj)
    assert match_fields(parse_field_selector("metadata.namespace!=ns2,metadata.name==x"), obj)
    assert not match_fields(parse_field_selector("metadata.name=y"), obj)


def test_merge_patch_rfc7386():
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]}
    patch = {"a": "z", "c": {"f": None}, "l": [3]}
    assert merge_patch(target, patch) == {"a": "z", "c": {"d": "e"}, "l": [3]}
    assert target["c"] == {"d": "e", "f": "g"}  # input untouched


def test_json_patch_operations_and_errors():
    doc = {"spec": {"replicas": 1, "list": ["a", "b"]}}
    out = json_patch(doc, [{"op": "replace", "path": "/spec/replicas", "value": 3},
                           {"op": "add", "path": "/spec/list/-", "value": "c"},
                           {"op": "remove", "path": "/spec/list/0"},
                           {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
                           {"op": "test", "path": "/spec/copy", "value": 3}])
    assert out == {"spec": {"replicas": 3, "list": ["b", "c"], "copy": 3}}
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "test", "path": "/spec/replicas", "value": 2}])
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "remove", "path": "/spec/missing"}])


def test_strategic_merge_patch_merges_containers_by_name():
    live = {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "a:1", "env": [{"name": "X", "value": "1"}]},
        {"name": "side", "image": "s:1"}]}}}}
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "image": "a:2", "env": [{"name": "Y", "value": "2"}]},
        {"name": "side", "$patch": "delete"}]}}}}
    out = strategic_merge_patch(live, patch)
    containers = out["spec"]["template"]["spec"]["containers"]
    assert containers == [{"name": "app", "image": "a:2", "env": [{"name": "X", "value": "1"},
                                                                  {"name": "Y", "value": "2"}]}]


def test_strategic_merge_patch_replaces_atomic_lists_and_deletes_null():
    live = {"spec": {"args": ["a", "b"], "keep": 1, "drop": 2}}
    out = strategic_merge_patch(live, {"spec": {"args": ["c"], "drop": None}})
    assert out == {"spec": {"args": ["c"], "keep": 1}}


def test_strategic_merge_patch_finalizers_are_a_set():
    out = strategic_merge_patch({"metadata": {"finalizers": ["a"]}}, {"metadata": {"finalizers": ["b", "a"]}})
    assert out["metadata"]["finalizers"] == ["a", "b"]


# ---- protobuf --------------------------------------------------------------------------------------------------

def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def _field(num, payload):
    if isinstance(payload, int):
        return _varint(num << 3) + _varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return _varint((num << 3) | 2) + _varint(len(payload)) + payload


def _entry(num, key, value):
    return _field(num, _field(1, key) + _field(2, value))


def test_protobuf_secret_in_runtime_unknown():
    meta = (_field(1, "sh.helm.release.v1.r.v1") + _field(3, "ns") + _entry(11, "owner", "helm")
            + _entry(11, "status", "deployed") + _field(8, _field(1, 1700000000)))
    secret = _field(1, meta) + _entry(2, "release", b"\x1f\x8b\x08binary") + _field(3, "helm.sh/release.v1")
    body = protobuf.MAGIC + _field(1, _field(1, "v1") + _field(2, "Secret")) + _field(2, secret) \
        + _field(3, "") + _field(4, "")
    obj = protobuf.decode(body)
    assert obj["kind"] == "Secret" and obj["type"] == "helm.sh/release.v1"
    assert obj["metadata"]["name"] == "sh.helm.release.v1.r.v1"
    assert obj["metadata"]["namespace"] == "ns"
    assert obj["metadata"]["labels"] == {"owner": "helm", "status": "deployed"}
    assert obj["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"
    assert base64.b64decode(obj["data"]["release"]) == b"\x1f\x8b\x08binary"


def test_protobuf_delete_options_with_empty_type_meta():
    opts = _field(4, "Background") + _field(5, "All") + _field(2, _field(1, "uid-1"))
    body = protobuf.MAGIC + _field(1, b"") + _field(2, opts)
    obj = protobuf.decode(body, expect_kind="DeleteOptions")
    assert obj["propagationPolicy"] == "Background"
    assert obj["dryRun"] == ["All"]
    assert obj["preconditions"] == {"uid": "uid-1"}


def test_protobuf_rejects_unknown_types_and_missing_magic():
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode(b"{}")
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode(protobuf.MAGIC + _field(1, _field(1, "v1") + _field(2, "Pod")) + _field(2, b""))


# ---- field sets ------------------------------------------------------------------------------------------------

def test_fields_v1_encoding_of_a_deployment():
    obj = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "x", "labels": {"app": "web"}},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"spec": {"containers": [
                        {"name": "app", "image": "i", "ports": [{"containerPort": 80}], "args": ["a"]}]}}}}
    tree = fieldsets.to_fields_v1(fieldsets.field_paths(obj))
    assert tree == {
        "f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {"f:spec": {"f:containers": {
            'k:{"name":"app"}': {".": {}, "f:args": {}, "f:image": {}, "f:name": {}, "f:ports": {
                'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}}}}}}
    assert fieldsets.from_fields_v1(tree) == fieldsets.field_paths(obj)


def test_path_strings_and_conflict_messages():
    path = (("f", "spec"), ("f", "containers"), ("k", (("name", "app"),)), ("f", "image"))
    assert fieldsets.path_string(path) == '.spec.containers[name="app"].image'
    one = fieldsets.conflict_message([('"helm"', (("f", "spec"), ("f", "replicas")))])
    assert one == 'Apply failed with 1 conflict: conflict with "helm": .spec.replicas'
    two = fieldsets.conflict_message([('"helm"', (("f", "spec"), ("f", "replicas"))),
                                      ('"helm"', (("f", "data"), ("f", "k")))])
    assert two == 'Apply failed with 2 conflicts: conflicts with "helm":\n- .spec.replicas\n- .data.k'
    assert fieldsets.print_manager({"manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1"}) == \
        '"kubectl" using apps/v1'


def test_merge_apply_keeps_other_managers_list_items():
    live = {"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}]}}
    applied = {"spec": {"containers": [{"name": "a", "image": "3"}]}}
    out = fieldsets.merge_apply(live, applied)
    assert out["spec"]["containers"] == [{"name": "a", "image": "3"}, {"name": "b", "image": "2"}]


def test_watch_from_a_compacted_resource_version_is_expired():
    from kubeapi.errors import ApiError
    from kubeapi.resources import ResourceTable
    from kubeapi.store import Store, WriteOptions

    store = Store(ResourceTable(), history=3)
    cms = store.table.lookup("", "v1", "configmaps")
    first = store.create(cms, "default", {"metadata": {"name": "a"}}, WriteOptions())
    for name in "bcde":
        store.create(cms, "default", {"metadata": {"name": name}}, WriteOptions())
    with pytest.raises(ApiError) as err:
        store.open_watch(cms, "default", [], [], first["metadata"]["resourceVersion"], False)
    assert err.value.code == 410 and err.value.reason == "Expired"
    w = store.open_watch(cms, "default", [], [], str(int(first["metadata"]["resourceVersion"]) + 2), False)
    assert [e[1]["metadata"]["name"] for e in list(w.queue.queue)] == ["d", "e"]


def test_ssa_reapply_is_a_no_op():
    from kubeapi.resources import ResourceTable
    from kubeapi.store import APPLY, Store, WriteOptions

    store = Store(ResourceTable())
    cms = store.table.lookup("", "v1", "configmaps")
    body = b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}}'
    one = store.patch(cms, "default", "x", APPLY, body, WriteOptions(manager="helm"))
    two = store.patch(cms, "default", "x", APPLY, body, WriteOptions(manager="helm"))
    assert one["metadata"]["resourceVersion"] == two["metadata"]["resourceVersion"]
    assert one["metadata"]["managedFields"] == two["metadata"]["managedFields"]
