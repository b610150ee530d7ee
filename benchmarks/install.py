"""Install/upgrade benchmark: helmkit.core's release actions and Helm v4 (helm_python) on the kubeapi emulator.

``python benchmarks/install.py [--chart NAME ...]``. For each chart, one fresh emulator per implementation; times are
wall-clock seconds for install (load chart, render, apply, store; no wait) and for an upgrade with one changed value,
then for our unchanged re-run (which writes nothing). Prints one line per chart and the median install ratio
ours/helm. Not a test; the machine's load shows in the numbers, so compare ratios measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CHARTS = os.path.join(ROOT, "..", "shared", "charts")
DEFAULT_CHARTS = ("podinfo-6.14.1", "ingress-nginx-4.15.1", "kube-prometheus-stack-88.5.3")


def _ours(kubeconfig, path, name):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs

    times = []
    for values in ({}, {"benchmark": "upgrade"}, {"benchmark": "upgrade"}):
        started = time.perf_counter()
        with KubeClient(kubeconfig) as client:
            chart = inputs.resolve_chart(path)
            options = actions.ReleaseOptions(name, "bench", create_namespace=True)
            actions.ensure_present(client, options, chart, values, inputs.cluster_renderer(client, name, "bench"))
        times.append(time.perf_counter() - started)
    return times


def _helm(kubeconfig, path, name):
    import helm_python

    config = helm_python.Config(kubeconfig_path=kubeconfig, namespace="bench")
    started = time.perf_counter()
    config.install(path, name, {}, namespace="bench", create_namespace=True)
    install = time.perf_counter() - started
    started = time.perf_counter()
    config.upgrade(path, name, {"benchmark": "upgrade"}, namespace="bench")
    return [install, time.perf_counter() - started]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chart", action="append")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(ROOT, ".tree"))
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from kubeapi.fixture import KubeAPIServer
    # Import everything once so that first-import time does not count against the first chart.
    import ansible_collections.helmkit.core.plugins.module_utils.chart.render  # noqa: F401
    import ansible_collections.helmkit.core.plugins.module_utils.engine.helm  # noqa: F401
    import ansible_collections.helmkit.core.plugins.module_utils.release.actions  # noqa: F401

    ratios = []
    print("%-30s %9s %9s %9s %9s %9s %7s" % ("chart", "ours ins", "helm ins", "ours upg", "helm upg", "ours noop",
                                            "ratio"))
    for chart in args.chart or DEFAULT_CHARTS:
        path = os.path.abspath(os.path.join(CHARTS, chart + ".tgz"))
        name = chart.rsplit("-", 1)[0][:20]
        with KubeAPIServer() as api:
            ours = _ours(api.kubeconfig, path, name)
        with KubeAPIServer() as api:
            helm = _helm(api.kubeconfig, path, name)
        ratios.append(ours[0] / helm[0])
        print("%-30s %9.2f %9.2f %9.2f %9.2f %9.2f %7.2f" % (chart, ours[0], helm[0], ours[1], helm[1], ours[2],
                                                            ratios[-1]))
    print("median install ratio ours/helm: %.2f" % statistics.median(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
