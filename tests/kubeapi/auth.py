"""Authentication and authorization, as kube-apiserver does them with ``--authorization-mode=RBAC``.

Authentication (k8s.io/apiserver/pkg/authentication): a bearer token - the kubeconfig's admin token, or one issued by
the TokenRequest API (``POST .../serviceaccounts/<name>/token``), valid while the ServiceAccount exists and until it
expires - or a client certificate signed by the emulator's CA (CN = user, O = groups). Nothing, or a token nobody
issued: 401 Unauthorized with a Status body (``--anonymous-auth=false``). ``Impersonate-User``/``Impersonate-Group``
headers then switch the user when the authenticated one may ``impersonate`` that user (resource ``users``, or
``serviceaccounts`` in its namespace for ``system:serviceaccount:<ns>:<name>``) and each group (``groups``).

Authorization (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac): members of ``system:masters`` may do everything;
anybody else needs a rule of a ClusterRole bound by a ClusterRoleBinding (anywhere), or of a Role or ClusterRole
bound by a RoleBinding in the request's namespace. A rule matches on ``verbs``, ``apiGroups``, ``resources``
(``pods/log`` subresources, ``*``, ``*/scale``), ``resourceNames`` (only requests naming an object) and
``nonResourceURLs`` (exact, or a ``/prefix*``); ``*`` is a wildcard everywhere. ClusterRoles with an
``aggregationRule`` get the rules of every ClusterRole their ``clusterRoleSelectors`` select, as the aggregation
controller writes them. The default ClusterRoles and bindings of a new cluster are there (DEFAULT_ROLES:
cluster-admin, admin, edit, view and their system:aggregate-to-* parts, system:discovery, system:basic-user,
system:public-info-viewer). A denial is 403 ``Forbidden`` with the apiserver's exact message.
"""
from __future__ import annotations

import datetime
import secrets
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from .errors import ApiError
from .rbac import cluster_role_rules as _cluster_role_rules
from .rbac import default_objects, rule_allows
from .store import WriteOptions

ADMIN_USER = "kubernetes-admin"
MASTERS = "system:masters"
AUTHENTICATED = "system:authenticated"
RBAC = "rbac.authorization.k8s.io"


class Unauthorized(ApiError):
    """401 with the apiserver's Status."""

    def __init__(self):
        ApiError.__init__(self, 401, "Unauthorized", "Unauthorized")


class Attributes:
    """What a request asks for (k8s.io/apiserver authorizer.Attributes): verb, api group, resource (with
    ``/subresource``), namespace, name; ``resource`` is None for non-resource paths."""

    def __init__(self, method, path, query):
        self.method = method
        self.path = path
        self.group = self.resource = self.namespace = self.name = None
        parts = path.strip("/").split("/")
        rest = None
        if parts[0] == "api" and len(parts) > 2:
            self.group, rest = "", parts[2:]
        elif parts[0] == "apis" and len(parts) > 3:
            self.group, rest = parts[1], parts[3:]
        if rest:
            if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
                self.namespace, rest = rest[1], rest[2:]
            elif rest[0] == "namespaces" and len(rest) >= 2:
                self.namespace = rest[1]  # requestinfo.go: a namespace's own namespace is itself
            self.resource = rest[0]
            if len(rest) >= 2:
                self.name = rest[1]
            if len(rest) >= 3:
                self.resource += "/" + rest[2]
        if self.resource is None:  # requestinfo.go: a non-resource request's verb is its lower-cased method
            self.verb = method.lower()
            return
        watch = (query.get("watch") or [""])[0] in ("true", "1", "True")
        named = self.name is not None
        self.verb = {"GET": "watch" if watch else ("get" if named else "list"), "HEAD": "get", "POST": "create",
                     "PUT": "update", "PATCH": "patch",
                     "DELETE": "delete" if named else "deletecollection"}.get(method, method.lower())

    def forbidden(self, user) -> ApiError:
        """The apiserver's 403 for ``user`` (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters)."""
        if self.resource is None:
            return ApiError(403, "Forbidden", 'forbidden: User "%s" cannot %s path "%s"' % (
                user, self.verb, self.path), {})
        base = self.resource.split("/")[0]
        qualified = base + ("." + self.group if self.group else "")
        subject = '%s "%s"' % (qualified, self.name) if self.name else qualified
        scope = 'in the namespace "%s"' % self.namespace if self.namespace else "at the cluster scope"
        details = {"kind": base}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        return ApiError(403, "Forbidden", '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s" %s'
                        % (subject, user, self.verb, self.resource, self.group, scope), details)


