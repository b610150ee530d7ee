# -*- coding: utf-8 -*-
"""The values options of the modules that render a chart without a release (helm_lint, helm_template):
``module_utils/args_common.py: CHART_VALUES_ARG_SPEC`` declares them. Each module documents its own
``values_files`` (their types differ)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  values:
    description: Values merged after O(values_files) (like one more C(helm -f) file).
    type: dict
    default: {}
    aliases: [release_values]
  set_values:
    description:
      - Values in Helm's C(--set) syntax, applied after O(values) and O(values_files).
      - As Helm does, entries are applied grouped by type in the order V(json), V(raw), V(string), V(file),
        V(literal).
    type: list
    elements: dict
    default: []
    suboptions:
      value:
        description: A C(key=value) expression, for example V(image.tag=1.2) or V(list[0].name=x).
        type: str
        required: true
      value_type:
        description:
          - V(raw) is C(--set), V(string) C(--set-string), V(json) C(--set-json), V(file) C(--set-file) (the value
            is a path on the host where the module runs) and V(literal) C(--set-literal).
        type: str
        choices: [raw, string, json, file, literal]
        default: raw
  skip_schema_validation:
    description:
      - Do not validate the values against the chart's (and its subcharts') C(values.schema.json), like Helm v4's
        C(--skip-schema-validation).
    type: bool
    default: false
"""
