#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_release_info: read Helm releases (and their history) on the managed host."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_release_info
short_description: Read Helm releases from a Kubernetes cluster, without the helm binary
version_added: "0.1.0"
description:
  - Reads Helm releases by decoding Helm v3/v4's storage records, so releases installed by the C(helm) CLI, by
    M(helmkit.core.helm_release) or by any Helm SDK are all visible. Never writes to the cluster.
  - The same data as the P(helmkit.core.helm_release#lookup) lookup, but read on the managed host.
  - Records that cannot be decoded are skipped with a warning that names the Secret or ConfigMap.
options:
  release_name:
    description:
      - Name of one release. Without it, every release in the selected namespaces is returned (C(helm list)).
    type: str
    aliases: [name]
  fail_on_missing:
    description: Fail when O(release_name) is given and no such release exists (else RV(releases) is empty).
    type: bool
    default: false
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth
  - helmkit.core.release_query
attributes:
  check_mode:
    description: The module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing is changed, so there is no diff.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Read one release with its history
  helmkit.core.helm_release_info:
    name: podinfo
    namespace: web
    history: true
  register: podinfo

- name: Every release not deployed, in any namespace
  helmkit.core.helm_release_info:
    all_namespaces: true
    status: [failed, pending-install, pending-upgrade, pending-rollback]
  register: broken
"""

RETURN = r"""
releases:
  description: One dict per release found, sorted by namespace and name (see the P(helmkit.core.helm_release#lookup)
    lookup for every key).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Release name.
      type: str
      sample: podinfo
    namespace:
      description: Release namespace.
      type: str
      sample: web
    revision:
      description: The revision returned (the latest unless O(revision)).
      type: int
      sample: 2
    status:
      description: Helm status of that revision.
      type: str
      sample: deployed
    chart:
      description: C(<chart name>-<chart version>).
      type: str
      sample: podinfo-6.14.1
    chart_name:
      description: Chart name.
      type: str
    chart_version:
      description: Chart version.
      type: str
    app_version:
      description: Chart appVersion.
      type: str
    updated:
      description: When the revision was deployed (RFC 3339).
      type: str
    first_deployed:
      description: When the first revision was deployed (RFC 3339).
      type: str
    description:
      description: Helm's description of the revision.
      type: str
    values:
      description: User-supplied values, or the computed values with O(all_values=true).
      type: dict
    manifest:
      description: The rendered manifest stored with the revision.
      type: str
    notes:
      description: The rendered C(NOTES.txt).
      type: str
    hooks:
      description: The stored hooks.
      type: list
      elements: dict
    labels:
      description: Custom labels of the release record.
      type: dict
    history:
      description: With O(history=true), a summary of every stored revision, oldest first.
      type: list
      elements: dict
release:
  description: The release named by O(release_name), when it exists (the first entry of RV(releases)).
  returned: when O(release_name) is given and the release exists
  type: dict
namespaces:
  description:
    - The namespaces that were read, in order; without O(release_namespace) and O(namespaces), the one Helm would use
      (E(HELM_NAMESPACE), else the kubeconfig context's namespace, else the pod's, else V(default)).
  returned: unless O(all_namespaces=true)
  type: list
  elements: str
  sample: [web]
warnings:
  description: Records that were skipped because they could not be decoded.
  returned: when there are any
  type: list
  elements: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import (  # noqa: E402
    KubeClient, connection_secrets)
from ansible_collections.helmkit.core.plugins.module_utils.release.query import (  # noqa: E402
    ReleaseQuery, find_releases, scope_namespaces)

STATUSES = ["deployed", "failed", "pending-install", "pending-upgrade", "pending-rollback", "superseded",
            "uninstalling", "uninstalled", "unknown"]


def _action(module):

    params = module.params
    module.no_log_values.update(connection_secrets(params))
    namespaces = scope_namespaces(params["release_namespace"], params["namespaces"], params["all_namespaces"],
                                  connection=params)
    with KubeClient.from_options(params) as client:
        query = ReleaseQuery(client, params["storage_driver"])
        releases = find_releases(query, name=params["release_name"], namespaces=namespaces,
                                 statuses=params["status"], chart=params["chart"], revision=params["revision"],
                                 history=params["history"], all_values=params["all_values"])
    if params["release_name"] and not releases and params["fail_on_missing"]:
        raise ReleaseError("release %r not found in %s; check the name, namespace and context"
                           % (params["release_name"], "namespace(s) " + ", ".join(namespaces) if namespaces
                              else "any namespace"))
    output = {"changed": False, "releases": releases}
    if namespaces is not None:
        output["namespaces"] = namespaces
    if params["release_name"] and releases:
        output["release"] = releases[0]
    return output


def main():
    argument_spec = dict(
        release_name=dict(type="str", aliases=["name"]),
        release_namespace=dict(type="str", aliases=["namespace"]),
        namespaces=dict(type="list", elements="str", default=[]),
        all_namespaces=dict(type="bool", default=False),
        status=dict(type="list", elements="str", choices=STATUSES, default=[]),
        chart=dict(type="str"),
        revision=dict(type="int"),
        history=dict(type="bool", default=False),
        all_values=dict(type="bool", default=False),
        storage_driver=dict(type="str", choices=["secret", "configmap"]),
        fail_on_missing=dict(type="bool", default=False),
    )
    argument_spec.update(KUBE_AUTH_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
