#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_info: kubernetes.core.helm_info's interface over the release queries of helm_release_info."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_info
short_description: Get information about a Helm release with kubernetes.core.helm_info's interface
version_added: "0.1.0"
description:
  - A drop-in for C(kubernetes.core.helm_info), with the same options and the same RV(status), read from Helm's release
    storage in Python (the queries of M(helmkit.core.helm_release_info)); no C(helm) binary is run.
options:
  release_name:
    description: Release name to look for.
    type: str
    required: true
    aliases: [name]
  release_namespace:
    description: Namespace of the release.
    type: str
    required: true
    aliases: [namespace]
  release_state:
    description:
      - Show the release only when its last revision has one of these states. V(all) is any state, V(pending) the
        three pending states. Empty (the default) is C(helm list)'s default, V(deployed) or V(failed).
    type: list
    elements: str
    default: []
    choices: [all, deployed, failed, pending, superseded, uninstalled, uninstalling]
  get_all_values:
    description: Return the computed values (chart defaults merged with the user's, C(helm get values --all)).
    type: bool
    default: false
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.binary_path
  - helmkit.core.kcore
attributes:
  check_mode:
    description: Read-only.
    support: full
  diff_mode:
    description: Read-only; nothing to compare.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Gather information of Grafana chart inside monitoring namespace
  helmkit.core.helm_info:
    name: test
    release_namespace: monitoring

- name: Gather information about test-chart with pending state
  helmkit.core.helm_info:
    name: test-chart
    release_namespace: testenv
    release_state:
      - pending
"""

RETURN = r"""
status:
  description: The release's last revision; absent when no release matches.
  returned: when the release exists
  type: complex
  contains:
    appversion:
      description: The chart's appVersion (also as C(app_version)).
      type: str
    app_version:
      description: The chart's appVersion.
      type: str
    chart:
      description: Chart name and version.
      type: str
    hooks:
      description: The release's hooks, as Helm stores them.
      type: list
      elements: dict
    manifest:
      description: The rendered manifest.
      type: str
    name:
      description: Release name.
      type: str
    namespace:
      description: Release namespace.
      type: str
    notes:
      description: The rendered NOTES.txt.
      type: str
    revision:
      description: Revision number.
      type: int
    status:
      description: State of the revision (V(deployed), V(failed), ...).
      type: str
    updated:
      description: When the revision was deployed.
      type: str
    description:
      description: Helm's description of the revision.
      type: str
    values:
      description: User-supplied values, or all computed values with O(get_all_values).
      type: dict
"""

from ansible_collections.helmkit.core.plugins.module_utils import kcore  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils._common import AnsibleModule, run_module  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kcore import (  # noqa: E402
    COMMON_ARG_SPEC, HELM_INFO_ARG_SPEC)
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import (  # noqa: E402
    KubeClient, connection_secrets)
from ansible_collections.helmkit.core.plugins.module_utils.release.query import (  # noqa: E402
    ReleaseQuery, find_releases)


def _action(module):
    params = module.params
    kcore.warn_binary_path(params, module.warn)
    cluster = kcore.connection_options(params)
    module.no_log_values.update(connection_secrets(cluster))
    with KubeClient.from_options(cluster) as client:
        query = ReleaseQuery(client)
        found = find_releases(query, name=params["release_name"], namespaces=[params["release_namespace"]],
                              statuses=kcore.info_statuses(params["release_state"]),
                              all_values=params["get_all_values"])
    output = {"changed": False}
    if found:
        output["status"] = kcore.info_status(found[0])
    return output


def main():
    argument_spec = dict(HELM_INFO_ARG_SPEC)
    argument_spec.update(COMMON_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
