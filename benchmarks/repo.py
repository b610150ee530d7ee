"""Repository benchmark: index download+parse and chart look-up, helmkit.core next to Helm v4 (helm_python).

``python benchmarks/repo.py [--repeat N] [--index FILE ...]``. Each real index of ``../shared/indexes`` is served by
the test chart repository server on 127.0.0.1. Times are in-process wall-clock seconds, best of N, measured
alternately in the same run:

* ``helm``: ``helm_python.repo_index(url)`` (download + parse, what ``helm repo update`` does per repository);
* ``ours``: ``fetch_index(url)`` (download + parse);
* ``cached``: ``load_cached_index`` + ``resolve`` of the first chart, the path ``fetch_chart("repo/chart")`` takes
  when Helm's cache holds the index (our parsed-index cache; Helm re-parses the YAML every time).

Prints one line per index with the ratios ours/helm and cached/helm. Not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, ".tree")]

from tests.helpers.corpus import INDEXES_DIR as INDEXES  # noqa: E402  (the one home of ../shared paths)


def _best(func, repeat):
    best = None
    for _i in range(repeat):
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--index", action="append", help="file name in ../shared/indexes")
    args = parser.parse_args(argv)
    import helm_python
    from ansible_collections.helmkit.core.plugins.module_utils.repo import index as ix
    from tests.helpers.chartrepo import ChartRepoServer

    names = args.index or sorted(os.listdir(INDEXES))
    cache = tempfile.mkdtemp(prefix="helmkit-bench-")
    print("%-52s %9s %9s %9s %8s %8s" % ("index", "helm s", "ours s", "cached s", "ours/h", "cache/h"))
    for name in names:
        with open(os.path.join(INDEXES, name), "rb") as fh:
            data = fh.read()
        with ChartRepoServer(index=data) as server:
            parsed = ix.update_index_cache(cache, "bench", server.url)
            chart = sorted(parsed.entries)[0]
            yaml_path = os.path.join(cache, "bench-index.yaml")
            helm_t = _best(lambda: helm_python.repo_index(server.url), args.repeat)
            ours_t = _best(lambda: ix.fetch_index(server.url), args.repeat)
            cached_t = _best(lambda: ix.resolve(ix.load_cached_index(yaml_path), chart), args.repeat)
        print("%-52s %9.3f %9.3f %9.3f %8.2f %8.3f" % (name, helm_t, ours_t, cached_t, ours_t / helm_t,
                                                       cached_t / helm_t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
