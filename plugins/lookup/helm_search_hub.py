# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin helm_search_hub: search Artifact Hub for Helm charts, like helm search hub."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_search_hub
short_description: Search Artifact Hub for Helm charts, like helm search hub
version_added: "0.1.0"
description:
  - Calls Artifact Hub's public API (C(GET /api/v1/packages/search) with C(ts_query_web), C(kind=0) for Helm charts,
    C(limit) and C(offset)) at O(endpoint) and returns what C(helm search hub -o json) prints for each chart.
  - Pages through the results (at most 60 per request) until O(max_results) charts or the last page.
  - Throttling (HTTP 429, honouring C(Retry-After)), server errors and lost connections are retried with the
    collection's retry policy; an endpoint that stays down fails the lookup with a message naming it.
  - The module M(helmkit.core.helm_search_hub) does the same from the managed host.
options:
  _terms:
    description: Search terms, joined with a space like C(helm search hub) joins its arguments. Without any, every
      chart is listed (up to O(max_results)).
    required: false
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
"""

EXAMPLES = r"""
- name: Charts about ingress on Artifact Hub
  ansible.builtin.debug:
    msg: "{{ query('helmkit.core.helm_search_hub', 'ingress nginx', max_results=10) | map(attribute='url') }}"
"""

RETURN = r"""
_raw:
  description: One dict per chart, in Artifact Hub's order (the fields of C(helm search hub -o json)).
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

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.hub import search_hub  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils.lookup_keywords import check_keywords  # noqa: E402


class LookupModule(LookupBase):
    """``query('helmkit.core.helm_search_hub', *terms, **options)``: see DOCUMENTATION."""

    def run(self, terms, variables=None, **kwargs):
        check_keywords(self, kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        try:
            return search_hub([str(t) for t in terms or []], endpoint=opt("endpoint"),
                              max_results=opt("max_results"), timeout=opt("timeout"), ca_file=opt("ca_file"))
        except HelmkitError as exc:
            raise AnsibleLookupError("helm_search_hub: %s" % exc)
