#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_registry_auth: kubernetes.core.helm_registry_auth's interface over helm_registry_login."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_registry_auth
short_description: Log in to or out of an OCI registry with kubernetes.core.helm_registry_auth's interface
version_added: "0.1.0"
description:
  - A drop-in for C(kubernetes.core.helm_registry_auth), with the same options and return keys, over the code of
    M(helmkit.core.helm_registry_login) (credentials checked against the registry, then written to Helm's registry
    config). No C(helm) binary is run; RV(command) is the equivalent command line, for reference.
  - A registry on C(localhost), C(127.0.0.1) or C([::1]) is spoken to over plain HTTP, as Helm 3's resolver does.
options:
  host:
    description: Registry C(host[:port]).
    type: str
    required: true
    aliases: [registry_url]
  state:
    description: V(present) logs in, V(absent) logs out.
    type: str
    default: present
    choices: [present, absent]
  username:
    description: Registry username. Required for O(state=present).
    type: str
    aliases: [repo_username]
  password:
    description: Registry password or token. Required for O(state=present). Never logged or returned.
    type: str
    aliases: [repo_password]
  key_file:
    description: PEM private key of O(cert_file).
    type: path
  cert_file:
    description: PEM client certificate.
    type: path
  ca_file:
    description: PEM file of the CA certificates that sign the registry's certificate.
    type: path
  insecure:
    description: Do not verify the registry's HTTPS certificate.
    type: bool
    default: false
  plain_http:
    description: Talk plain HTTP to the registry (always so for a registry on the local host).
    type: bool
    default: false
  registry_config:
    description: The credentials file. Helm's (E(HELM_REGISTRY_CONFIG) or C(registry/config.json)) by default.
    type: path
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.binary_path
  - helmkit.core.kube_auth.unused
attributes:
  check_mode:
    description: The credentials are checked; nothing is written.
    support: full
  diff_mode:
    description: No diff is returned.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Login to remote registry
  helmkit.core.helm_registry_auth:
    username: admin
    password: "sample_admin_password"
    host: localhost:5000

- name: Logout from remote registry
  helmkit.core.helm_registry_auth:
    state: absent
    host: localhost:5000
"""

RETURN = r"""
stdout:
  description: What C(helm registry login) / C(logout) prints.
  returned: always
  type: str
  sample: Login Succeeded
stdout_lines:
  description: RV(stdout) split into lines.
  returned: always
  type: list
  elements: str
stderr:
  description: Empty on success; C(Error:) and the message when the task fails.
  returned: always
  type: str
stderr_lines:
  description: RV(stderr) split into lines.
  returned: always
  type: list
  elements: str
command:
  description: The equivalent C(helm) command line (the password is never on it).
  returned: always
  type: str
  sample: helm registry login localhost:5000 --username=admin --password-stdin
registry_config:
  description: The credentials file.
  returned: always
  type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils import kcore  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module, valid_text)
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kcore import REGISTRY_AUTH_ARG_SPEC  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.registry_task import registry_login  # noqa: E402


def _action(module):
    params = kcore.registry_params(module.params, module.warn)
    command = kcore.registry_command(params)
    try:
        result = registry_login(params, module.check_mode)
    except HelmkitError as exc:
        message = valid_text(str(exc))
        module.fail_json(msg=message, command=command, stdout="", stdout_lines=[], stderr="Error: %s\n" % message,
                         stderr_lines=["Error: %s" % message])
    stdout = "Removing login credentials for %s\n" % result["host"] if params["state"] == "absent" \
        else "Login Succeeded\n"
    return {"changed": result["changed"], "command": command, "stdout": stdout, "stdout_lines": stdout.splitlines(),
            "stderr": "", "stderr_lines": [], "registry_config": result["registry_config"]}


def main():
    argument_spec = dict(REGISTRY_AUTH_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
