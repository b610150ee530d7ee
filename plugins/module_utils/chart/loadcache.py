"""What chart loading computed from bytes an earlier process already read, kept on disk: archive files, values.

Reading a ``.tgz`` costs more than Helm's whole render for many charts: Python's ``tarfile`` parses every header
in Python and the archive is inflated as a stream, so that every entry is checked before it is inflated
(:func:`loader.iter_archive`). A module run is a new process, so without this cache every run of the same chart
pays it again. This cache keeps the result of :func:`loader.read_archive` -- the files, after every check passed --
keyed by the sha256 of the archive bytes and of the limits in force (``HELMKIT_MAX_ARCHIVE_BYTES``,
``HELMKIT_MAX_ARCHIVE_FILE_BYTES``): the same bytes under the same limits always give the same files, so a hit is
exactly what reading would give. Only archives read with a fresh budget (a chart's top level, not a subchart
archive spending its parent's budget) and at most :data:`MAX_CACHED_BYTES` decompressed are cached; entries are
compressed (zlib, fastest level), so a cache of :data:`MAX_ENTRIES` typical charts stays in the tens of megabytes.

A chart archive's top level is cached whole (:func:`tree_key`, :func:`load_tree`, :func:`store_tree`): the loaded
tree as :func:`loader.load_archive` built it -- Chart.yaml parsed and validated, the lock, requirements, values
parsed, the files sorted into templates and files, the subcharts -- so a later load parses no YAML and classifies
nothing. Its key adds to the archive's bytes and limits the values limits and a digest of the sources of the
modules that decide what loading builds (:data:`_TREE_SOURCES`, and PyYAML's version), so a changed loader never
serves a stale tree. The process keeps the last few trees' bodies in memory too
(``caches.CACHES.charts``), so rendering the same chart again in one process neither reads nor inflates anything;
every load builds new objects from the body (``marshal``), so callers own what they get. A tree of at most
:data:`MAX_PLAIN_TREE_BYTES` is stored uncompressed (inflating it would cost more than checking its digest; the
entries stay within 256 x 256 KiB), a larger one zlib-compressed.

A chart's ``values.yaml`` is the other large cost (PyYAML builds its objects in Python): :func:`values` keeps the
parsed values document of at least :data:`MIN_VALUES_BYTES`, keyed by the bytes and the values limits in force
(``HELMKIT_MAX_VALUES_BYTES``, ``HELMKIT_MAX_YAML_NODES``). Values are plain data (dicts, lists, strings, floats,
booleans, None), which :mod:`marshal` stores exactly; a document that fails to load is never stored.

Entries live in ``${XDG_CACHE_HOME:-~/.cache}/helmkit/charts`` through :data:`CACHE` (:mod:`..privatecache`: 0700 and
owned by the user, entry header and sha256 checked before :func:`marshal.loads`, atomic writes, at most
:data:`MAX_ENTRIES` entries). ``HELMKIT_TEMPLATE_CACHE=0`` (the switch of every render cache) turns it off; any
I/O error turns it off for the rest of the process.
"""
from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import zlib

from .. import privatecache
from ..caches import CACHES
from ..libraries import yaml  # PyYAML, guarded once in libraries.py

MAX_ENTRIES = 256
MAX_CACHED_BYTES = 8 * 1024 * 1024
MIN_VALUES_BYTES = 4096
MAX_PLAIN_TREE_BYTES = 256 * 1024  # larger trees are stored zlib-compressed
_PYTHON = ("%d.%d\0" % sys.version_info[:2]).encode("ascii")  # marshal's format is the interpreter's
_HEADER = b"helmkit-chart-files-2\0" + _PYTHON
_VALUES_HEADER = b"helmkit-values-1\0" + _PYTHON
_TREE_HEADER = b"helmkit-chart-tree-1\0" + _PYTHON
_VERDICT_HEADER = b"helmkit-schema-valid-1\0" + _PYTHON
#: Modules whose code decides whether values pass a chart's values.schema.json (with the jsonschema library).
_VERDICT_SOURCES = ("chart.render", "gocompat.regexp")
#: The library files whose version decides it: package -> files (size and modification time, read without importing).
_VALIDATOR_FILES = (("jsonschema", ("__init__.py", "validators.py", "_keywords.py", "_types.py")),
                    ("referencing", ("__init__.py", "_core.py")))
