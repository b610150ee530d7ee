# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin helm_catalog: every chart of whole Helm repositories, as a service catalog needs them."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_catalog
short_description: Catalog every chart of one or more Helm repositories, with versions, metadata and values
version_added: "0.1.0"
description:
  - Reads the cached indexes of configured repositories (Helm's C(repositories.yaml); refresh them with
    M(helmkit.core.helm_repository) and O(helmkit.core.helm_repository#module:update_cache=true)) and returns one
    entry per chart, for service catalogs and brokers built from Helm repositories.
  - Each entry has every version of the chart, and the description, keywords, icon, home, sources, maintainers and
    deprecation of its latest version.
  - With O(values=latest), also the default values of the latest version, parsed and as raw text; the archive is
    downloaded (digest-checked, into Helm's cache) only for charts that pass O(allow) and O(deny).
options:
  _terms:
    description: Names of configured repositories. Without any, every configured repository, in file order.
    required: false
  allow:
    description: Regular expressions (Go RE2 syntax, as Helm's) searched in C(repo/chart); only charts matching at
      least one are kept.
    type: list
    elements: str
  deny:
    description: Regular expressions (Go RE2 syntax) searched in C(repo/chart); charts matching any are left out.
    type: list
    elements: str
  values:
    description: V(latest) adds RV(_raw[].values) and RV(_raw[].values_raw) of each chart's latest version; V(none)
      reads only the index.
    type: str
    choices: [none, latest]
    default: none
  devel:
    description: The latest version may be a pre-release (by default the newest release, or the newest version
      when a chart has only pre-releases).
    type: bool
    default: false
  repository_config:
    description: Path of C(repositories.yaml) (default Helm's, honouring E(HELM_REPOSITORY_CONFIG)).
    type: path
  repository_cache:
    description: Helm's repository cache directory (default Helm's, honouring E(HELM_REPOSITORY_CACHE)).
    type: path
"""

EXAMPLES = r"""
- name: A service catalog of the bitnami repository, without the deprecated charts and with default values
  ansible.builtin.set_fact:
    catalog: "{{ query('helmkit.core.helm_catalog', 'bitnami', allow=['^bitnami/(postgresql|redis|mariadb)$'],
                       values='latest') | rejectattr('deprecated') }}"
"""

RETURN = r"""
_raw:
  description: One dict per chart, repository by repository, charts by name.
  type: list
  elements: dict
  contains:
    name:
      description: C(repo/chart).
      type: str
    chart:
      description: Chart name.
      type: str
    repository:
      description: Repository name.
      type: str
    repository_url:
      description: Repository URL.
      type: str
    latest_version:
      description: The version the metadata describes.
      type: str
    app_version:
      description: Its appVersion.
      type: str
    description:
      description: Chart description.
      type: str
    keywords:
      description: Chart keywords.
      type: list
      elements: str
    icon:
      description: Icon URL.
      type: str
    home:
      description: Project home page.
      type: str
    sources:
      description: Source URLs.
      type: list
      elements: str
    maintainers:
      description: Maintainers, each with C(name), C(email) and C(url).
      type: list
      elements: dict
    deprecated:
      description: Whether the latest version is deprecated.
      type: bool
    versions:
      description: Every version, newest first, with C(version), C(app_version), C(created), C(digest),
        C(deprecated) and C(urls) (absolute).
      type: list
      elements: dict
    values:
      description: The latest version's default values, parsed (with O(values=latest)).
      type: dict
    values_raw:
      description: The latest version's C(values.yaml) text (with O(values=latest)).
      type: str
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.catalog import build_catalog  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils.lookup_keywords import check_keywords  # noqa: E402


class LookupModule(LookupBase):
    """``query('helmkit.core.helm_catalog', *repositories, **options)``: see DOCUMENTATION."""

    def run(self, terms, variables=None, **kwargs):
        check_keywords(self, kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        try:
            return build_catalog([str(t) for t in terms or []], allow=opt("allow"), deny=opt("deny"),
                                 values=opt("values"), devel=opt("devel"),
                                 repository_config=opt("repository_config"),
                                 repository_cache=opt("repository_cache"))
        except HelmkitError as exc:
            raise AnsibleLookupError("helm_catalog: %s" % exc)
