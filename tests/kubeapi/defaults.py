"""Per-kind defaulting and validation the emulator applies on writes: a small, honest subset of what
kube-apiserver's registry strategies do (pkg/apis/*/v1/defaults.go, pkg/apis/*/validation).
"""
from __future__ import annotations

import base64
import ipaddress
import re

from .errors import bad_request, invalid

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")

# Top-level fields per kind; used for fieldValidation (unknown fields). Kinds not listed are not checked.
_COMMON = {"apiVersion", "kind", "metadata"}
TOP_LEVEL = {
    "ConfigMap": {"data", "binaryData", "immutable"},
    "Secret": {"data", "stringData", "type", "immutable"},
    "ServiceAccount": {"secrets", "imagePullSecrets", "automountServiceAccountToken"},
    "Role": {"rules"}, "ClusterRole": {"rules", "aggregationRule"},
    "RoleBinding": {"subjects", "roleRef"}, "ClusterRoleBinding": {"subjects", "roleRef"},
    "ValidatingWebhookConfiguration": {"webhooks"}, "MutatingWebhookConfiguration": {"webhooks"},
    "PriorityClass": {"value", "globalDefault", "description", "preemptionPolicy"},
    "StorageClass": {"provisioner", "parameters", "reclaimPolicy", "mountOptions", "allowVolumeExpansion",
                     "volumeBindingMode", "allowedTopologies"},
    "Endpoints": {"subsets"}, "Event": None,
}
for _k in ("Namespace", "Service", "Pod", "PersistentVolumeClaim", "Deployment", "StatefulSet", "DaemonSet",
           "ReplicaSet", "Job", "CronJob", "Ingress", "IngressClass", "NetworkPolicy", "PodDisruptionBudget",
           "HorizontalPodAutoscaler", "CustomResourceDefinition", "APIService", "Lease"):
    TOP_LEVEL[_k] = {"spec", "status"}


def unknown_fields(obj):
    """Top-level field names of obj (dict) its kind does not declare; [] when the kind is not checked."""
    allowed = TOP_LEVEL.get(obj.get("kind"))
    if allowed is None:
        return []
    return sorted(k for k in obj if k not in allowed and k not in _COMMON)


