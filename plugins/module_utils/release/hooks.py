"""Running chart hooks like Helm v4 (``pkg/action/hooks.go: execHook``).

Hooks of one event run in order of weight, then name. For each: a ``before-hook-creation`` delete (also Helm's
default when a hook names no policy) and a wait until it is gone, a release update recording phase ``Running``, a
server-side apply of the hook, and a wait until it is ready (a Job complete, a Pod succeeded). After all hooks the
release is updated once more, then hooks with ``hook-succeeded`` are deleted in reverse order. A failing hook gets
phase ``Failed``, is deleted when it has ``hook-failed``, and fails the action.
"""
from __future__ import annotations

import time

from ..errors import HelmkitError, ReleaseError
from ..kube import wait as kube_wait
from ..kube.objects import parse_manifest
from .codec import go_time

BEFORE_HOOK_CREATION = "before-hook-creation"
HOOK_SUCCEEDED = "hook-succeeded"
HOOK_FAILED = "hook-failed"


def _ordered(hooks: list, event: str) -> list:
    chosen = [hook for hook in hooks if event in (hook.get("events") or [])]
    return sorted(chosen, key=lambda hook: (int(hook.get("weight") or 0), hook.get("name") or ""))


def _hook_object(applier, hook: dict) -> dict:
    objects = parse_manifest(hook.get("manifest") or "", source=hook.get("path") or "hook")
    if not objects:
        raise ReleaseError("hook %s (%s) has no Kubernetes object" % (hook.get("name"), hook.get("path")))
    return applier.normalise(objects[0])


def run_hooks(applier, storage, release, event: str, timeout: float, dry_run: bool = False) -> None:
    """Run ``release``'s hooks for ``event`` (e.g. ``"pre-install"``), updating ``release.record['hooks']``.

    ``storage`` receives the release updates (none when ``dry_run``). Raises :class:`ReleaseError`
    ``<event> hook <path> failed: <reason>`` (Helm's wording) when a hook fails or times out.
    """
    hooks = _ordered(release.hooks, event)
    if not hooks:
        return
    if dry_run:
        for hook in hooks:
            applier.apply(_hook_object(applier, hook), owned=False)
        return
    deadline = time.monotonic() + max(0.0, float(timeout))
    for hook in hooks:
        obj = _hook_object(applier, hook)
        policies = hook.get("delete_policies") or [BEFORE_HOOK_CREATION]
        if BEFORE_HOOK_CREATION in policies and applier.delete(obj):
            applier.wait_gone([obj], max(0.0, deadline - time.monotonic()))
        hook["last_run"] = {"started_at": go_time(), "phase": "Running"}
        storage.update(release)
        try:
            applier.apply(obj, owned=False)
            kube_wait.wait_ready(applier, [obj], max(0.0, deadline - time.monotonic()))
        except HelmkitError as exc:
            hook["last_run"] = {"started_at": hook["last_run"]["started_at"], "completed_at": go_time(),
                                "phase": "Failed"}
            if HOOK_FAILED in policies:
                applier.delete(obj)
            raise ReleaseError("%s hook %s failed: %s" % (event, hook.get("path"), exc)) from None
        hook["last_run"] = {"started_at": hook["last_run"]["started_at"], "completed_at": go_time(),
                            "phase": "Succeeded"}
    storage.update(release)
    for hook in reversed(hooks):
        if HOOK_SUCCEEDED in (hook.get("delete_policies") or []):
            applier.delete(_hook_object(applier, hook))
