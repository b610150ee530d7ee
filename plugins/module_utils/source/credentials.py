"""Chart-source credentials from a Kubernetes Secret (issue 14: ``credentials_secret``).

The Secret is read through a ``read_secret(name, namespace)`` callable (:func:`secret_reader` builds one over the
task's Kubernetes client) from its own ``namespace`` when given; otherwise first from the release namespace, then
from ``credentials_secret_fallback_namespace``. Its content is parsed by ``oci/credentials.py: secret_credentials``
(``kubernetes.io/dockerconfigjson``, ``username``/``password`` or ``token``), for registries and HTTP
repositories alike. The Credential's ``source`` names the namespace that was used.
"""
from __future__ import annotations

from ..errors import RegistryError
from ..kube.client import ApiError, KubeClient
from ..oci.credentials import secret_credentials

__all__ = ["secret_reader", "kubeconfig_secret_reader", "credential_from_secret"]


def secret_reader(kube_client):
    """A ``read_secret(name, namespace) -> dict or None`` over a ``kube/client.py: KubeClient`` (``GET
    /api/v1/namespaces/NS/secrets/NAME``; 404 is None, other API errors propagate as KubeError)."""

    def read_secret(name, namespace):
        try:
            return kube_client.request("GET", "/api/v1/namespaces/%s/secrets/%s" % (namespace, name))
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
    return read_secret


def kubeconfig_secret_reader(kubeconfig=None, context=None, auth=None):
    """A ``read_secret`` for tasks without an open Kubernetes client (helm_pull, helm_show, helm_template,
    helm_dependency, helm_push, lookups): each read opens ``kube/client.py: KubeClient(kubeconfig, context,
    auth)`` (``auth``: more connection options, kube/config.py's names); nothing connects unless
    ``credentials_secret`` is actually read."""
    def read_secret(name, namespace):
        with KubeClient(kubeconfig, context, auth=auth) as client:
            return secret_reader(client)(name, namespace)
    return read_secret


def credential_from_secret(options, host):
    """The Credential for ``host`` (``host[:port]``) from ``options.credentials_secret`` (a SourceOptions).

    Raises RegistryError when no Kubernetes client is available to read it (``options.read_secret`` is None), when
    the Secret is in neither namespace (naming both) or has nothing for ``host``; never shows a secret value."""
    secret = options.credentials_secret
    if options.read_secret is None:
        raise RegistryError('credentials_secret "%s" cannot be read: this task has no Kubernetes connection (give '
                            "kubeconfig/context, or username/password instead)" % secret["name"])
    if secret.get("namespace"):
        return secret_credentials(options.read_secret, secret["name"], secret["namespace"], None, host)
    fallback = options.credentials_secret_fallback_namespace
    if not (options.namespace or fallback):
        raise RegistryError('credentials_secret "%s" has no namespace and this task has no release namespace; give '
                            "credentials_secret.namespace or credentials_secret_fallback_namespace" % secret["name"])
    return secret_credentials(options.read_secret, secret["name"], options.namespace or fallback, fallback, host)
