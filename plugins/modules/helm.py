#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm: kubernetes.core.helm's interface over helm_release's task layer."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm
short_description: Manage Helm releases with kubernetes.core.helm's interface, without the helm binary
version_added: "0.1.0"
description:
  - A drop-in for C(kubernetes.core.helm) (kubernetes.core 6.x), with the same options, aliases, types, defaults and
    return keys, so that its playbooks run with only the collection name changed.
  - A thin adapter over M(helmkit.core.helm_release); the release is rendered and applied in Python as Helm v4 does
    (server-side apply), and stored in Helm's format, so that M(helmkit.core.helm_release) and the C(helm) CLI manage
    the same release.
  - kubernetes.core's defaults are kept where they differ from Helm's; O(reset_values=true) and O(purge=true).
  - "Differences: no binary is run (O(binary_path) is ignored with a warning); RV(stdout) is the text Helm would
    print and RV(command) the equivalent command line, for reference."
options:
  chart_ref:
    description:
      - The chart. A name in an added repository (V(repo/chart)), a packaged chart (C(.tgz)) path, an unpacked chart
        directory, an absolute URL, or an C(oci://) reference.
      - Required when O(release_state=present).
    type: path
  chart_repo_url:
    description: Chart repository URL where to locate the requested chart.
    type: str
  chart_version:
    description: Chart version (or semver constraint) to install. The latest stable version when not given.
    type: str
  dependency_update:
    description:
      - Update the dependencies of a local chart directory before installing it (C(helm dependency update)).
      - A chart without dependencies gets kubernetes.core's warning.
    type: bool
    default: false
    aliases: [dep_up]
  release_name:
    description: Release name to manage.
    type: str
    required: true
    aliases: [name]
  release_namespace:
    description: Kubernetes namespace where the chart should be installed.
    type: str
    required: true
    aliases: [namespace]
  release_state:
    description: Desired state of the release.
    type: str
    default: present
    choices: [present, absent]
    aliases: [state]
  release_values:
    description: Values to pass to the chart.
    type: dict
    default: {}
    aliases: [values]
  values_files:
    description:
      - Values files to pass to the chart, read on the target host (as kubernetes.core does), merged in order before
        O(release_values).
    type: list
    elements: str
    default: []
  update_repo_cache:
    description: Download the index of every added repository first (C(helm repo update)).
    type: bool
    default: false
  set_values:
    description: Values as C(helm --set) and its variants take them, applied after O(release_values).
    type: list
    elements: dict
    suboptions:
      value:
        description: The C(key=value) expression.
        type: str
        required: true
      value_type:
        description: V(raw) (C(--set)), V(string) (C(--set-string)), V(json) (C(--set-json)), V(file)
          (C(--set-file)) or V(literal) (C(--set-literal)).
        type: str
        default: raw
        choices: [raw, string, json, file, literal]
  disable_hook:
    description: Do not run the chart's hooks on install, upgrade or uninstall.
    type: bool
    default: false
  force:
    description:
      - Helm v4's C(--force-replace) - on upgrade, existing objects are replaced whole (C(PUT) with the full object)
        instead of patched; an object whose immutable fields change fails (nothing is deleted and re-created, as in
        Helm v4).
      - As in Helm v4 it works with client-side apply only - O(server_side=false), or V(auto) on a release written
        with client-side apply; with server-side apply the upgrade fails before anything is written.
    type: bool
    default: false
  purge:
    description:
      - Remove the release from the store and make its name free for later use (kubernetes.core's default). V(false)
        uninstalls keeping the history (C(helm uninstall --keep-history)).
    type: bool
    default: true
  wait:
    description: Wait until Deployments, StatefulSets, DaemonSets, Jobs and Pods are ready.
    type: bool
    default: false
  wait_timeout:
    description:
      - Deprecated, as in kubernetes.core (a deprecation warning is given); use O(timeout). Used when O(timeout) is
        not given.
    type: str
  timeout:
    description: How long to wait for any individual Kubernetes operation, as a Go duration (V(5m0s)) or seconds.
      Helm's V(5m0s) when not given.
    type: str
  atomic:
    description: Roll back (upgrade) or uninstall (install) when the action fails.
    type: bool
    default: false
  create_namespace:
    description: Create the release namespace if not present.
    type: bool
    default: false
  post_renderer:
    description: Path of an executable that reads the rendered manifest on stdin and writes the manifest to install.
    type: str
  replace:
    description:
      - Reuse the name of an uninstalled release kept in the history (C(helm install --replace)). An uninstalled
        release is reinstalled anyway here; the option is accepted for the command line.
    type: bool
    default: false
  skip_crds:
    description: Skip the chart's custom resource definitions (C(crds/)) on install.
    type: bool
    default: false
  history_max:
    description: Revisions to keep in the release history; Helm's 10 when not given, V(0) for all.
    type: int
  reuse_values:
    description:
      - On upgrade, reuse the last revision's values and merge the given ones over them. Ignored when
        O(reset_values=true), as in kubernetes.core.
    type: bool
  reset_values:
    description: On upgrade, reset the values to the chart's defaults (kubernetes.core's default; Helm's is V(false)).
    type: bool
    default: true
  reset_then_reuse_values:
    description:
      - On upgrade, reset to the new chart's defaults, then apply the last revision's values and the given ones.
        Ignored when O(reset_values) or O(reuse_values) is V(true).
    type: bool
    default: false
  take_ownership:
    description: Adopt existing objects that belong to no release or to another one (C(helm --take-ownership)).
    type: bool
    default: false
  skip_schema_validation:
    description:
      - C(helm --skip-schema-validation) - the values are not validated against the chart's (and its subcharts')
        C(values.schema.json).
    type: bool
    default: false
  server_side:
    description:
      - How objects are applied, as Helm v4's C(--server-side). V(true) uses server-side apply; a release written
        with client-side apply (by Helm 3) has its objects' managed fields migrated on that upgrade, as Helm v4 does
        (client-go C(csaupgrade)), so that fields the new chart drops are removed.
      - V(false) uses client-side apply as Helm v4 does - objects are created with C(POST) and updated with a
        three-way patch of the previous revision's object, the new one and the live one (a strategic merge patch
        for Kubernetes' own kinds, with the merge keys of the server's OpenAPI documents; a JSON merge patch for
        custom resources). The revision records C(apply_method=csa).
      - V(auto) is V(true) for an install, and for an upgrade follows the release's recorded C(apply_method) - a
        release written with client-side apply stays client-side.
    type: str
    default: auto
    choices: [auto, "true", "false"]
  insecure_skip_tls_verify:
    description: Skip TLS certificate checks of the chart download (C(--insecure-skip-tls-verify)).
    type: bool
    default: false
    aliases: [skip_tls_certs_check]
  plain_http:
    description: Use plain HTTP for the C(oci://) chart download (C(--plain-http)).
    type: bool
    default: false
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.binary_path
  - helmkit.core.kcore
attributes:
  check_mode:
    description: Objects are sent with C(dryRun=All); nothing is stored. RV(diff) has kubernetes.core's C(prepared).
    support: full
  diff_mode:
    description: RV(diff) holds C(prepared), the unified diff of the values and of each object that changes.
    support: full
notes:
  - Set O(server_side) and O(force) knowing the differences above; see docs/migrating-from-kubernetes-core.md.
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Deploy latest version of Prometheus chart inside monitoring namespace (and create it)
  helmkit.core.helm:
    name: test
    chart_ref: stable/prometheus
    release_namespace: monitoring
    create_namespace: true

- name: Add stable chart repo
  helmkit.core.helm_repository:
    name: stable
    repo_url: "https://kubernetes.github.io/ingress-nginx"

- name: Deploy Grafana chart on 5.0.12 with values loaded from template
  helmkit.core.helm:
    name: test
    chart_ref: stable/grafana
    chart_version: 5.0.12
    release_namespace: monitoring
    values: "{{ lookup('template', 'somefile.yaml') | from_yaml }}"

- name: Deploy Grafana chart using values files on target
  helmkit.core.helm:
    name: test
    chart_ref: stable/grafana
    release_namespace: monitoring
    values_files:
      - /path/to/values.yaml

- name: Deploy with set_values
  helmkit.core.helm:
    name: test
    chart_ref: stable/grafana
    release_namespace: monitoring
    set_values:
      - value: phase=prod
        value_type: string

- name: Remove test release and waiting suppression ending
  helmkit.core.helm:
    name: test
    release_namespace: monitoring
    state: absent
    wait: true
"""

RETURN = r"""
status:
  description: The release after the action (before it, for an uninstall), as C(helm list) gives it, with its values.
  returned: when a release exists or existed
  type: complex
  contains:
    appversion:
      description: The chart's appVersion (also as C(app_version)).
      type: str
    app_version:
      description: The chart's appVersion.
      type: str
    chart:
      description: Chart name and chart version.
      type: str
    name:
      description: Name of the release.
      type: str
    namespace:
      description: Namespace where the release is deployed.
      type: str
    revision:
      description: Revision number of the release.
      type: int
    status:
      description: Status of the release (V(deployed), V(failed), ...).
      type: str
    updated:
      description: When the revision was deployed (RFC 3339).
      type: str
    description:
      description: Helm's description of the revision.
      type: str
    values:
      description: The user-supplied values of the release (C(helm get values)).
      type: dict
stdout:
  description: The text C(helm) prints for the action (empty when nothing changed).
  returned: always
  type: str
stdout_lines:
  description: RV(stdout) split into lines.
  returned: always
  type: list
  elements: str
stderr:
  description: Empty on success; C(Error:) and the error message when the task fails.
  returned: always
  type: str
stderr_lines:
  description: RV(stderr) split into lines.
  returned: always
  type: list
  elements: str
rc:
  description: V(0) on success, V(1) on failure, as the C(helm) command's exit code.
  returned: always
  type: int
diff:
  description:
    - kubernetes.core's diff (the helm-diff plugin's output there) in C(prepared), a unified diff of the release
      values and of each object that changes, from a server-side dry run. Secret data is masked.
  returned: in check mode and diff mode, for O(release_state=present)
  type: dict
  sample: {"prepared": "--- values (revision 1)\n+++ values (revision 2)\n..."}
