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
extends_documentation_fragment:
  - helmkit.core.kube_auth.unused
  - helmkit.core.chart_source.registry
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
    KUBE_AUTH_ARG_SPEC, REGISTRY_ARG_SPEC, AnsibleModule, run_module)


def _action(module):
    from ansible_collections.helmkit.core.plugins.module_utils.oci import api
    from ansible_collections.helmkit.core.plugins.module_utils.oci.reference import parse_reference
    from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options
    p = module.params
    options = module_source_options(p)
    remote = parse_reference(p["remote"], require_name=False)
    return api.push(p["chart"], p["remote"], check_mode=module.check_mode, **options.registry_options(remote.host))


def main():
    argument_spec = dict(
        chart=dict(type="path", required=True),
        remote=dict(type="str", required=True),
    )
    argument_spec.update(REGISTRY_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
