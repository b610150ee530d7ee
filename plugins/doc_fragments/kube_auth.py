# -*- coding: utf-8 -*-
"""Options every helmkit.core module and plugin that talks to a Kubernetes cluster shares (``helmkit.core.kube_auth``:
kubernetes.core's k8s_auth_options, same names, aliases and environment variables), and the same options as
accepted-but-unused by the modules of the ``helm`` action group that do not (``helmkit.core.kube_auth.unused``), so
``module_defaults: {group/helmkit.core.helm: {kubeconfig: ...}}`` works. Declared by args_common.KUBE_AUTH_ARG_SPEC
and KUBE_AUTH_UNUSED_ARG_SPEC; the precedence lives in plugins/module_utils/kube/config.py."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - The kubeconfig to use, as a path, a dict (the parsed kubeconfig) or the kubeconfig's YAML text.
      - When not given, the E(K8S_AUTH_KUBECONFIG) environment variable is used, then E(KUBECONFIG)
        (several paths separated by V(:) are merged), then C(~/.kube/config). Without any kubeconfig file, a task
        running in a pod uses the in-cluster configuration (E(KUBERNETES_SERVICE_HOST), E(KUBERNETES_SERVICE_PORT)
        and the service account's token and CA).
      - Users with C(token), C(tokenFile), C(client-certificate-data)/C(client-key-data), C(exec) credential plugins
        (C(aws eks get-token), C(gke-gcloud-auth-plugin), C(kubelogin)) and clusters with
        C(certificate-authority-data), C(tls-server-name), C(proxy-url) or C(insecure-skip-tls-verify) all work.
      - Credentials from the kubeconfig are never logged or returned.
      - The precedence of every connection setting (option, E(K8S_AUTH_*), E(HELM_*), kubeconfig, in-cluster) is
        one table in the collection's C(docs/getting-started.md).
    type: raw
  context:
    description:
      - The kubeconfig context to use.
      - When not given, the E(K8S_AUTH_CONTEXT) environment variable is used, then E(HELM_KUBECONTEXT), then the
        kubeconfig's current context.
    type: str
    aliases: [kube_context]
  host:
    description:
      - The URL of the API server, with its scheme, for example V(https://k8s.example.com:6443).
      - Can also be set with E(K8S_AUTH_HOST), then Helm's E(HELM_KUBEAPISERVER).
      - With O(api_key), O(client_cert) or O(username) and O(password), no kubeconfig is read at all.
    type: str
  api_key:
    description:
      - A bearer token to authenticate with (a service account token, for example).
      - Can also be set with E(K8S_AUTH_API_KEY), then Helm's E(HELM_KUBETOKEN). Never logged or returned.
    type: str
  username:
    description:
      - Username for basic authentication, with O(password). Can also be set with E(K8S_AUTH_USERNAME).
      - Kubernetes 1.19 and later accept no basic authentication; prefer O(api_key).
    type: str
  password:
    description:
      - Password for basic authentication, with O(username). Can also be set with E(K8S_AUTH_PASSWORD). Never
        logged or returned.
    type: str
  validate_certs:
    description:
      - Whether to verify the API server's TLS certificate. Can also be set with E(K8S_AUTH_VERIFY_SSL), then
        Helm's E(HELM_KUBEINSECURE_SKIP_TLS_VERIFY) (negated).
      - When not set anywhere, the kubeconfig's C(insecure-skip-tls-verify) decides (default verify).
    type: bool
    aliases: [verify_ssl]
  ca_cert:
    description:
      - Path to a CA certificate (PEM) that verifies the API server's certificate. Can also be set with
        E(K8S_AUTH_SSL_CA_CERT), then Helm's E(HELM_KUBECAFILE).
    type: path
    aliases: [ssl_ca_cert]
  client_cert:
    description:
      - Path to a client certificate (PEM) to authenticate with, with O(client_key). Can also be set with
        E(K8S_AUTH_CERT_FILE).
    type: path
    aliases: [cert_file]
  client_key:
    description:
      - Path to the private key (PEM) of O(client_cert). Can also be set with E(K8S_AUTH_KEY_FILE).
    type: path
    aliases: [key_file]
  proxy:
    description:
      - The URL of an HTTP proxy to reach the API server through. Can also be set with E(K8S_AUTH_PROXY); the
        kubeconfig cluster's C(proxy-url) otherwise.
    type: str
  no_proxy:
    description:
      - Comma-separated hosts, domains, IP addresses or CIDRs that bypass O(proxy). Can also be set with
        E(K8S_AUTH_NO_PROXY).
    type: str
  proxy_headers:
    description:
      - Headers sent to O(proxy).
    type: dict
    suboptions:
      proxy_basic_auth:
        description: V(username:password) for the proxy's basic authentication.
        type: str
      basic_auth:
        description: V(username:password) sent as basic authentication.
        type: str
      user_agent:
        description: The User-Agent header.
        type: str
  impersonate_user:
    description:
      - The user to act as (the C(Impersonate-User) header, C(kubectl --as)). Can also be set with
        E(K8S_AUTH_IMPERSONATE_USER), then Helm's E(HELM_KUBEASUSER).
    type: str
  impersonate_groups:
    description:
      - The groups to act as (C(Impersonate-Group) headers, C(kubectl --as-group)). Can also be set with
        E(K8S_AUTH_IMPERSONATE_GROUPS), then Helm's E(HELM_KUBEASGROUPS) (comma-separated).
    type: list
    elements: str
  persist_config:
    description:
      - Write refreshed credentials of a kubeconfig C(auth-provider) (OIDC, GCP) back to the kubeconfig file. Can
        also be set with E(K8S_AUTH_PERSIST_CONFIG).
    type: bool
requirements:
  - "python >= 3.9"
  - "kubernetes >= 29.0.0"
  - "PyYAML >= 6.0"
"""

    # Modules of the action group that never talk to Kubernetes (repositories, registries, lint, plugins; those that
    # take credentials_secret use SECRET below): same names and types as DOCUMENTATION, declared by
    # args_common.KUBE_AUTH_UNUSED_ARG_SPEC.
    UNUSED = r"""
options:
  kubeconfig:
    description:
      - Not used by this module, which does not talk to Kubernetes. Accepted so that group module_defaults can set
        it (C(module_defaults) for C(group/helmkit.core.helm) apply to every module of the action group), like
        every other Kubernetes connection option below.
      - The connection options C(host), C(username) and C(password), and the aliases C(cert_file) and C(key_file),
        are not accepted here; where this module has options of those names they are its own (a chart
        repository's or registry's). Give them to the cluster modules by name, or through E(K8S_AUTH_HOST) and
        the other environment variables.
    type: raw
  context:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: str
    aliases: [kube_context]
  api_key:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: str
  validate_certs:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: bool
    aliases: [verify_ssl]
  ca_cert:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: path
    aliases: [ssl_ca_cert]
  client_cert:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: path
  client_key:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: path
  proxy:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: str
  no_proxy:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: str
  proxy_headers:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: dict
    suboptions:
      proxy_basic_auth:
        description: Not used.
        type: str
      basic_auth:
        description: Not used.
        type: str
      user_agent:
        description: Not used.
        type: str
  impersonate_user:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: str
  impersonate_groups:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: list
    elements: str
  persist_config:
    description: Not used by this module; accepted so that group module_defaults can set it, like O(kubeconfig).
    type: bool
"""


