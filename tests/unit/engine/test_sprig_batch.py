"""Sprig functions over many generated inputs (fixed seed), checked against Helm v4 in one render per family:
the inputs go in through .Values and each template ranges over them, one output line per input."""
from __future__ import annotations

import random

import pytest

from tests.helpers import helmref, ourrender

_PIECES = ["a", "b", "Z", "x", "HTTP", "Server", "id", "2", "10", "0", " ", "  ", "\t", "\n", "_", "-", "__", ".",
           ",", "!", "$", "(", "[", "\\", "\"", "'", "é", "ß", "Σ", "ǅ", "İ", "ﬁ", "日本", "☃", "😀", "\u00a0",
           "\u2028", "hello", "World", "fooBar", "XMLHttp", "v1", "ABC", "a1b2", "\x01", "}", "{", "*", "+", "?"]


def _strings(seed: int, count: int) -> list:
    rng = random.Random(seed)
    out = ["", " ", "a", "A"]
    while len(out) < count:
        out.append("".join(rng.choice(_PIECES) for _i in range(rng.randint(1, 7))))
    return out


def _numbers(seed: int, count: int) -> list:
    rng = random.Random(seed)
    out = [0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e6, 1e21, 1e-7, 123456789.123, 9.999, 0.1, 0.7, 3]
    while len(out) < count:
        out.append(rng.choice([rng.uniform(-1000, 1000), float(rng.randint(-10 ** 6, 10 ** 6)),
                               round(rng.uniform(-100, 100), rng.randint(0, 4)), rng.uniform(-1, 1) * 10 ** rng.randint(-8, 22)]))
    return out


_NUMERIC_STRINGS = ["0", "42", "-7", "+7", "007", "0x1F", "0X1f", "0b101", "0o17", "0_1", "1_000", "1__0", "_1",
                    "1_", "8.0", "8.00", "8.5", "8.", ".0", "1e3", "1E3", "1e-2", "inf", "+Inf", "NaN", "nan",
                    "0x1p4", "0x1.8p1", " 1", "1 ", "", "abc", "1a", "9223372036854775807",
                    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1e400", "-0",
                    "0.000001", "1_0.5", "0x_1F", "0b", "0x", "00x1", "1.5e+10", "12e", "Infinity", "-infinity",
                    "0777", "0888", "٣", "1,000"]

STRING_FUNCS = [
    "trunc 5 .", "trunc -5 .", "abbrev 6 .", "abbrevboth 5 10 .", "wrap 4 .", "wrapWith 4 \"|\" .", "nospace .",
    "initials .", "title .", "untitle .", "swapcase .", "upper .", "lower .", "snakecase .", "camelcase .",
    "kebabcase .", "quote .", "squote .", "trim .", "b64enc .", "b32enc .", "regexQuoteMeta .", "sha256sum .",
    "adler32sum .", "replace \"a\" \"-\" .", "splitList \" \" .", "indent 2 .", "contains \"a\" .", "len .",
    "substr 0 4 .", "trimAll \" _\" .", "toString .", "cat . .", "b64dec (b64enc .)", "plural \"x\" \"y\" (len .)",
    "regexReplaceAll \"[^a-z0-9]+\" . \"-\"", "regexFindAll \"[A-Z]+|\\\\d+\" . -1", "regexSplit \"\\\\s+\" . -1",
    "regexMatch \"^\\\\w+$\" .", "toPrettyJson (dict \"k\" . \"l\" (list . 1.5))", "toRawJson (list .)",
    "mustToRawJson (dict . 1)", "toJson .", "mustFromJson (toJson .)", "base .", "dir .", "clean .", "ext .",
]

NUMBER_FUNCS = [
    "int .", "int64 .", "float64 .", "toString .", "add . 1", "sub . 1.5", "mul . 3", "div . 7", "mod . 7",
    "add1 .", "max . 10", "min . -10", "floor .", "ceil .", "round . 2", "round . 0", "round . 1 0.3",
    "addf . 0.1", "subf . 0.3", "mulf . 1.1", "divf . 3", "add1f .", "maxf . 0.5", "minf . 0.5", "default 5 .",
    "empty .", "quote .", "toDecimal .", "toPrettyJson .", "toRawJson (list .)", "seq (int (mod . 9))",
]

