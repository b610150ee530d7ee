# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin helm_search: search configured chart repositories like ``helm search repo``."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_search
short_description: Search the charts of configured Helm repositories, like helm search repo
version_added: "0.1.0"
description:
  - Searches the cached indexes of the repositories in Helm's C(repositories.yaml) (the ones C(helm repo list)
    shows and M(helmkit.core.helm_repository) manages), without network access.
  - Terms are joined with a space and matched case-insensitively in chart names, C(repo/chart) names,
    descriptions and keywords, ranked like C(helm search repo) (chart name matches first, then repository name,
    description, keywords; then by name; newest version first).
  - Without terms, every chart is returned.
  - A repository whose index is not cached is skipped with a warning; refresh it with
    M(helmkit.core.helm_repository) and O(helmkit.core.helm_repository#module:update_cache=true).
options:
  _terms:
    description: Search terms, joined with a space like C(helm search repo) joins its arguments.
    required: false
  regexp:
    description: Treat the joined terms as a regular expression (case-sensitive, Go RE2 syntax as in Helm).
    type: bool
    default: false
  version:
    description:
      - A version constraint (Masterminds semver, as Helm uses it), for example V(^1.2) or V(>=1.0 <2).
      - Defaults to V(>0.0.0), or V(>0.0.0-0) with O(devel=true).
      - O(version_from) and O(version_to) apply on top of it.
    type: str
  version_from:
    description:
      - Lowest version to return, inclusive (V(1.0) means V(1.0.0)), compared with semver precedence.
      - Combined with O(version) (both must hold); pre-releases still need O(devel=true) or a O(version) that
        allows them.
    type: str
  version_to:
    description: Highest version to return, inclusive. See O(version_from).
    type: str
  versions:
    description: V(all) (or V(true)) returns every matching version; V(latest) (or V(false)) only the newest of
      each chart.
    type: raw
    default: latest
  devel:
    description: Include pre-release versions (ignored when O(version) is set).
    type: bool
    default: false
  allow:
    description: Regular expressions (Go RE2 syntax) searched in C(repo/chart); only charts matching at least one
      are returned.
    type: list
    elements: str
  deny:
    description: Regular expressions (Go RE2 syntax) searched in C(repo/chart); charts matching any are left out.
    type: list
    elements: str
  repositories:
    description: Names of the repositories to search (default all configured ones).
    type: list
    elements: str
  repository_config:
    description: Path of C(repositories.yaml) (default Helm's, honouring E(HELM_REPOSITORY_CONFIG)).
    type: path
  repository_cache:
    description: Helm's repository cache directory (default Helm's, honouring E(HELM_REPOSITORY_CACHE)).
    type: path
"""

EXAMPLES = r"""
- name: Newest release of every chart that mentions ingress
  ansible.builtin.debug:
    msg: "{{ query('helmkit.core.helm_search', 'ingress') | map(attribute='name') }}"

- name: Every 1.x version of grafana/loki
  ansible.builtin.set_fact:
    loki_versions: "{{ query('helmkit.core.helm_search', 'loki', version='^1', versions='all',
                             allow=['^grafana/loki$']) | map(attribute='version') }}"

- name: Every ingress-nginx version from 4.0 to 4.2.3, both included
  ansible.builtin.set_fact:
    nginx_versions: "{{ query('helmkit.core.helm_search', 'ingress-nginx', versions='all', version_from='4.0',
                              version_to='4.2.3') | map(attribute='version') }}"
"""

RETURN = r"""
_raw:
  description: One dict per chart version found, in Helm's order.
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
    version:
      description: Chart version.
      type: str
    app_version:
      description: The chart's appVersion.
      type: str
    description:
      description: Chart description.
      type: str
    keywords:
      description: Chart keywords.
      type: list
      elements: str
    deprecated:
      description: Whether the chart version is deprecated.
      type: bool
    digest:
      description: SHA-256 of the chart archive, from the index.
      type: str
    created:
      description: When the version was published (RFC 3339, from the index).
      type: str
    urls:
      description: Download URLs, made absolute against the repository URL.
      type: list
      elements: str
    score:
      description: Helm's relevance score (0 = chart name matched, 1 = repository/chart, 2 = description,
        3 = keywords).
      type: int
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

from ansible.utils.display import Display  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils import report  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.search import search_repositories  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils.lookup_keywords import check_keywords  # noqa: E402

display = Display()

_ALL = ("all", "true", "yes")
_LATEST = ("latest", "false", "no", "")


def _all_versions(value):
    """``versions`` option: True for all/true, False for latest/false; AnsibleLookupError otherwise."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _ALL:
        return True
    if text in _LATEST:
        return False
    raise AnsibleLookupError("helm_search: versions must be 'all' or 'latest', got %r" % (value,))


class LookupModule(LookupBase):
    """``query('helmkit.core.helm_search', *terms, **options)``: see DOCUMENTATION."""

    def run(self, terms, variables=None, **kwargs):
        check_keywords(self, kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        warnings = []  # shown once the search succeeded
        try:
            with report.routed(warnings.append):
                result = search_repositories(
                    terms=[str(t) for t in terms or []], regexp=opt("regexp"), version=opt("version"),
                    versions=_all_versions(opt("versions")), devel=opt("devel"), allow=opt("allow"),
                    deny=opt("deny"), version_from=opt("version_from"), version_to=opt("version_to"),
                    repositories=opt("repositories"), repository_config=opt("repository_config"),
                    repository_cache=opt("repository_cache"))
        except HelmkitError as exc:
            raise AnsibleLookupError("helm_search: %s" % exc)
        for warning in warnings:
            display.warning("helm_search: %s" % warning)
        return result.charts
