"""A release lock that the helm CLI never sees: a ``coordination.k8s.io/v1`` Lease per release.

Helm itself has no lock; it refuses to start while the last revision is ``pending-*`` (``pkg/action/upgrade.go``:
``errPending``), which leaves a window between reading the history and writing the pending record. helmkit closes
that window with a Lease named ``helmkit.release.<release name>`` in the release namespace:

* acquiring is a POST (the API server lets exactly one creator win: 409 AlreadyExists for the others);
* the Lease holds ``holderIdentity`` (host/pid/random), ``leaseDurationSeconds`` (the operation's timeout plus a
  margin), ``acquireTime``/``renewTime``, and the operation in the annotation ``helmkit.io/operation`` (e.g.
  ``upgrade of revision 3``);
* a Lease whose ``renewTime + leaseDurationSeconds`` has passed belongs to a killed run and is taken over with a PUT
  carrying its ``resourceVersion`` (optimistic concurrency: of two runs taking over, one gets 409 Conflict);
* releasing deletes it, with the ``uid`` precondition so a run never deletes a Lease another run took over.

The helm CLI ignores Leases, so it is unaffected; helm's own pending-* check still protects against helm.
"""
from __future__ import annotations

import datetime
import os
import socket
import time
import uuid

from ..errors import ReleaseError
from ..kube.client import ApiError

LEASE_PREFIX = "helmkit.release."
OPERATION_ANNOTATION = "helmkit.io/operation"
#: Seconds added to the operation's timeout for the Lease's duration (time for the final writes).
MARGIN_SECONDS = 60
#: Seconds between two attempts while waiting for a held lock.
POLL_SECONDS = 0.5


class ReleaseLockedError(ReleaseError):
    """Another run holds the release's lock (and ``wait_for_lock`` ran out or was 0)."""


def lease_name(release_name: str) -> str:
    """Name of the Lease that locks ``release_name``: ``helmkit.release.<name>``."""
    return LEASE_PREFIX + release_name


