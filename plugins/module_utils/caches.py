"""The process's in-memory caches, owned by one object: :data:`CACHES`, an :class:`EngineCaches`.

Every cache here is keyed by content (a hash of a template file and its function names, an action's text, a
regular expression's pattern), so none is ever needed for correctness: clearing them only makes the next render pay
the work again, as a fresh process does. Each is bounded, least recently used entries going first (:class:`LRU`),
except the arities, which are weak (an entry lives as long as its function). The bounds, with their units:

==================  =======================================  ==================================================
attribute           bound                                    user
==================  =======================================  ==================================================
``parse_trees``     20000 template files                     ``engine/template.py`` (parse result of a file)
``actions``         50000 action texts (``{{ ... }}``)       ``engine/fastparse.py`` (tokenised actions)
``regexps``         512 patterns                             ``gocompat/regexp.py`` (compiled Go regexps)
``categories``      64 Unicode classes (``\\p{Greek}``)        ``gocompat/regexp.py`` (class ranges)
``arities``         weak: one entry per live function        ``engine/compiler.py`` (argument counts)
``charts``          4 loaded chart trees (<= 8 MiB each)      ``chart/loadcache.py`` (marshalled trees)
==================  =======================================  ==================================================

Compiled template code is cached on its parse tree, so it goes with ``parse_trees``. The on-disk caches are
:class:`.privatecache.PrivateCache` objects; :meth:`EngineCaches.clear` can also make them read their directory and
switch again.
"""
from __future__ import annotations

import collections
import weakref

from . import privatecache


class LRU(collections.OrderedDict):
    """A dict of at most ``maxsize`` entries: :meth:`get` marks an entry as the most recently used, and storing an
    entry beyond the bound drops the least recently used one. Safe to share between threads (a lost race is a
    miss, never an error)."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        super().__init__()

    def get(self, key, default=None):
        """The value of ``key`` (now the most recently used), or ``default``."""
        try:
            self.move_to_end(key)
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            try:
                self.popitem(last=False)
            except KeyError:
                break


class EngineCaches(object):
    """The in-memory caches of rendering (see the module docstring for each one's bound and unit)."""

    PARSE_TREES = 20000
    ACTIONS = 50000
    REGEXPS = 512
    CATEGORIES = 64
    CHARTS = 4

    def __init__(self):
        self.parse_trees = LRU(self.PARSE_TREES)
        self.actions = LRU(self.ACTIONS)
        self.regexps = LRU(self.REGEXPS)
        self.categories = LRU(self.CATEGORIES)
        self.charts = LRU(self.CHARTS)
        self.arities = weakref.WeakKeyDictionary()  # per-render closures (include, tpl) must not be kept alive here

    def clear(self, disk_state: bool = False) -> None:
        """Forget every cached entry, so the next render starts cold, as in a fresh process (benchmarks, tests).
        With ``disk_state``, every on-disk cache also forgets its resolved directory and on/off state, reading
        ``XDG_CACHE_HOME`` and its switch (``HELMKIT_TEMPLATE_CACHE``, ...) again; its entries stay on disk."""
        for cache in (self.parse_trees, self.actions, self.regexps, self.categories, self.charts,
                      self.arities):
            cache.clear()
        if disk_state:
            privatecache.reset_all()


CACHES = EngineCaches()
