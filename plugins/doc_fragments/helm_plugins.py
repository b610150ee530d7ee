# -*- coding: utf-8 -*-
"""The plugin directory option of the Helm plugin modules (helm_plugin, helm_plugin_info):
``module_utils/args_common.py: HELM_PLUGINS_ARG_SPEC`` declares it."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  plugins_directory:
    description: Helm's plugin directory. Default E(HELM_PLUGINS), else Helm's default for the user running the task.
    type: path
"""
