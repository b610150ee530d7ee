"""One safe join for every file name that comes from outside (registry configs, index entries, archive entries,
dependency and chart names): SecureJoin semantics (github.com/cyphar/filepath-securejoin, as Helm uses it).

:func:`secure_join` resolves ``unsafe`` inside ``root`` component by component, as if ``root`` were the file
system root: ``..`` stops at ``root`` and symbolic links are followed with their targets read relative to
``root``, so the result is always inside ``root``. :func:`join_inside` is the strict form for names that must
simply be a path below ``root``: it refuses absolute names, ``..``, empty names and anything a link would move
elsewhere, and returns the plain join.
"""
from __future__ import annotations

import os
import posixpath

from .errors import HelmkitError

__all__ = ["secure_join", "join_inside", "MAX_SYMLINKS"]

#: Links followed before giving up (Linux's MAXSYMLINKS is 40; filepath-securejoin uses 255).
MAX_SYMLINKS = 255


def secure_join(root, unsafe):
    """``root`` joined with ``unsafe`` (str, ``/`` or ``\\`` separated), resolved so that the result never leaves
    ``root`` (``..`` at the top stays at ``root``; absolute link targets are read relative to ``root``). Components
    that do not exist are joined lexically. Returns an absolute path. Raises HelmkitError after
    :data:`MAX_SYMLINKS` links (a loop)."""
    root = os.path.abspath(root)
    pending = unsafe.replace("\\", "/").split("/")
    current = ""
    links = 0
    while pending:
        part = pending.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            current = posixpath.dirname(current)
            continue
        candidate = posixpath.join(current, part) if current else part
        full = os.path.join(root, *candidate.split("/"))
        if os.path.islink(full):
            links += 1
            if links > MAX_SYMLINKS:
                raise HelmkitError("%s: too many symbolic links below %s" % (unsafe, root))
            target = os.readlink(full).replace("\\", "/")
            if target.startswith("/"):
                current = ""
            pending = target.split("/") + pending
            continue
        current = candidate
    return os.path.join(root, *current.split("/")) if current else root


def join_inside(root, name, what="file name", error=HelmkitError):
    """``root``/``name`` for a ``name`` that comes from outside data, refusing anything that is not a plain
    relative path below ``root``: absolute paths, drive letters, ``..`` components, an empty name or ``.``, and a
    path that a symbolic link below ``root`` would send elsewhere (checked with :func:`secure_join`).

    ``what`` names the value in the message (e.g. ``'chart name in Chart.yaml'``); ``error`` is the exception class
    raised (a HelmkitError subclass). Returns the joined path."""
    text = name if isinstance(name, str) else ""
    parts = text.replace("\\", "/").split("/")
    bad = (not text or text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":")
           or any(p == ".." for p in parts) or all(p in ("", ".") for p in parts) or "\x00" in text)
    if bad:
        raise error("%s %r is not a safe relative path (absolute paths, '..' and empty names are refused); it "
                    "would be written outside %s" % (what, name, root))
    joined = os.path.join(os.path.abspath(root), *[p for p in parts if p not in ("", ".")])
    if secure_join(root, text) != joined:
        raise error("%s %r leads through a symbolic link out of %s; refused" % (what, name, root))
    return joined
