"""Lint findings, as Helm v4's pkg/chart/v2/lint/support keeps them.

A rule returns an error text or None; :meth:`Linter.run` records a finding when there is one and tells the caller
whether the rule passed, which is how Helm's rules guard each other (``RunLinterRule``).
"""
from __future__ import annotations

UNKNOWN, INFO, WARNING, ERROR = 0, 1, 2, 3
SEVERITY_NAMES = {UNKNOWN: "UNKNOWN", INFO: "INFO", WARNING: "WARNING", ERROR: "ERROR"}


class Linter(object):
    """The findings of one chart.

    Attributes:
        chart_dir (str): absolute path of the chart directory being linted.
        messages (list[dict]): ``{"severity": int, "path": str, "error": str}`` in the order the rules ran.
    """

    def __init__(self, chart_dir: str) -> None:
        self.chart_dir = chart_dir
        self.messages = []

    def run(self, severity: int, path: str, problem) -> bool:
        """Record ``problem`` (a str, or None when the rule passed) at ``severity`` for ``path``; True if it passed."""
        if problem is None:
            return True
        self.messages.append({"severity": severity, "path": path, "error": problem})
        return False
