"""Broken charts for the lint comparison: one per Helm v4 lint rule and message kind.

Each case maps a file path inside the chart directory to its text (a path ending in ``/`` makes a directory), plus
optional lint options. Expected messages are never written here: tests compare with helm_python.lint.
"""
from __future__ import annotations

GOOD = "apiVersion: v2\nname: c\nversion: 1.0.0\nicon: https://example.com/i.png\n"
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata: {}\n"


def _chart(extra_chart="", **files):
    out = {"Chart.yaml": GOOD + extra_chart, "values.yaml": "a: 1\n", "templates/cm.yaml": CM % "ok"}
    out.update({k.replace("__", "/").replace("_DOT_", "."): v for k, v in files.items()})
    return out


CASES = {
    # Chart.yaml (rules/chartfile.go)
    "chartfile-is-directory": {"files": {"Chart.yaml/": "", "values.yaml": "a: 1\n",
                                         "templates/cm.yaml": CM % "x"}},
    "chartfile-bad-yaml": {"files": {"Chart.yaml": "name: [c\nversion: 1.0.0\n", "templates/cm.yaml": CM % "x"}},
    "chartfile-unknown-field": {"files": _chart("colour: blue\n")},
    "chartfile-no-name": {"files": _chart(**{"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\nicon: https://e.com/i\n"})},
    "chartfile-bad-name": {"files": _chart(**{"Chart.yaml": GOOD.replace("name: c", "name: My_Chart")})},
    "chartfile-name-with-slash": {"files": _chart(**{"Chart.yaml": GOOD.replace("name: c", "name: a/c")})},
    "chartfile-no-apiversion": {"files": _chart(**{"Chart.yaml": GOOD.replace("apiVersion: v2\n", "")})},
    "chartfile-bad-apiversion": {"files": _chart(**{"Chart.yaml": GOOD.replace("v2", "v3")})},
    "chartfile-version-number": {"files": _chart(**{"Chart.yaml": GOOD.replace("1.0.0", "1.5")})},
    "chartfile-no-version": {"files": _chart(**{"Chart.yaml": GOOD.replace("version: 1.0.0\n", "")})},
    "chartfile-version-not-semver": {"files": _chart(**{"Chart.yaml": GOOD.replace("1.0.0", "one")})},
    "chartfile-version-zero": {"files": _chart(**{"Chart.yaml": GOOD.replace("1.0.0", "0.0.0")})},
    "chartfile-version-v-prefix": {"files": _chart(**{"Chart.yaml": GOOD.replace("1.0.0", "v1.0.0")})},
    "chartfile-appversion-number": {"files": _chart("appVersion: 2\n")},
    "chartfile-maintainer-null": {"files": _chart("maintainers:\n- ~\n")},
    "chartfile-maintainer-no-name": {"files": _chart("maintainers:\n- email: a@b.c\n")},
    "chartfile-maintainer-bad-email": {"files": _chart("maintainers:\n- name: me\n  email: not-an-email\n")},
    "chartfile-maintainer-bad-url": {"files": _chart("maintainers:\n- name: me\n  url: 'ht tp://x'\n")},
    "chartfile-bad-source": {"files": _chart("sources:\n- not a url\n")},
    "chartfile-no-icon": {"files": _chart(**{"Chart.yaml": GOOD.replace("icon: https://example.com/i.png\n", "")})},
    "chartfile-bad-icon": {"files": _chart(**{"Chart.yaml": GOOD.replace("https://example.com/i.png", "i.png")})},
    "chartfile-type-in-v1": {"files": _chart(**{"Chart.yaml": GOOD.replace("v2", "v1") + "type: application\n"})},
    "chartfile-deps-in-v1": {"files": _chart(**{
        "Chart.yaml": GOOD.replace("v2", "v1") + "dependencies:\n- name: sub\n  version: 1.0.0\n",
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n"})},
    # values.yaml and values.schema.json (rules/values.go)
    "values-missing": {"files": {"Chart.yaml": GOOD, "templates/cm.yaml": CM % "x"}},
    "values-bad-yaml": {"files": _chart(**{"values_DOT_yaml": "a: [1\n"})},
    "values-schema-violation": {"files": _chart(**{
        "values.schema.json": '{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}'})},
    "values-schema-override": {"files": _chart(**{
        "values.schema.json": '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 3}}}'}),
        "values": {"a": 7}},
    # templates (rules/template.go)
    "templates-missing": {"files": {"Chart.yaml": GOOD, "values.yaml": ""}},
    "templates-not-directory": {"files": {"Chart.yaml": GOOD, "values.yaml": "", "templates": "x"}},
    "templates-parse-error": {"files": _chart(**{"templates/bad.yaml": "a: {{ .Values.a \n"})},
    "templates-exec-error": {"files": _chart(**{"templates/bad.yaml": "a: {{ .Values.a.b.c }}\n"})},
    "templates-undefined-function": {"files": _chart(**{"templates/bad.yaml": "a: {{ nosuchfunc 1 }}\n"})},
    "templates-required-and-fail-in-lint-mode": {"files": _chart(**{
        "templates/req.yaml": "a: {{ required \"need b\" .Values.b }}\n"
                              "{{ if .Values.z }}{{ fail \"no\" }}{{ end }}\n"})},
    "templates-bad-extension": {"files": _chart(**{"templates/notes.json": "{}\n"})},
    "templates-top-indent": {"files": _chart(**{"templates/indent.yaml": "\n  apiVersion: v1\n  kind: ConfigMap\n"})},
    "templates-invalid-yaml": {"files": _chart(**{"templates/bad.yaml": "a: b: c\n"})},
    "templates-invalid-yaml-second-doc": {"files": _chart(**{
        "templates/bad.yaml": (CM % "one") + "---\n- x\n  y: [\n"})},
    "templates-wrong-types": {"files": _chart(**{"templates/bad.yaml": "apiVersion: 1\nkind: [a]\n"})},
    "templates-name-subdomain": {"files": _chart(**{"templates/n.yaml": CM % "Bad_Name"})},
    "templates-name-too-long": {"files": _chart(**{"templates/n.yaml": CM % ("a" * 254)})},
    "templates-name-service": {"files": _chart(**{
        "templates/n.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1svc.x\n"})},
    "templates-name-namespace": {"files": _chart(**{
        "templates/n.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n" % ("n" * 64)})},
    "templates-name-serviceaccount": {"files": _chart(**{
        "templates/n.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: -sa\n"})},
    "templates-name-role": {"files": _chart(**{"templates/n.yaml": (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: a/b%c\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ..\n")})},
    "templates-name-csr": {"files": _chart(**{"templates/n.yaml": (
        "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: Any_Name\n")})},
    "templates-name-missing": {"files": _chart(**{"templates/n.yaml": "apiVersion: v1\nkind: ConfigMap\n"})},
    "templates-deprecated-api": {"files": _chart(**{"templates/d.yaml": (
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n---\n"
        "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: e\n")})},
    "templates-deprecated-api-kube-version": {"files": _chart(**{"templates/d.yaml": (
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n---\n"
        "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: e\n")}), "kube_version": "v1.22.0"},
    "templates-no-selector": {"files": _chart(**{"templates/dep.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template: {}\n")})},
    "templates-list-resource-policy": {"files": _chart(**{"templates/list.yaml": (
        "apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems:\n- metadata:\n    annotations:\n"
        "      helm.sh/resource-policy: keep\n")})},
    "templates-subchart-schema": {"files": _chart(
        "dependencies:\n- name: sub\n  version: 1.0.0\n", **{
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            "charts/sub/values.schema.json": '{"type": "object", "required": ["needed"]}'})},
    "templates-strict-warning": {"files": _chart(**{"templates/n.yaml": CM % "Bad_Name"}), "strict": True},
    # dependencies (rules/dependencies.go)
    "dependencies-not-in-metadata": {"files": _chart(**{
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n"})},
    "dependencies-not-in-charts-dir": {"files": _chart("dependencies:\n- name: sub\n  version: 1.0.0\n")},
    "dependencies-duplicate-alias": {"files": _chart(
        "dependencies:\n- name: sub\n  version: 1.0.0\n  alias: s\n- name: other\n  version: 1.0.0\n  alias: s\n", **{
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            "charts/other/Chart.yaml": "apiVersion: v2\nname: other\nversion: 1.0.0\n"})},
    # crds (rules/crds.go)
    "crds-not-directory": {"files": _chart(crds="x")},
    "crds-bad-yaml": {"files": _chart(**{"crds/a.yaml": "a: b: c\n"})},
    "crds-wrong-api-and-kind": {"files": _chart(**{"crds/a.yaml": CM % "c"})},
    "crds-ok": {"files": _chart(**{"crds/a.yaml": (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b.c\n")})},
    # with_subcharts
    "with-subcharts": {"files": _chart("dependencies:\n- name: sub\n  version: 1.0.0\n", **{
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        "charts/sub/templates/cm.yaml": CM % "Sub_Bad"}), "with_subcharts": True},
}


def write_chart(root: str, files: dict) -> str:
    """Write ``files`` under ``root/c`` and return that chart directory."""
    import os
    chart = os.path.join(root, "c")
    os.makedirs(chart, exist_ok=True)
    for name, text in sorted(files.items()):
        path = os.path.join(chart, name)
        if name.endswith("/"):
            os.makedirs(path, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)
    return chart
