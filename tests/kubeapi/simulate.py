"""Simulated controllers: workloads become ready, Jobs complete, Pods run or succeed, after a delay.

The annotation ``kubeapi.helmkit.test/fail: "true"`` makes a Deployment fail (Progressing=False,
ProgressDeadlineExceeded), a Job fail (Failed condition, BackoffLimitExceeded), a Pod end in phase Failed and
other workloads never become ready. Status shapes follow k8s.io/api apps/v1, batch/v1 and core/v1 types and what
sigs.k8s.io/cli-utils kstatus reads.
"""
from __future__ import annotations

import copy
import hashlib
import heapq
import itertools
import json
import threading
import time
import uuid

from .store import now

FAIL_ANNOTATION = "kubeapi.helmkit.test/fail"
_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Pod", "PodDisruptionBudget",
          "HorizontalPodAutoscaler", "APIService")


def _failing(obj):
    return ((obj.get("metadata") or {}).get("annotations") or {}).get(FAIL_ANNOTATION) == "true"


def _done(kind, obj):
    status = obj.get("status") or {}
    gen = obj["metadata"].get("generation")
    if kind == "Pod":
        return status.get("phase") in ("Succeeded", "Failed", "Running")
    if kind == "APIService":
        return any(c.get("type") == "Available" for c in status.get("conditions") or [])
    if kind == "Job":
        return any(c.get("type") in ("Complete", "Failed") for c in status.get("conditions") or []) and \
            status.get("observedGeneration", gen) == gen
    return status.get("observedGeneration") == gen


class Simulator:
    """Schedules status changes for workloads written to a Store.

    Args: store (Store), delay (seconds before a workload is reported ready/complete; float >= 0).
    """

    def __init__(self, store, delay=0.2):
        self.store = store
        self.delay = delay
        self._heap = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        store.on_write.append(self._on_write)
        self._thread = threading.Thread(target=self._run, name="kubeapi-simulator", daemon=True)
        self._thread.start()

    def stop(self):
        """End the scheduler thread."""
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _on_write(self, resource, obj, etype):
        if etype == "DELETED" or resource.kind not in _KINDS or resource.crd is not None:
            return
        if _done(resource.kind, obj):
            return
        delay = 0 if resource.kind in ("PodDisruptionBudget", "HorizontalPodAutoscaler") else self.delay
        meta = obj["metadata"]
        self._schedule(delay, (resource, meta.get("namespace"), meta["name"], meta.get("generation")))

    def _schedule(self, delay, job):
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), job))
            self._cond.notify()

    def _run(self):
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _unused, _unused2, job = heapq.heappop(self._heap)
            try:
                self._reconcile(*job)
            except Exception:  # a simulator bug must not kill the server; the object just stays unready
                pass

    def _reconcile(self, resource, namespace, name, generation):
        store = self.store
        with store.lock:
            bucket = store.objects.get(resource.key, {})
            obj = bucket.get((namespace, name))
            if obj is None or obj["metadata"].get("generation") != generation:
                return
            status = _STATUS[resource.kind](self, resource, obj)
            if status is not None:
                store.set_status(resource, namespace, name, status, generation)


def _replicas(obj, default=1):
    value = (obj.get("spec") or {}).get("replicas")
    return default if value is None else int(value)


def _deployment(sim, resource, obj):
    gen = obj["metadata"].get("generation")
    n = _replicas(obj)
    stamp = now()
    rs_name = _ensure_replicaset(sim, obj, n, not _failing(obj))
    if _failing(obj):
        return {"observedGeneration": gen, "replicas": n, "updatedReplicas": n, "unavailableReplicas": n,
                "conditions": [
                    {"type": "Available", "status": "False", "lastUpdateTime": stamp, "lastTransitionTime": stamp,
                     "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum "
                                                                        "availability."},
                    {"type": "Progressing", "status": "False", "lastUpdateTime": stamp,
                     "lastTransitionTime": stamp, "reason": "ProgressDeadlineExceeded",
                     "message": 'ReplicaSet "%s" has timed out progressing.' % rs_name}]}
    status = {"observedGeneration": gen, "replicas": n, "updatedReplicas": n, "readyReplicas": n,
              "availableReplicas": n,
              "conditions": [
                  {"type": "Available", "status": "True", "lastUpdateTime": stamp, "lastTransitionTime": stamp,
                   "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability."},
                  {"type": "Progressing", "status": "True", "lastUpdateTime": stamp, "lastTransitionTime": stamp,
                   "reason": "NewReplicaSetAvailable",
                   "message": 'ReplicaSet "%s" has successfully progressed.' % rs_name}]}
    return {k: v for k, v in status.items() if v != 0}


