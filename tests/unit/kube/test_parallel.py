"""kube/parallel.py: same-kind batches run concurrently, kinds stay in order, the first failure in order is raised."""
import threading

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.kube import parallel


def objs(*kinds):
    return [{"kind": kind, "metadata": {"name": "%s-%d" % (kind, i)}} for i, kind in enumerate(kinds)]


def test_kind_batches_group_consecutive_kinds_only():
    batches = parallel.kind_batches(objs("Namespace", "ConfigMap", "ConfigMap", "Service", "ConfigMap"))
    assert [[o["kind"] for o in b] for b in batches] == [["Namespace"], ["ConfigMap", "ConfigMap"], ["Service"],
                                                         ["ConfigMap"]]


def test_a_batch_runs_concurrently_and_the_next_kind_waits_for_it():
    items = objs("ConfigMap", "ConfigMap", "ConfigMap", "Deployment")
    barrier = threading.Barrier(3, timeout=10)  # only passes if the three ConfigMaps are in flight together
    events = []

    def apply(obj):
        if obj["kind"] == "ConfigMap":
            barrier.wait()
        events.append(obj["metadata"]["name"])
        return obj["metadata"]["name"]
    answers = parallel.apply_in_kind_batches(apply, items, workers=4)
    assert answers == [o["metadata"]["name"] for o in items]
    assert events[-1] == "Deployment-3" and sorted(events[:3]) == ["ConfigMap-0", "ConfigMap-1", "ConfigMap-2"]


def test_first_failure_in_order_is_raised_and_later_kinds_are_not_applied():
    items = objs("Secret", "Secret", "Secret", "Deployment")
    applied = []

    def apply(obj):
        name = obj["metadata"]["name"]
        if name in ("Secret-1", "Secret-2"):
            raise ValueError(name)
        applied.append(name)
    with pytest.raises(ValueError, match="Secret-1"):
        parallel.apply_in_kind_batches(apply, items, workers=3)
    assert "Deployment-3" not in applied and "Secret-0" in applied


def test_one_worker_is_sequential():
    order = []
    parallel.apply_in_kind_batches(lambda o: order.append(o["metadata"]["name"]), objs("A", "A", "B"), workers=1)
    assert order == ["A-0", "A-1", "B-2"]


def test_map_bounded_keeps_order_and_raises_the_first_failure_in_order():
    assert parallel.map_bounded(lambda x: x * 2, [1, 2, 3], workers=3) == [2, 4, 6]

    def check(x):
        if x in (2, 3):
            raise KeyError(x)
        return x
    with pytest.raises(KeyError, match="2"):
        parallel.map_bounded(check, [1, 2, 3, 4], workers=4)
