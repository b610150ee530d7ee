"""Persistent cache of parse trees shared between processes (a later module run does not parse again).

Each entry is one template file's parse result (``{template name: Tree}``) under
``${XDG_CACHE_HOME:-~/.cache}/helmkit/templates/<key>``, where ``key`` is the content hash that :mod:`.template`
already uses for its in-process cache (function names, file name and text). Every file that parses is stored. An
entry holds the trees' stored forms (:mod:`.forms`: plain tuples and lists written by :mod:`marshal`; nothing is
ever unpickled) and not the file's text, which the caller has. A later process loads an entry with one
:func:`marshal.loads` and the compiler reads the forms as they are: no parse, no node objects.

Safety:

* the life cycle is :data:`CACHE`'s (:class:`..privatecache.PrivateCache`): the directory is created 0700 and used
  only if it is owned by the current user and not writable by group or others (otherwise the cache is silently
  off); writes are atomic (a temporary file renamed into place);
* each file starts with a header naming the format, a hash of the Python bytecode magic number and of the lexer,
  parser, fastparse, nodes, forms and treecache sources (so any engine change invalidates every entry) and the key,
  followed by the sha256 of the body: a file that does not match is ignored, removed and rebuilt, so a truncated or
  corrupted entry never reaches :func:`marshal.loads`;
* the directory is bounded (:data:`MAX_ENTRIES`): when a process first writes and finds more entries, it removes
  the least recently modified ones down to half the bound;
* ``HELMKIT_TEMPLATE_CACHE=0`` (or ``off``/``false``/``no``) turns the cache off; every I/O error on write turns it
  off for the rest of the process. The cache never changes results: a miss parses as before.
"""
from __future__ import annotations

import hashlib
import importlib.util
import marshal
import sys

from .. import privatecache
from . import fastparse, forms, lexer, parser, tokens
from . import nodes as nd
from .forms import FormTree, Unencodable, tree_form

MAX_ENTRIES = 4000
_FORMAT = b"helmkit-trees-3\0"


def _engine_digest() -> bytes:
    """sha256 over the Python magic number and the sources of the modules that define the tree format. Read through
    each module's loader, so it also works when module_utils run from a zip (Ansible's AnsiballZ payload)."""
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER)
    for module in (tokens, lexer, parser, fastparse, nd, forms, sys.modules[__name__]):
        loader = getattr(module, "__loader__", None)
        source = loader.get_source(module.__name__) if loader is not None else None
        if source is None:
            raise OSError("no source for %s" % module.__name__)
        if not isinstance(source, bytes):  # Ansible's collection loader returns bytes, importlib's str
            source = source.encode("utf-8", "surrogatepass")
        digest.update(source)
    return digest.hexdigest().encode("ascii")


def _header() -> bytes:
    return _FORMAT + _engine_digest() + b"\0"


CACHE = privatecache.PrivateCache(("helmkit", "templates"), MAX_ENTRIES, switch="HELMKIT_TEMPLATE_CACHE",
                                  header=_header)


def dumps(trees: dict) -> bytes:
    """Serialise a parse result ``{name: Tree}`` (its trees' stored forms, :func:`tree_form`; not the file's text,
    which the caller has) to marshal bytes.

    Raises Unencodable for objects the format does not know (the caller then does not cache)."""
    order = []
    for tree in trees.values():
        if tree not in order:
            order.append(tree)
    heads = [(tree.name, tree.parse_name, tree_form(tree)) for tree in order]
    return marshal.dumps((list(trees), [order.index(t) for t in trees.values()], heads))


def loads(data: bytes, text: str) -> dict:
    """Inverse of :func:`dumps` for a file of text ``text``: a new ``{name: Tree}`` holding the stored forms (no
    node is built: :class:`FormTree`)."""
    names, positions, heads = marshal.loads(data)
    order = []
    for name, parse_name, form in heads:
        tree = FormTree(name, parse_name, text)
        tree.form = form
        order.append(tree)
    return {name: order[i] for name, i in zip(names, positions)}


def _read(name: str):
    """The checked body of entry ``name``, or None (miss, cache off, or a bad entry, which is removed)."""
    return CACHE.read(name, name.encode("ascii") + b"\0")


def _write(name: str, body: bytes) -> None:
    """Write entry ``name`` (atomic; errors switch the cache off for this process)."""
    CACHE.write(name, body, name.encode("ascii") + b"\0")


def load(key: str, text: str):
    """The cached parse result for ``key`` (hex digest of the function names, file name and ``text``) or None
    (miss, cache off, or a bad entry, which is removed)."""
    body = _read(key)
    if body is None:
        return None
    try:
        return loads(body, text)
    except Exception:  # a well-hashed entry from a buggy writer: ignore and rebuild
        CACHE.remove(key)
        return None


def store(key: str, trees: dict) -> None:
    """Write the parse result for ``key`` (atomic; errors switch the cache off for this process)."""
    if CACHE.directory() is None:
        return
    try:
        body = dumps(trees)
    except (Unencodable, KeyError, ValueError, RecursionError):
        return
    _write(key, body)
