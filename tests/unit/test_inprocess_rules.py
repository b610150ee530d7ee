"""plugin_utils/inprocess.py pieces that need no playbook: which interpreter counts as the controller's own, and the
bytecode cache given to Ansible's collection loader (the playbook behaviour: tests/integration/test_inprocess.py)."""
from __future__ import annotations

import importlib.machinery
import os
import sys

import pytest

from ansible_collections.helmkit.core.plugins.module_utils import _bytecache
from ansible_collections.helmkit.core.plugins.plugin_utils import inprocess

FAKE = "ansible_collections.helmkit.core.plugins.module_utils.zz_inprocess_probe"


def test_same_python_is_this_executable_in_this_environment(tmp_path):
    assert inprocess._same_python(sys.executable)
    assert not inprocess._same_python(None) and not inprocess._same_python(str(tmp_path / "python"))
    link = tmp_path / "python3"
    link.symlink_to(sys.executable)
    assert not inprocess._same_python(str(link)), "another directory: another environment, maybe other packages"
    if sys.prefix != sys.base_prefix:
        assert not inprocess._same_python(os.path.join(sys.base_prefix, "bin", "python3"))


class _SourceLoader(object):
    """Stands in for Ansible's collection loader: exec_module calls self.get_code, which compiles every time."""

    compiled = 0

    def __init__(self, source: bytes, origin: str):
        self.source, self.origin = source, origin

    def get_source(self, _name):
        return self.source

    def get_code(self, _name):
        type(self).compiled += 1
        return compile(self.source, self.origin, "exec")

    def create_module(self, _spec):
        return None

    def exec_module(self, module):
        exec(self.get_code(module.__name__), module.__dict__)  # pylint: disable=exec-used


class _Finder(object):
    def __init__(self, origin):
        self.origin = origin

    def find_spec(self, fullname, path=None, target=None):
        if fullname != FAKE:
            return None
        loader = _SourceLoader(b"VALUE = 6 * 7\n", self.origin)
        return importlib.machinery.ModuleSpec(fullname, loader, origin=self.origin)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _bytecache.CACHE.reset()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    finder = _Finder(str(tmp_path / "zz_inprocess_probe.py"))
    monkeypatch.setattr(sys, "meta_path", [finder] + list(sys.meta_path))
    inprocess.cache_bytecode()
    yield tmp_path / "cache" / "helmkit" / "bytecode"
    sys.modules.pop(FAKE, None)


def test_collection_loader_imports_use_the_bytecode_cache(cache):
    _SourceLoader.compiled = 0
    module = importlib.import_module(FAKE)
    assert module.VALUE == 42 and _SourceLoader.compiled == 0, "the collection loader's compile is bypassed"
    assert len(os.listdir(cache)) == 1 and (os.stat(cache).st_mode & 0o777) == 0o700
    sys.modules.pop(FAKE)
    mtime = os.stat(os.path.join(cache, os.listdir(cache)[0])).st_mtime_ns
    assert importlib.import_module(FAKE).VALUE == 42
    assert os.stat(os.path.join(cache, os.listdir(cache)[0])).st_mtime_ns == mtime, "read, not written again"
    inprocess.cache_bytecode()
    assert sum(isinstance(f, inprocess._CollectionCodeCache) for f in sys.meta_path) == 1


def test_the_module_runs_without_the_cycle_collector_which_is_restored_after(monkeypatch):
    """_call_main: no cyclic garbage collection while main() runs (its objects live until it ends), and the
    collector is on again afterwards, also when main() fails; a collector that was off stays off."""
    import gc
    import types

    seen = []

    def main(fail=False):
        seen.append(gc.isenabled())
        if fail:
            raise SystemExit(1)
        print('{"changed": false}')
    module = types.ModuleType(FAKE)
    module.main = main
    monkeypatch.setitem(sys.modules, FAKE, module)
    assert gc.isenabled()
    assert inprocess._call_main(FAKE, b"{}", {}) == (0, '{"changed": false}\n')
    module.main = lambda: main(fail=True)
    assert inprocess._call_main(FAKE, b"{}", {})[0] == 1
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        inprocess._call_main(FAKE, b"{}", {})
        assert not gc.isenabled()
    finally:
        gc.enable()
