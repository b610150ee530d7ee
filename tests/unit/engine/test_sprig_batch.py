"""Sprig functions over many generated inputs (fixed seed), checked against Helm v4 in one render per family:
the inputs go in through .Values and each template ranges over them, one output line per input."""
from __future__ import annotations

import random

import pytest

from _sprigref import helm_outputs, our_outputs

_PIECES = ["a", "b", "Z", "x", "HTTP", "Server", "id", "2", "10", "0", " ", "  ", "\t", "\n", "_", "-", "__", ".",
           ",", "!", "$", "(", "[", "\\", "\"", "'", "é", "ß", "Σ", "ǅ", "İ", "ﬁ", "日本", "☃", "😀", "\u00a0",
           "\u2028", "hello", "World", "fooBar", "XMLHttp", "v1", "ABC", "a1b2", "\x01", "}", "{", "*", "+", "?"]


def _strings(seed: int, count: int) -> list:
    rng = random.Random(seed)
    out = ["", " ", "a", "A"]
    while len(out) < count:
        out.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 7))))
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
    "regexMatch \"^\\\\w+$\" .", "base .", "dir .", "clean .", "ext .",
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

NUMERIC_STRING_FUNCS = ["int .", "int64 .", "float64 .", "atoi .", "toDecimal .", "add . 0", "floor .", "mul . 2", "ceil ."]


RECORD, FIELD = "\u241e", "\u241f"  # separators that no input contains


def _template(exprs: list, source: str) -> str:
    body = FIELD.join("{{ %s }}" % expr for expr in exprs)
    return "{{ range .Values.%s }}%s%s{{ end }}" % (source, body, RECORD)


CASES = {
    "strings": _template(STRING_FUNCS, "strings"),
    "numbers": _template(NUMBER_FUNCS, "numbers"),
    "numeric_strings": _template(NUMERIC_STRING_FUNCS, "numeric_strings"),
    "urls": _template(URL_FUNCS, "urls"),
}

VALUES = {"strings": _strings(7, 400), "numbers": _numbers(11, 400), "numeric_strings": _NUMERIC_STRINGS,
          "urls": _URLS}
EXPRS = {"strings": STRING_FUNCS, "numbers": NUMBER_FUNCS, "numeric_strings": NUMERIC_STRING_FUNCS,
         "urls": URL_FUNCS}


@pytest.fixture(scope="module")
def rendered():
    return helm_outputs(CASES, VALUES), our_outputs(CASES, VALUES)


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
