"""chart/template.py (``helm template``) against Helm v4: the printed text, hooks and --skip-tests, --include-crds,
--show-only, --output-dir layout, and values assembly.

Helm's side is real Helm v4 (helm_python): a release installed on the kubeapi emulator gives the manifest and the
hooks exactly as ``helm template`` receives them from its install dry-run; the stored podinfo release
(../shared/reference/releases) gives a real chart's hooks.
"""
from __future__ import annotations

import itertools
import json
import os
import re

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart import template
from ansible_collections.helmkit.core.plugins.module_utils.chart.template import (
    collect_values, go_path_match, sync_output_dir, template_chart)
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError

from tests.helpers.corpus import CHARTS_DIR, SHARED

_GO_SPACE = "\t\n\v\f\r \x85\xa0"
_COUNTER = itertools.count()

HOOK_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: hc\nversion: 0.1.0\ndependencies:\n  - {name: sub, version: 0.2.0}\n",
    "values.yaml": "greeting: hello\n",
    "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-a\n"
                         "data:\n  g: {{ .Values.greeting }}\n---\n\n"
                         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n"
                         "    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: '2'\n",
    "templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-svc\n"
                          "spec:\n  ports: [{port: 80}]\n",
    "templates/tests/t.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n"
                              "  annotations:\n    helm.sh/hook: test\nspec:\n  containers: [{name: c, image: busybox}]\n",
    "templates/tests/legacy.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-legacy\n"
                                   "  annotations:\n    helm.sh/hook: test-success\n"
                                   "spec:\n  containers: [{name: c, image: busybox}]\n",
    "templates/NOTES.txt": "notes for {{ .Release.Name }}\n",
    "crds/foo.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
                     "  name: foos.x.io\nspec:\n  group: x.io\n  names: {kind: Foo, plural: foos}\n  scope: Namespaced\n"
                     "  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]\n",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
    "charts/sub/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-sub\n"
                                        "spec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
                                        "    spec:\n      containers: [{name: c, image: nginx}]\n",
    "charts/sub/templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-s\n"
                                        "  annotations:\n    helm.sh/hook: post-install\nstringData:\n  k: v\n",
    "charts/sub/crds/bar.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
                                "  name: bars.x.io\nspec:\n  group: x.io\n  names: {kind: Bar, plural: bars}\n"
                                "  scope: Namespaced\n  versions: [{name: v1, served: true, storage: true, "
                                "schema: {openAPIV3Schema: {type: object}}}]\n",
}


def _source_docs(manifest: str):
    """(path, document) pairs of a manifest Helm assembled as ``---\\n# Source: <path>\\n<doc>\\n`` entries."""
    out = []
    assert manifest.endswith("\n")
    for chunk in re.split(r"(?:^|\n)---\n# Source: ", manifest[:-1])[1:]:
        path, _unused, doc = chunk.partition("\n")
        out.append((path, doc))
    return out


@pytest.fixture(scope="module")
def helm_hook_release(kubeapi, tmp_path_factory):
    """HOOK_CHART installed by Helm v4 on the emulator: (chart path, release name, manifest, hooks, helm Chart)."""
    root = tmp_path_factory.mktemp("hookchart") / "hc"
    for rel, text in HOOK_CHART.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    name = "tpl-hooks-%d-%d" % (os.getpid() % 10000, next(_COUNTER))
    config = helm_python.Config(kubeconfig_path=kubeapi.kubeconfig, namespace="default")
    chart = helm_python.Chart.load(str(root))
    installed = config.install(chart, name, None, namespace="default")
    stored = config.get_all(name)
    yield str(root), name, installed["manifest"], stored["hooks"], chart
    config.uninstall(name, ignore_not_found=True)


def _helm_stdout(manifest, hooks, skip_tests=False, crds=""):
    """helm template's stdout (pkg/cmd/template.go) from Helm's own release manifest and hook records."""
    text = (crds + manifest).strip(_GO_SPACE) + "\n"
    for hook in hooks:
        if skip_tests and "test" in hook["events"]:
            continue
        text += "---\n# Source: %s\n%s\n" % (hook["path"], hook["manifest"])
    return text


def _helm_crds(chart):
    return "".join("---\n# Source: %s\n%s\n" % (c["filename"], c["data"]) for c in chart.crds)


@pytest.mark.parametrize("skip_tests", [False, True])
def test_stdout_with_hooks_matches_helm(helm_hook_release, skip_tests):
    path, name, manifest, hooks, _chart = helm_hook_release
    ours = template_chart(path, release_name=name, namespace="default", skip_tests=skip_tests)
    assert ours.manifest == _helm_stdout(manifest, hooks, skip_tests)
    assert ("-test\n" in ours.manifest) is not skip_tests
    kinds = [(o["kind"], o["metadata"]["name"]) for o in ours.objects]
    assert ("Service", name + "-svc") in kinds and ("ConfigMap", name + "-hook") in kinds


