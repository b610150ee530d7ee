#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_lint: Helm v4's lint rules on a local chart, like helm lint."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_lint
short_description: Check a chart for problems, like helm lint
version_added: "0.2.0"
description:
  - Runs Helm v4's lint rules on a chart directory or C(.tgz) on the host where the module runs, and returns each
    finding with its severity, path and text, exactly as C(helm lint) reports them.
  - "Rules: C(Chart.yaml) (fields, types, versions, URLs); C(values.yaml) and C(values.schema.json); templates,
    rendered in Helm's lint mode (release C(test-release)) and checked for YAML validity, object names,
    deprecated API versions for O(kube_version), selectors of workloads and C(List) annotations; dependencies
    declared versus present in C(charts/); files in C(crds/)."
  - The task fails when a finding is an error, or a warning under O(strict). Info findings never fail it.
  - Never changes anything; supports check mode.
options:
  chart_ref:
    description: Path of a chart directory or a chart archive (C(.tgz)) on the host where the module runs.
    type: path
    required: true
    aliases: [chart, chart_path]
  strict:
    description: Fail on warnings too (C(helm lint --strict)).
    type: bool
    default: false
  with_subcharts:
    description: Also lint every chart found below C(charts/) (C(helm lint --with-subcharts)).
    type: bool
    default: false
  kube_version:
    description:
      - Kubernetes version the templates see and against which API deprecations are judged (C(--kube-version)),
        for example V(v1.30.0). Default Helm's, v1.36.
    type: str
  release_namespace:
    description: C(.Release.Namespace) while rendering (C(--namespace)).
    type: str
    default: default
    aliases: [namespace]
  values_files:
    description: Values files on the host where the module runs, merged in order (like C(helm -f)).
    type: list
    elements: path
    default: []
attributes:
  check_mode:
    description: The module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing is changed, so there is no diff.
    support: none
notes:
  - With O(with_subcharts), each chart below C(charts/) is linted on its own, as the C(helm) CLI does.
  - A path without C(Chart.yaml) fails with Helm's C(unable to check Chart.yaml file in chart) error.
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.chart_values
  - helmkit.core.kube_auth.unused
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Lint a chart before packaging it
  helmkit.core.helm_lint:
    chart_ref: ./charts/web
    strict: true
    kube_version: v1.30.0
    values_files:
      - ./charts/web/ci/production-values.yaml

- name: Collect findings without failing the play
  helmkit.core.helm_lint:
    chart_ref: ./build/web-1.2.0.tgz
  register: lint
  ignore_errors: true

- name: Show them
  ansible.builtin.debug:
    msg: "{{ lint.messages | map(attribute='message') | list }}"
"""

RETURN = r"""
messages:
  description: Every finding, in the order Helm reports them.
  returned: always
  type: list
  elements: dict
  contains:
    severity:
      description: V(INFO), V(WARNING) or V(ERROR).
      type: str
    path:
      description: File the finding is about, relative to the chart (the chart directory for dependency findings).
      type: str
    message:
      description: Helm's text.
      type: str
  sample: [{"severity": "INFO", "path": "Chart.yaml", "message": "icon is recommended"}]
errors:
  description: Texts of the findings that fail the task (errors, and warnings under O(strict)).
  returned: always
  type: list
  elements: str
total_charts_linted:
  description: How many charts were linted.
  returned: always
  type: int
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    CHART_VALUES_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.chart.lint import SEVERITY_NAMES, lint  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.chart.template import collect_values  # noqa: E402

ARGUMENT_SPEC = dict(
    chart_ref=dict(type="path", required=True, aliases=["chart", "chart_path"]),
    strict=dict(type="bool", default=False),
    with_subcharts=dict(type="bool", default=False),
    kube_version=dict(type="str"),
    release_namespace=dict(type="str", default="default", aliases=["namespace"]),
    values_files=dict(type="list", elements="path", default=[]),
)


def _action(module):

    p = module.params
    values = collect_values(p["values_files"], p["values"], p["set_values"])
    report = lint(p["chart_ref"], values, strict=p["strict"], namespace=p["release_namespace"],
                  with_subcharts=p["with_subcharts"], kube_version=p["kube_version"],
                  skip_schema_validation=p["skip_schema_validation"])
    messages = [{"severity": SEVERITY_NAMES[m["severity"]], "path": m["path"], "message": m["error"]}
                for m in report["messages"]]
    result = {"changed": False, "messages": messages, "errors": report["errors"],
              "total_charts_linted": report["total_charts_linted"]}
    if report["errors"]:
        result["failed"] = True
        result["msg"] = "%d chart(s) linted, %d problem(s) fail the lint%s: %s" % (
            report["total_charts_linted"], len(report["errors"]), " (strict)" if p["strict"] else "",
            "; ".join(report["errors"]))
    return result


def main():
    argument_spec = dict(ARGUMENT_SPEC)
    argument_spec.update(CHART_VALUES_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
