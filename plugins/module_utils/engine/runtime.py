"""Process-wide interpreter settings a render needs, changed safely: the cyclic GC pause and the recursion limit.

Why: parsing, compiling and executing templates allocate hundreds of thousands of small, mostly long-lived objects
(parse nodes, closures, output strings, value copies). With the cyclic garbage collector running, every young
generation collection rescans them, which costs 20-40% of a render. Templates create next to no reference cycles,
so the collector is paused while engine code runs and the interpreter's setting is restored afterwards.

Both settings are process-wide, so changing them naively is unsafe with nested renders (``include``/``tpl`` call the
executor again; a lookup callable could render another chart) and with threads (thread A re-enabling the collector
while thread B still renders; B restoring a recursion limit A had raised, leaving it raised for ever). ``EngineScope``
therefore keeps one process-wide count of active scopes under a lock:

* the first scope to enter records whether the GC was enabled and disables it;
* a scope asking for a higher recursion limit than the current one raises it (the original value is recorded once;
  a limit is never lowered while scopes are active);
* nested and concurrent scopes otherwise only increment the count;
* the last scope to leave restores exactly what the first one recorded (re-enables the GC only if it had been
  enabled, puts the recursion limit back only if nobody changed it in between).

Exceptions propagate unchanged; the ``finally`` path always runs. A process forked while scopes are active (by
another thread) starts with none: the child restores the settings at once. A caller that wants the GC off for good
(``gc.disable()`` before rendering) keeps it off: a scope never enables a collector it did not disable.
"""
from __future__ import annotations

import gc
import os
import sys
import threading

_LOCK = threading.Lock()
_active = 0
_gc_was_enabled = False
_saved_limit = None
_raised_limit = None


class EngineScope(object):
    """Context manager: GC paused and recursion limit at least ``recursion_limit`` while any scope is active.

    Args:
        recursion_limit (int | None): minimum ``sys.getrecursionlimit()`` inside the scope; None leaves it alone.
            A nested scope may raise it further; the original is restored when the last scope leaves.

    Usage: ``with EngineScope(20000): ...``. Re-entrant and thread-safe; see the module docstring.
    """

    __slots__ = ("recursion_limit",)

    def __init__(self, recursion_limit=None) -> None:
        self.recursion_limit = recursion_limit

    def __enter__(self) -> "EngineScope":
        global _active, _gc_was_enabled, _saved_limit, _raised_limit
        with _LOCK:
            if _active == 0:
                _gc_was_enabled = gc.isenabled()
                if _gc_was_enabled:
                    gc.disable()
                _saved_limit = _raised_limit = None
            limit = self.recursion_limit
            if limit is not None:
                current = sys.getrecursionlimit()
                if limit > current:
                    if _saved_limit is None:
                        _saved_limit = current
                    _raised_limit = limit
                    sys.setrecursionlimit(limit)
            _active += 1
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        global _active, _gc_was_enabled, _saved_limit, _raised_limit
        with _LOCK:
            _active -= 1
            if _active == 0:
                if _gc_was_enabled:
                    gc.enable()
                    _gc_was_enabled = False
                if _saved_limit is not None and sys.getrecursionlimit() == _raised_limit:
                    sys.setrecursionlimit(_saved_limit)
                _saved_limit = _raised_limit = None
        return False


def _reset_after_fork() -> None:
    """In a child forked while scopes were active (Ansible forks workers; another thread may have been rendering):
    the threads that owned those scopes do not exist there, so restore the settings now and start from zero."""
    global _LOCK, _active, _gc_was_enabled, _saved_limit, _raised_limit
    _LOCK = threading.Lock()  # it may have been held by a thread that no longer exists
    if _active:
        _active = 0
        if _gc_was_enabled:
            gc.enable()
        if _saved_limit is not None and sys.getrecursionlimit() == _raised_limit:
            sys.setrecursionlimit(_saved_limit)
    _gc_was_enabled = False
    _saved_limit = _raised_limit = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def active_scopes() -> int:
    """How many EngineScopes are active in the process (0 outside any render); for tests and diagnostics."""
    return _active
