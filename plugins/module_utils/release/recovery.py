"""Failed-release recovery and ``atomic`` (``rollback_on_failure``): the steps around
:func:`~.actions.ensure_present`. The task layer (``release_task.py: ensure_present_recovering``) takes them in order:
:func:`recovery_plan` of the history read before the action, the action, then :func:`undo` when it failed with
``atomic`` or :func:`recovered` when it succeeded. They are steps rather than a wrapper so that a run reaches the
action, and its first applied object, through the task's file and ``actions.py`` only (docs/architecture.md); this
module imports ``actions``, ``rollback`` and ``uninstall``, so ``actions`` cannot import it.

Helm v4 (``pkg/action/upgrade.go`` / ``install.go: failRelease``) with ``--rollback-on-failure``:

* a failed upgrade rolls back to the newest ``deployed`` or ``superseded`` revision (a new revision
  ``Rollback to N``), and the error reads ``release <name> failed, and has been rolled back due to
  rollback-on-failure being set: <error>``;
* a failed install is uninstalled without history, and the error reads ``release <name> failed, and has been
  uninstalled due to rollback-on-failure being set: <error>``;
* the option implies waiting for readiness.

helmkit adds recovery, which Helm leaves to the user: a release whose last revision is ``failed`` (or a
``pending-*`` one older than ``timeout``, which ``actions.ensure_present`` marks failed first) is upgraded from its
last deployed revision; a first install that failed is replaced (its objects dropped from the new manifest are
deleted), and objects that failed attempts since the last deployed revision left behind are deleted too (Helm keeps
them). :attr:`PresentResult.recovered` says what was found and what was done.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import ReleaseError
from ..kube.apply import Applier
from ..kube.objects import identity, keeps_resource, ownership_error
from . import actions
from .record import PENDING_STATUSES, STATUS_DEPLOYED, STATUS_FAILED, STATUS_SUPERSEDED
from .actions import release_objects
from .rollback import rollback
from .storage import ReleaseStorage
from .uninstall import uninstall


class AtomicError(ReleaseError):
    """A failed install/upgrade that ``atomic`` undid. ``release`` is the current revision afterwards (the rollback
    revision) or None (uninstalled); ``undo`` is ``"rollback"`` or ``"uninstall"``."""

    def __init__(self, message: str, release=None, undo: str = ""):
        super().__init__(message)
        self.release = release
        self.undo = undo


def recovery_plan(history: list, timeout: float) -> dict:
    """What a present run will recover, from the history before it (oldest first), or None when all is well.

    Returns ``{"revision": N, "status": <status found>, "action": "upgrade from revision M" | "replace failed
    install"}``. A ``pending-*`` revision counts only when the run will treat it as interrupted (the actions module
    decides by its age against ``timeout``; the result is confirmed after the run by :func:`_confirmed`).
    """
    if not history:
        return None
    last = history[-1]
    if last.status != STATUS_FAILED and last.status not in PENDING_STATUSES:
        return None
    deployed = ReleaseStorage.last_deployed(history)
    if deployed is not None:
        action = "upgrade from revision %d" % deployed.version
    else:
        action = "replace failed install" if last.version == 1 or _never_deployed(history) else \
            "upgrade from revision %d" % last.version
    return {"revision": last.version, "status": last.status, "action": action, "timeout": timeout}


def _never_deployed(history: list) -> bool:
    return not any(rel.status in (STATUS_DEPLOYED, STATUS_SUPERSEDED) for rel in history)


def _last_good(history: list):
    good = [rel for rel in history if rel.status in (STATUS_DEPLOYED, STATUS_SUPERSEDED)]
    return good[-1] if good else None


@dataclass
class PresentResult(actions.ActionResult):
    """:class:`~.actions.ActionResult` plus ``recovered``: None when nothing needed recovering, else the dict of
    :func:`recovery_plan` with ``result`` (the new revision's status), ``new_revision`` and ``deleted`` (objects
    left behind by failed attempts that were removed, ``Kind/name``)."""
    recovered: Optional[dict] = None

    @classmethod
    def of(cls, result: actions.ActionResult, recovered: dict = None) -> "PresentResult":
        return cls(result.changed, result.action, result.release, result.writes, recovered)


def recovered(client, options, before: list, plan: dict, result: actions.ActionResult):
    """What recovery did, after :func:`~.actions.ensure_present` returned ``result``: None when ``plan`` (of
    :func:`recovery_plan` for the history ``before`` the action) is None or the action wrote nothing, else ``plan``
    with ``result`` (the new revision's status), ``new_revision`` and ``deleted`` (the ``Kind/name`` of the objects
    that failed attempts left behind, deleted now by :func:`_sweep`). Raises what the deletes raise
    (:class:`~.errors.KubeError`)."""
    if plan is None or not result.changed or result.release is None:
        return None
    plan = dict(plan)
    plan["deleted"] = _sweep(client, options, before, result.release)
    plan["result"] = result.release.status
    plan["new_revision"] = result.release.version
    plan.pop("timeout", None)
    return plan


def _sweep(client, options, before: list, release) -> list:
    """Delete what failed attempts newer than the last deployed revision left behind: objects of their manifests
    that ``release`` (the new revision) does not have, still carry this release's ownership annotations, and are
    not kept by resource policy. Helm leaves these behind (it diffs against the last deployed revision only).
    Returns ``Kind/name`` strings of the objects deleted."""
    deployed = ReleaseStorage.last_deployed(before)
    floor = deployed.version if deployed is not None else 0
    applier = Applier(client, options.name, options.namespace, options.field_manager, options.force_conflicts)
    keep = {identity(obj) for obj in release_objects(applier, release)}
    if deployed is not None:
        keep.update(identity(obj) for obj in release_objects(applier, deployed))
    leftovers, seen = [], set()
    for attempt in before:
        if attempt.version <= floor or attempt.status not in (STATUS_FAILED,) + PENDING_STATUSES:
            continue
        for obj in release_objects(applier, attempt):
            key = identity(obj)
            if key in keep or key in seen or keeps_resource(obj):
                continue
            seen.add(key)
            live = applier.get(obj)
            if live is not None and not ownership_error(live, options.name, options.namespace):
                leftovers.append(obj)
    applier.delete_all(leftovers, options.timeout)
    return ["%s/%s" % (obj.get("kind"), obj["metadata"].get("name")) for obj in leftovers]


def undo(client, options, before: list, exc: ReleaseError) -> None:
    """``atomic``, after :func:`~.actions.ensure_present` raised ``exc`` (``before``: the history before it): when
    ``exc`` came with a new failed revision, roll back to the last good revision or, when there is none, uninstall.
    Raises :class:`AtomicError`; returns when nothing was written (nothing to undo)."""
    storage = ReleaseStorage(client, options.namespace, options.storage_driver)
    after = storage.history(options.name)
    known = {rel.version for rel in before}
    new_failed = [rel for rel in after if rel.version not in known and rel.status == STATUS_FAILED]
    if not new_failed:
        return
    good = _last_good(after)
    if good is None:
        try:
            uninstall(client, options, keep_history=False)
        except ReleaseError as undo_exc:
            raise AtomicError("an error occurred while uninstalling the release. original install error: %s: %s"
                              % (exc, undo_exc)) from None
        raise AtomicError("release %s failed, and has been uninstalled due to rollback-on-failure being set: %s"
                          % (options.name, exc), None, "uninstall") from None
    try:
        rolled = rollback(client, options, revision=good.version)
    except ReleaseError as undo_exc:
        raise AtomicError("an error occurred while rolling back the release. original upgrade error: %s: %s"
                          % (exc, undo_exc)) from None
    raise AtomicError("release %s failed, and has been rolled back due to rollback-on-failure being set: %s"
                      % (options.name, exc), rolled.release, "rollback") from None