_URLS = ["http://example.com", "https://user:pw@h.example:8443/p/a%20t/h?q=1&r=%zz#frag%20x", "mailto:a@b.c",
         "/relative/path?x", "rel/path", "//host/only", "HTTP://UPPER.example/", "https://[::1]:443/x", "?q",
         "#f", "", "s3://bucket/key with space", "postgres://u@db:5432/name?sslmode=disable", "a:b:c",
         "http://h/%2F/x", "http://h/é?ü=1#ö", "file:///etc/hosts", "http://u:p:x@h/", "tcp://0.0.0.0:80",
         "https://example.com/a/../b/./c", "http://h/p;param?q", "ftp://h/%41"]
URL_FUNCS = ["urlParse .", "urlJoin (urlParse .)", "(urlParse .).hostname", "(urlParse .).path"]

_ENCODED = ["", "aGVsbG8=", "aGVsbG8", "aGVsbA==", "aGVsbA=", "aGVsbA", "aGV sbG8=", "aGVs\nbG8=", "aGVs\r\nbG8=",
            "a===", "====", "=", "aGVsbG8==", "aGVsbG8=x", "!!!!", "aGVs-G8=", "YQ", "YQ=", "YQ==", "YWI=", "YWJj",
            "NBSWY3DP", "NBSWY3D", "NBSWY3DPEE======", "nbswy3dp", "MFRGG===", "MFRGG", "MZXW6YTBOI======", "0000",
            "w6k=", "/+/+", "_-_-", "8J+YgA==", "gA=="]
ENCODED_FUNCS = ["b64dec .", "b32dec .", "b64enc (b64dec .)", "len (b64dec .)"]

NUMERIC_STRING_FUNCS = ["int .", "int64 .", "float64 .", "atoi .", "toDecimal .", "add . 0", "floor .", "mul . 2", "ceil ."]


def _versions(rng) -> str:
    text = "%s%d" % (rng.choice(["", "", "v"]), rng.randint(0, 3))
    if rng.random() < 0.85:
        text += ".%d" % rng.randint(0, 3)
        if rng.random() < 0.85:
            text += ".%d" % rng.randint(0, 3)
    if rng.random() < 0.35:
        text += "-" + rng.choice(["alpha", "alpha.1", "alpha.10", "beta", "0", "rc.2", "1", "a-b"])
    if rng.random() < 0.1:
        text += "+build.7"
    return text