def validate(resource, obj):
    """Raise ApiError 422 (Invalid) for the problems a real apiserver would reject; returns None."""
    meta = obj.get("metadata") or {}
    name = meta.get("name") or ""
    causes = []
    if not name:
        causes.append(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"))
    else:
        problem = name_problem(resource, name)
        if problem:
            causes.append(("metadata.name", "FieldValueInvalid", 'Invalid value: "%s": %s' % (name, problem)))
    for key, value in (meta.get("labels") or {}).items():
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
            causes.append(("metadata.labels", "FieldValueInvalid",
                           'Invalid value: "%s": a valid label must be an empty string or consist of alphanumeric '
                           "characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                           % (value,)))
        if not _QUALIFIED.match(key.split("/")[-1]) or len(key.split("/")[-1]) > 63:
            causes.append(("metadata.labels", "FieldValueInvalid", 'Invalid value: "%s": name part must '
                                                                   "consist of alphanumeric characters" % key))
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if resource.kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        selector = spec.get("selector")
        if not selector:
            causes.append(("spec.selector", "FieldValueRequired", "Required value"))
        else:
            want = selector.get("matchLabels") or {}
            have = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
            if any(have.get(k) != v for k, v in want.items()):
                causes.append(("spec.template.metadata.labels", "FieldValueInvalid",
                               "Invalid value: %s: `selector` does not match template `labels`" % _go_map(have)))
        if not ((spec.get("template") or {}).get("spec") or {}).get("containers"):
            causes.append(("spec.template.spec.containers", "FieldValueRequired", "Required value"))
    if resource.kind == "Service":
        for i, port in enumerate(spec.get("ports") or []):
            if not port.get("port"):
                causes.append(("spec.ports[%d].port" % i, "FieldValueRequired", "Required value"))
    if resource.kind == "Pod" and not spec.get("containers"):
        causes.append(("spec.containers", "FieldValueRequired", "Required value"))
    if causes:
        raise invalid(resource, name, causes)


_RBAC = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
_DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_MSG_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                  "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
_MSG_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
              "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
              "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
_MSG_1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
             "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
             "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")


def name_problem(resource, name):
    """Why ``name`` is not a valid metadata.name for the kind, or None. RBAC kinds take any path segment,
    Services a DNS-1035 label, Namespaces an RFC 1123 label, everything else an RFC 1123 subdomain
    (k8s.io/apimachinery/pkg/util/validation, pkg/apis/*/validation)."""
    if resource.kind in _RBAC and resource.crd is None:
        if name in (".", "..") or "/" in name or "%" in name:
            return "may not contain '/' or '%'" if name not in (".", "..") else "may not be '%s'" % name
        return None
    if resource.kind == "Service" and resource.crd is None:
        if len(name) > 63:
            return "must be no more than 63 characters"
        return None if _DNS1035.match(name) else _MSG_1035
    if resource.kind == "Namespace" and resource.crd is None:
        if len(name) > 63:
            return "must be no more than 63 characters"
        return None if _LABEL.match(name) else _MSG_LABEL
    if len(name) > 253:
        return "must be no more than 253 characters"
    return None if _SUBDOMAIN.match(name) else _MSG_SUBDOMAIN


def _go_map(d):
    return "map[string]string{%s}" % ", ".join('"%s":"%s"' % (k, d[k]) for k in sorted(d))


def check_data_values(resource, obj):
    """Secrets' data values must be base64: a real apiserver cannot decode them otherwise (400)."""
    if resource.kind != "Secret":
        return
    for key, value in (obj.get("data") or {}).items():
        try:
            base64.b64decode(value or "", validate=True)
        except (ValueError, TypeError):
            raise bad_request('Secret in version "v1" cannot be handled as a Secret: illegal base64 data at '
                              "input byte 0 (data[%s])" % key)


class Allocator:
    """Cluster IPs (10.96.0.0/12) and node ports (30000-32767) for Services; deterministic counters."""

    def __init__(self):
        self.next_ip = int(ipaddress.IPv4Address("10.96.0.10"))
        self.next_port = 30000

    def cluster_ip(self):
        self.next_ip += 1
        return str(ipaddress.IPv4Address(self.next_ip))

    def node_port(self):
        self.next_port += 1
        return self.next_port


def apply_defaults(resource, obj, old, alloc):
    """Fill in server-side defaults in place. old is the live object (dict) on update, else None."""
    kind = resource.kind
    spec = obj.get("spec")
    if kind == "Secret":
        if obj.get("stringData"):
            data = obj.setdefault("data", {}) or {}
            for k, v in obj["stringData"].items():
                data[k] = base64.b64encode(str(v).encode()).decode()
            obj["data"] = data
        obj.pop("stringData", None)
        obj.setdefault("type", "Opaque")
    elif kind == "Namespace":
        name = obj["metadata"]["name"]
        obj["metadata"].setdefault("labels", {})
        obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}
    elif kind == "Service" and isinstance(spec, dict):
        _service_defaults(spec, (old or {}).get("spec") or {}, alloc)
        if spec.get("type") == "LoadBalancer":
            obj["status"] = {"loadBalancer": {"ingress": [{"ip": "127.0.0.1", "ipMode": "VIP"}]}}
        else:
            obj["status"] = {"loadBalancer": {}}
    elif kind == "Deployment" and isinstance(spec, dict):
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
    elif kind == "StatefulSet" and isinstance(spec, dict):
        spec.setdefault("replicas", 1)
    elif kind == "Job" and isinstance(spec, dict):
        spec.setdefault("completions", 1)
        spec.setdefault("parallelism", 1)
        spec.setdefault("backoffLimit", 6)
    elif kind == "PersistentVolumeClaim":
        obj["status"] = {"phase": "Bound", "accessModes": (spec or {}).get("accessModes") or [],
                         "capacity": ((spec or {}).get("resources") or {}).get("requests") or {}}
    elif kind == "Pod" and isinstance(spec, dict):
        spec.setdefault("restartPolicy", "Always")
        if old is None:
            obj["status"] = {"phase": "Pending"}


def _service_defaults(spec, old_spec, alloc):
    spec.setdefault("type", "ClusterIP")
    if spec["type"] != "ExternalName":
        if not spec.get("clusterIP"):
            spec["clusterIP"] = old_spec.get("clusterIP") or alloc.cluster_ip()
        spec["clusterIPs"] = [spec["clusterIP"]] if spec["clusterIP"] != "None" else ["None"]
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    spec.setdefault("sessionAffinity", "None")
    old_ports = {p.get("port"): p for p in old_spec.get("ports") or []}
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer") and not port.get("nodePort"):
            port["nodePort"] = old_ports.get(port.get("port"), {}).get("nodePort") or alloc.node_port()
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")


_STS_MUTABLE = ("replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy",
                "minReadySeconds")


def _go_selector(sel):
    labels = (sel or {}).get("matchLabels") or {}
    text = "map[string]string{%s}" % ", ".join('"%s":"%s"' % (k, labels[k]) for k in sorted(labels)) \
        if labels else "map[string]string(nil)"
    return "v1.LabelSelector{MatchLabels:%s, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}" % text


def validate_update(resource, old, new):
    """Raise ApiError 422 for changes a real apiserver forbids on update (immutable fields); returns None.

    Covered: workload and Job selectors, Job pod templates, StatefulSet spec fields other than the mutable ones,
    ConfigMap/Secret data once ``immutable`` is set, a Service's clusterIP
    (pkg/apis/apps/validation, pkg/apis/batch/validation, pkg/apis/core/validation).
    """
    if resource.crd is not None:
        return
    kind = resource.kind
    name = new["metadata"]["name"]
    old_spec = old.get("spec") if isinstance(old.get("spec"), dict) else {}
    new_spec = new.get("spec") if isinstance(new.get("spec"), dict) else {}
    causes = []
    if kind in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job") \
            and old_spec.get("selector") != new_spec.get("selector") and old_spec.get("selector") is not None:
        causes.append(("spec.selector", "FieldValueInvalid", "Invalid value: %s: field is immutable"
                       % _go_selector(new_spec.get("selector"))))
    if kind == "Job" and old_spec.get("template") != new_spec.get("template"):
        causes.append(("spec.template", "FieldValueInvalid",
                       "Invalid value: core.PodTemplateSpec{...}: field is immutable"))
    if kind == "StatefulSet":
        rest_old = {k: v for k, v in old_spec.items() if k not in _STS_MUTABLE + ("selector",)}
        rest_new = {k: v for k, v in new_spec.items() if k not in _STS_MUTABLE + ("selector",)}
        if rest_old != rest_new:
            causes.append(("spec", "FieldValueForbidden",
                           "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                           "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                           "'minReadySeconds' are forbidden"))
    if kind in ("ConfigMap", "Secret") and old.get("immutable"):
        for field in ("data", "binaryData") if kind == "ConfigMap" else ("data",):
            if (old.get(field) or {}) != (new.get(field) or {}):
                causes.append((field, "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"))
        if not new.get("immutable"):
            causes.append(("immutable", "FieldValueForbidden",
                           "Forbidden: field is immutable when `immutable` is set"))
    if kind == "Service":
        before, after = old_spec.get("clusterIP"), new_spec.get("clusterIP")
        if before and after and before != after:
            causes.append(("spec.clusterIPs[0]", "FieldValueInvalid",
                           'Invalid value: []string{"%s"}: may not change once set' % after))
    if causes:
        raise invalid(resource, name, causes)
