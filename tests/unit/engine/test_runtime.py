"""engine/runtime.py EngineScope: the GC pause and recursion limit are restored exactly, nested, across threads and
after exceptions."""
from __future__ import annotations

import gc
import os
import sys
import threading

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import runtime
from ansible_collections.helmkit.core.plugins.module_utils.engine.runtime import EngineScope


@pytest.fixture(autouse=True)
def _gc_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_scope_pauses_gc_and_restores_it():
    with EngineScope():
        assert not gc.isenabled()
        assert runtime.active_scopes() == 1
    assert gc.isenabled()
    assert runtime.active_scopes() == 0


def test_nested_scopes_restore_only_at_the_outermost_exit():
    with EngineScope():
        with EngineScope():
            assert runtime.active_scopes() == 2
        assert not gc.isenabled()  # the inner exit must not re-enable the collector
    assert gc.isenabled()


def test_exception_restores_gc_and_recursion_limit():
    limit = sys.getrecursionlimit()
    with pytest.raises(ValueError):
        with EngineScope(limit + 500):
            assert sys.getrecursionlimit() == limit + 500
            raise ValueError("boom")
    assert gc.isenabled()
    assert sys.getrecursionlimit() == limit
    assert runtime.active_scopes() == 0


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with EngineScope():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()  # the rest of the run expects the collector on (test_inprocess_rules checks it)


def test_nested_scope_may_raise_the_limit_and_the_original_comes_back():
    limit = sys.getrecursionlimit()
    with EngineScope():
        with EngineScope(limit + 100):
            assert sys.getrecursionlimit() == limit + 100
        with EngineScope(limit + 50):  # never lowered while scopes are active
            assert sys.getrecursionlimit() == limit + 100
    assert sys.getrecursionlimit() == limit


def test_a_limit_changed_by_someone_else_is_left_alone():
    limit = sys.getrecursionlimit()
    try:
        with EngineScope(limit + 100):
            sys.setrecursionlimit(limit + 300)
        assert sys.getrecursionlimit() == limit + 300
    finally:
        sys.setrecursionlimit(limit)


def test_threads_overlapping_scopes_restore_gc_once_all_leave():
    inside = threading.Barrier(3)
    release = threading.Event()
    states = []

    def worker():
        with EngineScope():
            inside.wait()
            release.wait(10)
            states.append(gc.isenabled())

    threads = [threading.Thread(target=worker) for _i in range(2)]
    for t in threads:
        t.start()
    inside.wait()  # both workers are inside their scopes
    with EngineScope():
        assert runtime.active_scopes() == 3
    assert not gc.isenabled()  # the workers still render
    release.set()
    for t in threads:
        t.join(10)
    assert states == [False, False]
    assert gc.isenabled()
    assert runtime.active_scopes() == 0


def test_render_leaves_interpreter_settings_as_they_were():
    from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import RenderError, RenderTemplate, render
    limit = sys.getrecursionlimit()
    ok = RenderTemplate(name="c/templates/a.yaml", source="{{ .Values.x }}", context={"Values": {"x": 1}},
                        base_path="c/templates")
    assert render([ok]) == {"c/templates/a.yaml": "1"}
    bad = RenderTemplate(name="c/templates/b.yaml", source="{{ fail \"no\" }}", context={"Values": {}},
                         base_path="c/templates")
    with pytest.raises(RenderError):
        render([bad])
    assert gc.isenabled()
    assert sys.getrecursionlimit() == limit
    assert runtime.active_scopes() == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_a_child_forked_inside_a_scope_starts_with_none():
    limit = sys.getrecursionlimit()
    with EngineScope(limit + 100):
        pid = os.fork()
        if pid == 0:  # the child: the scope's owner does not exist here
            ok = gc.isenabled() and runtime.active_scopes() == 0 and sys.getrecursionlimit() == limit
            os._exit(0 if ok else 1)
        _unused, status = os.waitpid(pid, 0)
        assert not gc.isenabled()  # the parent's scope is still active
    assert os.WEXITSTATUS(status) == 0
    assert gc.isenabled()
