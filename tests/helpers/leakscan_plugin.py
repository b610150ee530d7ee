"""pytest plugin for the session-wide leak scan (tests/helpers/leakscan.py): registered by tests/conftest.py, or
with ``-p helpers.leakscan_plugin``. At session end it searches everything captured for every registered secret,
prints ``secret scan: N secrets (F forms) searched in B bytes from S sources in Ts; secrets leaked: L`` and fails the run
(exit status 1) when L > 0, naming each secret's label and where it was found (never the secret)."""
import os

import pytest

from tests.helpers import leakscan

#: The last session's ScanResult (None before the scan ran); the reliability totals add its leaks.
RESULT = None


def pytest_configure(config):
    leakscan.capture_subprocesses()
    leakscan.watch_test_writes()
    leakscan.watch_servers()


def pytest_collection_finish(session):
    seen = set()
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None and module.__name__ not in seen:
            seen.add(module.__name__)
            leakscan.SECRETS.add_module_constants(module)


def pytest_runtest_logreport(report):
    for name, content in report.sections:
        leakscan.CAPTURE.add("%s %s" % (report.nodeid, name), content)


def _basetemp(config):
    factory = getattr(config, "_tmp_path_factory", None)
    path = getattr(factory, "_basetemp", None) if factory is not None else None
    return str(path) if path is not None and os.path.isdir(str(path)) else None


def pytest_sessionfinish(session):
    global RESULT
    if not len(leakscan.SECRETS):
        leakscan.CAPTURE.stop()
        return
    result = leakscan.ScanResult()
    sources = list(leakscan.CAPTURE.chunks) + list(leakscan.callback_sources())
    basetemp = _basetemp(session.config)
    if basetemp:
        sources.extend(leakscan.file_sources(basetemp, result))
    RESULT = leakscan.scan(leakscan.SECRETS.items(), sources, result)
    RESULT.skipped.extend("secret %s (shorter than %d)" % (label, leakscan.MIN_LENGTH)
                          for label in sorted(leakscan.SECRETS.skipped))
    leakscan.CAPTURE.stop()
    if RESULT.leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if RESULT is None:
        return
    for leak in RESULT.leaks:
        terminalreporter.write_line("LEAK: %s (%s) found in %s" % (leak.label, leak.form, leak.source), red=True)
    terminalreporter.write_line(RESULT.summary(), red=bool(RESULT.leaks))
