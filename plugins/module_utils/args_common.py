"""Argument specs shared by helmkit.core's modules, each beside the doc fragment that documents it.

kubernetes.core keeps its shared specs in ``args_common.py``; so does this collection. Plain dicts, no Ansible import:
``_common.py`` re-exports them for the modules. Keep each spec's names, types, aliases and defaults identical to its
doc fragment in ``plugins/doc_fragments/`` (named in the comment above it).
"""
from __future__ import annotations

# The Kubernetes connection options (doc fragment helmkit.core.kube_auth). Every module of meta/runtime.yml's
# ``helm`` action group declares them: the ones that talk to a cluster document them with the doc fragment
# helmkit.core.kube_auth, the others accept them unused (doc fragment helmkit.core.kube_auth.unused) so that
# ``module_defaults: {group/helmkit.core.helm: {kubeconfig: ..., context: ...}}`` never fails a task with
# "Unsupported parameters".
KUBE_AUTH_ARG_SPEC = dict(
    kubeconfig=dict(type="raw", no_log=False),
    context=dict(type="str", aliases=["kube_context"]),
)

# The chart repository options (doc fragment helmkit.core.repo_auth): helm's --username, --password,
# --pass-credentials, --ca-file, --cert-file, --key-file, --insecure-skip-tls-verify, --repository-config and
# --repository-cache.
REPO_AUTH_ARG_SPEC = dict(
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    pass_credentials=dict(type="bool", default=False, no_log=False),
    ca_file=dict(type="path"),
    cert_file=dict(type="path"),
    key_file=dict(type="path", no_log=False),
    insecure_skip_tls_verify=dict(type="bool", default=False),
    repository_config=dict(type="path"),
    repository_cache=dict(type="path"),
)