#: Modules (below module_utils) whose code decides what a loaded chart tree holds.
_TREE_SOURCES = ("chart.loader", "chart.metadata", "chart.loadcache", "yaml.load", "yaml.resolve", "yaml.aliases",
                 "yaml.safe", "gocompat.strconv")
CACHE = privatecache.PrivateCache(("helmkit", "charts"), MAX_ENTRIES, switch="HELMKIT_TEMPLATE_CACHE")
_SOURCES_DIGEST = {}
_VALIDATOR_STAMP = {}


def _key(data: bytes, budget) -> str:
    digest = hashlib.sha256(_HEADER)
    digest.update(b"%d\0%d\0" % (budget.limit, budget.file_limit))
    digest.update(data)
    return digest.hexdigest()


def load(data: bytes, budget):
    """``[(name, content, mtime seconds), ...]`` for archive ``data`` when cached (and ``budget`` is spent as
    reading would spend it), else None. Only for a fresh budget (see the module docstring)."""
    if budget.remaining != budget.limit:
        return None
    key = _key(data, budget)
    body = CACHE.read(key, _HEADER)
    if body is None:
        return None
    try:
        spent, files = marshal.loads(zlib.decompress(body))
    except (EOFError, ValueError, TypeError, zlib.error):
        CACHE.remove(key)
        return None
    if spent.__class__ is not int or files.__class__ is not list or spent >= budget.remaining:
        return None
    budget.remaining -= spent
    return files


def store(data: bytes, budget, spent: int, files) -> None:
    """Keep the files read from ``data`` (``spent``: the bytes of budget reading took; ``files`` as :func:`load`
    returns them). ``budget`` must have been fresh before reading."""
    if budget.remaining + spent != budget.limit or spent > MAX_CACHED_BYTES:
        return
    if CACHE.directory() is None:
        return
    try:
        body = zlib.compress(marshal.dumps((spent, files)), 1)  # chart text shrinks about fivefold, fast to inflate
    except ValueError:
        return
    CACHE.write(_key(data, budget), body, _HEADER)


