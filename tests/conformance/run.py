"""Script mode of the conformance harness: ``python tests/conformance/run.py [--chart NAME ...] [--no-deps]
[--cache-twice]``.

Prints one line per chart/variant and the total line ``N/M charts identical, K/T templates identical``.
Exit status 0 when everything selected is identical. ``--cache-twice`` renders everything twice with the on-disk
caches on, in a new empty cache directory: first as a first process (writing the entries), then, with every
in-memory cache cleared, as a later process reading them (two total lines).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chart", action="append", help="only this chart (repeatable)")
    parser.add_argument("--no-deps", action="store_true", help="only charts without dependencies")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every differing template")
    parser.add_argument("--cache-twice", action="store_true",
                        help="render with a new on-disk cache, then again reading it as a later process would")
    args = parser.parse_args(argv)
    entries = harness.corpus()
    if args.chart:
        entries = [e for e in entries if e["name"] in args.chart]
    if args.no_deps:
        entries = [e for e in entries if not e["deps"]]
    if not args.cache_twice:
        return _run(entries, args.verbose)
    harness.ensure_importable()
    from ansible_collections.helmkit.core.plugins.module_utils.caches import CACHES  # deferred: after the path
    with tempfile.TemporaryDirectory() as cache_home:
        os.environ["XDG_CACHE_HOME"] = cache_home
        for switch in ("HELMKIT_TEMPLATE_CACHE", "HELMKIT_BYTECODE_CACHE"):
            os.environ.pop(switch, None)
        status = 0
        for label in ("first process (writing the on-disk caches)", "later process (reading them)"):
            CACHES.clear(disk_state=True)  # nothing in memory, as in a new process
            print("== %s" % label, flush=True)
            status |= _run(entries, args.verbose)
        return status


def _run(entries, verbose: bool) -> int:
    results = []
    for entry, variant in harness.cases(entries):
        result = harness.run_case(entry, variant)
        results.append(result)
        print(result.line(), flush=True)
        if verbose:
            for template, problem in result.problems:
                print("       %s: %s" % (template, problem))
    print(harness.summary(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
