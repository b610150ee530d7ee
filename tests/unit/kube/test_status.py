"""kstatus rules (kube/status.py) for each kind, and wait_ready on the emulator: watches until current, and a
timeout that names each object, why, its conditions and a kubectl command."""

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube import status, wait
from ansible_collections.helmkit.core.plugins.module_utils.kube.apply import Applier
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient

from kubeapi.fixture import KubeAPIServer  # noqa: E402

CURRENT, IN_PROGRESS, FAILED = status.CURRENT, status.IN_PROGRESS, status.FAILED


def cond(kind, value, reason=None, message=None):
    item = {"type": kind, "status": value}
    if reason:
        item["reason"] = reason
    if message:
        item["message"] = message
    return item


def obj(kind, spec=None, stat=None, generation=None, api_version="v1"):
    meta = {"name": "x", "namespace": "ns"}
    if generation is not None:
        meta["generation"] = generation
    return {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": spec or {}, "status": stat or {}}


def test_observed_generation_behind_is_in_progress_for_any_kind():
    assert status.compute(obj("Widget", stat={"observedGeneration": 1}, generation=2))[0] == IN_PROGRESS
    assert status.compute(obj("Deployment", {"replicas": 1}, {}, generation=1)) == \
        (IN_PROGRESS, "not yet observed by its controller")


def test_deployment_rules():
    full = {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
            "availableReplicas": 3}
    assert status.compute(obj("Deployment", {"replicas": 3}, full, 1))[0] == CURRENT
    assert status.compute(obj("Deployment", {"replicas": 3}, dict(full, replicas=4), 1)) == \
        (IN_PROGRESS, "Pending termination: 1 old replicas")
    assert status.compute(obj("Deployment", {"replicas": 3}, dict(full, readyReplicas=2), 1)) == \
        (IN_PROGRESS, "Ready: 2/3")
    assert status.compute(obj("Deployment", {"replicas": 3, "paused": True}, {}, None))[0] == CURRENT
    stuck = dict(full, conditions=[cond("Progressing", "False", "ProgressDeadlineExceeded", "timed out")])
    assert status.compute(obj("Deployment", {"replicas": 3}, stuck, 1)) == (FAILED, "timed out")


def test_statefulset_rules():
    base = {"observedGeneration": 1, "replicas": 2, "readyReplicas": 2, "currentReplicas": 2,
            "updatedReplicas": 2, "currentRevision": "a", "updateRevision": "a"}
    assert status.compute(obj("StatefulSet", {"replicas": 2}, base, 1))[0] == CURRENT
    assert status.compute(obj("StatefulSet", {"replicas": 2}, dict(base, updateRevision="b"), 1)) == \
        (IN_PROGRESS, "Waiting for revision b (current a)")
    partitioned = {"replicas": 2, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}}
    assert status.compute(obj("StatefulSet", partitioned, dict(base, updateRevision="b", updatedReplicas=1), 1)) \
        == (CURRENT, "Partitioned rollout complete")
    assert status.compute(obj("StatefulSet", partitioned, dict(base, updatedReplicas=0), 1)) == \
        (IN_PROGRESS, "Updated: 0/1")


def test_daemonset_replicaset_job_pod():
    ds = {"observedGeneration": 1, "desiredNumberScheduled": 2, "currentNumberScheduled": 2,
          "updatedNumberScheduled": 1, "numberAvailable": 2, "numberReady": 2}
    assert status.compute(obj("DaemonSet", {}, ds, 1)) == (IN_PROGRESS, "Updated: 1/2")
    assert status.compute(obj("ReplicaSet", {"replicas": 2}, {"observedGeneration": 1, "availableReplicas": 2,
                                                              "readyReplicas": 2}, 1))[0] == CURRENT
    assert status.compute(obj("Job", stat={"conditions": [cond("Complete", "True")]})) == (CURRENT, "Job completed")
    assert status.compute(obj("Job", stat={"conditions": [cond("Failed", "True", "BackoffLimitExceeded")]})) == \
        (FAILED, "BackoffLimitExceeded")
    assert status.compute(obj("Job", stat={"active": 1}), wait_for_jobs=False)[0] == CURRENT
    assert status.compute(obj("Job", stat={"active": 1}))[0] == IN_PROGRESS
    waiting = {"phase": "Pending", "containerStatuses": [
        {"name": "app", "state": {"waiting": {"reason": "ImagePullBackOff", "message": "pull access denied"}}}]}
    assert status.compute(obj("Pod", stat=waiting)) == \
        (IN_PROGRESS, "Pod Pending: container app is waiting: pull access denied")
    assert status.compute(obj("Pod", stat={"phase": "Failed", "reason": "Evicted"})) == (FAILED, "Evicted")


