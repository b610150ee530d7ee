"""Values of an upgrade with ``reuse_values``, ``reset_values`` or ``reset_then_reuse_values``
(``pkg/action/upgrade.go: reuseValues``).

The base revision is the last deployed one or, when none is, the last revision if it is failed or superseded.

* ``reset_values``: the given values only (the chart's defaults under them); the last values are ignored.
* ``reuse_values``: the given values over the base revision's values, *and* the chart's defaults replaced by the
  base revision's effective values (its stored chart defaults with its values coalesced in), so new chart
  defaults are not picked up (Helm's well-known behaviour; use ``reset_then_reuse_values`` for them).
* ``reset_then_reuse_values``: the given values over the base revision's values, with the new chart's defaults.
* none of them: Helm reuses the last values only when no values are given (``actions._upgrade_config``).
"""
from __future__ import annotations

import copy

from ..chart.values import coalesce_tables, deep_copy
from ..errors import ValuesError
from .record import STATUS_DEPLOYED, STATUS_FAILED, STATUS_SUPERSEDED, STATUS_UNINSTALLED

MODES = ("reuse_values", "reset_values", "reset_then_reuse_values")


def choose_mode(reuse_values: bool = False, reset_values: bool = False, reset_then_reuse_values: bool = False):
    """The one mode set among the three flags, or None. Raises :class:`ValuesError` when more than one is set."""
    chosen = [name for name, flag in zip(MODES, (reuse_values, reset_values, reset_then_reuse_values)) if flag]
    if len(chosen) > 1:
        raise ValuesError("%s are mutually exclusive; set only one of them" % " and ".join(chosen))
    return chosen[0] if chosen else None


def base_revision(history: list):
    """The revision whose values are reused (Helm's ``currentRelease`` of an upgrade), or None."""
    if not history or history[-1].status == STATUS_UNINSTALLED:
        return None
    deployed = [rel for rel in history if rel.status == STATUS_DEPLOYED]
    if deployed:
        return deployed[-1]
    if history[-1].status in (STATUS_FAILED, STATUS_SUPERSEDED):
        return history[-1]
    return None


def upgrade_inputs(chart, history: list, values: dict, mode) -> tuple:
    """``(chart, values)`` to render an upgrade with under ``mode`` (one of :data:`MODES` or None).

    ``chart`` is returned unchanged except for ``reuse_values``, which returns a shallow copy whose ``values`` are
    the base revision's effective values. Installs (no base revision) and ``mode`` None return the inputs as given.
    """
    base = base_revision(history)
    if base is None or mode is None or mode == "reset_values":
        return chart, values
    merged = coalesce_tables(deep_copy(values or {}), deep_copy(base.config))
    if mode == "reset_then_reuse_values":
        return chart, merged
    stored_defaults = (base.record.get("chart") or {}).get("values") or {}
    old_values = coalesce_tables(deep_copy(base.config), deep_copy(stored_defaults))
    reused = copy.copy(chart)
    reused.values = old_values
    return reused, merged
