#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_repository: add, update or remove a Helm chart repository without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_repository
short_description: Add, update or remove a Helm chart repository, without the helm binary
version_added: "0.1.0"
description:
  - Manages an entry of Helm's C(repositories.yaml), the file the C(helm) CLI reads, like C(helm repo add),
    C(helm repo update NAME) and C(helm repo remove).
  - O(state=updated) without O(name) refreshes every configured repository in parallel, like C(helm repo update);
    a repository that cannot be reached is reported in RV(failed_repositories) and the others are still updated.
  - Adding or changing a repository downloads its C(index.yaml) first and fails, writing nothing, when the URL is not
    a reachable chart repository. The index is stored in Helm's repository cache, so C(helm search repo) and
    M(helmkit.core.helm_release) with O(helmkit.core.helm_release#module:chart_ref=NAME/CHART) can use it.
  - Idempotent. Running again with the same settings reports no change and does not touch the files.
  - Supports check mode and diff mode. Passwords never appear in the diff, the result or the logs.
  - OCI registries are not chart repositories; use an C(oci://) reference as the chart of
    M(helmkit.core.helm_release) instead.
options:
  name:
    description:
      - Name of the repository, the C(NAME) in C(NAME/CHART) references.
      - Required unless O(state=updated), where it limits the update to that repository.
    type: str
    aliases: [repo_name]
  url:
    description:
      - URL of the chart repository (the directory that holds C(index.yaml)). Required when O(state=present).
    type: str
    aliases: [repo_url]
  state:
    description:
      - V(present) adds or updates the repository; V(absent) removes it and its cached index.
      - V(updated) downloads the index of O(name), or of every configured repository when O(name) is not given,
        in parallel (like C(helm repo update)); the task changes when an index changed and fails only when every
        repository failed. Check mode downloads and compares without writing.
    type: str
    choices: [present, absent, updated]
    default: present
    aliases: [repo_state]
  force_update:
    description:
      - Replace an existing repository of the same name that has a different URL (Helm's C(--force-update)).
        Without it such a task fails, so that a typo cannot silently repoint a repository.
      - Other changes to an existing repository (credentials, TLS files, O(pass_credentials)) are applied without
        it, so that a rotated password only needs the task to run again. (C(helm repo add) asks for
        C(--force-update) for those too.)
    type: bool
    default: false
    aliases: [force]
  update_cache:
    description:
      - Download the repository's index into Helm's cache even when the repository entry is unchanged
        (like C(helm repo update NAME)). The task reports a change when the index content changed.
      - A new or changed repository always has its index downloaded.
    type: bool
    default: false
  timeout:
    description:
      - Timeout of each HTTP request to the repository.
      - Seconds (V(120)) or a Go duration (V(2m), V(90s)), read as helm_release reads its O(timeout).
    type: raw
    default: 120
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.binary_path
  - helmkit.core.kube_auth.unused
  - helmkit.core.repo_auth
attributes:
  check_mode:
    description:
      - C(repositories.yaml) and the repository cache are not written; C(changed) says whether they would be.
    support: full
  diff_mode:
    description:
      - The repository entry before and after, without passwords.
    support: full
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Add the podinfo repository
  helmkit.core.helm_repository:
    name: podinfo
    url: https://stefanprodan.github.io/podinfo

- name: Add a private repository with basic auth and a private CA
  helmkit.core.helm_repository:
    name: internal
    url: https://charts.example.com/stable
    username: deploy
    password: "{{ vault_chart_password }}"
    ca_file: /etc/pki/internal-ca.pem

- name: Refresh the cached index before installing (helm repo update internal)
  helmkit.core.helm_repository:
    name: internal
    url: https://charts.example.com/stable
    update_cache: true

- name: Move a repository to a new URL
  helmkit.core.helm_repository:
    name: internal
    url: https://charts.example.com/v2
    force_update: true

- name: Remove a repository
  helmkit.core.helm_repository:
    name: podinfo
    state: absent
"""

RETURN = r"""
repository:
  description: The repository entry as stored (the password is replaced by C(password_set)); empty when absent.
  returned: always
  type: dict
  sample:
    name: podinfo
    url: https://stefanprodan.github.io/podinfo
    username: ""
    password_set: false
    caFile: ""
    certFile: ""
    keyFile: ""
    insecure_skip_tls_verify: false
    pass_credentials_all: false
repository_config:
  description: Path of the C(repositories.yaml) that was read or written.
  returned: always
  type: str
index_path:
  description: Path of the cached index (C(<cache>/<name>-index.yaml)).
  returned: always
  type: str
index_updated:
  description: Whether the cached index was downloaded by this task.
  returned: always
  type: bool
charts:
  description: Names of the charts in the repository's index, when the index was downloaded.
  returned: when index_updated
  type: list
  elements: str
updated_repositories:
  description: With O(state=updated), the repositories whose index changed (or would, in check mode).
  returned: when state is updated
  type: list
  elements: str
unchanged_repositories:
  description: With O(state=updated), the repositories whose index was already current.
  returned: when state is updated
  type: list
  elements: str
failed_repositories:
  description: With O(state=updated), the repositories that could not be updated, each with C(name), C(url) and
    C(msg) (Helm's "Unable to get an update from ..." message).
  returned: when state is updated
  type: list
  elements: dict
"""

import os  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    BINARY_PATH_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, REPO_AUTH_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.gocompat.duration import parse_timeout  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.kcore import warn_binary_path  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (  # noqa: E402
    RepositoryEntry, entry_http_options, helm_paths, index_cache_path, load_repository_file, locked,
    repository_cache_files, save_repository_file)
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import (  # noqa: E402
    read_index_file, update_index_cache)
from ansible_collections.helmkit.core.plugins.module_utils.repo.update import update_repositories  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.transport import redact_url  # noqa: E402


def _entry_from_params(p):
    return RepositoryEntry(p["name"], p["url"], username=p["username"], password=p["password"],
                           cert_file=p["cert_file"], key_file=p["key_file"], ca_file=p["ca_file"],
                           insecure_skip_tls_verify=p["insecure_skip_tls_verify"],
                           pass_credentials_all=p["pass_credentials"])


def _http_options(entry, timeout):
    return entry_http_options(entry, parse_timeout(timeout))


def _read(path):
    """The cached index bytes, or None (missing, unreadable, or over HELMKIT_MAX_INDEX_BYTES: then replaced)."""
    try:
        return read_index_file(path)
    except RepositoryError:
        return None


def _remove_cache(cache_dir, name):
    for path in repository_cache_files(cache_dir, name):
        try:
            os.remove(path)
        except OSError:
            pass


def _present(module, paths, repo_file, existing, result):
    p = module.params
    desired = _entry_from_params(p)
    if existing is not None and existing.url.rstrip("/") != desired.url.rstrip("/") and not p["force_update"]:
        raise RepositoryError(
            'repository "%s" already exists in %s with URL %s, not %s; set force_update: true to replace it, or '
            "choose another name" % (desired.name, paths.repository_config, redact_url(existing.url),
                                     redact_url(desired.url)))
    entry_changed = existing != desired
    result["repository"] = desired.public_dict()
    result["diff"] = {"before": existing.public_dict() if existing else {}, "after": desired.public_dict(),
                      "before_header": paths.repository_config, "after_header": paths.repository_config}
    refresh = entry_changed or p["update_cache"]
    if module.check_mode:
        result["changed"] = entry_changed
        return
    if refresh:
        before = _read(result["index_path"])
        index = update_index_cache(paths.repository_cache, desired.name, desired.url,
                                   **_http_options(desired, p["timeout"]))
        result["index_updated"] = True
        result["charts"] = index.chart_names()
        result["changed"] = entry_changed or before != _read(result["index_path"])
    if entry_changed:
        repo_file.update(desired)
        save_repository_file(paths.repository_config, repo_file)


def _absent(module, paths, repo_file, existing, result):
    if existing is None:
        return
    result["changed"] = True
    result["diff"] = {"before": existing.public_dict(), "after": {},
                      "before_header": paths.repository_config, "after_header": paths.repository_config}
    if module.check_mode:
        return
    repo_file.remove(existing.name)
    save_repository_file(paths.repository_config, repo_file)
    _remove_cache(paths.repository_cache, existing.name)


def _updated(module, paths):
    """``state: updated``: refresh the named repository, or all of them, in parallel (repo/update.py)."""

    p = module.params
    entries = load_repository_file(paths.repository_config).repositories
    if p["name"]:
        entries = [e for e in entries if e.name == p["name"]]
        if not entries:
            raise RepositoryError("repository %s is not configured in %s; add it with state: present"
                                  % (p["name"], paths.repository_config))
    if not entries:
        raise RepositoryError("no repositories are configured in %s; add one with state: present"
                              % paths.repository_config)
    outcome = update_repositories(entries, paths.repository_cache, lambda e: _http_options(e, p["timeout"]),
                                  check_mode=module.check_mode)
    failed = [{"name": o["name"], "url": o["url"], "msg": o["msg"]} for o in outcome if o["failed"]]
    for item in failed:
        module.warn(item["msg"])
    result = {"changed": any(o["changed"] for o in outcome), "repository_config": paths.repository_config,
              "updated_repositories": [o["name"] for o in outcome if o["changed"]],
              "unchanged_repositories": [o["name"] for o in outcome if not o["changed"] and not o["failed"]],
              "failed_repositories": failed}
    if len(failed) == len(outcome):
        result.update(failed=True, msg="no repository could be updated: %s" % "; ".join(f["msg"] for f in failed))
    return result


def _action(module):
    p = module.params
    warn_binary_path(p, module.warn)
    if p["state"] == "updated":
        return _updated(module, helm_paths(p["repository_config"], p["repository_cache"]))
    if p["url"] and p["url"].strip().lower().startswith("oci://"):
        raise RepositoryError(
            "%s is an OCI registry, not a chart repository: OCI registries have no index and are not added with "
            "helm_repository; use chart_ref: %s/CHART in helmkit.core.helm_release instead"
            % (redact_url(p["url"]), redact_url(p["url"].rstrip("/"))))
    if p["state"] == "present" and not p["url"].startswith(("http://", "https://")):
        raise RepositoryError("url %r is not an http:// or https:// URL of a chart repository" % redact_url(p["url"]))
    if "/" in p["name"] or not p["name"].strip():
        raise RepositoryError("name %r is not a valid repository name: it must be non-empty and contain no '/'"
                              % p["name"])
    paths = helm_paths(p["repository_config"], p["repository_cache"])
    result = {"changed": False, "repository": {}, "repository_config": paths.repository_config,
              "index_path": index_cache_path(paths.repository_cache, p["name"]), "index_updated": False}
    with locked(paths.repository_config):
        repo_file = load_repository_file(paths.repository_config)
        existing = repo_file.get(p["name"])
        if p["state"] == "present":
            _present(module, paths, repo_file, existing, result)
        else:
            if existing is not None:
                result["repository"] = existing.public_dict()
            _absent(module, paths, repo_file, existing, result)
    if not module._diff:
        result.pop("diff", None)
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", aliases=["repo_name"]),
        url=dict(type="str", aliases=["repo_url"]),
        state=dict(type="str", choices=["present", "absent", "updated"], default="present", aliases=["repo_state"]),
        force_update=dict(type="bool", default=False, aliases=["force"]),
        update_cache=dict(type="bool", default=False),
        timeout=dict(type="raw", default=120),
    )
    argument_spec.update(BINARY_PATH_ARG_SPEC)
    argument_spec.update(REPO_AUTH_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: lets group module_defaults set kubeconfig
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("state", "present", ["name", "url"]), ("state", "absent", ["name"])],
                           required_by={"key_file": "cert_file"})
    run_module(module, _action)


if __name__ == "__main__":
    main()
