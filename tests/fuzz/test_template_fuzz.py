"""Fuzz the text/template engine: any input parses and executes to a string or raises TemplateError, never another
exception, a hang or a RecursionError.

Budget: a fixed seed and ``HELMKIT_FUZZ_EXAMPLES`` examples per property (default 300, a few seconds, what CI runs).
For a longer on-demand run: ``HELMKIT_FUZZ_EXAMPLES=20000 HELMKIT_FUZZ_SEED=random pytest tests/fuzz``.
Hangs: every example runs under a SIGALRM guard of ``HELMKIT_FUZZ_TIMEOUT`` seconds (default 10, far above the
milliseconds an example takes; it bounds an infinite loop, it does not measure speed).
"""
from __future__ import annotations

import os
import signal
import threading

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ansible_collections.helmkit.core.plugins.module_utils.engine import lexer as lx
from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateError
from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet

EXAMPLES = int(os.environ.get("HELMKIT_FUZZ_EXAMPLES", "300"))
_SEED = os.environ.get("HELMKIT_FUZZ_SEED", "20261121")
TIMEOUT = float(os.environ.get("HELMKIT_FUZZ_TIMEOUT", "10"))


def _budget(test):
    """Fixed seed and example count (or a random seed on demand); no database, no timing health checks."""
    configured = settings(max_examples=EXAMPLES, deadline=None, derandomize=_SEED != "random", database=None,
                          suppress_health_check=[HealthCheck.too_slow])(test)
    return configured if _SEED == "random" else seed(int(_SEED))(configured)


class _Hang(Exception):
    pass


class _HangGuard(object):
    """Raise _Hang in the main thread when the body runs longer than TIMEOUT seconds (Unix SIGALRM)."""

    def __enter__(self):
        self.armed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
        return self

    @staticmethod
    def _fire(signum, frame):
        raise _Hang()

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


FRAGMENTS = [
    "{{", "}}", "{{-", "-}}", "{{- ", " -}}", " ", "\n", "if ", "else ", "end", "range ", "with ", "define ",
    "template ", "block ", "break", "continue", ".", ".a", ".b", ".l", ".m", ".n", "$", "$x", "$x := ", "$x = ",
    "$i, $v := ", "|", "(", ")", '"s"', '"x"', "`r`", "'c'", " 3 ", " 0 ", " -1 ", " 1.5 ", " 0x1F ", "nil", "true",
    "false", "eq ", "ne ", "lt ", "len ", "index ", "slice ", "printf ", '"%d %s %v"', "print ", "println ", "and ",
    "or ", "not ", "html ", "js ", "urlquery ", "call ", "/*", "*/", "x", ",", ":", "=", "\\", '"', "'", "`",
    "\u00e9", "}", "{", "-", "1e400", "99999999999999999999",
]

DATA = {"a": {"b": [1, 2]}, "l": ["x", None, 2.5], "m": {"k": "v", "z": None}, "n": None, "s": "str",
        "f": 1.0, "t": True}

template_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=24).map("".join),
    st.text(max_size=40),
    st.text(alphabet="{}-. |()$:=\"'`abeilnrt\n/*", max_size=40),
)


def _run(text: str) -> None:
    ts = TemplateSet()
    try:
        with _HangGuard():
            ts.add("t", text)
            result = ts.execute("t", DATA)
    except TemplateError as exc:
        assert str(exc)
        return
    except _Hang:
        pytest.fail("no result after %ss (a hang) for %r" % (TIMEOUT, text))
    except RecursionError:
        pytest.fail("RecursionError escaped the engine for %r" % text)
    assert isinstance(result, str)


@_budget
@given(template_text)
def test_any_input_renders_or_raises_template_error(text):
    _run(text)


@_budget
@given(template_text)
def test_lexer_fast_path_gives_the_state_functions_items(text):
    fast = [tuple(item) for item in lx.lex("t", text)]
    original = lx.lex_inside_action
    lx.lex_inside_action = lx._lex_inside_action_step
    try:
        slow = [tuple(item) for item in lx.lex("t", text)]
    finally:
        lx.lex_inside_action = original
    assert fast == slow


def test_hang_guard_interrupts_a_loop():
    """The guard the fuzz relies on really stops a hang (otherwise it could not fail)."""
    global TIMEOUT
    saved, TIMEOUT = TIMEOUT, 0.05
    try:
        with pytest.raises(_Hang):
            with _HangGuard():
                while True:
                    pass
    finally:
        TIMEOUT = saved


def test_known_nasty_inputs():
    for text in ["{{", "}}", "{{-}}", "{{ - }}", "{{/**/}}", "{{/*", "{{ ( }}", "{{ ) }}", "{{ $x := }}",
                 "{{ range $i, $v := . }}{{ break }}{{ end }}", "{{ template \"t\" }}",
                 "{{ define \"t\" }}{{ template \"t\" }}{{ end }}{{ template \"t\" }}",
                 "{{ " + "(" * 5000 + " }}", "{{ if " * 2000, "{{ index . 1 }}", "{{ slice .s 5 }}",
                 "{{ call .s }}", "{{ .a.b.c }}", "{{ len .f }}", "{{ 1e400 }}", "{{ printf \"%[0]d\" 1 }}"]:
        _run(text)
