"""Applying a release's objects concurrently while keeping Helm's order between kinds.

Helm's kube client (``pkg/kube/client.go: batchPerform``) walks the sorted objects, groups consecutive objects of
the same kind, and handles each group's objects concurrently, one group after the other; so Namespaces and
ServiceAccounts still exist before the Deployments that use them. :func:`apply_in_kind_batches` does the same with
a bounded thread pool. Errors are reported for the first failing object in manifest order, after its group
finished, so the outcome does not depend on thread timing.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

DEFAULT_WORKERS = 8


def kind_batches(objects: list) -> list:
    """Split ``objects`` (dicts, in install order) into lists of consecutive objects of the same kind."""
    batches = []
    for obj in objects:
        if batches and batches[-1][0].get("kind") == obj.get("kind"):
            batches[-1].append(obj)
        else:
            batches.append([obj])
    return batches


def apply_in_kind_batches(apply, objects: list, workers: int = DEFAULT_WORKERS) -> list:
    """Call ``apply(obj)`` for every object, concurrently within each same-kind batch (at most ``workers``
    threads), batches in order. Returns the answers in ``objects`` order. Re-raises the exception of the first
    object (in order) whose ``apply`` raised, once its batch is done; later batches are not started."""
    results = []
    if workers <= 1 or len(objects) <= 1:
        return [apply(obj) for obj in objects]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="helmkit-apply") as pool:
        for batch in kind_batches(objects):
            if len(batch) == 1:
                results.append(apply(batch[0]))
                continue
            futures = [pool.submit(apply, obj) for obj in batch]
            for future in futures:
                future.exception()  # wait for the whole batch before raising
            for future in futures:
                results.append(future.result())
    return results


def map_bounded(function, items: list, workers: int = DEFAULT_WORKERS) -> list:
    """``[function(item) for item in items]`` with at most ``workers`` calls in flight (for independent reads such
    as GETs). Results in ``items`` order; the exception of the first item (in order) that raised is re-raised after
    all calls finished."""
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="helmkit-read") as pool:
        futures = [pool.submit(function, item) for item in items]
        for future in futures:
            future.exception()
        return [future.result() for future in futures]
