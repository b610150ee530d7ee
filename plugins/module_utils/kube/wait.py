"""Waiting for objects to become ready, with watches, bounded by a timeout.

Readiness follows kstatus (sigs.k8s.io/cli-utils ``pkg/kstatus/status/core.go``), which Helm v4's watcher uses; the
rules for each kind are in ``status.py`` (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, Pods, PVCs,
LoadBalancer Services, APIServices, CRDs, and any resource with Ready/Reconciling/Stalled conditions).
"""
from __future__ import annotations

import json
import time

from ..errors import KubeError
from .client import ApiError
from . import status as kstatus
from .objects import describe


class FailedError(KubeError):
    """A waited-for object reached a terminal failure (a Job with Failed=True, a Pod in phase Failed)."""


def _condition(obj: dict, kind: str):
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") == kind:
            return condition
    return None


def readiness(obj: dict, wait_for_jobs: bool = True):
    """Return ``(ready, reason)`` for a live object by kstatus rules (``status.py: compute``); ``reason`` says
    what is missing when not ready. Raises :class:`FailedError` when the object failed (a Job with Failed=True, a
    Pod in phase Failed, a Deployment past its progress deadline, a resource with Stalled=True).
    """
    state, message = kstatus.compute(obj, wait_for_jobs=wait_for_jobs)
    if state == kstatus.FAILED:
        raise FailedError("%s failed: %s" % (describe(obj), message))
    return state == kstatus.CURRENT, "" if state == kstatus.CURRENT else message


def _watch_until_ready(applier, obj: dict, live: dict, deadline: float, wait_for_jobs: bool = True):
    """Watch one object until ready or ``deadline``; returns ``(ready, reason, last seen object)``."""
    meta = obj.get("metadata") or {}
    collection = applier.client.path(obj["apiVersion"], obj["kind"], None, meta.get("namespace"))
    reason = readiness(live, wait_for_jobs)[1]
    resource_version = (live.get("metadata") or {}).get("resourceVersion")
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, reason, live
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
                return False, "not found", None
            ready, reason = readiness(live, wait_for_jobs)
            if ready:
                return True, "", live
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
                    live = current
                    ready, reason = readiness(current, wait_for_jobs)
                    if ready:
                        return True, "", live
                if time.monotonic() >= deadline:
                    return False, reason, live
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


def _last_event(applier, obj: dict) -> str:
    """``Reason: message`` of the newest Event about ``obj``, or "" when there is none or Events are unreadable."""
    meta = obj.get("metadata") or {}
    if not meta.get("namespace"):
        return ""
    selector = "involvedObject.name=%s,involvedObject.kind=%s" % (meta.get("name"), obj.get("kind"))
    try:
        found = applier.client.request("GET", "/api/v1/namespaces/%s/events" % meta["namespace"],
                                       query=[("fieldSelector", selector)])
    except KubeError:
        return ""
    items = [item for item in (found or {}).get("items") or [] if isinstance(item, dict)]
    if not items:
        return ""
    newest = max(items, key=lambda item: str(item.get("lastTimestamp") or item.get("eventTime") or ""))
    return "%s: %s" % (newest.get("reason") or "Event", (newest.get("message") or "").strip())


def _not_ready_text(applier, obj: dict, reason: str, live) -> str:
    """``Kind "name" in namespace "ns": reason; conditions: ...; last event: ...; see: kubectl describe ...``."""
    parts = ["%s: %s" % (describe(obj), reason)]
    conditions = kstatus.conditions_text(live or {})
    if conditions:
        parts.append("conditions: %s" % conditions)
    event = _last_event(applier, obj)
    if event:
        parts.append("last event: %s" % event)
    parts.append("see: %s" % kstatus.kubectl_hint(obj))
    return "; ".join(parts)


def wait_ready(applier, objects: list, timeout: float, wait_for_jobs: bool = True) -> None:
    """Wait up to ``timeout`` seconds until every object in ``objects`` is current by kstatus rules (``status.py``),
    watching each one that is not. ``wait_for_jobs`` False lets running Jobs pass (Helm without
    ``--wait-for-jobs``).

    Raises :class:`KubeError` on timeout naming each object not ready, why (its kstatus message, its conditions and
    its newest Event when readable) and a ``kubectl describe`` command; :class:`FailedError` when one failed.
    """
    deadline = time.monotonic() + max(0.0, float(timeout))
    not_ready = []
    for obj in objects:
        live = applier.get(obj)
        if live is None:
            not_ready.append("%s: not found; see: %s" % (describe(obj), kstatus.kubectl_hint(obj)))
            continue
        ready, reason = readiness(live, wait_for_jobs)
        if not ready:
            ready, reason, live = _watch_until_ready(applier, obj, live, deadline, wait_for_jobs)
        if not ready:
            not_ready.append(_not_ready_text(applier, obj, reason, live))
    if not_ready:
        raise KubeError("timed out after %gs waiting for %d resource(s) to be ready: %s. Raise timeout if they only "
                        "need longer." % (timeout, len(not_ready), " | ".join(not_ready)))


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
