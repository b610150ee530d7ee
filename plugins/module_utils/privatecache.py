"""Private on-disk cache entries in the user's cache directory, shared by every cache of the collection that stores
data it later trusts (the module bytecode cache ``_bytecache.py``; the discovery cache keeps kubectl's own format
and only uses :func:`safe_directory`).

Safety rules, one home for all of them:

* a directory is used only if it is a real directory owned by the current user and not writable by group or others;
  it is created 0700 (``private_directory``);
* an entry is ``header + sha256(body) + body``: a file whose header or digest does not match is removed and treated
  as a miss, so a truncated, corrupted or foreign file never reaches a decoder;
* writes go to a temporary file in the same directory and are renamed into place (atomic on POSIX and Windows);
* a directory is bounded: :func:`prune` removes the least recently modified half when it holds too many entries.

Standard library only, so that it can be imported before anything else (``_bytecache`` runs at package import).
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile

_DIGEST = 32


def cache_home() -> str:
    """``$XDG_CACHE_HOME`` or ``~/.cache`` (str)."""
    return os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")


def safe_directory(path: str, create_mode: int = 0o700) -> bool:
    """Create ``path`` (mode ``create_mode``) if missing; True when it is a directory owned by the current user and
    not writable by group or others. Never raises for I/O errors (False)."""
    try:
        os.makedirs(path, mode=create_mode, exist_ok=True)
        info = os.lstat(path)
    except (OSError, ValueError):
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def private_directory(*parts: str):
    """``<cache home>/<parts...>`` created 0700 when safe (see :func:`safe_directory`), else None."""
    path = os.path.join(cache_home(), *parts)
    return path if safe_directory(path) else None


def read_entry(path: str, header: bytes):
    """The body of entry ``path`` when it starts with ``header`` and its digest matches, else None (a bad entry
    is removed)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    start = len(header) + _DIGEST
    if data[:len(header)] == header and len(data) >= start \
            and hashlib.sha256(data[start:]).digest() == data[len(header):start]:
        return data[start:]
    remove(path)
    return None


def write_entry(directory: str, name: str, header: bytes, body: bytes) -> bool:
    """Atomically write entry ``directory/name``; True on success, False on any I/O error (nothing left behind)."""
    try:
        handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(header + hashlib.sha256(body).digest() + body)
        os.replace(temp, os.path.join(directory, name))
    except OSError:
        remove(temp)
        return False
    return True


def prune(directory: str, max_entries: int) -> None:
    """When ``directory`` holds more than ``max_entries`` files, remove the least recently modified half."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    if len(names) <= max_entries:
        return
    aged = []
    for name in names:
        full = os.path.join(directory, name)
        try:
            aged.append((os.stat(full).st_mtime, full))
        except OSError:
            continue
    aged.sort()
    for _mtime, full in aged[:len(aged) // 2]:
        remove(full)


def remove(path: str) -> None:
    """Remove a file, ignoring errors."""
    try:
        os.remove(path)
    except OSError:
        pass
