#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_dependency_info: helm dependency list without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_dependency_info
short_description: List a chart's dependencies and their status, like helm dependency list
version_added: "0.1.0"
description:
  - Does what C(helm dependency list) does for a chart directory. Returns each dependency of C(Chart.yaml)
    (C(requirements.yaml) for apiVersion v1 charts) with Helm's status of what is in C(charts/).
  - The same list that M(helmkit.core.helm_dependency) returns for state V(list), from the same code. This module
    is the C(_info) form that Ansible's module guidelines ask for (an C(_info) module only reads and never reports
    a change).
  - Reads local files only; it contacts no repository and no cluster. Supports check mode.
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
options:
  chart_path:
    description: The chart directory (the one holding C(Chart.yaml)).
    type: path
    required: true
attributes:
  check_mode:
    description:
      - The module only reads local files, so it runs the same in check mode.
    support: full
  diff_mode:
    description:
      - Nothing is changed, so there is no diff.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Which dependencies are missing or out of date?
  helmkit.core.helm_dependency_info:
    chart_path: charts/myapp
  register: deps

- name: Update them only when needed
  helmkit.core.helm_dependency:
    chart_path: charts/myapp
    state: update
  when: deps.dependencies | rejectattr('status', 'equalto', 'ok') | list | length > 0
"""

RETURN = r"""
dependencies:
  description: The dependencies of C(Chart.yaml), in its order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Chart name of the dependency.
      type: str
    version:
      description: The version constraint from C(Chart.yaml) ("" when none).
      type: str
    repository:
      description: The repository from C(Chart.yaml) (C(https://), C(oci://), C(file://), C(@name) or "").
      type: str
    status:
      description:
        - Helm's status, one of C(ok) (an archive in C(charts/) satisfies the constraint), C(missing),
          C(wrong version), C(unpacked) (a chart directory in C(charts/)), C(misnamed) (the archive holds another
          chart), C(corrupt), C(invalid version) or C(too many matches).
      type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager  # noqa: E402


def _action(module):

    return {"changed": False, "dependencies": manager.list_dependencies(module.params["chart_path"])}


def main():
    argument_spec = dict(chart_path=dict(type="path", required=True))
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
