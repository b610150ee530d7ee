"""Manifest parsing, Helm's ownership metadata and kstatus-style readiness on plain object dicts."""
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.kube import objects, wait


MANIFEST = """---
# Source: demo/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
data:
  created: 2020-01-01
---
# Source: demo/templates/empty.yaml
# only a comment
---
# Source: demo/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo
  namespace: other
"""


def test_parse_manifest_skips_empty_documents_and_keeps_timestamps_as_strings():
    parsed = objects.parse_manifest(MANIFEST)
    assert [(o["kind"], o["metadata"]["name"]) for o in parsed] == [("ConfigMap", "demo"), ("Deployment", "demo")]
    assert parsed[0]["data"]["created"] == "2020-01-01"


def test_parse_manifest_reports_line_of_bad_yaml():
    with pytest.raises(KubeError) as info:
        objects.parse_manifest("apiVersion: v1\nkind: [x\n", source="demo/templates/bad.yaml")
    assert str(info.value).startswith("demo/templates/bad.yaml line ")


def test_parse_manifest_rejects_object_without_name():
    with pytest.raises(KubeError, match="a ConfigMap has no metadata.name"):
        objects.parse_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")


def test_with_ownership_adds_helm_label_and_annotations_without_touching_input():
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"a": "b"}}}
    owned = objects.with_ownership(obj, "rel", "ns")
    assert owned["metadata"]["labels"] == {"a": "b", "app.kubernetes.io/managed-by": "Helm"}
    assert owned["metadata"]["annotations"] == {"meta.helm.sh/release-name": "rel",
                                                "meta.helm.sh/release-namespace": "ns"}
    assert "annotations" not in obj["metadata"]


def test_ownership_error_uses_helms_wording():
    foreign = {"metadata": {"labels": {}, "annotations": {"meta.helm.sh/release-name": "other"}}}
    assert objects.ownership_error(foreign, "rel", "ns") == (
        'invalid ownership metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be '
        'set to "Helm"; annotation validation error: key "meta.helm.sh/release-name" must equal "rel": current '
        'value is "other"; annotation validation error: missing key "meta.helm.sh/release-namespace": must be set '
        'to "ns"')
    ours = objects.with_ownership({"metadata": {"name": "x"}}, "rel", "ns")
    assert objects.ownership_error(ours, "rel", "ns") is None


def test_keep_policy():
    assert objects.keeps_resource({"metadata": {"annotations": {"helm.sh/resource-policy": "keep"}}})
    assert not objects.keeps_resource({"metadata": {}})


def _deployment(replicas, updated, available, generation=2, observed=2):
    return {"kind": "Deployment", "metadata": {"generation": generation}, "spec": {"replicas": replicas},
            "status": {"observedGeneration": observed, "replicas": updated, "updatedReplicas": updated,
                       "availableReplicas": available, "readyReplicas": available}}


def test_deployment_readiness():
    assert wait.readiness(_deployment(2, 2, 2)) == (True, "")
    assert wait.readiness(_deployment(2, 2, 1)) == (False, "Available: 1/2")
    assert wait.readiness(_deployment(2, 1, 1)) == (False, "Updated: 1/2")
    assert wait.readiness(_deployment(2, 2, 2, generation=3))[0] is False


def test_job_and_pod_readiness():
    done = {"kind": "Job", "status": {"conditions": [{"type": "Complete", "status": "True"}]}}
    assert wait.readiness(done) == (True, "")
    assert wait.readiness({"kind": "Job", "status": {}}) == \
        (False, "Job not complete (active 0, succeeded 0, failed 0)")
    assert wait.readiness({"kind": "Job", "status": {"active": 1}}, wait_for_jobs=False)[0] is True
    with pytest.raises(wait.FailedError, match="BackoffLimitExceeded"):
        wait.readiness({"kind": "Job", "metadata": {"name": "j"},
                        "status": {"conditions": [{"type": "Failed", "status": "True",
                                                   "reason": "BackoffLimitExceeded"}]}})
    running = {"kind": "Pod", "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
    assert wait.readiness(running) == (True, "")
    assert wait.readiness({"kind": "Pod", "status": {"phase": "Pending"}}) == \
        (False, "Pod Pending, not ready: no Ready condition")


def test_statefulset_and_daemonset_readiness():
    sts = {"kind": "StatefulSet", "metadata": {}, "spec": {"replicas": 3}, "status": {"replicas": 3,
                                                                                      "readyReplicas": 2}}
    assert wait.readiness(sts) == (False, "Ready: 2/3")
    ds = {"kind": "DaemonSet", "metadata": {}, "status": {"desiredNumberScheduled": 2, "numberReady": 2,
                                                          "updatedNumberScheduled": 2, "numberAvailable": 2}}
    assert wait.readiness(ds) == (True, "")
    assert wait.readiness({"kind": "ConfigMap"}) == (True, "")


def test_deployment_past_progress_deadline_fails():
    stuck = _deployment(1, 0, 0)
    stuck["metadata"]["name"] = "web"
    stuck["status"]["conditions"] = [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                      "message": 'ReplicaSet "web-1" has timed out progressing.'}]
    with pytest.raises(wait.FailedError, match='Deployment "web" in namespace "" failed: ReplicaSet "web-1" has'):
        wait.readiness(stuck)


def test_parse_manifest_resolves_scalars_like_go_yaml():
    parsed = objects.parse_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                    "data:\n  op: =\n  num: 1.0\n  flag: y\n  8: eight\n")
    assert parsed[0]["data"] == {"op": "=", "num": 1, "flag": True, "8": "eight"}