def _micro_time(stamp: float) -> str:
    """Kubernetes ``MicroTime`` text (RFC 3339 with microseconds, UTC) for Unix seconds ``stamp``."""
    moment = datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text) -> float:
    """Unix seconds of an RFC 3339 time (``MicroTime``, or Go's ``time.Time`` text with nanoseconds and an offset).

    Returns 0.0 for empty or unreadable text (treated as "long ago").
    """
    if not text or not isinstance(text, str):
        return 0.0
    text = text.strip()
    zone = "+00:00"
    if text.endswith("Z"):
        text = text[:-1]
    elif len(text) > 6 and text[-6] in "+-" and text[-3] == ":":
        text, zone = text[:-6], text[-6:]
    if "." in text:
        text, fraction = text.split(".", 1)
        fraction = (fraction + "000000")[:6]
    else:
        fraction = "000000"
    try:
        moment = datetime.datetime.strptime(text + "." + fraction + zone, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return 0.0
    return moment.timestamp()


def holder_identity() -> str:
    """This run's identity: ``<host>/<pid>/<random>``, unique per acquisition."""
    return "%s/%d/%s" % (socket.gethostname(), os.getpid(), uuid.uuid4().hex[:12])


def _holder_gone(holder: str) -> bool:
    """Whether ``holder`` (``host/pid/random``) ran on this host in a process that no longer exists (kill -9)."""
    parts = holder.split("/")
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


class LeaseState:
    """What a Lease read from the server says: ``holder``, ``operation``, ``acquired``/``renewed`` (Unix seconds),
    ``duration`` (seconds), ``uid``, ``resource_version``; :meth:`expired` tells whether its holder is gone."""

    def __init__(self, lease: dict):
        meta = lease.get("metadata") or {}
        spec = lease.get("spec") or {}
        self.uid = meta.get("uid")
        self.resource_version = meta.get("resourceVersion")
        self.operation = (meta.get("annotations") or {}).get(OPERATION_ANNOTATION) or "an operation"
        self.holder = spec.get("holderIdentity") or "?"
        self.acquired = parse_time(spec.get("acquireTime"))
        self.renewed = parse_time(spec.get("renewTime")) or self.acquired
        self.duration = int(spec.get("leaseDurationSeconds") or 0)

    def expired(self, now: float = None) -> bool:
        """Whether ``renewTime + leaseDurationSeconds`` lies in the past."""
        return (time.time() if now is None else now) > self.renewed + self.duration


class ReleaseLock:
    """The lock of one release. Use as a context manager, or :meth:`acquire` / :meth:`release`.

    ``ReleaseLock(client, namespace, release_name, operation, timeout=300, wait_for_lock=0)``: ``operation`` is the
    text other runs see (``"upgrade of revision 3"``); ``timeout`` (seconds) is the operation's own timeout, the
    Lease lasts that plus :data:`MARGIN_SECONDS`; ``wait_for_lock`` (seconds) is how long :meth:`acquire` waits for
    another holder before it raises :class:`ReleaseLockedError`. API failures raise :class:`ReleaseError`.
    """

    def __init__(self, client, namespace: str, release_name: str, operation: str, timeout: float = 300,
                 wait_for_lock: float = 0, sleep=time.sleep):
        self.client = client
        self.namespace = namespace
        self.release_name = release_name
        self.operation = operation
        self.duration = int(max(1, timeout or 0)) + MARGIN_SECONDS
        self.wait_for_lock = max(0.0, float(wait_for_lock or 0))
        self.identity = holder_identity()
        self._sleep = sleep
        self._uid = None
        self.waited = 0.0

    def _collection(self) -> str:
        return "/apis/coordination.k8s.io/v1/namespaces/%s/leases" % self.namespace

    def _path(self) -> str:
        return "%s/%s" % (self._collection(), lease_name(self.release_name))

    def _body(self, resource_version: str = None) -> dict:
        now = _micro_time(time.time())
        meta = {"name": lease_name(self.release_name), "namespace": self.namespace,
                "labels": {"app.kubernetes.io/managed-by": "helmkit", "name": self.release_name},
                "annotations": {OPERATION_ANNOTATION: self.operation}}
        if resource_version:
            meta["resourceVersion"] = resource_version
        return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta,
                "spec": {"holderIdentity": self.identity, "leaseDurationSeconds": self.duration,
                         "acquireTime": now, "renewTime": now}}

    def _fail(self, what: str, exc: ApiError) -> ReleaseError:
        return ReleaseError("release %s: cannot %s its lock (Lease %s/%s): %s"
                            % (self.release_name, what, self.namespace, lease_name(self.release_name), exc.message))

    def _try_once(self):
        """One attempt. Returns None when acquired, else the :class:`LeaseState` of the holder."""
        try:
            created = self.client.request("POST", self._collection(), body=self._body())
            self._uid = (created.get("metadata") or {}).get("uid")
            return None
        except ApiError as exc:
            if exc.status == 404 and (exc.details or {}).get("kind") == "namespaces":
                # No namespace yet (create_namespace installs): nothing can be locked there, and nothing else can
                # be stored there either; the revision Secret's create-only POST still refuses a second writer.
                return None
            if exc.status != 409:
                raise self._fail("create", exc) from None
        try:
            current = LeaseState(self.client.request("GET", self._path()))
        except ApiError as exc:
            if exc.status == 404:  # released in between: try again at once
                return self._try_once()
            raise self._fail("read", exc) from None
        if not current.expired() and not _holder_gone(current.holder):
            return current
        try:  # the holder was killed: take over, unless another run does so first
            taken = self.client.request("PUT", self._path(), body=self._body(current.resource_version))
            self._uid = (taken.get("metadata") or {}).get("uid")
            return None
        except ApiError as exc:
            if exc.status in (404, 409):
                return current
            raise self._fail("take over", exc) from None

    def acquire(self) -> "ReleaseLock":
        """Take the lock, waiting up to ``wait_for_lock`` seconds; raises :class:`ReleaseLockedError` naming the
        holder's operation (``another operation (upgrade of revision 3) is in progress``)."""
        start = time.monotonic()
        while True:
            holder = self._try_once()
            if holder is None:
                self.waited = time.monotonic() - start
                return self
            self.waited = time.monotonic() - start
            if self.waited >= self.wait_for_lock:
                raise ReleaseLockedError(self._locked_message(holder))
            self._sleep(min(POLL_SECONDS, max(0.01, self.wait_for_lock - self.waited)))

    def _locked_message(self, holder: LeaseState) -> str:
        since = _micro_time(holder.acquired)[:19] + "Z" if holder.acquired else "an unknown time"
        waited = " after waiting %ds" % round(self.wait_for_lock) if self.wait_for_lock else ""
        return ("release %s: another operation (%s) is in progress%s: held by %s since %s (Lease %s/%s, expires "
                "after %ds without renewal). Run again when it has finished, or set wait_for_lock: <seconds> to "
                "wait for it." % (self.release_name, holder.operation, waited, holder.holder, since, self.namespace,
                                  lease_name(self.release_name), holder.duration))

    def release(self) -> None:
        """Delete the Lease if this run still holds it (``uid`` precondition); errors are ignored, since an
        undeleted Lease only expires."""
        if self._uid is None:
            return
        body = {"apiVersion": "v1", "kind": "DeleteOptions", "preconditions": {"uid": self._uid}}
        try:
            self.client.request("DELETE", self._path(), body=body)
        except (ApiError, ReleaseError):
            pass
        except Exception:  # noqa: BLE001 - the API may be unreachable; the Lease then expires on its own
            pass
        self._uid = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()


def current_holder(client, namespace: str, release_name: str):
    """The :class:`LeaseState` of a live (unexpired) lock on ``release_name``, or None."""
    try:
        state = LeaseState(client.request("GET", "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s"
                                          % (namespace, lease_name(release_name))))
    except ApiError:
        return None
    return None if state.expired() else state
