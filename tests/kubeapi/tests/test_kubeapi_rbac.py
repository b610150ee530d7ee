"""RBAC as kube-apiserver evaluates it, on the wire (the emulator's tests/kubeapi/rbac.py; unchanged against
HELMKIT_TEST_KUBECONFIG): Role and ClusterRole rules through RoleBindings and ClusterRoleBindings, verbs, apiGroups,
resources with subresources, resourceNames, wildcards, aggregated ClusterRoles, the default admin/edit/view roles,
impersonation checks, and the exact 403 messages. A ServiceAccount without cluster-admin is the subject; every
ClusterRole and ClusterRoleBinding a test makes is deleted by the test, also when it fails (and by conftest's
_left_as_found after the module)."""
import json
import secrets
import ssl
import time
import urllib.error
import urllib.request

import pytest

from tests.helpers.kubeauth import ServiceAccountAccess

RBAC = "/apis/rbac.authorization.k8s.io/v1"


@pytest.fixture
def sa(kubeapi, tmp_path):
    """A ServiceAccount with no permissions in a namespace of its own; ``sa.other`` is a second namespace."""
    with ServiceAccountAccess(kubeapi, tmp_path, cluster_admin=False) as found:
        if found.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); these tests verify TLS")
        found.other = found.namespace + "-other"
        found.admin.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                                "metadata": {"name": found.other}})
        found.bearer = found.token()
        found.cluster_objects = []
        try:
            yield found
        finally:
            for path in reversed(found.cluster_objects + ["/api/v1/namespaces/" + found.other]):
                try:
                    found.admin.request("DELETE", path)
                except Exception:  # noqa: BLE001 - already gone
                    pass


def _call(sa, path, method="GET", body=None, headers=()):
    request = urllib.request.Request(sa.host + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", "Bearer " + sa.bearer)
    for name, value in headers:
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sa.ca_file),
                                    timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _grant(sa, rules, namespace=None, cluster_role=None, labels=None, aggregate=None):
    """A Role in ``namespace`` (or, with ``cluster_role``, a ClusterRole of that name) with ``rules``, bound to the
    ServiceAccount by a RoleBinding in ``namespace`` or, without one, a ClusterRoleBinding."""
    name = cluster_role or "rbac-test-%s" % secrets.token_hex(3)
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole" if cluster_role else "Role",
            "metadata": {"name": name, "labels": labels or {}}, "rules": rules}
    if aggregate:
        role["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregate}]}
    if cluster_role:
        sa.admin.request("POST", RBAC + "/clusterroles", body=role)
        sa.cluster_objects.append(RBAC + "/clusterroles/" + name)
    else:
        sa.admin.request("POST", RBAC + "/namespaces/%s/roles" % namespace, body=role)
    _bind(sa, role["kind"], name, namespace)
    return name


def _bind(sa, kind, name, namespace=None):
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1",
               "kind": "RoleBinding" if namespace else "ClusterRoleBinding",
               "metadata": {"name": "bind-%s" % secrets.token_hex(3)},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name},
               "subjects": [{"kind": "ServiceAccount", "name": "helmkit-test", "namespace": sa.namespace}]}
    if namespace:
        sa.admin.request("POST", RBAC + "/namespaces/%s/rolebindings" % namespace, body=binding)
    else:
        sa.admin.request("POST", RBAC + "/clusterrolebindings", body=binding)
        sa.cluster_objects.append(RBAC + "/clusterrolebindings/" + binding["metadata"]["name"])


