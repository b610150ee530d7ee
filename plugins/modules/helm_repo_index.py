#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_repo_index: write a chart repository's index.yaml, like helm repo index."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_repo_index
short_description: Write the index.yaml of a directory of chart archives, like helm repo index
version_added: "0.2.0"
description:
  - Like C(helm repo index DIR --url URL --merge FILE). Indexes every C(*.tgz) in O(path) and in its immediate
    subdirectories and writes O(path)C(/index.yaml), identical to Helm's apart from the C(generated) and C(created)
    times.
  - Each version gets the chart's Chart.yaml metadata, its C(urls) (O(url) joined with the archive's place in
    O(path), or the bare file name without O(url)), its C(digest) and C(created) (now).
  - With O(merge), versions of that index the directory does not hold are kept as they were, C(created) included.
  - Unlike Helm, which skips archives it cannot load, an archive that is not a chart fails the task, naming it.
  - Idempotent. When the index would only differ in its C(generated) and C(created) times, nothing is written and
    C(changed) is false. The index is replaced atomically.
  - Runs on the host where the module runs. Supports check mode.
options:
  path:
    description: The directory holding the chart archives; C(index.yaml) is written there.
    type: path
    required: true
    aliases: [dir]
  url:
    description: URL of the chart repository (C(--url)); archive URLs in the index are made absolute with it.
    type: str
    aliases: [repo_url]
  merge:
    description:
      - An existing index to merge into the new one (C(--merge)); its versions the directory no longer holds are
        kept. A missing file counts as an empty index (and, as Helm does, is created empty).
    type: path
attributes:
  check_mode:
    description: Reports whether the index would change, writing nothing.
    support: full
  diff_mode:
    description: No diff is returned.
    support: none
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Package charts into the site directory and index them
  helmkit.core.helm_package:
    path: "{{ item }}"
    destination: /srv/charts
  loop: "{{ lookup('ansible.builtin.fileglob', 'charts/*/Chart.yaml', wantlist=True) | map('dirname') | list }}"

- name: Write /srv/charts/index.yaml, keeping versions published before
  helmkit.core.helm_repo_index:
    path: /srv/charts
    url: https://charts.example.com
    merge: /srv/charts/index.yaml
"""

RETURN = r"""
path:
  description: The index written (or that would be written).
  returned: success
  type: str
charts:
  description: Chart names and their versions in the index, newest first.
  returned: success
  type: dict
  sample: {"web": ["1.4.0", "1.3.2"]}
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.repo.indexgen import generate_index  # noqa: E402


def _action(module):
    p = module.params
    return generate_index(p["path"], p["url"] or "", p["merge"], check_mode=module.check_mode)


def main():
    argument_spec = dict(
        path=dict(type="path", required=True, aliases=["dir"]),
        url=dict(type="str", aliases=["repo_url"]),
        merge=dict(type="path"),
    )
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
