"""Test-wide set-up: make `ansible_collections.helmkit.core` importable from this checkout."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.path.join(ROOT, ".tree")
_link = os.path.join(TREE, "ansible_collections", "helmkit", "core")
if not os.path.islink(_link):
    os.makedirs(os.path.dirname(_link), exist_ok=True)
    os.symlink(ROOT, _link)
if TREE not in sys.path:
    sys.path.insert(0, TREE)
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", TREE)
# ansible-core's async jobs expand `~/.ansible_async` from $HOME and async_status from the account's home directory:
# under a HOME that is not the account's (CI) they disagree. An absolute directory makes every playbook agree.
os.environ.setdefault("ANSIBLE_ASYNC_DIR", os.path.join(os.path.expanduser("~"), ".ansible_async"))

SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))


# ---- Kubernetes API for tests (tests/kubeapi, see its README) ------------------------------------------------
import pytest  # noqa: E402

TESTS_DIR = os.path.join(ROOT, "tests")
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)


from helpers import leakscan, leakscan_plugin  # noqa: E402


def pytest_configure(config):
    """Register the session-wide leak scan (tests/helpers/leakscan.py)."""
    if not config.pluginmanager.has_plugin("helpers.leakscan_plugin"):
        config.pluginmanager.register(leakscan_plugin, "helpers.leakscan_plugin")


def _scanned(api):
    """Register the cluster's kubeconfig credentials and, on the emulator, capture its request log before every
    clear and at the end (what clients sent in URLs and headers)."""
    leakscan.SECRETS.add_kubeconfig(api.kubeconfig, "Kubernetes API kubeconfig")
    if not api.has_request_log:
        return api
    clear = api.clear_request_log

    def clear_request_log():
        leakscan.add_request_log(api.request_log(), "Kubernetes API request log")
        clear()
    api.clear_request_log = clear_request_log
    return api


@pytest.fixture(scope="session")
def kubeapi():
    """Session-wide Kubernetes API: the kubeapi emulator (KubeAPIServer: .kubeconfig, .url, .request_log(),
    .clear_request_log(), .has_request_log True) or, when HELMKIT_TEST_KUBECONFIG is set, that real cluster
    (ExternalCluster: same attributes, .has_request_log False, request_log() raises RequestLogUnavailable).
    Tests that need the request log use the ``kubeapi_log`` fixture, which skips with a reason on real clusters.
    """
    from kubeapi.fixture import ExternalCluster, KubeAPIServer

    real = os.environ.get("HELMKIT_TEST_KUBECONFIG")
    if real:
        yield _scanned(ExternalCluster(real))
        return
    with KubeAPIServer() as api:
        yield _scanned(api)
        leakscan.add_request_log(api.request_log(), "Kubernetes API request log")


@pytest.fixture(scope="session")
def kubeconfig(kubeapi):
    """Path (str) of a kubeconfig for the session's Kubernetes API (context helmkit-test on the emulator)."""
    return kubeapi.kubeconfig


@pytest.fixture
def kubeapi_log(kubeapi):
    """The emulator, for tests that count requests: its log is cleared first. Skips, saying why, when
    HELMKIT_TEST_KUBECONFIG selects a real cluster (no request log there)."""
    if not kubeapi.has_request_log:
        pytest.skip("needs the kubeapi emulator's request log; HELMKIT_TEST_KUBECONFIG selects a real cluster")
    kubeapi.clear_request_log()
    return kubeapi
