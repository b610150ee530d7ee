"""Fixtures of the integration tests that talk to the cluster through our own client (tests/conftest.py's ``kubeapi``:
the emulator, or the real cluster HELMKIT_TEST_KUBECONFIG names)."""
import uuid

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient


@pytest.fixture
def client(kubeapi):
    """A KubeClient of ``kubeapi``."""
    with KubeClient(kubeapi.kubeconfig) as kube:
        yield kube


@pytest.fixture
def namespace(client, request):
    """A new namespace named after the test module (``test_storage_drivers`` -> ``storage-drivers-<6 hex>``),
    deleted after the test."""
    prefix = request.module.__name__.rsplit(".", 1)[-1][len("test_"):].replace("_", "-")[:40]
    name = "%s-%s" % (prefix, uuid.uuid4().hex[:6])
    client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                       "metadata": {"name": name}})
    yield name
    client.request("DELETE", "/api/v1/namespaces/%s" % name)
