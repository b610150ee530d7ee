# -*- coding: utf-8 -*-
"""Options shared by helmkit.core modules that talk to an OCI registry (credentials and TLS)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  username:
    description:
      - Registry username. With O(password), the highest-precedence credentials.
      - Without it, credentials come from O(registry_config), then Helm's registry config (E(HELM_REGISTRY_CONFIG)
        or C(~/.config/helm/registry/config.json)), then Docker's config (E(DOCKER_CONFIG) or
        C(~/.docker/config.json), with its C(auths), C(credHelpers) and C(credsStore)), else anonymous access.
    type: str
  password:
    description: Registry password. Never logged or returned.
    type: str
  token:
    description:
      - A registry access token, sent as a Bearer token. Never logged or returned.
    type: str
  registry_config:
    description: A Docker-format credentials file consulted before Helm's and Docker's own.
    type: path
  plain_http:
    description: Talk plain HTTP to the registry instead of HTTPS.
    type: bool
    default: false
  insecure_skip_tls_verify:
    description: Do not verify the registry's HTTPS certificate. Only for tests.
    type: bool
    default: false
    aliases: [insecure]
  ca_file:
    description: PEM file of the CA certificates that sign the registry's certificate.
    type: path
  cert_file:
    description: PEM client certificate for HTTPS client authentication.
    type: path
  key_file:
    description: PEM private key of O(cert_file).
    type: path
"""
