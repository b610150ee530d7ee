# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Lookup plugin helm_template: render a Helm chart on the controller, like C(helm template)."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_template
author:
  - helmkit maintainers (@helmkit)
short_description: Render a Helm chart on the controller, like C(helm template), without the helm binary
version_added: "0.1.0"
description:
  - Renders each chart given as a term in pure Python exactly as Helm v4's C(helm template) does, on the
    controller, and returns the printed text (or the parsed objects).
  - Charts, O(values_files) and C(file) entries of O(set_values) are read on the controller.
extends_documentation_fragment:
  - helmkit.core.chart_source
options:
  _terms:
    description: Chart references; a local chart directory or C(.tgz), V(repo/chart), a chart name with
      O(chart_repo_url), a C(.tgz) URL, or V(oci://registry/path/chart).
    required: true
  chart_repo_url:
    description: URL of the chart repository that holds the charts.
    type: str
  chart_version:
    description: Chart version or semver constraint. Defaults to the latest stable version.
    type: str
  release_name:
    description: C(.Release.Name).
    type: str
    default: release-name
  release_namespace:
    description: C(.Release.Namespace).
    type: str
    default: default
  values:
    description: Values merged after O(values_files) (like one more C(helm -f) file).
    type: dict
    default: {}
  values_files:
    description: Values files on the controller, merged in order (like C(helm -f)).
    type: list
    elements: str
    default: []
  set_values:
    description:
      - "List of C({value: 'key=value', value_type: raw|string|json|file|literal}), Helm's C(--set),
        C(--set-string), C(--set-json), C(--set-file) and C(--set-literal); applied grouped by type in Helm's order
        json, raw, string, file, literal."
    type: list
    elements: dict
    default: []
  include_crds:
    description: Include C(crds/) files in the output (C(--include-crds)).
    type: bool
    default: false
  show_only:
    description: Only documents from these templates (C(--show-only)), Go C(filepath.Match) patterns such as
      V(templates/service.yaml).
    type: list
    elements: str
    default: []
  skip_tests:
    description: Leave test hooks out (C(--skip-tests)).
    type: bool
    default: false
  kube_version:
    description: C(.Capabilities.KubeVersion) (C(--kube-version)). Defaults to V(v1.36.0).
    type: str
  api_versions:
    description: API versions added to C(.Capabilities.APIVersions) (C(--api-versions)).
    type: list
    elements: str
    default: []
  is_upgrade:
    description: Set C(.Release.IsUpgrade) instead of C(.Release.IsInstall).
    type: bool
    default: false
  revision:
    description: C(.Release.Revision).
    type: int
    default: 1
  output:
    description: V(manifest) returns the text C(helm template) prints; V(objects) the list of parsed documents.
    type: str
    choices: [manifest, objects]
    default: manifest
"""

EXAMPLES = r"""
- name: Render a chart on the controller
  ansible.builtin.debug:
    msg: "{{ lookup('helmkit.core.helm_template', './charts/web', release_name='web', values={'replicas': 2}) }}"

- name: The Services a chart would create
  ansible.builtin.set_fact:
    services: >-
      {{ lookup('helmkit.core.helm_template', 'bitnami/redis', output='objects')
         | selectattr('kind', 'equalto', 'Service') | list }}
"""

RETURN = r"""
_raw:
  description:
    - One entry per term, the C(helm template) text with O(output=manifest) or the list of objects with
      O(output=objects).
  type: list
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.args_common import CHART_SOURCE_ARG_SPEC  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.chart import template  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.locate import load  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils.lookup_keywords import check_keywords  # noqa: E402

_SET_TYPES = ("raw", "string", "json", "file", "literal")


def _normalise_set_values(items):
    out = []
    for index, item in enumerate(items or []):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise AnsibleLookupError("set_values[%d] must be a mapping with a string 'value' (key=value)" % index)
        kind = item.get("value_type", "raw")
        if kind not in _SET_TYPES:
            raise AnsibleLookupError("set_values[%d].value_type is %r; expected one of %s"
                                     % (index, kind, ", ".join(_SET_TYPES)))
        out.append({"value": item["value"], "value_type": kind})
    return out


def _source_params(opt):
    """The chart-source options of the lookup (doc fragment helmkit.core.chart_source) as a params dict."""
    params = dict((name, opt(name)) for name in CHART_SOURCE_ARG_SPEC)
    params["chart_version"] = opt("chart_version")
    return params


class LookupModule(LookupBase):
    """``lookup('helmkit.core.helm_template', chart_ref, **options)``: see DOCUMENTATION."""

    def run(self, terms, variables=None, **kwargs):
        check_keywords(self, kwargs)
        self.set_options(var_options=variables, direct=kwargs)
        opt = self.get_option
        set_values = _normalise_set_values(opt("set_values"))
        results = []
        for term in terms:
            try:
                chart, _located = load(str(term), module_source_options(_source_params(opt)), opt("chart_repo_url"))
                values = template.collect_values(opt("values_files"), opt("values"), set_values)
                rendered = template.template_chart(
                    chart, values, release_name=opt("release_name"), namespace=opt("release_namespace"),
                    revision=opt("revision"), is_upgrade=opt("is_upgrade"), kube_version=opt("kube_version"),
                    api_versions=opt("api_versions"), include_crds=opt("include_crds"),
                    skip_tests=opt("skip_tests"), show_only=opt("show_only"))
            except HelmkitError as exc:
                raise AnsibleLookupError("helm_template %s: %s" % (term, exc))
            results.append(rendered.objects if opt("output") == "objects" else rendered.manifest)
        return results
