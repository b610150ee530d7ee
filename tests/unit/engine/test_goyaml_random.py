"""Differential test: toYaml / toJson / toYamlPretty of pseudo-random values (fixed seed) against real Helm v4.

Strings are built from the pieces that steer go-yaml's quoting and folding (indicators, spaces, line breaks,
YAML 1.1 words, numbers, dates, non-ASCII), so each run covers a few thousand decisions in one Helm render.
"""
from __future__ import annotations

import random

from ansible_collections.helmkit.core.plugins.module_utils.engine import gojson, helmfuncs
from ansible_collections.helmkit.core.plugins.module_utils.yaml import emit_v2
from tests.helpers import helmref

PIECES = ["a", "b", "Z", "0", "7", "1.5", "1e3", "0x1F", "-", "--", "---", ":", ": ", "#", " #", "?", "*", "&", "!",
          "|", ">", "'", '"', "%", "@", "`", ",", "[", "]", "{", "}", " ", "  ", "\n", "\n\n", "\t", "yes", "No",
          "on", "null", "~", "true", "2024-01-02", "é", "日本", "\u00a0", "\U0001F600", "\\", "=", "<<", ".", "...",
          "word", "longerword", "http://x/y"]
SEPARATOR = "=====SEP====="


def random_string(rng: random.Random) -> str:
    count = rng.choice([1, 1, 2, 3, 5, 8, 20, 40])
    return "".join(rng.choice(PIECES) for _i in range(count))


def random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 3 or roll < 0.55:
        kind = rng.random()
        if kind < 0.7:
            return random_string(rng)
        if kind < 0.8:
            return rng.choice([0.0, 1.0, -2.5, 1e6, 1e21, 123456.789, 1e-7, 3.0, 2.0 ** 53])
        if kind < 0.9:
            return rng.choice([True, False, None])
        return rng.choice([[], {}])
    if roll < 0.78:
        return [random_value(rng, depth + 1) for _i in range(rng.randint(1, 4))]
    return dict((random_string(rng)[:30], random_value(rng, depth + 1)) for _i in range(rng.randint(1, 4)))


def _cases(seed: int, count: int) -> list:
    rng = random.Random(seed)
    return [random_value(rng) for _i in range(count)]


def _compare(func: str, ours_fn, seed: int, count: int = 150) -> None:
    cases = _cases(seed, count)
    template = ("{{- range .Values.cases }}{{ %s . }}\n%s\n{{ end }}" % (func, SEPARATOR))
    out = helmref.render({"t.yaml": template}, values={"cases": cases})["c/templates/t.yaml"]
    helm_outputs = out.split("\n%s\n" % SEPARATOR)[:-1]
    values = gojson.from_json(gojson.to_json(cases))  # as Helm receives them: numbers as float64
    assert len(helm_outputs) == len(values)
    mismatches = [(value, ref, ours_fn(value)) for value, ref in zip(values, helm_outputs) if ref != ours_fn(value)]
    assert not mismatches[:3], mismatches[:3]


def test_random_to_yaml_matches_helm():
    _compare("toYaml", helmfuncs.to_yaml, seed=20261121)


def test_random_to_yaml_second_seed():
    _compare("toYaml", helmfuncs.to_yaml, seed=7)


def test_random_to_json_matches_helm():
    _compare("toJson", helmfuncs.to_json, seed=11)


def test_random_to_yaml_pretty_matches_helm():
    _compare("toYamlPretty", helmfuncs.to_yaml_pretty, seed=5)
    _compare("toYamlPretty", helmfuncs.to_yaml_pretty, seed=6)


def test_random_from_yaml_round_trip_matches_helm():
    cases = _cases(99, 120)
    texts = [emit_v2.dump(value) for value in gojson.from_json(gojson.to_json(cases))]
    template = "{{- range .Values.texts }}{{ toJson (fromYamlArray (printf \"- %s\" (. | toJson))) }}\n{{ end }}"
    out = helmref.render({"t.yaml": template}, values={"texts": texts})["c/templates/t.yaml"].split("\n")[:-1]
    ours = [helmfuncs.to_json(helmfuncs.from_yaml_array("- %s" % helmfuncs.to_json(text))) for text in texts]
    assert out == ours


YAML_PIECES = ["a", "b", ":", ": ", "- ", "\n", "\n  ", "\n- ", "'", '"', "#", " #c", ",", "1", "0x1F", "1e3", "yes",
               "~", "null", "&x ", "*x", "!!str ", "? ", "|", ">", "\n  b", "2024-01-02", "0o7", "017", ".5", "-",
               "--- ", "...", "\t", "é", "<<: ", "1:2", "true", "+.inf"]


def test_random_yaml_text_parses_like_helm():
    """fromYaml of random block-style YAML snippets (valid and broken): same values, same error texts."""
    docs = []
    for seed in (1, 3, 4):
        rng = random.Random(seed)
        docs += ["".join(rng.choice(YAML_PIECES) for _i in range(rng.randint(1, 12))) for _i in range(300)]
    text = "\n".join("{{ toJson (fromYaml (index .Values.docs %d)) }}" % i for i in range(len(docs)))
    ref = helmref.render({"t.yaml": text}, values={"docs": docs})["c/templates/t.yaml"].split("\n")
    ours = [helmfuncs.to_json(helmfuncs.from_yaml(doc)) for doc in docs]
    mismatches = [(doc, want, got) for doc, want, got in zip(docs, ref, ours) if want != got]
    assert not mismatches[:3]
