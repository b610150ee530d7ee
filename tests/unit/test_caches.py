"""caches.py (EngineCaches: the process's in-memory caches, LRU-bounded) and privatecache.PrivateCache's life cycle."""
from __future__ import annotations

import os

from ansible_collections.helmkit.core.plugins.module_utils import privatecache
from ansible_collections.helmkit.core.plugins.module_utils.caches import CACHES, LRU, EngineCaches
from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet


def test_lru_drops_the_least_recently_used():
    cache = LRU(3)
    for key in "abc":
        cache[key] = key.upper()
    assert cache.get("a") == "A"  # now the most recent
    cache["d"] = "D"
    assert list(cache) == ["c", "a", "d"] and cache.get("b") is None
    cache["c"] = "C2"  # storing again makes it recent too
    cache["e"] = "E"
    assert list(cache) == ["d", "c", "e"]
    assert cache.get("missing", 7) == 7 and len(cache) == 3


def test_bounds_are_the_documented_ones():
    fresh = EngineCaches()
    assert (fresh.parse_trees.maxsize, fresh.actions.maxsize, fresh.regexps.maxsize, fresh.categories.maxsize) == \
        (20000, 50000, 512, 64)


def test_clear_empties_every_cache_a_render_fills(monkeypatch):
    monkeypatch.setenv("HELMKIT_TEMPLATE_CACHE", "0")
    CACHES.clear(disk_state=True)
    ts = TemplateSet({})
    ts.add("t.yaml", '{{ if .a }}{{ .a | printf "%v" }}{{ end }}')
    assert ts.execute("t.yaml", {"a": 1}) == "1"
    assert len(CACHES.parse_trees) == 1 and len(CACHES.actions) > 0
    CACHES.clear()
    assert len(CACHES.parse_trees) == 0 and len(CACHES.actions) == 0 and len(CACHES.arities) == 0
    monkeypatch.delenv("HELMKIT_TEMPLATE_CACHE")
    CACHES.clear(disk_state=True)


def test_private_cache_switch_directory_and_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HELMKIT_TEST_CACHE", "off")
    cache = privatecache.PrivateCache(("helmkit", "probe"), 4, switch="HELMKIT_TEST_CACHE", header=lambda: b"h\0")
    assert cache.directory() is None and not cache.write("x", b"body") and cache.off
    monkeypatch.delenv("HELMKIT_TEST_CACHE")
    assert cache.directory() is None  # the switch is read once ...
    privatecache.reset_all()  # ... until the caches are reset (CACHES.clear(disk_state=True))
    path = cache.directory()
    assert path == os.path.join(str(tmp_path), "helmkit", "probe") and os.stat(path).st_mode & 0o777 == 0o700
    assert cache.write("x", b"body") and cache.read("x") == b"body" and cache.read("x", b"other") is None
    assert not os.path.exists(os.path.join(path, "x"))  # a header mismatch removes the entry
    for i in range(6):
        with open(os.path.join(path, "old%d" % i), "wb") as out:
            out.write(b"x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))  # a new cache home is resolved again
    assert cache.directory() == os.path.join(str(tmp_path), "other", "helmkit", "probe")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.write("y", b"body")  # the first write of a "process" prunes to half the bound
    assert len(os.listdir(path)) == 3
