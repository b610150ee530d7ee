"""A fresh Kubernetes API emulator per test (it starts in well under a second), for the release tests, and the
``chart`` and ``client`` of the tiny release charts (tests/helpers/releasecharts.py)."""

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient  # noqa: E402
from tests.helpers.releasecharts import NS  # noqa: E402
from kubeapi.fixture import KubeAPIServer  # noqa: E402


@pytest.fixture
def emulator():
    """A running emulator (``KubeAPIServer``: ``.kubeconfig``, ``.url``, ``.request_log()``)."""
    with KubeAPIServer(ready_delay=0.05) as api:
        yield api


@pytest.fixture
def chart(tmp_path):
    root = tmp_path / "demo"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: \"4.5\"\n")
    (root / "values.yaml").write_text("greeting: hello\n")
    (root / "templates" / "cm.yaml").write_text("# rendered by the tests\n")
    return load_chart(str(root))


@pytest.fixture
def namespace():
    """The namespace ``client`` creates first; a test module may override this fixture with its own."""
    return NS


@pytest.fixture
def client(emulator, namespace):
    """A KubeClient of ``emulator``, with ``namespace`` created."""
    with KubeClient(emulator.kubeconfig) as kube:
        kube.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                         "metadata": {"name": namespace}})
        yield kube
