"""``helm test``: run a release's test hooks and record their results (``pkg/action/release_testing.go``).

The last revision's ``test`` hooks run as any hook event does (``hooks.run_hooks``: weight, kind, name order; delete
policies; a release update per hook start and one at the end), with no new revision. ``filter`` selects hooks by
name as ``helm test --filter name=a,!name=b`` does: names starting with ``!`` are excluded; when any plain name is
given only those run. As Helm, the stored hook list is then the skipped hooks followed by the executed ones.
With ``logs``, each executed test Pod's log is read (``GET pods/<name>/log``), as ``helm test --logs``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import HelmkitError, ReleaseError
from ..kube.apply import Applier
from ..kube.client import ApiError
from . import hooks as release_hooks
from .record import STATUS_UNINSTALLED, Release
from .storage import ReleaseStorage

TEST_EVENT = "test"


def split_filter(names) -> tuple:
    """``(include, exclude)`` name lists from ``names`` (list of str; ``!name`` excludes)."""
    include, exclude = [], []
    for name in names or []:
        name = str(name).strip()
        if name.startswith("name="):
            name = name[len("name="):]
        if name.startswith("!"):
            exclude.append(name[1:].replace("name=", "", 1))
        elif name:
            include.append(name)
    return include, exclude


def select_hooks(hooks: list, include: list, exclude: list) -> tuple:
    """``(executing, skipped)`` hook records, as Helm's test action filters them (exclude first, then include)."""
    executing, skipped = list(hooks), []
    if exclude:
        skipped = [hook for hook in executing if hook.get("name") in exclude]
        executing = [hook for hook in executing if hook.get("name") not in exclude]
    if include:
        skipped = skipped + [hook for hook in executing if hook.get("name") not in include]
        executing = [hook for hook in executing if hook.get("name") in include]
    return executing, skipped


@dataclass
class TestResult:
    """``release`` (the tested revision), ``tests`` (list of ``{"name", "kind", "phase", "started_at",
    "completed_at"}`` for the hooks that ran), ``logs`` (``{pod name: log text}``, only with ``logs``),
    ``failed`` (error message or "")."""

    __test__ = False  # not a pytest class

    release: Release
    tests: list
    logs: dict
    failed: str = ""


def _summary(hooks: list) -> list:
    result = []
    for hook in hooks:
        last_run = hook.get("last_run") or {}
        result.append({"name": hook.get("name"), "kind": hook.get("kind"), "phase": last_run.get("phase", ""),
                       "started_at": last_run.get("started_at", ""),
                       "completed_at": last_run.get("completed_at", "")})
    return result


def _pod_log(client, namespace: str, name: str) -> str:
    try:
        response = client.request("GET", "/api/v1/namespaces/%s/pods/%s/log" % (namespace, name), stream=True)
    except ApiError as exc:
        return "(log unavailable: %s)" % exc.message
    try:
        return response.read().decode("utf-8", "replace")
    finally:
        response.release_conn()


def _tested_release(storage, name: str, namespace: str):
    release = storage.last(name)
    if release is None or release.status == STATUS_UNINSTALLED:
        raise ReleaseError('release "%s" not found in namespace %s: there is no release to test; install it first'
                           % (name, namespace))
    return release


def planned_tests(client, name: str, namespace: str, filter_names=None, storage_driver: str = "secret") -> TestResult:
    """The tests :func:`run_tests` would run (check mode): reads only. ``tests`` entries have an empty phase."""
    release = _tested_release(ReleaseStorage(client, namespace, storage_driver), name, namespace)
    executing = select_hooks(release.hooks, *split_filter(filter_names))[0]
    tests = [dict(entry, phase="", started_at="", completed_at="")
             for entry in _summary(release_hooks.ordered_hooks(executing, TEST_EVENT))]
    return TestResult(release, tests, {})


def run_tests(client, name: str, namespace: str, timeout: float = 300, filter_names=None,
              logs: bool = False, field_manager: str = "helm", storage_driver: str = "secret") -> TestResult:
    """Run the test hooks of release ``name`` in ``namespace`` (seconds ``timeout`` for all of them), applying
    them as ``field_manager``; the release is read and updated with ``storage_driver`` (``release/storage.py``).

    Raises :class:`ReleaseError` when there is no release (or it is uninstalled). A failing test does not raise:
    the result's ``failed`` holds Helm's message and the hook's ``last_run`` says ``Failed`` in the stored release.
    """
    storage = ReleaseStorage(client, namespace, storage_driver)
    release = _tested_release(storage, name, namespace)
    include, exclude = split_filter(filter_names)
    all_hooks = release.hooks
    executing, skipped = select_hooks(all_hooks, include, exclude)
    filtered = bool(include or exclude)
    if filtered:
        release.record["hooks"] = executing
    applier = Applier(client, name, namespace, field_manager)
    failed = ""
    try:
        release_hooks.run_hooks(applier, storage, release, TEST_EVENT, timeout)
    except HelmkitError as exc:
        failed = str(exc)
    if filtered:
        release.record["hooks"] = skipped + executing
    if failed or filtered:  # Helm stores the full hook list again (and a failure's phases)
        storage.update(release)
    ran = release_hooks.ordered_hooks(executing, TEST_EVENT)
    pod_logs = {}
    if logs:
        for hook in ran:
            if hook.get("kind") == "Pod":
                pod_logs[hook.get("name")] = _pod_log(client, namespace, hook.get("name"))
    return TestResult(release, _summary(ran), pod_logs, failed)