command:
  description: The equivalent C(helm) command line, for reference (secrets masked; inline values shown as a file).
  returned: always
  type: str
  sample: helm upgrade --namespace=monitoring -i --reset-values --create-namespace test stable/prometheus
"""

import difflib  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils import kcore  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    AnsibleModule, run_module, valid_text)
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kcore import COMMON_ARG_SPEC, HELM_ARG_SPEC  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.release.query import (  # noqa: E402
    ReleaseQuery, find_releases)
from ansible_collections.helmkit.core.plugins.module_utils.release_task import (  # noqa: E402
    cluster_options, release_action, release_defaults, user_values)


def _prepared(diffs: list) -> str:
    """kubernetes.core's ``diff.prepared``: one unified diff text for the plan's diffs."""
    text = []
    for item in diffs or []:
        text.extend(difflib.unified_diff((item.get("before") or "").splitlines(True),
                                         (item.get("after") or "").splitlines(True),
                                         item.get("before_header") or "", item.get("after_header") or ""))
    return "".join(text)


def _stored_values(params: dict):
    """The release's user-supplied values as stored (``helm get values``); None when it has none."""
    with KubeClient.from_options(cluster_options(params)) as client:
        found = find_releases(ReleaseQuery(client), name=params["release_name"],
                              namespaces=[params["release_namespace"]])
    return found[0]["values"] if found else None


