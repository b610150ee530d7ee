#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_package: package (and sign) a chart directory, like helm package."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_package
short_description: Package a chart directory into a versioned archive, and sign it, like helm package
version_added: "0.2.0"
description:
  - Like C(helm package CHART_DIR). Writes C(<name>-<version>.tgz) into O(destination), with Helm's tar stream and
    gzip header, reproducibly (the same chart gives the same bytes).
  - With O(sign=true), also writes the provenance file C(<name>-<version>.tgz.prov), clear-signed with O(key) of
    O(keyring) as C(helm package --sign) does; C(helm verify) and M(helmkit.core.helm_pull) with C(verify) accept it.
    Signing uses the Python package C(pysequoia); no C(gpg) binary is needed.
  - Idempotent. When the archive already holds the same bytes (and, when signing, its provenance file verifies
    with the same key) nothing is written and C(changed) is false.
  - Everything is computed before anything is written, and files are replaced atomically, so a failure (missing
    dependency, unreadable keyring, wrong passphrase, unwritable destination) leaves nothing half-written.
  - Runs on the host where the module runs. Supports check mode (nothing is written, not even dependencies).
options:
  path:
    description: The chart directory (the one holding C(Chart.yaml)).
    type: path
    required: true
    aliases: [chart_path]
  destination:
    description: Directory to write the archive to (C(--destination)); created when missing. Default the current
      directory of the task.
    type: path
    default: .
  version:
    description: Set the chart's version in the archive (C(--version)); must be a semantic version.
    type: str
  app_version:
    description: Set the chart's appVersion in the archive (C(--app-version)).
    type: str
  dependency_update:
    description:
      - Update C(charts/) from C(Chart.yaml) first, like M(helmkit.core.helm_dependency) with V(state=update)
        (C(--dependency-update)). In check mode this happens on a temporary copy.
      - Without it, a chart whose dependencies are not in C(charts/) fails, as in Helm.
    type: bool
    default: false
  sign:
    description: Also write a provenance file (C(--sign)). Needs O(key) and O(keyring).
    type: bool
    default: false
  key:
    description: Name (or e-mail, any part of the identity that is unique in O(keyring)) of the signing key (C(--key)).
    type: str
  keyring:
    description: A secret keyring holding the signing key (C(--keyring)), for example from
      C(gpg --export-secret-keys NAME > secring.gpg).
    type: path
  passphrase_file:
    description: A file whose first line is the passphrase of a protected key (C(--passphrase-file)).
    type: path
attributes:
  check_mode:
    description: Computes the archive (and signature) and reports whether it would change, writing nothing.
    support: full
  diff_mode:
    description: Archives are binary; there is no diff.
    support: none
notes:
  - The archive is byte-identical to the one C(helm package) writes (tar stream, gzip header and Go's DEFLATE bytes),
    except that Helm writes two or more subcharts in a random order. The Go-exact compressor is pure Python, about
    1 MB of chart per second (a 7 MB chart such as kube-prometheus-stack takes 6 to 7 seconds).
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Package a chart, setting the version from CI
  helmkit.core.helm_package:
    path: ./charts/web
    destination: ./dist
    version: "1.4.0-rc.{{ build_number }}"
    app_version: "{{ git_sha }}"
    dependency_update: true

- name: Package and sign
  helmkit.core.helm_package:
    path: ./charts/web
    destination: ./dist
    sign: true
    key: Release Bot
    keyring: /etc/helm/secring.gpg
    passphrase_file: /run/secrets/helm-signing-passphrase
  register: pkg

- name: Push the signed archive (the provenance file goes with it)
  helmkit.core.helm_push:
    chart: "{{ pkg.path }}"
    remote: oci://registry.example.com/charts
"""

RETURN = r"""
path:
  description: The archive's path.
  returned: success
  type: str
  sample: dist/web-1.4.0.tgz
provenance:
  description: The provenance file's path, with O(sign=true).
  returned: success
  type: str
name:
  description: Chart name.
  returned: success
  type: str
version:
  description: Chart version in the archive.
  returned: success
  type: str
sha256:
  description: Hex SHA-256 of the archive (what the provenance file signs).
  returned: success
  type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.source.packaging import package  # noqa: E402


def _action(module):
    p = module.params
    return package(p["path"], p["destination"], version=p["version"], app_version=p["app_version"],
                   dependency_update=p["dependency_update"], sign=p["sign"], key=p["key"], keyring=p["keyring"],
                   passphrase_file=p["passphrase_file"], check_mode=module.check_mode)


def main():
    argument_spec = dict(
        path=dict(type="path", required=True, aliases=["chart_path"]),
        destination=dict(type="path", default="."),
        version=dict(type="str"),
        app_version=dict(type="str"),
        dependency_update=dict(type="bool", default=False),
        sign=dict(type="bool", default=False),
        key=dict(type="str", no_log=False),
        keyring=dict(type="path", no_log=False),
        passphrase_file=dict(type="path", no_log=False),
    )
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("sign", True, ["key", "keyring"])])
    run_module(module, _action)


if __name__ == "__main__":
    main()
