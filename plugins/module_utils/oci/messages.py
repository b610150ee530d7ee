"""Where the OCI layer's log lines go: the module's warnings or its debug output, never stdout.

oras-py logs through its own ``oras.logger.logger`` and may print; :mod:`.orasio` captures both while it runs
a request and hands each line, with secrets already masked, to :func:`emit`. A module routes them with::

    with routed(module.warn, module.debug):
        result = action(module)

``warning`` and ``error`` lines go to ``warn``, everything else to ``debug``. Without a route the lines are only
kept on the client (``RegistryClient.messages``). This file imports nothing outside the standard library, so a
module can import it cheaply.
"""
from __future__ import annotations

import contextlib
import threading

__all__ = ["routed", "emit", "mask", "MASK"]

MASK = "********"
_LOCK = threading.Lock()
_ROUTES = []
_WARNING_LEVELS = ("warning", "error", "critical")


@contextlib.contextmanager
def routed(warn, debug=None):
    """Send OCI log lines to ``warn(text)`` (warnings, errors) and ``debug(text)`` (the rest) inside the block.

    ``debug`` may be None to drop debug lines. Routes nest; every active route receives every line.
    """
    route = (warn, debug)
    with _LOCK:
        _ROUTES.append(route)
    try:
        yield
    finally:
        with _LOCK:
            _ROUTES.remove(route)


def emit(level, text):
    """Hand one line (``level``: oras's level name: debug, info, warning, error; ``text``: already masked) to every
    active route. A failing route is ignored: logging must never break a registry operation."""
    with _LOCK:
        routes = list(_ROUTES)
    for warn, debug in routes:
        target = warn if level in _WARNING_LEVELS else debug
        if target is None:
            continue
        try:
            target(text)
        except Exception:  # pylint: disable=broad-except
            pass


def mask(text, secrets):
    """``text`` (str) with every secret of ``secrets`` (iterable of str; empty and very short ones skipped)
    replaced by ``********``; longest first, so a secret containing another is masked whole."""
    text = str(text)
    for secret in sorted((s for s in secrets if s and len(s) >= 3), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text