def _cert_subject(peercert):
    """(user, groups) from an ssl.getpeercert() dict (verified by the TLS layer), or None."""
    if not peercert:
        return None
    user, groups = None, []
    for rdn in peercert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                user = value
            elif key == "organizationName":
                groups.append(value)
    return (user, groups) if user else None


class Authenticator:
    """Who may call, and what they may do. Args: store (Store), admin_token (str), ca_pem, ca_key_pem (bytes)."""

    def __init__(self, store, admin_token, ca_pem, ca_key_pem):
        self.store = store
        self.admin_token = admin_token
        self.ca_pem = ca_pem
        self.ca_key_pem = ca_key_pem
        self._tokens = {}  # token -> (namespace, service account, uid, expiry Unix seconds)
        self._lock = threading.Lock()
        for plural, obj in default_objects():  # a new cluster's bootstrap policy (kept by a restored state)
            if self._get(RBAC, plural, None, obj["metadata"]["name"]) is None:
                store.create(store.table.lookup(RBAC, "v1", plural), None, obj, WriteOptions(manager="kube-apiserver"))

    # -- authentication --------------------------------------------------------------------------------------
    def authenticate(self, headers, peercert):
        """(user, groups) of the request, impersonation applied. Raises Unauthorized or a 403 ApiError."""
        who = self._credential(headers.get("Authorization", ""), peercert)
        if who is None:
            raise Unauthorized()
        user, groups = who
        groups = list(groups) + [AUTHENTICATED]
        as_user = headers.get("Impersonate-User")
        as_groups = headers.get_all("Impersonate-Group") or []
        if as_groups and not as_user:
            raise ApiError(500, "InternalError", "Internal error occurred: requested %s without impersonating a "
                                                 "user" % as_groups)
        if as_user:
            self.impersonation(user, groups, as_user, as_groups)
            if as_user.startswith("system:serviceaccount:") and as_user.count(":") == 3 and not as_groups:
                as_groups = ["system:serviceaccounts", "system:serviceaccounts:%s" % as_user.split(":")[2]]
            user, groups = as_user, list(as_groups) + [AUTHENTICATED]
        return user, groups

    def _credential(self, authorization, peercert):
        if authorization.startswith("Bearer "):
            token = authorization[7:].strip()
            if token and secrets.compare_digest(token, self.admin_token):
                return ADMIN_USER, [MASTERS]
            return self._service_account(token)
        if authorization:
            return None  # Basic and other schemes: not accepted since Kubernetes 1.19
        return _cert_subject(peercert)

    def _service_account(self, token):
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None:
            return None
        namespace, name, uid, expiry = entry
        if time.time() >= expiry:
            return None
        found = self._get("", "serviceaccounts", namespace, name)
        if found is None or found["metadata"].get("uid") != uid:
            return None
        return ("system:serviceaccount:%s:%s" % (namespace, name),
                ["system:serviceaccounts", "system:serviceaccounts:%s" % namespace])

    def issue_token(self, namespace, name, seconds):
        """Issue a token for ServiceAccount namespace/name (404 when it does not exist). Returns (token, expiry
        as RFC 3339)."""
        table = self.store.table
        account = self.store.get(table.lookup("", "v1", "serviceaccounts"), namespace, name)
        seconds = max(600, min(int(seconds or 3600), 48 * 3600))
        expiry = time.time() + seconds
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (namespace, name, account["metadata"].get("uid"), expiry)
        stamp = datetime.datetime.fromtimestamp(int(expiry), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return token, stamp

    # -- authorization ---------------------------------------------------------------------------------------
    def authorize(self, user, groups, attributes):
        """Raise the apiserver's 403 unless ``user``/``groups`` may do ``attributes`` (see the module docstring)."""
        if attributes.path.startswith("/_kubeapi/"):
            if MASTERS in groups:
                return
            raise attributes.forbidden(user)
        if not self.allowed(user, groups, attributes):
            raise attributes.forbidden(user)

    def allowed(self, user, groups, attributes) -> bool:
        """Whether RBAC lets ``user`` in ``groups`` do ``attributes`` (an :class:`Attributes`)."""
        if MASTERS in groups:
            return True
        for rule in self._rules(user, groups, attributes.namespace):
            if rule_allows(rule, attributes):
                return True
        return False

    def _rules(self, user, groups, namespace):
        """Every PolicyRule that applies to the subject in ``namespace`` (None: cluster scope only)."""
        roles = {role["metadata"]["name"]: role for role in self._list(RBAC, "clusterroles", None)}
        for binding in self._list(RBAC, "clusterrolebindings", None):
            ref = binding.get("roleRef") or {}
            if ref.get("kind") == "ClusterRole" and self._bound(binding, user, groups):
                yield from _cluster_role_rules(roles, ref.get("name"), set())
        if not namespace:
            return
        for binding in self._list(RBAC, "rolebindings", namespace):
            if not self._bound(binding, user, groups):
                continue
            ref = binding.get("roleRef") or {}
            if ref.get("kind") == "ClusterRole":
                yield from _cluster_role_rules(roles, ref.get("name"), set())
            elif ref.get("kind") == "Role":
                role = self._get(RBAC, "roles", namespace, ref.get("name"))
                yield from (role or {}).get("rules") or []

    def impersonation(self, user, groups, as_user, as_groups):
        """Raise the apiserver's 403 unless ``user`` may impersonate ``as_user`` and every group of ``as_groups``
        (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go: verb ``impersonate`` on ``users``, ``groups`` or,
        for a service account's user name, ``serviceaccounts`` in its namespace)."""
        wanted = []
        if as_user.startswith("system:serviceaccount:") and as_user.count(":") == 3:
            _s, _a, namespace, name = as_user.split(":")
            wanted.append(("serviceaccounts", namespace, name))
        else:
            wanted.append(("users", None, as_user))
        wanted += [("groups", None, group) for group in as_groups]
        for resource, namespace, name in wanted:
            path = "/api/v1/%s%s/%s" % ("namespaces/%s/" % namespace if namespace else "", resource, name)
            attributes = Attributes("GET", path, {})
            attributes.verb = "impersonate"
            if not self.allowed(user, groups, attributes):
                raise attributes.forbidden(user)

    @staticmethod
    def _bound(binding, user, groups):
        for subject in binding.get("subjects") or []:
            kind, name = subject.get("kind"), subject.get("name")
            if kind == "User" and name == user or kind == "Group" and name in groups:
                return True
            if kind == "ServiceAccount" and user == "system:serviceaccount:%s:%s" % (subject.get("namespace"), name):
                return True
        return False

    def _list(self, group, plural, namespace):
        resource = self.store.table.lookup(group, "v1", plural)
        return self.store.list(resource, namespace, [], [])[0]

    def _get(self, group, plural, namespace, name):
        resource = self.store.table.lookup(group, "v1", plural)
        try:
            return self.store.get(resource, namespace, name)
        except ApiError:
            return None

    # -- client certificates (test control) --------------------------------------------------------------------
    def client_certificate(self, user, groups):
        """(cert_pem, key_pem) of a client certificate for ``user`` in ``groups``, signed by the emulator's CA."""
        ca_cert = x509.load_pem_x509_certificate(self.ca_pem)
        ca_key = serialization.load_pem_private_key(self.ca_key_pem, None)
        key = ec.generate_private_key(ec.SECP256R1())
        attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, g) for g in groups]
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, user))
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        cert = (x509.CertificateBuilder().subject_name(x509.Name(attrs)).issuer_name(ca_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=1))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        return (cert.public_bytes(serialization.Encoding.PEM),
                key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
