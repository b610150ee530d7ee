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

# ---- Kubernetes API for tests (tests/kubeapi, see its README) ------------------------------------------------
import pytest  # noqa: E402

# Test code imports the helpers with their package prefix (``tests.helpers``, from the checkout root) and the
# emulator as ``kubeapi`` (from tests/); no test module puts anything else on sys.path.
TESTS_DIR = os.path.join(ROOT, "tests")
for _path in (TESTS_DIR, ROOT):
    if _path not in sys.path:
        sys.path.insert(0, _path)


from tests.helpers import leakscan, leakscan_plugin  # noqa: E402


def pytest_configure(config):
    """Register the session-wide leak scan (tests/helpers/leakscan.py)."""
    if not config.pluginmanager.has_plugin("tests.helpers.leakscan_plugin"):
        config.pluginmanager.register(leakscan_plugin, "tests.helpers.leakscan_plugin")


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


#: The cluster as the run found it, and what the end-of-run check found left behind (see _left_as_found).
CLUSTER_CHECK = {"real": False, "start": None, "leftovers": [], "problems": []}
CLUSTER_FIXTURES = {"kubeapi", "kubeconfig", "kubeapi_log"}


def _end_of_run_check(api):
    """List what the run left on the cluster (compared with the snapshot taken when it started), then remove it
    so that the cluster is left as found even so; pytest_sessionfinish fails a real-cluster run that left any."""
    from kubeapi.fixture import clean_up, leftovers
    try:
        CLUSTER_CHECK["leftovers"] = leftovers(api.kubeconfig, CLUSTER_CHECK["start"])
        if CLUSTER_CHECK["leftovers"]:
            CLUSTER_CHECK["problems"] += clean_up(api.kubeconfig, CLUSTER_CHECK["start"])
    except Exception as exc:  # noqa: BLE001 - the check itself failed: that is a leftover we cannot rule out
        CLUSTER_CHECK["problems"].append("end-of-run cluster check failed: %s" % exc)


@pytest.fixture(scope="session")
def kubeapi():
    """Session-wide Kubernetes API: the kubeapi emulator (KubeAPIServer: .kubeconfig, .url, .request_log(),
    .clear_request_log(), .has_request_log True) or, when HELMKIT_TEST_KUBECONFIG is set, that real cluster
    (ExternalCluster: same attributes, .has_request_log False, request_log() raises RequestLogUnavailable).
    Tests that need the request log use the ``kubeapi_log`` fixture, which skips with a reason on real clusters.
    The cluster is snapshotted first; every test module using it is cleaned up after (_left_as_found), and the end
    of the run lists what is left (pytest_terminal_summary), failing the run on a real cluster.
    """
    from kubeapi.fixture import ExternalCluster, KubeAPIServer, snapshot

    real = os.environ.get("HELMKIT_TEST_KUBECONFIG")
    if real:
        api = _scanned(ExternalCluster(real))
        CLUSTER_CHECK.update(real=True, start=snapshot(api.kubeconfig))
        yield api
        _end_of_run_check(api)
        return
    with KubeAPIServer() as api:
        CLUSTER_CHECK["start"] = snapshot(api.kubeconfig)
        yield _scanned(api)
        _end_of_run_check(api)
        leakscan.add_request_log(api.request_log(), "Kubernetes API request log")


@pytest.fixture(scope="module")
def _left_as_found(kubeapi):
    """Added to every test that uses the cluster (pytest_collection_modifyitems): after its module, whether its
    tests passed or failed, the releases it installed are uninstalled and the namespaces and cluster-scoped objects
    it created are deleted (kubeapi/fixture.py clean_up)."""
    from kubeapi.fixture import clean_up, snapshot
    before = snapshot(kubeapi.kubeconfig)
    yield
    CLUSTER_CHECK["problems"] += clean_up(kubeapi.kubeconfig, before)


def pytest_collection_modifyitems(session, config, items):
    """Every test that uses the cluster (directly or through another fixture) also gets _left_as_found."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and CLUSTER_FIXTURES & set(names) and "_left_as_found" not in names:
            names.insert(0, "_left_as_found")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """List what the run left on the cluster, and the clean-up problems met."""
    if CLUSTER_CHECK["start"] is None:
        return
    where = "the real cluster (HELMKIT_TEST_KUBECONFIG)" if CLUSTER_CHECK["real"] else "the kubeapi emulator"
    if not CLUSTER_CHECK["leftovers"] and not CLUSTER_CHECK["problems"]:
        terminalreporter.write_line("cluster check: nothing left behind on %s" % where)
        return
    terminalreporter.section("left behind on %s" % where)
    for line in CLUSTER_CHECK["leftovers"]:
        terminalreporter.write_line("left behind: %s" % line)
    for line in CLUSTER_CHECK["problems"]:
        terminalreporter.write_line("clean-up problem: %s" % line)


def pytest_sessionfinish(session, exitstatus):
    """A run against a real cluster that left anything behind fails."""
    if CLUSTER_CHECK["real"] and (CLUSTER_CHECK["leftovers"] or CLUSTER_CHECK["problems"]) and exitstatus == 0:
        session.exitstatus = 1


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
