"""Chart loading cache (chart/loadcache.py): a later process reads an archive's checked files and its values.yaml
from disk, exactly as reading would give them; limits, budgets, corruption and unsafe directories are honoured."""
from __future__ import annotations

import datetime
import os
import stat

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.caches import CACHES
from ansible_collections.helmkit.core.plugins.module_utils.chart import loadcache, loader, render
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, ValuesError
from tests.helpers.corpus import CHARTS_DIR, CORPUS, NGINX

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
    assert len(os.listdir(str(cache_dir))) == 2  # the loaded tree and (read_archive) the archive's files
    CACHES.clear(disk_state=True)  # as a new process
    _no_reading(monkeypatch)
    again = loader.load_chart(CHART)
    assert _files(loader.read_archive(_data(), CHART)) == _files(files)
    assert again.values == first.values and again.values is not first.values
    assert [c.name for c in again.dependencies] == [c.name for c in first.dependencies]
    again.values["controller"] = "changed"  # callers own what they get: the next load is unaffected
    assert loader.load_chart(CHART).values == first.values


@pytest.mark.parametrize("read", ["read_archive", "load_archive"])
def test_budget_is_spent_as_reading_spends_it(cache_dir, read):
    """A cached archive spends the budget a fresh read spends (a cache hit must not let a parent exceed it)."""
    budget = loader.ArchiveBudget()
    getattr(loader, read)(_data(), CHART, budget)
    spent = budget.limit - budget.remaining
    CACHES.clear(disk_state=True)
    budget = loader.ArchiveBudget()
    getattr(loader, read)(_data(), CHART, budget)
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


# ---------------------------------------------------------------------------------------------------------------
# The loaded tree (load_archive at a chart's top level)

