#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_plugin: install, update and remove Helm plugins in Helm's plugin directory."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_plugin
short_description: Install, update and remove Helm plugins, like helm plugin install/update/uninstall
version_added: "0.2.0"
description:
  - Manages plugins in Helm's plugin directory (E(HELM_PLUGINS), else Helm's default such as
    C(~/.local/share/helm/plugins)), so the C(helm) CLI sees what is installed. Same interface as
    C(kubernetes.core.helm_plugin).
  - A local plugin directory is linked into the plugin directory, as Helm does; a C(.tgz) (local, or an http(s)
    URL) is unpacked there. The plugin's C(install), C(update) and C(delete) hooks run as Helm runs them.
  - Any other URL (C(https://), C(http://), C(git://), C(ssh://), C(file://)) or C(user@host:path) is a git
    repository, installed as C(helm plugin install URL --version V) does - cloned (with its C(.git), so
    C(helm plugin update) works on it) into the directory named after the URL's last segment, at O(plugin_version)
    - a tag, branch or commit of the repository, or a semver constraint such as C(^1.2) matched against its tags
    (the highest wins) - or the default branch without it. Git is spoken by the Python package C(dulwich); no
    C(git) binary is needed.
  - "Plugin manifests are read in Helm v4's C(apiVersion: v1) form (types C(cli/v1), C(getter/v1),
    C(postrenderer/v1); runtimes C(subprocess) and C(extism/v1)) and in the legacy form. An unknown field in a v1
    manifest fails the task naming it."
  - Everything is checked before the plugin directory is touched; a failing install hook removes what was placed.
  - Supports check mode.
options:
  plugin_path:
    description:
      - The plugin to install with O(state=present) or O(state=latest), one of a local directory holding
        C(plugin.yaml), a local C(.tgz), an http(s) URL of a C(.tgz), or the URL of a git repository.
    type: str
  plugin_name:
    description:
      - Name of the plugin (as in its C(plugin.yaml)). Required with O(state=absent). With O(plugin_path), the
        plugin found there must have this name.
    type: str
  plugin_version:
    description:
      - With O(state=present), the version wanted; an installed plugin of another version is replaced by the one
        at O(plugin_path), which must have this version.
      - For a git repository, Helm's C(--version) - a tag, branch or commit, or a semver constraint matched against
        the repository's tags. The plugin checked out there replaces an installed one of another version.
    type: str
  state:
    description:
      - V(present) installs the plugin unless one of that name is installed; V(latest) also replaces an installed
        plugin whose version differs from the one at O(plugin_path) (a git repository is fetched again each time);
        V(absent) removes it.
    type: str
    choices: [present, absent, latest]
    default: present
  timeout:
    description: Seconds a download or a hook may take.
    type: int
    default: 300
attributes:
  check_mode:
    description: Reports what would be installed or removed; reads the plugin but writes nothing and runs no hook.
    support: full
  diff_mode:
    description: No diff is returned.
    support: none
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.helm_plugins
  - helmkit.core.kube_auth.unused
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Install a post-renderer plugin kept in the repository
  helmkit.core.helm_plugin:
    plugin_path: ./helm-plugins/kustomize-labels

- name: Install a plugin release archive
  helmkit.core.helm_plugin:
    plugin_path: https://example.com/helm-s3/helm-s3_0.16.0_linux_amd64.tar.gz
    plugin_name: s3
    plugin_version: 0.16.0

- name: Use the post-renderer by name, as helm install --post-renderer NAME does
  helmkit.core.helm_release:
    name: web
    chart_ref: ./charts/web
    post_renderer:
      binary_path: kustomize-labels

- name: Install helm-diff from its git repository, the highest 3.x release tag
  helmkit.core.helm_plugin:
    plugin_path: https://github.com/databus23/helm-diff
    plugin_version: ^3

- name: Remove a plugin
  helmkit.core.helm_plugin:
    plugin_name: s3
    state: absent
"""

RETURN = r"""
plugin:
  description: The plugin installed, replaced or removed (or left alone); null when O(state=absent) found none.
  returned: always
  type: dict
  contains:
    name:
      description: Plugin name.
      type: str
    version:
      description: Plugin version.
      type: str
    type:
      description: C(cli/v1), C(getter/v1) or C(postrenderer/v1).
      type: str
    runtime:
      description: C(subprocess) or C(extism/v1).
      type: str
    apiVersion:
      description: C(v1), or C(legacy) for manifests without apiVersion.
      type: str
    description:
      description: Its usage or short help text.
      type: str
    path:
      description: Its directory in the plugin directory.
      type: str
msg:
  description: What was done.
  returned: always
  type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    HELM_PLUGINS_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.install import install, uninstall  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.paths import plugins_directory  # noqa: E402


def _action(module):
    p = module.params
    plugins_dir = p["plugins_directory"] or plugins_directory()
    if p["state"] == "absent":
        result = uninstall(p["plugin_name"], plugins_dir, module.check_mode, p["timeout"])
        result["msg"] = "removed plugin %s" % p["plugin_name"] if result["changed"] else \
            "plugin %s is not installed" % p["plugin_name"]
        return result
    result = install(p["plugin_path"], plugins_dir, p["state"], p["plugin_version"], module.check_mode,
                     p["timeout"], p["plugin_name"])
    plugin = result["plugin"]
    result["msg"] = ("installed plugin %s %s" if result["changed"] else "plugin %s %s is already installed") % (
        plugin["name"], plugin["version"])
    return result


def main():
    argument_spec = dict(
        plugin_path=dict(type="str"),
        plugin_name=dict(type="str"),
        plugin_version=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent", "latest"]),
        timeout=dict(type="int", default=300),
    )
    argument_spec.update(HELM_PLUGINS_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("state", "present", ["plugin_path"]), ("state", "latest", ["plugin_path"]),
                                        ("state", "absent", ["plugin_name"])])
    run_module(module, _action)


if __name__ == "__main__":
    main()
