# -*- coding: utf-8 -*-
"""Options every helmkit.core module that talks to a Kubernetes cluster shares (``helmkit.core.kube_auth``), and the
same options as accepted-but-unused by the modules of the ``helm`` action group that do not
(``helmkit.core.kube_auth.unused``), so ``module_defaults: {group/helmkit.core.helm: {kubeconfig: ...}}`` works."""
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

    # Modules of the action group that never talk to Kubernetes (repositories, registries, pull, show, template,
    # dependency): same names and types as DOCUMENTATION, declared by args_common.KUBE_AUTH_ARG_SPEC.
    UNUSED = r"""
options:
  kubeconfig:
    description:
      - Not used by this module, which does not talk to Kubernetes. Accepted so that group module_defaults can set
        them (C(module_defaults) for C(group/helmkit.core.helm) apply to every module of the action group).
    type: raw
  context:
    description:
      - Not used by this module; accepted so that group module_defaults can set them, like O(kubeconfig).
    type: str
    aliases: [kube_context]
"""
