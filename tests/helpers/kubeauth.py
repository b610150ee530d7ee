"""Credentials for cluster-access tests that work the same on the emulator and on a real cluster
(HELMKIT_TEST_KUBECONFIG): a ServiceAccount in a namespace of its own, optionally bound to ``cluster-admin``, whose
tokens come from the TokenRequest API (what ``kubectl create token`` does), the cluster's server URL and its CA as a
file. Everything created is deleted on exit, also on failure.

    with ServiceAccountAccess(kubeapi, tmp_path) as access:
        access.host, access.ca_file, access.token()      # token(): a fresh bearer token, registered with the leak scan
"""
import base64
import os
import secrets

import yaml

from tests.helpers import leakscan


def _kube_client(kubeconfig):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    return KubeClient(kubeconfig)


def cluster_ca_pem(kubeconfig):
    """The CA (PEM text) of the kubeconfig's current cluster, or None (insecure-skip-tls-verify, system trust)."""
    with open(kubeconfig) as handle:
        config = yaml.safe_load(handle) or {}
    context = next((c["context"] for c in config.get("contexts") or []
                    if c.get("name") == config.get("current-context")), {})
    cluster = next((c["cluster"] for c in config.get("clusters") or []
                    if c.get("name") == context.get("cluster")), {})
    if cluster.get("certificate-authority-data"):
        return base64.b64decode(cluster["certificate-authority-data"]).decode()
    if cluster.get("certificate-authority"):
        path = os.path.join(os.path.dirname(os.path.abspath(kubeconfig)), cluster["certificate-authority"])
        with open(path) as handle:
            return handle.read()
    return None


class ServiceAccountAccess:
    """A ServiceAccount ``helmkit-test`` in a fresh namespace ``helmkit-auth-<hex>``; with ``cluster_admin`` a
    ClusterRoleBinding of the same name gives it ``cluster-admin``.

    Attributes: ``host`` (https://HOST:PORT), ``ca_file`` (path, or None when the cluster's kubeconfig has no CA),
    ``namespace``, ``user`` (system:serviceaccount:<ns>:helmkit-test), ``admin`` (a KubeClient of the test
    kubeconfig). ``token(seconds=3600)`` requests a new token."""

    def __init__(self, kubeapi, directory, cluster_admin=True):
        self.kubeapi = kubeapi
        self.directory = str(directory)
        self.cluster_admin = cluster_admin
        self.namespace = "helmkit-auth-%s" % secrets.token_hex(4)
        self.user = "system:serviceaccount:%s:helmkit-test" % self.namespace
        self.host = kubeapi.url.rstrip("/")
        self.ca_file = None
        self.admin = None

    def __enter__(self):
        self.admin = _kube_client(self.kubeapi.kubeconfig)
        try:
            self.admin.request("POST", "/api/v1/namespaces", body={
                "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}})
            self.admin.request("POST", "/api/v1/namespaces/%s/serviceaccounts" % self.namespace, body={
                "apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "helmkit-test"}})
            if self.cluster_admin:
                self.admin.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", body={
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": {"name": self.namespace},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                "name": "cluster-admin"},
                    "subjects": [{"kind": "ServiceAccount", "name": "helmkit-test", "namespace": self.namespace}]})
        except BaseException:
            self.__exit__()
            raise
        ca = cluster_ca_pem(self.kubeapi.kubeconfig)
        if ca:
            self.ca_file = os.path.join(self.directory, "cluster-ca.crt")
            with open(self.ca_file, "w") as handle:
                handle.write(ca)
        return self

    def token(self, seconds=3600):
        """A new bearer token for the ServiceAccount (TokenRequest), registered with the leak scan."""
        answer = self.admin.request(
            "POST", "/api/v1/namespaces/%s/serviceaccounts/helmkit-test/token" % self.namespace,
            body={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                  "spec": {"expirationSeconds": seconds}})
        token = answer["status"]["token"]
        leakscan.SECRETS.add(token, "ServiceAccount token of %s" % self.namespace)
        return token

    def __exit__(self, *exc):
        if self.admin is None:
            return False
        from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
        for path in ("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/%s" % self.namespace,
                     "/api/v1/namespaces/%s" % self.namespace):
            try:
                self.admin.request("DELETE", path)
            except ApiError as err:
                if err.status != 404:
                    raise
        self.admin.close()
        self.admin = None
        return False


EXEC_PLUGIN = "helmkit-test-exec-plugin.py"
leakscan.CREDENTIAL_STDOUT[EXEC_PLUGIN] = "an exec credential plugin prints its ExecCredential for the client"


def exec_plugin(directory, tokens, expiry="2099-01-01T00:00:00Z", stderr=None, exit_code=0):
    """Write an exec credential plugin script: each run prints an ExecCredential with the next token of ``tokens``
    (the last one repeats) and ``expiry``, appends a line to ``runs`` and, with ``stderr``, prints that to stderr
    and exits ``exit_code``. Returns (script path, path of the runs file)."""
    import json
    import sys
    state = os.path.join(str(directory), "exec-tokens.json")
    runs = os.path.join(str(directory), "exec-runs")
    with open(state, "w") as handle:
        json.dump(list(tokens), handle)
    script = os.path.join(str(directory), EXEC_PLUGIN)
    with open(script, "w") as handle:
        handle.write("""#!%s
import json, os, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
with open(%r) as f:
    tokens = json.load(f)
token = tokens.pop(0) if len(tokens) > 1 else tokens[0]
with open(%r, "w") as f:
    json.dump(tokens, f)
with open(%r, "a") as f:
    f.write(info["apiVersion"] + " " + os.environ.get("PLUGIN_ENV", "") + "\\n")
status = {"token": token}
if %r:
    status["expirationTimestamp"] = %r
print(json.dumps({"apiVersion": info["apiVersion"], "kind": "ExecCredential", "status": status}))
if %r:
    sys.stderr.write(%r)
sys.exit(%d)
""" % (sys.executable, state, state, runs, expiry, expiry, stderr, stderr, exit_code))
    os.chmod(script, 0o755)
    return script, runs


def run_count(runs):
    """How many times the exec plugin ran."""
    if not os.path.exists(runs):
        return 0
    with open(runs) as handle:
        return len(handle.read().splitlines())
