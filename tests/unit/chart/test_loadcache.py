"""Chart loading cache (chart/loadcache.py): a later process reads an archive's checked files and its values.yaml
from disk, exactly as reading would give them; limits, budgets, corruption and unsafe directories are honoured."""
from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.caches import CACHES
from ansible_collections.helmkit.core.plugins.module_utils.chart import loadcache, loader
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError
from tests.helpers.corpus import NGINX

CHART = NGINX


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for name in ("HELMKIT_TEMPLATE_CACHE", "HELMKIT_MAX_ARCHIVE_BYTES", "HELMKIT_MAX_ARCHIVE_FILE_BYTES"):
        monkeypatch.delenv(name, raising=False)
    CACHES.clear(disk_state=True)
    yield tmp_path / "helmkit" / "charts"
    CACHES.clear(disk_state=True)


def _data():
    with open(CHART, "rb") as handle:
        return handle.read()


def _files(files):
    return [(f.name, f.data, f.modtime) for f in files]


def _no_reading(monkeypatch):
    def fail(*_args, **_kwargs):
        raise AssertionError("the archive was read again")
    monkeypatch.setattr(loader, "iter_archive", fail)
    monkeypatch.setattr(loader, "load_values", fail)


def test_second_process_reads_files_and_values_from_the_cache(cache_dir, monkeypatch):
    first = loader.load_chart(CHART)
    files = loader.read_archive(_data(), CHART)
    assert stat.S_IMODE(os.stat(str(cache_dir)).st_mode) == 0o700
    assert len(os.listdir(str(cache_dir))) == 2  # the archive's files and the values document
    CACHES.clear(disk_state=True)  # as a new process
    _no_reading(monkeypatch)
    again = loader.load_chart(CHART)
    assert _files(loader.read_archive(_data(), CHART)) == _files(files)
    assert again.values == first.values and again.values is not first.values
    assert [c.name for c in again.dependencies] == [c.name for c in first.dependencies]
    again.values["controller"] = "changed"  # callers own what they get: the next load is unaffected
    assert loader.load_chart(CHART).values == first.values


def test_budget_is_spent_as_reading_spends_it(cache_dir):
    budget = loader.ArchiveBudget()
    loader.read_archive(_data(), CHART, budget)
    spent = budget.limit - budget.remaining
    CACHES.clear(disk_state=True)
    budget = loader.ArchiveBudget()
    loader.read_archive(_data(), CHART, budget)
    assert budget.limit - budget.remaining == spent > 0


def test_a_spent_budget_is_never_served_from_the_cache(cache_dir, monkeypatch):
    """A subchart archive spends its parent's budget: it is read (and its limit errors raised) every time."""
    loader.read_archive(_data(), CHART)
    budget = loader.ArchiveBudget()
    budget.remaining = 1000
    with pytest.raises(ChartError, match="larger than the maximum size"):
        loader.read_archive(_data(), CHART, budget)


def test_other_limits_do_not_hit(cache_dir, monkeypatch):
    loader.read_archive(_data(), CHART)
    monkeypatch.setenv("HELMKIT_MAX_ARCHIVE_FILE_BYTES", "1000")
    with pytest.raises(ChartError, match="larger than the maximum file size"):
        loader.read_archive(_data(), CHART)


def test_corrupt_entries_are_ignored(cache_dir):
    first = _files(loader.read_archive(_data(), CHART))
    for name in os.listdir(str(cache_dir)):
        entry = cache_dir / name
        entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    CACHES.clear(disk_state=True)
    assert _files(loader.read_archive(_data(), CHART)) == first


def test_disabled_by_environment(cache_dir, monkeypatch):
    monkeypatch.setenv("HELMKIT_TEMPLATE_CACHE", "0")
    loader.load_chart(CHART)
    assert not cache_dir.exists()


def test_unsafe_directory_is_not_used(cache_dir):
    os.makedirs(str(cache_dir))
    os.chmod(str(cache_dir), 0o777)
    loader.load_chart(CHART)
    assert os.listdir(str(cache_dir)) == []


def test_values_that_fail_to_load_are_not_stored(cache_dir):
    def bad():
        raise ValueError("no")
    with pytest.raises(ValueError):
        loadcache.values(b"x: [" + b" " * 5000, bad)
    assert not cache_dir.exists() or os.listdir(str(cache_dir)) == []


def test_small_values_are_not_cached(cache_dir):
    assert loadcache.values(b"a: 1\n", lambda: {"a": 1.0}) == {"a": 1.0}
    assert not cache_dir.exists() or os.listdir(str(cache_dir)) == []
