"""RBAC rule evaluation and the default ClusterRoles of a new cluster (k8s.io/kubernetes/plugin/pkg/auth/authorizer/
rbac and pkg/apis/rbac/v1/evaluation_helpers.go; plugin/pkg/auth/authorizer/rbac/bootstrappolicy for the defaults).

The default roles are a faithful subset: cluster-admin; admin, edit and view built by aggregation from
system:aggregate-to-admin/-edit/-view (view reads no Secrets; edit writes workloads, Secrets, ConfigMaps, Services
and may impersonate ServiceAccounts; admin adds Roles and RoleBindings); system:discovery, system:public-info-viewer
and system:basic-user bound to system:authenticated.
"""
from __future__ import annotations

from .selection import match_labels, selector_from_label_selector_object

RBAC = "rbac.authorization.k8s.io"
READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]
AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-%s"


def _has(values, wanted) -> bool:
    return "*" in (values or []) or wanted in (values or [])


def _resource_matches(resources, requested) -> bool:
    """``ResourceMatches``: ``*``, the exact ``resource[/subresource]``, or ``*/subresource``."""
    sub = requested.split("/", 1)[1] if "/" in requested else ""
    return any(item == "*" or item == requested or (sub and item == "*/" + sub) for item in resources or [])


def _url_matches(urls, path) -> bool:
    """``NonResourceURLMatches``: ``*``, the exact path, or a prefix ending in ``*``."""
    return any(url == "*" or url == path or (url.endswith("*") and path.startswith(url[:-1])) for url in urls or [])


def rule_allows(rule: dict, attributes) -> bool:
    """Whether one PolicyRule (dict) allows ``attributes`` (auth.Attributes: verb, group, resource with its
    subresource, name, path; resource None for a non-resource URL)."""
    if not _has(rule.get("verbs"), attributes.verb):
        return False
    if attributes.resource is None:
        return _url_matches(rule.get("nonResourceURLs"), attributes.path)
    if not _has(rule.get("apiGroups"), attributes.group):
        return False
    if not _resource_matches(rule.get("resources"), attributes.resource):
        return False
    names = rule.get("resourceNames") or []
    return not names or (attributes.name is not None and attributes.name in names)


def cluster_role_rules(roles: dict, name: str, seen: set):
    """The rules of ClusterRole ``name`` (``roles``: name -> object): with an ``aggregationRule``, those of every
    ClusterRole its ``clusterRoleSelectors`` select (as the aggregation controller writes them), recursively."""
    role = roles.get(name)
    if role is None or name in seen:
        return
    seen.add(name)
    rule = role.get("aggregationRule")
    if not rule:
        yield from role.get("rules") or []
        return
    for selector in rule.get("clusterRoleSelectors") or []:
        reqs = selector_from_label_selector_object(selector)
        for other_name, other in sorted(roles.items()):
            if other_name != name and reqs is not None and match_labels(reqs, other["metadata"].get("labels")):
                yield from cluster_role_rules(roles, other_name, seen)


def _rule(groups, resources, verbs):
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


_VIEW_CORE = ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods",
              "pods/log", "pods/status", "replicationcontrollers", "replicationcontrollers/scale",
              "replicationcontrollers/status", "resourcequotas", "resourcequotas/status", "services",
              "services/status", "bindings", "events", "limitranges", "namespaces/status", "serviceaccounts"]
_WORKLOADS = [("apps", ["daemonsets", "deployments", "deployments/scale", "replicasets", "replicasets/scale",
                        "statefulsets", "statefulsets/scale", "controllerrevisions"]),
              ("autoscaling", ["horizontalpodautoscalers"]), ("batch", ["cronjobs", "jobs"]),
              ("networking.k8s.io", ["ingresses", "networkpolicies"]), ("policy", ["poddisruptionbudgets"]),
              ("discovery.k8s.io", ["endpointslices"])]
_DISCOVERY_URLS = ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
                   "/version", "/version/"]


def _cluster_role(name, rules=None, labels=None, aggregate=None):
    obj = {"apiVersion": RBAC + "/v1", "kind": "ClusterRole",
           "metadata": {"name": name, "labels": dict({"kubernetes.io/bootstrapping": "rbac-defaults"},
                                                     **(labels or {}))}}
    if aggregate:
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {AGGREGATE % aggregate: "true"}}]}
        obj["rules"] = []
    else:
        obj["rules"] = rules or []
    return obj


def _binding(name, role, group):
    return {"apiVersion": RBAC + "/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": name, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}},
            "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role},
            "subjects": [{"apiGroup": RBAC, "kind": "Group", "name": group}]}


def default_objects() -> list:
    """[(plural, object)] of the ClusterRoles and ClusterRoleBindings every new cluster has."""
    view = [_rule([""], _VIEW_CORE, READ), _rule([""], ["namespaces"], READ)]
    view += [_rule([group], resources, READ) for group, resources in _WORKLOADS]
    edit = [_rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "configmaps",
                         "endpoints", "persistentvolumeclaims", "replicationcontrollers",
                         "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
                         "services/proxy"], WRITE),
            _rule([""], ["secrets", "serviceaccounts/token"], READ + ["create"]),
            _rule([""], ["serviceaccounts"], ["impersonate"])]
    edit += [_rule([group], resources, WRITE) for group, resources in _WORKLOADS]
    admin = [_rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
             _rule([RBAC], ["rolebindings", "roles"], READ + WRITE)]
    roles = [
        _cluster_role("cluster-admin", [_rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}]),
        _cluster_role("admin", labels={}, aggregate="admin"),
        _cluster_role("edit", labels={AGGREGATE % "admin": "true"}, aggregate="edit"),
        _cluster_role("view", labels={AGGREGATE % "edit": "true"}, aggregate="view"),
        _cluster_role("system:aggregate-to-admin", admin, {AGGREGATE % "admin": "true"}),
        _cluster_role("system:aggregate-to-edit", edit, {AGGREGATE % "edit": "true"}),
        _cluster_role("system:aggregate-to-view", view, {AGGREGATE % "view": "true"}),
        _cluster_role("system:discovery", [{"nonResourceURLs": _DISCOVERY_URLS, "verbs": ["get"]}]),
        _cluster_role("system:public-info-viewer", [{"nonResourceURLs": ["/healthz", "/livez", "/readyz",
                                                                         "/version", "/version/"],
                                                     "verbs": ["get"]}]),
        _cluster_role("system:basic-user", [_rule(["authorization.k8s.io"], ["selfsubjectaccessreviews",
                                                                             "selfsubjectrulesreviews"], ["create"]),
                                            _rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"])]),
    ]
    bindings = [_binding(name, name, "system:authenticated")
                for name in ("system:discovery", "system:public-info-viewer", "system:basic-user")]
    bindings.append(_binding("cluster-admin", "cluster-admin", "system:masters"))
    return [("clusterroles", role) for role in roles] + [("clusterrolebindings", b) for b in bindings]