def _template_hash(template):
    return hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()[:10]


def _ensure_replicaset(sim, dep, replicas, ready):
    """Create/refresh the Deployment's current ReplicaSet (controller-owned, template + pod-template-hash),
    as Helm's legacy waiter looks for it. Returns its name."""
    store = sim.store
    rs_res = store.table.lookup("apps", "v1", "replicasets")
    template = copy.deepcopy((dep.get("spec") or {}).get("template") or {})
    h = _template_hash(template)
    meta = dep["metadata"]
    name = "%s-%s" % (meta["name"], h)
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels["pod-template-hash"] = h
    template.setdefault("metadata", {})["labels"] = labels
    selector = copy.deepcopy((dep.get("spec") or {}).get("selector") or {})
    selector.setdefault("matchLabels", {})["pod-template-hash"] = h
    key = (meta.get("namespace"), name)
    bucket = store.objects.setdefault(rs_res.key, {})
    rs = bucket.get(key)
    status = {"replicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 1}
    if ready:
        status.update(readyReplicas=replicas, availableReplicas=replicas)
    status = {k: v for k, v in status.items() if v != 0}
    if rs is None:
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": name, "namespace": meta.get("namespace"), "uid": str(uuid.uuid4()),
                           "generation": 1, "creationTimestamp": now(), "labels": labels,
                           "annotations": {"deployment.kubernetes.io/revision": "1"},
                           "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": meta["name"],
                                                "uid": meta["uid"], "controller": True,
                                                "blockOwnerDeletion": True}]},
              "spec": {"replicas": replicas, "selector": selector, "template": template},
              "status": status}
        rs["metadata"]["resourceVersion"] = store._next_rv()
        bucket[key] = rs
        store._emit(rs_res, "ADDED", rs)
    elif rs["spec"].get("replicas") != replicas or rs.get("status") != status:
        rs = copy.deepcopy(rs)
        rs["spec"]["replicas"] = replicas
        rs["status"] = status
        rs["metadata"]["resourceVersion"] = store._next_rv()
        bucket[key] = rs
        store._emit(rs_res, "MODIFIED", rs)
    _scale_down_old(store, rs_res, bucket, meta, name)
    return name


def _scale_down_old(store, rs_res, bucket, dep_meta, current):
    """A finished rollout leaves the Deployment's older ReplicaSets at zero replicas."""
    for key, rs in list(bucket.items()):
        refs = rs["metadata"].get("ownerReferences") or []
        if rs["metadata"]["name"] == current or not any(r.get("uid") == dep_meta["uid"] for r in refs):
            continue
        if (rs.get("spec") or {}).get("replicas") == 0:
            continue
        rs = copy.deepcopy(rs)
        rs["spec"]["replicas"] = 0
        rs["status"] = {"replicas": 0, "observedGeneration": rs["metadata"].get("generation", 1)}
        rs["metadata"]["resourceVersion"] = store._next_rv()
        bucket[key] = rs
        store._emit(rs_res, "MODIFIED", rs)


def _statefulset(sim, resource, obj):
    gen = obj["metadata"].get("generation")
    n = _replicas(obj)
    rev = "%s-%s" % (obj["metadata"]["name"], _template_hash((obj.get("spec") or {}).get("template"))[:10])
    if _failing(obj):
        return {"observedGeneration": gen, "replicas": n, "currentRevision": rev, "updateRevision": rev,
                "availableReplicas": 0, "collisionCount": 0}
    return {"observedGeneration": gen, "replicas": n, "readyReplicas": n, "currentReplicas": n,
            "updatedReplicas": n, "availableReplicas": n, "currentRevision": rev, "updateRevision": rev,
            "collisionCount": 0}


def _daemonset(sim, resource, obj):
    gen = obj["metadata"].get("generation")
    ready = 0 if _failing(obj) else 1
    status = {"observedGeneration": gen, "currentNumberScheduled": 1, "desiredNumberScheduled": 1,
              "numberMisscheduled": 0, "numberReady": ready, "updatedNumberScheduled": 1,
              "numberAvailable": ready}
    if not ready:
        status["numberUnavailable"] = 1
    return status


