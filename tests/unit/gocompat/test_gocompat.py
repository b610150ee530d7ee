"""gocompat: the Go standard-library ports, on Go's own documented examples and test tables
(time/time_test.go parseDurationTests, path/filepath/match_test.go matchTests, strconv/quote_test.go)."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.gocompat import duration, filepath, strconv

NS = duration.NS
MS, US, M, H = NS // 1000, NS // 1000000, 60 * NS, 3600 * NS

PARSE_OK = [
    ("0", 0), ("5s", 5 * NS), ("30s", 30 * NS), ("1478s", 1478 * NS), ("-5s", -5 * NS), ("+5s", 5 * NS),
    ("-0", 0), ("+0", 0), ("5.0s", 5 * NS), ("5.6s", 5 * NS + 600 * MS), ("5.s", 5 * NS), (".5s", NS // 2),
    ("1.0s", NS), ("1.00s", NS), ("1.004s", NS + 4 * MS), ("100.00100s", 100 * NS + MS), ("10ns", 10),
    ("11us", 11 * US), ("12\u00b5s", 12 * US), ("12\u03bcs", 12 * US), ("13ms", 13 * MS), ("14s", 14 * NS),
    ("15m", 15 * M), ("16h", 16 * H), ("3h30m", 3 * H + 30 * M), ("10.5s4m", 4 * M + 10 * NS + NS // 2),
    ("-2m3.4s", -(2 * M + 3 * NS + 400 * MS)), ("1h2m3s4ms5us6ns", H + 2 * M + 3 * NS + 4 * MS + 5 * US + 6),
    ("39h9m14.425s", 39 * H + 9 * M + 14 * NS + 425 * MS), ("52763797000ns", 52763797000),
    ("0.3333333333333333333h", 20 * M), ("9007199254740993ns", (1 << 53) + 1),
    ("9223372036854775807ns", (1 << 63) - 1), ("9223372036854775.807us", (1 << 63) - 1),
    ("9223372036s854ms775us807ns", (1 << 63) - 1), ("-9223372036854775808ns", -(1 << 63)),
    ("-9223372036854775.808us", -(1 << 63)), ("0.100000000000000000000h", 6 * M),
    ("0.830103483285477580700h", 49 * M + 48 * NS + 372539827),
    ("1h15m30.918273645s", H + 15 * M + 30 * NS + 918273645),
]

PARSE_ERRORS = [
    ("", 'time: invalid duration ""'), ("3", 'time: missing unit in duration "3"'),
    ("1", 'time: missing unit in duration "1"'), ("-", 'time: invalid duration "-"'),
    ("s", 'time: invalid duration "s"'), (".", 'time: invalid duration "."'), ("-.", 'time: invalid duration "-."'),
    (".s", 'time: invalid duration ".s"'), ("+.s", 'time: invalid duration "+.s"'),
    ("x", 'time: invalid duration "x"'), ("1d", 'time: unknown unit "d" in duration "1d"'),
    ("1f", 'time: unknown unit "f" in duration "1f"'), ("1hx", 'time: unknown unit "hx" in duration "1hx"'),
    ("\x85\x85", 'time: invalid duration "\\xc2\\x85\\xc2\\x85"'),
    ("9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'),
    ("9223372036854775.808us", 'time: invalid duration "9223372036854775.808us"'),
    ("9223372036854ms775us808ns", 'time: invalid duration "9223372036854ms775us808ns"'),
    ("-9223372036854775809ns", 'time: invalid duration "-9223372036854775809ns"'),
    ("99999999999h", 'time: invalid duration "99999999999h"'),
    ("18446744073709551616ns", 'time: invalid duration "18446744073709551616ns"'),
]


@pytest.mark.parametrize("text,expected", PARSE_OK)
def test_parse_duration_go_table(text, expected):
    assert duration.parse_duration(text) == expected


@pytest.mark.parametrize("text,message", PARSE_ERRORS)
def test_parse_duration_errors_are_gos(text, message):
    with pytest.raises(ValueError) as caught:
        duration.parse_duration(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("ns,text", [
    (0, "0s"), (1, "1ns"), (1100, "1.1\u00b5s"), (2200 * US, "2.2ms"), (3300 * MS, "3.3s"),
    (4 * M + 5 * NS, "4m5s"), (4 * M + 5001 * MS, "4m5.001s"), (5 * H + 6 * M + 7001 * MS, "5h6m7.001s"),
    (8 * M + 1, "8m0.000000001s"), ((1 << 63) - 1, "2562047h47m16.854775807s"),
    (-(1 << 63), "-2562047h47m16.854775808s"),
])
def test_format_duration_go_table(ns, text):
    assert duration.format_duration(ns) == text


def test_round_trip_of_format_and_parse():
    for ns in (1, 999, 1001, 123456789, 3 * H + 1, (1 << 63) - 1, -(1 << 63)):
        assert duration.parse_duration(duration.format_duration(ns)) == ns


MATCH_CASES = [
    ("abc", "abc", True), ("*", "abc", True), ("a*", "ab/c", False), ("a*/b", "abc/b", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False), ("a*b?c*x", "abxbbxdbxebxczzx", True), ("ab[^e-g]", "abc", True),
    ("a\\*b", "a*b", True), ("a?b", "a\u263ab", True), ("a[^a]b", "a\u263ab", True), ("a???b", "a\u263ab", False),
    ("[a-\u03b6]*", "\u03b1", True), ("a?b", "a/b", False), ("a*b", "a/b", False), ("[\\]a]", "]", True),
    ("[\\-]", "-", True), ("[x\\-]", "-", True), ("*x", "xxx", True),
    # a class is not a wildcard: Go lets it match the separator (chart/ignore.py once said otherwise)
    ("a[^b]c", "a/c", True), ("a[/]c", "a/c", True),
    # a range written backwards is valid and matches nothing; negated, it matches anything
    ("[z-a]", "m", False), ("[^z-a]", "m", True), ("[^z-a]", "/", True),
]
BAD_PATTERNS = ["[]a]", "[-]", "a[-]b", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "a/b[", "[\\"]


@pytest.mark.parametrize("pattern,name,matched", MATCH_CASES)
def test_filepath_match_go_table(pattern, name, matched):
    assert filepath.match(pattern, name) is matched


@pytest.mark.parametrize("pattern", BAD_PATTERNS)
def test_filepath_bad_pattern_whatever_the_name(pattern):
    for name in ("a", "x", "-", "]", "abc"):
        with pytest.raises(filepath.BadPattern, match="^syntax error in pattern$"):
            filepath.match(pattern, name)


@pytest.mark.parametrize("text,quoted,ascii_quoted", [
    ("\a\b\f\r\n\t\v", '"\\a\\b\\f\\r\\n\\t\\v"', '"\\a\\b\\f\\r\\n\\t\\v"'),
    ("\\", '"\\\\"', '"\\\\"'),
    ("abc\xffdef", '"abc\\u00ffdef"'.replace("\\u00ff", "\u00ff"), '"abc\\u00ffdef"'),
    ("\u263a", '"\u263a"', '"\\u263a"'),
    ("\U0010ffff", '"\\U0010ffff"', '"\\U0010ffff"'),
    ("\x04", '"\\x04"', '"\\x04"'),
    ("!\u00a0!\u2000!\u3000!", '"!\\u00a0!\\u2000!\\u3000!"', '"!\\u00a0!\\u2000!\\u3000!"'),
    ("\x7f", '"\\x7f"', '"\\x7f"'),
    ("a\udcffb", '"a\\xffb"', '"a\\xffb"'),
])
def test_strconv_quote_go_table(text, quoted, ascii_quoted):
    assert strconv.go_quote(text) == quoted
    assert strconv.go_quote(text, ascii_only=True) == ascii_quoted


def test_quote_rune():
    assert strconv.go_quote("'", quote="'") == "'\\''"
    assert strconv.go_quote('"', quote="'") == "'\"'"
