"""Concurrency (issue 10, part 1): the release lock (release/lock.py), concurrent upgrades of one release, and
concurrent writers of repositories.yaml and the registry config. Against the Kubernetes API emulator."""
import json
import multiprocessing
import os
import socket
import stat
import threading
import time

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, uninstall
from ansible_collections.helmkit.core.plugins.module_utils.release.lock import (ReleaseLock, ReleaseLockedError,
                                                                                lease_name)

from tests.helpers.reliabilitycharts import history, make_namespace, release_chart, renderer

pytestmark = pytest.mark.fault
NS = "rel-lock"


@pytest.fixture
def client(kubeconfig):
    with KubeClient(kubeconfig) as kube:
        make_namespace(kube, NS)
        yield kube


def _lease_path(name):
    return "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s" % (NS, lease_name(name))


def test_second_holder_fails_at_once_naming_the_operation(client):
    with ReleaseLock(client, NS, "one", "upgrade of revision 3"):
        with pytest.raises(ReleaseLockedError) as info:
            ReleaseLock(client, NS, "one", "upgrade of revision 3").acquire()
    assert "another operation (upgrade of revision 3) is in progress" in str(info.value)
    assert "wait_for_lock" in str(info.value)
    ReleaseLock(client, NS, "one", "x").acquire().release()  # released on exit: free again


def test_waiting_holder_gets_the_lock_when_it_is_released(client):
    first = ReleaseLock(client, NS, "two", "install of revision 1").acquire()
    threading.Timer(0.3, first.release).start()
    second = ReleaseLock(client, NS, "two", "upgrade of revision 2", wait_for_lock=30).acquire()
    assert second.waited > 0
    second.release()


def test_wait_for_lock_runs_out_with_a_clear_message(client):
    with ReleaseLock(client, NS, "three", "upgrade of revision 7"):
        with pytest.raises(ReleaseLockedError) as info:
            ReleaseLock(client, NS, "three", "upgrade of revision 7", wait_for_lock=0.4).acquire()
    assert "another operation (upgrade of revision 7) is in progress after waiting" in str(info.value)


def _stale_lease(client, name, holder, renew="2020-01-01T00:00:00.000000Z", duration=60):
    client.request("POST", "/apis/coordination.k8s.io/v1/namespaces/%s/leases" % NS, body={
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": lease_name(name), "namespace": NS},
        "spec": {"holderIdentity": holder, "leaseDurationSeconds": duration, "acquireTime": renew,
                 "renewTime": renew}})


def test_expired_lease_of_a_killed_run_is_taken_over(client):
    _stale_lease(client, "four", "elsewhere/1/abc")
    lock = ReleaseLock(client, NS, "four", "upgrade of revision 2").acquire()
    assert client.request("GET", _lease_path("four"))["spec"]["holderIdentity"] == lock.identity
    lock.release()


def test_unexpired_lease_of_a_dead_process_on_this_host_is_taken_over(client):
    proc = multiprocessing.Process(target=int)
    proc.start()
    proc.join()
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
    _stale_lease(client, "five", "%s/%d/abc" % (socket.gethostname(), proc.pid), renew=now, duration=3600)
    ReleaseLock(client, NS, "five", "upgrade of revision 2").acquire().release()


