"""Our release records against the ones Helm v4.2.3 wrote (../shared/reference/releases): for the same chart and
values, a record we store must decode to the same structure and content apart from timestamps and random names."""
import copy
import json
import os
import re

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
from tests.helpers.corpus import SHARED

REFERENCE = os.path.join(SHARED, "reference", "releases")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _reference(name):
    with open(os.path.join(REFERENCE, name), encoding="utf-8") as handle:
        return json.load(handle)


def _normalised(record):
    """Mask what differs between two Helm runs: times, status of later revisions, random hook names."""
    record = copy.deepcopy(record)
    info = record["info"]
    for key in ("first_deployed", "last_deployed", "deleted"):
        if key in info:
            info[key] = "<time>"
    info.pop("status")
    hooks = record.get("hooks") or []
    for hook in hooks:
        random_name = hook["name"]
        stem = random_name.rsplit("-", 1)[0]
        hook["name"] = stem
        hook["manifest"] = hook["manifest"].replace(random_name, stem)
        for key in ("started_at", "completed_at"):
            if key in hook["last_run"]:
                hook["last_run"][key] = "<time>"
    return record


@pytest.mark.parametrize("reference,release_name,namespace,chart_file,earlier", [
    ("podinfo.v1.json", "podinfo", "hw-podinfo-c", "podinfo-6.14.1.tgz", []),
    ("podinfo.v2.json", "podinfo", "hw-podinfo-c", "podinfo-6.14.1.tgz", ["podinfo.v1.json"]),
    ("ingress-nginx.v1.json", "hwingress", "hw-ingress-c", "ingress-nginx-4.15.1.tgz", []),
])
def test_record_matches_helms(emulator, reference, release_name, namespace, chart_file, earlier):
    """Install (then upgrade through ``earlier`` revisions' values) and compare the stored revision."""
    expected = _reference(reference)
    chart = load_chart(os.path.join(SHARED, "charts", chart_file))
    with KubeClient(emulator.kubeconfig) as client:
        options = actions.ReleaseOptions(release_name, namespace, create_namespace=True)
        render = inputs.cluster_renderer(client, release_name, namespace)
        for revision in [_reference(name) for name in earlier] + [expected]:
            actions.ensure_present(client, options, chart, revision.get("config") or {}, render)
        ours = SecretStorage(client, namespace).get(release_name, expected["version"]).record
    assert list(ours) == list(expected)
    assert list(ours["info"]) == [k for k in expected["info"] if k != "deleted"]
    assert ours["info"]["status"] == "deployed"
    assert ours["chart"] == expected["chart"]
    assert ours["manifest"] == expected["manifest"]
    assert _normalised(ours) == _normalised(expected)
