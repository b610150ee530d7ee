"""``helm rollback`` with Helm v4's semantics (``pkg/action/rollback.go``).

A rollback is a new revision (``last + 1``) whose chart, config, manifest, notes, hooks and labels are the target
revision's, with ``first_deployed`` kept from the current one and description ``Rollback to N``. Writes, as Helm:

* prune to ``max_history`` (the storage's ``removeLeastRecent``), create(``pending-rollback``);
* pre-rollback hooks; server-side apply of the target's objects (ownership forced: they are the chart's), deletion
  of the current revision's objects the target does not have (``helm.sh/resource-policy: keep`` ones stay);
* with ``wait``, wait until ready; post-rollback hooks;
* every ``deployed`` revision becomes ``superseded``; the new one ``deployed``.

On an apply error the current revision becomes ``superseded`` and the new one ``failed`` with ``Rollback "<name>"
failed: <error>``; a wait error gives ``Release "<name>" failed: <error>``. Unlike Helm (which leaves the record
``pending-rollback`` when a hook fails), a hook failure is recorded as ``failed`` too, so no record is left pending.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Optional

from ..errors import HelmkitError, ReleaseError, ReleaseFailedError
from ..kube import wait as kube_wait
from ..kube.apply import Applier
from ..kube.objects import identity, keeps_resource
from . import hooks as release_hooks
from .record import (STATUS_DEPLOYED, STATUS_FAILED, STATUS_PENDING_ROLLBACK, STATUS_SUPERSEDED, Release,
                     info_record)
from .actions import ActionResult, release_objects
from .codec import go_time
from .lock import ReleaseLock
from .storage import ReleaseStorage


def target_revision(history: list, revision: int) -> Release:
    """The revision to roll back to: ``revision``, or (0 / None) the one before the last, as Helm's
    ``currentRelease.Version - 1``. Raises :class:`ReleaseError` ``release has no N version`` (Helm's words)."""
    if not history:
        raise ReleaseError("release: not found")
    wanted = int(revision or 0)
    if wanted < 0:
        raise ReleaseError("invalid release revision number: %d; give a revision of 1 or more (0 means the previous "
                           "one)" % wanted)
    stored = ", ".join(str(rel.version) for rel in history)
    previous = wanted == 0
    if previous:
        wanted = history[-1].version - 1
    for rel in history:
        if rel.version == wanted:
            return rel
    if previous and len(history) == 1:  # Helm says "release has no 0 version" here
        raise ReleaseError("release %s has only one revision (%d): there is no earlier revision to roll back to"
                           % (history[-1].name, history[-1].version))
    if previous:
        raise ReleaseError("release %s has no revision %d to roll back to (the one before its current revision %d); "
                           "its stored revisions are %s: give revision: N to roll back to one of them"
                           % (history[-1].name, wanted, history[-1].version, stored))
    raise ReleaseError("release has no %d version; the stored revisions of %s are %s" % (
        wanted, history[-1].name, stored))


def rollback_record(current: Release, target: Release) -> Release:
    """The new ``pending-rollback`` revision built from ``target`` on top of ``current`` (Helm's
    ``prepareRollback``). Labels are the target's custom labels (a fresh ``modifiedAt``)."""
    record = {"name": current.name}
    now = go_time()
    info = {"first_deployed": current.info.get("first_deployed") or now, "last_deployed": now,
            "description": "Rollback to %d" % target.version, "status": STATUS_PENDING_ROLLBACK,
            "notes": target.notes}
    record["info"] = info_record(info)
    for key in ("chart", "config", "manifest", "hooks"):
        if target.record.get(key):
            record[key] = copy.deepcopy(target.record[key])
    record["version"] = current.version + 1
    record["namespace"] = current.namespace or target.namespace
    record["apply_method"] = target.record.get("apply_method") or "ssa"
    labels = {key: value for key, value in target.labels.items() if key not in ("modifiedAt", "createdAt")}
    return Release(record, labels)


def is_rolled_back(last: Release, target: Release) -> bool:
    """Whether ``last`` already is ``target`` redeployed: deployed with the same chart, values and manifest.
    An explicit rollback to that revision then changes nothing (the module's idempotency)."""
    return (last.status == STATUS_DEPLOYED and last.record.get("chart") == target.record.get("chart")
            and last.config == target.config and last.manifest == target.manifest)


@dataclass
class RollbackResult(ActionResult):
    """:class:`~.actions.ActionResult` of a rollback: ``changed``, ``action`` (``"rollback"`` or ``"none"``),
    ``release`` (the new revision, or the current one when nothing changed), ``writes`` (release Secret writes),
    plus ``target`` (the revision rolled back to)."""
    target: Optional[Release] = None


def rollback(client, options, revision: int = 0, history: list = None) -> RollbackResult:
    """Roll release ``options.name`` back to ``revision`` (0: the previous one).

    ``options`` is a :class:`~.actions.ReleaseOptions` (``wait``, ``timeout``, ``max_history``, ``field_manager``,
    ``force_conflicts``, ``dry_run``, ``disable_hooks``, ``cleanup_on_fail``, ``wait_for_lock``). With an
    explicit ``revision`` whose chart, values and manifest the deployed last revision already has, nothing is written.
    Raises :class:`ReleaseError` when there is no such release or revision, or when the rollback fails (the failed
    revision is stored first). Writes happen under the release's lock (``release/lock.py``), where the history is
    read again; ``history`` is the release's stored revisions as the caller read them this run (None: read here).
    """
    storage = ReleaseStorage(client, options.namespace, options.storage_driver)
    applier = Applier(client, options.name, options.namespace, options.field_manager, options.force_conflicts,
                      options.dry_run)
    if history is None:
        history = storage.history(options.name)
    if not history:
        raise ReleaseError('release "%s" not found in namespace %s: there is nothing to roll back. Check the name '
                           'and namespace (helm_release_info lists releases).' % (options.name, options.namespace))
    target = target_revision(history, revision)
    current = history[-1]
    if revision and is_rolled_back(current, target):
        return RollbackResult(False, "none", current, target=target)
    release = rollback_record(current, target)
    if options.dry_run:
        return RollbackResult(True, "rollback", release, target=target)
    with ReleaseLock(client, options.namespace, options.name, "rollback to revision %d" % target.version,
                     options.timeout, options.wait_for_lock):
        history = storage.history(options.name)  # as it is now that this run holds the lock
        target = target_revision(history, target.version)
        current = history[-1]
        release = rollback_record(current, target)
        removed = storage.prune(history, options.max_history)
        history = [rel for rel in history if rel not in removed]
        storage.create(release)
        _perform(applier, storage, options, history, current, release)
    return RollbackResult(True, "rollback", release, storage.writes, target)


def _perform(applier, storage, options, history, current, release) -> None:
    disabled = options.disable_hooks
    current_objects = release_objects(applier, current)
    target_objects = release_objects(applier, release)
    current_ids = {identity(obj) for obj in current_objects}
    target_ids = {identity(obj) for obj in target_objects}
    try:
        release_hooks.run_hooks(applier, storage, release, "pre-rollback", options.timeout, disabled=disabled)
    except HelmkitError as exc:
        _failed(storage, release, 'Rollback "%s" failed: %s' % (options.name, exc))
    try:
        for obj in target_objects:
            applier.apply(obj)
        dropped = [obj for obj in current_objects if identity(obj) not in target_ids and not keeps_resource(obj)]
        applier.delete_all(dropped, options.timeout)
    except HelmkitError as exc:
        current.set_status(STATUS_SUPERSEDED)
        storage.update(current)
        if options.cleanup_on_fail:
            _cleanup(applier, [obj for obj in target_objects if identity(obj) not in current_ids], options.timeout)
        _failed(storage, release, 'Rollback "%s" failed: %s' % (options.name, exc))
    try:
        if options.wait:
            kube_wait.wait_ready(applier, target_objects, options.timeout)
    except HelmkitError as exc:
        _failed(storage, release, 'Release "%s" failed: %s' % (options.name, exc))
    try:
        release_hooks.run_hooks(applier, storage, release, "post-rollback", options.timeout, disabled=disabled)
    except HelmkitError as exc:
        _failed(storage, release, 'Rollback "%s" failed: %s' % (options.name, exc))
    for rel in history:
        if rel.status == STATUS_DEPLOYED:
            rel.set_status(STATUS_SUPERSEDED)
            storage.update(rel)
    release.set_status(STATUS_DEPLOYED)
    storage.update(release)


def _cleanup(applier, created: list, timeout: float) -> None:
    try:
        applier.delete_all([obj for obj in created if not keeps_resource(obj)], timeout)
    except HelmkitError:
        pass  # the rollback error is the one to report


def _failed(storage, release: Release, description: str) -> None:
    release.set_status(STATUS_FAILED, description)
    storage.update(release)
    raise ReleaseFailedError(description, release)
