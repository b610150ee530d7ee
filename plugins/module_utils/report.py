"""The one channel for the domain's warnings and debug lines: domain code reports, the caller decides where it goes.

Domain code (release records that cannot be decoded, a chart without provenance, drift of an unchanged release,
the OCI layer's log lines) calls :func:`warn` or :func:`debug` (or :func:`emit` with a log level) and never knows
about Ansible. Whoever runs it routes the channel::

    with routed(module.warn, module.debug):      # _common.run_module: the task's warnings and debug output
        result = action(module)

    with routed(lambda text: display.warning("helm_release: %s" % text)):   # a lookup or inventory plugin
        ...

Routes nest; every active route receives every line. They are process-wide (a line reported by a worker thread,
such as a dependency fetched concurrently, reaches them too). A failing route is ignored: reporting must never
break the work. Without a route a line is dropped. Standard library only.
"""
from __future__ import annotations

import contextlib
import threading

__all__ = ["routed", "warn", "debug", "emit"]

_LOCK = threading.Lock()
_ROUTES = []
_WARNING_LEVELS = ("warning", "error", "critical")


@contextlib.contextmanager
def routed(warn_to, debug_to=None):
    """Send warnings to ``warn_to(text)`` and debug lines to ``debug_to(text)`` inside the block (either may be None
    to drop those lines)."""
    route = (warn_to, debug_to)
    with _LOCK:
        _ROUTES.append(route)
    try:
        yield
    finally:
        with _LOCK:
            _ROUTES.remove(route)


def emit(level: str, text: str) -> None:
    """Report one line at log level ``level`` (``warning``, ``error`` and ``critical`` are warnings; ``debug``,
    ``info`` and anything else are debug lines). ``text`` (str) must already be free of secrets."""
    index = 0 if level in _WARNING_LEVELS else 1
    with _LOCK:
        targets = [route[index] for route in _ROUTES]
    for target in targets:
        if target is None:
            continue
        try:
            target(text)
        except Exception:  # pylint: disable=broad-except
            pass


def warn(text: str) -> None:
    """Report a warning (str, free of secrets): an Ansible task shows it as one of its warnings."""
    emit("warning", text)


def debug(text: str) -> None:
    """Report a debug line (str, free of secrets): an Ansible task shows it with ``-vvv``."""
    emit("debug", text)
