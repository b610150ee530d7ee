#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_push: push a chart to an OCI registry like helm push, or to ChartMuseum like helm cm-push."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_push
short_description: Push a chart to an OCI registry or a ChartMuseum server, without the helm binary
version_added: "0.1.0"
description:
  - Like C(helm push CHART.tgz oci://host/path). The manifest is the one Helm writes (config
    C(application/vnd.cncf.helm.config.v1+json) holding Chart.yaml as JSON, the chart layer, the provenance layer
    when C(CHART.tgz.prov) exists, Helm's C(org.opencontainers.image.*) annotations); the tag is the chart version
    with C(+) replaced by C(_).
  - A chart directory is packaged first, reproducibly (the same chart gives the same archive and digest).
  - Idempotent. When the tag already holds the same chart content nothing is uploaded and C(changed) is false.
  - With an C(http://) or C(https://) O(remote), like C(helm cm-push CHART URL), the archive and its provenance
    file are uploaded to a ChartMuseum server through its API (C(POST /api/charts) as C(multipart/form-data) with
    the fields C(chart) and C(prov); on a multi-tenant server the repository path follows C(/api)). ChartMuseum
    refuses a version it already holds (409), and the task then fails, naming the chart and version, unless
    O(force=true) overwrites it. Every upload reports C(changed).
  - Credentials for ChartMuseum, highest first - O(username)/O(password) or O(token), O(credentials_secret),
    the entry of Helm's C(repositories.yaml) with the same URL, none. They are sent only to the server's own
    scheme, host and port.
  - Supports check mode.
options:
  chart:
    description: A chart directory or a chart C(.tgz).
    type: path
    required: true
  remote:
    description:
      - The destination C(oci://host[:port]/path); the chart name is appended, as Helm does.
      - Or the URL of a ChartMuseum repository, C(http(s)://host[:port][/tenant path]).
    type: str
    required: true
  force:
    description:
      - ChartMuseum only. Overwrite a chart version the server already holds (C(?force)), like C(helm cm-push
        --force). Without it such a push fails with the server's 409.
    type: bool
    default: false
  context_path:
    description:
      - ChartMuseum only. The server's C(--context-path) when O(remote) includes it (like C(helm cm-push
        --context-path)); the API is then under it.
    type: str
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
  - helmkit.core.action_group
  - helmkit.core.kube_auth.secret
  - helmkit.core.chart_source.registry
attributes:
  check_mode:
    description:
      - The registry is contacted but nothing is uploaded; C(changed) says whether the push would change the
        registry. ChartMuseum is only asked whether the version exists (C(GET /api/charts/NAME/VERSION)); the
        task fails as the upload would when it does and O(force) is not set.
    support: full
  diff_mode:
    description:
      - No diff is produced.
    support: none
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Push a packaged chart
  helmkit.core.helm_push:
    chart: dist/podinfo-6.14.1.tgz
    remote: oci://registry.example.com/charts

- name: Upload a chart directory and a new signature to ChartMuseum, replacing the version if it is there
  helmkit.core.helm_push:
    chart: charts/podinfo
    remote: https://charts.example.com/team-a/stable
    username: ci
    password: "{{ chartmuseum_password }}"
    ca_file: /etc/pki/example-ca.pem
    sign: true
    key: ci@example.com
    keyring: ~/.gnupg/secring.gpg
    force: true
"""

RETURN = r"""
ref:
  description:
    - The pushed reference C(oci://host/path/name:tag).
    - For ChartMuseum, the archive's URL in the repository (C(URL/charts/NAME-VERSION.tgz)).
  returned: always
  type: str
digest:
  description:
    - The manifest digest C(sha256:...).
    - For ChartMuseum, the SHA-256 of the chart archive.
  returned: always
  type: str
url:
  description: ChartMuseum only. The API URL the chart was (or in check mode would be) uploaded to.
  returned: when O(remote) is an http(s) URL
  type: str
provenance:
  description: ChartMuseum only. Whether a provenance file was uploaded with the archive.
  returned: when O(remote) is an http(s) URL
  type: bool
"""

from urllib.parse import urlsplit  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, REGISTRY_ARG_SPEC, AnsibleModule, run_module)
from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci import api  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.reference import parse_reference  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo import chartmuseum  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (  # noqa: E402
    helm_paths, load_repository_file)
from ansible_collections.helmkit.core.plugins.module_utils.source.deps.sources import urls_equal  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402


def _chartmuseum(module, options):
    """The ChartMuseum branch: credentials through SourceOptions' one precedence (task, Secret, the
    repositories.yaml entry with the same URL), then repo/chartmuseum.push."""
    p = module.params
    url = p["remote"]
    entry = None
    try:
        configured = load_repository_file(helm_paths().repository_config).repositories
    except RepositoryError:
        configured = []
    for candidate in configured:
        if urls_equal(candidate.url.rstrip("/"), url.rstrip("/")):
            entry = candidate
            break
    host = urlsplit(url).netloc.rsplit("@", 1)[-1]
    http_options = options.http_options(entry, host)
    sign = {"key": p["key"], "keyring": p["keyring"], "passphrase_file": p["passphrase_file"]} if p["sign"] else None
    return chartmuseum.push(p["chart"], url, force=p["force"], sign=sign, context_path=p["context_path"] or "",
                            check_mode=module.check_mode, **http_options)


def _action(module):
    p = module.params
    options = module_source_options(p)
    if p["remote"].lower().startswith(("http://", "https://")):
        return _chartmuseum(module, options)
    if p["force"] or p["context_path"]:
        module.fail_json(msg="force and context_path are ChartMuseum options: give an http(s):// remote, or leave "
                             "them out for an OCI registry")
    remote = parse_reference(p["remote"], require_name=False)
    sign = {"key": p["key"], "keyring": p["keyring"], "passphrase_file": p["passphrase_file"]} if p["sign"] else None
    return api.push(p["chart"], p["remote"], check_mode=module.check_mode, sign=sign,
                    **options.registry_options(remote.host))


def main():
    argument_spec = dict(
        chart=dict(type="path", required=True),
        remote=dict(type="str", required=True),
        force=dict(type="bool", default=False),
        context_path=dict(type="str"),
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
