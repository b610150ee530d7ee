"""The part of Kubernetes' OpenAPI v3 schemas that clients read for strategic merge patches: the
``x-kubernetes-patch-strategy`` / ``x-kubernetes-patch-merge-key`` extensions (and the matching
``x-kubernetes-list-type`` / ``x-kubernetes-list-map-keys``) on the list fields of k8s.io/api's types, reached from
each kind's schema through ``allOf: [{$ref}]`` as a real apiserver's ``/openapi/v3/<group-version>`` documents do.

Only the structure that carries patch metadata is described (ObjectMeta, the pod template and its containers, the
Service ports); everything else stays ``type: object``, as the emulator's documents were. The values are the struct
tags of k8s.io/api (the same table as schema.py's list semantics).
"""
from __future__ import annotations

_CORE = "io.k8s.api.core.v1."
_META = "io.k8s.apimachinery.pkg.apis.meta.v1."


def _ref(name):
    return {"allOf": [{"$ref": "#/components/schemas/" + name}]}


def _merge_list(item, key, strategy="merge", map_keys=None):
    node = {"type": "array", "items": item, "x-kubernetes-patch-strategy": strategy,
            "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": list(map_keys or [key])}
    if key:
        node["x-kubernetes-patch-merge-key"] = key
    return node


def _obj(**properties):
    return {"type": "object", "properties": properties}


_CONTAINER = _obj(
    env=_merge_list(_ref(_CORE + "EnvVar"), "name"),
    ports=_merge_list(_ref(_CORE + "ContainerPort"), "containerPort", map_keys=["containerPort", "protocol"]),
    volumeMounts=_merge_list(_ref(_CORE + "VolumeMount"), "mountPath"),
    volumeDevices=_merge_list(_ref(_CORE + "VolumeDevice"), "devicePath"),
)

COMPONENTS = {
    _META + "ObjectMeta": _obj(
        finalizers={"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge",
                    "x-kubernetes-list-type": "set"},
        ownerReferences=_merge_list(_ref(_META + "OwnerReference"), "uid"),
        labels={"type": "object", "additionalProperties": {"type": "string"}},
        annotations={"type": "object", "additionalProperties": {"type": "string"}},
    ),
    _META + "OwnerReference": {"type": "object"},
    _CORE + "EnvVar": {"type": "object"},
    _CORE + "ContainerPort": {"type": "object"},
    _CORE + "VolumeMount": {"type": "object"},
    _CORE + "VolumeDevice": {"type": "object"},
    _CORE + "Volume": {"type": "object"},
    _CORE + "LocalObjectReference": {"type": "object"},
    _CORE + "HostAlias": {"type": "object"},
    _CORE + "Container": _CONTAINER,
    _CORE + "EphemeralContainer": _CONTAINER,
    _CORE + "PodSpec": _obj(
        containers=_merge_list(_ref(_CORE + "Container"), "name"),
        initContainers=_merge_list(_ref(_CORE + "Container"), "name"),
        ephemeralContainers=_merge_list(_ref(_CORE + "EphemeralContainer"), "name"),
        volumes=_merge_list(_ref(_CORE + "Volume"), "name", strategy="merge,retainKeys"),
        imagePullSecrets=_merge_list(_ref(_CORE + "LocalObjectReference"), "name"),
        hostAliases=_merge_list(_ref(_CORE + "HostAlias"), "ip"),
    ),
    _CORE + "PodTemplateSpec": _obj(metadata=_ref(_META + "ObjectMeta"), spec=_ref(_CORE + "PodSpec")),
    _CORE + "ServicePort": {"type": "object"},
    _CORE + "ServiceSpec": _obj(
        ports=_merge_list(_ref(_CORE + "ServicePort"), "port", map_keys=["port", "protocol"])),
    "io.k8s.api.batch.v1.JobSpec": _obj(template=_ref(_CORE + "PodTemplateSpec")),
    "io.k8s.api.batch.v1.JobTemplateSpec": _obj(metadata=_ref(_META + "ObjectMeta"),
                                                spec=_ref("io.k8s.api.batch.v1.JobSpec")),
    "io.k8s.api.batch.v1.CronJobSpec": _obj(jobTemplate=_ref("io.k8s.api.batch.v1.JobTemplateSpec")),
    "io.k8s.api.apps.v1.WorkloadSpec": _obj(template=_ref(_CORE + "PodTemplateSpec")),
}

_SPECS = {
    "Pod": _CORE + "PodSpec",
    "PodTemplate": None,
    "Service": _CORE + "ServiceSpec",
    "Deployment": "io.k8s.api.apps.v1.WorkloadSpec",
    "StatefulSet": "io.k8s.api.apps.v1.WorkloadSpec",
    "DaemonSet": "io.k8s.api.apps.v1.WorkloadSpec",
    "ReplicaSet": "io.k8s.api.apps.v1.WorkloadSpec",
    "ReplicationController": "io.k8s.api.apps.v1.WorkloadSpec",
    "Job": "io.k8s.api.batch.v1.JobSpec",
    "CronJob": "io.k8s.api.batch.v1.CronJobSpec",
}


def root_properties(kind, builtin):
    """Properties of a kind's schema that lead to patch metadata: ``metadata`` for every built-in kind and
    ``spec`` (or PodTemplate's ``template``) where k8s.io/api has merge lists below it. Custom resources (not
    ``builtin``) get none, as their CRD schemas carry no patch extensions."""
    if not builtin:
        return {}
    out = {"metadata": _ref(_META + "ObjectMeta")}
    if kind == "PodTemplate":
        out["template"] = _ref(_CORE + "PodTemplateSpec")
    elif _SPECS.get(kind):
        out["spec"] = _ref(_SPECS[kind])
    return out
