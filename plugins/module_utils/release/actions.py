"""Release actions with Helm v4's semantics: install, upgrade, uninstall, plus the "no change" decision.

The order of writes follows ``../shared/reference/helm-v4-wire.md``:

* install: create(pending-install), pre-install hooks, apply, wait, post-install hooks, update(deployed);
* upgrade: create(pending-upgrade), pre-upgrade hooks, apply, delete objects the new manifest dropped (unless
  ``helm.sh/resource-policy: keep``), wait, post-upgrade hooks, update(previous -> superseded), update(new ->
  deployed);
* uninstall: update(uninstalling), pre-delete hooks, deletes (reverse install order), wait until gone, post-delete
  hooks, update(uninstalled), then delete every revision's Secret.

A failure marks the revision ``failed`` with Helm's description (``Release "<name>" failed: <error>`` on install,
``Upgrade "<name>" failed: <error>`` on upgrade) and raises :class:`ReleaseError` with it.

Idempotency: when the last revision is deployed with the same chart name and version and the same user values, the
chart rendered as that revision gives the stored manifest, and every object of that manifest still exists, nothing
is written at all (see :func:`is_unchanged`).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Optional

from ..errors import HelmkitError, KubeError, ReleaseError, ReleaseFailedError
from ..kube import wait as kube_wait
from ..kube.apply import Applier
from ..kube.liveness import missing_objects
from ..kube.objects import identity, keeps_resource, parse_manifest
from ..kube.parallel import apply_in_kind_batches, map_bounded
from . import csa, hooks as release_hooks
from .lock import ReleaseLock, current_holder, parse_time
from .record import (PENDING_STATUSES, STATUS_DEPLOYED, STATUS_FAILED, STATUS_PENDING_INSTALL,
                     STATUS_PENDING_UPGRADE, STATUS_SUPERSEDED, STATUS_UNINSTALLED, Release,
                     chart_record, hook_record, sorted_map)
from .labels import release_labels, validate_labels
from .storage import ReleaseStorage, resolve_driver
from .unchanged import object_identities, render_for_check, same_hooks


# pkg/chart/v2/util/validate_name.go: DNS-1123 subdomain, at most 53 characters (Secret names add a suffix).
_RELEASE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
MAX_RELEASE_NAME = 53


def validate_release_name(name: str) -> None:
    """Raise :class:`ReleaseError` with Helm's message unless ``name`` is a valid release name."""
    if not name or len(name) > MAX_RELEASE_NAME or not _RELEASE_NAME.match(name):
        raise ReleaseError('release name "%s": invalid release name, must match regex %s and the length must not '
                           'be longer than %d' % (name, _RELEASE_NAME.pattern, MAX_RELEASE_NAME))