def test_include_crds_prepends_chart_and_subchart_crds(helm_hook_release):
    path, name, manifest, hooks, chart = helm_hook_release
    ours = template_chart(path, release_name=name, include_crds=True)
    assert ours.manifest == _helm_stdout(manifest, hooks, crds=_helm_crds(chart))
    assert [o["metadata"]["name"] for o in ours.objects[:2]] == ["foos.x.io", "bars.x.io"]


def test_output_dir_layout_and_idempotence(helm_hook_release, tmp_path):
    path, name, manifest, hooks, chart = helm_hook_release
    ours = template_chart(path, release_name=name, include_crds=True, skip_tests=True)
    expected = {}
    entries = [(c["filename"], c["data"]) for c in chart.crds] + _source_docs(manifest) + [
        (h["path"], h["manifest"]) for h in hooks if "test" not in h["events"]]
    for rel, doc in entries:
        expected[rel] = expected.get(rel, "") + "---\n# Source: %s\n%s\n" % (rel, doc)
    assert ours.files == expected
    out = tmp_path / "out"
    assert sync_output_dir(str(out), ours.files, check_mode=True) == sorted(expected)
    assert not out.exists(), "check mode must not write"
    assert sync_output_dir(str(out), ours.files) == sorted(expected)
    assert (out / "hc" / "templates" / "cm.yaml").read_text() == expected["hc/templates/cm.yaml"]
    assert (out / "hc" / "charts" / "sub" / "crds" / "bar.yaml").is_file()
    assert sync_output_dir(str(out), ours.files) == []
    (out / "hc" / "templates" / "svc.yaml").write_text("edited\n")
    (out / "unrelated.txt").write_text("left alone\n")
    assert sync_output_dir(str(out), ours.files) == ["hc/templates/svc.yaml"]
    assert (out / "unrelated.txt").read_text() == "left alone\n"


def test_show_only_selects_documents_like_helm(helm_hook_release):
    path, name, manifest, hooks, _chart = helm_hook_release
    helm_docs = _source_docs(_helm_stdout(manifest, hooks))

    def expected(patterns):
        out = ""
        for pattern in patterns:
            for rel, doc in helm_docs:
                if go_path_match(pattern, rel.split("/", 1)[1]):
                    out += "---\n%s\n" % ("# Source: %s\n%s" % (rel, doc)).strip(_GO_SPACE)
        return out

    for patterns in (["templates/cm.yaml"], ["charts/sub/templates/*"], ["templates/tests/*", "templates/svc.yaml"],
                     ["templates/svc.yaml", "templates/svc.yaml"]):
        ours = template_chart(path, release_name=name, show_only=patterns).manifest
        assert ours == expected(patterns), patterns
        assert ours.count("---\n# Source: ") >= len(patterns)
    with pytest.raises(ChartError) as err:
        template_chart(path, release_name=name, show_only=["templates/svc.yaml", "templates/nope.yaml"])
    assert str(err.value) == "could not find template templates/nope.yaml in chart"


def _mask_hook_names(text):
    # podinfo's test pods end in a randAlphaNum suffix: compare everything else.
    return re.sub(r"(-[a-z]+-)[a-z0-9]{5}\b", r"\1XXXXX", text)


def test_podinfo_matches_stored_helm_release():
    with open(os.path.join(SHARED, "reference", "releases", "podinfo.v1.json")) as handle:
        record = json.load(handle)
    from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import to_json_values
    args = dict(release_name=record["name"], namespace=record["namespace"], revision=record["version"])
    values = to_json_values(record.get("config") or {})
    path = os.path.join(CHARTS_DIR, "podinfo-6.14.1.tgz")
    skipped = template_chart(path, values, skip_tests=True, **args)
    assert skipped.manifest == _helm_stdout(record["manifest"], record["hooks"], skip_tests=True)
    full = template_chart(path, values, **args)
    expected = _helm_stdout(record["manifest"], record["hooks"])
    assert record["hooks"] and _mask_hook_names(full.manifest) == _mask_hook_names(expected)


def test_capabilities_and_release_options_reach_templates(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: caps\nversion: 0.1.0\n",
        "templates/cm.yaml": "kind: ConfigMap\nkube: {{ .Capabilities.KubeVersion }}\n"
                             "has: {{ .Capabilities.APIVersions.Has \"x.io/v9\" }}\nrev: {{ .Release.Revision }}\n"
                             "up: {{ .Release.IsUpgrade }}\nns: {{ .Release.Namespace }}\n",
    })
    ours = template_chart(path, kube_version="1.29.3", api_versions=["x.io/v9"], revision=4, is_upgrade=True,
                          namespace="prod")
    assert ours.objects == [{"kind": "ConfigMap", "kube": "v1.29.3", "has": True, "rev": 4, "up": True, "ns": "prod"}]
    rendered = helm_python.Chart.load(path).render(None, name="release-name", namespace="prod", revision=4,
                                                   is_upgrade=True)
    assert "rev: 4\nup: true\nns: prod" in rendered["caps/templates/cm.yaml"]


def test_kube_version_constraint_checked(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: k\nversion: 0.1.0\nkubeVersion: '>=1.30.0'\n",
                       "templates/a.yaml": "kind: A\n"})
    assert template_chart(path).objects == [{"kind": "A"}]
    with pytest.raises(ChartError, match="chart requires kubeVersion: >=1.30.0 which is incompatible with "
                                         "Kubernetes v1.29.0"):
        template_chart(path, kube_version="v1.29.0")


