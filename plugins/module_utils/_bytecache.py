"""Bytecode cache for module_utils run from Ansible's AnsiballZ zip.

A module runs from the zip Ansible sends (the AnsiballZ payload), and Python's zipimport compiles every source file
of it on every run: no ``__pycache__`` exists inside the zip. For helm_release that is about 0.6 s of CPU before any
work. :func:`install` puts a finder first on ``sys.meta_path`` that, for this collection's packages (and Ansible's
``module_utils``) loaded from a zip, keeps the compiled code objects in
``${XDG_CACHE_HOME:-~/.cache}/helmkit/bytecode/<sha256 of magic number and source>``: a later run with the same
source (whatever the zip's temporary path) loads the code with :mod:`marshal` instead of compiling it.

Safety: entries live in a directory created 0700, used only when owned by the user and not group/world-writable;
each entry carries the format, the interpreter's bytecode magic number and the sha256 of its body, checked before
``marshal.loads`` (:data:`CACHE`, a :class:`privatecache.PrivateCache`); the key is the source's hash, so a changed
file is never served stale code.
Writes are atomic; at most :data:`MAX_ENTRIES` entries (the oldest half is pruned). ``HELMKIT_BYTECODE_CACHE=0``
turns it off, and ``PYTHONDONTWRITEBYTECODE`` stops writes as it does for ``.pyc`` files. Any failure falls back
to compiling, as zipimport would. Importing this module installs it (``_common.py`` imports it first); outside a zip (controller plugins, tests)
that does nothing.

Why this and not rendering on the controller in the action plugin: see docs/engine.md ("Module start-up").
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import marshal
import sys
import zipimport

from . import privatecache

MAX_ENTRIES = 4000
_PREFIXES = ("ansible_collections.helmkit.core.", "ansible.module_utils.")
_HEADER = b"helmkit-bytecode-1\0" + importlib.util.MAGIC_NUMBER
CACHE = privatecache.PrivateCache(("helmkit", "bytecode"), MAX_ENTRIES, switch="HELMKIT_BYTECODE_CACHE")

try:  # CPython's own fix-up of co_filename for cached code (importlib's SourceLoader uses it)
    from _imp import _fix_co_filename
except ImportError:  # pragma: no cover - other interpreters
    _fix_co_filename = None


def cached_code(source: bytes, filename: str):
    """The code object of ``source`` (bytes) compiled as ``filename``: from the cache when an entry for the
    source's hash exists, else compiled (and stored). Raises what :func:`compile` raises for invalid source."""
    key = hashlib.sha256(_HEADER + source).hexdigest()
    body = CACHE.read(key, _HEADER)
    if body is not None:
        try:
            code = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            code = None
        if code is not None:
            if _fix_co_filename is not None:
                _fix_co_filename(code, filename)
            return code
    code = compile(source, filename, "exec", dont_inherit=True)
    if not sys.dont_write_bytecode:
        CACHE.write(key, marshal.dumps(code), _HEADER)
    return code


class _CachingLoader(object):
    """zipimporter's loader for one module, with :func:`cached_code` instead of compiling."""

    def __init__(self, importer, origin):
        self.importer = importer
        self.origin = origin

    def create_module(self, spec):  # default module creation
        return None

    def exec_module(self, module):
        exec(self.get_code(module.__name__), module.__dict__)  # pylint: disable=exec-used

    def get_code(self, fullname):
        return cached_code(self.importer.get_data(self.origin), self.origin)

    def __getattr__(self, name):  # get_source, get_data, is_package, get_filename, get_resource_reader ...
        return getattr(self.importer, name)


class _Finder(object):
    """Meta-path finder: this collection's and Ansible's module_utils found in a zip get a :class:`_CachingLoader`;
    everything else is left to the normal finders."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if not fullname.startswith(_PREFIXES) or CACHE.off:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not isinstance(spec.loader, zipimport.zipimporter) or not spec.origin \
                or not spec.origin.endswith(".py"):
            return None
        spec.loader = _CachingLoader(spec.loader, spec.origin)
        return spec

    @staticmethod
    def invalidate_caches():
        return None


def install(package_loader) -> bool:
    """Install the finder when ``package_loader`` (the loader of the package calling this) is a zipimporter, that
    is when running as an AnsiballZ module; returns whether it was installed. Idempotent."""
    if not isinstance(package_loader, zipimport.zipimporter) and \
            not isinstance(getattr(package_loader, "importer", None), zipimport.zipimporter):
        return False
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    return True


install(globals().get("__loader__"))