def values(data: bytes, load):
    """``load()`` (which parses values document ``data``), or the document an earlier process parsed from the same
    bytes under the same limits. Errors of ``load`` propagate and are not cached."""
    if len(data) < MIN_VALUES_BYTES or CACHE.directory() is None:
        return load()
    digest = hashlib.sha256(_VALUES_HEADER)
    for name in ("HELMKIT_MAX_VALUES_BYTES", "HELMKIT_MAX_YAML_NODES"):
        digest.update(os.environ.get(name, "").encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    key = digest.hexdigest()
    body = CACHE.read(key, _VALUES_HEADER)
    if body is not None:
        try:
            result = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            result = None
        if result.__class__ is dict:
            return result
    result = load()
    try:
        body = marshal.dumps(result)
    except ValueError:  # something marshal does not store exactly: not cached
        return result
    CACHE.write(key, body, _VALUES_HEADER)
    return result


def _sources_digest(names=_TREE_SOURCES) -> bytes:
    """sha256 over PyYAML's version and the sources of the modules ``names`` (below module_utils; read through each
    module's loader, so it also works from Ansible's AnsiballZ zip); once per process and ``names``. OSError when
    a source cannot be read."""
    if names not in _SOURCES_DIGEST:
        base = __name__.rsplit(".", 2)[0]
        digest = hashlib.sha256(importlib.util.MAGIC_NUMBER + str(getattr(yaml, "__version__", "")).encode("ascii"))
        for name in names:
            module = sys.modules.get("%s.%s" % (base, name))
            loader = getattr(module, "__loader__", None)
            source = loader.get_source(module.__name__) if loader is not None else None
            if source is None:
                raise OSError("no source for %s" % name)
            if not isinstance(source, bytes):  # Ansible's collection loader returns bytes, importlib's str
                source = source.encode("utf-8", "surrogatepass")
            digest.update(source)
        _SOURCES_DIGEST[names] = digest.digest()
    return _SOURCES_DIGEST[names]


def tree_key(data: bytes, budget):
    """The key of archive ``data``'s loaded tree under ``budget``'s limits and the values limits in force, or None
    when the tree cannot be cached (a source of the loader is unreadable)."""
    try:
        sources = _sources_digest()
    except (OSError, ImportError, AttributeError):
        return None
    digest = hashlib.sha256(_TREE_HEADER + sources)
    digest.update(b"%d\0%d\0%d\0" % (budget.limit, budget.file_limit, budget.max_depth))
    for name in ("HELMKIT_MAX_VALUES_BYTES", "HELMKIT_MAX_YAML_NODES"):
        digest.update(os.environ.get(name, "").encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def load_tree(key):
    """``(spent, packed)`` -- the budget loading spent and the tree ``loader._pack_chart`` packed, as new objects
    -- when this process or an earlier one stored ``key``, else None."""
    if key is None:
        return None
    raw = CACHES.charts.get(key)
    if raw is None:
        body = CACHE.read(key, _TREE_HEADER)
        if body is None:
            return None
        try:
            raw = zlib.decompress(memoryview(body)[1:]) if body[:1] == b"z" else memoryview(body)[1:]
        except zlib.error:
            CACHE.remove(key)
            return None
    try:
        spent, packed = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        CACHE.remove(key)
        return None
    if spent.__class__ is not int or packed.__class__ is not tuple:
        return None
    CACHES.charts[key] = bytes(raw)
    return spent, packed


def store_tree(key, spent: int, packed: tuple) -> None:
    """Keep a loaded tree (``spent``: the budget its loading spent; ``packed``: ``loader._pack_chart``'s result)
    in memory and, when the disk cache is on, on disk. A tree over :data:`MAX_CACHED_BYTES` or holding something
    ``marshal`` does not store exactly is not kept."""
    if key is None:
        return
    try:
        raw = marshal.dumps((spent, packed))
    except ValueError:
        return
    if len(raw) > MAX_CACHED_BYTES:
        return
    CACHES.charts[key] = raw
    if CACHE.directory() is not None:
        # Inflating costs more than checking the entry's digest: small trees are stored as they are.
        body = b"m" + raw if len(raw) <= MAX_PLAIN_TREE_BYTES else b"z" + zlib.compress(raw, 1)
        CACHE.write(key, body, _TREE_HEADER)


def _validator_stamp():
    """Where and which version of the schema validator (jsonschema, referencing) this process would import: each
    file's path, size and modification time, found without importing them; once per process. None when one is
    missing (validation then reports it)."""
    if not _VALIDATOR_STAMP:
        parts = []
        try:
            for package, files in _VALIDATOR_FILES:
                spec = importlib.util.find_spec(package)
                if spec is None or not spec.origin:
                    raise OSError(package)
                folder = os.path.dirname(spec.origin)
                for name in files:
                    info = os.stat(os.path.join(folder, name))
                    parts.append("%s\0%d\0%d" % (os.path.join(folder, name), info.st_size, info.st_mtime_ns))
        except (OSError, ImportError, ValueError):
            parts = None
        _VALIDATOR_STAMP[0] = None if parts is None else "\0".join(parts).encode("utf-8", "surrogatepass")
    return _VALIDATOR_STAMP[0]


def schema_verdict_key(checks):
    """The key of "these values pass these schemas" for ``checks`` (``[(chart path, values.schema.json bytes,
    values), ...]``), or None when it cannot be kept: the disk cache off, the validator not found, values that
    ``marshal`` does not store exactly. Equal keys mean equal schemas, equal values (types included) and the same
    validator code and library files."""
    stamp = _validator_stamp()
    if stamp is None or CACHE.directory() is None:
        return None
    try:
        digest = hashlib.sha256(_VERDICT_HEADER + _sources_digest(_VERDICT_SOURCES) + stamp)
        for where, schema, values in checks:
            where = where.encode("utf-8", "surrogatepass")
            body = marshal.dumps(values, 2)  # version 2: no shared references, so equal values give equal bytes
            digest.update(b"%d\0%d\0%d\0" % (len(where), len(schema), len(body)))
            digest.update(where)
            digest.update(schema)
            digest.update(body)
    except (OSError, ImportError, AttributeError, ValueError):
        return None
    return digest.hexdigest()


def known_valid(key) -> bool:
    """Whether an earlier validation of ``key`` (:func:`schema_verdict_key`) found no problem."""
    return key is not None and CACHE.read(key, _VERDICT_HEADER) is not None


def remember_valid(key) -> None:
    """Record that the validation of ``key`` found no problem (a failed validation is never recorded)."""
    if key is not None:
        CACHE.write(key, b"", _VERDICT_HEADER)
