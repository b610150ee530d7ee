"""Task glue of ``helm_release`` and of the kubernetes.core-compatible ``helm`` module: one implementation of
"install, upgrade, roll back or uninstall a release from a module's params", shared by both modules.

Sits between the release package and the modules (layer rule: it imports release/, source/ and kube/, and is
imported only by plugins). It needs only ``module.params``-like ``params`` and three module attributes:
``no_log_values`` (a set, secrets to mask), ``check_mode`` and ``_diff``.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from .args_common import CHART_SOURCE_ARG_SPEC, KUBE_AUTH_CHART_ARG_SPEC
from .release.lifecycle import LIFECYCLE_ARG_SPEC
from .release.present import INPUT_ARG_SPEC


def release_argument_spec() -> dict:
    """helm_release's argument spec (a new dict): its own options, the Kubernetes connection options that do not
    clash with the chart source's (KUBE_AUTH_CHART_ARG_SPEC), the chart-source options and the release input and
    lifecycle options (``release/present.py``, ``release/lifecycle.py``)."""
    spec = dict(
        release_name=dict(type="str", required=True, aliases=["name"]),
        release_namespace=dict(type="str", default="default", aliases=["namespace"]),
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
        keyring=dict(type="path", no_log=False),
        storage_driver=dict(type="str", choices=["secret", "configmap"]),
    )
    spec.update(KUBE_AUTH_CHART_ARG_SPEC)
    spec.update(CHART_SOURCE_ARG_SPEC)
    spec.update(INPUT_ARG_SPEC)
    spec.update(LIFECYCLE_ARG_SPEC)
    return spec


def release_defaults() -> dict:
    """Every helm_release option with its default (None when it has none), as AnsibleModule fills ``params``."""
    return {name: spec.get("default") for name, spec in release_argument_spec().items()}


def cluster_options(params: dict) -> dict:
    """The Kubernetes connection options of ``params``: ``username``, ``password``, ``cert_file`` and ``key_file``
    are the chart repository's here (CHART_SOURCE_ARG_SPEC), never the cluster's."""
    return dict((name, params.get(name)) for name in KUBE_AUTH_CHART_ARG_SPEC)


def resolve_chart(module, params, inputs, source):
    """Load the chart through the source layer; returns ``(Chart, LocatedChart)``. A local chart directory first
    gets its dependencies updated (dependency_update) and checked (source/deps/manager.py:
    prepare_chart_directory). Raises HelmkitError."""
    local = inputs.local_path(params["chart_ref"])
    if params["chart_repo_url"] or not os.path.isdir(local):
        return inputs.locate_chart(params["chart_ref"], source, params["chart_repo_url"])
    from .source.deps.manager import prepare_chart_directory  # chart directories only: keeps a re-run's imports small

    scratch = tempfile.mkdtemp(prefix="helmkit-release-deps-") if module.check_mode else None
    try:
        path, _result = prepare_chart_directory(local, params["dependency_update"], check_mode=module.check_mode,
                                                scratch=scratch)
        return inputs.locate_chart(path, source, None)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _verified_chart(params, source):
    """``helm install --verify``: the chart from its verified archive, and the verification (source/verify.py)."""
    from .source.verify import load_verified_chart
    return load_verified_chart(params["chart_ref"], source, params["keyring"], params["chart_repo_url"])


def release_action(module, params=None) -> dict:
    """Run helm_release's action for ``params`` (default ``module.params``) and return the task result (dict).

    With ``sensitive_values``, base64 runs of the result or of the error message that enclose a sensitive value (a
    DSN in a Secret's ``data``), and sensitive values that toYaml folded across lines, are registered as no-log
    values too (release/sensitive.py: output_strings). Raises HelmkitError (and its subclasses) with a message for
    people.
    """
    from .errors import HelmkitError
    from .release.sensitive import output_strings

    params = module.params if params is None else params

    def mask(value):
        if params["sensitive_values"]:
            module.no_log_values.update(output_strings(value, module.no_log_values))
    try:
        output = _release_action(module, params)
    except HelmkitError as exc:
        mask(str(exc))
        raise
    mask(output)
    return output


def _release_action(module, params):
    from .kube.client import KubeClient, connection_secrets
    from .release import actions, inputs, lifecycle, present, recovery, sensitive
    from .source.options import module_source_options

    cluster = cluster_options(params)
    module.no_log_values.update(connection_secrets(cluster))
    module.no_log_values.update(sensitive.sensitive_strings(params.get("release_values") or {},
                                                            params["sensitive_values"]))
    present.validate(params)
    options = actions.ReleaseOptions(
        params["release_name"], params["release_namespace"], create_namespace=params["create_namespace"],
        field_manager=params["field_manager"], force_conflicts=params["force_conflicts"], wait=params["wait"],
        timeout=present.parse_timeout(params["timeout"]), max_history=params["max_history"],
        dry_run=module.check_mode, wait_for_lock=present.parse_timeout(params["wait_for_lock"], "wait_for_lock"),
        **lifecycle.options_kwargs(params))
    chart = values = located = None
    provenance = None
    if params["state"] == "present":
        source = module_source_options(params, namespace=params["release_namespace"], request_timeout=False)
        if params["verify"]:
            chart, provenance = _verified_chart(params, source)
        else:
            chart, located = resolve_chart(module, params, inputs, source)
        values = present.collect_values(params)
        if params.get("lint"):  # before anything touches the cluster
            from .chart.lint import lint_loaded_chart, require_clean
            require_clean(lint_loaded_chart(chart, values, params["release_namespace"]), params["chart_ref"])
        module.no_log_values.update(present.vault_strings(params))
        module.no_log_values.update(sensitive.sensitive_strings(values, params["sensitive_values"]))
    with KubeClient.from_options(cluster) as client:
        if params["sensitive_values"]:  # the stored revisions' values show up in diffs and rollbacks too
            module.no_log_values.update(sensitive.stored_sensitive_strings(client, options.namespace, options.name,
                                                                           params["sensitive_values"],
                                                                           options.storage_driver))
        if params["state"] == "absent":
            return lifecycle.absent(client, options, params, diff_mode=module._diff)
        if params["state"] == "rollback":
            return lifecycle.rolled_back(client, options, params)
        render = present.wrap_render(inputs.cluster_renderer(client, options.name, options.namespace), params)
        action = lifecycle.PresentAction(params)
        chart, values = action.inputs(client, options, chart, values)
        try:
            output = present.run(client, options, chart, values, render, params, action,
                                 check_mode=module.check_mode, diff_mode=module._diff)
        except recovery.AtomicError as exc:
            return lifecycle.atomic_failure(exc)
        if action.recovered:
            output["recovered"] = action.recovered
        if provenance is not None:
            output["provenance"] = provenance
        if located is not None and located.kind != "local":
            output["chart_source"] = located.as_dict()
        return output
