#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_test: run a release's test hooks like ``helm test``, without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_test
short_description: Run a Helm release's tests, like C(helm test), without the helm binary
version_added: "0.1.0"
description:
  - Runs the test hooks (C(helm.sh/hook=test)) of the release's last revision in Helm's order (weight, kind, name),
    with their delete policies, waits until each test Pod or Job finishes, and records each result (C(last_run)
    phase and times) in the release record as C(helm test) does. No new revision is written.
  - The task fails when a test fails, and returns the results of the tests that ran.
options:
  release_name:
    description: Name of the release.
    type: str
    required: true
    aliases: [name]
  release_namespace:
    description:
      - Namespace of the release.
      - When not given, the namespace Helm would use (C(helm test) without C(-n)) - E(HELM_NAMESPACE), else the
        namespace of the kubeconfig context in use, else, in a pod using the in-cluster configuration, the pod's
        namespace, else V(default). RV(status) shows the one used.
    type: str
    aliases: [namespace]
  filter:
    description:
      - Test hook names to run, as C(helm test --filter name=...). A name starting with C(!) is excluded; when any
        name without C(!) is given, only those run.
    type: list
    elements: str
    default: []
  logs:
    description: Return the logs of the test Pods that ran, in RV(logs) (C(helm test --logs)).
    type: bool
    default: false
  timeout:
    description:
      - How long all the tests may take. Seconds (V(300)) or a Go duration like C(helm test --timeout) (V(5m),
        V(1h30m)), read as M(helmkit.core.helm_release) reads its O(helmkit.core.helm_release#module:timeout).
        Anything else fails before any request.
    type: raw
    default: 300
  field_manager:
    description: Server-side apply field manager for the test objects (the helm CLI uses V(helm)).
    type: str
    default: helm
  storage_driver:
    description:
      - Helm's storage driver that holds the release records (Secrets or ConfigMaps), as E(HELM_DRIVER) for the CLI.
      - Unset, E(HELM_DRIVER) decides (V(secret), V(secrets), V(configmap), V(configmaps)), and without it V(secret).
    type: str
    choices: [secret, configmap]
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth
attributes:
  check_mode:
    description: In check mode no test runs; the task reports the tests that would run.
    support: full
  diff_mode:
    description: Tests change no configuration, so there is no diff.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Run podinfo's tests and show their logs
  helmkit.core.helm_test:
    name: podinfo
    namespace: web
    logs: true
    timeout: 120

- name: Run every test but the slow one
  helmkit.core.helm_test:
    name: app
    namespace: apps
    filter: ["!app-load-test"]
"""

RETURN = r"""
tests:
  description: The test hooks that ran (or would run, in check mode), in the order they ran.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the test object.
      type: str
    kind:
      description: Its kind (Pod or Job).
      type: str
    phase:
      description: V(Succeeded), V(Failed), or empty in check mode.
      type: str
    started_at:
      description: When it started (RFC 3339).
      type: str
    completed_at:
      description: When it finished (RFC 3339).
      type: str
logs:
  description: Log of each test Pod that ran, by Pod name.
  returned: when logs is true
  type: dict
status:
  description: The tested revision (name, namespace, revision, status, chart, app_version, updated, description).
  returned: always
  type: dict
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.gocompat.duration import parse_timeout  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kube.client import (  # noqa: E402
    KubeClient, connection_secrets, resolve_namespace)
from ansible_collections.helmkit.core.plugins.module_utils.release import testing  # noqa: E402


def _action(module):
    params = module.params
    timeout = parse_timeout(params["timeout"])
    module.no_log_values.update(connection_secrets(params))
    params["release_namespace"] = resolve_namespace(params["release_namespace"], params)[0]
    with KubeClient.from_options(params) as client:
        if module.check_mode:
            planned = testing.planned_tests(client, params["release_name"], params["release_namespace"],
                                            params["filter"], params["storage_driver"])
            return {"changed": bool(planned.tests), "tests": planned.tests, "status": planned.release.summary()}
        result = testing.run_tests(client, params["release_name"], params["release_namespace"], timeout,
                                   params["filter"], params["logs"], field_manager=params["field_manager"],
                                   storage_driver=params["storage_driver"])
    output = {"changed": bool(result.tests), "tests": result.tests, "status": result.release.summary()}
    if params["logs"]:
        output["logs"] = result.logs
    if result.failed:
        output["failed"] = True
        output["msg"] = result.failed
    return output


def main():
    argument_spec = dict(
        release_name=dict(type="str", required=True, aliases=["name"]),
        release_namespace=dict(type="str", aliases=["namespace"]),
        filter=dict(type="list", elements="str", default=[]),
        logs=dict(type="bool", default=False),
        timeout=dict(type="raw", default=300),
        field_manager=dict(type="str", default="helm"),
        storage_driver=dict(type="str", choices=["secret", "configmap"]),
    )
    argument_spec.update(KUBE_AUTH_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
