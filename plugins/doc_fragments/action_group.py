# -*- coding: utf-8 -*-
"""The ``action_group`` attribute every module shares: each is a member of meta/runtime.yml's ``helm`` action group
(tests/unit/test_module_attributes.py checks the membership against meta/runtime.yml)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/helmkit.core.helm) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - helmkit.core.helm
"""
