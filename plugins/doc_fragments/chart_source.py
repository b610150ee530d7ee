# -*- coding: utf-8 -*-
"""Options shared by every helmkit.core module that takes a chart: where it comes from, its credentials and TLS.

``DOCUMENTATION`` is args_common.CHART_SOURCE_ARG_SPEC (helm_release, helm_template, helm_show, helm_pull,
helm_dependency, lookup helm_template); ``REGISTRY`` is its registry half, args_common.REGISTRY_ARG_SPEC
(helm_push). Both are built from the same option texts below.
"""
from __future__ import annotations

_OPTIONS = (
    ("username", r"""
  username:
    description:
      - Username for the chart repository (HTTP Basic authentication) or the OCI registry.
      - Credentials are taken, highest precedence first, from O(username)/O(password) or O(token), then the
        Kubernetes Secret O(credentials_secret), then the repository's entry in C(repositories.yaml) (chart
        repositories) or O(registry_config), Helm's registry config and Docker's credential chain (registries),
        else the chart is fetched anonymously.
    type: str
    aliases: [repo_username, chart_repo_username]
"""),
    ("password", r"""
  password:
    description:
      - Password for O(username). Never logged, returned or shown in an error.
    type: str
    aliases: [repo_password, chart_repo_password]
"""),
    ("token", r"""
  token:
    description:
      - A token sent as a Bearer token (the C(Authorization) header) to the chart repository or registry, instead
        of O(username) and O(password). Never logged, returned or shown in an error.
    type: str
"""),
    ("pass_credentials", r"""
  pass_credentials:
    description:
      - Send the credentials to every host, including hosts a chart repository redirects to or serves charts from
        (Helm's C(--pass-credentials)). By default they only go to the repository's own scheme, host and port.
    type: bool
    default: false
"""),
    ("ca_file", r"""
  ca_file:
    description:
      - PEM file of the CA certificates that sign the repository's or registry's HTTPS certificate. Checked before
        any request; a missing file is an error naming this option.
    type: path
    aliases: [chart_ca_cert]
"""),
    ("cert_file", r"""
  cert_file:
    description: PEM client certificate for HTTPS client authentication (with O(key_file)).
    type: path
    aliases: [chart_ssl_cert_file]
"""),
    ("key_file", r"""
  key_file:
    description: PEM private key of O(cert_file).
    type: path
    aliases: [chart_ssl_key_file]
"""),
    ("insecure_skip_tls_verify", r"""
  insecure_skip_tls_verify:
    description:
      - Do not verify the repository's or registry's HTTPS certificate. Verification is on unless this is set.
    type: bool
    default: false
    aliases: [skip_tls_certs_check, insecure, insecure_registry]
"""),
    ("plain_http", r"""
  plain_http:
    description: Talk plain HTTP to an OCI registry instead of HTTPS.
    type: bool
    default: false
"""),
    ("registry_config", r"""
  registry_config:
    description:
      - A Docker-format registry credentials file consulted before Helm's and Docker's own. Checked before any
        request; a missing file is an error naming this option.
    type: path
"""),
    ("repository_config", r"""
  repository_config:
    description:
      - Path of Helm's C(repositories.yaml).
      - Defaults to E(HELM_REPOSITORY_CONFIG), else C(repositories.yaml) in E(HELM_CONFIG_HOME), else in
        C($XDG_CONFIG_HOME/helm), else C(~/.config/helm), exactly where the C(helm) CLI looks.
    type: path
"""),
    ("repository_cache", r"""
  repository_cache:
    description:
      - Directory of Helm's repository cache (C(<name>-index.yaml) files).
      - Defaults to E(HELM_REPOSITORY_CACHE), else C(repository) in E(HELM_CACHE_HOME), else in
        C($XDG_CACHE_HOME/helm), else C(~/.cache/helm/repository).
    type: path
"""),
    ("devel", r"""
  devel:
    description:
      - Also consider prerelease versions when no exact version is given (Helm's C(--devel)).
    type: bool
    default: false
    aliases: [chart_devel]
"""),
    ("credentials_secret", r"""
  credentials_secret:
    description:
      - A Kubernetes Secret holding the credentials for the chart's repository or registry, read through the
        task's Kubernetes connection (the C(kubeconfig) and C(context) options). It is of type
        C(kubernetes.io/dockerconfigjson) (the entry for the registry's host), or has C(username) and C(password)
        keys, or a C(token) key.
      - Without O(credentials_secret.namespace) the Secret is looked up in the release's namespace first, then in
        O(credentials_secret_fallback_namespace); the result's C(chart_source.credentials_source) says which one
        was used.
    type: dict
    suboptions:
      name:
        description: Name of the Secret.
        type: str
        required: true
      namespace:
        description: Namespace of the Secret; when given, only this namespace is searched.
        type: str
"""),
    ("credentials_secret_fallback_namespace", r"""
  credentials_secret_fallback_namespace:
    description: Namespace searched for O(credentials_secret) when it is not in the release's namespace.
    type: str
"""),
    ("update_repo_cache", r"""
  update_repo_cache:
    description:
      - Download the index of the repository the chart comes from again before resolving the chart (Helm's
        C(helm repo update <repo>) for that repository only).
    type: bool
    default: false
"""),
)

_REQUIREMENTS = r"""
requirements:
  - "python >= 3.9"
  - "httpx >= 0.27"
  - "PyYAML >= 6.0"
"""

#: The options of REGISTRY_ARG_SPEC (helm_push).
REGISTRY_OPTIONS = ("username", "password", "token", "ca_file", "cert_file", "key_file", "insecure_skip_tls_verify",
                    "plain_http", "registry_config", "credentials_secret", "credentials_secret_fallback_namespace")


def _documentation(names=None):
    return "\noptions:\n" + "".join(text for name, text in _OPTIONS if names is None or name in names) + \
        _REQUIREMENTS.lstrip("\n")


class ModuleDocFragment(object):
    """DOCUMENTATION (every chart-source option) and REGISTRY (its registry half, for helm_push and helm_oci_tags),
    built below from one text per option; ansible-test's yamllint reads only string literals in a fragment's class
    body, so the built texts are set on the class after it."""


ModuleDocFragment.DOCUMENTATION = _documentation()
ModuleDocFragment.REGISTRY = _documentation(REGISTRY_OPTIONS)
