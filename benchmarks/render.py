"""Render benchmark: every corpus chart with helmkit.core's render_chart and with Helm v4 (helm_python), same run.

``python benchmarks/render.py [--repeat N] [--chart NAME ...]``. Times are in-process wall-clock seconds for
"load the .tgz and render it" (best of N), measured alternately for both implementations. Prints one line per
chart/variant with both times and the ratio ours/helm, then the median ratio. Not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "conformance"))

import harness  # noqa: E402


def _best(func, repeat: int) -> float:
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chart", action="append")
    args = parser.parse_args(argv)
    harness.ensure_importable()
    import helm_python
    from ansible_collections.helmkit.core.plugins.module_utils.chart.goyamlload import load_values
    from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart

    entries = harness.corpus()
    if args.chart:
        entries = [e for e in entries if e["name"] in args.chart]
    ratios = []
    print("%-32s %-7s %10s %10s %7s" % ("chart", "variant", "ours s", "helm s", "ratio"))
    for entry, variant in harness.cases(entries):
        path = os.path.join(harness.CHARTS_DIR, entry["tgz"])
        values_file = harness.values_path(entry, variant)
        text = open(values_file).read() if values_file else None
        ours_values = load_values(text) if text else None
        helm_values = helm_python.values_from_yaml(text) if text else None

        def ours():
            render_chart(path, ours_values, release_name="test-release", namespace="test-ns")

        def helm():
            with helm_python.Chart.load(path) as chart:
                chart.render(helm_values, name="test-release", namespace="test-ns")

        try:
            ours_time = _best(ours, args.repeat)
        except Exception as exc:  # report and keep going: a benchmark, not a test
            print("%-32s %-7s error: %s" % (entry["name"], variant, str(exc).splitlines()[0][:100]))
            continue
        helm_time = _best(helm, args.repeat)
        ratio = ours_time / helm_time if helm_time else float("inf")
        ratios.append(ratio)
        print("%-32s %-7s %10.4f %10.4f %6.2fx" % (entry["name"], variant, ours_time, helm_time, ratio), flush=True)
    if ratios:
        print("median ratio ours/helm: %.2fx over %d renders" % (statistics.median(ratios), len(ratios)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
