# -*- coding: utf-8 -*-
"""kubernetes.core's common Helm options (its doc fragment ``helm_common_options``) as the kubernetes.core-compatible
modules ``helm`` and ``helm_info`` take them (``helmkit.core.kcore``); ``module_utils/kcore.py: COMMON_ARG_SPEC``
declares them."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  binary_path:
    description:
      - Accepted for kubernetes.core compatibility and ignored, with a warning; no C(helm) binary is run.
    type: path
  kubeconfig:
    description:
      - The kubeconfig to use, as a path, a dict (the parsed kubeconfig) or the kubeconfig's YAML text.
      - When not given, the E(K8S_AUTH_KUBECONFIG) environment variable is used, then E(KUBECONFIG), then
        C(~/.kube/config).
    type: raw
    aliases: [kubeconfig_path]
  context:
    description:
      - The kubeconfig context to use. When not given, E(K8S_AUTH_CONTEXT), then the kubeconfig's current context.
    type: str
    aliases: [kube_context]
  host:
    description:
      - URL of the Kubernetes API server, used when O(kubeconfig) is not given (also E(K8S_AUTH_HOST)). With
        O(api_key), O(ca_cert) and O(validate_certs) it makes the connection's kubeconfig.
    type: str
  api_key:
    description:
      - Bearer token for O(host) (also E(K8S_AUTH_API_KEY)). Never logged or returned.
    type: str
  ca_cert:
    description:
      - CA certificate file of O(host) (also E(K8S_AUTH_SSL_CA_CERT)).
    type: path
    aliases: [ssl_ca_cert]
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(host). Only used with O(host).
    type: bool
    default: true
    aliases: [verify_ssl]
requirements:
  - "python >= 3.9"
  - "kubernetes >= 29.0.0"
  - "PyYAML >= 6.0"
"""