def test_racing_runs_exactly_one_wins(client):
    barrier = threading.Barrier(8)
    outcomes = []

    def contend():
        lock = ReleaseLock(client, NS, "six", "upgrade of revision 2")
        barrier.wait()
        try:
            lock.acquire()
            outcomes.append("won")
        except ReleaseLockedError:
            outcomes.append("refused")
    threads = [threading.Thread(target=contend) for _i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["won"]


def _upgrade_race(client, tmp_path, name, wait_for_lock, monkeypatch):
    """Thread "first" upgrades and, holding the lock, stalls a second before writing its pending record; the
    second run starts once the first holds the lock."""
    from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage

    original_create = SecretStorage.create

    def slow_create(self, release):
        if threading.current_thread().name == "first":
            time.sleep(1.0)
        return original_create(self, release)
    monkeypatch.setattr(SecretStorage, "create", slow_create)
    chart = release_chart(tmp_path)
    actions.ensure_present(client, actions.ReleaseOptions(name, NS), chart, {"greeting": "v1"}, renderer(name, NS))
    results = {}

    def run(key, greeting, delay, wait):
        options = actions.ReleaseOptions(name, NS, wait_for_lock=wait)
        try:
            results[key] = actions.ensure_present(client, options, chart, {"greeting": greeting},
                                                  renderer(name, NS, delay=delay))
        except ReleaseError as exc:
            results[key] = exc
    first = threading.Thread(target=run, args=("first", "v2", 0, 0), name="first")
    first.start()
    for _i in range(200):  # the first run holds the lock before the second starts
        try:
            client.request("GET", _lease_path(name))
            break
        except Exception:  # noqa: BLE001 - not there yet
            time.sleep(0.02)
    run("second", "v3", 0, wait_for_lock)
    first.join()
    return results


def test_concurrent_upgrade_is_refused_and_storage_stays_consistent(client, tmp_path, monkeypatch):
    results = _upgrade_race(client, tmp_path, "race", 0, monkeypatch)
    assert results["first"].action == "upgrade" and results["first"].release.version == 2
    assert isinstance(results["second"], ReleaseError)
    assert "another operation (upgrade of revision 2) is in progress" in str(results["second"])
    assert history(client, NS, "race") == [(1, "superseded"), (2, "deployed")]


def test_concurrent_upgrade_with_wait_for_lock_runs_after_the_first(client, tmp_path, monkeypatch):
    results = _upgrade_race(client, tmp_path, "queue", 60, monkeypatch)
    assert results["first"].release.version == 2
    assert results["second"].action == "upgrade" and results["second"].release.version == 3
    assert history(client, NS, "queue") == [(1, "superseded"), (2, "superseded"), (3, "deployed")]
    cm = client.request("GET", "/api/v1/namespaces/%s/configmaps/queue-cm" % NS)
    assert cm["data"]["greeting"] == "v3"


def test_uninstall_takes_the_lock_too(client, tmp_path):
    chart = release_chart(tmp_path)
    actions.ensure_present(client, actions.ReleaseOptions("gone", NS), chart, {}, renderer("gone", NS))
    with ReleaseLock(client, NS, "gone", "upgrade of revision 2"):
        with pytest.raises(ReleaseLockedError):
            uninstall.uninstall(client, actions.ReleaseOptions("gone", NS))
    assert history(client, NS, "gone") == [(1, "deployed")]
    assert uninstall.uninstall(client, actions.ReleaseOptions("gone", NS)).action == "uninstall"


# -- local files written by several processes ---------------------------------------------------------------------

def _login(path, index):
    from ansible_collections.helmkit.core.plugins.module_utils.oci.credentials import write_login
    for round_ in range(5):
        write_login(path, "registry%d.example:5000" % index, "user%d" % index, "pw-%d-%d" % (index, round_))


def _add_repository(path, index):
    from ansible_collections.helmkit.core.plugins.module_utils.repo import config
    for round_ in range(5):
        with config.locked(path):
            repo_file = config.load_repository_file(path)
            repo_file.update(config.RepositoryEntry("repo%d" % index, "https://charts%d.example/r%d" % (index, round_)))
            config.save_repository_file(path, repo_file)


def _run_processes(target, path, count=6):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=target, args=(path, i)) for i in range(count)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0


def test_concurrent_registry_logins_never_corrupt_the_config(tmp_path):
    path = str(tmp_path / "registry" / "config.json")
    _run_processes(_login, path)
    with open(path) as handle:
        auths = json.load(handle)["auths"]
    assert sorted(auths) == sorted("registry%d.example:5000" % i for i in range(6))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_concurrent_repository_adds_never_corrupt_repositories_yaml(tmp_path):
    path = str(tmp_path / "helm" / "repositories.yaml")
    _run_processes(_add_repository, path)
    with open(path) as handle:
        doc = yaml.safe_load(handle)
    assert sorted(r["name"] for r in doc["repositories"]) == ["repo%d" % i for i in range(6)]
    assert all(r["url"].endswith("/r4") for r in doc["repositories"])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
