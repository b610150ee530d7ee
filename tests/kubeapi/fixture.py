"""Test API: run the emulator in a subprocess.

    from kubeapi.fixture import KubeAPIServer
    with KubeAPIServer() as api:
        api.kubeconfig, api.url        # kubeconfig path, https://127.0.0.1:PORT
        api.request_log()              # [RequestRecord(method, path, query, content_type)] (+ .user_agent, .time)
        api.clear_request_log()
"""
from __future__ import annotations

import collections
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import yaml

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class RequestRecord(collections.namedtuple("RequestRecord", "method path query content_type")):
    """One logged request: a 4-tuple (method, path, query, content_type) with two more attributes,
    ``user_agent`` (str) and ``time`` (Unix seconds when it arrived, float)."""

    user_agent = ""
    time = 0.0


def _record(entry):
    rec = RequestRecord(entry["method"], entry["path"], entry["query"], entry["content_type"])
    rec.user_agent = entry.get("user_agent", "")
    rec.time = entry.get("time", 0.0)
    return rec


class KubeAPIServerError(RuntimeError):
    """The emulator did not start, or its control endpoint failed."""


class KubeAPIServer:
    """Context manager running ``python -m kubeapi`` on 127.0.0.1.

    Args: kubeconfig (path to write; default: a file in a fresh temp dir), port (0 = free), ready_delay
    (seconds before simulated workloads are ready), state_dir (optional), start_timeout (seconds),
    aggregated_discovery (False: serve only legacy discovery, as a server without it), latency (seconds every API
    request waits before it is served, as over a network; default 0).
    Attributes after start(): ``kubeconfig`` (str path), ``url`` (str), ``process`` (Popen).
    """

    def __init__(self, kubeconfig=None, port=0, ready_delay=0.2, state_dir=None, start_timeout=30.0,
                 aggregated_discovery=True, latency=0.0):
        self._tmp = None
        self.latency = latency
        self.aggregated_discovery = aggregated_discovery
        if kubeconfig is None:
            self._tmp = tempfile.mkdtemp(prefix="kubeapi-")
            kubeconfig = os.path.join(self._tmp, "kubeconfig")
        self.kubeconfig = kubeconfig
        self.port = port
        self.ready_delay = ready_delay
        self.state_dir = state_dir
        self.start_timeout = start_timeout
        self.url = None
        self.process = None
        self._token = None
        self._ssl = None

    def start(self):
        """Start the subprocess and wait for its ready line. Returns self. Raises KubeAPIServerError."""
        env = dict(os.environ)
        env["PYTHONPATH"] = TESTS_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        cmd = [sys.executable, "-m", "kubeapi", "--kubeconfig", self.kubeconfig, "--port", str(self.port),
               "--ready-delay", str(self.ready_delay)]
        if self.state_dir:
            cmd += ["--state-dir", self.state_dir]
        if not self.aggregated_discovery:
            cmd.append("--legacy-discovery-only")
        if self.latency:
            cmd += ["--latency", repr(float(self.latency))]
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, env=env, text=True)
        line = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        if not line or not line[0].startswith("kubeapi ready"):
            self.stop()
            self._stderr.seek(0)
            err = self._stderr.read()
            raise KubeAPIServerError("kubeapi emulator did not start: %s" % (err.strip()[-2000:] or "no ready line"))
        fields = dict(p.split("=", 1) for p in line[0].split()[2:])
        self.url = fields["url"]
        with open(self.kubeconfig) as f:
            cfg = yaml.safe_load(f)
        self._token = cfg["users"][0]["user"]["token"]
        import base64
        ca = base64.b64decode(cfg["clusters"][0]["cluster"]["certificate-authority-data"]).decode()
        self._ssl = ssl.create_default_context(cadata=ca)
        return self

    def _control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, method=method, data=data,
                                     headers={"Authorization": "Bearer " + self._token,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=10) as resp:
                return json.loads(resp.read())
        except OSError as exc:
            raise KubeAPIServerError("kubeapi control request %s %s failed: %s" % (method, path, exc))

    def request_log(self):
        """Every API request served so far, oldest first: list of RequestRecord (method, path, query,
        content_type; also .user_agent and .time); query is the raw query string, content_type has no
        parameters."""
        return [_record(r) for r in self._control("GET", "/_kubeapi/requests")["requests"]]

    def clear_request_log(self):
        """Forget the requests logged so far."""
        self._control("DELETE", "/_kubeapi/requests")

    def client_certificate(self, user, groups=()):
        """(cert_pem, key_pem) strings: a client certificate for ``user`` in ``groups`` (O=) signed by the
        emulator's CA (emulator only: a real cluster's CA key is not ours)."""
        answer = self._control("POST", "/_kubeapi/client-cert", {"user": user, "groups": list(groups)})
        return answer["cert"], answer["key"]

    def stop(self):
        """Terminate the subprocess (SIGTERM, then kill after 5 s) and remove the temp dir it created."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        for stream in (getattr(self.process, "stdout", None), getattr(self, "_stderr", None)):
            if stream is not None:
                stream.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll predicate() until it returns a truthy value (returned) or timeout seconds pass (returns None)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


class RequestLogUnavailable(RuntimeError):
    """The request log exists only for the emulator, not for a real cluster (HELMKIT_TEST_KUBECONFIG)."""


class ExternalCluster:
    """A real cluster given by HELMKIT_TEST_KUBECONFIG, with the KubeAPIServer attributes that make sense.

    Args: kubeconfig (path). ``url`` is the current context's server; ``has_request_log`` is False and
    request_log()/clear_request_log() raise RequestLogUnavailable.
    """

    has_request_log = False

    def __init__(self, kubeconfig):
        self.kubeconfig = kubeconfig
        with open(kubeconfig) as f:
            cfg = yaml.safe_load(f) or {}
        ctx_name = cfg.get("current-context")
        ctx = next((c["context"] for c in cfg.get("contexts") or [] if c.get("name") == ctx_name), {})
        cluster = next((c["cluster"] for c in cfg.get("clusters") or [] if c.get("name") == ctx.get("cluster")), {})
        self.url = cluster.get("server")

    def request_log(self):
        raise RequestLogUnavailable("the request log needs the kubeapi emulator; HELMKIT_TEST_KUBECONFIG selects a "
                                    "real cluster")

    clear_request_log = request_log

    def client_certificate(self, user, groups=()):
        raise RequestLogUnavailable("issuing client certificates needs the kubeapi emulator's CA; "
                                    "HELMKIT_TEST_KUBECONFIG selects a real cluster")

    def stop(self):
        """Nothing to stop: the cluster is not ours."""


KubeAPIServer.has_request_log = True


# ---- Leaving a cluster as it was found -----------------------------------------------------------------------------
#
# Integration tests must leave a real cluster (HELMKIT_TEST_KUBECONFIG) as they found it. tests/conftest.py takes a
# ClusterSnapshot before each test module that uses the cluster and calls clean_up() after it, whether its tests
# passed or failed; at the end of the run it lists what is still there (leftovers()) and, on a real cluster, fails
# the run when anything is.

#: Cluster-scoped kinds the cluster itself creates or changes (nodes, controllers' bookkeeping): never compared.
_IGNORED_CLUSTER_RESOURCES = {"nodes", "componentstatuses", "csinodes", "volumeattachments",
                              "certificatesigningrequests", "flowschemas", "prioritylevelconfigurations",
                              "namespaces"}


class ClusterSnapshot(collections.namedtuple("ClusterSnapshot", "namespaces releases cluster_objects")):
    """What tests may leave on a cluster: ``namespaces`` (set of names), ``releases`` (set of (namespace, name) of
    Helm's release Secrets, label owner=helm) and ``cluster_objects`` (set of (path, "Kind name") of every
    cluster-scoped object the API lists, namespaces and the kinds in _IGNORED_CLUSTER_RESOURCES aside)."""


def _cluster_resources(client):
    """(list path, kind) of every cluster-scoped resource that can be listed and deleted, from discovery
    (preferred version of each group)."""
    found = []
    versions = ["/api/v1"]
    for group in client.request("GET", "/apis").get("groups") or []:
        preferred = (group.get("preferredVersion") or {}).get("groupVersion")
        if preferred:
            versions.append("/apis/" + preferred)
    for prefix in versions:
        try:
            resources = client.request("GET", prefix).get("resources") or []
        except Exception:  # noqa: BLE001 - an aggregated API that is down: nothing of it to compare
            continue
        for res in resources:
            verbs = set(res.get("verbs") or [])
            if res.get("namespaced") or "/" in res["name"] or not {"list", "delete"} <= verbs \
                    or res["name"] in _IGNORED_CLUSTER_RESOURCES:
                continue
            found.append(("%s/%s" % (prefix, res["name"]), res.get("kind") or res["name"]))
    return found


def _snapshot(client) -> ClusterSnapshot:
    namespaces = {item["metadata"]["name"] for item in client.request("GET", "/api/v1/namespaces").get("items") or []}
    secrets = client.request("GET", "/api/v1/secrets", query=[("labelSelector", "owner=helm")]).get("items") or []
    releases = {(item["metadata"]["namespace"], (item["metadata"].get("labels") or {}).get("name"))
                for item in secrets if (item["metadata"].get("labels") or {}).get("name")}
    objects = set()
    for path, kind in _cluster_resources(client):
        try:
            items = client.request("GET", path).get("items") or []
        except Exception:  # noqa: BLE001 - a kind removed meanwhile (its CRD deleted)
            continue
        objects.update(("%s/%s" % (path, item["metadata"]["name"]), "%s %s" % (kind, item["metadata"]["name"]))
                       for item in items)
    return ClusterSnapshot(namespaces, releases, objects)


def snapshot(kubeconfig) -> ClusterSnapshot:
    """The cluster's current :class:`ClusterSnapshot` (GET requests only)."""
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeconfig) as client:
        return _snapshot(client)


