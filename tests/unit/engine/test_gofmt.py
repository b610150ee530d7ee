"""Go fmt (Sprint, Sprintln, Sprintf, %v) on Python values, checked against Helm v4's printf/print/println."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import gofmt
from tests.helpers import helmref, ourrender

VALUES = {
    "f": 1000000, "g": 1.5, "h": 0.00001, "i": 123456.7, "s": "hi", "m": {"b": 2, "a": [1, "x", None]},
    "l": [1, 2], "n": None, "t": True, "z": 0, "neg": -3.25, "big": 1e21, "sm": 0.0001, "u": "h\u00e9llo\n\x01",
    "third": 0.3333333333333333, "e": "", "q": "a\"b\\c\u2603",
}
VERBS = ["%v", "%d", "%s", "%q", "%x", "%X", "%f", "%e", "%g", "%.2f", "%8.3f", "%-8v|", "%08.3f", "%+d", "%t",
         "%5v", "%T", "%o", "%b", "%c", "%U", "%.3g", "%10.4e", "%+v", "% d", "%05d", "%-5d|", "%.0f", "%G", "%E",
         "%#v", "%+q", "%#q", "%.1s", "%6.2v", "%x", "% x", "%#x", "%O", "%+.1e", "% .3f", "%#U"]

EXTRA = [
    ('printf "%d %d" 1', ("%d %d", 1)),
    ('printf "%d" 1 2 "a" nil', ("%d", 1, 2, "a", None)),
    ('printf "%"', ("%",)),
    ('printf "%z" 3', ("%z", 3)),
    ('printf "%[2]d %[1]d" 1 2', ("%[2]d %[1]d", 1, 2)),
    ('printf "%[3]d" 1 2', ("%[3]d", 1, 2)),
    ('printf "%*d|%-*d" 5 3 4 2', ("%*d|%-*d", 5, 3, 4, 2)),
    ('printf "%.*f" 2 3.14159', ("%.*f", 2, 3.14159)),
    ('printf "%*d" "x" 3', ("%*d", "x", 3)),
    ('printf "%5.1s|" "abc"', ("%5.1s|", "abc")),
    ('printf "%!"', ("%!",)),
    ('printf "%3c|%-4q|" 65 66', ("%3c|%-4q|", 65, 66)),
    ('printf "%x %X" "hello" "hi"', ("%x %X", "hello", "hi")),
    ('printf "%s %v" nil nil', ("%s %v", None, None)),
    ('printf "%d%%" 50', ("%d%%", 50)),
    ('printf "%v %v" 1e100 1e-7', ("%v %v", 1e100, 1e-7)),
    ('printf "%6.2f|%-8.3e|%+g" 3.14159 1234.5 2.0', ("%6.2f|%-8.3e|%+g", 3.14159, 1234.5, 2.0)),
    ('printf "%.3x" 10', ("%.3x", 10)),
    ('printf "%.0d" 0', ("%.0d", 0)),
    ('printf "%t %t" true 1', ("%t %t", True, 1)),
    ('printf "%q" 128512', ("%q", 128512)),
    ('printf "%U|%c|%q|%x|%o|%b" -7 -7 -7 -7 -7 -7', ("%U|%c|%q|%x|%o|%b", -7, -7, -7, -7, -7, -7)),
]


def _operands(values):
    return ourrender.go_values(values)


@pytest.fixture(scope="module")
def reference():
    cases = {}
    i = 0
    for key in sorted(VALUES):
        for verb in VERBS:
            cases["v%03d" % i] = '{{ printf "%s" .Values.%s }}' % (verb, key)
            i += 1
    for j, (text, _unused) in enumerate(EXTRA):
        cases["x%03d" % j] = "{{ %s }}" % text
    cases["sprint"] = '{{ print 1 2 "a" "b" 3 nil 4.5 .Values.l "c" .Values.m }}'
    cases["sprintln"] = '{{ println 1 "a" 2.5 nil .Values.l }}'
    return helmref.render_cases(cases, VALUES)


def test_sprintf_verbs_match_helm(reference):
    values = _operands(VALUES)
    mismatches = []
    i = 0
    for key in sorted(VALUES):
        for verb in VERBS:
            expected = reference["v%03d" % i]
            i += 1
            ours = gofmt.sprintf(verb, values[key])
            if ours != expected:
                mismatches.append((verb, key, expected, ours))
    assert mismatches == []


@pytest.mark.parametrize("index", range(len(EXTRA)))
def test_sprintf_argument_handling_matches_helm(index, reference):
    text, args = EXTRA[index]
    assert gofmt.sprintf(*args) == reference["x%03d" % index], text


def test_sprint_and_sprintln_match_helm(reference):
    values = _operands(VALUES)
    assert gofmt.sprint(1, 2, "a", "b", 3, None, 4.5, values["l"], "c", values["m"]) == reference["sprint"]
    assert gofmt.sprintln(1, "a", 2.5, None, values["l"]) == reference["sprintln"]


@pytest.mark.parametrize("value,text", [
    (1e6, "1e+06"), (3.0, "3"), (0.1, "0.1"), (1.5e-05, "1.5e-05"), (123456.0, "123456"), (1234567.0, "1.234567e+06"),
    (-0.0, "-0"), (float("inf"), "+Inf"), (float("-inf"), "-Inf"), (float("nan"), "NaN"),
    ({"b": 1, "a": [1, None]}, "map[a:[1 <nil>] b:1]"), ([], "[]"), ({}, "map[]"), (b"hi", "[104 105]"),
    (None, "<nil>"), (True, "true"), ("s", "s"), (2 ** 62, "4611686018427387904"),
])
def test_format_value(value, text):
    assert gofmt.format_value(value) == text


def test_custom_objects_print_with_str():
    class Version(object):
        go_type = "*semver.Version"

        def __str__(self):
            return "1.2.3"

    assert gofmt.format_value(Version()) == "1.2.3"
    assert gofmt.sprintf("%s|%v|%T|%d", Version(), [Version()], Version(), Version()) == \
        "1.2.3|[1.2.3]|*semver.Version|%!d(*semver.Version=1.2.3)"


def test_fast_float_path_agrees_with_strconv_g():
    """format_value's fixed-notation shortcut must print exactly what the general strconv 'g' path prints."""
    import random
    rng = random.Random(7)
    samples = [1e-4, 0.000123, 999999.9, 1e6 - 1, 0.1, 2.5, -3.75, 100.0, -100.0, 123456.789]
    samples += [rng.uniform(-1e6, 1e6) for _i in range(2000)] + [rng.uniform(-1, 1) * 10 ** rng.randint(-5, 6)
                                                                 for _i in range(2000)]
    for value in samples:
        assert gofmt.format_value(value) == gofmt.format_float_g(value), value