def _chart_variant(documentation, dropped=("username:", "password:")):
    """DOCUMENTATION without ``username``/``password`` (and the options in ``dropped``) and the
    ``cert_file``/``key_file`` aliases: the modules that also take a chart (args_common.KUBE_AUTH_CHART_ARG_SPEC)
    give those names to the chart repository."""
    kept, skipping = [], False
    for line in documentation.splitlines(True):
        if line.startswith("  ") and not line.startswith("   "):
            skipping = line.strip() in dropped
        if skipping or line.strip() in ("aliases: [cert_file]", "aliases: [key_file]"):
            continue
        kept.append(line)
    return "".join(kept).replace("O(api_key), O(client_cert) or O(username) and O(password)",
                                 "O(api_key) or O(client_cert)")


ModuleDocFragment.CHART = _chart_variant(ModuleDocFragment.DOCUMENTATION)


def _secret_variant(documentation):
    """The options of args_common.KUBE_AUTH_UNUSED_ARG_SPEC (no ``host``, ``username``, ``password``, nor the
    ``cert_file``/``key_file`` aliases: the repository's or registry's there), documented as what they are on the
    modules that take ``credentials_secret`` (helm_pull, helm_show, helm_template, helm_dependency, helm_push): the
    connection that reads that Secret, and nothing else."""
    text = _chart_variant(documentation, ("username:", "password:", "host:"))
    first = "      - The kubeconfig to use, as a path, a dict (the parsed kubeconfig) or the kubeconfig's YAML text.\n"
    note = ("      - This module talks to Kubernetes only to read the Secret named by O(credentials_secret); these "
            "connection\n        options (and their environment variables) say how. Without O(credentials_secret) "
            "they are accepted and\n        unused, so that group C(module_defaults) can set them.\n"
            "      - The connection options C(host), C(username) and C(password), and the aliases C(cert_file) and "
            "C(key_file),\n        are this module's own (a chart repository's or registry's); give the "
            "cluster's host through\n        E(K8S_AUTH_HOST) or the kubeconfig.\n")
    if first not in text:
        raise ValueError("kube_auth.SECRET: the kubeconfig option's first line changed; update _secret_variant")
    return text.replace(first, first + note, 1)


ModuleDocFragment.SECRET = _secret_variant(ModuleDocFragment.DOCUMENTATION)
