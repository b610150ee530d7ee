"""Reliability suite: every case carries one marker saying what it proves, and the run ends with the totals

    faults survived: N/N, bad inputs: M/M clear errors, secrets leaked: 0

``fault``: a concurrency, interruption or server fault the code must survive; ``bad_input``: hostile or broken input
that must give a clear error (HelmkitError, no traceback, bounded time) and write nothing; ``secret``: a check that a
secret does not leak (each failed case counts as one leak). The leaks found by the session-wide scan of everything
the tests captured (tests/helpers/leakscan.py, run at session end) are added to "secrets leaked".
"""
import pytest
from tests.helpers import leakscan_plugin

MARKERS = ("fault", "bad_input", "secret")
_OUTCOMES = {name: {"passed": 0, "total": 0} for name in MARKERS}


def pytest_configure(config):
    for name in MARKERS:
        config.addinivalue_line("markers", "%s: reliability case counted in the closing totals" % name)


def pytest_collection_modifyitems(config, items):
    """Every reliability case carries exactly one of the markers, so that the totals line counts each case once: an
    unmarked case would pass uncounted, a twice-marked one would count twice."""
    here = str(config.rootpath / "tests" / "reliability")
    wrong = ["%s (%s)" % (item.nodeid, ", ".join(name for name in MARKERS if item.get_closest_marker(name)) or "none")
             for item in items if str(item.path).startswith(here)
             and sum(1 for name in MARKERS if item.get_closest_marker(name)) != 1]
    if wrong:
        raise pytest.UsageError("reliability cases need exactly one marker of %s to be counted in the totals: %s"
                                % (", ".join(MARKERS), "; ".join(wrong)))


def pytest_runtest_logreport(report):
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    for name in MARKERS:
        if name in report.keywords:
            _OUTCOMES[name]["total"] += 1
            if report.outcome == "passed" and report.when == "call":
                _OUTCOMES[name]["passed"] += 1


def pytest_terminal_summary(terminalreporter):
    faults, bad, secrets = (_OUTCOMES[name] for name in MARKERS)
    if not faults["total"] and not bad["total"] and not secrets["total"]:
        return
    scanned = leakscan_plugin.RESULT
    leaked = secrets["total"] - secrets["passed"] + (len(scanned.leaks) if scanned is not None else 0)
    terminalreporter.write_line("faults survived: %d/%d, bad inputs: %d/%d clear errors, secrets leaked: %d" % (
        faults["passed"], faults["total"], bad["passed"], bad["total"], leaked))
