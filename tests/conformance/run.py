"""Script mode of the conformance harness: ``python tests/conformance/run.py [--chart NAME ...] [--no-deps]``.

Prints one line per chart/variant and the total line ``N/M charts identical, K/T templates identical``.
Exit status 0 when everything selected is identical.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chart", action="append", help="only this chart (repeatable)")
    parser.add_argument("--no-deps", action="store_true", help="only charts without dependencies")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every differing template")
    args = parser.parse_args(argv)
    entries = harness.corpus()
    if args.chart:
        entries = [e for e in entries if e["name"] in args.chart]
    if args.no_deps:
        entries = [e for e in entries if not e["deps"]]
    results = []
    for entry, variant in harness.cases(entries):
        result = harness.run_case(entry, variant)
        results.append(result)
        print(result.line(), flush=True)
        if args.verbose:
            for template, problem in result.problems:
                print("       %s: %s" % (template, problem))
    print(harness.summary(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