@dataclass(frozen=True)
class ReleaseOptions:
    """What a release action needs besides the chart (immutable once built).

    ``name`` and ``namespace`` (str); ``create_namespace``, ``force_conflicts``, ``wait``, ``dry_run`` (bool);
    ``field_manager`` (str, default ``"helm"``); ``timeout`` (seconds, default 300); ``max_history`` (int, default
    10; 0 keeps every revision); ``description`` (str or None, replaces Helm's default description);
    ``wait_for_lock`` (seconds, default 0: how long to wait for another run's lock, see ``release/lock.py``).
    Lifecycle options (see docs/helm_release.md): ``labels`` (dict, release labels on the release Secrets; on
    upgrade merged over the last revision's, ``release/labels.py``); ``disable_hooks``; ``reset_values`` (an
    upgrade without values uses the chart defaults instead of the last values); ``take_ownership`` (adopt existing
    objects without Helm's ownership metadata); ``cleanup_on_fail`` (a failed upgrade deletes the objects it
    introduced); ``crds`` (``create_replace`` as Helm, ``create`` only missing ones, ``skip``; install only).
    ``storage_driver`` (``secret`` or ``configmap``; None reads ``$HELM_DRIVER``, see ``release/storage.py``).
    ``wait_for_jobs`` (with ``wait``, Jobs must complete too; off as in Helm and helm_release).
    ``server_side`` (``"true"``, ``"false"`` or ``"auto"``: Helm v4's ``--server-side``, see ``release/csa.py``;
    client-side apply is ``kube/csa_apply.py``) and ``force_replace`` (Helm v4's ``--force-replace``: an upgrade
    replaces existing objects whole, client-side only).
    """

    name: str
    namespace: str = "default"
    create_namespace: bool = False
    field_manager: str = "helm"
    force_conflicts: bool = False
    wait: bool = False
    timeout: float = 300
    max_history: int = 10
    dry_run: bool = False
    description: Optional[str] = None
    wait_for_lock: float = 0
    labels: Optional[dict] = None
    disable_hooks: bool = False
    reset_values: bool = False
    take_ownership: bool = False
    cleanup_on_fail: bool = False
    crds: str = "create_replace"
    storage_driver: Optional[str] = "secret"
    wait_for_jobs: bool = False
    server_side: str = "true"
    force_replace: bool = False

    def __post_init__(self):
        """Validate and normalise once (None means the default); the options are not changed afterwards (use
        ``dataclasses.replace`` for a variant)."""
        validate_release_name(self.name)
        if self.crds not in ("create_replace", "create", "skip"):
            raise ReleaseError("crds %r is not valid: use create_replace, create or skip" % (self.crds,))
        normalised = dict(
            namespace=self.namespace or "default", create_namespace=bool(self.create_namespace),
            field_manager=self.field_manager or "helm", force_conflicts=bool(self.force_conflicts),
            wait=bool(self.wait), timeout=float(self.timeout if self.timeout is not None else 300),
            max_history=10 if self.max_history is None else int(self.max_history), dry_run=bool(self.dry_run),
            wait_for_lock=float(self.wait_for_lock or 0), labels=validate_labels(self.labels),
            disable_hooks=bool(self.disable_hooks), reset_values=bool(self.reset_values),
            take_ownership=bool(self.take_ownership), cleanup_on_fail=bool(self.cleanup_on_fail),
            storage_driver=resolve_driver(self.storage_driver), wait_for_jobs=bool(self.wait_for_jobs),
            force_replace=bool(self.force_replace))
        if self.server_side not in csa.SERVER_SIDE_CHOICES:
            raise ReleaseError("server_side %r is not valid: use auto, true or false" % (self.server_side,))
        for name, value in normalised.items():
            object.__setattr__(self, name, value)


@dataclass
class ActionResult:
    """Outcome of :func:`ensure_present` (uninstall is :func:`.uninstall.uninstall`).

    ``changed`` (bool), ``action`` (``"install"``, ``"upgrade"``, ``"uninstall"`` or ``"none"``), ``release``
    (:class:`Release` or None: the revision now current, or the one uninstalled), ``writes`` (Secret writes sent).
    """

    changed: bool
    action: str
    release: Optional[Release] = None
    writes: int = 0

    @property
    def manifest(self) -> str:
        return self.release.manifest if self.release is not None else ""

    @property
    def notes(self) -> str:
        return self.release.notes if self.release is not None else ""


def _text(item) -> str:
    if isinstance(item, str):
        return item
    for name in ("content", "manifest", "text", "data"):
        value = getattr(item, name, None)
        if isinstance(value, bytes):
            return value.decode("utf-8")
        if isinstance(value, str):
            return value
    raise TypeError("cannot read manifest text from %r" % (item,))


def _objects(applier: Applier, manifest: str, source: str) -> list:
    return [applier.normalise(obj) for obj in parse_manifest(manifest, source=source)]


def _same_values(left: dict, right: dict) -> bool:
    return sorted_map(left or {}) == sorted_map(right or {})


def _all_live(applier: Applier, objects: list) -> bool:
    return not missing_objects(applier, objects)  # a LIST per kind and namespace, GETs for the rest (kube/liveness.py)


def _check_adoptable(applier: Applier, objects: list, action: str) -> None:
    """``Applier.check_adoptable`` with the GETs in parallel (bounded); the first refused object in order is
    reported."""
    map_bounded(lambda obj: applier.check_adoptable([obj], action), objects)


