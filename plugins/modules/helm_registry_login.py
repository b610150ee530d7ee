#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_registry_login: log in to or out of an OCI registry like helm registry login/logout."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_registry_login
short_description: Log in to or out of an OCI registry, without the helm binary
version_added: "0.1.0"
description:
  - Like C(helm registry login) and C(helm registry logout). Logging in checks the credentials against the
    registry (C(GET /v2/) with Basic or Bearer token authentication) and only then stores them in Helm's registry
    config, which C(helm), M(helmkit.core.helm_push) and M(helmkit.core.helm_release) read.
  - The file is written atomically (temporary file and rename) under a file lock, with mode 0600.
  - Idempotent in both directions. Logging in again with the same credentials, or out when not logged in,
    reports no change. Supports check mode (the credentials are still verified).
options:
  host:
    description: Registry C(host[:port]) (an C(oci://) or C(https://) prefix is accepted and ignored).
    type: str
    required: true
  state:
    description: C(present) logs in, C(absent) logs out.
    type: str
    choices: [present, absent]
    default: present
  username:
    description: Registry username. Required for O(state=present).
    type: str
  password:
    description: Registry password or access token. Required for O(state=present). Never logged or returned.
    type: str
  registry_config:
    description:
      - The credentials file to write. Defaults to E(HELM_REGISTRY_CONFIG), else C(registry/config.json) in Helm's
        config home (E(HELM_CONFIG_HOME), E(XDG_CONFIG_HOME)/helm or C(~/.config/helm)).
    type: path
  insecure:
    description: Do not verify the registry's HTTPS certificate.
    type: bool
    default: false
  plain_http:
    description: Talk plain HTTP to the registry.
    type: bool
    default: false
  ca_file:
    description: PEM file of the CA certificates that sign the registry's certificate.
    type: path
  cert_file:
    description: PEM client certificate.
    type: path
  key_file:
    description: PEM private key of O(cert_file).
    type: path
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
attributes:
  check_mode:
    description:
      - The credentials are still verified against the registry; the registry config file is not written.
    support: full
  diff_mode:
    description:
      - No diff is produced; credentials never appear in the result.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Log in to a private registry
  helmkit.core.helm_registry_login:
    host: registry.example.com
    username: robot
    password: "{{ registry_password }}"

- name: Log out
  helmkit.core.helm_registry_login:
    host: registry.example.com
    state: absent
"""

RETURN = r"""
registry_config:
  description: The credentials file that was (or would be) written.
  returned: always
  type: str
host:
  description: The registry host as stored.
  returned: always
  type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.registry_task import registry_login  # noqa: E402


def _action(module):
    return registry_login(module.params, module.check_mode)


def main():
    argument_spec = dict(
        host=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        registry_config=dict(type="path"),
        insecure=dict(type="bool", default=False),
        plain_http=dict(type="bool", default=False),
        ca_file=dict(type="path"),
        cert_file=dict(type="path"),
        key_file=dict(type="path"),
    )
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