def leftovers(kubeconfig, before: ClusterSnapshot) -> list:
    """What is on the cluster now and was not in ``before``: sorted strings ("namespace x", "release ns/name",
    "IngressClass nginx")."""
    now = snapshot(kubeconfig)
    return (["namespace %s" % name for name in sorted(now.namespaces - before.namespaces)]
            + ["release %s/%s" % pair for pair in sorted(now.releases - before.releases)]
            + [label for _path, label in sorted(now.cluster_objects - before.cluster_objects)])


def clean_up(kubeconfig, before: ClusterSnapshot, timeout: float = 120.0) -> list:
    """Put the cluster back to ``before``: uninstall every Helm release that is new (hooks disabled, so a broken
    hook cannot stop it; its cluster-scoped objects go too), delete every new cluster-scoped object, then every new
    namespace, waiting up to ``timeout`` seconds for them to go. Returns the problems met (list of str); API errors
    are collected, never raised, so that one failure does not stop the rest."""
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release.actions import ReleaseOptions
    from ansible_collections.helmkit.core.plugins.module_utils.release.uninstall import uninstall

    problems = []
    with KubeClient(kubeconfig) as client:
        now = _snapshot(client)
        for namespace, name in sorted(now.releases - before.releases):
            try:
                uninstall(client, ReleaseOptions(name, namespace, timeout=timeout, disable_hooks=True))
            except Exception as exc:  # noqa: BLE001 - reported, and the namespace deletion below still runs
                problems.append("uninstall %s/%s: %s" % (namespace, name, exc))
        doomed = sorted((now.cluster_objects | _snapshot(client).cluster_objects) - before.cluster_objects)
        doomed += [("/api/v1/namespaces/%s" % name, "namespace %s" % name)
                   for name in sorted(now.namespaces - before.namespaces)]
        for path, label in doomed:
            try:
                client.request("DELETE", path, body={"kind": "DeleteOptions", "apiVersion": "v1",
                                                     "propagationPolicy": "Background"})
            except ApiError as exc:
                if exc.status != 404:
                    problems.append("delete %s: %s" % (label, exc.message))
            except Exception as exc:  # noqa: BLE001
                problems.append("delete %s: %s" % (label, exc))

        def gone():
            for path, _label in doomed:
                try:
                    client.request("GET", path)
                except ApiError as exc:
                    if exc.status == 404:
                        continue
                return False
            return True
        if not wait_for(gone, timeout=timeout, interval=0.5):
            problems.append("still there after %ds: %s" % (timeout, ", ".join(label for _path, label in doomed)))
    return problems
