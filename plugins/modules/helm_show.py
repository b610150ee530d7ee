#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_show: a chart's Chart.yaml, values, README and CRDs without installing, like helm show."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_show
short_description: Show a chart's definition, default values, README and CRDs, like helm show
version_added: "0.1.0"
description:
  - Reads a chart without installing it and returns what C(helm show chart|values|readme|crds|all) prints (in
    RV(output), byte for byte), plus each part separately.
  - The chart can be a local directory or C(.tgz), C(repo/chart) from Helm's C(repositories.yaml), a chart name
    with O(repo_url), an C(https://) URL of a C(.tgz), or an C(oci://) reference. Downloads go through the local
    content-addressed chart cache.
  - Never changes anything on the target; supports check mode.
options:
  chart_ref:
    description: The chart (see the description for the accepted forms).
    type: str
    required: true
    aliases: [chart]
  chart_version:
    description: Exact version or version constraint. Default the latest release.
    type: str
    aliases: [version]
  repo_url:
    description: Repository URL for a bare chart name (like C(helm show --repo)).
    type: str
    aliases: [chart_repo_url]
  output:
    description: Which part RV(output) holds, like the C(helm show) subcommands.
    type: str
    choices: [all, chart, values, readme, crds]
    default: all
  timeout:
    description:
      - Timeout of each HTTP request.
      - Seconds (V(120)) or a Go duration (V(2m), V(90s)), read as helm_release reads its O(timeout).
    type: raw
    default: 120
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.secret
  - helmkit.core.chart_source
attributes:
  check_mode:
    description:
      - The module changes nothing on the target, so it runs the same in check mode.
    support: full
  diff_mode:
    description:
      - Nothing is changed, so there is no diff.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Default values of a repository chart
  helmkit.core.helm_show:
    chart_ref: podinfo/podinfo
    chart_version: "6.14.1"
    output: values
  register: shown

- name: Use them as data
  ansible.builtin.set_fact:
    podinfo_defaults: "{{ shown.values | from_yaml }}"
"""

RETURN = r"""
output:
  description: Exactly what C(helm show <output>) prints.
  returned: success
  type: str
chart:
  description: Chart.yaml metadata.
  returned: success
  type: dict
values:
  description: The chart's C(values.yaml) text, comments included ("" when it has none).
  returned: success
  type: str
readme:
  description: The README text ("" when the chart has none).
  returned: success
  type: str
crds:
  description: CRD files of the chart and its subcharts (C(name) in the chart, C(content)).
  returned: success
  type: list
  elements: dict
name:
  description: Chart name.
  returned: success
  type: str
version:
  description: Chart version.
  returned: success
  type: str
digest:
  description: Hex SHA-256 of the chart archive ("" for a chart directory).
  returned: success
  type: str
url:
  description: Where the chart was downloaded from (password removed; "" for a local chart).
  returned: success
  type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    CHART_SOURCE_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.show import show_chart  # noqa: E402


def _action(module):
    p = module.params
    result = show_chart(p["chart_ref"], output=p["output"], options=module_source_options(p), repo_url=p["repo_url"])
    result["changed"] = False
    return result


def main():
    argument_spec = dict(
        chart_ref=dict(type="str", required=True, aliases=["chart"]),
        chart_version=dict(type="str", aliases=["version"]),
        repo_url=dict(type="str", aliases=["chart_repo_url"]),
        output=dict(type="str", choices=["all", "chart", "values", "readme", "crds"], default="all"),
        timeout=dict(type="raw", default=120),
    )
    argument_spec.update(CHART_SOURCE_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by={"key_file": "cert_file"})
    run_module(module, _action)


if __name__ == "__main__":
    main()
