"""kstatus: whether a live object has reached the state its spec asks for.

The rules follow sigs.k8s.io/cli-utils ``pkg/kstatus/status/core.go`` and ``generic.go``, which Helm v4's wait
uses, with Helm's ``--wait-for-jobs`` choice on top:

* every kind: ``status.observedGeneration`` behind ``metadata.generation`` is in progress;
* Deployment: not paused; ``Progressing`` with reason ``ProgressDeadlineExceeded`` fails; updated, total (old pods
  terminating), available and ready replicas reach ``spec.replicas``;
* StatefulSet: replicas and ready replicas reach ``spec.replicas``; with a rolling-update partition the updated
  replicas reach ``replicas - partition``; otherwise current replicas reach it and ``currentRevision`` equals
  ``updateRevision``;
* DaemonSet: current, updated, available and ready numbers reach ``desiredNumberScheduled``;
* ReplicaSet: available and ready replicas reach ``spec.replicas``;
* Job: only with ``wait_for_jobs``: ``Failed=True`` fails, ``Complete=True`` is current;
* Pod: ``Succeeded``, or ``Running`` with ``Ready=True``; ``Failed`` fails;
* PersistentVolumeClaim: phase ``Bound``;
* Service: a ``LoadBalancer`` needs ``status.loadBalancer.ingress`` (or ``spec.externalIPs``);
* APIService: ``Available=True``;
* CustomResourceDefinition: ``Established=True`` (``NamesAccepted=False`` fails);
* any other object: ``Stalled=True`` fails, ``Reconciling=True`` or ``Ready=False`` is in progress, else current.
"""
from __future__ import annotations

CURRENT = "Current"
IN_PROGRESS = "InProgress"
FAILED = "Failed"


def condition(obj: dict, kind: str):
    """The ``status.conditions`` entry of type ``kind`` (dict) or None."""
    for item in (obj.get("status") or {}).get("conditions") or []:
        if isinstance(item, dict) and item.get("type") == kind:
            return item
    return None


def _is(obj: dict, kind: str, value: str = "True") -> bool:
    found = condition(obj, kind)
    return bool(found) and found.get("status") == value