def _action(module):
    params = module.params
    command = kcore.helm_command(params)
    try:
        if params["wait_timeout"] is not None:
            module.deprecate(kcore.WAIT_TIMEOUT_DEPRECATION, version="2.0.0", collection_name="helmkit.core")
        native = kcore.release_params(params, release_defaults(), module.warn)
        if params["release_state"] == "present":
            if params["update_repo_cache"]:
                kcore.update_repositories()
            if params["dependency_update"] and not kcore.has_dependencies(params["chart_ref"]):
                module.warn(kcore.NO_DEPENDENCIES_WARNING)
        module._diff = module._diff or module.check_mode
        output = release_action(module, native)
        status = output.get("status")
        values = None
        if status and params["release_state"] == "present" and not module.check_mode:
            values = _stored_values(native)
        elif status and params["release_state"] == "present":
            values = user_values(native)
    except HelmkitError as exc:
        message = valid_text(str(exc))
        helm_text = valid_text(exc.helm_message or message)  # what helm prints, as kubernetes.core returns it
        module.fail_json(msg=message, command=command, stdout="", stdout_lines=[], stderr="Error: %s\n" % helm_text,
                         stderr_lines=["Error: %s" % helm_text], rc=1)
    installed = bool(status) and status.get("revision") == 1
    stdout = kcore.helm_stdout(output, params, installed) if not module.check_mode else ""
    result = {"changed": output["changed"], "command": command, "stdout": stdout,
              "stdout_lines": stdout.splitlines(), "stderr": "", "stderr_lines": [], "rc": 0}
    if output.get("failed"):  # atomic undid the action: the task fails with Helm's error text
        message = valid_text(output["msg"])
        result.update(failed=True, msg=message, stdout="", stdout_lines=[], stderr="Error: %s\n" % message,
                      stderr_lines=["Error: %s" % message], rc=1)
    if status:
        result["status"] = kcore.status_compat(status, values if params["release_state"] == "present"
                                               else status.get("values"))
    if "diff" in output:
        result["diff"] = {"prepared": _prepared(output["diff"])}
    for key in ("atomic", "recovered", "kept", "info"):
        if key in output:
            result[key] = output[key]
    return result


def main():
    argument_spec = dict(HELM_ARG_SPEC)
    argument_spec.update(COMMON_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("release_state", "present", ["chart_ref"])])
    run_module(module, _action)


if __name__ == "__main__":
    main()
