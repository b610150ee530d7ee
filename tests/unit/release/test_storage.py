"""Helm v4's Secret driver against the emulator: reading records Helm wrote, the modifiedAt quirk, history."""
import base64
import json
import os

from ansible_collections.helmkit.core.plugins.module_utils.release import actions
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage, secret_name

import pytest

from tests.helpers.corpus import SHARED
from tests.helpers.releasecharts import make_render, simple_build

NS = "store-ns"


@pytest.fixture
def namespace():
    """tests/unit/release/conftest.py's ``client`` creates this module's namespace."""
    return NS


def _put_raw_secret(client, name, version, payload: bytes, labels):
    body = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
            "metadata": {"name": secret_name(name, version), "labels": labels},
            "data": {"release": base64.b64encode(base64.b64encode(payload)).decode()}}
    client.request("POST", "/api/v1/namespaces/%s/secrets" % NS, body=body)


def test_reads_uncompressed_records_and_keeps_unknown_fields_when_rewriting(client):
    with open(os.path.join(SHARED, "reference", "releases", "podinfo.v4.json"), encoding="utf-8") as handle:
        record = json.load(handle)
    record["namespace"] = NS
    record["future_field"] = {"kept": True}
    _put_raw_secret(client, "podinfo", 4, json.dumps(record).encode(),
                    {"name": "podinfo", "owner": "helm", "status": "deployed", "version": "4",
                     "createdAt": "1"})
    storage = SecretStorage(client, NS)
    history = storage.history("podinfo")
    assert [(rel.version, rel.status, rel.chart_version) for rel in history] == [(4, "deployed", "6.14.1")]
    assert history[0].labels == {}
    history[0].set_status("superseded")
    storage.update(history[0])
    again = storage.get("podinfo", 4)
    assert again.record["future_field"] == {"kept": True}
    assert again.record["chart"] == record["chart"] and again.status == "superseded"


def test_modified_at_keeps_its_first_stored_value(client, chart):  # noqa: F811
    render = make_render(simple_build)
    options = actions.ReleaseOptions("demo", NS)
    actions.ensure_present(client, options, chart, {"greeting": "a"}, render)
    path = "/api/v1/namespaces/%s/secrets/%s" % (NS, secret_name("demo", 1))
    first = client.request("GET", path)
    first["metadata"]["labels"]["modifiedAt"] = "1000"
    client.request("PUT", path, body=first)
    actions.ensure_present(client, options, chart, {"greeting": "b"}, render)
    v1 = client.request("GET", path)["metadata"]["labels"]
    v2 = client.request("GET", "/api/v1/namespaces/%s/secrets/%s" % (NS, secret_name("demo", 2)))["metadata"]
    assert v1["status"] == "superseded" and v1["modifiedAt"] == "1000" and "createdAt" not in v1
    assert v2["labels"]["status"] == "deployed" and v2["labels"]["modifiedAt"] == "1000"
