"""Private on-disk caches in the user's cache directory: one :class:`PrivateCache` per cache of the collection that
stores data it later trusts (the module bytecode cache ``_bytecache.py``, the parse-tree cache
``engine/treecache.py``, the chart loading cache ``chart/loadcache.py``, the manifest identities of
``release/unchanged.py``); the discovery cache keeps kubectl's own format and only uses :func:`safe_directory`.

Safety rules, one home for all of them:

* a directory is used only if it is a real directory owned by the current user and not writable by group or others;
  it is created 0700 (``private_directory``);
* an entry is ``header + sha256(body) + body``: a file whose header or digest does not match is removed and treated
  as a miss, so a truncated, corrupted or foreign file never reaches a decoder;
* writes go to a temporary file in the same directory and are renamed into place (atomic on POSIX and Windows);
* a directory is bounded: when a process first writes and finds more than the cache's bound of entries,
  :func:`prune` removes the least recently modified ones down to half the bound;
* an environment switch (``HELMKIT_TEMPLATE_CACHE=0``, ``HELMKIT_BYTECODE_CACHE=0``; also ``off``/``false``/``no``)
  turns a cache off, an unsafe directory or any I/O error on write turns it off for the rest of the process.

Standard library only, so that it can be imported before anything else (``_bytecache`` runs at package import).
"""
from __future__ import annotations

import hashlib
import os
import stat
import tempfile

_DIGEST = 32
_OFF = ("0", "off", "false", "no")
_ALL = []  # every PrivateCache made (module-level objects: a few)


def switched_off(variable: str) -> bool:
    """Whether environment variable ``variable`` turns a cache off (``0``, ``off``, ``false``, ``no``, any case)."""
    return os.environ.get(variable, "").strip().lower() in _OFF


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
    """When ``directory`` holds more than ``max_entries`` files, remove the least recently modified ones so that
    ``max_entries // 2`` remain."""
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
    for _mtime, full in aged[:max(len(aged) - max_entries // 2, 0)]:
        remove(full)


def remove(path: str) -> None:
    """Remove a file, ignoring errors."""
    try:
        os.remove(path)
    except OSError:
        pass


class PrivateCache(object):
    """The life cycle of one private cache: ``<cache home>/<parts...>``, created 0700 on first use and used only when
    safe (:func:`safe_directory`), turned off by environment variable ``switch`` (None: no switch), an unsafe
    directory or a failed write; pruned to ``max_entries`` (count of files) once per process, before its first write.

    ``header`` (optional callable returning bytes) is computed once, when the directory is first resolved, and
    prefixes the header of every entry (an ``OSError``, ``ValueError`` or ``ImportError`` from it turns the cache
    off). Entries are read and written with :func:`read_entry`/:func:`write_entry`. Never raises for I/O errors.
    """

    def __init__(self, parts, max_entries: int, switch=None, header=None):
        self.parts = tuple(parts)
        self.max_entries = max_entries
        self.switch = switch
        self._make_header = header
        self.reset()
        _ALL.append(self)

    def reset(self) -> None:
        """Forget the resolved directory and the on/off state (tests and benchmarks change the switch)."""
        self._home = None
        self._directory = None
        self._header = b""
        self.off = False
        self._pruned = False

    def directory(self):
        """The cache directory (str), or None when the cache is off. Resolved again when the cache home changes."""
        home = cache_home()
        if home != self._home:
            self.reset()
            self._home = home
        if self.off:
            return None
        if self._directory is None:
            path = os.path.join(home, *self.parts)
            if (self.switch and switched_off(self.switch)) or not safe_directory(path):
                path = None
            if path is not None and self._make_header is not None:
                try:
                    self._header = self._make_header()
                except (OSError, ValueError, ImportError):
                    path = None
            if path is None:
                self.off = True
                return None
            self._directory = path
        return self._directory

    def read(self, name: str, header: bytes = b""):
        """The checked body (bytes) of entry ``name`` whose header (after the cache's own) is ``header``, or None
        (a miss, the cache off, or a bad entry, which is removed)."""
        directory = self.directory()
        if directory is None:
            return None
        return read_entry(os.path.join(directory, name), self._header + header)

    def write(self, name: str, body: bytes, header: bytes = b"") -> bool:
        """Atomically write entry ``name`` (pruning the directory first, once per process); False when the cache is
        off or the write failed (which turns it off)."""
        directory = self.directory()
        if directory is None:
            return False
        if not self._pruned:
            self._pruned = True
            prune(directory, self.max_entries)
        if write_entry(directory, name, self._header + header, body):
            return True
        self.off = True
        return False

    def remove(self, name: str) -> None:
        """Remove entry ``name`` (an entry that checked but did not decode)."""
        if self._directory is not None:
            remove(os.path.join(self._directory, name))


def reset_all() -> None:
    """:meth:`PrivateCache.reset` every private cache (see ``caches.EngineCaches.clear``)."""
    for cache in _ALL:
        cache.reset()