def _chart_id(chart) -> tuple:
    meta = chart.metadata or {}
    return meta.get("name", ""), meta.get("version", "")


def _rendered_as_upgrade(release: Release) -> bool:
    """Whether ``release`` was rendered with ``.Release.IsUpgrade`` (every revision but a fresh install's)."""
    return release.version > 1 and not release.description.startswith("Install")


def is_unchanged(applier: Applier, last: Release, chart, config: dict, render) -> bool:
    """Whether ``last`` already is what the same inputs give: deployed, same chart name and version, same user
    values, and the chart rendered once (``release/unchanged.py``: as the next revision, or as ``last`` when the
    templates can see the revision) gives the stored manifest and hooks, whose objects all still exist. So a chart
    printing its revision stays unchanged, while one with random output (a generated password) upgrades, as Helm
    would. Only GET requests are sent.
    """
    if last is None or last.status != STATUS_DEPLOYED or (last.chart_name, last.chart_version) != _chart_id(chart) \
            or not _same_values(last.config, config):
        return False
    again = render_for_check(last, chart, config, render, _rendered_as_upgrade(last))
    return again.manifest == last.manifest and same_hooks(again.hooks, last.hooks) \
        and _all_live(applier, [applier.normalise(obj) for obj in object_identities(again.manifest)])


def _new_release(options: ReleaseOptions, rendered, config: dict, version: int, status: str, description: str,
                 first_deployed: str = None, labels: dict = None) -> Release:
    return Release.new(name=options.name, namespace=options.namespace, version=version,
                       chart=chart_record(rendered.chart), config=config, manifest=rendered.manifest,
                       hooks=[hook_record(h) for h in rendered.hooks or []], notes=rendered.notes or "",
                       status=status, description=description, first_deployed=first_deployed, labels=labels)


def _namespace_missing(applier: Applier) -> bool:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": applier.namespace}}
    return applier.get(namespace) is None


def ensure_present(client, options: ReleaseOptions, chart, values: dict, render, history: list = None) -> ActionResult:
    """Install or upgrade release ``options.name`` to ``chart`` with user ``values``; a no-op when unchanged.

    ``render(chart, values, revision=int, is_upgrade=bool) -> RenderedRelease`` (``chart/render.py``'s
    ``render_release`` contract: ``manifest``, ``hooks``, ``notes``, ``crds``, ``chart``). ``history``: the
    release's stored revisions (list of :class:`Release`, oldest first) as the caller read them this run, so that
    an unchanged or dry run reads them once (not changed here; None: read here). A run that writes reads them again
    under the lock, where another run may have written meanwhile. Raises
    :class:`ReleaseError` when the action fails (the failed revision is stored), :class:`KubeError` for API errors
    before anything was written, and render errors as the renderer raises them.

    Writes happen under the release's lock (``release/lock.py``); a run that finds it held fails at once with
    ``another operation (upgrade of revision N) is in progress`` or waits ``options.wait_for_lock`` seconds. A
    ``pending-*`` last revision older than ``options.timeout`` whose run is gone is marked failed first.
    """
    storage = ReleaseStorage(client, options.namespace, options.storage_driver)
    applier = Applier(client, options.name, options.namespace, options.field_manager, options.force_conflicts,
                      options.dry_run)
    if history is None:
        history = storage.history(options.name)
    last = history[-1] if history else None
    if last is not None and last.status in PENDING_STATUSES and (options.dry_run or not _stale(options, last)) \
            and (options.dry_run or current_holder(client, options.namespace, options.name) is None):
        raise _pending_error(options, last)  # refused before any write (a live holder: wait for it, or say who)
    checked = False
    render = _RenderOnce(render)  # the unchanged check's render is the upgrade's (release/unchanged.py)
    if last is not None and last.status not in PENDING_STATUSES and last.status != STATUS_UNINSTALLED:
        if is_unchanged(applier, last, chart, _upgrade_config(values or {}, last, options), render):
            return ActionResult(False, "none", last)  # no write, so no lock either
        checked = True
    if last is None or last.status == STATUS_UNINSTALLED:  # render errors surface before the lock is taken
        render(chart, values or {}, revision=last.version + 1 if last else 1, is_upgrade=False)
    elif last.status not in PENDING_STATUSES:
        render(chart, _upgrade_config(values or {}, last, options), revision=last.version + 1, is_upgrade=True)
    if options.dry_run:
        return _present(applier, storage, options, chart, values or {}, render, history, checked)
    with ReleaseLock(client, options.namespace, options.name, _operation(history), options.timeout,
                     options.wait_for_lock):
        fresh = storage.history(options.name)
        if _fingerprint(fresh) != _fingerprint(history):
            checked = False  # another run changed the release while this one waited for the lock
        if fresh and fresh[-1].status in PENDING_STATUSES:
            _settle_pending(storage, options, fresh[-1])
            checked = False
        return _present(applier, storage, options, chart, values or {}, render, fresh, checked)


