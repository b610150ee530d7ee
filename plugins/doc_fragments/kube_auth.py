# -*- coding: utf-8 -*-
"""Options every helmkit.core module that talks to a Kubernetes cluster shares."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - The kubeconfig to use, as a path, a dict (the parsed kubeconfig) or the kubeconfig's YAML text.
      - When not given, the E(K8S_AUTH_KUBECONFIG) environment variable is used, then E(KUBECONFIG)
        (several paths separated by V(:) are merged), then C(~/.kube/config).
      - Credentials from the kubeconfig are never logged or returned.
    type: raw
  context:
    description:
      - The kubeconfig context to use.
      - When not given, the E(K8S_AUTH_CONTEXT) environment variable is used, then the kubeconfig's current context.
    type: str
    aliases: [kube_context]
requirements:
  - "python >= 3.9"
  - "kubernetes >= 29.0.0"
  - "PyYAML >= 6.0"
"""
