"""Catalog speed target (issue 18): the catalog of the largest index in ../shared/indexes, names and metadata
only, against Helm v4 reading the same index in the same run.

``python benchmarks/catalog.py [--index FILE] [--repeat N]``. The index is served by the test chart repository
server on 127.0.0.1.

* ``helm``: ``helm_python.repo_index(url)`` (download and parse, Helm's loadIndex);
* ``ours``: ``http_get`` of the same ``index.yaml`` then ``catalog_from_index`` (parse with the catalog's fields,
  every chart with all versions, description, keywords, icon, home, sources, maintainers, deprecated).

Wall-clock seconds, best of N, the two alternated so that machine load hits both alike. Target: ours <= helm.
Exit status 1 when missed. Not a test.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, ".tree")]

from tests.helpers.corpus import INDEXES_DIR as INDEXES  # noqa: E402  (the one home of ../shared paths)


def _timed(func):
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default=None, help="file name in ../shared/indexes (default: the largest)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import helm_python
    from ansible_collections.helmkit.core.plugins.module_utils.source.catalog import catalog_from_index
    from ansible_collections.helmkit.core.plugins.module_utils.repo.index import http_get
    from tests.helpers.chartrepo import ChartRepoServer

    name = args.index or max(os.listdir(INDEXES), key=lambda n: os.path.getsize(os.path.join(INDEXES, n)))
    with open(os.path.join(INDEXES, name), "rb") as fh:
        data = fh.read()
    with ChartRepoServer(index=data) as server:
        url = server.url.rstrip("/") + "/index.yaml"

        def ours():
            return catalog_from_index(http_get(url), "bench", server.url)

        helm_t = ours_t = 1e9
        for _round in range(args.repeat):
            elapsed, helm = _timed(lambda: helm_python.repo_index(server.url))
            helm_t = min(helm_t, elapsed)
            elapsed, catalog = _timed(ours)
            ours_t = min(ours_t, elapsed)
    same = [e["chart"] for e in catalog] == sorted(helm["entries"])
    versions = sum(len(e["versions"]) for e in catalog)
    print("index %s (%.1f MB): %d charts, %d versions; same charts as Helm: %s"
          % (name, len(data) / 1e6, len(catalog), versions, same))
    print("%-32s %8s %8s" % ("measure", "seconds", "target"))
    print("%-32s %8.3f %8s" % ("helm repo_index (download+parse)", helm_t, "-"))
    print("%-32s %8.3f %8s" % ("ours catalog (download+catalog)", ours_t, "<= helm"))
    print("ratio ours/helm %.2f" % (ours_t / helm_t))
    ok = same and ours_t <= helm_t
    print("target met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
