# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin helm_release: read Helm releases (and their history) from a cluster, as data."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_release
short_description: Read Helm releases from a Kubernetes cluster, as data
version_added: "0.1.0"
description:
  - Reads Helm releases from the cluster the controller reaches, by decoding Helm v3/v4's own storage records, so
    releases installed by the C(helm) CLI, by M(helmkit.core.helm_release) or by any Helm SDK are all visible.
  - With terms, returns those releases (by name) in the selected namespaces; without terms, every release there
    (like C(helm list)), in every status unless O(status) filters.
  - Records that cannot be decoded are skipped with a warning that names the Secret or ConfigMap.
  - A release named in the terms that does not exist (or does not pass the filters) is an error, which Ansible's
    own C(errors) argument of C(lookup) and C(query) turns into an empty result. With C(errors='ignore') it returns
    nothing, with C(errors='warn') it returns nothing and prints a warning, and with C(errors='strict') (Ansible's
    default) the task fails.
options:
  _terms:
    description: Release names. Without any, every release in the selected namespaces is returned.
    required: false
extends_documentation_fragment:
  - helmkit.core.kube_auth
  - helmkit.core.release_query
"""

EXAMPLES = r"""
- name: Which chart version of podinfo runs in web?
  ansible.builtin.debug:
    msg: "{{ lookup('helmkit.core.helm_release', 'podinfo', namespace='web').chart_version }}"

- name: Every failed release in the cluster
  ansible.builtin.debug:
    msg: "{{ query('helmkit.core.helm_release', all_namespaces=true, status=['failed']) | map(attribute='name') }}"

- name: The web release with its revision history; an empty list when it is not installed
  ansible.builtin.set_fact:
    web: "{{ query('helmkit.core.helm_release', 'web', namespace='apps', history=true, errors='ignore') }}"
"""

RETURN = r"""
_raw:
  description: One dict per release found, sorted by namespace and name.
  type: list
  elements: dict
  contains:
    name:
      description: Release name.
      type: str
    namespace:
      description: Release namespace.
      type: str
    revision:
      description: The revision returned (the latest unless O(revision)).
      type: int
    status:
      description: Helm status of that revision (V(deployed), V(failed), V(pending-upgrade), ...).
      type: str
    chart:
      description: C(<chart name>-<chart version>), as C(helm list) prints it.
      type: str
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
      description: When the revision was deployed (RFC 3339, as stored).
      type: str
    first_deployed:
      description: When the first revision was deployed (RFC 3339, as stored).
      type: str
    description:
      description: Helm's description of the revision (V(Install complete), an error, ...).
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
      description: The stored hooks (name, kind, path, manifest, events, last_run, weight, delete_policies).
      type: list
      elements: dict
    labels:
      description: Custom labels of the release record.
      type: dict
    history:
      description: With O(history=true), every stored revision (revision, status, chart, app_version, updated,
        description), oldest first.
      type: list
      elements: dict
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

from ansible.utils.display import Display  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import AUTH_OPTIONS, KubeClient  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.release.query import (  # noqa: E402
    ReleaseQuery, find_releases, scope_namespaces)
from ansible_collections.helmkit.core.plugins.plugin_utils.lookup_keywords import check_keywords  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils.reporting import displayed  # noqa: E402

display = Display()


class LookupModule(LookupBase):
    """``lookup('helmkit.core.helm_release', *names, **options)``: see DOCUMENTATION."""

    def run(self, terms, variables=None, **kwargs):
        check_keywords(self, kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        names = [str(term) for term in terms or []]
        connection = {name: opt(name) for name in AUTH_OPTIONS}
        namespaces = scope_namespaces(opt("release_namespace"), opt("namespaces"), opt("all_namespaces"),
                                      connection=connection)
        filters = dict(namespaces=namespaces, statuses=opt("status"), chart=opt("chart"), revision=opt("revision"),
                       history=opt("history"), all_values=opt("all_values"))
        results, missing = [], []
        try:
            with displayed("helm_release: ", display), KubeClient.from_options(connection) as client:
                query = ReleaseQuery(client, opt("storage_driver"))
                if not names:
                    results = find_releases(query, **filters)
                for name in names:
                    found = find_releases(query, name=name, **filters)
                    if not found:
                        missing.append(name)
                    results.extend(found)
        except HelmkitError as exc:
            raise AnsibleLookupError("helm_release: %s" % exc)
        if missing:
            raise AnsibleLookupError(_missing(missing, namespaces))
        return results


def _missing(names, namespaces):
    where = "namespace(s) %s" % ", ".join(namespaces) if namespaces else "any namespace"
    return ("helm_release: release %s not found in %s (with the given status/chart/revision filters); check the "
            "name, namespace and context, or pass errors='ignore' to get an empty result" % (", ".join(repr(n) for n in names), where))
