#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_push: push a chart to an OCI registry like helm push."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_push
short_description: Push a chart to an OCI registry, without the helm binary
version_added: "0.1.0"
description:
  - Like C(helm push CHART.tgz oci://host/path). The manifest is the one Helm writes (config
    C(application/vnd.cncf.helm.config.v1+json) holding Chart.yaml as JSON, the chart layer, the provenance layer
    when C(CHART.tgz.prov) exists, Helm's C(org.opencontainers.image.*) annotations); the tag is the chart version
    with C(+) replaced by C(_).
  - A chart directory is packaged first, reproducibly (the same chart gives the same archive and digest).
  - Idempotent. When the tag already holds the same chart content nothing is uploaded and C(changed) is false.
  - Supports check mode.
options:
  chart:
    description: A chart directory or a chart C(.tgz).
    type: path
    required: true
  remote:
    description: The destination C(oci://host[:port]/path); the chart name is appended, as Helm does.
    type: str
    required: true
  sign:
    description:
      - Sign the archive with O(key) of O(keyring) (as M(helmkit.core.helm_package) does) and push that provenance
        layer, instead of a C(.prov) file beside the archive. Nothing is written on disk.
      - A signature differs each time it is made, so a signed push uploads a new provenance layer (and reports
        C(changed)) every time it runs.
    type: bool
    default: false
  key:
    description: Name or e-mail of the signing key, with O(sign=true).
    type: str
  keyring:
    description: Secret keyring holding the signing key, with O(sign=true).
    type: path
  passphrase_file:
    description: File whose first line unlocks a protected signing key.
    type: path
extends_documentation_fragment:
  - helmkit.core.kube_auth.secret
  - helmkit.core.chart_source.registry
attributes:
  check_mode:
    description:
      - The registry is contacted but nothing is uploaded; C(changed) says whether the push would change the
        registry.
    support: full
  diff_mode:
    description:
      - No diff is produced.
    support: none
  action_group:
    description: Use C(group/helmkit.core.helm) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - helmkit.core.helm
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Push a packaged chart
  helmkit.core.helm_push:
    chart: dist/podinfo-6.14.1.tgz
    remote: oci://registry.example.com/charts
"""

RETURN = r"""
ref:
  description: The pushed reference C(oci://host/path/name:tag).
  returned: always
  type: str
digest:
  description: The manifest digest C(sha256:...).
  returned: always
  type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, REGISTRY_ARG_SPEC, AnsibleModule, run_module)


def _action(module):
    from ansible_collections.helmkit.core.plugins.module_utils.oci import api
    from ansible_collections.helmkit.core.plugins.module_utils.oci.reference import parse_reference
    from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options
    p = module.params
    options = module_source_options(p)
    remote = parse_reference(p["remote"], require_name=False)
    sign = {"key": p["key"], "keyring": p["keyring"], "passphrase_file": p["passphrase_file"]} if p["sign"] else None
    return api.push(p["chart"], p["remote"], check_mode=module.check_mode, sign=sign,
                    **options.registry_options(remote.host))


def main():
    argument_spec = dict(
        chart=dict(type="path", required=True),
        remote=dict(type="str", required=True),
        sign=dict(type="bool", default=False),
        key=dict(type="str", no_log=False),
        keyring=dict(type="path", no_log=False),
        passphrase_file=dict(type="path", no_log=False),
    )
    argument_spec.update(REGISTRY_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("sign", True, ["key", "keyring"])])
    run_module(module, _action)


if __name__ == "__main__":
    main()
