"""Dependency update benchmark: helmkit.core's update and Helm v4's (helm_python.dependency_update), same run.

``python benchmarks/dependency.py [--rounds N] [--index PATH]``. A local HTTP chart repository serves an index the
size of ``../shared/indexes/grafana-helm-charts-index.yaml`` (that real index with five charts of the corpus added,
about 4 MB) and the five archives. A parent chart depends on the five. Each round times, in fresh chart copies:

* ``cold``: update with an empty repository cache (index downloaded and parsed, archives downloaded);
* ``refresh``: update again with the cache filled (index downloaded again, as Helm does by default);
* ``skip``: update with ``skip_refresh`` (cached index: our parsed-index cache; archives from the chart cache).

Prints the median seconds per case and the ratio ours/helm. Not a test: compare ratios measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
CHART_FILES = ("common-2.31.10.tgz", "podinfo-6.14.1.tgz", "memcached-8.0.0.tgz", "nginx-22.1.1.tgz",
               "postgresql-17.1.0.tgz")
DEFAULT_INDEX = os.path.join(SHARED, "indexes", "grafana-helm-charts-index.yaml")


def _setup_path():
    tree = os.path.join(ROOT, ".tree")
    link = os.path.join(tree, "ansible_collections", "helmkit", "core")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(ROOT, link)
    for path in (tree, ROOT):
        if path not in sys.path:
            sys.path.insert(0, path)


def big_index(index_path, charts):
    """The real index at ``index_path`` with Helm's entries for ``charts`` added; YAML bytes."""
    import helm_python
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with open(index_path, "rb") as fh:
        doc = yaml.load(fh, Loader=loader)
    tmp = tempfile.mkdtemp(prefix="helmkit-bench-index-")
    try:
        for chart in charts:
            shutil.copy(chart, tmp)
        helm_python.repo_index_generate(tmp)
        with open(os.path.join(tmp, "index.yaml"), "rb") as fh:
            ours = yaml.load(fh, Loader=loader)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    doc.setdefault("entries", {}).update(ours["entries"])
    return yaml.dump(doc, Dumper=dumper, default_flow_style=False).encode("utf-8")


def write_parent(directory, repo_url):
    import yaml

    os.makedirs(os.path.join(directory, "templates"))
    deps = []
    for name in CHART_FILES:
        chart, version = name[:-len(".tgz")].rsplit("-", 1)
        deps.append({"name": chart, "version": "^" + version, "repository": repo_url})
    with open(os.path.join(directory, "Chart.yaml"), "w") as fh:
        yaml.safe_dump({"apiVersion": "v2", "name": "bench", "version": "1.0.0", "dependencies": deps}, fh)


def _timed(func):
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def run_round(work, template, env_home):
    """One round: {case: (ours seconds, helm seconds)}."""
    import helm_python
    from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager

    out = {}
    cache = os.path.join(env_home, "cache")
    shutil.rmtree(env_home, ignore_errors=True)
    os.environ["HELM_REPOSITORY_CONFIG"] = os.path.join(env_home, "repositories.yaml")
    os.environ["HELM_REPOSITORY_CACHE"] = cache
    for case, skip in (("cold", False), ("refresh", False), ("skip", True)):
        ours_dir = os.path.join(work, "ours-" + case)
        helm_dir = os.path.join(work, "helm-" + case)
        for target in (ours_dir, helm_dir):
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(template, target)
        ours = _timed(lambda: manager.update_dependencies(ours_dir, manager.SourceOptions(skip_refresh=skip)))
        if case == "skip":
            # helm_python registers the repositories in a private configuration and cache of its own, so its
            # skip_refresh has no index to use; time its default path instead (refresh) and say so.
            helm = _timed(lambda: helm_python.dependency_update(helm_dir))
        else:
            helm = _timed(lambda: helm_python.dependency_update(helm_dir))
        out[case] = (ours, helm)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--index", default=DEFAULT_INDEX)
    args = parser.parse_args(argv)
    _setup_path()
    from tests.helpers.chartrepo import ChartRepoServer

    charts = [os.path.join(SHARED, "charts", name) for name in CHART_FILES]
    index = big_index(args.index, charts)
    work = tempfile.mkdtemp(prefix="helmkit-bench-deps-")
    try:
        with ChartRepoServer(charts=charts, index=index) as repo:
            template = os.path.join(work, "template")
            write_parent(template, repo.url)
            print("index: %.1f MB, %d dependencies, %d rounds" % (len(index) / 1e6, len(charts), args.rounds))
            rounds = [run_round(work, template, os.path.join(work, "helmhome")) for _i in range(args.rounds)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for case in ("cold", "refresh", "skip"):
        ours = statistics.median(r[case][0] for r in rounds)
        helm = statistics.median(r[case][1] for r in rounds)
        note = " (helm: refresh; helm_python cannot reuse a cache)" if case == "skip" else ""
        print("%-8s ours %6.3fs  helm %6.3fs  ours/helm %.2f%s" % (case, ours, helm, ours / helm, note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