class _RenderOnce(object):
    """A render callable that remembers its last result, so the revision rendered before the lock is taken is not
    rendered again under it (unless the history changed meanwhile, which changes the revision or values)."""

    def __init__(self, render):
        self.render = render
        self.last = None

    def __call__(self, chart, values, revision, is_upgrade):
        key = (id(chart), revision, is_upgrade)
        if self.last is not None and self.last[0] == key and self.last[1] == values:
            return self.last[2]
        rendered = self.render(chart, values, revision=revision, is_upgrade=is_upgrade)
        self.last = (key, values, rendered)
        return rendered


def _present(applier, storage, options, chart, config, render, history, checked) -> ActionResult:
    if not history or history[-1].status == STATUS_UNINSTALLED:
        return _install(applier, storage, options, chart, config, render, history)
    return _upgrade(applier, storage, options, chart, config, render, history, checked)


def _fingerprint(history: list) -> list:
    return [(rel.version, rel.status) for rel in history]


def _operation(history: list) -> str:
    """What other runs see in the lock: ``install of revision N`` or ``upgrade of revision N``."""
    if not history or history[-1].status == STATUS_UNINSTALLED:
        return "install of revision %d" % (history[-1].version + 1 if history else 1)
    return "upgrade of revision %d" % (history[-1].version + 1)


def _pending_verb(status: str) -> str:
    return status[len("pending-"):] if status.startswith("pending-") else status


def _pending_error(options: ReleaseOptions, last: Release) -> ReleaseError:
    return ReleaseError("release %s: another operation (%s of revision %d) is in progress: revision %d is %s. Wait "
                        "for it to finish; if it was interrupted, run again once timeout (%ds) has passed and it is "
                        "marked failed, or roll it back or uninstall it with helm."
                        % (options.name, _pending_verb(last.status), last.version, last.version, last.status,
                           options.timeout))


def _settle_pending(storage, options: ReleaseOptions, last: Release) -> None:
    """With the lock held: a ``pending-*`` ``last`` older than ``options.timeout`` was left by a run that is gone
    (killed CI job): mark it failed, saying why. A younger one may belong to the helm CLI: refuse."""
    if not _stale(options, last):
        raise _pending_error(options, last)
    age = _age(last)
    verb = _pending_verb(last.status)
    prefix = 'Release "%s" failed' % options.name if verb == "install" else '%s "%s" failed' % (
        verb.capitalize(), options.name)
    _mark(storage, last, STATUS_FAILED, "%s: interrupted: revision %d was still %s %ds after it started, longer than "
          "the timeout (%ds), and no run held its lock; marked failed by helmkit before a new operation"
          % (prefix, last.version, last.status, int(age), int(options.timeout)))


def _age(release: Release) -> float:
    """Seconds since ``release`` was last written by its operation (``info.last_deployed``)."""
    return time.time() - parse_time(release.info.get("last_deployed"))


def _stale(options: ReleaseOptions, release: Release) -> bool:
    return _age(release) >= options.timeout


def _mark(storage, release: Release, status: str, description: str) -> None:
    release.set_status(status, description)
    storage.update(release)


