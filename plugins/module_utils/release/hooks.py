"""Running chart hooks like Helm v4 (``pkg/action/hooks.go: execHook``).

Hooks of one event run in order of weight, then kind (Helm's install order, unknown kinds last and alphabetically),
then name (``hookByWeight``). For each: a ``before-hook-creation`` delete (also Helm's default when a hook names no
policy) and a wait until it is gone, a release update recording phase ``Running``, a server-side apply of the hook,
and a wait until it is done (:func:`wait_hook`: a Job complete, a Pod succeeded; other kinds are not waited for).
After all hooks the release is updated once more, then hooks with ``hook-succeeded`` are deleted in reverse order.
A failing hook gets phase ``Failed``, is deleted when it has ``hook-failed``, and fails the action. A
CustomResourceDefinition hook is never deleted.
"""
from __future__ import annotations

import time

from ..chart.manifest import INSTALL_ORDER
from ..errors import HelmkitError, KubeError, ReleaseError
from ..kube import wait as kube_wait
from ..kube.objects import describe, parse_manifest
from .codec import go_time

BEFORE_HOOK_CREATION = "before-hook-creation"
HOOK_SUCCEEDED = "hook-succeeded"
HOOK_FAILED = "hook-failed"
_KIND_RANK = {kind: index for index, kind in enumerate(INSTALL_ORDER)}


def hook_order_key(hook: dict) -> tuple:
    """Sort key of a hook record as Helm's ``hookByWeight``: weight, then kind in install order (unknown kinds
    after known ones, alphabetically), then name."""
    kind = hook.get("kind") or ""
    rank = _KIND_RANK.get(kind)
    kind_key = (0, rank, "") if rank is not None else (1, 0, kind)
    return int(hook.get("weight") or 0), kind_key, hook.get("name") or ""


def ordered_hooks(hooks: list, event: str) -> list:
    """The hook records of ``hooks`` that run on ``event``, in Helm's execution order."""
    chosen = [hook for hook in hooks if event in (hook.get("events") or [])]
    return sorted(chosen, key=hook_order_key)


def _hook_object(applier, hook: dict) -> dict:
    objects = parse_manifest(hook.get("manifest") or "", source=hook.get("path") or "hook")
    if not objects:
        raise ReleaseError("hook %s (%s) has no Kubernetes object" % (hook.get("name"), hook.get("path")))
    return applier.normalise(objects[0])


def hook_object(applier, hook: dict) -> dict:
    """The Kubernetes object of ``hook`` (a stored hook record), namespace normalised by ``applier``. Raises
    :class:`ReleaseError` when its manifest holds no object."""
    return _hook_object(applier, hook)


def _pod_phase(applier, obj: dict) -> str:
    live = applier.get(obj)
    return ((live or {}).get("status") or {}).get("phase") or ("Gone" if live is None else "")


def wait_hook(applier, obj: dict, timeout: float) -> None:
    """Wait until a hook object is done, as Helm's ``WatchUntilReady`` (``pkg/kube/statuswait.go``): a Job until
    it completes, a Pod until phase ``Succeeded`` (a running, ready Pod is not done); other kinds at once.
    Raises :class:`KubeError` when the Job or Pod failed, vanished or timed out (``timeout`` seconds)."""
    kind = obj.get("kind")
    if kind == "Job":
        kube_wait.wait_ready(applier, [obj], timeout)
    elif kind == "Pod":
        phase = {"now": ""}

        def finished(item) -> bool:
            phase["now"] = _pod_phase(applier, item)
            return phase["now"] in ("Succeeded", "Failed", "Gone")
        pending = kube_wait.poll_until([obj], finished, timeout)
        name = describe(obj)
        if pending:
            raise KubeError("timed out after %.0fs waiting for %s to finish (phase %s)"
                            % (timeout, name, phase["now"] or "unknown"))
        if phase["now"] == "Failed":
            raise KubeError("%s failed (phase Failed); see kubectl logs -n %s %s"
                            % (name, obj["metadata"].get("namespace"), obj["metadata"].get("name")))
        if phase["now"] == "Gone":
            raise KubeError("%s was deleted before it finished" % name)


def delete_by_policy(applier, hook: dict, policy: str, timeout: float) -> None:
    """Delete ``hook``'s object and wait (``timeout`` seconds) until it is gone when the hook has ``policy``
    (Helm's ``deleteHookByPolicy``); CustomResourceDefinitions are never deleted."""
    if hook.get("kind") == "CustomResourceDefinition" or policy not in (hook.get("delete_policies") or []):
        return
    obj = _hook_object(applier, hook)
    if applier.delete(obj) and not applier.dry_run:
        applier.wait_gone([obj], max(0.0, timeout))


def run_hooks(applier, storage, release, event: str, timeout: float, dry_run: bool = False,
              disabled: bool = False) -> None:
    """Run ``release``'s hooks for ``event`` (e.g. ``"pre-install"``), updating ``release.record['hooks']``.

    ``storage`` receives the release updates (none when ``dry_run``); ``disabled`` (``disable_hooks``) runs
    nothing. Raises :class:`ReleaseError` ``<event> hook <path> failed: <reason>`` (Helm's wording) when a hook
    fails or times out; its ``last_run`` then says ``Failed`` and the caller stores the release.
    """
    hooks = ordered_hooks(release.hooks, event)
    if not hooks or disabled:
        return
    if dry_run:
        for hook in hooks:
            applier.apply(_hook_object(applier, hook), owned=False)
        return
    deadline = time.monotonic() + max(0.0, float(timeout))
    for hook in hooks:
        if not hook.get("delete_policies"):
            hook["delete_policies"] = [BEFORE_HOOK_CREATION]
        delete_by_policy(applier, hook, BEFORE_HOOK_CREATION, deadline - time.monotonic())
        obj = _hook_object(applier, hook)
        hook["last_run"] = {"started_at": go_time(), "phase": "Running"}
        storage.update(release)
        try:
            applier.apply(obj, owned=False)
            wait_hook(applier, obj, max(0.0, deadline - time.monotonic()))
        except HelmkitError as exc:
            hook["last_run"] = {"started_at": hook["last_run"]["started_at"], "completed_at": go_time(),
                                "phase": "Failed"}
            try:
                delete_by_policy(applier, hook, HOOK_FAILED, deadline - time.monotonic())
            except HelmkitError:
                pass
            raise ReleaseError("%s hook %s failed: %s" % (event, hook.get("path"), exc)) from None
        hook["last_run"] = {"started_at": hook["last_run"]["started_at"], "completed_at": go_time(),
                            "phase": "Succeeded"}
    storage.update(release)
    for hook in reversed(hooks):
        delete_by_policy(applier, hook, HOOK_SUCCEEDED, deadline - time.monotonic())
