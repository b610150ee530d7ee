"""Index speed targets (issue 5): first load, cached resolution and peak memory, against Helm v4 in the same run.

``python benchmarks/index.py [--index FILE] [--repeat N] [--chart NAME]``. The index (default
``../shared/indexes/grafana-helm-charts-index.yaml``) is served by the test chart repository server on 127.0.0.1.

* ``helm first``: ``helm_python.repo_index(url)`` then picking the chart's latest version (Helm downloads and
  parses the whole index on each command);
* ``ours first``: ``update_index_cache`` into an empty cache (download, parse, write Helm's cache files and our
  parsed cache) then ``resolve``;
* ``ours cached``: ``load_cached_index`` + ``resolve`` with the parsed cache present (what every later task does);
* ``peak memory``: tracemalloc's peak during ``fetch_index`` + ``resolve``, as a multiple of the index size, measured
  in a child process so the other measurements do not count.

Times are wall-clock seconds, best of N. Targets: ours first <= helm first, cached < 0.050 s, memory < 5x.
Exit status 1 when a target is missed. Not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, ".tree")]

from tests.helpers.corpus import INDEXES_DIR as INDEXES  # noqa: E402  (the one home of ../shared paths)
DEFAULT_INDEX = "grafana-helm-charts-index.yaml"


def _best(func, repeat):
    best = None
    for _attempt in range(repeat):
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def _peak_memory(url, chart):
    """Child process mode: print tracemalloc's peak bytes for fetch_index + resolve of ``url``."""
    import tracemalloc
    from ansible_collections.helmkit.core.plugins.module_utils.repo import index as ix
    tracemalloc.start()
    _data, parsed = ix.fetch_index(url)
    ix.resolve(parsed, chart)
    print(json.dumps({"peak": tracemalloc.get_traced_memory()[1]}))


def _helm_latest(helm_python, url, chart):
    from ansible_collections.helmkit.core.plugins.module_utils.semver import parse_version
    versions = helm_python.repo_index(url)["entries"][chart]
    return max((v for v in versions if "-" not in v["version"]), key=lambda v: parse_version(v["version"]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default=DEFAULT_INDEX, help="file name in ../shared/indexes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chart", default=None, help="chart to resolve (default: the one with most versions)")
    parser.add_argument("--peak-memory", nargs=2, metavar=("URL", "CHART"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak_memory:
        _peak_memory(*args.peak_memory)
        return 0
    import helm_python
    from ansible_collections.helmkit.core.plugins.module_utils.repo import index as ix
    from tests.helpers.chartrepo import ChartRepoServer

    with open(os.path.join(INDEXES, args.index), "rb") as fh:
        data = fh.read()
    with ChartRepoServer(index=data) as server:
        cache = tempfile.mkdtemp(prefix="helmkit-bench-")
        try:
            parsed = ix.update_index_cache(cache, "bench", server.url)
            chart = args.chart or max(parsed.entries, key=lambda n: len(parsed.entries[n]))

            def ours_first():
                for name in os.listdir(cache):
                    os.unlink(os.path.join(cache, name))
                return ix.resolve(ix.update_index_cache(cache, "bench", server.url), chart)

            yaml_path = os.path.join(cache, "bench-index.yaml")
            helm_t = ours_t = None
            for _round in range(args.repeat):  # alternate so that machine load hits both alike
                helm_t = min(helm_t or 1e9, _best(lambda: _helm_latest(helm_python, server.url, chart), 1))
                ours_t = min(ours_t or 1e9, _best(ours_first, 1))
            ours_first()
            cached_t = _best(lambda: ix.resolve(ix.load_cached_index(yaml_path), chart), max(args.repeat, 5))
            helm_pick = _helm_latest(helm_python, server.url, chart)["version"]
            ours_pick = ix.resolve(ix.load_cached_index(yaml_path), chart).version
            child = subprocess.run([sys.executable, os.path.abspath(__file__), "--peak-memory", server.url, chart],
                                   check=True, stdout=subprocess.PIPE)
            peak = json.loads(child.stdout.decode("utf-8").strip().splitlines()[-1])["peak"]
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    ratio = float(peak) / len(data)
    print("index %s (%.1f MB, %d versions), chart %s: helm picks %s, we pick %s"
          % (args.index, len(data) / 1e6, sum(len(v) for v in parsed.entries.values()), chart, helm_pick,
             ours_pick))
    print("%-28s %10s %10s" % ("measure", "value", "target"))
    print("%-28s %10.3f %10s" % ("helm first load+resolve s", helm_t, "-"))
    print("%-28s %10.3f %10s" % ("ours first load+resolve s", ours_t, "<= helm"))
    print("%-28s %10.4f %10s" % ("ours cached resolve s", cached_t, "< 0.050"))
    print("%-28s %10.2f %10s" % ("ours peak memory x index", ratio, "< 5"))
    ok = ours_t <= helm_t and cached_t < 0.050 and ratio < 5 and helm_pick == ours_pick
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