def _upgrade_config(values: dict, last: Release, options: ReleaseOptions) -> dict:
    if not values and last.config and not options.reset_values:  # Helm reuses the last values when none given
        return last.config
    return values


def _apply_all(applier: Applier, objects: list, manifest: str = "") -> None:
    """Apply ``objects`` as Helm's batchPerform does: consecutive objects of one kind concurrently (bounded pool),
    kinds in install order (``kube/parallel.py``); an API rejection names the template the object came from
    (``# Source:``), the first failing object in order being reported."""
    def apply_one(obj):
        try:
            return applier.apply(obj)
        except KubeError as exc:
            source = template_source(manifest, obj)
            if not source:
                raise
            raise KubeError("%s (the object comes from template %s)" % (exc, source)) from None
    apply_in_kind_batches(apply_one, objects)


_SOURCE = re.compile(r"^# Source: (.+)$", re.M)


def template_source(manifest: str, obj: dict) -> str:
    """The ``# Source:`` template of ``obj`` in ``manifest`` (Helm's rendered manifest), or "" when unknown.
    Only called for error messages: each document is parsed on its own."""
    wanted = identity(obj)
    for document in re.split(r"^---[ \t]*$", manifest or "", flags=re.M):
        match = _SOURCE.search(document)
        if not match:
            continue
        try:
            found = parse_manifest(document, source=match.group(1))
        except HelmkitError:
            continue
        if any(identity(candidate)[1::2] == wanted[1::2] for candidate in found):  # same kind and name
            return match.group(1).strip()
    return ""


def _install(applier, storage, options, chart, config, render, history) -> ActionResult:
    version = history[-1].version + 1 if history else 1
    server_side = csa.server_side_apply(options.server_side)
    if not server_side:
        applier = csa.client_side_applier(applier)
    rendered = render(chart, config, revision=version, is_upgrade=False)
    if options.dry_run and options.create_namespace and _namespace_missing(applier):
        release = _new_release(options, rendered, config, version, STATUS_PENDING_INSTALL, "Dry run complete")
        return ActionResult(True, "install", release)
    if options.create_namespace:
        applier.apply_namespace(options.namespace)
    crds = []
    chart_crds = (rendered.crds or []) if options.crds != "skip" else []
    for crd in chart_crds:
        crds.extend(parse_manifest(_text(crd), source="crds"))
    for crd in crds:
        if options.crds == "create" and applier.get(crd) is not None:
            continue  # Flux's Create policy: existing CRDs are left as they are
        applier.apply(crd, owned=False)
    if crds and not options.dry_run:
        kube_wait.wait_established(applier, crds, options.timeout)
        applier.client.invalidate_mappings()
    objects = _objects(applier, rendered.manifest, "manifest")
    if not options.take_ownership:
        _check_adoptable(applier, objects, "install")
    release = _new_release(options, rendered, config, version, STATUS_PENDING_INSTALL, "Initial install underway",
                           labels=release_labels(None, options.labels))
    release.record["apply_method"] = csa.apply_method(server_side)
    if options.dry_run:
        _apply_all(applier, objects, rendered.manifest)
        release.set_status(STATUS_PENDING_INSTALL, "Dry run complete")
        return ActionResult(True, "install", release)
    storage.prune(history, options.max_history)
    storage.create(release)
    try:
        release_hooks.run_hooks(applier, storage, release, "pre-install", options.timeout,
                                disabled=options.disable_hooks)
        _apply_all(applier, objects, rendered.manifest)
        if options.wait:
            kube_wait.wait_ready(applier, objects, options.timeout, options.wait_for_jobs)
        release_hooks.run_hooks(applier, storage, release, "post-install", options.timeout,
                                disabled=options.disable_hooks)
    except HelmkitError as exc:
        _fail(storage, release, 'Release "%s" failed: %s' % (options.name, exc))
    release.set_status(STATUS_DEPLOYED, options.description or "Install complete")
    storage.update(release)
    return ActionResult(True, "install", release, storage.writes)


def _fail(storage, release, description):
    release.set_status(STATUS_FAILED, description)
    storage.update(release)
    raise ReleaseFailedError(description, release)


