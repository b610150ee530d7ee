"""Size limits that keep a hostile or broken chart from exhausting memory (see docs/limits.md).

Go's Sprig has no such limits: ``until 100000000`` allocates a 100-million-element slice and ``repeat`` a string of
any size, and Helm dies of memory exhaustion. helmkit stops earlier with a template error naming the function, the
size asked for and how to raise the limit. The limits are far above what real charts use (the 42-chart corpus uses
lists of at most a few hundred items). Raise them with environment variables on the host that runs the module:

* ``HELMKIT_MAX_LIST_LENGTH`` (default 1,000,000): longest list ``until``/``untilStep``/``seq`` may build;
* ``HELMKIT_MAX_STRING_BYTES`` (default 64 MiB): longest string ``repeat`` may build;
* ``HELMKIT_MAX_OUTPUT_BYTES`` (default 128 MiB): most output one template may produce in ``range`` loops
  (checked every 1024 iterations); the largest template of the 42-chart corpus renders under 2 MiB;
* ``HELMKIT_MAX_VALUES_BYTES`` (default 32 MiB): largest values document (a values file, ``values.yaml``) parsed;
  parsing YAML takes some 20 times its size in memory, so a 100 MB values file would need about 2 GB (read by
  yaml/load.py);
* ``HELMKIT_MAX_YAML_NODES`` (default 1,000,000): values one YAML document (values, a values file, ``fromYaml``,
  Chart.yaml) may hold once its aliases are expanded: go-yaml's "excessive aliasing" guard (billion laughs; read by
  yaml/aliases.py);
* ``HELMKIT_RENDER_TIMEOUT`` (default 120 seconds): the render deadline, for all templates of one render together
  (the largest corpus chart renders in under a second);
* ``HELMKIT_MAX_RENDER_WORK`` (default 1 GiB): the work budget, the sum of the sizes of all large strings (64 KiB
  and more) that string-growing functions build in one render (``print``/``printf``, ``indent``/``nindent``,
  ``repeat``, ``rand*``, ``include``, ``tpl``, ``toYaml``/``toJson``, ``join``, ``replace`` ...). It stops an
  ``include`` fan-out that doubles a string a few dozen times, where no single string is over the string limit.

Every string-growing function calls :func:`grow` with the size of what it is about to build (before building it
when the size is known in advance, such as a ``printf`` width or an ``indent`` count); the string limit applies to
each string, the work budget to their sum. Strings under 64 KiB cost one comparison. The deadline is checked by
:func:`check_deadline` at every ``include``/``tpl``/``template`` call, every 1024 ``range`` iterations and in
:func:`grow` for large strings, so a render stops within the time of one function call after it.
"""
from __future__ import annotations

import os
import threading
import time

from .errors import FuncError

DEFAULT_MAX_LIST_LENGTH = 1000000
DEFAULT_MAX_STRING_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_OUTPUT_BYTES = 128 * 1024 * 1024
DEFAULT_RENDER_SECONDS = 120
DEFAULT_MAX_RENDER_WORK = 1024 * 1024 * 1024
LARGE_STRING = 64 * 1024  # strings at least this long are counted in the work budget


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_list_length() -> int:
    """The list-length limit (``HELMKIT_MAX_LIST_LENGTH`` or 1,000,000)."""
    return _env_int("HELMKIT_MAX_LIST_LENGTH", DEFAULT_MAX_LIST_LENGTH)


def max_string_bytes() -> int:
    """The string-size limit in bytes (``HELMKIT_MAX_STRING_BYTES`` or 64 MiB)."""
    return _env_int("HELMKIT_MAX_STRING_BYTES", DEFAULT_MAX_STRING_BYTES)


def list_limit_message(func: str, length: int) -> str:
    return ("%s would build a list of %d items, over helmkit's limit of %d; if the chart really needs it, raise the "
            "limit with the environment variable HELMKIT_MAX_LIST_LENGTH" % (func, length, max_list_length()))


def string_limit_message(func: str, size: int) -> str:
    return ("%s would build a string of %d bytes, over helmkit's limit of %d; if the chart really needs it, raise "
            "the limit with the environment variable HELMKIT_MAX_STRING_BYTES" % (func, size, max_string_bytes()))


