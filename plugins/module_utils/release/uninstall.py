"""``helm uninstall`` with Helm v4's options (``pkg/action/uninstall.go``): keep_history, wait, cascade, hooks.

Writes, as Helm: update(``uninstalling``, "Deletion in progress (or silently failed)"); pre-delete hooks; deletes of
the manifest's objects in Helm's uninstall order (kind order ``UNINSTALL_ORDER``, unknown kinds last) with the
``cascade`` propagation policy, except ``helm.sh/resource-policy: keep`` objects (reported as kept); with ``wait``, a
wait until they are gone; post-delete hooks; update(``uninstalled``, ``info.deleted``, "Uninstallation complete");
then, without ``keep_history``, a DELETE of every revision's Secret.

An already uninstalled release whose history was kept is purged when ``keep_history`` is false (Helm does the same),
and left alone (no change) when it is true. Hook failures leave the release ``failed`` with Helm's
``uninstallation failed: <error>`` description, so ``helm`` and the next run see what happened. Writes happen under
the release's lock (``release/lock.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from ..chart.manifest import UNINSTALL_ORDER
from ..errors import HelmkitError, KubeError, ReleaseError
from ..kube.apply import Applier
from ..kube.client import ApiError
from ..kube.objects import describe, keeps_resource
from . import hooks as release_hooks
from .record import STATUS_FAILED, STATUS_UNINSTALLED, STATUS_UNINSTALLING, Release
from .actions import release_objects
from .lock import ReleaseLock
from .storage import ReleaseStorage, secret_name

#: ``cascade`` values (``helm uninstall --cascade``) and the DeleteOptions propagation policy each sends.
CASCADE_POLICIES = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan"}
_UNINSTALL_RANK = {kind: index for index, kind in enumerate(UNINSTALL_ORDER)}


def uninstall_order(objects: list) -> list:
    """``objects`` stably sorted as Helm sorts manifests for uninstall: known kinds by ``UNINSTALL_ORDER``, then
    unknown kinds alphabetically."""
    def key(obj):
        kind = obj.get("kind") or ""
        rank = _UNINSTALL_RANK.get(kind)
        return (0, rank, "") if rank is not None else (1, 0, kind)
    return sorted(objects, key=key)


@dataclass
class UninstallResult:
    """``changed`` (bool), ``action`` (``"uninstall"``, ``"purge"`` or ``"none"``), ``release`` (the revision
    uninstalled, or None), ``kept`` (list of ``Kind/name`` strings kept by resource policy), ``info`` (Helm's
    "These resources were kept due to the resource policy:" text, or ""), ``writes`` (release Secret writes)."""

    changed: bool
    action: str
    release: Optional[Release] = None
    kept: List[str] = field(default_factory=list)
    writes: int = 0
    plan: Optional[dict] = None  # dry run only: see uninstall_plan()

    @property
    def info(self) -> str:
        if not self.kept:
            return ""
        return "These resources were kept due to the resource policy:\n" + "".join(
            "[%s]\n" % item for item in self.kept)

    manifest = ""
    notes = ""


def _delete(applier, obj: dict, policy: str) -> bool:
    query = [("dryRun", "All")] if applier.dry_run else []
    try:
        applier.client.request("DELETE", applier.path(obj), query=query,
                               body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy})
    except ApiError as exc:
        if exc.status == 404:
            return False
        raise KubeError("cannot delete %s: %s" % (describe(obj), exc.message)) from None
    return True


def _name(obj: dict) -> str:
    return "%s/%s" % (obj.get("kind"), (obj.get("metadata") or {}).get("name"))


def _entry(obj: dict) -> dict:
    metadata = obj.get("metadata") or {}
    return {"kind": obj.get("kind"), "namespace": metadata.get("namespace"), "name": metadata.get("name")}


def uninstall_plan(applier, history: list, objects: list, keep_history: bool, disabled_hooks: bool) -> dict:
    """What uninstalling the release whose revisions are ``history`` would delete, for check mode (nothing is
    sent). Each entry is ``{kind, namespace, name}`` (namespace None for cluster-scoped objects):

    * ``objects``: the last revision's objects (``objects``) in Helm's uninstall order, resource-policy ``keep``
      ones left out; ``kept``: those kept;
    * ``hooks``: the pre-delete and post-delete hooks that would run (each is created, then deleted by its delete
      policy; Helm deletes no other hook on uninstall), none with ``disabled_hooks``;
    * ``records``: the release's storage Secrets that would be deleted (none with ``keep_history``: the last one
      is kept, marked uninstalled).
    """
    last = history[-1]
    hooks = []
    if not disabled_hooks and last.status != STATUS_UNINSTALLED:
        for event in ("pre-delete", "post-delete"):
            hooks.extend(_entry(release_hooks.hook_object(applier, hook))
                         for hook in release_hooks.ordered_hooks(last.hooks, event))
    doomed = uninstall_order([obj for obj in objects if not keeps_resource(obj)])
    records = [] if keep_history else [{"kind": "Secret", "namespace": applier.namespace,
                                        "name": secret_name(rev.name, rev.version)} for rev in history]
    return {"objects": [_entry(obj) for obj in doomed], "hooks": hooks, "records": records,
            "kept": [_entry(obj) for obj in objects if keeps_resource(obj)]}


def uninstall(client, options, keep_history: bool = False, cascade: str = "background",
              history: list = None) -> UninstallResult:
    """Uninstall release ``options.name`` (a :class:`~.actions.ReleaseOptions`: ``wait``, ``timeout``,
    ``dry_run``, ``disable_hooks`` are read). A no-op when there is no release.

    ``cascade``: ``background`` (default), ``foreground`` or ``orphan``. ``history``: the release's stored
    revisions as the caller read them this run (None: read here); a run that writes reads them again under the
    release's lock. Raises :class:`ReleaseError` for a bad
    ``cascade`` or a failed uninstall (the release is stored ``failed`` first).
    """
    policy = CASCADE_POLICIES.get(str(cascade or "background").lower())
    if policy is None:
        raise ReleaseError("cascade %r is not valid: use background, foreground or orphan (helm uninstall --cascade)"
                           % (cascade,))
    storage = ReleaseStorage(client, options.namespace, options.storage_driver)
    applier = Applier(client, options.name, options.namespace, options.field_manager, options.force_conflicts,
                      options.dry_run)
    if history is None:
        history = storage.history(options.name)
    if not history:
        return UninstallResult(False, "none")
    last = history[-1]
    if last.status == STATUS_UNINSTALLED:
        if keep_history:
            return UninstallResult(False, "none", last)
        if options.dry_run:
            return UninstallResult(True, "purge", last, plan=uninstall_plan(applier, history, [], False, True))
        _purge(storage, history)
        return UninstallResult(True, "purge", last, writes=storage.writes)
    objects = release_objects(applier, last)
    kept = [_name(obj) for obj in objects if keeps_resource(obj)]
    if options.dry_run:
        return UninstallResult(True, "uninstall", last, kept, plan=uninstall_plan(
            applier, history, objects, keep_history, options.disable_hooks))
    with ReleaseLock(client, options.namespace, options.name, "uninstall of revision %d" % last.version,
                     options.timeout, options.wait_for_lock):
        history = storage.history(options.name)  # as it is now that this run holds the lock
        if not history:
            return UninstallResult(False, "none")
        if history[-1].status == STATUS_UNINSTALLED:
            if not keep_history:
                _purge(storage, history)
            return UninstallResult(not keep_history, "purge" if not keep_history else "none", history[-1],
                                   writes=storage.writes)
        return _uninstall(applier, storage, options, history, keep_history, policy)


def _uninstall(applier, storage, options, history, keep_history, policy) -> UninstallResult:
    last = history[-1]
    objects = release_objects(applier, last)
    kept = [_name(obj) for obj in objects if keeps_resource(obj)]
    disabled = options.disable_hooks
    last.set_status(STATUS_UNINSTALLING, "Deletion in progress (or silently failed)")
    storage.update(last)
    try:
        release_hooks.run_hooks(applier, storage, last, "pre-delete", options.timeout, disabled=disabled)
        doomed = [obj for obj in uninstall_order(objects) if not keeps_resource(obj)]
        deleted = [obj for obj in doomed if _delete(applier, obj, policy)]
        if options.wait:
            applier.wait_gone(deleted, options.timeout)
        release_hooks.run_hooks(applier, storage, last, "post-delete", options.timeout, disabled=disabled)
    except HelmkitError as exc:
        last.set_status(STATUS_FAILED, "uninstallation failed: %s" % exc)
        storage.update(last)
        raise ReleaseError('failed to uninstall release "%s": %s' % (options.name, exc)) from None
    last.set_status(STATUS_UNINSTALLED, options.description or "Uninstallation complete",
                    deleted=True)
    storage.update(last)
    if not keep_history:
        _purge(storage, history)
    return UninstallResult(True, "uninstall", last, kept, storage.writes)


def _purge(storage, history: list) -> None:
    for revision in history:
        storage.delete(revision.name, revision.version)
