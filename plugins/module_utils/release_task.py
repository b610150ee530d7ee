"""Task glue of ``helm_release`` and of the kubernetes.core-compatible ``helm`` module: one implementation of
"install, upgrade, roll back or uninstall a release from a module's params", shared by both modules.

A run reads top to bottom: :func:`release_action` (the modules' entry point) builds a typed
:class:`ReleaseRequest` from ``params`` once (every option checked, the namespace and the values mode resolved, the
release options built), then :class:`HelmReleaseTask` loads the chart and values, reads the release history once,
and calls the release action (``release/actions.py: ensure_present``, with the recovery steps of
``release/recovery.py`` around it in :func:`ensure_present_recovering`; ``release/rollback.py``,
``release/uninstall.py``) and turns its result into the task result. The release package below knows nothing of
``params`` or task results.

Sits between the release package and the modules (layer rule: it imports release/, source/ and kube/, and is
imported only by plugins). What only some runs need is imported where used (marked ``# deferred:``), so that an
unchanged run does not load provenance crypto, the dependency manager or the linter.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import List, Optional

from .args_common import (CHART_SOURCE_ARG_SPEC, KUBE_AUTH_CHART_ARG_SPEC, RELEASE_INPUT_ARG_SPEC,
                          RELEASE_LIFECYCLE_ARG_SPEC)
from . import report
from .errors import HelmkitError, ReleaseError
from .gocompat.duration import parse_timeout
from .kube.client import KubeClient, connection_secrets, resolve_namespace
from .release import actions, diff, drift as release_drift, inputs, postrender, recovery, reuse, sensitive
from .release.actions import ReleaseOptions
from .release.rollback import rollback
from .release.storage import ReleaseStorage
from .release.uninstall import uninstall
from .source.options import SourceOptions, module_source_options


def release_argument_spec() -> dict:
    """helm_release's argument spec (a new dict): its own options, the Kubernetes connection options that do not
    clash with the chart source's (KUBE_AUTH_CHART_ARG_SPEC), the chart-source options and the release input and
    lifecycle options (``args_common.py``: RELEASE_INPUT_ARG_SPEC, RELEASE_LIFECYCLE_ARG_SPEC)."""
    spec = dict(
        release_name=dict(type="str", required=True, aliases=["name"]),
        release_namespace=dict(type="str", aliases=["namespace"]),  # None: helm_release resolves Helm's default
        chart_ref=dict(type="str"),
        chart_repo_url=dict(type="str"),
        chart_version=dict(type="str"),
        require_chart_version=dict(type="bool", default=False),
        dependency_update=dict(type="bool", default=False, aliases=["dep_up"]),
        release_values=dict(type="dict", default={}, aliases=["values"]),
        values_files=dict(type="list", elements="str", default=[]),
        create_namespace=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent", "rollback"], default="present",
                   aliases=["release_state"]),
        field_manager=dict(type="str", default="helm"),
        force_conflicts=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        timeout=dict(type="raw", default=300),
        max_history=dict(type="int", default=10, aliases=["history_max"]),
        wait_for_lock=dict(type="raw", default=0),
        sensitive_values=dict(type="list", elements="str", default=[]),
        verify=dict(type="bool", default=False),
        lint=dict(type="bool", default=False),
        skip_schema_validation=dict(type="bool", default=False),
        keyring=dict(type="path", no_log=False),
        storage_driver=dict(type="str", choices=["secret", "configmap"]),
    )
    spec.update(KUBE_AUTH_CHART_ARG_SPEC)
    spec.update(CHART_SOURCE_ARG_SPEC)
    spec.update(RELEASE_INPUT_ARG_SPEC)
    spec.update(RELEASE_LIFECYCLE_ARG_SPEC)
    return spec


def release_defaults() -> dict:
    """Every helm_release option with its default (None when it has none), as AnsibleModule fills ``params``."""
    return {name: spec.get("default") for name, spec in release_argument_spec().items()}


def cluster_options(params: dict) -> dict:
    """The Kubernetes connection options of ``params``: ``username``, ``password``, ``cert_file`` and ``key_file``
    are the chart repository's here (CHART_SOURCE_ARG_SPEC), never the cluster's."""
    return dict((name, params.get(name)) for name in KUBE_AUTH_CHART_ARG_SPEC)


# -- the typed request: helm_release's params read once ------------------------------------------------------------

@dataclass
class PostRenderer:
    """``post_renderer``: the program (a path or a post-renderer plugin's name), its arguments, its timeout
    (seconds)."""
    binary_path: str
    args: List[str] = field(default_factory=list)
    timeout: float = 60


@dataclass
class ReleaseRequest:
    """One helm_release task, read once from the module's ``params`` by :meth:`from_params`.

    ``state`` (``present``, ``absent``, ``rollback``); ``options`` (``release/actions.py: ReleaseOptions``: name,
    namespace, the action's options, ``dry_run`` set from check mode); ``namespace_source`` (where
    ``options.namespace`` came from, ``kube/config.py: resolve_namespace``: ``option``, ``HELM_NAMESPACE``, the
    kubeconfig context's, the pod's, ``default``); ``cluster`` (the Kubernetes connection
    options, :func:`cluster_options`); ``check_mode`` and ``diff_mode`` (bool).
    ``state=present``: ``chart_ref``, ``chart_repo_url``, ``dependency_update``, ``verify``/``keyring``, ``lint``,
    ``skip_schema_validation`` (values.schema.json is not checked, Helm's ``--skip-schema-validation``);
    ``source`` (``source/options.py: SourceOptions``, None for the other states); the values inputs ``values_files``
    (``release/inputs.py: ValuesFile``), ``release_values`` (dict), ``set_values`` (``inputs.SetValue``);
    ``values_mode`` (``reuse_values``, ``reset_values``, ``reset_then_reuse_values`` or None, resolved once);
    ``atomic``; ``post_renderer`` (:class:`PostRenderer` or None); ``drift`` (``detect``, ``correct``, ``ignore``)
    and ``drift_ignore`` (JSON pointers). ``state=rollback``: ``revision`` (0: the previous one).
    ``state=absent``: ``keep_history``, ``cascade``. ``sensitive_values``: value paths never to show.
    """
    state: str
    options: ReleaseOptions
    cluster: dict
    namespace_source: str = "option"
    check_mode: bool = False
    diff_mode: bool = False
    chart_ref: Optional[str] = None
    chart_repo_url: Optional[str] = None
    dependency_update: bool = False
    verify: bool = False
    keyring: Optional[str] = None
    lint: bool = False
    skip_schema_validation: bool = False
    source: Optional[SourceOptions] = None
    values_files: list = field(default_factory=list)
    release_values: dict = field(default_factory=dict)
    set_values: list = field(default_factory=list)
    values_mode: Optional[str] = None
    atomic: bool = False
    post_renderer: Optional[PostRenderer] = None
    drift: str = "ignore"
    drift_ignore: List[str] = field(default_factory=list)
    revision: int = 0
    keep_history: bool = False
    cascade: str = "background"
    sensitive_values: List[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: dict, check_mode: bool = False, diff_mode: bool = False) -> "ReleaseRequest":
        """The request for helm_release's ``params`` (dict, as AnsibleModule fills it). Checks everything that can
        be checked before any request (:func:`validate`, the values mode, the release options, the chart-source
        options) and raises :class:`~.errors.HelmkitError` (or a subclass) naming the option. A task that names no
        ``release_namespace`` works in the one Helm's rule picks (``kube/config.py: resolve_namespace``)."""
        validate(params)
        cluster = cluster_options(params)
        namespace, namespace_source = resolve_namespace(params["release_namespace"], cluster)
        wait_for_lock = parse_timeout(params["wait_for_lock"], "wait_for_lock")
        mode = reuse.choose_mode(params.get("reuse_values"), params.get("reset_values"),
                                 params.get("reset_then_reuse_values"))
        options = ReleaseOptions(
            params["release_name"], namespace, create_namespace=params["create_namespace"],
            field_manager=params["field_manager"], force_conflicts=params["force_conflicts"], wait=params["wait"],
            timeout=parse_timeout(params["timeout"]), max_history=params["max_history"], dry_run=check_mode,
            wait_for_lock=wait_for_lock, description=params.get("description"), labels=params.get("labels"),
            disable_hooks=params.get("disable_hooks"), reset_values=params.get("reset_values"),
            take_ownership=params.get("take_ownership"), cleanup_on_fail=params.get("cleanup_on_fail"),
            crds="skip" if params.get("skip_crds") else (params.get("crds") or "create_replace"),
            storage_driver=params.get("storage_driver"), wait_for_jobs=params.get("wait_for_jobs"),
            server_side=params.get("server_side") or "true", force_replace=bool(params.get("force_replace")))
        present = params["state"] == "present"
        renderer = params.get("post_renderer")
        return cls(
            state=params["state"], options=options, cluster=cluster, namespace_source=namespace_source,
            check_mode=bool(check_mode), diff_mode=bool(diff_mode), chart_ref=params.get("chart_ref"),
            chart_repo_url=params.get("chart_repo_url"),
            dependency_update=bool(params.get("dependency_update")), verify=bool(params.get("verify")),
            keyring=params.get("keyring"), lint=bool(params.get("lint")),
            skip_schema_validation=bool(params.get("skip_schema_validation")),
            source=module_source_options(params, namespace=namespace, request_timeout=False)
            if present else None,
            values_mode=mode, atomic=bool(params.get("atomic")),
            post_renderer=PostRenderer(renderer["binary_path"], list(renderer.get("args") or []),
                                       parse_timeout(renderer.get("timeout", 60), "post_renderer.timeout"))
            if renderer else None,
            drift=params.get("drift") or "ignore", drift_ignore=list(params.get("drift_ignore") or []),
            revision=params.get("revision") or 0, keep_history=bool(params.get("keep_history")),
            cascade=params.get("cascade") or "background",
            sensitive_values=list(params.get("sensitive_values") or []),
            **_values_inputs(params))


def _values_inputs(params: dict) -> dict:
    """``values_files``, ``release_values`` and ``set_values`` of a :class:`ReleaseRequest` from ``params``: the
    values files as the action plugin read them on the controller (``values_files_contents``), else
    ``values_files`` to read here."""
    contents = params.get("values_files_contents")
    if contents:
        files = [inputs.ValuesFile(entry["path"], entry.get("content"), bool(entry.get("vault")), entry.get("searched"))
                 for entry in contents]
    else:
        files = [inputs.ValuesFile(path) for path in params.get("values_files") or []]
    return dict(values_files=files, release_values=params.get("release_values") or {},
                set_values=[inputs.SetValue(item["value"], item.get("value_type") or "raw")
                            for item in params.get("set_values") or []])


def user_values(params: dict) -> dict:
    """The user values of helm_release's ``params`` (``release/inputs.py: user_values``), without the rest of the
    request. Raises :class:`~.errors.ValuesError`."""
    given = _values_inputs(params)
    return inputs.user_values(given["values_files"], given["release_values"], given["set_values"])


def validate(params: dict) -> None:
    """Plan-time checks of helm_release's ``params`` before any request: ``timeout`` and ``post_renderer.timeout``
    are durations, ``drift_ignore`` holds JSON pointers, a local ``chart_ref`` directory holds Chart.yaml, an
    ``oci://`` chart has a version when ``require_chart_version`` asks for one, the ``post_renderer`` program
    exists. Raises :class:`~.errors.HelmkitError`."""
    parse_timeout(params.get("timeout"))
    release_drift.validate_ignore(params.get("drift_ignore"))
    ref = params.get("chart_ref") or ""
    if params.get("state", "present") != "present":
        return
    local = os.path.expanduser(ref)
    if not params.get("chart_repo_url") and os.path.isdir(local) \
            and not os.path.isfile(os.path.join(local, "Chart.yaml")):
        raise HelmkitError("chart_ref %s is a directory without Chart.yaml; point it at the chart's directory (the "
                           "one holding Chart.yaml) or at a packaged .tgz" % ref)
    if ref.startswith("oci://") and params.get("require_chart_version"):  # opt-in; Helm installs the latest tag
        tail = ref[len("oci://"):].rsplit("/", 1)[-1]
        if not params.get("chart_version") and ":" not in tail and "@" not in tail:
            raise HelmkitError("chart_ref %s is an OCI chart without a version: set chart_version (or add :<tag> or "
                               "@sha256:<digest> to the reference) so that every run installs the same chart" % ref)
    renderer = params.get("post_renderer")
    if renderer:
        postrender.resolve_binary(renderer.get("binary_path"))
        parse_timeout(renderer.get("timeout"), "post_renderer.timeout")


# -- the task: one run of a request ---------------------------------------------------------------------------------

class HelmReleaseTask:
    """One helm_release run of a :class:`ReleaseRequest`, returning the task result (dict).

    :meth:`run` does what ``request.state`` and check mode ask: :meth:`apply` (install or upgrade, with a plan
    first in diff mode), :meth:`plan` (check mode: what apply would do, nothing written), :meth:`rollback` or
    :meth:`uninstall`. Each opens its own Kubernetes client; for ``state=present`` the chart and values are loaded
    (and linted) first, before anything touches the cluster. The task reads the release history once per run and
    hands it to every step (sensitive values of stored revisions, the values mode's inputs, the plan, recovery and
    the release action); only an action that writes reads it again, under the release's lock.

    ``secrets`` (a set, default a new one) receives the strings that must never show (``sensitive_values`` and
    Vault-encrypted values files in every form, the stored revisions' sensitive values): the module registers
    them as no-log values. Raises :class:`~.errors.HelmkitError` with a message for people.
    """

    def __init__(self, request: ReleaseRequest, secrets: set = None):
        self.request = request
        self.secrets = set() if secrets is None else secrets
        self.chart = self.values = self.located = self.provenance = None
        self._history = None

    def run(self) -> dict:
        """The task result for ``request.state`` (and check mode)."""
        if self.request.state == "absent":
            return self.uninstall()
        if self.request.state == "rollback":
            return self.rollback()
        return self.plan() if self.request.check_mode else self.apply()

    # -- state=present ---------------------------------------------------------------------------------------------

    def apply(self) -> dict:
        """Install or upgrade (``request.options.dry_run`` set: as :meth:`plan`). In diff mode the plan is computed
        before the action. Result keys: ``changed``, ``status`` (the release summary), ``manifest``, ``notes``,
        ``plan`` and ``diff`` (diff mode: ``diff.Plan.summary()``, Ansible diffs), ``drift``/``drift_corrected``,
        ``recovered``, ``provenance`` (verify), ``chart_source`` (a chart not on this host); with
        ``atomic``, a failed action that was undone gives ``failed``, ``msg``, ``atomic``."""
        return self._present(plan_first=self.request.diff_mode and not self.request.options.dry_run)

    def plan(self) -> dict:
        """Check mode: the action with ``dryRun=All`` (``request.options.dry_run`` must be set, as
        :meth:`ReleaseRequest.from_params` sets it in check mode); when it would change anything, ``plan`` says which
        objects would be created, changed or deleted and why (``release/diff.py: plan_release``)."""
        if not self.request.options.dry_run:
            raise ValueError("HelmReleaseTask.plan needs a dry-run request (check mode)")
        return self._present(plan_first=False)

    def load(self) -> None:
        """Load the chart (verified with ``verify``) and the user values, lint them with ``lint``, and register the
        values' secrets; once per task."""
        if self.chart is not None:
            return
        request = self.request
        if request.verify:
            from .source.pull import load_verified_chart  # deferred: provenance crypto, for verify only
            self.chart, self.provenance = load_verified_chart(request.chart_ref, request.source, request.keyring,
                                                              request.chart_repo_url)
        else:
            self.chart, self.located = self._resolve_chart()
        self.values = inputs.user_values(request.values_files, request.release_values, request.set_values)
        if request.lint:  # before anything touches the cluster
            from .chart.lint import lint_loaded_chart, require_clean  # deferred: the linter, for lint only
            require_clean(lint_loaded_chart(self.chart, self.values, request.options.namespace), request.chart_ref)
        self.secrets.update(sensitive.vault_strings(request.values_files))
        self.secrets.update(sensitive.sensitive_strings(self.values, request.sensitive_values))

    def _resolve_chart(self):
        """``(Chart, LocatedChart)`` through the source layer; a local chart directory first gets its dependencies
        updated (``dependency_update``) and checked (``source/deps/manager.py: prepare_chart_directory``)."""
        request = self.request
        local = inputs.local_path(request.chart_ref)
        if request.chart_repo_url or not os.path.isdir(local):
            return inputs.locate_chart(request.chart_ref, request.source, request.chart_repo_url)
        from .source.deps.manager import prepare_chart_directory  # deferred: the dependency manager, directories only

        scratch = tempfile.mkdtemp(prefix="helmkit-release-deps-") if request.check_mode else None
        try:
            path, _result = prepare_chart_directory(local, request.dependency_update, check_mode=request.check_mode,
                                                    scratch=scratch)
            return inputs.locate_chart(path, request.source, None)
        finally:
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)

    def _present(self, plan_first: bool) -> dict:
        self.load()
        request, options = self.request, self.request.options
        with self._connect() as client:
            history = self._read_history(client)
            render = inputs.cluster_renderer(client, options.name, options.namespace, request.skip_schema_validation)
            if request.post_renderer is not None:
                renderer = request.post_renderer
                render = postrender.with_post_renderer(render, renderer.binary_path, renderer.args, renderer.timeout)
            chart, values = self.chart, self.values
            if request.values_mode in ("reuse_values", "reset_then_reuse_values"):  # the action and the plan alike
                chart, values = reuse.upgrade_inputs(chart, history, values, request.values_mode)
            plan = diff.plan_release(client, options, chart, values, render, history) if plan_first else None
            try:
                result = ensure_present_recovering(client, options, chart, values, render,
                                                   atomic=request.atomic and not options.dry_run, history=history)
            except recovery.AtomicError as exc:
                return _atomic_failure(exc)
            if options.dry_run and result.changed:
                plan = diff.plan_release(client, options, chart, values, render, history)
            output = self._present_result(result, plan)
            if not result.changed:
                self._drift(client, result.release, output)
        if result.recovered:
            output["recovered"] = result.recovered
        if self.provenance is not None:
            output["provenance"] = self.provenance
        if self.located is not None and self.located.kind != "local":
            output["chart_source"] = self.located.as_dict()
        return output

    def _present_result(self, result, plan) -> dict:
        output = {"changed": result.changed}
        if result.release is not None:
            output["status"] = result.release.summary()
        output["manifest"] = result.manifest
        output["notes"] = result.notes
        if plan is not None:
            output["plan"] = plan.summary()
            if self.request.diff_mode:
                output["diff"] = plan.ansible_diffs()
        elif self.request.options.dry_run:
            output["plan"] = {"action": "none", "revision": result.release.version if result.release else 0,
                              "create": [], "change": [], "delete": [], "objects": [], "values_changed": False}
        return output

    def _drift(self, client, release, output: dict) -> None:
        """``drift``: detect (a warning per object, ``report.warn``) or correct the live objects of an unchanged deployed ``release``."""
        request = self.request
        if request.drift == "ignore" or release is None or release.status != "deployed":
            return
        found = release_drift.detect(client, release, request.options.field_manager, request.drift_ignore)
        output["drift"] = [item.as_dict() for item in found]
        if not found:
            return
        if request.drift == "detect":
            for item in found:
                report.warn("drift: %s" % item.describe())
            return
        if not request.options.dry_run:
            release_drift.correct(client, release, found, request.options.field_manager)
        output["changed"] = True
        output["drift_corrected"] = True

    # -- state=rollback and state=absent ---------------------------------------------------------------------------

    def rollback(self) -> dict:
        """``state=rollback``: roll back to ``request.revision`` (0: the previous one). Result keys: ``changed``,
        ``manifest``, ``notes``, ``status``, ``rollback_to``."""
        with self._connect() as client:
            result = rollback(client, self.request.options, revision=self.request.revision,
                              history=self._read_history(client))
        output = {"changed": result.changed, "manifest": result.manifest, "notes": result.notes}
        if result.release is not None:
            output["status"] = result.release.summary()
        output["rollback_to"] = result.target.version
        return output

    def uninstall(self) -> dict:
        """``state=absent``: uninstall with ``keep_history``, ``wait``, ``cascade``, ``disable_hooks``. Result keys:
        ``changed``, ``status``, ``kept``/``info`` (objects kept by resource policy); in check mode ``plan`` (what
        would be deleted: objects, hooks, release records, each ``{kind, namespace, name}``; ``uninstall_plan``),
        and in diff mode ``diff``."""
        with self._connect() as client:
            result = uninstall(client, self.request.options, keep_history=self.request.keep_history,
                               cascade=self.request.cascade, history=self._read_history(client))
        output = {"changed": result.changed}
        if result.release is not None:
            output["status"] = result.release.summary()
        if result.kept:
            output["kept"] = result.kept
            output["info"] = result.info
        if result.plan is not None:
            output["plan"] = dict(result.plan, action=result.action, revision=result.release.version)
            if self.request.diff_mode:
                output["diff"] = _uninstall_diff(result.release, result.plan)
        return output

    # -- the cluster ---------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self):
        """The task's Kubernetes client; with ``sensitive_values``, every stored revision's sensitive values are
        registered first (they show up in diffs and rollbacks too)."""
        with KubeClient.from_options(self.request.cluster) as client:
            if self.request.sensitive_values:
                self.secrets.update(sensitive.stored_sensitive_strings(self._read_history(client),
                                                                       self.request.sensitive_values))
            yield client

    def _read_history(self, client) -> list:
        """The release's stored revisions, read once per task."""
        if self._history is None:
            options = self.request.options
            self._history = ReleaseStorage(client, options.namespace, options.storage_driver).history(options.name)
        return self._history


def ensure_present_recovering(client, options: ReleaseOptions, chart, values: dict, render, atomic: bool = False,
                              history: list = None) -> recovery.PresentResult:
    """Install or upgrade like ``release/actions.py: ensure_present``, recovering failed releases, with ``atomic``:
    the steps of ``release/recovery.py`` around the action (what needs recovering, found in ``history``; the
    action; then, after a failure that ``atomic`` must undo, :func:`~.release.recovery.undo`, else what was
    recovered, :func:`~.release.recovery.recovered`).

    Same arguments as ``ensure_present`` plus ``atomic`` (bool; the action waits, as if ``options.wait``) and
    ``history`` (the release's stored revisions as the caller read them this run, handed to the action too; None:
    read here). Returns a ``recovery.PresentResult``. Raises ``recovery.AtomicError`` when ``atomic`` undid a
    failed action, and what ``ensure_present`` raises otherwise.
    """
    if history is None:
        history = ReleaseStorage(client, options.namespace, options.storage_driver).history(options.name)
    found = recovery.recovery_plan(history, options.timeout)
    if atomic:  # Helm's --rollback-on-failure implies --wait
        options = dataclasses.replace(options, wait=True)
    try:
        result = actions.ensure_present(client, options, chart, values, render, history)
    except ReleaseError as exc:
        if atomic and not options.dry_run and not isinstance(exc, recovery.AtomicError):
            recovery.undo(client, options, history, exc)  # raises AtomicError when it undid the action
        raise
    return recovery.PresentResult.of(result, recovery.recovered(client, options, history, found, result))


def _atomic_failure(exc) -> dict:
    """Task result for a failed action that ``atomic`` undid (``release/recovery.py: AtomicError``): ``failed``,
    ``msg``, ``changed`` (something was written), ``status`` of the rollback revision when there is one, ``atomic``
    (``rollback``/``uninstall``)."""
    output = {"failed": True, "changed": True, "msg": str(exc), "atomic": exc.undo}
    if exc.release is not None:
        output["status"] = exc.release.summary()
    return output


def _uninstall_diff(release, plan: dict) -> dict:
    """An Ansible diff of an uninstall: before, what would be deleted (objects, hooks, release records) and what
    is kept; after, only what is kept."""
    deleted = {key: plan[key] for key in ("objects", "hooks", "records") if plan[key]}
    kept = {"kept": plan["kept"]} if plan["kept"] else None
    return {"before_header": "release %s (revision %d)" % (release.name, release.version),
            "after_header": "release %s uninstalled" % release.name,
            "before": diff.to_yaml(dict(deleted, **(kept or {}))), "after": diff.to_yaml(kept) if kept else ""}


# -- the module's entry point -----------------------------------------------------------------------------------------

def release_action(module, params=None) -> dict:
    """Run helm_release's task for ``params`` (default ``module.params``) and return the task result (dict):
    :meth:`ReleaseRequest.from_params`, then :meth:`HelmReleaseTask.run`.

    Uses three module attributes: ``no_log_values`` (a set: the task's secrets are added), ``check_mode`` and
    ``_diff``. With ``sensitive_values``, base64 runs of the result or of the error message that enclose a
    sensitive value (a DSN in a Secret's ``data``), and sensitive values that toYaml folded across lines, are
    registered as no-log values too (release/sensitive.py: output_strings). Raises HelmkitError (and its
    subclasses) with a message for people. The result also says which namespace the task used: ``namespace`` and
    ``namespace_source`` (:meth:`ReleaseRequest.from_params`).
    """
    params = module.params if params is None else params

    def mask(value):
        if params["sensitive_values"]:
            module.no_log_values.update(sensitive.output_strings(value, module.no_log_values))
    try:
        module.no_log_values.update(connection_secrets(cluster_options(params)))
        module.no_log_values.update(sensitive.sensitive_strings(params.get("release_values") or {},
                                                                params["sensitive_values"]))
        request = ReleaseRequest.from_params(params, check_mode=module.check_mode, diff_mode=module._diff)
        output = HelmReleaseTask(request, secrets=module.no_log_values).run()
        output.update(namespace=request.options.namespace, namespace_source=request.namespace_source)
    except HelmkitError as exc:
        mask(str(exc))
        raise
    mask(output)
    return output
