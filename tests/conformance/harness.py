"""Conformance harness: our render_chart against Helm v4.2.3's render of the 42-chart corpus (../shared/charts).

For each chart in manifest.json and each values variant (``default``: values/<name>.yaml if present, else none;
``alt``: values/<name>-alt.yaml), render with ``render_chart(..., release_name="test-release", namespace="test-ns")``
and compare every template with expected/<name>.<variant>.json ``manifests``. Templates listed in
``nondeterministic_templates`` are compared line by line, masking only the lines that differ between two live
helm_python renders. A template not listed there whose expected text Helm itself no longer reproduces
(``now`` printed at a different second than when the corpus was built) gets the same line masking, computed from
the expected text and two live Helm renders; such templates are reported as masked. Expected output is never edited.
"""
from __future__ import annotations

import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:  # run.py and benchmarks/render.py import this file as ``harness``
    sys.path.insert(0, ROOT)

from tests.helpers import corpus as _corpus  # noqa: E402  (tests/helpers/corpus.py: the corpus's paths)

CHARTS_DIR = _corpus.CHARTS_DIR
corpus = _corpus.corpus_manifest


def ensure_importable() -> None:
    """Make ``ansible_collections.helmkit.core`` importable (what tests/conftest.py does under pytest)."""
    tree = os.path.join(ROOT, ".tree")
    link = os.path.join(tree, "ansible_collections", "helmkit", "core")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    if tree not in sys.path:
        sys.path.insert(0, tree)


def cases(entries=None) -> list:
    """``[(entry, variant)]`` for every chart and every variant that has expected output."""
    out = []
    for entry in entries if entries is not None else corpus():
        for variant in ("default", "alt"):
            if os.path.exists(expected_path(entry, variant)):
                out.append((entry, variant))
    return out


def expected_path(entry: dict, variant: str) -> str:
    return _corpus.expected_path(entry["name"], variant)


def values_path(entry: dict, variant: str):
    return _corpus.values_path(entry["name"], variant)


def load_expected(entry: dict, variant: str) -> dict:
    with open(expected_path(entry, variant)) as handle:
        return json.load(handle)


def user_values(entry: dict, variant: str):
    """The variant's values file parsed as Helm parses values files (our go-yaml v2 loader), or None."""
    ensure_importable()
    from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
    path = values_path(entry, variant)
    if path is None:
        return None
    with open(path, "rb") as handle:
        return load_values(handle.read(), path)


_HELM_CACHE = {}


def helm_render(entry: dict, variant: str, attempt: int) -> dict:
    """A live helm_python render (cached per chart/variant/attempt), used to find nondeterministic lines."""
    key = (entry["name"], variant, attempt)
    if key not in _HELM_CACHE:
        import helm_python
        path = values_path(entry, variant)
        values = None
        if path:
            with open(path) as handle:
                values = helm_python.values_from_yaml(handle.read())
        chart = helm_python.Chart.load(os.path.join(CHARTS_DIR, entry["tgz"]))
        _HELM_CACHE[key] = chart.render(values, name="test-release", namespace="test-ns")
    return _HELM_CACHE[key]


def unstable_lines(entry: dict, variant: str, template: str) -> set:
    """Line numbers of ``template`` that differ between two Helm renders (None: line counts differ too)."""
    first = helm_render(entry, variant, 1).get(template, "").split("\n")
    second = helm_render(entry, variant, 2).get(template, "").split("\n")
    masked = {i for i, (a, b) in enumerate(zip(first, second)) if a != b}
    if len(first) != len(second):
        masked.update(range(min(len(first), len(second)), max(len(first), len(second))))
    return masked


def helm_drift_lines(entry: dict, variant: str, template: str, expected: str):
    """Lines where Helm itself no longer reproduces the stored expected text (e.g. ``now`` rendered at a
    different second than when the corpus was built): the union of lines differing between the expected render,
    and two live helm_python renders. Empty when Helm reproduces the expected text exactly."""
    live = helm_render(entry, variant, 1).get(template)
    if live == expected:
        return set()
    masked = unstable_lines(entry, variant, template)
    live_lines, expected_lines = (live or "").split("\n"), expected.split("\n")
    masked.update(i for i, (a, b) in enumerate(zip(live_lines, expected_lines)) if a != b)
    if len(live_lines) != len(expected_lines):
        masked.update(range(min(len(live_lines), len(expected_lines)), max(len(live_lines), len(expected_lines))))
    return masked


