# -*- coding: utf-8 -*-
"""kubernetes.core's ``binary_path`` (the path of the C(helm) binary it runs), which the modules taking kubernetes.core's
option names accept and ignore with a warning: ``module_utils/args_common.py: BINARY_PATH_ARG_SPEC`` declares it and
``module_utils/kcore.py: warn_binary_path`` warns."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  binary_path:
    description:
      - Accepted for kubernetes.core compatibility and ignored, with a warning; no C(helm) binary is run.
    type: path
"""
