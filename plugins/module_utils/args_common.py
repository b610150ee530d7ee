"""Argument specs shared by helmkit.core's modules, each beside the doc fragment that documents it.

kubernetes.core keeps its shared specs in ``args_common.py``; so does this collection. Plain dicts, no Ansible import:
``_common.py`` re-exports them for the modules. Keep each spec's names, types, aliases and defaults identical to its
doc fragment in ``plugins/doc_fragments/`` (named in the comment above it).
"""
from __future__ import annotations

# The Kubernetes connection options (doc fragment helmkit.core.kube_auth): kubernetes.core's k8s_auth_options, same
# names, aliases and types. Their environment fallbacks (K8S_AUTH_*, then Helm's HELM_KUBE*) are applied in one place,
# plugins/module_utils/kube/config.py, for modules, lookups and the inventory plugin alike; that is also why no
# ``fallback`` appears here (connection_secrets() registers secrets taken from the environment as no-log values).
KUBE_AUTH_ARG_SPEC = dict(
    kubeconfig=dict(type="raw", no_log=False),
    context=dict(type="str", aliases=["kube_context"]),
    host=dict(type="str"),
    api_key=dict(type="str", no_log=True),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    validate_certs=dict(type="bool", aliases=["verify_ssl"]),
    ca_cert=dict(type="path", aliases=["ssl_ca_cert"]),
    client_cert=dict(type="path", aliases=["cert_file"]),
    client_key=dict(type="path", aliases=["key_file"], no_log=True),
    proxy=dict(type="str"),
    no_proxy=dict(type="str"),
    proxy_headers=dict(type="dict", options=dict(
        proxy_basic_auth=dict(type="str", no_log=True),
        basic_auth=dict(type="str", no_log=True),
        user_agent=dict(type="str"),
    )),
    impersonate_user=dict(type="str"),
    impersonate_groups=dict(type="list", elements="str"),
    persist_config=dict(type="bool"),
)

# The same options, accepted and unused, for the modules of meta/runtime.yml's ``helm`` action group that never talk
# to a cluster (doc fragment helmkit.core.kube_auth.unused), so ``module_defaults: {group/helmkit.core.helm: {...}}``
# never fails a task with "Unsupported parameters". ``host``, ``username``, ``password`` and the aliases
# ``cert_file``/``key_file`` are left out: those modules have options of their own under these names (a chart
# repository's or registry's), which must never be taken for the cluster's.
KUBE_AUTH_UNUSED_ARG_SPEC = dict(
    (name, dict((k, v) for k, v in spec.items() if k != "aliases" or name not in ("client_cert", "client_key")))
    for name, spec in KUBE_AUTH_ARG_SPEC.items() if name not in ("host", "username", "password"))

# The connection options of the modules that talk to a cluster AND take a chart (helm_release, helm; doc fragment
# helmkit.core.kube_auth.chart): the chart-source options own ``username``, ``password``, ``cert_file`` and
# ``key_file`` there (Helm's --username/--password/--cert-file/--key-file are the repository's), so the cluster's
# basic auth is left out and the client certificate keeps only its own names (client_cert, client_key).
KUBE_AUTH_CHART_ARG_SPEC = dict(KUBE_AUTH_UNUSED_ARG_SPEC, host=KUBE_AUTH_ARG_SPEC["host"])

# The chart repository options (doc fragment helmkit.core.repo_auth): helm's --username, --password,
# --pass-credentials, --ca-file, --cert-file, --key-file, --insecure-skip-tls-verify, --repository-config and
# --repository-cache.
REPO_AUTH_ARG_SPEC = dict(
    username=dict(type="str", aliases=["repo_username"]),
    password=dict(type="str", no_log=True, aliases=["repo_password"]),
    pass_credentials=dict(type="bool", default=False, no_log=False),
    ca_file=dict(type="path"),
    cert_file=dict(type="path"),
    key_file=dict(type="path", no_log=False),
    insecure_skip_tls_verify=dict(type="bool", default=False),
    repository_config=dict(type="path"),
    repository_cache=dict(type="path"),
)

