"""Acceptance: our render of every corpus chart/variant equals Helm v4.2.3's, template by template."""
from __future__ import annotations

import pytest

from tests.conformance import harness

CASES = harness.cases()


@pytest.mark.parametrize("entry,variant", CASES, ids=["%s-%s" % (e["name"], v) for e, v in CASES])
def test_chart_renders_like_helm(entry, variant):
    result = harness.run_case(entry, variant)
    details = "\n".join("%s: %s" % problem for problem in result.problems[:10])
    assert result.error is None, result.error
    assert result.ok, "%d/%d templates identical\n%s" % (result.identical, result.total, details)
