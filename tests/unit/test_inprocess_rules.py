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


_PARENT = r'''
import gc, json, multiprocessing, os, signal, sys, threading
import ansible.executor.task_queue_manager  # what the process running the plays has imported
from ansible import context
from ansible.module_utils.common.collections import ImmutableDict
if os.environ.get("PROBE_CLI") != "0":
    context.CLIARGS = ImmutableDict({"forks": 5, "args": ["play.yml"]})  # what the command line parsed
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
signals = (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE, signal.SIGHUP)
before = {"threads": threading.active_count(), "fds": sorted(os.listdir("/proc/self/fd")),
          "signals": [repr(signal.getsignal(s)) for s in signals]}
import ansible_collections.helmkit.core.plugins.action.helm_release  # noqa: E402
after = {"threads": threading.active_count(), "fds": sorted(os.listdir("/proc/self/fd")),
         "signals": [repr(signal.getsignal(s)) for s in signals]}
P = "ansible_collections.helmkit.core.plugins."
loaded = [name for name in ("modules.helm_release", "module_utils.release.actions", "module_utils.kube.client",
                            "module_utils.chart.render") if P + name in sys.modules]

def child(queue):
    from ansible_collections.helmkit.core.plugins.plugin_utils import inprocess
    queue.put(inprocess._controller_main_process())

queue = multiprocessing.get_context("fork").Queue()
process = multiprocessing.get_context("fork").Process(target=child, args=(queue,))
process.start()
in_worker = queue.get(timeout=60)
process.join()
print(json.dumps({"before": before, "after": after, "loaded": loaded, "kubernetes": "kubernetes" in sys.modules,
                  "in_worker": in_worker, "frozen": gc.get_freeze_count()}))
'''


def _load_in_parent(tmp_path, **environ):
    """Load the action plugin as ansible-playbook's strategy does (collection loader, task queue manager imported)
    in a fresh interpreter; what it reports (see _PARENT)."""
    import json
    import subprocess

    collection = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(inprocess.__file__))))
    tree = os.path.dirname(os.path.dirname(os.path.dirname(collection)))
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), **environ)
    env.pop("PYTHONPATH", None)
    out = subprocess.run([sys.executable, str(script), tree], env=env, check=True, capture_output=True, text=True,
                         timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_the_process_running_the_plays_preloads_the_module_path_safely_for_fork(tmp_path):
    """Loading the action plugin in the process running the plays imports the module's path (each task's worker,
    forked afterwards, inherits it), starting no thread, opening no file or socket, setting no signal handler, and
    freezes the collector's view of the process; a worker forked from it does not count as that process, nor does a
    process that is not an Ansible command line; HELMKIT_IN_PROCESS=0 turns the preload off."""
    seen = _load_in_parent(tmp_path)
    assert seen["loaded"] == ["modules.helm_release", "module_utils.release.actions", "module_utils.kube.client",
                              "module_utils.chart.render"] and seen["kubernetes"]
    assert seen["after"] == seen["before"], "a thread, descriptor or signal handler left by the imports"
    assert seen["in_worker"] is False and seen["frozen"] > 50000
    off = _load_in_parent(tmp_path, HELMKIT_IN_PROCESS="0")
    assert off["loaded"] == [] and not off["kubernetes"]
    not_cli = _load_in_parent(tmp_path, PROBE_CLI="0")
    assert not_cli["loaded"] == [], "another program loading the plugin (tests, ansible-doc) imports nothing more"


class _Task(object):
    async_val = 0
    delegate_to = None
    resolved_action = "helmkit.core.helm_release"

    def __init__(self, args):
        self.args = args


def _action(monkeypatch, calls):
    """The helm_release action plugin on a local connection to this interpreter, with Ansible's base run and module
    execution stubbed: ``calls`` records which way the module ran."""
    import types

    from ansible.plugins.action import ActionBase

    from ansible_collections.helmkit.core.plugins.action import helm_release

    monkeypatch.delenv("HELMKIT_IN_PROCESS", raising=False)
    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    action = helm_release.ActionModule.__new__(helm_release.ActionModule)
    action._task = _Task({"name": "r", "chart_ref": "c"})
    action._connection = types.SimpleNamespace(transport="local", has_native_async=False, become=None,
                                               _shell=types.SimpleNamespace(tmpdir=None))
    action._play_context = types.SimpleNamespace(become=False)
    action._templar = types.SimpleNamespace(template=lambda value: value)
    action._execute_module = lambda **kw: calls.append("AnsiballZ") or {"changed": False}
    action._remove_tmp_path = lambda path: None
    monkeypatch.setattr(inprocess, "run", lambda *a, **kw: calls.append("in-process") or {"changed": False})
    return action


@pytest.mark.parametrize("missing", ["_internal", "get_module_encoder", "profile"])
def test_an_ansible_core_without_the_apis_runs_the_module_as_ansiballz(monkeypatch, missing):
    """The in-process run needs ansible-core 2.19's APIs (inprocess.missing_apis); without one (simulated here as
    on 2.16-2.18), a local task runs the module the normal way, and the play's process preloads nothing."""
    calls = []
    action = _action(monkeypatch, calls)
    task_vars = {"ansible_python_interpreter": sys.executable}
    assert inprocess.missing_apis() == []
    action.run(task_vars=task_vars)
    assert calls == ["in-process"], "with every API present the task runs in-process (the check can fail)"
    if missing == "profile":
        from ansible.plugins.action import ActionBase

        monkeypatch.setattr(ActionBase, "_parse_returned_data", lambda self, res: res)
    else:
        monkeypatch.setattr(inprocess, missing, None)
    assert inprocess.missing_apis()
    action.run(task_vars=task_vars)
    assert calls == ["in-process", "AnsiballZ"]
    assert inprocess.preload("ansible_collections.helmkit.core.plugins.modules.helm_release") is False