def _upgrade(applier, storage, options, chart, config, render, history, checked=False) -> ActionResult:
    last = history[-1]
    config = _upgrade_config(config, last, options)
    if not checked and is_unchanged(applier, last, chart, config, render):
        return ActionResult(False, "none", last)
    version = last.version + 1
    rendered = render(chart, config, revision=version, is_upgrade=True)
    objects = _objects(applier, rendered.manifest, "manifest")
    deployed = storage.last_deployed(history)
    current = deployed or last
    old_objects = release_objects(applier, current)
    server_side = csa.server_side_apply(options.server_side, current)
    if server_side and options.force_replace:
        raise ReleaseError('Upgrade "%s" failed: %s (force replace works with client-side apply: server_side false)'
                           % (options.name, csa.FORCE_REPLACE_WITH_SSA))
    if not server_side:
        applier = csa.client_side_applier(applier, old_objects, options.force_replace)
    old_ids = {identity(obj) for obj in old_objects}
    introduced = [obj for obj in objects if identity(obj) not in old_ids]
    if not options.take_ownership:
        _check_adoptable(applier, introduced, "upgrade")
    release = _new_release(options, rendered, config, version, STATUS_PENDING_UPGRADE, "Preparing upgrade",
                           first_deployed=current.info.get("first_deployed"),
                           labels=release_labels(last.labels, options.labels))
    release.record["apply_method"] = csa.apply_method(server_side)
    if options.dry_run:
        _apply_all(applier, objects, rendered.manifest)
        release.set_status(STATUS_PENDING_UPGRADE, "Dry run complete")
        return ActionResult(True, "upgrade", release)
    removed = storage.prune(history, options.max_history)
    history = [rel for rel in history if rel not in removed]
    storage.create(release)
    new_ids = {identity(obj) for obj in objects}
    try:
        release_hooks.run_hooks(applier, storage, release, "pre-upgrade", options.timeout,
                                disabled=options.disable_hooks)
        if server_side and csa.wrote_client_side(current):  # Helm v4: first server-side upgrade of a CSA release
            csa.migrate_release(applier, current)
        _apply_all(applier, objects, rendered.manifest)
        dropped = [obj for obj in old_objects if identity(obj) not in new_ids and not keeps_resource(obj)]
        applier.delete_all(dropped, options.timeout)
        if options.wait:
            kube_wait.wait_ready(applier, objects, options.timeout, options.wait_for_jobs)
        release_hooks.run_hooks(applier, storage, release, "post-upgrade", options.timeout,
                                disabled=options.disable_hooks)
    except HelmkitError as exc:
        if options.cleanup_on_fail:
            _cleanup(applier, introduced, options.timeout)
        _fail(storage, release, 'Upgrade "%s" failed: %s' % (options.name, exc))
    for previous in history:
        if previous.status == STATUS_DEPLOYED or (previous is last and previous.status == STATUS_FAILED):
            previous.set_status(STATUS_SUPERSEDED)
            storage.update(previous)
    release.set_status(STATUS_DEPLOYED, options.description or "Upgrade complete")
    storage.update(release)
    return ActionResult(True, "upgrade", release, storage.writes)


def _cleanup(applier, introduced: list, timeout: float) -> None:
    """``cleanup_on_fail``: delete the objects a failed upgrade introduced (Helm deletes ``results.Created``);
    errors here are dropped, the upgrade's error is the one reported."""
    try:
        applier.delete_all([obj for obj in introduced if not keeps_resource(obj)], timeout)
    except HelmkitError:
        pass


def release_objects(applier, release: Release) -> list:
    """The objects of a stored revision's manifest (list of dicts), namespaces normalised by ``applier``; kinds the
    server no longer serves are left out (they cannot be applied, deleted or compared anyway). The one reading of
    a stored manifest for upgrade, rollback, uninstall, recovery, the diff and drift detection."""
    result = []
    for obj in parse_manifest(release.manifest, source="release %s revision %d manifest"
                              % (release.name, release.version)):
        try:
            result.append(applier.normalise(obj))
        except HelmkitError:
            continue
    return result