# Go's own test vectors for path/filepath.Match (src/path/filepath/match_test.go); an error counts as no match.
GO_MATCH_CASES = [
    ("abc", "abc", True), ("*", "abc", True), ("*c", "abc", True), ("a*", "a", True), ("a*", "abc", True),
    ("a*", "ab/c", False), ("a*/b", "abc/b", True), ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True), ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False), ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True), ("a*b?c*x", "abxbbxdbxebxczzy", False), ("ab[c]", "abc", True),
    ("ab[b-d]", "abc", True), ("ab[e-g]", "abc", False), ("ab[^c]", "abc", False), ("ab[^b-d]", "abc", False),
    ("ab[^e-g]", "abc", True), ("a\\*b", "a*b", True), ("a\\*b", "ab", False), ("a?b", "a\u263ab", True),
    ("a[^a]b", "a\u263ab", True), ("a???b", "a\u263ab", False), ("a[^a][^a][^a]b", "a\u263ab", False),
    ("[a-\u03b6]*", "\u03b1", True), ("*[a-\u03b6]", "A", False), ("a?b", "a/b", False), ("a*b", "a/b", False),
    ("[\\]a]", "]", True), ("[\\-]", "-", True), ("[x\\-]", "x", True), ("[x\\-]", "-", True), ("[x\\-]", "z", False),
    ("[\\-x]", "x", True), ("[\\-x]", "-", True), ("[\\-x]", "a", False), ("[]a]", "]", False), ("[-]", "-", False),
    ("[x-]", "x", False), ("[x-]", "-", False), ("[-x]", "x", False), ("\\", "a", False), ("[a-b-c]", "a", False),
    ("[", "a", False), ("[^", "a", False), ("[^bc", "a", False), ("a[", "a", False), ("a[", "ab", False),
    ("*x", "xxx", True),
]


@pytest.mark.parametrize("pattern,name,matched", GO_MATCH_CASES)
def test_show_only_patterns_follow_go_filepath_match(pattern, name, matched):
    assert go_path_match(pattern, name) is matched


def test_values_assembled_in_helms_order(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import merge_maps
    base = tmp_path / "base.yaml"
    base.write_text("a: {b: 1, c: [1, 2]}\nkeep: yes\n")
    over = tmp_path / "over.yaml"
    over.write_text("a: {c: ~}\n")
    payload = tmp_path / "payload.txt"
    payload.write_text("from a file\n")
    set_values = [
        ("string", "order=string"), ("raw", "order=raw"), ("json", 'order={"j":1}'), ("raw", "n=007,m=7,t=true"),
        ("string", "s=007"), ("file", "f=%s" % payload), ("literal", "lit=a,b=c"), ("raw", "list[1]=x"),
        ("json", 'obj={"k":[1,2.5]}')]
    got = collect_values([str(base), str(over)], {"a": {"d": 2}},
                         [{"value": v, "value_type": k} for k, v in set_values])
    # Helm's MergeValues: -f files, then (our `values`, like one more file), then --set-json, --set, --set-string,
    # --set-file, --set-literal; each expression parsed by Helm itself (helm_python).
    expected = {}
    for text in (base.read_text(), over.read_text(), json.dumps({"a": {"d": 2}})):
        expected = merge_maps(expected, helm_python.values_from_yaml(text))
    parsers = [("json", helm_python.parse_set_json), ("raw", helm_python.parse_set_string),
               ("string", helm_python.parse_set_string_values), ("file", helm_python.parse_set_file),
               ("literal", helm_python.parse_set_literal)]
    for kind, parse in parsers:
        for k, v in set_values:
            if k == kind:
                expected = merge_maps(expected, parse(v))
    assert got == expected
    assert got["order"] == "string" and got["n"] == "007" and got["m"] == 7 and got["a"]["c"] is None


def test_values_errors_name_the_input(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError
    with pytest.raises(ValuesError, match="cannot read .*missing.yaml"):
        collect_values([str(tmp_path / "missing.yaml")])
    with pytest.raises(ValuesError, match=r"set_values\[0\] must be"):
        collect_values(set_values=[{"value": "a=1", "value_type": "bogus"}])
    with pytest.raises(ValuesError, match="failed parsing --set data"):
        collect_values(set_values=[{"value": "a[x]=1", "value_type": "raw"}])


def test_parse_objects_names_the_source_of_bad_yaml():
    with pytest.raises(Exception, match="hc/templates/x.yaml"):
        template.parse_objects("---\n# Source: hc/templates/x.yaml\na: [b\n")


def test_objects_are_plain_json_data():
    objects = template.parse_objects("---\n# Source: c/templates/x.yaml\nkind: Secret\ndata: !!binary aGVsbG8=\n"
                                     "set: !!set {a}\n---\n# Source: c/templates/y.yaml\n# only a comment\n")
    assert objects == [{"kind": "Secret", "data": "hello", "set": {"a": None}}]
    json.dumps(objects)
