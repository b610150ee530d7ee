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
* while the operation runs, a background thread renews the Lease (a PUT of ``renewTime`` carrying the
  ``resourceVersion`` it last wrote) every third of ``leaseDurationSeconds``, so another run sees it held however
  long the operation takes (waits, hooks); a killed holder stops renewing and its Lease still expires;
* when renewal finds that another run took the Lease over (409 Conflict, then another ``holderIdentity``) or that it
  was deleted, or when it could not renew for two thirds of the duration (before anyone may take over), the lock is
  lost: the operation's next request through the client raises :class:`ReleaseLockLostError` before it is sent, so
  two runs never write one release;
* releasing deletes it, with ``uid`` and ``resourceVersion`` preconditions so a run never deletes a Lease another
  run took over (a take-over PUT keeps the ``uid``; it changes the ``resourceVersion``).

The renewal follows client-go's leader election (``tools/leaderelection/resourcelock/leaselock.go``: ``Update`` is a
PUT of the whole Lease with its ``resourceVersion``); the duration comes from :func:`lease_seconds`.

The helm CLI ignores Leases, so it is unaffected; helm's own pending-* check still protects against helm.
"""
from __future__ import annotations

import datetime
import os
import socket
import threading
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
#: The Lease is renewed every ``leaseDurationSeconds * RENEW_FRACTION`` seconds (client-go: retryPeriod < duration).
RENEW_FRACTION = 1.0 / 3
#: The holder gives the lock up when it could not renew the Lease for this fraction of its duration.
RENEW_DEADLINE = 2.0 / 3
#: Environment variable that sets the Lease's duration in seconds (default: the operation's timeout + margin).
DURATION_ENV = "HELMKIT_LEASE_DURATION"


class ReleaseLockedError(ReleaseError):
    """Another run holds the release's lock (and ``wait_for_lock`` ran out or was 0)."""


class ReleaseLockLostError(ReleaseError):
    """This run lost the release's lock while its operation ran (another run took the Lease over, it was deleted,
    or it could not be renewed in time); raised by the operation's next API request, before it is sent."""