# The chart-source options (doc fragment helmkit.core.chart_source): REPO_AUTH_ARG_SPEC plus the registry,
# Bearer-token, Kubernetes-Secret and version-selection options, one spec for every module that takes a chart
# (helm_release, helm_template, helm_show, helm_pull, helm_dependency). Aliases are kubernetes.core's names where
# the meaning is the same (helm, helm_pull, helm_template); module_utils/source/options.py reads them.
CHART_SOURCE_ARG_SPEC = dict(REPO_AUTH_ARG_SPEC)
CHART_SOURCE_ARG_SPEC.update(
    username=dict(type="str", aliases=["repo_username", "chart_repo_username"]),
    password=dict(type="str", no_log=True, aliases=["repo_password", "chart_repo_password"]),
    token=dict(type="str", no_log=True),
    ca_file=dict(type="path", aliases=["chart_ca_cert"]),
    cert_file=dict(type="path", aliases=["chart_ssl_cert_file"]),
    key_file=dict(type="path", no_log=False, aliases=["chart_ssl_key_file"]),
    insecure_skip_tls_verify=dict(type="bool", default=False, aliases=["skip_tls_certs_check", "insecure", "insecure_registry"]),
    plain_http=dict(type="bool", default=False),
    registry_config=dict(type="path"),
    devel=dict(type="bool", default=False, aliases=["chart_devel"]),
    credentials_secret=dict(type="dict", no_log=False, options=dict(
        name=dict(type="str", required=True),
        namespace=dict(type="str"),
    )),
    credentials_secret_fallback_namespace=dict(type="str", no_log=False),
    update_repo_cache=dict(type="bool", default=False),
)

# The registry half of CHART_SOURCE_ARG_SPEC (doc fragment helmkit.core.chart_source.registry), for helm_push.
REGISTRY_ARG_SPEC = dict((name, CHART_SOURCE_ARG_SPEC[name]) for name in (
    "username", "password", "token", "ca_file", "cert_file", "key_file", "insecure_skip_tls_verify", "plain_http",
    "registry_config", "credentials_secret", "credentials_secret_fallback_namespace"))

# The values options of the modules that render a chart without a release (doc fragment helmkit.core.chart_values):
# one more values file as a dict, Helm's --set variants and --skip-schema-validation (helm_lint, helm_template).
CHART_VALUES_ARG_SPEC = dict(
    values=dict(type="dict", default={}, aliases=["release_values"]),
    set_values=dict(type="list", elements="dict", default=[], options=dict(
        value=dict(type="str", required=True),
        value_type=dict(type="str", default="raw", choices=["raw", "string", "json", "file", "literal"]))),
    skip_schema_validation=dict(type="bool", default=False),
)

# kubernetes.core's path of the helm binary (doc fragment helmkit.core.binary_path): accepted and ignored, with
# kcore.warn_binary_path's warning, by the modules that take kubernetes.core's option names (helm, helm_info,
# helm_pull, helm_registry_auth, helm_repository, helm_template).
BINARY_PATH_ARG_SPEC = dict(
    binary_path=dict(type="path"),
)

# Helm's plugin directory (doc fragment helmkit.core.helm_plugins): helm_plugin, helm_plugin_info.
HELM_PLUGINS_ARG_SPEC = dict(
    plugins_directory=dict(type="path"),
)

# helm_release's values input, post-rendering and drift options (doc fragment helmkit.core.release_input): the values
# files' contents as the action plugin read them on the controller, Helm's --set variants, --post-renderer,
# --wait-for-jobs, and drift detection.
RELEASE_INPUT_ARG_SPEC = dict(
    values_files_contents=dict(type="list", elements="dict", options=dict(
        path=dict(type="str", required=True), content=dict(type="str", no_log=True),
        vault=dict(type="bool", default=False), searched=dict(type="list", elements="str"))),
    set_values=dict(type="list", elements="dict", options=dict(
        value=dict(type="str", required=True),
        value_type=dict(type="str", default="raw", choices=["raw", "string", "json", "file", "literal"]))),
    post_renderer=dict(type="dict", options=dict(
        binary_path=dict(type="str", required=True), args=dict(type="list", elements="str", default=[]),
        timeout=dict(type="raw", default=60))),
    wait_for_jobs=dict(type="bool", default=False),
    drift=dict(type="str", default="ignore", choices=["detect", "correct", "ignore"]),
    drift_ignore=dict(type="list", elements="str", default=[]),
)

# helm_release's upgrade semantics, rollback, uninstall, hooks, CRDs and failure handling (doc fragment
# helmkit.core.release_lifecycle), with Helm's flag names.
RELEASE_LIFECYCLE_ARG_SPEC = dict(
    description=dict(type="str"),
    labels=dict(type="dict"),
    disable_hooks=dict(type="bool", default=False, aliases=["disable_hook"]),
    reuse_values=dict(type="bool", default=False),
    reset_values=dict(type="bool", default=False),
    reset_then_reuse_values=dict(type="bool", default=False),
    take_ownership=dict(type="bool", default=False),
    cleanup_on_fail=dict(type="bool", default=False),
    atomic=dict(type="bool", default=False, aliases=["rollback_on_failure"]),
    skip_crds=dict(type="bool", default=False),
    crds=dict(type="str", default="create_replace", choices=["create", "create_replace", "skip"]),
    revision=dict(type="int", default=0),
    keep_history=dict(type="bool", default=False),
    cascade=dict(type="str", default="background", choices=["background", "foreground", "orphan"]),
)
