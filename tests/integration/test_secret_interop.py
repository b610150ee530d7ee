"""A Secret with ``stringData``, installed by one side and upgraded by the other (Helm v4 through helm_python, and
helm_release's release layer with its default field manager ``helm``), both ways.

``stringData`` is write-only: the API server folds it into ``data`` and never returns it. Had we applied it as it is,
our manager ("helm") would own ``.stringData.token``, a field the live object lacks, and Helm v4 applying the same key
as another manager ("python", helm_python's) would be a 409 conflict even for the same value (kubernetes/website
issue 42603). We apply it as ``data`` (kube/objects.py: fold_string_data), so neither direction conflicts. Runs on
the emulator and unchanged on a real cluster (HELMKIT_TEST_KUBECONFIG); conftest's _left_as_found removes the
namespaces and releases even when a test fails.
"""
import base64
import uuid

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
from tests.helpers import helmref

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: secretive\nversion: 0.1.0\n",
    "values.yaml": "token: one\nextra: keep\n",
    "templates/secret.yaml": ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-creds\n"
                              "type: Opaque\ndata:\n  extra: {{ .Values.extra | b64enc | quote }}\n"
                              "stringData:\n  token: {{ .Values.token | quote }}\n"),
    "templates/configmap.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-plain\n"
                                 "data:\n  fixed: \"same\"\n"),
}


@pytest.fixture
def chart(tmp_path):
    root = tmp_path / "secretive"
    for name, text in CHART.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return str(root)


def _ours(client, namespace, chart, values):
    """An install or upgrade exactly as helm_release runs it, with its default field manager "helm"."""
    options = actions.ReleaseOptions("sec", namespace, field_manager="helm", timeout=60, create_namespace=True)
    render = inputs.cluster_renderer(client, "sec", namespace)
    return actions.ensure_present(client, options, inputs.resolve_chart(chart), values, render)


def _secret(client, namespace):
    found = client.request("GET", "/api/v1/namespaces/%s/secrets/sec-creds" % namespace)
    assert "stringData" not in found
    return {k: base64.b64decode(v).decode() for k, v in found["data"].items()}


def _statuses(client, namespace):
    return [(rel.version, rel.status) for rel in SecretStorage(client, namespace).history("sec")]


def test_we_install_helm_v4_upgrades_the_secret_and_we_upgrade_again(kubeapi, client, chart):
    namespace = "sec-ours-%s" % uuid.uuid4().hex[:6]
    _ours(client, namespace, chart, {"token": "one"})
    assert _secret(client, namespace) == {"token": "one", "extra": "keep"}
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.upgrade(chart, "sec", {"token": "one"}, namespace=namespace)  # same value: was a 409 on .stringData.token
    helm.upgrade(chart, "sec", {"token": "two"}, namespace=namespace)
    assert _secret(client, namespace) == {"token": "two", "extra": "keep"}
    _ours(client, namespace, chart, {"token": "three"})
    assert _secret(client, namespace) == {"token": "three", "extra": "keep"}
    assert _statuses(client, namespace) == [(1, "superseded"), (2, "superseded"), (3, "superseded"),
                                            (4, "deployed")]
    helm.uninstall("sec")


def test_helm_v4_installs_we_upgrade_the_secret_and_helm_v4_upgrades_again(kubeapi, client, chart):
    namespace = "sec-helm-%s" % uuid.uuid4().hex[:6]
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.install(chart, "sec", {"token": "one"}, namespace=namespace, create_namespace=True)
    _ours(client, namespace, chart, {"token": "one"})
    _ours(client, namespace, chart, {"token": "two"})
    assert _secret(client, namespace) == {"token": "two", "extra": "keep"}
    helm.upgrade(chart, "sec", {"token": "three"}, namespace=namespace)
    assert _secret(client, namespace) == {"token": "three", "extra": "keep"}
    assert [s for _v, s in _statuses(client, namespace)][-1] == "deployed"
    helm.uninstall("sec")


def test_a_key_dropped_from_string_data_leaves_the_secret(client, chart):
    namespace = "sec-drop-%s" % uuid.uuid4().hex[:6]
    _ours(client, namespace, chart, {"token": "one"})
    with open(chart + "/templates/secret.yaml", "w") as handle:
        handle.write(CHART["templates/secret.yaml"].split("stringData:", maxsplit=1)[0])
    _ours(client, namespace, chart, {})
    assert _secret(client, namespace) == {"extra": "keep"}
