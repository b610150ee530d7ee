# -*- coding: utf-8 -*-
"""Options shared by helmkit.core plugins that read Helm releases (helm_release lookup, helm_release_info)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  release_namespace:
    description:
      - Namespace to read releases from. Ignored when O(all_namespaces=true).
      - When O(namespaces) is also given, both are read.
      - When neither this nor O(namespaces) is given, the namespace Helm would use (C(helm list) without C(-n)) -
        E(HELM_NAMESPACE), else the namespace of the kubeconfig context in use, else, in a pod using the in-cluster
        configuration, the pod's namespace (E(POD_NAMESPACE) or the service account's C(namespace) file), else
        V(default).
    type: str
    aliases: [namespace]
  namespaces:
    description: Several namespaces to read releases from, like running C(helm list -n) in each.
    type: list
    elements: str
    default: []
  all_namespaces:
    description: Read releases from every namespace (C(helm list -A)).
    type: bool
    default: false
  status:
    description:
      - Only releases whose current revision has one of these statuses. Empty means every status, so failed,
        pending and uninstalled-with-history releases are never hidden.
    type: list
    elements: str
    choices: [deployed, failed, pending-install, pending-upgrade, pending-rollback, superseded, uninstalling,
              uninstalled, unknown]
    default: []
  chart:
    description:
      - Only releases of this chart, given as a chart name (V(podinfo)), C(<name>-<version>)
        (V(podinfo-6.14.1)) or a shell pattern (V(ingress-*)).
    type: str
  revision:
    description: Return this stored revision instead of the latest (C(helm get all --revision)).
    type: int
  history:
    description: Add a C(history) list, the summary of every stored revision, oldest first (C(helm history)).
    type: bool
    default: false
  all_values:
    description: Return the computed values (chart defaults coalesced with the user-supplied values,
      C(helm get values --all)) instead of only the user-supplied ones.
    type: bool
    default: false
  storage_driver:
    description:
      - Helm's storage driver that holds the release records (Secrets or ConfigMaps).
      - Unset, E(HELM_DRIVER) decides (V(secret), V(secrets), V(configmap), V(configmaps)), and without it V(secret).
    type: str
    choices: [secret, configmap]
"""