def _replicaset(sim, resource, obj):
    gen = obj["metadata"].get("generation")
    n = _replicas(obj)
    if _failing(obj):
        return {"observedGeneration": gen, "replicas": n}
    return {k: v for k, v in {"observedGeneration": gen, "replicas": n, "fullyLabeledReplicas": n,
                              "readyReplicas": n, "availableReplicas": n}.items() if v != 0}


def _job(sim, resource, obj):
    stamp = now()
    gen = obj["metadata"].get("generation")
    start = (obj.get("status") or {}).get("startTime") or stamp
    if _failing(obj):
        return {"startTime": start, "failed": 1, "terminating": 0, "ready": 0, "uncountedTerminatedPods": {},
                "conditions": [
                    {"type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded",
                     "message": "Job has reached the specified backoff limit", "lastProbeTime": stamp,
                     "lastTransitionTime": stamp},
                    {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                     "message": "Job has reached the specified backoff limit", "lastProbeTime": stamp,
                     "lastTransitionTime": stamp}], "observedGeneration": gen}
    completions = (obj.get("spec") or {}).get("completions") or 1
    return {"startTime": start, "completionTime": stamp, "succeeded": completions, "terminating": 0, "ready": 0,
            "uncountedTerminatedPods": {}, "observedGeneration": gen,
            "conditions": [
                {"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached",
                 "message": "Reached expected number of succeeded pods", "lastProbeTime": stamp,
                 "lastTransitionTime": stamp},
                {"type": "Complete", "status": "True", "reason": "CompletionsReached",
                 "message": "Reached expected number of succeeded pods", "lastProbeTime": stamp,
                 "lastTransitionTime": stamp}]}


def _pod(sim, resource, obj):
    stamp = now()
    spec = obj.get("spec") or {}
    containers = [c.get("name") for c in spec.get("containers") or []]
    runs_once = spec.get("restartPolicy") in ("Never", "OnFailure")
    if _failing(obj):
        phase, state = "Failed", {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": stamp,
                                                 "finishedAt": stamp}}
    elif runs_once:
        phase, state = "Succeeded", {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": stamp,
                                                    "finishedAt": stamp}}
    else:
        phase, state = "Running", {"running": {"startedAt": stamp}}
    ready = "True" if phase == "Running" else "False"
    conds = [{"type": t, "status": ready if t in ("Ready", "ContainersReady") else "True",
              "lastProbeTime": None, "lastTransitionTime": stamp}
             for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")]
    if phase != "Running":
        for c in conds:
            if c["type"] in ("Ready", "ContainersReady"):
                c["reason"] = "PodCompleted" if phase == "Succeeded" else "PodFailed"
    return {"phase": phase, "conditions": conds, "hostIP": "127.0.0.1", "podIP": "10.244.0.10",
            "startTime": stamp, "qosClass": "BestEffort",
            "containerStatuses": [{"name": n, "ready": phase == "Running", "restartCount": 0, "state": state,
                                   "image": "", "imageID": "", "started": phase == "Running"}
                                  for n in containers]}


def _pdb(sim, resource, obj):
    return {"observedGeneration": obj["metadata"].get("generation"), "currentHealthy": 0, "desiredHealthy": 0,
            "disruptionsAllowed": 0, "expectedPods": 0}


def _hpa(sim, resource, obj):
    return {"observedGeneration": obj["metadata"].get("generation"), "currentReplicas": 1, "desiredReplicas": 1}


def _apiservice(sim, resource, obj):
    available = "False" if _failing(obj) else "True"
    return {"conditions": [{"type": "Available", "status": available, "lastTransitionTime": now(),
                            "reason": "Passed" if available == "True" else "FailedDiscoveryCheck",
                            "message": "all checks passed" if available == "True" else "failing or missing "
                            "response"}]}


_STATUS = {"APIService": _apiservice,
           "Deployment": _deployment, "StatefulSet": _statefulset, "DaemonSet": _daemonset,
           "ReplicaSet": _replicaset, "Job": _job, "Pod": _pod, "PodDisruptionBudget": _pdb,
           "HorizontalPodAutoscaler": _hpa}
