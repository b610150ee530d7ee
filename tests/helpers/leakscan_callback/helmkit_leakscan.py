"""Test-only Ansible callback (enabled by tests/helpers/leakscan.py for every ansible* subprocess of the test
session): writes every task result, as callbacks see it after no_log censoring, as one JSON line to
``$HELMKIT_LEAKSCAN_DIR/<pid>.jsonl``, so the session's leak scan searches module results too. Prints nothing."""
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: helmkit_leakscan
type: notification
short_description: record task results for the test session's leak scan
description: Test-only; writes each task result as a JSON line into the directory named by HELMKIT_LEAKSCAN_DIR.
requirements: []
"""


class CallbackModule(CallbackBase):
    """Appends ``{"event", "task", "result"}`` per task result to the capture file."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "helmkit_leakscan"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, event, result):
        directory = os.environ.get("HELMKIT_LEAKSCAN_DIR")
        if not directory or not os.path.isdir(directory):
            return
        line = json.dumps({"event": event, "task": result._task.get_name(), "result": result._result},
                          default=str, sort_keys=True, ensure_ascii=False)
        with open(os.path.join(directory, "%d.jsonl" % os.getpid()), "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)

    def v2_runner_item_on_ok(self, result):
        self._record("item ok", result)

    def v2_runner_item_on_failed(self, result):
        self._record("item failed", result)
