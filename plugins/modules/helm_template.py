#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_template: render a Helm chart locally, like C(helm template), without the helm binary."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_template
short_description: Render a Helm chart locally, like C(helm template), without the helm binary
version_added: "0.1.0"
description:
  - Renders a Helm chart in pure Python exactly as Helm v4's C(helm template) does, without contacting a cluster.
  - Returns the text C(helm template) prints and the parsed objects. Optionally writes Helm's C(--output-dir)
    layout (C(<output_dir>/<chart>/templates/x.yaml)).
  - The chart, O(values_files) and C(file) entries of O(set_values) are read on the host where the module runs.
    Use the P(helmkit.core.helm_template#lookup) lookup plugin to render on the controller.
  - Reports a change only when O(output_dir) files are written with new content. Supports check mode and diff
    mode (the O(output_dir) files that change).
options:
  chart_ref:
    description:
      - The chart. A local chart directory or C(.tgz) path, V(repo/chart) for a repository added with
        M(helmkit.core.helm_repository), a chart name together with O(chart_repo_url), a C(.tgz) URL, or an OCI
        reference V(oci://registry/path/chart) (optionally with V(:tag)), pulled with the credentials of
        C(helm registry login) or Docker's configuration.
    type: str
    required: true
    aliases: [chart]
  chart_repo_url:
    description: URL of the chart repository that holds O(chart_ref).
    type: str
  chart_version:
    description: Chart version or semver constraint. Defaults to the latest stable version.
    type: str
  release_name:
    description: C(.Release.Name).
    type: str
    default: release-name
    aliases: [name]
  release_namespace:
    description: C(.Release.Namespace).
    type: str
    default: default
    aliases: [namespace]
  values_files:
    description: Values files on the host where the module runs, merged in order (like C(helm -f)).
    type: list
    elements: str
    default: []
  lint:
    description:
      - Lint the chart with the same values first, like M(helmkit.core.helm_lint), and fail on any lint error
        before rendering (warnings do not fail).
    type: bool
    default: false
  include_crds:
    description: Include the C(crds/) files of the chart and its subcharts in the output (C(--include-crds)).
    type: bool
    default: false
  show_only:
    description:
      - Only show documents rendered from these templates (C(--show-only)), given as paths inside the chart such
        as V(templates/service.yaml) or V(charts/sub/templates/*.yaml) (Go C(filepath.Match) patterns).
      - A pattern that matches nothing fails the task, as in Helm. Does not restrict what O(output_dir) gets.
    type: list
    elements: str
    default: []
  skip_tests:
    description: Leave test hooks out of the output (C(--skip-tests)).
    type: bool
    default: false
  kube_version:
    description: C(.Capabilities.KubeVersion) (C(--kube-version)). Defaults to Helm v4's V(v1.36.0).
    type: str
  api_versions:
    description: API versions added to C(.Capabilities.APIVersions) (C(--api-versions)).
    type: list
    elements: str
    default: []
  is_upgrade:
    description: Set C(.Release.IsUpgrade) instead of C(.Release.IsInstall) (C(--is-upgrade)).
    type: bool
    default: false
  revision:
    description: C(.Release.Revision).
    type: int
    default: 1
  disable_hook:
    description: Leave the chart's hooks out of the output (C(--no-hooks)), as kubernetes.core's option does.
    type: bool
    default: false
  dependency_update:
    description:
      - For a local chart directory, first resolve and download its dependencies into C(charts/) and write
        C(Chart.lock) (C(helm template --dependency-update); in check mode on a temporary copy).
    type: bool
    default: false
    aliases: [dep_up]
  update_repo_cache:
    description: Download the index of every added repository first (C(helm repo update)).
    type: bool
    default: false
  output_dir:
    description:
      - Also write the rendered documents to files in this directory, laid out as C(helm template --output-dir)
        does (C(<output_dir>/<chart>/templates/x.yaml), CRDs under C(<chart>/crds/) with O(include_crds)).
      - Only files whose content differs are written; other files in the directory are left alone.
    type: path
notes:
  - Rendering is offline, as with C(helm template); C(lookup) in templates returns empty results.
  - Unlike C(helm template --output-dir), re-running does not append hook documents to files left by an earlier
    run; each file gets exactly the content of this run.
seealso:
  - plugin: helmkit.core.helm_template
    plugin_type: lookup
  - module: helmkit.core.helm_release
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.binary_path
  - helmkit.core.kube_auth.secret
  - helmkit.core.chart_source
  - helmkit.core.chart_values
attributes:
  check_mode:
    description:
      - The chart is rendered; no file is written to O(output_dir).
    support: full
  diff_mode:
    description:
      - With O(output_dir), the files that would be written or changed, before and after.
    support: full
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Render a local chart with values
  helmkit.core.helm_template:
    chart_ref: ./charts/web
    release_name: web
    release_namespace: prod
    values_files:
      - values/prod.yaml
    set_values:
      - value: image.tag=1.4.2
        value_type: string
  register: rendered

- name: Show the Deployment only
  ansible.builtin.debug:
    msg: "{{ rendered.objects | selectattr('kind', 'equalto', 'Deployment') | list }}"

- name: Write the manifests of a repository chart to a directory, CRDs included
  helmkit.core.helm_template:
    chart_ref: prometheus-community/kube-prometheus-stack
    chart_version: "^80"
    include_crds: true
    skip_tests: true
    output_dir: /srv/manifests
"""

RETURN = r"""
manifest:
  description:
    - Exactly what C(helm template) prints on standard output for these options (without C(--output-dir); the
      text is returned even when O(output_dir) is set).
  returned: always
  type: str
  sample: "---\n# Source: web/templates/service.yaml\napiVersion: v1\nkind: Service\n..."
objects:
  description: Every non-empty YAML document of RV(manifest), parsed.
  returned: always
  type: list
  elements: dict
files:
  description: Paths relative to O(output_dir) that this run wrote (or would write in check mode).
  returned: when O(output_dir) is set
  type: list
  elements: str
  sample: [web/templates/service.yaml]
stdout:
  description: kubernetes.core's name for RV(manifest) (what C(helm template) prints).
  returned: always
  type: str
stderr:
  description: What C(helm template) prints on standard error; empty on success.
  returned: always
  type: str
command:
  description: The equivalent C(helm template) command line, for reference.
  returned: always
  type: str
  sample: helm template web ./charts/web --namespace=prod
chart:
  description: Name and version of the rendered chart.
  returned: always
  type: dict
  sample: {name: web, version: 1.0.0}
"""

from ansible_collections.helmkit.core.plugins.module_utils import kcore  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    BINARY_PATH_ARG_SPEC, CHART_SOURCE_ARG_SPEC, CHART_VALUES_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule,
    run_module)
from ansible_collections.helmkit.core.plugins.module_utils.chart import template  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.locate import load  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.options import module_source_options  # noqa: E402

ARGUMENT_SPEC = dict(
    chart_ref=dict(type="str", required=True, aliases=["chart"]),
    chart_repo_url=dict(type="str"),
    chart_version=dict(type="str"),
    release_name=dict(type="str", default="release-name", aliases=["name"]),
    release_namespace=dict(type="str", default="default", aliases=["namespace"]),
    values_files=dict(type="list", elements="str", default=[]),
    lint=dict(type="bool", default=False),
    include_crds=dict(type="bool", default=False),
    show_only=dict(type="list", elements="str", default=[]),
    skip_tests=dict(type="bool", default=False),
    kube_version=dict(type="str"),
    api_versions=dict(type="list", elements="str", default=[]),
    is_upgrade=dict(type="bool", default=False),
    revision=dict(type="int", default=1),
    output_dir=dict(type="path"),
    disable_hook=dict(type="bool", default=False),
    dependency_update=dict(type="bool", default=False, aliases=["dep_up"]),
    update_repo_cache=dict(type="bool", default=False),
)


def _action(module):
    params = module.params
    kcore.warn_binary_path(params, module.warn)
    with kcore.prepared_chart(params["chart_ref"], params["chart_repo_url"], params["dependency_update"],
                              module.check_mode, module.warn) as chart_ref:
        chart, _located = load(chart_ref, module_source_options(params), params["chart_repo_url"])
    values = template.collect_values(params["values_files"], params["values"], params["set_values"])
    if params["lint"]:
        from ansible_collections.helmkit.core.plugins.module_utils.chart.lint import (  # deferred: speed: lint: false skips the linter
            lint_loaded_chart, require_clean)
        require_clean(lint_loaded_chart(chart, values, params["release_namespace"], params["kube_version"]),
                      params["chart_ref"])
    result = template.template_chart(
        chart, values, release_name=params["release_name"], namespace=params["release_namespace"],
        revision=params["revision"], is_upgrade=params["is_upgrade"], kube_version=params["kube_version"],
        api_versions=params["api_versions"], include_crds=params["include_crds"], skip_tests=params["skip_tests"],
        show_only=params["show_only"], no_hooks=params["disable_hook"],
        skip_schema_validation=params["skip_schema_validation"])
    output = {"changed": False, "manifest": result.manifest, "objects": result.objects, "stdout": result.manifest,
              "stderr": "", "command": kcore.template_command(params),
              "chart": {"name": chart.name, "version": chart.metadata.get("version", "")}}
    if params["output_dir"]:
        if module._diff:
            pending = template.sync_output_dir(params["output_dir"], result.files, check_mode=True)
            output["diff"] = template.output_dir_diff(params["output_dir"], result.files, pending)
        written = template.sync_output_dir(params["output_dir"], result.files, module.check_mode)
        output["files"] = written
        output["changed"] = bool(written)
    return output


def main():
    argument_spec = dict(ARGUMENT_SPEC)
    argument_spec.update(BINARY_PATH_ARG_SPEC)
    argument_spec.update(CHART_SOURCE_ARG_SPEC)
    argument_spec.update(CHART_VALUES_ARG_SPEC)
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)  # accepted, unused: group module_defaults may set them
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, _action)


if __name__ == "__main__":
    main()
