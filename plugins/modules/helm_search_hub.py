#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_search_hub: search Artifact Hub for Helm charts, like helm search hub."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_search_hub
short_description: Search Artifact Hub for Helm charts, like helm search hub
version_added: "0.1.0"
description:
  - Calls Artifact Hub's public API (C(GET /api/v1/packages/search) with C(ts_query_web), C(kind=0) for Helm charts,
    C(limit) and C(offset)) at O(endpoint) from the managed host and returns what C(helm search hub -o json)
    prints for each chart.
  - Pages through the results (at most 60 per request) until O(max_results) charts or the last page.
  - Throttling (HTTP 429, honouring C(Retry-After)), server errors and lost connections are retried; an endpoint
    that stays down fails the task with a message naming it.
  - Changes nothing. The lookup P(helmkit.core.helm_search_hub#lookup) does the same on the controller.
options:
  terms:
    description: Search terms, joined with a space like C(helm search hub) joins its arguments. Empty lists every
      chart (up to O(max_results)).
    type: list
    elements: str
    default: []
  endpoint:
    description: Artifact Hub base URL, like C(helm search hub --endpoint).
    type: str
    default: https://artifacthub.io
  max_results:
    description: Most charts to return.
    type: int
    default: 60
  timeout:
    description: Seconds to wait for each answer.
    type: float
    default: 30
  ca_file:
    description: PEM file of the CA certificates that sign the endpoint's certificate (a private Artifact Hub).
    type: path
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
attributes:
  check_mode:
    description: The search only reads, so it runs in check mode too.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Search Artifact Hub for PostgreSQL charts
  helmkit.core.helm_search_hub:
    terms: [postgresql]
    max_results: 20
  register: hub

- name: Show where they come from
  ansible.builtin.debug:
    msg: "{{ hub.charts | map(attribute='repository.url') | unique }}"
"""

RETURN = r"""
charts:
  description: One dict per chart, in Artifact Hub's order (the fields of C(helm search hub -o json)).
  returned: always
  type: list
  elements: dict
  contains:
    url:
      description: The chart's Artifact Hub page.
      type: str
    version:
      description: Latest chart version.
      type: str
    app_version:
      description: Its appVersion.
      type: str
    description:
      description: Chart description.
      type: str
    repository:
      description: The chart repository, C(url) and C(name).
      type: dict
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.repo.hub import search_hub  # noqa: E402


def _action(module):
    p = module.params
    charts = search_hub(p["terms"], endpoint=p["endpoint"], max_results=p["max_results"], timeout=p["timeout"],
                        ca_file=p["ca_file"])
    return {"changed": False, "charts": charts}


def main():
    argument_spec = dict(
        terms=dict(type="list", elements="str", default=[]),
        endpoint=dict(type="str", default="https://artifacthub.io"),
        max_results=dict(type="int", default=60),
        timeout=dict(type="float", default=30),
        ca_file=dict(type="path"),
    )
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
