"""Differential test: random templates built from text/template's grammar and the builtins Helm does not
override, rendered by our engine and by Helm v4; outputs and error messages must be identical.

Deterministic (fixed seed). Templates that render go to Helm in one chart; failing ones are compared one by one.
"""
from __future__ import annotations

import random

import pytest

from tests.helpers import helmref, ourrender

VALUES = {"s": "str", "n": 3, "f": 1.5, "z": 0, "t": True, "e": "", "l": ["a", "b", None], "el": [],
          "m": {"a": 1, "b": {"c": "d"}, "n": None, "u": "h\u00e9 <&>"}, "nums": [1, 2.5, -3, 1e6, 0.0001, 1e-7],
          "big": 12345678.9, "neg": -0.5, "deep": {"x": [{"y": {"z": "w"}}]}}
FIELDS = [".Values.s", ".Values.n", ".Values.f", ".Values.z", ".Values.t", ".Values.e", ".Values.l", ".Values.el",
          ".Values.m", ".Values.m.a", ".Values.m.b", ".Values.m.b.c", ".Values.m.n", ".Values.nums",
          ".Values.missing", "$.Values.s", "$.Values.m"]
LITERALS = ['"x"', '"%v-%d"', "1", "0", "-2", "1.5", "true", "false", "nil", "'a'", "`raw`", '""', "0x10", "1e2"]
UNARY = ["not", "len", "print", "println", "html", "js", "urlquery"]
NARY = ["and", "or", "print", "printf", "eq", "ne", "lt", "le", "gt", "ge", "index"]


class _Generator(object):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def operand(self, depth: int) -> str:
        r = self.rng.random()
        if depth > 2 or r < 0.45:
            return self.rng.choice(FIELDS)
        if r < 0.7:
            return self.rng.choice(LITERALS)
        return "(" + self.pipeline(depth + 1) + ")"

    def command(self, depth: int, first: bool) -> str:
        r = self.rng.random()
        if r < 0.35 and first:
            return self.operand(depth)
        if r < 0.6:
            return self.rng.choice(UNARY) + " " + self.operand(depth)
        return self.rng.choice(NARY) + " " + " ".join(self.operand(depth) for _i in range(self.rng.randint(1, 3)))

    def pipeline(self, depth: int) -> str:
        cmds = [self.command(depth, True)]
        for _i in range(self.rng.randint(0, 2)):
            cmds.append(self.rng.choice(UNARY + NARY) + ("" if self.rng.random() < 0.5 else " " + self.operand(depth)))
        return " | ".join(cmds)

    def body(self, depth: int) -> str:
        rng = self.rng
        parts = []
        for _i in range(rng.randint(1, 3)):
            r = rng.random()
            ws = rng.choice(["", " ", "\n", "  \n "])
            if r < 0.5 or depth > 2:
                parts.append(ws + rng.choice(["{{", "{{- "]) + " " + self.pipeline(0) + " " + rng.choice(["}}", " -}}"]))
            elif r < 0.65:
                text = "{{ if " + self.pipeline(0) + " }}" + self.body(depth + 1)
                if rng.random() < 0.3:
                    text += "{{ else if " + self.pipeline(0) + " }}" + self.body(depth + 1)
                if rng.random() < 0.5:
                    text += "{{ else }}" + self.body(depth + 1)
                parts.append(ws + text + "{{ end }}")
            elif r < 0.8:
                decl = rng.choice(["", "$v := ", "$i, $v := "])
                text = "{{ range " + decl + rng.choice(FIELDS + ["3", "0"]) + " }}" + self.body(depth + 1)
                if rng.random() < 0.4:
                    text += "{{ else }}" + self.body(depth + 1)
                parts.append(ws + text + "{{ end }}")
            elif r < 0.9:
                text = "{{ with " + self.pipeline(0) + " }}" + self.body(depth + 1)
                if rng.random() < 0.4:
                    text += "{{ else }}" + self.body(depth + 1)
                parts.append(ws + text + "{{ end }}")
            else:
                parts.append(ws + "{{ $x := " + self.pipeline(0) + " }}{{ $x }}")
        return "".join(parts)


CASES = {"d%03d" % i: text for i, text in enumerate(_Generator(seed).body(0)
                                                    for seed in range(20261121, 20261121 + 300))}


@pytest.fixture(scope="module")
def ours():
    return ourrender.render_cases(CASES, VALUES)


def test_rendered_templates_match_helm(ours):
    rendered = {case: CASES[case] for case in CASES if isinstance(ours[case], str)}
    assert len(rendered) >= 20
    reference = helmref.render_cases(rendered, VALUES)
    assert {case: ours[case] for case in rendered} == reference


def test_errors_match_helm(ours):
    failing = sorted(case for case in CASES if not isinstance(ours[case], str))[:120]
    assert len(failing) >= 100
    mismatches = {}
    for case in failing:
        expected = helmref.case_error(case, CASES[case], VALUES)
        got = ourrender.case_error(case, CASES[case], VALUES)
        if got != expected:
            mismatches[case] = (CASES[case], expected, got)
    assert mismatches == {}


# -- mostly valid templates: printing, formatting and control flow over every kind of value ---------------------

