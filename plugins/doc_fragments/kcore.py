# -*- coding: utf-8 -*-
"""kubernetes.core's common Helm options (its doc fragment ``helm_common_options``) as the kubernetes.core-compatible
modules ``helm`` and ``helm_info`` take them (``helmkit.core.kcore``, with ``helmkit.core.binary_path`` for its
``binary_path``); ``module_utils/kcore.py: COMMON_ARG_SPEC`` declares them."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - The kubeconfig to use, as a path, a dict (the parsed kubeconfig) or the kubeconfig's YAML text.
      - When not given, the E(K8S_AUTH_KUBECONFIG) environment variable is used, then E(KUBECONFIG), then
        C(~/.kube/config).
      - The connection options are resolved as M(helmkit.core.helm_release) resolves them (option, E(K8S_AUTH_*),
        Helm's E(HELM_KUBE*), kubeconfig, in-cluster).
    type: raw
    aliases: [kubeconfig_path]
  context:
    description:
      - The kubeconfig context to use. When not given, E(K8S_AUTH_CONTEXT), then Helm's E(HELM_KUBECONTEXT), then
        the kubeconfig's current context.
    type: str
    aliases: [kube_context]
  host:
    description:
      - URL of the Kubernetes API server (also E(K8S_AUTH_HOST), then Helm's E(HELM_KUBEAPISERVER)); it overrides
        the kubeconfig's server. With O(api_key), no kubeconfig is read at all.
    type: str
  api_key:
    description:
      - Bearer token to authenticate with (also E(K8S_AUTH_API_KEY), then Helm's E(HELM_KUBETOKEN)). Never logged
        or returned.
    type: str
  ca_cert:
    description:
      - CA certificate file that verifies the API server's certificate (also E(K8S_AUTH_SSL_CA_CERT), then Helm's
        E(HELM_KUBECAFILE)).
    type: path
    aliases: [ssl_ca_cert]
  validate_certs:
    description:
      - Whether to verify the API server's TLS certificate (also E(K8S_AUTH_VERIFY_SSL), then Helm's
        E(HELM_KUBEINSECURE_SKIP_TLS_VERIFY), negated).
      - When not set anywhere, the kubeconfig's C(insecure-skip-tls-verify) decides. kubernetes.core documents a
        default of V(true) but acts only on V(false), so leaving it unset here behaves as kubernetes.core's default.
    type: bool
    aliases: [verify_ssl]
requirements:
  - "python >= 3.9"
  - "kubernetes >= 29.0.0"
  - "PyYAML >= 6.0"
"""
