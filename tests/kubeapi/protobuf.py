"""Decode Kubernetes protobuf request bodies (the few types Helm's storage driver sends).

Wire format: ``k8s\\x00`` magic, then a ``runtime.Unknown`` message {1: typeMeta{1: apiVersion, 2: kind},
2: raw, 3: contentEncoding, 4: contentType} (k8s.io/apimachinery/pkg/runtime/generated.proto) whose ``raw`` is
the object: ``v1.Secret``, ``v1.ConfigMap`` or ``v1.DeleteOptions`` (k8s.io/api/core/v1/generated.proto,
k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto). Only the fields those types use are decoded.
"""
from __future__ import annotations

import base64
import datetime

MAGIC = b"k8s\x00"


class ProtobufError(ValueError):
    """The body is not a protobuf message this emulator understands."""


def _varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ProtobufError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """Yield (field number, wire type, value) for each field of one message; value is int or bytes."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        num, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value = bytes(buf[pos:pos + size])
            if len(value) != size:
                raise ProtobufError("truncated field %d" % num)
            pos += size
        elif wire == 1:
            value = int.from_bytes(buf[pos:pos + 8], "little")
            pos += 8
        elif wire == 5:
            value = int.from_bytes(buf[pos:pos + 4], "little")
            pos += 4
        else:
            raise ProtobufError("unsupported wire type %d" % wire)
        yield num, wire, value


def _map_entry(buf):
    key = value = b""
    for num, _unused, v in fields(buf):
        if num == 1:
            key = v
        elif num == 2:
            value = v
    return key.decode(), value


def _time(buf):
    seconds = 0
    for num, _unused, v in fields(buf):
        if num == 1:
            seconds = v if v < (1 << 63) else v - (1 << 64)
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_object_meta(buf):
    """ObjectMeta protobuf -> dict in its JSON form (name, namespace, labels, annotations, ...)."""
    meta = {}
    names = {1: "name", 2: "generateName", 3: "namespace", 5: "uid", 6: "resourceVersion"}
    for num, _unused, v in fields(buf):
        if num in names:
            meta[names[num]] = v.decode()
        elif num == 7:
            meta["generation"] = v
        elif num == 8:
            meta["creationTimestamp"] = _time(v)
        elif num == 11:
            k, val = _map_entry(v)
            meta.setdefault("labels", {})[k] = val.decode()
        elif num == 12:
            k, val = _map_entry(v)
            meta.setdefault("annotations", {})[k] = val.decode()
        elif num == 14:
            meta.setdefault("finalizers", []).append(v.decode())
    return meta


def decode_secret(buf):
    """v1.Secret protobuf -> its JSON dict (data values base64-encoded as in JSON)."""
    obj = {"apiVersion": "v1", "kind": "Secret"}
    for num, _unused, v in fields(buf):
        if num == 1:
            obj["metadata"] = decode_object_meta(v)
        elif num == 2:
            k, val = _map_entry(v)
            obj.setdefault("data", {})[k] = base64.b64encode(val).decode()
        elif num == 3:
            obj["type"] = v.decode()
        elif num == 4:
            k, val = _map_entry(v)
            obj.setdefault("stringData", {})[k] = val.decode()
        elif num == 5:
            obj["immutable"] = bool(v)
    return obj


def decode_config_map(buf):
    """v1.ConfigMap protobuf -> its JSON dict (Helm's configmap storage driver)."""
    obj = {"apiVersion": "v1", "kind": "ConfigMap"}
    for num, _unused, v in fields(buf):
        if num == 1:
            obj["metadata"] = decode_object_meta(v)
        elif num == 2:
            k, val = _map_entry(v)
            obj.setdefault("data", {})[k] = val.decode()
        elif num == 3:
            k, val = _map_entry(v)
            obj.setdefault("binaryData", {})[k] = base64.b64encode(val).decode()
        elif num == 4:
            obj["immutable"] = bool(v)
    return obj


def decode_delete_options(buf):
    """meta/v1 DeleteOptions protobuf -> its JSON dict."""
    obj = {"apiVersion": "v1", "kind": "DeleteOptions"}
    for num, _unused, v in fields(buf):
        if num == 1:
            obj["gracePeriodSeconds"] = v
        elif num == 2:
            pre = {}
            for n2, _unused, v2 in fields(v):
                pre["uid" if n2 == 1 else "resourceVersion"] = v2.decode()
            obj["preconditions"] = pre
        elif num == 3:
            obj["orphanDependents"] = bool(v)
        elif num == 4:
            obj["propagationPolicy"] = v.decode()
        elif num == 5:
            obj.setdefault("dryRun", []).append(v.decode())
    return obj


_DECODERS = {("v1", "Secret"): decode_secret, ("v1", "ConfigMap"): decode_config_map,
             ("v1", "DeleteOptions"): decode_delete_options,
             ("meta.k8s.io/v1", "DeleteOptions"): decode_delete_options}


def decode(body, expect_kind=None):
    """Decode a ``k8s\\0``-prefixed protobuf body into a JSON-shaped dict.

    Args: body (bytes); expect_kind ('DeleteOptions' when the typeMeta may be empty, as for DELETE bodies).
    Raises ProtobufError when the magic is missing or the type is not one this emulator decodes.
    """
    if not body.startswith(MAGIC):
        raise ProtobufError("missing k8s protobuf magic")
    api_version = kind = ""
    raw = b""
    for num, _unused, v in fields(body[len(MAGIC):]):
        if num == 1:
            for n2, _unused, v2 in fields(v):
                if n2 == 1:
                    api_version = v2.decode()
                elif n2 == 2:
                    kind = v2.decode()
        elif num == 2:
            raw = v
    if not kind and expect_kind:
        api_version, kind = "v1", expect_kind
    decoder = _DECODERS.get((api_version or "v1", kind))
    if decoder is None:
        raise ProtobufError("no protobuf decoder for %s %s" % (api_version, kind))
    return decoder(raw)