def _constraint_part(rng) -> str:
    op = rng.choice(["", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"])
    version = _versions(rng).lstrip("v").split("+")[0]
    if rng.random() < 0.25:
        parts = version.split("-")[0].split(".")
        parts[rng.randrange(len(parts))] = rng.choice(["x", "X", "*"])
        version = ".".join(parts)
    return op + rng.choice(["", " "]) + version


def _semver_pairs(seed: int, count: int) -> list:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        kind = rng.random()
        if kind < 0.5:
            constraint = _constraint_part(rng)
        elif kind < 0.75:
            constraint = rng.choice([" ", ", "]).join(_constraint_part(rng) for _i in range(2))
        elif kind < 0.9:
            constraint = " || ".join(_constraint_part(rng) for _i in range(2))
        else:
            constraint = "%s - %s" % (_versions(rng).lstrip("v"), _versions(rng).lstrip("v"))
        out.append([constraint, _versions(rng)])
    return out


_LEAVES = [None, "", "x", 0, 1, 2.5, True, False, [], [1], ["a", "b"], {}]


def _tree(rng, depth: int) -> dict:
    out = {}
    for key in rng.sample(["a", "b", "c", "d"], rng.randint(0, 4)):
        if depth and rng.random() < 0.35:
            out[key] = _tree(rng, depth - 1)
        else:
            out[key] = rng.choice(_LEAVES)
    return out


def _lists(seed: int, count: int) -> list:
    rng = random.Random(seed)
    leaves = _LEAVES + ["a", "b", 1, 1.0, "1", {"a": 1}, [None], "é"]
    return [[rng.choice(leaves) for _i in range(rng.randint(0, 6))] for _i in range(count)]


LIST_FUNCS = ["uniq . | toJson", "without . 1 \"a\" nil | toJson", "has 1 .", "has \"a\" .", "has nil .",
              "compact . | toJson", "first . | toJson", "last . | toJson", "rest .", "initial .", "rest . | len", "initial . | toString",
              "reverse . | toJson", "sortAlpha .", "join \",\" .", "toStrings . | toJson", "chunk 2 . | toJson",
              "slice . 0 (len .) | toJson", "append . 9 | toJson", "prepend . 9 | toJson", "concat . . | len",
              "len .", "empty .", "default \"d\" (first .) | toJson", "coalesce . | toJson", "all .", "any .",
              "quote .", "squote .", "cat .", "toString .", "list . | toJson", "deepEqual . (deepCopy .)",
              "typeOf (first .)", "kindOf (last .)", "dict \"k\" . | toPrettyJson", "toRawJson .", "mustToJson ."]


def _merge_pairs(seed: int, count: int) -> list:
    rng = random.Random(seed)
    return [[_tree(rng, 2), _tree(rng, 2)] for _i in range(count)]


_REGEX_PATTERNS = ["a+", "(a)(b)?", "[0-9]+", "x*", "^a", "b$", "(?i)AB", "\\s+", "[^a-z]", "(\\w+)@(\\w+)",
                   "a|ab", "(?P<n>[a-z])\\d", "\\b", ".", "[[:upper:]]+", "[\\w-\\.]+", "a{2,}", "()", "$", "^"]
_REGEX_INPUTS = ["", "a", "aaa", "abab", "xa1b2", "A b\tc", "joe@host x@y", "ba\nb", "x.y-z", "aab", "Zz9"]
_REPLACEMENTS = ["-", "<$1>", "${1}x", "$1x", "$$", "$n", "${n}", "$0", "[$2]", "$"]


def _regex_cases() -> list:
    rng = random.Random(5)
    return [[p, i, rng.choice(_REPLACEMENTS)] for p in _REGEX_PATTERNS for i in _REGEX_INPUTS]


# Go RE2 patterns (from the corpus and from Go's syntax corners) run over one input; each must translate.
REGEX_PROBES = [
    r"[]a]+", r"[^]a]+", r"[a-]+", r"[-a]+", r"[\d-z]+", r"[\w.-]+", r"[^[:space:]]+", r"[[:^alpha:]]+", r"\pL+",
    r"\p{Greek}+", r"\PL+", r"(?s)a.b", r"(?U)a+", r"\Aa", r"\x41", r"\x{263a}", r"\101", r"\0", r"a+?",
    r"(?i)σ", r"(?i)straße", r"\Qa.b", r"(?:ab)+", r"(?m)^b", r"(?i:A)b", r"[[:word:]]+", r"\d\D\s\S\w\W",
    r"[^\n]", r"\n\t\f\r\v\a", r"\.\+\*", r"\_", r"\-", r"\ ", r"\/", r"a|", r"|a", r"()", r"(|a)+",
    r"[a-c[:digit:]]+", r"[\x00-\x1f]", r"\b\B", r"^$", r"(?im)^A$", r"(?-i)a", r"é+", r"[é-ü]+", r"\{",
    r"a{,3}", r"a{2", r"{", r"}", r"a{1,2}?", r"x(?i)A", r"(a(?i)B)c", r"(?U)a+?b*", r"\z", r"[\pL\d]+",
    r"-r\d+$|sha256:", r"v\d+\.\d+\.\d+", r"(?m)^\s*disable_mlock\s*=\s*(true|false)",
    r"\$(?:__(?:env|file|vault))?{[^}]+}", r"^([0-9a-fA-F]*:)+[0-9a-fA-F]*$", r"^[\w-\.]+$",
    r"{(v[0-9])*[^}]*}}$", r"(-?[^a-z\d\-])+-?", r"[^-A-Za-z0-9_.]", r"[^a-zA-Z0-9-_.]+", r"\W",
]
REGEX_PROBE_INPUT = "abc aab a.b Σσς straße STRASSE ]a]b- 1-z A☺ x\nb é ü {} ${x} {v1}} disable_mlock = true fe80::1 my-App_1.x"
REGEX_PROBE_FUNCS = ["regexFindAll . $.Values.probe_input -1", "regexReplaceAll . $.Values.probe_input \"<$0>\"",
                     "regexSplit . $.Values.probe_input 3", "regexMatch . $.Values.probe_input"]

_LAYOUTS = ["2006-01-02T15:04:05Z07:00", "Mon Jan _2 15:04:05 MST 2006", "02 Jan 06 15:04 -0700",
            "Monday, 02-Jan-06 15:04:05.000 MST", "3:04:05.999999PM", "Jan 2 2006 __2 002", "2006-01-02 15:04:05.000000",
            "20060102150405", "06/1/2 3pm Z0700", ".000 ,999 .9 15h", "January"]


def _date_cases() -> list:
    rng = random.Random(9)
    out = []
    for _i in range(200):
        out.append([rng.choice(_LAYOUTS), rng.randint(-2 * 10 ** 9, 4 * 10 ** 9),
                    rng.choice(["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Paris"])])
    return out


# (layout, value) pairs for toDate: valid, out of range, and malformed values
PARSE_CASES = [("2006-01-02", "2024-02-30"), ("2006-01-02", "2024-13-01"), ("2006-01-02", "x"), ("2006-01-02", "2024-01-0"), ("2006-01-02", "2024-01-01 extra"),
               ("15:04", "25:00"), ("15:04", "10:61"), ("3:04PM", "3:04XM"), ("3:04pm", "13:04pm"), ("Jan 2", "Foo 2"), ("Jan 2 2006", "jan 2 2024"),
               ("2006-01-02T15:04:05Z07:00", "2024-01-01T10:00:00+2500"), ("2006-01-02T15:04:05Z07:00", "2024-01-01T10:00:00+05:30"),
               ("2006-01-02T15:04:05Z07:00", "2024-01-01T10:00:00Z"), ("2006-01-02T15:04:05-0700", "2024-01-01T10:00:00Z"),
               ("2006 002", "2024 060"), ("2006 002", "2023 366"), ("2006 002 01", "2024 060 03"), ("2006-01-02 15:04:05", "2024-01-01 10:00:00.123"),
               ("2006-01-02 MST", "2024-01-01 PDT"), ("2006-01-02 MST", "2024-01-01 GMT+3"), ("2006-01-02 MST", "2024-01-01 pdt"),
               ("Monday 2006", "Funday 2024"), ("2006-01-02", "2024-1-02"), ("2006-1-2", "2024-1-2"), ("_2 Jan", " 5 Jan"), ("2006.000", "2024.12"),
               ("2006.999", "2024.123456789123"), ("06", "99"), ("06", "9"), ("2006-01-02 15:04:05.000000000", "2024-01-01 10:00:00.000000001")]
PARSE_FUNCS = ["toDate (index . 0) (index . 1)", "toDate (index . 0) (index . 1) | unixEpoch"]


RECORD, FIELD = "\u241e", "\u241f"  # separators that no input contains


def _template(exprs: list, source: str) -> str:
    body = FIELD.join("{{ %s }}" % expr for expr in exprs)
    return "{{ range .Values.%s }}%s%s{{ end }}" % (source, body, RECORD)


SEMVER_FUNCS = ["semverCompare (index . 0) (index . 1)", "semver (index . 1)", "(semver (index . 1)).Original"]
MERGE_FUNCS = ["merge (deepCopy (index . 0)) (index . 1) | toJson",
               "mergeOverwrite (deepCopy (index . 0)) (index . 1) | toJson",
               "mergeOverwrite (deepCopy (index . 0)) (deepCopy (index . 1)) (index . 0) | toJson",
               "$d := deepCopy (index . 0) }}{{ $s := deepCopy (index . 1) }}{{ $_ := merge $d $s }}{{ $_ := set $d \"n\" 1 }}{{ toJson $s",
               "merge (deepCopy (index . 1)) (index . 0) | toPrettyJson", "index . 0 | toRawJson",
               "pick (index . 0) \"a\" \"b\" | toJson", "omit (index . 1) \"a\" | toJson", "keys (index . 0) | sortAlpha",
               "values (index . 1) | len", "dig \"a\" \"none\" (index . 0) | toJson", "compact (values (index . 0)) | len",
               "coalesce (index . 0).a (index . 1).a | toJson", "default \"D\" (index . 0).b", "empty (index . 1).c",
               "deepEqual (index . 0) (index . 1)", "has (index . 0).a (list 1 \"x\" 0 2.5 true)"]
REGEX_FUNCS = ["regexFindAll (index . 0) (index . 1) -1", "regexFind (index . 0) (index . 1)",
               "regexReplaceAll (index . 0) (index . 1) (index . 2)", "regexReplaceAllLiteral (index . 0) (index . 1) (index . 2)",
               "regexSplit (index . 0) (index . 1) -1", "regexSplit (index . 0) (index . 1) 2", "regexMatch (index . 0) (index . 1)",
               "regexFindAll (index . 0) (index . 1) 1"]
DATE_FUNCS = ["dateInZone (index . 0) (int64 (index . 1)) (index . 2)", "date (index . 0) (int64 (index . 1))",
              "htmlDateInZone (int64 (index . 1)) (index . 2)", "duration (toString (int64 (index . 1)))",
              "durationRound (printf \"%dms\" (int64 (index . 1)))", "unixEpoch (toDate \"2006-01-02\" (htmlDate (int64 (index . 1))))",
              "toDate (index . 0) (dateInZone (index . 0) (int64 (index . 1)) (index . 2)) | unixEpoch",
              "toDate (index . 0) (dateInZone (index . 0) (int64 (index . 1)) \"UTC\") | date \"2006-01-02 15:04:05.000000 Z07:00\""]

CASES = {
    "strings": _template(STRING_FUNCS, "strings"),
    "numbers": _template(NUMBER_FUNCS, "numbers"),
    "numeric_strings": _template(NUMERIC_STRING_FUNCS, "numeric_strings"),
    "urls": _template(URL_FUNCS, "urls"),
    "semver": _template(SEMVER_FUNCS, "semver"),
    "merge": _template(MERGE_FUNCS, "merge"),
    "regex": _template(REGEX_FUNCS, "regex"),
    "dates": _template(DATE_FUNCS, "dates"),
    "regex_probes": _template(REGEX_PROBE_FUNCS, "regex_probes"),
    "encoded": _template(ENCODED_FUNCS, "encoded"),
    "parse": _template(PARSE_FUNCS, "parse"),
    "lists": _template(LIST_FUNCS, "lists"),
}

VALUES = {"strings": _strings(7, 400), "numbers": _numbers(11, 400), "numeric_strings": _NUMERIC_STRINGS,
          "urls": _URLS, "semver": _semver_pairs(3, 400), "merge": _merge_pairs(4, 300), "regex": _regex_cases(),
          "dates": _date_cases(), "regex_probes": REGEX_PROBES, "probe_input": REGEX_PROBE_INPUT,
          "encoded": _ENCODED, "parse": [list(case) for case in PARSE_CASES],
          "lists": _lists(6, 250)}
EXPRS = {"strings": STRING_FUNCS, "numbers": NUMBER_FUNCS, "numeric_strings": NUMERIC_STRING_FUNCS,
         "urls": URL_FUNCS, "semver": SEMVER_FUNCS, "merge": MERGE_FUNCS, "regex": REGEX_FUNCS, "dates": DATE_FUNCS,
         "regex_probes": REGEX_PROBE_FUNCS, "encoded": ENCODED_FUNCS, "parse": PARSE_FUNCS, "lists": LIST_FUNCS}


@pytest.fixture(scope="module")
def rendered():
    return helmref.render_cases(CASES, VALUES), ourrender.render_helm_cases(CASES, VALUES)


@pytest.mark.parametrize("family", sorted(CASES))
def test_generated_inputs_match_helm(family, rendered):
    helm, ours = rendered
    want, have = helm[family].split(RECORD), ours[family].split(RECORD)
    assert len(have) == len(want) == len(VALUES[family]) + 1
    for index, (w, h) in enumerate(zip(want, have)):
        if w != h:
            columns = list(zip(w.split(FIELD), h.split(FIELD), EXPRS[family]))
            first = next(((e, a, b) for a, b, e in columns if a != b), (None, w, h))
            pytest.fail("input %r: %s gives %r, Helm %r" % (VALUES[family][index], first[0], first[2], first[1]))
