# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin helm_oci_tags: the chart versions an OCI repository holds, as Helm's registry client lists them."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_oci_tags
short_description: List the chart versions (tags) of a chart repository in an OCI registry
version_added: "0.1.0"
description:
  - Reads C(/v2/<name>/tags/list) of each C(oci://host/path/name) reference (following the registry's C(Link)
    pagination) and returns the tags that are chart versions, newest first, the way Helm's registry client lists
    them when it resolves a version constraint.
  - Like Helm, only strict semantic versions count (V(1.2.3), V(1.2.3-rc.1), V(1.2.3_build) read as
    V(1.2.3+build)); tags such as V(latest), V(v1.2.3) or V(1.2) are left out. Versions are returned with C(+),
    not C(_).
  - A repository that does not exist has no tags (an empty list).
  - With several terms, their lists are concatenated in the order of the terms.
  - Credentials come from O(username)/O(password) or O(token), else O(registry_config), Helm's and Docker's
    configuration, as for M(helmkit.core.helm_pull).
options:
  _terms:
    description: C(oci://host/path/name) references; a tag or digest in them is ignored.
    required: true
  page_size:
    description: Ask the registry for pages of this many tags (C(?n=)); by default the registry decides.
    type: int
extends_documentation_fragment:
  - helmkit.core.chart_source.registry
  - helmkit.core.kube_auth.secret
"""

EXAMPLES = r"""
- name: Every published version of a chart, newest first
  ansible.builtin.debug:
    msg: "{{ query('helmkit.core.helm_oci_tags', 'oci://ghcr.io/stefanprodan/charts/podinfo') }}"

- name: The newest 6.x version in a private registry
  ansible.builtin.set_fact:
    newest_six: "{{ query('helmkit.core.helm_oci_tags', 'oci://registry.example.com/charts/web',
                          username='deploy', password=registry_password)
                    | select('match', '^6\\.') | first }}"
"""

RETURN = r"""
_raw:
  description: Chart versions (str), newest first by semantic-version precedence.
  type: list
  elements: str
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.args_common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, REGISTRY_ARG_SPEC)
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.api import open_client  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.reference import parse_reference  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.tags import chart_tags  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils.lookup_keywords import check_keywords  # noqa: E402


class LookupModule(LookupBase):
    """``query('helmkit.core.helm_oci_tags', *references, **options)``: see DOCUMENTATION."""

    def run(self, terms, variables=None, **kwargs):
        check_keywords(self, kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        if not terms:
            raise AnsibleLookupError("helm_oci_tags: give at least one oci://host/path/name reference")
        found = []
        for term in terms:
            try:
                host = parse_reference(str(term)).host
                # the chart-source layer's one credential precedence (options, credentials_secret, registry config)
                # credentials_secret is read over the Kubernetes connection options (kube_auth.secret)
                options = module_source_options(dict((name, opt(name)) for name in
                                                     list(REGISTRY_ARG_SPEC) + list(KUBE_AUTH_UNUSED_ARG_SPEC)))
                with open_client(host, **options.registry_options(host)) as client:
                    found.extend(chart_tags(client, str(term), page_size=opt("page_size")))
            except HelmkitError as exc:
                raise AnsibleLookupError("helm_oci_tags: %s: %s" % (term, exc))
        return found