def compare_template(ours: str, expected: str, masked=None):
    """None when identical (outside masked lines), else a short description of the first difference."""
    if masked is None:
        if ours == expected:
            return None
    else:
        ours_lines, expected_lines = ours.split("\n"), expected.split("\n")
        if len(ours_lines) == len(expected_lines) and all(
                a == b or i in masked for i, (a, b) in enumerate(zip(ours_lines, expected_lines))):
            return None
    ours_lines, expected_lines = ours.split("\n"), expected.split("\n")
    for number, (a, b) in enumerate(zip(ours_lines, expected_lines), 1):
        if a != b and (masked is None or number - 1 not in masked):
            return "line %d: ours %r, helm %r" % (number, a[:160], b[:160])
    return "line count: ours %d, helm %d" % (len(ours_lines), len(expected_lines))


class Result(object):
    """Outcome of one chart/variant: ``identical``/``total`` templates, ``problems`` [(template, text)],
    ``error`` (render error text or None), ``seconds``."""

    def __init__(self, entry, variant):
        self.entry = entry
        self.variant = variant
        self.identical = 0
        self.total = 0
        self.problems = []
        self.masked = []
        self.error = None
        self.seconds = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.identical == self.total

    def line(self) -> str:
        status = "OK  " if self.ok else "FAIL"
        text = "%s %-32s %-7s %3d/%-3d templates identical (%.2fs)" % (
            status, self.entry["name"], self.variant, self.identical, self.total, self.seconds)
        if self.masked:
            text += "  (masked Helm-irreproducible lines in %d)" % len(self.masked)
        if self.error:
            text += "  error: " + self.error.splitlines()[0][:200]
        elif self.problems:
            template, problem = self.problems[0]
            text += "  first: %s: %s" % (template, problem)
        return text


def run_case(entry: dict, variant: str) -> Result:
    """Render one chart/variant with our code and compare it with Helm's expected output."""
    ensure_importable()
    from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
    result = Result(entry, variant)
    expected = load_expected(entry, variant)
    wanted = expected["manifests"]
    nondeterministic = set(expected.get("nondeterministic_templates") or ())
    result.total = len(wanted)
    started = time.perf_counter()
    try:
        ours = render_chart(os.path.join(CHARTS_DIR, entry["tgz"]), user_values(entry, variant),
                            release_name=expected["release"]["name"], namespace=expected["release"]["namespace"])
    except Exception as exc:  # a failed render fails every template of the case
        result.error = "%s: %s" % (type(exc).__name__, exc)
        result.seconds = time.perf_counter() - started
        return result
    result.seconds = time.perf_counter() - started
    for template in sorted(wanted):
        if template not in ours:
            result.problems.append((template, "missing from our output"))
            continue
        masked = unstable_lines(entry, variant, template) if template in nondeterministic else None
        problem = compare_template(ours[template], wanted[template], masked)
        if problem is not None and masked is None:
            # Not listed as nondeterministic, but Helm may not reproduce it either (time-dependent output that
            # happened to be equal in the corpus builder's two renders): mask only the lines where it doesn't.
            drift = helm_drift_lines(entry, variant, template, wanted[template])
            if drift:
                problem = compare_template(ours[template], wanted[template], drift)
                if problem is None:
                    result.masked.append(template)
        if problem is None:
            result.identical += 1
        else:
            result.problems.append((template, problem))
    for template in sorted(set(ours) - set(wanted)):
        result.total += 1
        result.problems.append((template, "not in Helm's output"))
    return result


def summary(results) -> str:
    """``N/M charts identical, K/T templates identical`` (a chart is identical when all its variants are)."""
    charts = {}
    for result in results:
        charts[result.entry["name"]] = charts.get(result.entry["name"], True) and result.ok
    identical = sum(r.identical for r in results)
    total = sum(r.total for r in results)
    return "%d/%d charts identical, %d/%d templates identical" % (
        sum(1 for ok in charts.values() if ok), len(charts), identical, total)