def lease_seconds(timeout) -> int:
    """``leaseDurationSeconds`` for an operation with ``timeout`` seconds: ``HELMKIT_LEASE_DURATION`` when set (a
    whole number of seconds >= 1), else ``timeout`` + :data:`MARGIN_SECONDS`. Raises :class:`ReleaseError` for a
    value that is not a positive whole number."""
    text = os.environ.get(DURATION_ENV, "").strip()
    if not text:
        return int(max(1, timeout or 0)) + MARGIN_SECONDS
    if not text.isdigit() or int(text) < 1:
        raise ReleaseError("%s=%r: expected a whole number of seconds >= 1 (the release lock's Lease duration); "
                           "unset it for the default (timeout + %ds)" % (DURATION_ENV, text, MARGIN_SECONDS))
    return int(text)


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

    ``ReleaseLock(client, namespace, release_name, operation, timeout=300, wait_for_lock=0, lease_duration=None)``:
    ``operation`` is the text other runs see (``"upgrade of revision 3"``); ``timeout`` (seconds) is the operation's
    own timeout; the Lease lasts ``lease_duration`` seconds (default :func:`lease_seconds`: that timeout plus
    :data:`MARGIN_SECONDS`) after each renewal; ``wait_for_lock`` (seconds) is how long :meth:`acquire` waits for
    another holder before it raises :class:`ReleaseLockedError`. API failures raise :class:`ReleaseError`.

    While held, a daemon thread renews the Lease every ``duration * RENEW_FRACTION`` seconds, and every request sent
    through ``client`` (from any thread but the renewal's) first checks the lock: once it is lost (:attr:`lost`
    says why) the request raises :class:`ReleaseLockLostError` instead. :meth:`release` stops the renewal.
    """

    def __init__(self, client, namespace: str, release_name: str, operation: str, timeout: float = 300,
                 wait_for_lock: float = 0, sleep=time.sleep, lease_duration: float = None):
        self.client = client
        self.namespace = namespace
        self.release_name = release_name
        self.operation = operation
        self.duration = int(max(1, round(lease_duration))) if lease_duration else lease_seconds(timeout)
        self.wait_for_lock = max(0.0, float(wait_for_lock or 0))
        self.identity = holder_identity()
        self._sleep = sleep
        self._uid = None
        self._resource_version = None
        self._acquired_at = 0.0
        self._renewed_at = 0.0
        self.waited = 0.0
        #: None while the lock is held (or not taken); once lost, the reason (text for people).
        self.lost = None
        #: None, or the API's 403 message when RBAC forbids Leases and the run went on without the lock.
        self.unlocked = None
        self._stop = threading.Event()
        self._mutex = threading.Lock()
        self._thread = None
        self._direct = None
        self._below = None
        self._guarded = None
        self._active = False
        self._had_own_request = False

    def _collection(self) -> str:
        return "/apis/coordination.k8s.io/v1/namespaces/%s/leases" % self.namespace

    def _path(self) -> str:
        return "%s/%s" % (self._collection(), lease_name(self.release_name))

    def _body(self, resource_version: str = None, acquired: float = None) -> dict:
        stamp = time.time()
        now = _micro_time(stamp)
        meta = {"name": lease_name(self.release_name), "namespace": self.namespace,
                "labels": {"app.kubernetes.io/managed-by": "helmkit", "name": self.release_name},
                "annotations": {OPERATION_ANNOTATION: self.operation}}
        if resource_version:
            meta["resourceVersion"] = resource_version
        return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": meta,
                "spec": {"holderIdentity": self.identity, "leaseDurationSeconds": self.duration,
                         "acquireTime": _micro_time(acquired) if acquired else now, "renewTime": now}}

    def _held(self, lease: dict) -> None:
        """Remember the Lease this run now holds (as the server answered a create, take-over or renewal)."""
        meta = lease.get("metadata") or {}
        self._uid = meta.get("uid") or self._uid
        self._resource_version = meta.get("resourceVersion")
        spec = lease.get("spec") or {}
        self._renewed_at = parse_time(spec.get("renewTime")) or time.time()
        if not self._acquired_at:
            self._acquired_at = parse_time(spec.get("acquireTime")) or self._renewed_at

    def _fail(self, what: str, exc: ApiError) -> ReleaseError:
        return ReleaseError("release %s: cannot %s its lock (Lease %s/%s): %s"
                            % (self.release_name, what, self.namespace, lease_name(self.release_name), exc.message))

    def _try_once(self):
        """One attempt. Returns None when acquired, else the :class:`LeaseState` of the holder."""
        try:
            self._held(self.client.request("POST", self._collection(), body=self._body()))
            return None
        except ApiError as exc:
            if exc.status == 404 and (exc.details or {}).get("kind") == "namespaces":
                # No namespace yet (create_namespace installs): nothing can be locked there, and nothing else can
                # be stored there either; the revision Secret's create-only POST still refuses a second writer.
                return None
            if exc.status == 403:
                # RBAC lets this user write the release but not Leases (the default admin and edit roles grant
                # none): run as the helm CLI does, protected by Helm's pending-* check and the revision Secret's
                # create-only POST alone.
                self.unlocked = exc.message
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
            self._held(self.client.request("PUT", self._path(), body=self._body(current.resource_version)))
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
                if self._uid is not None:
                    self._start_renewal()
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
        """Stop renewing and delete the Lease if this run still holds it (``uid`` and ``resourceVersion``
        preconditions); errors are ignored, since an undeleted Lease only expires."""
        self._stop.set()
        with self._mutex:
            uid, version, self._uid = self._uid, self._resource_version, None
            if uid is not None and self.lost is None:
                self._delete(uid, version)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
        self._thread = None
        self._remove_guard()

    def _delete(self, uid: str, resource_version: str) -> None:
        preconditions = {"uid": uid}
        if resource_version:
            preconditions["resourceVersion"] = resource_version
        body = {"apiVersion": "v1", "kind": "DeleteOptions", "preconditions": preconditions}
        try:
            (self._direct or self.client.request)("DELETE", self._path(), body=body)
        except Exception:  # noqa: BLE001 - taken over (409), gone, or the API unreachable: the Lease then expires
            pass

    # -- renewal ---------------------------------------------------------------------------------------------

    @property
    def renew_every(self) -> float:
        """Seconds between two renewals: ``duration * RENEW_FRACTION``."""
        return max(0.05, self.duration * RENEW_FRACTION)

    def _start_renewal(self) -> None:
        self.lost = None
        self._stop.clear()
        self._install_guard()
        self._thread = threading.Thread(target=self._renew_loop, name="helmkit-lease-%s" % self.release_name,
                                        daemon=True)
        self._thread.start()

    def _renew_loop(self) -> None:
        delay = self.renew_every
        while not self._stop.wait(delay):
            with self._mutex:
                if self._stop.is_set() or self._uid is None:
                    return
                try:
                    renewed = self.renew()
                except Exception as exc:  # noqa: BLE001 - a thread must not die with a traceback on stderr
                    self._lose("renewing it failed: %s" % exc)
                    renewed = False
            if self.lost is not None:
                return
            # After a failed (transient) attempt, try again sooner, but never later than the Lease would expire.
            delay = self.renew_every if renewed else min(self.renew_every, max(0.05, self.renew_every / 4))

    def renew(self, retry_conflict: bool = True) -> bool:
        """Renew the Lease once: PUT ``renewTime`` = now with the ``resourceVersion`` last written. Returns True
        when renewed, False after a transient failure (the API unreachable or erroring; renewal is tried again).
        Marks the lock :attr:`lost` (and returns False) when another run holds the Lease, it was deleted, or it
        could not be renewed within :data:`RENEW_DEADLINE` of its duration (client-go's renewDeadline: the holder
        gives up before anyone else may take the Lease over)."""
        try:
            self._held(self._direct("PUT", self._path(), body=self._body(self._resource_version, self._acquired_at)))
            return True
        except ApiError as exc:
            if exc.status not in (404, 409):
                return self._transient("HTTP %d: %s" % (exc.status, exc.message))
            if exc.status == 404:
                self._lose("the Lease was deleted")
                return False
        except Exception as exc:  # noqa: BLE001 - KubeError (unreachable) and anything the transport raises
            return self._transient(str(exc))
        try:  # 409 Conflict: someone else wrote the Lease; it is still ours only if the holder is this run
            current = LeaseState(self._direct("GET", self._path()))
        except ApiError as exc:
            if exc.status == 404:
                self._lose("the Lease was deleted")
                return False
            return self._transient("HTTP %d: %s" % (exc.status, exc.message))
        except Exception as exc:  # noqa: BLE001
            return self._transient(str(exc))
        if current.holder != self.identity:
            self._lose("%s took it over for %s" % (current.holder, current.operation))
            return False
        self._resource_version = current.resource_version
        if not retry_conflict:
            return self._transient("the Lease keeps being modified")
        return self.renew(retry_conflict=False)

    def _transient(self, reason: str) -> bool:
        if time.time() > self._renewed_at + self.duration * RENEW_DEADLINE:
            self._lose("it could not be renewed for %ds of its %ds (last error: %s)"
                       % (round(time.time() - self._renewed_at), self.duration, reason))
        return False

    def _lose(self, reason: str) -> None:
        if self.lost is None:
            self.lost = reason

    def check(self) -> None:
        """Raise :class:`ReleaseLockLostError` if the lock was lost; called before every request of the operation."""
        if self.lost is not None:
            raise ReleaseLockLostError(
                "release %s: this run lost its lock (Lease %s/%s) during the %s: %s. It stopped before its next "
                "request so that two runs never write the release at once. Check the release's history "
                "(helm history %s -n %s) and run again once the other operation has finished."
                % (self.release_name, self.namespace, lease_name(self.release_name), self.operation, self.lost,
                   self.release_name, self.namespace))

    # -- the client's requests check the lock first -----------------------------------------------------------

    def _install_guard(self) -> None:
        """Route ``client.request`` through :meth:`check` (an instance attribute over the class's method; nested
        locks stack). The renewal and the final delete use the unguarded request function beneath every guard."""
        self._had_own_request = "request" in getattr(self.client, "__dict__", {})
        self._below = self.client.request
        direct = self._below
        while getattr(direct, "helmkit_lock", None) is not None:
            direct = direct.helmkit_lock._below
        self._direct = direct
        self._active = True

        def guarded(*args, **kwargs):
            if self._active:
                self.check()
            return self._below(*args, **kwargs)
        guarded.helmkit_lock = self
        self._guarded = guarded
        self.client.request = guarded

    def _remove_guard(self) -> None:
        """Undo :meth:`_install_guard`. When a lock taken later still wraps this one, this guard stays in its chain
        but lets every request through from now on."""
        self._active = False
        if self._guarded is None:
            return
        if getattr(self.client, "__dict__", {}).get("request") is self._guarded:
            if self._had_own_request:
                self.client.request = self._below
            else:
                del self.client.request
        self._guarded = None

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
