#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_dependency: helm dependency build / update / list without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_dependency
short_description: Build, update or list a chart's dependencies, without the helm binary
version_added: "0.1.0"
description:
  - Does what C(helm dependency build), C(helm dependency update) and C(helm dependency list) do for a chart
    directory, writing the same C(Chart.lock) (C(requirements.lock) for apiVersion v1 charts) Helm writes.
  - Dependencies come from C(https://) chart repositories (configured in C(repositories.yaml) or not), a configured
    repository named C(@name) or C(alias:name), C(oci://) registries, C(file://) chart directories (packaged into
    C(charts/)) or an unpacked chart already in C(charts/) (no repository).
  - Only the repositories the chart uses are refreshed, each once; archives are downloaded concurrently.
  - Every change is staged first. A failure leaves C(charts/) and the lock file exactly as they were.
  - Idempotent. Supports check mode (resolves and downloads into the cache, changes nothing in the chart).
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.secret
  - helmkit.core.chart_source
options:
  chart_path:
    description: The chart directory (the one holding C(Chart.yaml)).
    type: path
    required: true
  state:
    description:
      - V(present) rebuilds C(charts/) from the lock file (C(helm dependency build)); without a lock it updates.
        It fails with Helm's message when the lock is out of sync with C(Chart.yaml).
      - V(update) resolves every dependency again, places the archives into C(charts/), removes outdated chart
        archives and writes the lock when its digest changed (C(helm dependency update)).
      - V(list) changes nothing and returns each dependency with Helm's status (C(helm dependency list)).
        M(helmkit.core.helm_dependency_info) returns the same list; prefer it in new playbooks (Ansible's module
        guidelines keep read-only queries in C(_info) modules).
    type: str
    choices: [present, update, list]
    default: present
  skip_refresh:
    description: Use the cached repository indexes instead of downloading them again (C(--skip-refresh)).
    type: bool
    default: false
  verify:
    description:
      - Verify every chart that comes from a chart repository or an OCI registry with its provenance file, like
        C(helm dependency build --verify) / C(helm dependency update --verify), before anything in the chart is
        changed. The provenance file is C(<chart URL>.prov) for repositories and the provenance layer for
        C(oci://) registries; its OpenPGP signature must be made by a key of O(keyring), and the SHA-256 it lists
        for the archive must match.
      - Archives already in C(charts/) are verified too. C(file://) dependencies and unpacked charts in
        C(charts/) are not verified (as in Helm).
      - A missing provenance file, a key that is not in O(keyring), an altered provenance file or archive fails
        the task and leaves C(charts/) and the lock file unchanged.
      - Needs the Python package C(pysequoia) on the host that runs the task.
    type: bool
    default: false
  keyring:
    description:
      - OpenPGP public keyring for O(verify) (C(gpg --export) output, binary or ASCII-armored, or a GnuPG
        C(pubring.kbx)).
      - Default Helm's, C($GNUPGHOME/pubring.gpg) or C(~/.gnupg/pubring.gpg).
    type: path
  timeout:
    description:
      - Timeout of each HTTP request.
      - Seconds (V(120)) or a Go duration (V(2m), V(90s)), read as helm_release reads its O(timeout).
    type: raw
    default: 120
notes:
  - O(username), O(password) and the TLS options apply to repositories that are not in C(repositories.yaml) and to
    C(oci://) registries; repositories of C(repositories.yaml) use their stored credentials unless these are given.
  - Like Helm, the dependencies of C(file://) charts are not resolved recursively.
attributes:
  check_mode:
    description:
      - Dependencies are resolved and downloaded into the cache; nothing in the chart (C(Chart.lock),
        C(charts/)) changes; C(changed) says whether it would.
    support: full
  diff_mode:
    description:
      - No diff is produced.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Resolve dependencies and write Chart.lock
  helmkit.core.helm_dependency:
    chart_path: charts/myapp
    state: update

- name: Rebuild charts/ from Chart.lock (CI)
  helmkit.core.helm_dependency:
    chart_path: charts/myapp

- name: Rebuild charts/ only from charts signed by a trusted key
  helmkit.core.helm_dependency:
    chart_path: charts/myapp
    verify: true
    keyring: /etc/helm/trusted-signers.gpg

- name: Show the status of each dependency
  helmkit.core.helm_dependency:
    chart_path: charts/myapp
    state: list
  register: deps
"""

RETURN = r"""
dependencies:
  description:
    - For V(present) and V(update), the locked dependencies (C(name), C(repository), C(version)).
    - For V(list), the dependencies of C(Chart.yaml) (C(name), C(version) constraint, C(repository)) with
      C(status), one of C(ok), C(missing), C(wrong version), C(unpacked), C(misnamed), C(corrupt),
      C(invalid version), C(too many matches).
  returned: always
  type: list
  elements: dict
lock_path:
  description: Path of the lock file.
  returned: when state is present or update
  type: str
lock_written:
  description: Whether the lock file was (or in check mode would be) written.
  returned: when state is present or update
  type: bool
digest:
  description: The lock's digest, C(sha256:...).
  returned: when state is present or update
  type: str
added:
  description: Archive file names written into C(charts/).
  returned: when state is present or update
  type: list
  elements: str
removed:
  description: Outdated chart archives removed from C(charts/).
  returned: when state is present or update
  type: list
  elements: str
unchanged:
  description: Archives already in C(charts/) with the right content.
  returned: when state is present or update
  type: list
  elements: str
verified:
  description:
    - With O(verify=true), one entry per verified chart archive, C(helm verify)'s result.
    - C(name), C(version), C(archive) (file name in C(charts/)), C(signed_by) (user IDs of the signing key),
      C(fingerprint) (of the signing key's primary key), C(signing_key), C(file_hash) (C(sha256:...)),
      C(file_name), C(keyring) and C(text) (the lines C(helm verify) prints).
  returned: when state is present or update
  type: list
  elements: dict
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    CHART_SOURCE_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402


def _action(module):

    p = module.params
    if p["state"] == "list":
        return {"changed": False, "dependencies": manager.list_dependencies(p["chart_path"])}
    options = module_source_options(p)
    action = manager.update_dependencies if p["state"] == "update" else manager.build_dependencies
    return action(p["chart_path"], options, check_mode=module.check_mode).as_dict()


def main():
    argument_spec = dict(
        chart_path=dict(type="path", required=True),
        state=dict(type="str", choices=["present", "update", "list"], default="present"),
        skip_refresh=dict(type="bool", default=False),
        verify=dict(type="bool", default=False),
        keyring=dict(type="path", no_log=False),
        timeout=dict(type="raw", default=120),
    )
    argument_spec.update(CHART_SOURCE_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by={"key_file": "cert_file"})
    run_module(module, _action)


if __name__ == "__main__":
    main()
