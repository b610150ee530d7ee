"""The AnsiballZ bytecode cache (module_utils/_bytecache.py, privatecache.py): modules imported from a zip are
compiled once and loaded from ``$XDG_CACHE_HOME/helmkit/bytecode`` afterwards; bad entries and unsafe directories
are never trusted."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MU = os.path.join(ROOT, "plugins", "module_utils")
PKG = "ansible_collections/helmkit/core/plugins/module_utils/"
PROBE = ("import sys\n"
         "import ansible_collections.helmkit.core.plugins.module_utils._bytecache\n"
         "from ansible_collections.helmkit.core.plugins.module_utils import demo\n"
         "print(type(demo.__loader__).__name__, demo.VALUE, demo.where())\n")


@pytest.fixture
def payload(tmp_path):
    """A zip laid out as AnsiballZ's payload, with the real cache modules and a demo module."""
    path = str(tmp_path / "payload.zip")
    with zipfile.ZipFile(path, "w") as archive:
        for package in ("ansible_collections/", "ansible_collections/helmkit/", "ansible_collections/helmkit/core/",
                        "ansible_collections/helmkit/core/plugins/", PKG):
            archive.writestr(package + "__init__.py", "")
        for name in ("_bytecache.py", "privatecache.py"):
            archive.write(os.path.join(MU, name), PKG + name)
        archive.writestr(PKG + "demo.py", "VALUE = 6 * 7\n\ndef where():\n    return where.__code__.co_filename\n")
    return path


def _run(payload, cache, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    environ.update(PYTHONPATH=payload, XDG_CACHE_HOME=str(cache), **env)
    proc = subprocess.run([sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, check=True)
    return proc.stdout.split()


def _entries(cache):
    directory = os.path.join(str(cache), "helmkit", "bytecode")
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def test_compiled_once_then_loaded(payload, tmp_path):
    cache = tmp_path / "cache"
    first = _run(payload, cache)
    assert first == ["_CachingLoader", "42", payload + "/" + PKG + "demo.py"]
    entries = _entries(cache)
    assert len(entries) == 1  # demo.py (the two cache modules load before the finder exists)
    assert stat.S_IMODE(os.stat(os.path.join(str(cache), "helmkit", "bytecode")).st_mode) == 0o700
    entry = os.path.join(str(cache), "helmkit", "bytecode", entries[0])
    before = os.stat(entry).st_mtime_ns
    moved = str(tmp_path / "elsewhere.zip")
    os.rename(payload, moved)  # a new AnsiballZ run has a new temporary path: the entry is still used
    assert _run(moved, cache) == ["_CachingLoader", "42", moved + "/" + PKG + "demo.py"]
    assert os.stat(entry).st_mtime_ns == before and _entries(cache) == entries


def test_corrupted_entry_is_replaced(payload, tmp_path):
    cache = tmp_path / "cache"
    _run(payload, cache)
    entry = os.path.join(str(cache), "helmkit", "bytecode", _entries(cache)[0])
    with open(entry, "r+b") as handle:
        handle.seek(-3, os.SEEK_END)
        handle.write(b"\xff\xff\xff")
    assert _run(payload, cache)[:2] == ["_CachingLoader", "42"]
    with open(entry, "rb") as handle:
        assert not handle.read().endswith(b"\xff\xff\xff")


def test_unsafe_directory_or_switch_turns_it_off(payload, tmp_path):
    cache = tmp_path / "cache"
    directory = cache / "helmkit" / "bytecode"
    directory.mkdir(parents=True)
    os.chmod(str(directory), 0o777)
    assert _run(payload, cache)[1] == "42"
    assert _entries(cache) == []
    other = tmp_path / "other"
    assert _run(payload, other, HELMKIT_BYTECODE_CACHE="0")[1] == "42"
    assert not os.path.exists(str(other / "helmkit" / "bytecode"))


def test_not_installed_outside_a_zip():
    from ansible_collections.helmkit.core.plugins.module_utils import _bytecache
    assert not any(isinstance(finder, _bytecache._Finder) for finder in sys.meta_path)
