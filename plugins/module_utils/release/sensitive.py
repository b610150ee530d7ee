"""``sensitive_values``: value paths whose contents must never appear in a task's output.

A module registers what :func:`sensitive_strings` returns as no-log values, so Ansible masks every occurrence in the
result (``values``, ``manifest``, diffs, errors, warnings) and in the logged invocation. Secret manifests carry
values base64-encoded (``b64enc``) and release records base64 twice, so those forms are masked too.
"""
from __future__ import annotations

import base64

from ..errors import ValuesError


def _split(path: str) -> list:
    if not isinstance(path, str) or not path.strip() or path.startswith(".") or path.endswith(".") or ".." in path:
        raise ValuesError("sensitive_values: %r is not a value path; give dotted keys such as db.password"
                          % (path,))
    return path.split(".")


def _leaves(value) -> list:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool):
        return []
    return [value if isinstance(value, str) else str(value)]


def _forms(text: str) -> set:
    once = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return {text, once, base64.b64encode(once.encode("ascii")).decode("ascii")}


def sensitive_strings(values: dict, paths) -> set:
    """Strings to mask for ``paths`` (list of dotted value paths, e.g. ``["db.password", "tls"]``) in ``values``
    (the merged user values, dict): every leaf under each path that exists, as text, base64 and base64 twice.
    Paths that do not exist are ignored. Raises :class:`ValuesError` for a malformed path. Strings shorter than
    4 characters are left out (masking them would garble unrelated output)."""
    found = set()
    for path in paths or ():
        node = values
        for key in _split(path):
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                break
        for leaf in _leaves(node):
            if len(leaf) >= 4:
                found |= _forms(leaf)
    return found


def stored_sensitive_strings(client, namespace: str, release_name: str, paths, storage_driver: str = "secret") -> set:
    """:func:`sensitive_strings` of every stored revision's user values (``config``) of ``release_name``, since a
    values diff or a rollback shows earlier revisions' values. Raises ReleaseError when the history cannot be read."""
    from .storage import ReleaseStorage

    found = set()
    for release in ReleaseStorage(client, namespace, storage_driver).history(release_name):
        found |= sensitive_strings(release.config or {}, paths)
    return found
