#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_release: install, upgrade or uninstall a Helm release without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_release
short_description: Install, upgrade or uninstall a Helm release, without the helm binary
version_added: "0.1.0"
description:
  - Renders a Helm chart in pure Python and applies it like Helm v4 (server-side apply), storing the release in
    Helm v4's Secret format so that the C(helm) CLI sees and manages the same release.
  - Idempotent. When the last revision is deployed with the same chart version and the same values, the chart
    rendered as that revision gives the stored manifest, and all its objects still exist, the module makes no write
    to the cluster. Charts with random output (generated passwords) upgrade on every run, as with Helm.
  - In check mode, objects are sent with C(dryRun=All) to be validated, and nothing is stored.
options:
  release_name:
    description: Name of the release.
    type: str
    required: true
    aliases: [name]
  release_namespace:
    description:
      - Namespace of the release, where its objects and its release records go.
      - When not given, the namespace Helm would use (C(helm upgrade --install) without C(-n)) - E(HELM_NAMESPACE),
        else the namespace of the kubeconfig context in use, else, in a pod using the in-cluster configuration, the
        pod's namespace (E(POD_NAMESPACE) or the service account's C(namespace) file), else V(default).
        RV(namespace) and RV(namespace_source) show the one used.
    type: str
    aliases: [namespace]
  chart_ref:
    description:
      - The chart. A local chart directory or C(.tgz) path, V(repo/chart) for a repository added with
        M(helmkit.core.helm_repository), a chart name together with O(chart_repo_url), or a C(.tgz) URL.
      - Required when O(state=present).
    type: str
  chart_repo_url:
    description:
      - URL of the chart repository (C(https://...)) or registry path (C(oci://host/path)) that holds O(chart_ref).
      - No M(helmkit.core.helm_repository) task is needed; the repository's credentials and TLS settings are the
        chart-source options below.
    type: str
  chart_version:
    description:
      - Chart version or semver constraint. Defaults to the latest stable version (for an C(oci://) O(chart_ref),
        the highest semver tag, as Helm does).
    type: str
  require_chart_version:
    description:
      - Refuse an C(oci://) O(chart_ref) without O(chart_version), C(:tag) or C(@digest) before any request, so that
        every run installs the same chart instead of the latest tag.
    type: bool
    default: false
  release_values:
    description:
      - Values for the chart, merged over O(values_files) (like C(helm --set-json)).
      - When no values are given at all, an upgrade reuses the last revision's values, as Helm does.
    type: dict
    default: {}
    aliases: [values]
  values_files:
    description:
      - Values files merged in order (like C(helm -f)), before O(release_values) and O(set_values).
      - Read on the Ansible controller by the action plugin (relative paths are searched like C(files/) of the role
        or playbook), decrypted with Ansible Vault when encrypted (the values of an encrypted file are then masked
        in all task output, diffs included); a path not found on the controller is read on the managed host.
    type: list
    elements: str
    default: []
  create_namespace:
    description: Create O(release_namespace) if needed, with the same server-side apply as C(helm --create-namespace).
    type: bool
    default: false
  state:
    description:
      - V(present) installs or upgrades the release. A release whose last revision failed (or was left
        C(pending-*) longer than O(timeout)) is upgraded from its last deployed revision; a failed first install is
        replaced; RV(recovered) says so.
      - V(absent) uninstalls it (see O(keep_history), O(cascade), O(wait)).
      - V(rollback) rolls it back to O(revision) like C(helm rollback), as a new revision.
    type: str
    choices: [present, absent, rollback]
    default: present
    aliases: [release_state]
  field_manager:
    description:
      - Server-side apply field manager. The helm CLI uses V(helm); keep it so that C(helm upgrade) after this
        module does not conflict.
    type: str
    default: helm
  force_conflicts:
    description: Take over fields owned by another field manager instead of failing with a conflict.
    type: bool
    default: false
  wait:
    description: Wait until Deployments, StatefulSets, DaemonSets, Jobs and Pods are ready (or deleted objects gone).
    type: bool
    default: false
  timeout:
    description:
      - How long to wait for readiness, hooks and deletions. Seconds (V(300)) or a Go duration like C(helm
        --timeout) (V(5m), V(1h30m)). Anything else fails before any request.
    type: raw
    default: 300
  max_history:
    description: Revisions to keep in the release history; V(0) keeps them all.
    type: int
    default: 10
    aliases: [history_max]
  storage_driver:
    description:
      - Helm's storage driver for the release records, as E(HELM_DRIVER) chooses it for the helm CLI.
      - V(secret) keeps each revision in a Secret, V(configmap) in a ConfigMap, with the names, labels and encoding
        of Helm v4's drivers, so the helm CLI with the same E(HELM_DRIVER) lists, upgrades and rolls them back.
      - Unset, E(HELM_DRIVER) on the managed host decides (V(secret), V(secrets), V(configmap), V(configmaps)), and
        without it V(secret).
    type: str
    choices: [secret, configmap]
  sensitive_values:
    description:
      - Value paths (dotted keys, such as V(db.password) or V(tls)) whose contents never appear in the task's
        output. Every string under each path is masked in returned values, RV(manifest), diffs, errors and the logged
        invocation, in every form a template can give it - plain text, escaped by C(toJson), C(quote), C(squote),
        C(toYaml), C(urlquery), C(html) or C(js) (and two of these in a row), base64 and base64 twice, and inside a
        longer string that is then base64-encoded (a DSN in a Secret's C(data)). See docs/limits.md.
      - Secret objects are masked in diffs anyway; this also covers values printed into other objects.
    type: list
    elements: str
    default: []
  wait_for_lock:
    description:
      - How long to wait when another run is installing or upgrading the same release. Seconds or a Go duration
        (V(2m)). With V(0), the task fails at once with C(another operation (upgrade of revision N) is in
        progress).
      - The lock is a C(coordination.k8s.io/v1) Lease named C(helmkit.release.<release_name>) in the release
        namespace, held for the operation only; the helm CLI ignores it. A lock left by a killed run expires after
        O(timeout) plus a minute, or at once when its process on the same host is gone.
    type: raw
    default: 0
  dependency_update:
    description:
      - For a local chart directory, first do what M(helmkit.core.helm_dependency) does with V(state=update),
        that is resolve the dependencies of C(Chart.yaml), download them into C(charts/) and write C(Chart.lock)
        (C(helm install --dependency-update)). In check mode this happens on a temporary copy of the chart.
      - Without it, a chart directory whose dependencies are not in C(charts/) fails with a message that says to
        run M(helmkit.core.helm_dependency).
    type: bool
    default: false
    aliases: [dep_up]
  lint:
    description:
      - With O(state=present), lint the chart with the release's values first, like M(helmkit.core.helm_lint), and
        fail on any lint error before anything is sent to the cluster (warnings do not fail).
    type: bool
    default: false
  skip_schema_validation:
    description:
      - Do not validate the values against the chart's (and its subcharts') C(values.schema.json), like Helm v4's
        C(--skip-schema-validation).
    type: bool
    default: false
  verify:
    description:
      - Verify the chart with its provenance file before installing it, like C(helm install --verify). The
        OpenPGP signature must be made by a key of O(keyring) and the archive's SHA-256 must be the signed one.
      - Works for charts from repositories (C(<chart URL>.prov)), C(oci://) registries (the provenance layer) and
        local C(.tgz) files (C(<file>.prov) beside it); a chart directory cannot be verified, as in Helm.
      - A failure stops the task before anything is sent to the cluster. RV(provenance) returns the signer.
      - Needs the Python package C(pysequoia) on the host that runs the task.
    type: bool
    default: false
  keyring:
    description:
      - OpenPGP public keyring for O(verify) (C(gpg --export) output, binary or ASCII-armored, or a GnuPG
        C(pubring.kbx)). Default Helm's, C($GNUPGHOME/pubring.gpg) or C(~/.gnupg/pubring.gpg).
    type: path
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.chart
  - helmkit.core.chart_source
  - helmkit.core.release_input
  - helmkit.core.release_lifecycle
attributes:
  check_mode:
    description:
      - Every object is sent as a server-side apply with C(dryRun=All) under O(field_manager); nothing is stored.
        RV(plan) says which objects would be created, changed or deleted, and why.
    support: full
  diff_mode:
    description:
      - A diff of the release values and one per object that changes, between the live object (without
        managedFields, status, resourceVersion) and the server's dry-run result. Secret values are masked.
    support: full
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Install podinfo from a repository URL
  helmkit.core.helm_release:
    name: podinfo
    namespace: web
    create_namespace: true
    chart_ref: podinfo
    chart_repo_url: https://stefanprodan.github.io/podinfo
    chart_version: 6.14.1
    values:
      replicaCount: 2

- name: Install a local chart with values files, and wait for it
  helmkit.core.helm_release:
    name: app
    namespace: apps
    chart_ref: ./charts/app
    values_files:
      - values/prod.yaml
    wait: true
    timeout: 600

- name: Upgrade, rolling back automatically if it does not become ready in 5 minutes
  helmkit.core.helm_release:
    name: app
    namespace: apps
    chart_ref: ./charts/app
    reuse_values: true
    values:
      image:
        tag: "2.0"
    atomic: true
    timeout: 5m

- name: Roll back to revision 3
  helmkit.core.helm_release:
    name: app
    namespace: apps
    state: rollback
    revision: 3

- name: Uninstall, keeping the history (helm history still shows it)
  helmkit.core.helm_release:
    name: app
    namespace: apps
    state: absent
    keep_history: true

- name: Uninstall
  helmkit.core.helm_release:
    name: podinfo
    namespace: web
    state: absent
"""

RETURN = r"""
provenance:
  description:
    - With O(verify=true), who signed the chart, like C(helm verify)'s output. C(signed_by) (user IDs of the
      signing key), C(fingerprint) (its primary key, upper-case hex), C(signing_key), C(file_hash)
      (C(sha256:...)), C(file_name), C(keyring) and C(text) (the lines C(helm verify) prints).
  returned: when O(verify=true) and O(state=present)
  type: dict
recovered:
  description:
    - Present when this run recovered a failed release. C(revision) and C(status) name the revision found failed
      (or pending), C(action) what was done (V(upgrade from revision N) or V(replace failed install)), C(result)
      and C(new_revision) the outcome, C(deleted) the objects failed attempts had left behind that were removed.
  returned: when a failed release was recovered
  type: dict
  sample: {"revision": 3, "status": "failed", "action": "upgrade from revision 2", "result": "deployed",
           "new_revision": 4, "deleted": ["Deployment/web-canary"]}
rollback_to:
  description: With O(state=rollback), the revision rolled back to.
  returned: state=rollback
  type: int
  sample: 2
kept:
  description: With O(state=absent), objects kept by C(helm.sh/resource-policy=keep), as C(Kind/name).
  returned: when objects were kept
  type: list
  elements: str
info:
  description: Helm's uninstall text about the objects kept by resource policy.
  returned: when objects were kept
  type: str
atomic:
  description: V(rollback) or V(uninstall) when O(atomic) undid a failed action (the task then fails).
  returned: when atomic undid a failed action
  type: str
namespace:
  description: The release namespace the task used (O(release_namespace), or the one Helm's rule picked).
  returned: always
  type: str
  sample: web
namespace_source:
  description:
    - Where RV(namespace) came from - V(option), V(HELM_NAMESPACE), V(the namespace of kubeconfig context 'NAME'),
      V(POD_NAMESPACE), V(the in-cluster namespace file PATH) or V(default).
  returned: always
  type: str
  sample: option
status:
  description: The release's current revision (after uninstall, the revision that was uninstalled).
  returned: when a release exists or existed
  type: dict
  contains:
    name:
      description: Release name.
      type: str
      sample: podinfo
    namespace:
      description: Release namespace.
      type: str
      sample: web
    revision:
      description: Revision number.
      type: int
      sample: 2
    status:
      description: Helm's status of the revision, for example V(deployed), V(failed) or V(uninstalled).
      type: str
      sample: deployed
    chart:
      description: Chart name and version.
      type: str
      sample: podinfo-6.14.1
    app_version:
      description: The chart's appVersion.
      type: str
      sample: 6.14.1
    updated:
      description: When the revision was deployed (RFC 3339).
      type: str
      sample: "2026-11-21T10:08:45.055660341Z"
    description:
      description: Helm's description of the revision.
      type: str
      sample: Install complete
manifest:
  description: The rendered manifest of the revision, exactly as Helm stores it.
  returned: state=present
  type: str
notes:
  description: The chart's rendered NOTES.txt.
  returned: state=present
  type: str
plan:
  description:
    - What the run would do (check mode) or did (diff mode), decided by server-side dry-run.
    - C(action) is V(install), V(upgrade) or V(none); C(create), C(change) and C(delete) list objects as
      C(namespace/Kind/name); C(objects) gives each change with its C(reason) and the JSON pointers of the changed
      C(fields); C(values_changed) and C(chart) (C(before)/C(after)) describe the release inputs; C(hooks) lists
      the hooks the action would run (C(name), C(kind), C(event), C(weight)) in Helm's order.
    - With O(state=absent) in check mode, C(action) is V(uninstall) or V(purge) and C(objects), C(hooks) (the
      pre-delete and post-delete hooks that would run and be deleted), C(records) (the release's storage Secrets)
      and C(kept) (resource policy V(keep)) list each object as C(kind), C(namespace) and C(name); with diff mode
      the diff shows the same list.
  returned: state=present in check mode or diff mode, state=absent in check mode
  type: dict
  sample: {"action": "upgrade", "revision": 3, "create": [], "change": ["web/ConfigMap/app"], "delete": [],
           "objects": [{"action": "change", "object": {"apiVersion": "v1", "kind": "ConfigMap", "name": "app",
           "namespace": "web"}, "reason": "live object differs from the dry-run result", "fields": ["/data/a"]}],
           "values_changed": true, "chart": {"before": "app-1.0.0", "after": "app-1.0.0"}}
drift:
  description:
    - With O(drift=detect) or O(drift=correct) on an otherwise unchanged release, the objects whose managed fields
      were edited (or which were deleted) since the last revision, with each field's live and desired value
      (Secret values masked).
  returned: state=present and drift is not ignore
  type: list
  elements: dict
  sample: [{"object": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "namespace": "web"},
            "missing": false, "fields": [{"path": "/spec/replicas", "live": 5, "desired": 2}]}]
drift_corrected:
  description: True when O(drift=correct) re-applied drifted objects (no new revision is written).
  returned: when drift was corrected
  type: bool
chart_source:
  description:
    - Where the chart came from, for a chart that is not a local path (credentials never appear here).
    - C(credentials_source) names where the credentials came from, e.g. C(Secret "ops/regcred") when
      O(credentials_secret) was found in the fallback namespace.
  returned: state=present and the chart came from a repository, URL or registry
  type: dict
  sample: {"name": "podinfo", "version": "6.14.1", "kind": "oci", "repository": "registry.example:5000",
           "url": "oci://registry.example:5000/charts/podinfo:6.14.1@sha256:...", "digest": "...",
           "path": "/home/u/.cache/helm/repository/helmkit/charts/....tgz", "downloaded": true,
           "credentials_source": "Secret \"apps/regcred\""}
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.release_task import (  # noqa: E402
    release_action, release_argument_spec)


def main():
    module = AnsibleModule(argument_spec=release_argument_spec(), supports_check_mode=True,
                           required_if=[("state", "present", ["chart_ref"])])
    run_module(module, release_action)


if __name__ == "__main__":
    main()