def test_pvc_service_apiservice_crd_and_custom_resources():
    assert status.compute(obj("PersistentVolumeClaim", stat={"phase": "Pending"})) == \
        (IN_PROGRESS, "PVC is Pending, not Bound")
    assert status.compute(obj("PersistentVolumeClaim", stat={"phase": "Bound"}))[0] == CURRENT
    assert status.compute(obj("Service", {"type": "ClusterIP"}))[0] == CURRENT
    assert status.compute(obj("Service", {"type": "LoadBalancer"})) == \
        (IN_PROGRESS, "LoadBalancer has no ingress address yet")
    assert status.compute(obj("Service", {"type": "LoadBalancer"},
                              {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}))[0] == CURRENT
    assert status.compute(obj("APIService", stat={"conditions": [cond("Available", "False", "FailedDiscovery",
                                                                      "no endpoints")]})) == \
        (IN_PROGRESS, "APIService not available: no endpoints")
    assert status.compute(obj("CustomResourceDefinition", stat={"conditions": [cond("Established", "True")]}))[0] \
        == CURRENT
    assert status.compute(obj("Widget", stat={"conditions": [cond("Ready", "False", "Waiting", "db down")]}),) == \
        (IN_PROGRESS, "Ready is False: db down")
    assert status.compute(obj("Widget", stat={"conditions": [cond("Stalled", "True", "Broken")]})) == \
        (FAILED, "Stalled: Broken")
    assert status.compute(obj("Widget", stat={"conditions": [cond("Ready", "True")]}))[0] == CURRENT
    assert status.compute(obj("ConfigMap"))[0] == CURRENT


def test_kubectl_hint_and_conditions_text():
    deployment = obj("Deployment", api_version="apps/v1")
    assert status.kubectl_hint(deployment) == "kubectl describe deployment.apps/x -n ns"
    assert status.kubectl_hint({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}) == \
        "kubectl describe namespace/a"
    assert status.conditions_text(obj("Pod", stat={"conditions": [cond("Ready", "False", "Why", "because")]})) \
        == "Ready=False (Why: because)"


@pytest.fixture
def applier():
    with KubeAPIServer(ready_delay=0.05) as api:
        with KubeClient(api.kubeconfig) as client:
            client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                               "metadata": {"name": "w"}})
            yield Applier(client, "rel", "w")


def apiservice(name, failing=False):
    meta = {"name": name}
    if failing:
        meta["annotations"] = {"kubeapi.helmkit.test/fail": "true"}
    group = name.split(".", 1)[1]
    return {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": meta,
            "spec": {"group": group, "version": "v1beta1", "groupPriorityMinimum": 100, "versionPriority": 100,
                     "service": {"name": "metrics", "namespace": "w"}}}


def test_wait_ready_watches_an_apiservice_until_available(applier):
    objects = [apiservice("v1beta1.metrics.example.com")]
    answer = applier.apply(objects[0])
    assert not (answer.get("status") or {}).get("conditions")
    wait.wait_ready(applier, objects, 30)
    assert status.compute(applier.get(objects[0])) == (CURRENT, "APIService is available")


def test_wait_timeout_names_object_reason_and_kubectl_command(applier):
    objects = [apiservice("v1beta1.stuck.example.com", failing=True), apiservice("v1beta1.fine.example.com")]
    for item in objects:
        applier.apply(item)
    with pytest.raises(KubeError) as caught:
        wait.wait_ready(applier, objects, 1)
    message = str(caught.value)
    assert message.startswith("timed out after 1s waiting for 1 resource(s) to be ready: ")
    assert ('APIService "v1beta1.stuck.example.com" in namespace "": APIService not available: failing or missing '
            'response; conditions: Available=False (FailedDiscoveryCheck: failing or missing response); '
            'see: kubectl describe apiservice.apiregistration.k8s.io/v1beta1.stuck.example.com') in message
    assert "fine" not in message
