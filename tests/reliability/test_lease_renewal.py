"""The release lock's Lease is renewed while an operation runs (issue 10, part 1): another run sees an actively
renewed Lease as held long after ``leaseDurationSeconds``, a crashed holder's Lease still expires, and a run whose
Lease was taken over or deleted stops before its next request (no second writer). Short durations, against the
Kubernetes API of the session (the emulator, or a real cluster through HELMKIT_TEST_KUBECONFIG)."""
import threading
import time

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient, KubeError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions
from ansible_collections.helmkit.core.plugins.module_utils.release import lock as lock_module
from ansible_collections.helmkit.core.plugins.module_utils.release.lock import (
    ReleaseLock, ReleaseLockedError, ReleaseLockLostError, current_holder, lease_name, lease_seconds, parse_time)
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

from tests.helpers.reliabilitycharts import history, make_namespace, release_chart, renderer

pytestmark = pytest.mark.fault
NS = "rel-lease"
DURATION = 2  # seconds: renewed every 2/3 s


@pytest.fixture
def client(kubeconfig):
    with KubeClient(kubeconfig) as kube:
        make_namespace(kube, NS)
        yield kube


@pytest.fixture
def other(kubeconfig):
    """A second connection: what another process sees and does."""
    with KubeClient(kubeconfig) as kube:
        yield kube


def _path(name):
    return "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s" % (NS, lease_name(name))


def _lease(kube, name):
    return kube.request("GET", _path(name))


def _steal(kube, name, holder="thief/1/abc"):
    """What a run that took the Lease over does: a PUT with its own holder and the current resourceVersion."""
    lease = _lease(kube, name)
    lease["spec"]["holderIdentity"] = holder
    lease["metadata"]["annotations"] = {lock_module.OPERATION_ANNOTATION: "upgrade of revision 9"}
    return kube.request("PUT", _path(name), body=lease)