def _int(value, default=0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _why(found: dict, fallback: str) -> str:
    if not found:
        return fallback
    return found.get("message") or found.get("reason") or fallback


def _counts(checks: list):
    """First ``(label, have, want)`` with ``have < want`` as an in-progress result, else None."""
    for label, have, want in checks:
        if have < want:
            return IN_PROGRESS, "%s: %d/%d" % (label, have, want)
    return None


def _deployment(obj, spec, status):
    if spec.get("paused"):
        return CURRENT, "Deployment is paused"
    progressing = condition(obj, "Progressing")
    if progressing and progressing.get("reason") == "ProgressDeadlineExceeded":
        return FAILED, _why(progressing, "progress deadline exceeded")
    want = _int(spec.get("replicas"), 1)
    updated = _int(status.get("updatedReplicas"))
    found = _counts([("Updated", updated, want)])
    if found:
        return found
    if _int(status.get("replicas")) > updated:
        return IN_PROGRESS, "Pending termination: %d old replicas" % (_int(status.get("replicas")) - updated)
    return _counts([("Available", _int(status.get("availableReplicas")), want),
                    ("Ready", _int(status.get("readyReplicas")), want)]) or (CURRENT, "Deployment is available")


def _statefulset(obj, spec, status):
    want = _int(spec.get("replicas"), 1)
    found = _counts([("Replicas", _int(status.get("replicas")), want),
                     ("Ready", _int(status.get("readyReplicas")), want)])
    if found:
        return found
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") == "OnDelete":
        return CURRENT, "StatefulSet uses OnDelete updates"
    partition = _int(((strategy.get("rollingUpdate") or {}).get("partition")), 0)
    if partition > 0:
        return _counts([("Updated", _int(status.get("updatedReplicas")), max(0, want - partition))]) or \
            (CURRENT, "Partitioned rollout complete")
    found = _counts([("Updated", _int(status.get("updatedReplicas"), want), want),
                     ("Current", _int(status.get("currentReplicas"), want), want)])
    if found:
        return found
    if status.get("updateRevision") and status.get("currentRevision") != status.get("updateRevision"):
        return IN_PROGRESS, "Waiting for revision %s (current %s)" % (status.get("updateRevision"),
                                                                      status.get("currentRevision"))
    return CURRENT, "All replicas are ready and updated"


def _daemonset(obj, spec, status):
    want = _int(status.get("desiredNumberScheduled"))
    return _counts([("Current", _int(status.get("currentNumberScheduled"), want), want),
                    ("Updated", _int(status.get("updatedNumberScheduled"), want), want),
                    ("Available", _int(status.get("numberAvailable")), want),
                    ("Ready", _int(status.get("numberReady")), want)]) or (CURRENT, "All pods are ready")


def _replicaset(obj, spec, status):
    want = _int(spec.get("replicas"), 1)
    return _counts([("Available", _int(status.get("availableReplicas")), want),
                    ("Ready", _int(status.get("readyReplicas")), want)]) or (CURRENT, "All replicas are ready")


def _job(obj, spec, status, wait_for_jobs):
    if not wait_for_jobs:  # Helm's waiter leaves Jobs out without --wait-for-jobs
        return CURRENT, "Job not waited for (wait_for_jobs is off)"
    if _is(obj, "Failed"):
        return FAILED, _why(condition(obj, "Failed"), "Job failed")
    if _is(obj, "Complete"):
        return CURRENT, "Job completed"
    return IN_PROGRESS, "Job not complete (active %d, succeeded %d, failed %d)" % (
        _int(status.get("active")), _int(status.get("succeeded")), _int(status.get("failed")))


def _pod(obj, spec, status):
    phase = status.get("phase") or "Pending"
    if phase == "Succeeded":
        return CURRENT, "Pod succeeded"
    if phase == "Failed":
        return FAILED, status.get("message") or status.get("reason") or "phase Failed"
    if phase == "Running" and _is(obj, "Ready"):
        return CURRENT, "Pod is ready"
    for container in status.get("containerStatuses") or []:
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason"):
            return IN_PROGRESS, "Pod %s: container %s is waiting: %s" % (phase, container.get("name"),
                                                                         waiting.get("message") or waiting["reason"])
    return IN_PROGRESS, "Pod %s, not ready: %s" % (phase, _why(condition(obj, "Ready"), "no Ready condition"))


def _service(obj, spec, status):
    if spec.get("type") != "LoadBalancer" or spec.get("externalIPs"):
        return CURRENT, "Service is ready"
    if ((status.get("loadBalancer") or {}).get("ingress")):
        return CURRENT, "LoadBalancer has an ingress"
    return IN_PROGRESS, "LoadBalancer has no ingress address yet"


def _generic(obj, spec, status):
    if _is(obj, "Stalled"):
        return FAILED, "Stalled: %s" % _why(condition(obj, "Stalled"), "stalled")
    if _is(obj, "Reconciling"):
        return IN_PROGRESS, "Reconciling: %s" % _why(condition(obj, "Reconciling"), "reconciling")
    if _is(obj, "Ready", "False"):
        return IN_PROGRESS, "Ready is False: %s" % _why(condition(obj, "Ready"), "not ready")
    return CURRENT, "Resource is current"


def compute(obj: dict, wait_for_jobs: bool = True):
    """kstatus of a live object ``obj`` (dict): ``(state, message)`` with state :data:`CURRENT`,
    :data:`IN_PROGRESS` or :data:`FAILED` and a message saying why (for example ``"Available: 1/3"``).

    ``wait_for_jobs`` False treats a running Job as current (Helm without ``--wait-for-jobs``).
    """
    kind = obj.get("kind")
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    generation = (obj.get("metadata") or {}).get("generation")
    observed = status.get("observedGeneration")
    if generation is not None and observed is not None and _int(observed) < _int(generation):
        return IN_PROGRESS, "observedGeneration %s is behind generation %s" % (observed, generation)
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet") and generation is not None \
            and observed is None:
        return IN_PROGRESS, "not yet observed by its controller"
    if kind == "Job":
        return _job(obj, spec, status, wait_for_jobs)
    if kind == "PersistentVolumeClaim":
        phase = status.get("phase") or "Pending"
        return (CURRENT, "PVC is Bound") if phase == "Bound" else (IN_PROGRESS, "PVC is %s, not Bound" % phase)
    if kind == "APIService":
        available = condition(obj, "Available")
        if available and available.get("status") == "True":
            return CURRENT, "APIService is available"
        return IN_PROGRESS, "APIService not available: %s" % _why(available, "no Available condition")
    if kind == "CustomResourceDefinition":
        if _is(obj, "NamesAccepted", "False"):
            return FAILED, "CRD names not accepted: %s" % _why(condition(obj, "NamesAccepted"), "conflict")
        return (CURRENT, "CRD is established") if _is(obj, "Established") else \
            (IN_PROGRESS, "CRD is not established yet")
    rules = {"Deployment": _deployment, "StatefulSet": _statefulset, "DaemonSet": _daemonset,
             "ReplicaSet": _replicaset, "Pod": _pod, "Service": _service}
    return rules.get(kind, _generic)(obj, spec, status)


def conditions_text(obj: dict) -> str:
    """``Type=Status (Reason: message)`` of each condition, joined with ``; `` (empty when there are none)."""
    parts = []
    for item in (obj.get("status") or {}).get("conditions") or []:
        if not isinstance(item, dict):
            continue
        text = "%s=%s" % (item.get("type"), item.get("status"))
        detail = ": ".join(part for part in (item.get("reason"), item.get("message")) if part)
        parts.append(text + (" (%s)" % detail if detail else ""))
    return "; ".join(parts)


def kubectl_hint(obj: dict) -> str:
    """A ``kubectl describe`` command for ``obj`` (kind.group/name with ``-n`` for namespaced objects)."""
    meta = obj.get("metadata") or {}
    api_version = obj.get("apiVersion") or ""
    kind = (obj.get("kind") or "").lower()
    if "/" in api_version:
        kind += "." + api_version.split("/")[0]
    command = "kubectl describe %s/%s" % (kind, meta.get("name"))
    if meta.get("namespace"):
        command += " -n %s" % meta["namespace"]
    return command
