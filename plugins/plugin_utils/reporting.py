# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Controller-side route of the domain's one reporting channel (``module_utils/report.py``) to Ansible's Display.

A module's warnings and debug lines are routed by ``module_utils/_common.py`` (``module.warn``, ``module.debug``);
lookups and inventory plugins run on the controller without a module object and use :func:`displayed` instead.
"""
from __future__ import annotations

import contextlib

from ansible.utils.display import Display

from ansible_collections.helmkit.core.plugins.module_utils import report


@contextlib.contextmanager
def displayed(prefix: str = "", display=None):
    """Inside the block, every warning reported by the domain is shown with ``display.warning(prefix + text)`` and
    every debug line with ``display.vvv(prefix + text)`` (``display``: an Ansible Display; a new one by default)."""
    display = display or Display()
    with report.routed(lambda text: display.warning(prefix + text), lambda text: display.vvv(prefix + text)):
        yield