ANY = [".Values.s", ".Values.n", ".Values.f", ".Values.z", ".Values.t", ".Values.e", ".Values.l", ".Values.el",
       ".Values.m", ".Values.m.a", ".Values.m.b", ".Values.m.b.c", ".Values.m.n", ".Values.nums", ".Values.missing",
       ".Values.big", ".Values.neg", ".Values.deep", "(index .Values.deep.x 0).y.z", "(index .Values.l 2)",
       '"lit"', "1", "2.5", "true", "nil", "'x'", "`r`", "-7", "1e21", "0.1"]
STRINGS = [".Values.s", ".Values.e", ".Values.m.b.c", ".Values.m.u", '"a b"', '"<x>"', "(print .Values.n)",
           '(printf "%05.1f" .Values.f)']
FORMATS = ['"%v"', '"%d"', '"%s"', '"%q"', '"%5.2f|%-4v|"', '"%x %X"', '"%T"', '"%v %v"', '"%+v"', '"%t"', '"%e"',
           '"%g"', '"%08.3f"', '"%c"', '"%U"', '"%o"', '"%b"', '"%#v"', '"%[2]v %[1]v"']


class _ValidGenerator(object):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def expr(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.2:
            return rng.choice(ANY)
        if r < 0.4:
            return "printf %s %s" % (rng.choice(FORMATS), " ".join(rng.choice(ANY) for _i in range(rng.randint(0, 3))))
        if r < 0.5:
            return rng.choice(["print", "println"]) + " " + " ".join(rng.choice(ANY) for _i in range(rng.randint(0, 4)))
        if r < 0.6:
            return rng.choice(["html", "js", "urlquery"]) + " " + " ".join(rng.choice(ANY)
                                                                           for _i in range(rng.randint(1, 2)))
        if r < 0.7:
            return rng.choice(["and", "or"]) + " " + " ".join(rng.choice(ANY) for _i in range(rng.randint(1, 3)))
        if r < 0.75:
            return "not " + rng.choice(ANY)
        if r < 0.85:
            return rng.choice(["eq", "ne", "lt", "le", "gt", "ge"]) + " " + rng.choice(STRINGS) + " " + \
                rng.choice(STRINGS)
        if r < 0.9:
            return "len " + rng.choice(STRINGS + [".Values.l", ".Values.m", ".Values.nums", ".Values.el"])
        return "index .Values.m " + rng.choice(['"a"', '"b"', '"zz"', '"u"'])

    def pipe(self) -> str:
        text = self.expr()
        if self.rng.random() < 0.3:
            text += " | " + self.rng.choice(["print", "html", "js", "urlquery", "println", 'printf "[%v]"', "not"])
        return text

    def body(self, depth: int) -> str:
        rng = self.rng
        out = []
        for _i in range(rng.randint(1, 4)):
            ws = rng.choice(["", " ", "\n", "\n  ", "  \n"])
            r = rng.random()
            if r < 0.5 or depth > 2:
                out.append(ws + rng.choice(["{{ ", "{{- "]) + self.pipe() + rng.choice([" }}", " -}}"]))
            elif r < 0.65:
                text = "{{ if " + self.pipe() + " }}" + self.body(depth + 1)
                if rng.random() < 0.3:
                    text += "{{ else if " + self.pipe() + " }}" + self.body(depth + 1)
                if rng.random() < 0.5:
                    text += "{{ else }}" + self.body(depth + 1)
                out.append(ws + text + "{{ end }}")
            elif r < 0.8:
                decl = rng.choice(["", "$v := ", "$i, $v := "])
                source = rng.choice([".Values.l", ".Values.m", ".Values.nums", ".Values.el", ".Values.missing", "3",
                                     "0", ".Values.deep.x"])
                if source in ("3", "0") and decl == "$i, $v := ":
                    decl = "$v := "
                inner = self.body(depth + 1).replace(".Values", "$.Values").replace("$$", "$")
                text = "{{ range " + decl + source + " }}{{ . }}" + ("{{ $v }}" if decl else "") + inner
                if rng.random() < 0.4:
                    text += "{{ else }}" + self.body(depth + 1)
                out.append(ws + text + "{{ end }}")
            elif r < 0.9:
                inner = self.body(depth + 1).replace(".Values", "$.Values").replace("$$", "$")
                text = "{{ with " + rng.choice([".Values.m", ".Values.deep", ".Values.missing", ".Values.s",
                                                ".Values.e"]) + " }}{{ . }}" + inner
                if rng.random() < 0.4:
                    text += "{{ else }}" + self.body(depth + 1)
                out.append(ws + text + "{{ end }}")
            else:
                out.append(ws + "{{ $x := " + self.pipe() + " }}{{ $x }}{{ $x = " + rng.choice(ANY) + " }}{{ $x }}")
        return "".join(out)


VALID_CASES = {"v%03d" % i: _ValidGenerator(seed).body(0) for i, seed in enumerate(range(7000, 7250))}


def test_mostly_valid_templates_match_helm():
    ours = ourrender.render_cases(VALID_CASES, VALUES)
    rendered = {case: VALID_CASES[case] for case in VALID_CASES if isinstance(ours[case], str)}
    assert len(rendered) >= 200
    reference = helmref.render_cases(rendered, VALUES)
    assert {case: ours[case] for case in rendered} == reference