def _eventually(check, timeout=10.0):
    """RBAC caches and the aggregation controller of a real cluster take a moment; the emulator answers at once."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def _forbidden(sa, status_body, message):
    status, body = status_body
    assert status == 403, body
    assert (body["kind"], body["status"], body["reason"], body["code"]) == ("Status", "Failure", "Forbidden", 403)
    assert body["message"] == message.replace("USER", sa.user)


def test_a_role_allows_its_verbs_and_resources_in_its_namespace_only(sa):
    _grant(sa, [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}], sa.namespace)
    ns = sa.namespace
    assert _eventually(lambda: _call(sa, "/api/v1/namespaces/%s/configmaps" % ns)[0] == 200)
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.other),
               'configmaps is forbidden: User "USER" cannot list resource "configmaps" in API group "" in the '
               'namespace "%s"' % sa.other)
    _forbidden(sa, _call(sa, "/api/v1/configmaps"),
               'configmaps is forbidden: User "USER" cannot list resource "configmaps" in API group "" at the '
               'cluster scope')
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/configmaps" % ns, "POST",
                         {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}),
               'configmaps is forbidden: User "USER" cannot create resource "configmaps" in API group "" in the '
               'namespace "%s"' % ns)
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/secrets/s" % ns),
               'secrets "s" is forbidden: User "USER" cannot get resource "secrets" in API group "" in the '
               'namespace "%s"' % ns)
    _forbidden(sa, _call(sa, "/apis/apps/v1/namespaces/%s/deployments?watch=true" % ns),
               'deployments.apps is forbidden: User "USER" cannot watch resource "deployments" in API group "apps" '
               'in the namespace "%s"' % ns)


def test_subresources_resource_names_and_wildcards(sa):
    ns = sa.namespace
    _grant(sa, [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
                {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["allowed"], "verbs": ["*"]},
                {"apiGroups": ["*"], "resources": ["*/scale"], "verbs": ["get"]}], ns)
    assert _eventually(lambda: _call(sa, "/api/v1/namespaces/%s/configmaps/allowed" % ns)[0] == 404)
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/pods/p/log" % ns),
               'pods "p" is forbidden: User "USER" cannot get resource "pods/log" in API group "" in the namespace '
               '"%s"' % ns)
    assert _call(sa, "/apis/apps/v1/namespaces/%s/deployments/d/scale" % ns)[0] == 404  # allowed, not there
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/configmaps/other" % ns),
               'configmaps "other" is forbidden: User "USER" cannot get resource "configmaps" in API group "" in '
               'the namespace "%s"' % ns)
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/configmaps" % ns),  # resourceNames never allow a list
               'configmaps is forbidden: User "USER" cannot list resource "configmaps" in API group "" in the '
               'namespace "%s"' % ns)
    _grant(sa, [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}], sa.other)
    assert _eventually(lambda: _call(sa, "/apis/apps/v1/namespaces/%s/deployments" % sa.other)[0] == 200)
    assert _call(sa, "/api/v1/namespaces/%s/secrets" % sa.other)[0] == 200


def test_cluster_role_through_a_role_binding_and_an_aggregated_cluster_role(sa):
    label = {"helmkit.test/aggregate-%s" % secrets.token_hex(3): "true"}
    _grant(sa, [{"apiGroups": [""], "resources": ["services"], "verbs": ["list"]}],
           cluster_role="rbac-part-%s" % secrets.token_hex(3), labels=label, namespace=None)
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.namespace),
               'configmaps is forbidden: User "USER" cannot list resource "configmaps" in API group "" in the '
               'namespace "%s"' % sa.namespace)
    assert _eventually(lambda: _call(sa, "/api/v1/services")[0] == 200)  # ClusterRoleBinding: everywhere
    part = _grant(sa, [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]}],
                  cluster_role="rbac-cm-%s" % secrets.token_hex(3), labels=label, namespace=sa.other)
    assert part and _eventually(lambda: _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.other)[0] == 200)
    assert _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.namespace)[0] == 403  # RoleBinding: its namespace
    aggregated = "rbac-agg-%s" % secrets.token_hex(3)
    _grant(sa, [], cluster_role=aggregated, namespace=sa.namespace, aggregate=label)
    assert _eventually(lambda: _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.namespace)[0] == 200)


def test_default_edit_and_view_roles(sa):
    _bind(sa, "ClusterRole", "view", sa.namespace)
    _bind(sa, "ClusterRole", "edit", sa.other)
    assert _eventually(lambda: _call(sa, "/apis/apps/v1/namespaces/%s/deployments" % sa.namespace)[0] == 200)
    _forbidden(sa, _call(sa, "/api/v1/namespaces/%s/secrets" % sa.namespace),
               'secrets is forbidden: User "USER" cannot list resource "secrets" in API group "" in the namespace '
               '"%s"' % sa.namespace)
    assert _eventually(lambda: _call(sa, "/api/v1/namespaces/%s/secrets" % sa.other)[0] == 200)
    status, _body = _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.other, "POST",
                          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "made"}})
    assert status == 201
    _forbidden(sa, _call(sa, RBAC + "/namespaces/%s/roles" % sa.other),
               'roles.rbac.authorization.k8s.io is forbidden: User "USER" cannot list resource "roles" in API '
               'group "rbac.authorization.k8s.io" in the namespace "%s"' % sa.other)
    assert _call(sa, "/version")[0] == 200 and _call(sa, "/apis")[0] == 200  # system:discovery, for everybody


def test_impersonation_needs_the_impersonate_verb_on_that_user_and_group(sa):
    _grant(sa, [{"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"],
                 "resourceNames": ["helmkit-bob"]},
                {"apiGroups": [""], "resources": ["groups"], "verbs": ["impersonate"],
                 "resourceNames": ["helmkit-team"]}],
           cluster_role="rbac-imp-%s" % secrets.token_hex(3))
    review = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    assert _eventually(lambda: _call(sa, review, "POST", body, [("Impersonate-User", "helmkit-bob")])[0] == 201)
    status, answer = _call(sa, review, "POST", body, [("Impersonate-User", "helmkit-bob"),
                                                      ("Impersonate-Group", "helmkit-team")])
    assert status == 201 and answer["status"]["userInfo"]["username"] == "helmkit-bob"
    _forbidden(sa, _call(sa, review, "POST", body, [("Impersonate-User", "helmkit-alice")]),
               'users "helmkit-alice" is forbidden: User "USER" cannot impersonate resource "users" in API group '
               '"" at the cluster scope')
    _forbidden(sa, _call(sa, review, "POST", body, [("Impersonate-User", "helmkit-bob"),
                                                    ("Impersonate-Group", "system:masters")]),
               'groups "system:masters" is forbidden: User "USER" cannot impersonate resource "groups" in API '
               'group "" at the cluster scope')
    status, answer = _call(sa, "/api/v1/namespaces/%s/configmaps" % sa.namespace,
                           headers=[("Impersonate-User", "helmkit-bob")])
    assert status == 403 and answer["message"].startswith('configmaps is forbidden: User "helmkit-bob" cannot list')
