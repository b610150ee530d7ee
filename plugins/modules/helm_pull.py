#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_pull: download a chart archive like helm pull, idempotently, without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_pull
short_description: Download a chart from a repository, a URL or an OCI registry, like helm pull
version_added: "0.1.0"
description:
  - Saves a chart archive in O(destination) as C(helm pull) does (file name from the download URL,
    C(<name>-<version>.tgz) for C(oci://)), or unpacks it with O(untar=true).
  - Idempotent. For C(repo/chart) and O(repo_url) references the version and its SHA-256 come from the repository
    index; when the archive already in O(destination) has that digest nothing is downloaded, even without
    O(chart_version). Other references go through the local content-addressed chart cache and are compared byte
    for byte.
  - Downloads are checked against the index digest and cached by digest, so pulling again does not download again.
  - Unpacking follows the chart loader's safety rules (no absolute or C(..) paths, no links, size limits).
  - Supports check mode (nothing is written to O(destination); the chart cache may be filled).
options:
  chart_ref:
    description:
      - C(repo/chart) with C(repo) from Helm's C(repositories.yaml); a chart name with O(repo_url);
        an C(https://) URL of a C(.tgz); an C(oci://host/path/chart[:tag]) reference; or a local C(.tgz).
    type: str
    required: true
    aliases: [chart]
  chart_version:
    description: Exact version or version constraint (V(^1.2), V(>=1 <2)). Default the latest release.
    type: str
    aliases: [version]
  repo_url:
    description: Repository URL for a bare chart name (no C(repositories.yaml) entry needed; like C(--repo)).
    type: str
    aliases: [chart_repo_url, url]
  destination:
    description: Directory to save the archive (or the unpacked chart) in; created when missing.
    type: path
    required: true
  untar:
    description: Unpack the chart into C(<destination>/<untar_dir>/<chart name>) instead of saving the archive.
    type: bool
    default: false
    aliases: [untar_chart]
  untar_dir:
    description: Directory, relative to O(destination) unless absolute, that receives the unpacked chart.
    type: path
    default: .
  force:
    description: With O(untar=true), replace an existing chart directory whose files differ from the chart
      (C(helm pull --untar) refuses; without O(force) so does this module).
    type: bool
    default: false
  verify:
    description:
      - Verify the chart with its provenance file before anything is saved, like C(helm pull --verify). The
        provenance file is C(<chart URL>.prov) for repositories, the provenance layer for C(oci://) references, and
        C(<archive>.prov) beside a local archive.
      - The OpenPGP signature must be made by a key of O(keyring), and the SHA-256 the signed text lists for the
        archive's file name must be the archive's. The signer, key fingerprint and hash are returned in
        RV(provenance).
      - A missing provenance file, a key that is not in O(keyring), an altered provenance file or an altered
        archive fails the task and nothing is written to O(destination).
      - Without O(untar), the verified provenance file is saved beside the archive (C(<archive>.prov)), as Helm
        does.
      - Needs the Python package C(pysequoia) on the host that runs the task.
    type: bool
    default: false
    aliases: [verify_chart]
  keyring:
    description:
      - OpenPGP public keyring for O(verify) (C(gpg --export) output, binary or ASCII-armored, or a GnuPG
        C(pubring.kbx)).
      - Default Helm's, C($GNUPGHOME/pubring.gpg) or C(~/.gnupg/pubring.gpg).
    type: path
    aliases: [verify_chart_keyring]
  provenance:
    description:
      - Also save the chart's provenance file beside the archive (C(<archive>.prov)) without verifying it, like
        C(helm pull --prov) (kubernetes.core's O(provenance)). It comes from C(<chart URL>.prov), the C(oci://)
        provenance layer or the C(.prov) beside a local archive.
      - A chart that has none gives Helm's warning (C(Verification not found for ...)), not a failure. Nothing is
        saved with O(untar), as in Helm. With O(verify) the verified provenance file is saved anyway.
    type: bool
    default: false
  timeout:
    description:
      - Timeout of each HTTP request.
      - Seconds (V(120)) or a Go duration (V(2m), V(90s)), read as helm_release reads its O(timeout).
    type: raw
    default: 120
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.binary_path
  - helmkit.core.kube_auth.secret
  - helmkit.core.chart_source
attributes:
  check_mode:
    description:
      - Nothing is written to O(destination); the chart cache may be filled.
    support: full
  diff_mode:
    description:
      - No diff is produced.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Latest podinfo from a configured repository (downloads only when the archive differs)
  helmkit.core.helm_pull:
    chart_ref: podinfo/podinfo
    destination: /srv/charts

- name: A pinned version from a repository URL, unpacked
  helmkit.core.helm_pull:
    chart_ref: redis
    repo_url: https://charts.example.com/stable
    chart_version: "23.1.1"
    destination: /srv/charts
    untar: true

- name: Only a chart signed by a trusted key
  helmkit.core.helm_pull:
    chart_ref: podinfo/podinfo
    destination: /srv/charts
    verify: true
    keyring: /etc/helm/trusted-signers.gpg
  register: pulled
# pulled.provenance.signed_by, .fingerprint and .file_hash say who signed what

- name: From an OCI registry
  helmkit.core.helm_pull:
    chart_ref: oci://registry.example.com/charts/podinfo
    chart_version: "^6"
    destination: /srv/charts
"""

RETURN = r"""
path:
  description: The saved archive, or with O(untar=true) the chart directory.
  returned: success
  type: str
name:
  description: Chart name.
  returned: success
  type: str
version:
  description: Chart version pulled.
  returned: success
  type: str
digest:
  description: Hex SHA-256 of the chart archive.
  returned: success
  type: str
url:
  description: Where the archive comes from (password removed); empty for a local archive.
  returned: success
  type: str
repository:
  description: Repository name, repository URL or registry host the chart came from.
  returned: success
  type: str
downloaded:
  description: Whether this task downloaded the archive (false when it was already at the destination or cached).
  returned: success
  type: bool
provenance:
  description: The verification, like C(helm verify)'s output.
  returned: when O(verify=true)
  type: dict
  contains:
    signed_by:
      description: User IDs of the signing key (C(Name <email>)).
      type: list
      elements: str
    fingerprint:
      description: Fingerprint of the signing key's primary key, upper-case hex.
      type: str
    signing_key:
      description: Fingerprint of the (sub)key that made the signature.
      type: str
    file_hash:
      description: The archive's verified hash, C(sha256:<hex>).
      type: str
    file_name:
      description: The archive file name the provenance file lists.
      type: str
    keyring:
      description: The keyring used.
      type: str
    text:
      description: What C(helm verify) prints (Signed by, Using Key With Fingerprint, Chart Hash Verified).
      type: str
"""

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    BINARY_PATH_ARG_SPEC, CHART_SOURCE_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.kcore import warn_binary_path  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.pull import pull_chart  # noqa: E402


def _action(module):
    p = module.params
    warn_binary_path(p, module.warn)
    return pull_chart(
        p["chart_ref"], p["destination"], repo_url=p["repo_url"], untar=p["untar"], untar_dir=p["untar_dir"],
        force=p["force"], verify=p["verify"], keyring=p["keyring"], check_mode=module.check_mode,
        options=module_source_options(p), provenance=p["provenance"])


def main():
    argument_spec = dict(
        chart_ref=dict(type="str", required=True, aliases=["chart"]),
        chart_version=dict(type="str", aliases=["version"]),
        repo_url=dict(type="str", aliases=["chart_repo_url", "url"]),
        destination=dict(type="path", required=True),
        untar=dict(type="bool", default=False, aliases=["untar_chart"]),
        untar_dir=dict(type="path", default="."),
        force=dict(type="bool", default=False),
        verify=dict(type="bool", default=False, aliases=["verify_chart"]),
        keyring=dict(type="path", no_log=False, aliases=["verify_chart_keyring"]),
        provenance=dict(type="bool", default=False),
        timeout=dict(type="raw", default=120),
    )
    argument_spec.update(BINARY_PATH_ARG_SPEC)
    argument_spec.update(CHART_SOURCE_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_by={"key_file": "cert_file"})
    run_module(module, _action)


if __name__ == "__main__":
    main()