def _until_refused(kube, name, seconds=15.0):
    """Poll through the holder's (guarded) client until it refuses to send; returns the error."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            kube.request("GET", _path(name))
        except ReleaseLockLostError as exc:
            return exc
        except ApiError:  # deleted: not found until the renewal notices
            pass
        time.sleep(0.05)
    raise AssertionError("the lock was never found lost")


def test_renewed_lease_stays_held_past_its_duration(client, other):
    with ReleaseLock(client, NS, "held", "upgrade of revision 2", lease_duration=DURATION) as held:
        first = _lease(other, "held")["spec"]
        time.sleep(DURATION * 1.6)
        later = _lease(other, "held")["spec"]
        assert later["holderIdentity"] == held.identity and later["leaseDurationSeconds"] == DURATION
        assert later["acquireTime"] == first["acquireTime"]
        assert parse_time(later["renewTime"]) > parse_time(first["acquireTime"]) + DURATION / 2.0
        assert current_holder(other, NS, "held") is not None
        with pytest.raises(ReleaseLockedError) as info:
            ReleaseLock(other, NS, "held", "upgrade of revision 2", lease_duration=DURATION).acquire()
        assert "another operation (upgrade of revision 2) is in progress" in str(info.value)
        assert held.lost is None
    with pytest.raises(ApiError) as gone:  # released: deleted, and the renewal stopped
        _lease(other, "held")
    assert gone.value.status == 404
    assert "request" not in vars(client)  # the client is plain again


def test_crashed_holders_lease_still_expires(kubeconfig, other):
    crashed_client = KubeClient(kubeconfig)
    crashed = ReleaseLock(crashed_client, NS, "crash", "upgrade of revision 4", lease_duration=1)
    crashed.identity = "elsewhere/4242/crashed"  # on another host: only expiry frees it
    crashed.acquire()
    crashed._stop.set()  # the process died: nothing renews the Lease and nothing deletes it
    crashed._thread.join()
    crashed_client.close()
    with pytest.raises(ReleaseLockedError):
        ReleaseLock(other, NS, "crash", "upgrade of revision 4").acquire()
    spec = _lease(other, "crash")["spec"]
    time.sleep(max(0.0, parse_time(spec["renewTime"]) + 1 - time.time()) + 0.3)
    assert current_holder(other, NS, "crash") is None
    taker = ReleaseLock(other, NS, "crash", "upgrade of revision 4").acquire()
    assert _lease(other, "crash")["spec"]["holderIdentity"] == taker.identity
    taker.release()


@pytest.mark.parametrize("how", ["taken over", "deleted"])
def test_lost_lock_stops_the_operation_before_its_next_request(client, other, how):
    name = "lost-" + how.split()[0]
    with ReleaseLock(client, NS, name, "upgrade of revision 3", lease_duration=DURATION) as held:
        if how == "taken over":
            _steal(other, name)
        else:
            other.request("DELETE", _path(name))
        error = _until_refused(client, name)
        assert held.lost is not None
        message = str(error)
        assert "release %s: this run lost its lock (Lease %s/%s)" % (name, NS, lease_name(name)) in message
        assert ("thief/1/abc took it over for upgrade of revision 9" if how == "taken over"
                else "the Lease was deleted") in message
        with pytest.raises(ReleaseLockLostError):  # writes are refused too, before they are sent
            client.request("POST", "/api/v1/namespaces/%s/configmaps" % NS, body={
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})
    with pytest.raises(ApiError):
        other.request("GET", "/api/v1/namespaces/%s/configmaps/%s" % (NS, name))
    if how == "taken over":  # releasing never deletes the Lease of the run that took it over
        assert _lease(other, name)["spec"]["holderIdentity"] == "thief/1/abc"
        other.request("DELETE", _path(name))
    client.request("GET", "/api/v1/namespaces/%s" % NS)  # the guard is gone with the lock


def test_long_upgrade_keeps_its_lock_and_a_second_run_is_refused(client, other, tmp_path, monkeypatch):
    """An upgrade that spends 1.5 lease durations under the lock (here: before its pending record) still holds it
    when a second upgrade starts after the first Lease would have expired; the storage stays consistent."""
    monkeypatch.setenv(lock_module.DURATION_ENV, str(DURATION))
    name = "long"
    chart = release_chart(tmp_path)
    actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {"greeting": "v1"}, renderer(name, NS))
    original_create = SecretStorage.create
    inside = threading.Event()

    def slow_create(self, release):
        if threading.current_thread().name == "long-upgrade":
            inside.set()
            time.sleep(DURATION * 1.5)
        return original_create(self, release)
    monkeypatch.setattr(SecretStorage, "create", slow_create)
    results = {}

    def upgrade():
        try:
            results["first"] = actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart,
                                                      {"greeting": "v2"}, renderer(name, NS))
        except ReleaseError as exc:  # pragma: no cover - reported by the assertion below
            results["first"] = exc
    thread = threading.Thread(target=upgrade, name="long-upgrade")
    thread.start()
    assert inside.wait(30)
    time.sleep(DURATION * 1.1)  # past the first Lease's duration: only renewal keeps it held
    with pytest.raises(ReleaseError) as refused:
        actions.ensure_present(other, actions.ReleaseOptions(name, NS), chart, {"greeting": "v3"},
                               renderer(name, NS))
    thread.join(60)
    assert "another operation (upgrade of revision 2) is in progress" in str(refused.value)
    assert not isinstance(results["first"], Exception), results["first"]
    assert results["first"].release.version == 2
    assert history(client, NS, name) == [(1, "superseded"), (2, "deployed")]


def test_upgrade_whose_lock_is_taken_over_writes_nothing_more(client, other, tmp_path, monkeypatch):
    """The Lease is taken over while the upgrade runs (it could not be renewed in time, say): its next step, the
    pending record, is not written; revision 1 stays the deployed one."""
    monkeypatch.setenv(lock_module.DURATION_ENV, str(DURATION))
    name = "stolen"
    chart = release_chart(tmp_path)
    actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {"greeting": "v1"}, renderer(name, NS))
    original_create = SecretStorage.create

    def create_after_takeover(self, release):
        _steal(other, name)
        _until_refused(client, name)
        return original_create(self, release)
    monkeypatch.setattr(SecretStorage, "create", create_after_takeover)
    with pytest.raises(ReleaseLockLostError) as info:
        actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {"greeting": "v2"},
                               renderer(name, NS))
    assert "took it over" in str(info.value) and "Traceback" not in str(info.value)
    monkeypatch.setattr(SecretStorage, "create", original_create)
    assert history(other, NS, name) == [(1, "deployed")]
    cm = other.request("GET", "/api/v1/namespaces/%s/configmaps/%s-cm" % (NS, name))
    assert cm["data"]["greeting"] == "v1"
    assert _lease(other, name)["spec"]["holderIdentity"] == "thief/1/abc"
    other.request("DELETE", _path(name))  # the other run finishes
    result = actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {"greeting": "v2"},
                                    renderer(name, NS))
    assert result.release.version == 2


# -- renewal against a scripted API (no server): transient failures and conflicts -------------------------------

class _ScriptedApi(object):
    """A client whose Lease API answers as scripted: ``put`` is a list of outcomes for the renewal PUTs
    ("ok", "conflict" or "down"); GET returns the Lease as last written."""

    def __init__(self, put):
        self.put = list(put)
        self.version = 0
        self.lease = None
        self.calls = []

    def _store(self, body):
        self.version += 1
        self.lease = dict(body, metadata=dict(body["metadata"], uid="u1", resourceVersion=str(self.version)))
        return self.lease

    def request(self, method, path, body=None, **kwargs):
        self.calls.append(method)
        if method == "POST":
            return self._store(body)
        if method == "GET":
            return self.lease
        if method == "PUT":
            outcome = self.put.pop(0) if self.put else "ok"
            if outcome == "down":
                raise KubeError("cannot reach the Kubernetes API server at https://127.0.0.1:1")
            if outcome == "conflict" or body["metadata"].get("resourceVersion") != str(self.version):
                self.version += 1  # someone else wrote the Lease (same holder: e.g. a label change)
                self.lease = dict(self.lease, metadata=dict(self.lease["metadata"],
                                                            resourceVersion=str(self.version)))
                raise ApiError(409, "Conflict", "the object has been modified", {})
            return self._store(body)
        return {}


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_a_conflict_with_this_run_still_holding_is_renewed_with_the_new_resource_version():
    api = _ScriptedApi(["conflict", "ok", "ok"])
    lock = ReleaseLock(api, NS, "scripted", "install of revision 1", lease_duration=1).acquire()
    _wait_for(lambda: api.calls.count("PUT") >= 4)
    lock.release()
    assert lock.lost is None and "GET" in api.calls
    assert api.calls[-1] == "DELETE"


def test_a_lease_that_cannot_be_renewed_before_it_expires_is_lost():
    api = _ScriptedApi(["down"] * 1000)
    lock = ReleaseLock(api, NS, "scripted", "install of revision 1", lease_duration=1).acquire()
    _wait_for(lambda: lock.lost is not None)
    assert "could not be renewed" in lock.lost and "cannot reach" in lock.lost
    with pytest.raises(ReleaseLockLostError):
        api.request("GET", _path("scripted"))
    lock.release()
    assert "DELETE" not in api.calls  # it may belong to another run by now
    assert "request" not in vars(api)


def test_lease_duration_comes_from_the_timeout_or_the_environment(monkeypatch):
    monkeypatch.delenv(lock_module.DURATION_ENV, raising=False)
    assert lease_seconds(300) == 360
    monkeypatch.setenv(lock_module.DURATION_ENV, "15")
    assert lease_seconds(300) == 15
    assert ReleaseLock(None, NS, "x", "y").renew_every == 5
    monkeypatch.setenv(lock_module.DURATION_ENV, "soon")
    with pytest.raises(ReleaseError) as info:
        lease_seconds(300)
    assert "HELMKIT_LEASE_DURATION='soon': expected a whole number of seconds" in str(info.value)