def max_output_bytes() -> int:
    """The per-template output limit in bytes (``HELMKIT_MAX_OUTPUT_BYTES`` or 128 MiB)."""
    return _env_int("HELMKIT_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES)


def output_limit_message(size: int) -> str:
    return ("the template's output reached %d bytes, over helmkit's limit of %d; if the chart really renders that "
            "much, raise the limit with the environment variable HELMKIT_MAX_OUTPUT_BYTES"
            % (size, max_output_bytes()))


def render_seconds() -> int:
    """The render deadline in seconds (``HELMKIT_RENDER_TIMEOUT`` or 120)."""
    return _env_int("HELMKIT_RENDER_TIMEOUT", DEFAULT_RENDER_SECONDS)


def max_render_work() -> int:
    """The work budget of one render in bytes (``HELMKIT_MAX_RENDER_WORK`` or 1 GiB)."""
    return _env_int("HELMKIT_MAX_RENDER_WORK", DEFAULT_MAX_RENDER_WORK)


class RenderBudget(object):
    """The deadline and work budget of one render (read from the environment when the render starts).

    ``deadline`` is a ``time.monotonic()`` instant, ``work`` the bytes of large strings built so far."""

    __slots__ = ("seconds", "deadline", "work", "max_work", "max_string")

    def __init__(self) -> None:
        self.seconds = render_seconds()
        self.deadline = time.monotonic() + self.seconds
        self.work = 0
        self.max_work = max_render_work()
        self.max_string = max_string_bytes()


_LOCAL = threading.local()


class budget_scope(object):  # noqa: N801 - used like a function: ``with budget_scope(): ...``
    """Context manager: the render budget of the current thread. The outermost scope creates it; nested renders
    (``tpl``, a lookup rendering another chart) share it, so the deadline covers the whole render."""

    __slots__ = ("_owner",)

    def __init__(self) -> None:
        self._owner = False

    def __enter__(self) -> RenderBudget:
        budget = getattr(_LOCAL, "budget", None)
        if budget is None:
            budget = _LOCAL.budget = RenderBudget()
            self._owner = True
        return budget

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._owner:
            _LOCAL.budget = None
        return False


def deadline_message() -> str:
    return ("rendering took longer than helmkit's render deadline of %d seconds; if the chart really needs that "
            "long, raise the limit with the environment variable HELMKIT_RENDER_TIMEOUT" % render_seconds())


def check_deadline() -> None:
    """Raise FuncError (naming HELMKIT_RENDER_TIMEOUT) when the current render is past its deadline; no-op outside
    a render."""
    budget = getattr(_LOCAL, "budget", None)
    if budget is not None and time.monotonic() > budget.deadline:
        raise FuncError(deadline_message())


def grow(func: str, size: int) -> None:
    """Account for a string of ``size`` characters that ``func`` builds (or is about to build).

    Raises FuncError naming the limit and its environment variable when the string is over
    ``HELMKIT_MAX_STRING_BYTES``, when the render's large strings together pass ``HELMKIT_MAX_RENDER_WORK``, or
    when the render is past its deadline. Strings under 64 KiB are not counted (one comparison)."""
    if size >= LARGE_STRING:
        _account(func, size)


NODE_COST = 256  # bytes of work charged per list or map a serializer walks (a shared-reference DAG never ends)
_NODES = [0]


def node_tick(func: str) -> None:
    """Count one list or map walked by ``func`` (toYaml, toJson ...); every 1024 of them charge the work budget
    and check the deadline. A list that holds itself twice, doubled 60 times, has 2**60 leaves: this stops it."""
    _NODES[0] += 1
    if not _NODES[0] & 1023:
        budget = getattr(_LOCAL, "budget", None)
        if budget is not None:
            budget.work += 1024 * NODE_COST
            if budget.work > budget.max_work:
                raise FuncError("%s: the values walked and strings built by this render reached %d bytes of work, "
                                "over helmkit's work budget of %d; if the chart really needs it, raise the limit with "
                                "the environment variable HELMKIT_MAX_RENDER_WORK" % (func, budget.work,
                                                                                      budget.max_work))
            if time.monotonic() > budget.deadline:
                raise FuncError(deadline_message())


def _account(func: str, size: int) -> None:
    budget = getattr(_LOCAL, "budget", None)
    limit = budget.max_string if budget is not None else max_string_bytes()
    if size > limit:
        raise FuncError(string_limit_message(func, size))
    if budget is None:
        return
    budget.work += size
    if budget.work > budget.max_work:
        raise FuncError("%s: the strings built by this render reached %d bytes, over helmkit's work budget of %d; if "
                        "the chart really needs it, raise the limit with the environment variable "
                        "HELMKIT_MAX_RENDER_WORK" % (func, budget.work, budget.max_work))
    if time.monotonic() > budget.deadline:
        raise FuncError(deadline_message())
