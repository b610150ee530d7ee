#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_plugin_info: list the Helm plugins installed, like helm plugin list."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_plugin_info
short_description: List installed Helm plugins, like helm plugin list
version_added: "0.2.0"
description:
  - Reads Helm's plugin directory (E(HELM_PLUGINS), else Helm's default) and returns each plugin that loads, as
    C(helm plugin list) shows them. Same interface as C(kubernetes.core.helm_plugin_info).
  - Never changes anything; supports check mode.
options:
  plugin_name:
    description: Only this plugin.
    type: str
attributes:
  check_mode:
    description: The module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing is changed, so there is no diff.
    support: none
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.helm_plugins
  - helmkit.core.kube_auth.unused
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Which post-renderers are installed?
  helmkit.core.helm_plugin_info:
  register: plugins

- name: Show them
  ansible.builtin.debug:
    msg: "{{ plugins.plugin_list | selectattr('type', 'eq', 'postrenderer/v1') | map(attribute='name') | list }}"
"""

RETURN = r"""
plugin_list:
  description: The plugins, sorted by directory name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Plugin name.
      type: str
    version:
      description: Plugin version.
      type: str
    description:
      description: Its usage or short help text.
      type: str
    type:
      description: C(cli/v1), C(getter/v1) or C(postrenderer/v1).
      type: str
    runtime:
      description: C(subprocess) or C(extism/v1).
      type: str
    apiVersion:
      description: C(v1), or C(legacy).
      type: str
    path:
      description: Its directory.
      type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    HELM_PLUGINS_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.manifest import list_plugins  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.paths import plugins_directory  # noqa: E402


def _action(module):
    p = module.params
    plugins = list_plugins(p["plugins_directory"] or plugins_directory())
    found = [pl.as_dict() for pl in plugins if not p["plugin_name"] or pl.name == p["plugin_name"]]
    return {"changed": False, "plugin_list": found}


def main():
    argument_spec = dict(plugin_name=dict(type="str"))
    argument_spec.update(HELM_PLUGINS_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
