# -*- coding: utf-8 -*-
"""Options shared by helmkit.core modules that talk to a Helm chart repository (auth, TLS, Helm's files)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  username:
    description:
      - Username for HTTP basic authentication to the chart repository.
    type: str
    aliases: [repo_username]
  password:
    description:
      - Password for HTTP basic authentication to the chart repository. Never logged, returned or shown in a diff.
    type: str
    aliases: [repo_password]
  pass_credentials:
    description:
      - Send the username and password to every host, including hosts the repository redirects to or serves
        charts from (Helm's C(--pass-credentials)). By default credentials only go to the repository's own host.
    type: bool
    default: false
  ca_file:
    description: PEM file of the CA certificates that sign the repository's HTTPS certificate.
    type: path
  cert_file:
    description: PEM client certificate for HTTPS client authentication.
    type: path
  key_file:
    description: PEM private key of O(cert_file).
    type: path
  insecure_skip_tls_verify:
    description: Do not verify the repository's HTTPS certificate. Only for tests.
    type: bool
    default: false
  repository_config:
    description:
      - Path of Helm's C(repositories.yaml).
      - Defaults to E(HELM_REPOSITORY_CONFIG), else C(repositories.yaml) in E(HELM_CONFIG_HOME), else in
        C($XDG_CONFIG_HOME/helm), else C(~/.config/helm), exactly where the C(helm) CLI looks.
    type: path
  repository_cache:
    description:
      - Directory of Helm's repository cache (C(<name>-index.yaml) files).
      - Defaults to E(HELM_REPOSITORY_CACHE), else C(repository) in E(HELM_CACHE_HOME), else in
        C($XDG_CACHE_HOME/helm), else C(~/.cache/helm/repository).
    type: path
requirements:
  - "python >= 3.9"
  - "httpx >= 0.27"
  - "PyYAML >= 6.0"
"""
