"""Waiting for workloads to become ready, with watches, bounded by a timeout.

Readiness follows kstatus (sigs.k8s.io/cli-utils ``pkg/kstatus/status/core.go``), which Helm v4's watcher uses:
Deployments (observed generation, updated and available replicas), StatefulSets (ready and updated replicas),
DaemonSets (scheduled, updated and available pods), Jobs (Complete; Failed is an error), Pods (Ready or Succeeded).
Other kinds are ready once they exist.
"""
from __future__ import annotations

import json
import time

from ..errors import KubeError
from .client import ApiError
from .objects import describe

WAITED_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "Pod")


class FailedError(KubeError):
    """A waited-for object reached a terminal failure (a Job with Failed=True, a Pod in phase Failed)."""


def _condition(obj: dict, kind: str):
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") == kind:
            return condition
    return None


def _generation_observed(obj: dict) -> bool:
    status = obj.get("status") or {}
    generation = (obj.get("metadata") or {}).get("generation")
    observed = status.get("observedGeneration")
    return generation is None or (observed is not None and observed >= generation)


def _int(value, default=0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def readiness(obj: dict):
    """Return ``(ready, reason)`` for a live object; ``reason`` says what is missing when not ready.

    Raises :class:`FailedError` for a failed Job or Pod.
    """
    kind = obj.get("kind")
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    if kind in ("Deployment", "StatefulSet", "DaemonSet") and not _generation_observed(obj):
        return False, "status.observedGeneration is behind metadata.generation"
    if kind == "Deployment":
        if spec.get("paused"):
            return True, ""
        progressing = _condition(obj, "Progressing")
        if progressing and progressing.get("reason") == "ProgressDeadlineExceeded":
            raise FailedError("%s failed: %s" % (describe(obj), progressing.get("message") or
                                                  "progress deadline exceeded"))
        replicas = _int(spec.get("replicas"), 1)
        updated, available = _int(status.get("updatedReplicas")), _int(status.get("availableReplicas"))
        if updated < replicas:
            return False, "%d of %d replicas updated" % (updated, replicas)
        if available < replicas:
            return False, "%d of %d replicas available" % (available, replicas)
        return True, ""
    if kind == "StatefulSet":
        replicas = _int(spec.get("replicas"), 1)
        ready = _int(status.get("readyReplicas"))
        if ready < replicas:
            return False, "%d of %d replicas ready" % (ready, replicas)
        if "updatedReplicas" in status and _int(status.get("updatedReplicas")) < replicas:
            return False, "%d of %d replicas updated" % (_int(status.get("updatedReplicas")), replicas)
        return True, ""
    if kind == "DaemonSet":
        desired = _int(status.get("desiredNumberScheduled"))
        for field in ("updatedNumberScheduled", "numberAvailable"):
            if field in status and _int(status.get(field)) < desired:
                return False, "%s is %d of %d" % (field, _int(status.get(field)), desired)
        if _int(status.get("numberReady")) < desired:
            return False, "%d of %d pods ready" % (_int(status.get("numberReady")), desired)
        return True, ""
    if kind == "Job":
        failed = _condition(obj, "Failed")
        if failed and failed.get("status") == "True":
            raise FailedError("%s failed: %s" % (describe(obj), failed.get("message") or failed.get("reason")))
        complete = _condition(obj, "Complete")
        if complete and complete.get("status") == "True":
            return True, ""
        return False, "not complete"
    if kind == "Pod":
        phase = status.get("phase")
        if phase == "Succeeded":
            return True, ""
        if phase == "Failed":
            raise FailedError("%s failed: %s" % (describe(obj), status.get("message") or status.get("reason")))
        ready = _condition(obj, "Ready")
        if phase == "Running" and ready and ready.get("status") == "True":
            return True, ""
        return False, "phase %s" % (phase or "Pending")
    return True, ""


def _watch_until_ready(applier, obj: dict, live: dict, deadline: float):
    """Watch one object until ready or ``deadline``; returns ``(ready, reason)``."""
    meta = obj.get("metadata") or {}
    collection = applier.client.path(obj["apiVersion"], obj["kind"], None, meta.get("namespace"))
    reason = readiness(live)[1]
    resource_version = (live.get("metadata") or {}).get("resourceVersion")
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, reason
        query = [("watch", "true"), ("fieldSelector", "metadata.name=%s" % meta.get("name")),
                 ("timeoutSeconds", max(1, int(remaining)))]
        if resource_version:
            query.append(("resourceVersion", resource_version))
        try:
            stream = applier.client.request("GET", collection, query=query, stream=True, timeout=remaining + 5)
        except ApiError:
            stream = None
        if stream is None:  # watch refused: fall back to one poll
            time.sleep(min(1.0, max(0.0, remaining)))
            live = applier.get(obj)
            if live is None:
                return False, "not found"
            ready, reason = readiness(live)
            if ready:
                return True, ""
            continue
        try:
            for line in _lines(stream):
                event = json.loads(line)
                if event.get("type") == "ERROR":
                    resource_version = None
                    break
                current = event.get("object") or {}
                resource_version = (current.get("metadata") or {}).get("resourceVersion") or resource_version
                if event.get("type") in ("ADDED", "MODIFIED"):
                    ready, reason = readiness(current)
                    if ready:
                        return True, ""
                if time.monotonic() >= deadline:
                    return False, reason
        finally:
            stream.release_conn()


def _lines(response):
    buffer = b""
    for chunk in response.stream(4096, decode_content=True):
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                yield line
    if buffer.strip():
        yield buffer


def wait_ready(applier, objects: list, timeout: float) -> None:
    """Wait up to ``timeout`` seconds until every Deployment, StatefulSet, DaemonSet, Job and Pod in ``objects``
    is ready. Raises :class:`KubeError` naming the objects not ready (and why) on timeout, or :class:`FailedError`.
    """
    deadline = time.monotonic() + max(0.0, float(timeout))
    not_ready = []
    for obj in objects:
        if obj.get("kind") not in WAITED_KINDS:
            continue
        live = applier.get(obj)
        if live is None:
            not_ready.append("%s (not found)" % describe(obj))
            continue
        ready, reason = readiness(live)
        if not ready:
            ready, reason = _watch_until_ready(applier, obj, live, deadline)
        if not ready:
            not_ready.append("%s (%s)" % (describe(obj), reason))
    if not_ready:
        raise KubeError("timed out after %gs waiting for resources to be ready: %s. Raise timeout, or check the "
                        "objects with kubectl describe." % (timeout, "; ".join(not_ready)))


def poll_until(items: list, done, timeout: float) -> list:
    """Call ``done(item)`` for the items not yet done, with a growing pause (50 ms up to 1 s), until all are done
    or ``timeout`` seconds pass. Returns the items still not done (empty when all finished)."""
    deadline = time.monotonic() + max(0.0, float(timeout))
    pending = list(items)
    delay = 0.05
    while True:
        pending = [item for item in pending if not done(item)]
        if not pending or time.monotonic() >= deadline:
            return pending
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def _established(applier, crd: dict) -> bool:
    condition = _condition(applier.get(crd) or {}, "Established")
    return bool(condition) and condition.get("status") == "True"


def wait_established(applier, crds: list, timeout: float) -> None:
    """Wait up to ``timeout`` seconds until every CustomResourceDefinition in ``crds`` has ``Established=True``,
    as Helm does before installing the chart's other objects. Raises :class:`KubeError` naming those that are not.
    """
    pending = poll_until(crds, lambda crd: _established(applier, crd), timeout)
    if pending:
        raise KubeError("timed out after %gs waiting for CustomResourceDefinitions to be established: %s"
                        % (timeout, ", ".join((c.get("metadata") or {}).get("name", "?") for c in pending)))
