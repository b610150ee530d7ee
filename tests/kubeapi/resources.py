"""The emulator's table of API resources (kinds), built in and registered by CRDs.

A :class:`Resource` mirrors one entry of ``metav1.APIResource`` (k8s.io/apimachinery/pkg/apis/meta/v1/types.go):
group, version, plural resource name, kind, scope, short names and whether it has a ``status`` subresource.
"""
from __future__ import annotations

import re
import threading

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


class Resource:
    """One resource type.

    Args: group ('' for core), version, plural (e.g. 'deployments'), kind, namespaced, short_names,
    status (True when writes to the main resource ignore ``.status``: the real ``status`` subresource),
    crd (name of the CustomResourceDefinition that registered it, or None).
    """

    def __init__(self, group, version, plural, kind, namespaced, short_names=(), status=False, crd=None,
                 singular=None, categories=()):
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
        self.short_names = list(short_names)
        self.status = status
        self.crd = crd
        self.singular = singular or kind.lower()
        self.categories = list(categories)

    @property
    def group_version(self) -> str:
        """'v1' for the core group, else 'group/version'."""
        return "%s/%s" % (self.group, self.version) if self.group else self.version

    @property
    def key(self):
        """Storage key of the type: (group, plural). Versions of a group share objects."""
        return (self.group, self.plural)

    def __repr__(self):
        return "Resource(%s %s)" % (self.group_version, self.plural)


# (group, version, plural, kind, namespaced, short names, status subresource)
_BUILTIN = [
    ("", "v1", "namespaces", "Namespace", False, ["ns"], True),
    ("", "v1", "configmaps", "ConfigMap", True, ["cm"], False),
    ("", "v1", "secrets", "Secret", True, [], False),
    ("", "v1", "services", "Service", True, ["svc"], True),
    ("", "v1", "serviceaccounts", "ServiceAccount", True, ["sa"], False),
    ("", "v1", "pods", "Pod", True, ["po"], True),
    ("", "v1", "events", "Event", True, ["ev"], False),
    ("", "v1", "endpoints", "Endpoints", True, ["ep"], False),
    ("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", True, ["pvc"], True),
    ("", "v1", "persistentvolumes", "PersistentVolume", False, ["pv"], True),
    ("", "v1", "replicationcontrollers", "ReplicationController", True, ["rc"], True),
    ("", "v1", "resourcequotas", "ResourceQuota", True, ["quota"], True),
    ("", "v1", "limitranges", "LimitRange", True, ["limits"], False),
    ("", "v1", "nodes", "Node", False, ["no"], True),
    ("apps", "v1", "deployments", "Deployment", True, ["deploy"], True),
    ("apps", "v1", "statefulsets", "StatefulSet", True, ["sts"], True),
    ("apps", "v1", "daemonsets", "DaemonSet", True, ["ds"], True),
    ("apps", "v1", "replicasets", "ReplicaSet", True, ["rs"], True),
    ("apps", "v1", "controllerrevisions", "ControllerRevision", True, [], False),
    ("batch", "v1", "jobs", "Job", True, [], True),
    ("batch", "v1", "cronjobs", "CronJob", True, ["cj"], True),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", True, ["ing"], True),
    ("networking.k8s.io", "v1", "ingressclasses", "IngressClass", False, [], False),
    ("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", True, ["netpol"], False),
    ("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", True, ["pdb"], True),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"], True),
    ("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, ["hpa"], True),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", True, [], False),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True, [], False),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False, [], False),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False, [], False),
    ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
     "ValidatingWebhookConfiguration", False, [], False),
    ("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
     "MutatingWebhookConfiguration", False, [], False),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False, ["crd", "crds"],
     True),
    ("apiregistration.k8s.io", "v1", "apiservices", "APIService", False, [], True),
    ("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", False, ["pc"], False),
    ("storage.k8s.io", "v1", "storageclasses", "StorageClass", False, ["sc"], False),
    ("storage.k8s.io", "v1", "csidrivers", "CSIDriver", False, [], False),
    ("coordination.k8s.io", "v1", "leases", "Lease", True, [], False),
    ("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, [], False),
    ("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", False, ["csr"], True),
]

_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority(version):
    """Sort key giving Kubernetes' version priority (apimachinery/pkg/version/helpers.go CompareKubeAwareVersion
    reversed): GA before beta before alpha, higher numbers first, non-Kubernetes versions last by name."""
    m = _VERSION.match(version)
    if not m:
        return (3, 0, 0, version)
    major, stage, minor = int(m.group(1)), m.group(2), int(m.group(3) or 0)
    return ({None: 0, "beta": 1, "alpha": 2}[stage], -major, -minor, version)


class ResourceTable:
    """The set of served resources; thread-safe; CRDs add and remove entries at run time.

    ``generation`` increases on every change so discovery documents can carry a fresh ETag.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self._resources = [Resource(*row) for row in _BUILTIN]
        self.generation = 1

    def all(self):
        """Every resource, in registration order (list of Resource)."""
        with self._lock:
            return list(self._resources)

    def groups(self):
        """[(group, [versions, preferred first])] in registration order, core group first."""
        order = []
        versions = {}
        for r in self.all():
            if r.group not in versions:
                order.append(r.group)
                versions[r.group] = []
            if r.version not in versions[r.group]:
                versions[r.group].append(r.version)
        for group in order:
            versions[group].sort(key=version_priority)
        return [(g, versions[g]) for g in order]

    def lookup(self, group, version, plural):
        """The Resource served at /apis/<group>/<version>/<plural>, or None."""
        for r in self.all():
            if r.group == group and r.version == version and r.plural == plural:
                return r
        return None

    def by_kind(self, group, kind):
        """Any Resource of (group, kind), or None."""
        for r in self.all():
            if r.group == group and r.kind == kind:
                return r
        return None

    def in_group_version(self, group, version):
        """Resources of one group-version (list)."""
        return [r for r in self.all() if r.group == group and r.version == version]

    def register_crd(self, crd):
        """Register (or re-register) the served versions of a CustomResourceDefinition object (dict).

        Returns True when the table changed.
        """
        spec = crd.get("spec") or {}
        names = spec.get("names") or {}
        group = spec.get("group", "")
        name = (crd.get("metadata") or {}).get("name")
        new = []
        for v in spec.get("versions") or []:
            if not v.get("served", True):
                continue
            sub = (v.get("subresources") or {})
            new.append(Resource(group, v.get("name"), names.get("plural"), names.get("kind"),
                                spec.get("scope", "Namespaced") == "Namespaced", names.get("shortNames") or [],
                                "status" in sub, crd=name, singular=names.get("singular"),
                                categories=names.get("categories") or []))
        with self._lock:
            old = [r for r in self._resources if r.crd == name]
            if [(r.group, r.version, r.plural, r.kind, r.namespaced) for r in old] == \
                    [(r.group, r.version, r.plural, r.kind, r.namespaced) for r in new]:
                return False
            self._resources = [r for r in self._resources if r.crd != name] + new
            self.generation += 1
            return True

    def unregister_crd(self, name):
        """Drop the kinds a CRD named ``name`` registered. Returns True when the table changed."""
        with self._lock:
            kept = [r for r in self._resources if r.crd != name]
            if len(kept) == len(self._resources):
                return False
            self._resources = kept
            self.generation += 1
            return True
