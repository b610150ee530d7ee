"""The peer mismatches issue 17 found in Go behaviour, each rendered by real Helm (helm_python) and by our engine:
durations through the one time.ParseDuration (gocompat/duration.py) and the ``call`` builtin's error."""
from __future__ import annotations

import pytest

from tests.helpers import helmref, ourrender

T = '(toDate "2006-01-02 15:04" "2020-01-02 03:04")'
VALUES = {"n": 1, "s": "text", "m": {"a": 1}, "l": [1]}

OUTPUTS = {
    "modify_empty": '{{ %s | date_modify "" | date "2006-01-02 15:04" }}' % T,
    "modify_empty_camel": '{{ %s | dateModify "" | date "2006-01-02 15:04" }}' % T,
    "modify_overflow": '{{ %s | dateModify "99999999999h" | date "2006-01-02 15:04" }}' % T,
    "modify_plus": '{{ %s | dateModify "+90m" | date "2006-01-02 15:04" }}' % T,
    "modify_unit": '{{ %s | dateModify "1f" | date "2006-01-02 15:04" }}' % T,
    "round_empty": '{{ durationRound "" }}',
    "round_overflow": '{{ durationRound "99999999999h" }}',
    "round_plus": '{{ durationRound "+5s" }}',
    "round_minus": '{{ durationRound "-3h5m" }}',
    "round_bad": '{{ durationRound "1f" }}',
}

ERRORS = [
    '{{ %s | must_date_modify "" }}' % T,
    '{{ %s | mustDateModify "x" }}' % T,
    '{{ %s | mustDateModify "1f" }}' % T,
    '{{ %s | mustDateModify "1" }}' % T,
    '{{ %s | mustDateModify "99999999999h" }}' % T,
    '{{ %s | mustDateModify "1.5h2" }}' % T,
    '{{ %s | mustDateModify "1\u00e9" }}' % T,
    '{{ mustToDate "2006-01-02" "2020-01-\u00e9" }}',
    '{{ 1 | call }}',
    '{{ "f" | call }}',
    '{{ .Values.n | call }}',
    '{{ .Values.s | call }}',
    '{{ .Values.m | call }}',
    '{{ .Values.l | call }}',
    '{{ call 1 }}',
    '{{ call .Values.n }}',
]


def test_duration_outputs_match_helm():
    assert ourrender.render_helm_cases(OUTPUTS, VALUES) == helmref.render_cases(OUTPUTS, VALUES)


@pytest.mark.parametrize("text", ERRORS)
def test_duration_and_call_errors_match_helm(text):
    expected = helmref.case_error("e", text, VALUES)
    assert expected, "Helm rendered %r without error" % text
    assert ourrender.helm_case_error("e", text, VALUES) == expected
