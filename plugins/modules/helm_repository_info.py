#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_repository_info: the configured Helm chart repositories, like helm repo list."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_repository_info
short_description: List the configured Helm chart repositories, like helm repo list
version_added: "0.1.0"
description:
  - Reads Helm's C(repositories.yaml) (the file the C(helm) CLI and M(helmkit.core.helm_repository) use) and returns
    its repositories. Passwords are never returned; RV(repositories[].password_set) says whether one is stored.
  - Also tells whether each repository's index is in Helm's cache (RV(repositories[].index_cached)).
  - Changes nothing; supports check mode.
options:
  name:
    description: Return only these repositories (an unknown name is simply not in the result).
    type: list
    elements: str
    aliases: [repo_name]
  repository_config:
    description:
      - Path of Helm's C(repositories.yaml). Defaults like the C(helm) CLI (E(HELM_REPOSITORY_CONFIG), ...).
    type: path
  repository_cache:
    description:
      - Directory of Helm's repository cache. Defaults like the C(helm) CLI (E(HELM_REPOSITORY_CACHE), ...).
    type: path
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
attributes:
  check_mode:
    description:
      - The module only reads, so it runs the same in check mode.
    support: full
  diff_mode:
    description:
      - Nothing is changed, so there is no diff.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Which repositories are configured?
  helmkit.core.helm_repository_info:
  register: configured

- name: Add podinfo only when missing
  helmkit.core.helm_repository:
    name: podinfo
    url: https://stefanprodan.github.io/podinfo
  when: configured.repositories | selectattr('name', 'equalto', 'podinfo') | list | length == 0
"""

RETURN = r"""
repositories:
  description: The repositories in file order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Repository name.
      type: str
    url:
      description: Repository URL.
      type: str
    username:
      description: Basic auth username ("" when none).
      type: str
    password_set:
      description: Whether a password is stored (the password itself is never returned).
      type: bool
    caFile:
      description: CA file path.
      type: str
    certFile:
      description: Client certificate path.
      type: str
    keyFile:
      description: Client key path.
      type: str
    insecure_skip_tls_verify:
      description: Whether TLS verification is skipped.
      type: bool
    pass_credentials_all:
      description: Whether credentials go to all hosts.
      type: bool
    index_cached:
      description: Whether C(<cache>/<name>-index.yaml) exists.
      type: bool
    index_path:
      description: Path of the cached index.
      type: str
repository_config:
  description: Path of the C(repositories.yaml) that was read.
  returned: always
  type: str
"""

import os  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (  # noqa: E402
    helm_paths, index_cache_path, load_repository_file)


def _action(module):
    p = module.params
    paths = helm_paths(p["repository_config"], p["repository_cache"])
    wanted = set(p["name"] or [])
    repositories = []
    for entry in load_repository_file(paths.repository_config).repositories:
        if wanted and entry.name not in wanted:
            continue
        item = entry.public_dict()
        item["index_path"] = index_cache_path(paths.repository_cache, entry.name)
        item["index_cached"] = os.path.isfile(item["index_path"])
        repositories.append(item)
    return {"changed": False, "repositories": repositories, "repository_config": paths.repository_config}


def main():
    argument_spec = dict(
        name=dict(type="list", elements="str", aliases=["repo_name"]),
        repository_config=dict(type="path"),
        repository_cache=dict(type="path"),
    )
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