def _exact(value):
    """``value`` with every container's type spelled out, so == also compares types (1 != 1.0, True != 1)."""
    if isinstance(value, dict):
        return ("dict", [(_exact(k), _exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_exact(v) for v in value])
    if isinstance(value, tuple):
        return ("tuple", [_exact(v) for v in value])
    return (type(value).__name__, value)


def _tree(chart):
    """Every attribute of a loaded Chart and its subcharts, as comparable data (parent as its name)."""
    out = {}
    for name, value in sorted(vars(chart).items()):
        if name == "parent":
            out[name] = None if value is None else value.name
        elif name == "dependencies":
            out[name] = [_tree(sub) for sub in value]
        elif name in ("templates", "files"):
            out[name] = [(f.name, f.data, f.modtime, f.modtime.tzinfo) for f in value]
        elif isinstance(value, datetime.datetime):
            out[name] = (value, value.tzinfo)
        else:
            out[name] = _exact(value)
    return out


@pytest.mark.parametrize("archive", [os.path.basename(path) for path in CORPUS])
def test_a_cached_tree_is_exactly_what_loading_builds(cache_dir, monkeypatch, archive):
    with open(os.path.join(CHARTS_DIR, archive), "rb") as handle:
        data = handle.read()
    monkeypatch.setenv("HELMKIT_TEMPLATE_CACHE", "0")
    CACHES.clear(disk_state=True)
    fresh = _tree(loader.load_archive(data, archive))
    monkeypatch.delenv("HELMKIT_TEMPLATE_CACHE")
    CACHES.clear(disk_state=True)
    first = loader.load_archive(data, archive)  # loads and stores
    assert _tree(first) == fresh
    CACHES.clear(disk_state=True)  # as a new process: from disk
    _no_reading(monkeypatch)
    monkeypatch.setattr(loader, "parse_metadata", lambda *_a: pytest.fail("Chart.yaml parsed again"))
    assert _tree(loader.load_archive(data, archive)) == fresh
    assert _tree(loader.load_archive(data, archive)) == fresh  # from memory


def test_every_chart_attribute_is_packed():
    """A new Chart attribute must be packed by loader._pack_chart too, or a cached tree would lack it."""
    chart = loader.Chart()
    assert len(loader._pack_chart(chart)) == len(vars(chart)) - 1  # all but parent  # noqa: SLF001


def test_same_process_reads_nothing_and_callers_own_their_tree(cache_dir, monkeypatch):
    first = loader.load_chart(CHART)
    monkeypatch.setattr(loadcache.CACHE, "read", lambda *_a: pytest.fail("the disk entry was read again"))
    _no_reading(monkeypatch)
    again = loader.load_chart(CHART)
    assert _tree(again) == _tree(first)
    again.values["controller"]["image"] = "changed"
    again.metadata["name"] = "changed"
    again.templates[0].data = b"changed"
    third = loader.load_chart(CHART)
    assert _tree(third) == _tree(first) != _tree(again)
    assert third.values is not first.values and third.dependencies is not first.dependencies


def test_the_memory_is_forgotten_with_the_caches(cache_dir, monkeypatch):
    monkeypatch.setenv("HELMKIT_TEMPLATE_CACHE", "0")
    loader.load_chart(CHART)
    assert CACHES.charts
    CACHES.clear()
    assert not CACHES.charts
    assert not cache_dir.exists()  # disk off: nothing written


def test_other_values_limits_or_loader_sources_do_not_hit(cache_dir, monkeypatch):
    loader.load_chart(CHART)
    monkeypatch.setenv("HELMKIT_MAX_VALUES_BYTES", "100")
    with pytest.raises(ValuesError, match="HELMKIT_MAX_VALUES_BYTES"):
        loader.load_chart(CHART)
    monkeypatch.delenv("HELMKIT_MAX_VALUES_BYTES")
    budget = loader.ArchiveBudget()
    key = loadcache.tree_key(_data(), budget)
    monkeypatch.setattr(loadcache, "_SOURCES_DIGEST", {loadcache._TREE_SOURCES: b"another loader"})  # noqa: SLF001
    assert loadcache.tree_key(_data(), budget) != key
    assert loadcache.load_tree(loadcache.tree_key(_data(), budget)) is None


def test_a_corrupt_tree_entry_is_removed_and_rebuilt(cache_dir):
    expected = _tree(loader.load_chart(CHART))
    for name in os.listdir(str(cache_dir)):
        entry = cache_dir / name
        entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    CACHES.clear(disk_state=True)
    assert _tree(loader.load_chart(CHART)) == expected
    CACHES.clear(disk_state=True)
    assert _tree(loader.load_chart(CHART)) == expected


def test_a_subchart_or_spent_budget_is_never_served_from_the_tree(cache_dir):
    loader.load_archive(_data(), CHART)
    budget = loader.ArchiveBudget()
    budget.remaining = 1000
    with pytest.raises(ChartError, match="larger than the maximum size"):
        loader.load_archive(_data(), CHART, budget)
    with pytest.raises(ChartError, match="nests subcharts"):
        loader.load_archive(_data(), CHART, loader.ArchiveBudget(), depth=99)


def test_a_failed_load_is_not_stored(cache_dir, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_ARCHIVE_FILE_BYTES", "1000")
    for _round in range(2):
        with pytest.raises(ChartError, match="larger than the maximum file size"):
            loader.load_chart(CHART)
    assert not CACHES.charts
    assert not cache_dir.exists() or os.listdir(str(cache_dir)) == []


# ---------------------------------------------------------------------------------------------------------------
# Schema verdicts: values an earlier run found valid against the same schemas are not validated (nor jsonschema
# imported) again; values that fail are validated every time.

SCHEMA_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\n",
    "values.yaml": "replicas: 1\nsub: {port: 80}\n",
    "values.schema.json": '{"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}}',
    "templates/a.yaml": "replicas: {{ .Values.replicas }}\n",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "charts/sub/values.yaml": "port: 80\n",
    "charts/sub/values.schema.json": '{"properties": {"port": {"type": "integer"}}}',
}


def _validations(monkeypatch):
    calls = []
    real = render.schema_errors

    def counted(*args):
        calls.append(args[2])
        return real(*args)
    monkeypatch.setattr(render, "schema_errors", counted)
    return calls


def test_valid_values_are_validated_once(cache_dir, monkeypatch, make_chart):
    path = make_chart(SCHEMA_CHART)
    calls = _validations(monkeypatch)
    first = render.render_chart(path, {"replicas": 2})
    assert calls == ["top", "top/charts/sub"]
    CACHES.clear(disk_state=True)  # as a new process
    assert render.render_chart(path, {"replicas": 2}) == first
    assert calls == ["top", "top/charts/sub"]
    render.render_chart(path, {"replicas": 3})  # other values: validated
    render.render_chart(path, {"replicas": 2.0})  # a float is other values too
    assert len(calls) == 6


@pytest.mark.parametrize("values", [{"replicas": 0}, {"sub": {"port": "http"}}, {"replicas": "1"}])
def test_invalid_values_are_refused_every_time(cache_dir, monkeypatch, make_chart, values):
    path = make_chart(SCHEMA_CHART)
    render.render_chart(path, {"replicas": 2})
    for _round in range(2):
        CACHES.clear(disk_state=True)
        with pytest.raises(ValuesError, match="don't meet the specifications"):
            render.render_chart(path, values)


def test_verdicts_need_the_disk_cache_and_the_same_validator(cache_dir, monkeypatch, make_chart):
    path = make_chart(SCHEMA_CHART)
    checks = [("top", b"{}", {"a": 1})]
    key = loadcache.schema_verdict_key(checks)
    assert key is not None and loadcache.schema_verdict_key([("top", b"{}", {"a": 1.0})]) != key
    monkeypatch.setattr(loadcache, "_VALIDATOR_STAMP", {0: b"another jsonschema"})
    assert loadcache.schema_verdict_key(checks) not in (key, None)
    monkeypatch.setattr(loadcache, "_VALIDATOR_STAMP", {0: None})
    assert loadcache.schema_verdict_key(checks) is None
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_dir.parent.parent))
    monkeypatch.setenv("HELMKIT_TEMPLATE_CACHE", "0")
    CACHES.clear(disk_state=True)
    assert loadcache.schema_verdict_key(checks) is None
    calls = _validations(monkeypatch)
    render.render_chart(path)
    render.render_chart(path)
    assert len(calls) == 4


def test_a_tree_of_another_shape_is_loaded_again(cache_dir, monkeypatch):
    expected = _tree(loader.load_chart(CHART))
    monkeypatch.setattr(loadcache, "load_tree", lambda _key: (1, ("not", "a", "tree")))
    assert _tree(loader.load_chart(CHART)) == expected
