"""Secrets out of the OCI layer's log lines, before they reach the one reporting channel (``report.py``).

oras-py logs through its own ``oras.logger.logger`` and may print; :mod:`.orasio` captures both while it runs
a request, masks the secrets with :func:`mask` and reports each line through :func:`..report.emit`: ``warning`` and
``error`` lines become the task's warnings, everything else its debug output (``_common.run_module`` routes them).
Without a route the lines are only kept on the client (``RegistryClient.messages``). This file imports nothing
outside the standard library, so a module can import it cheaply.
"""
from __future__ import annotations

__all__ = ["mask", "MASK"]

MASK = "********"


def mask(text, secrets):
    """``text`` (str) with every secret of ``secrets`` (iterable of str; empty and very short ones skipped)
    replaced by ``********``; longest first, so a secret containing another is masked whole."""
    text = str(text)
    for secret in sorted((s for s in secrets if s and len(s) >= 3), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text
