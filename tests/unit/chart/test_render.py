"""render_release / render_chart end to end against Helm v4 (helm_python): dry-run install manifests and notes,
values schema validation, library charts, errors."""
from __future__ import annotations

import os

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart, render_release
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, HelmkitError, ValuesError

from tests.helpers import helmref
from tests.helpers.corpus import CHARTS_DIR, corpus_manifest, values_text

FIRST_BAR = ("podinfo", "ingress-nginx", "redis")
CASES = [e for e in corpus_manifest() if e["name"] in FIRST_BAR or (
    not e.get("nondeterministic") and e.get("type") != "library" and not e["deps"])]


@pytest.fixture(scope="module")
def helm_config(tmp_path_factory):
    return helmref.offline_config(tmp_path_factory.mktemp("kube"), "test-ns")


def _mask_random(text):
    # redis renders a random password into a Secret (and its checksum into the pods): compare everything else.
    return "\n".join(line for line in text.split("\n")
                     if "password" not in line.lower() and "checksum/" not in line)


@pytest.mark.parametrize("entry", CASES, ids=[e["name"] for e in CASES])
def test_release_manifest_and_notes_match_helm_dry_run(entry, helm_config):
    text = values_text(entry["name"])
    path = os.path.join(CHARTS_DIR, entry["tgz"])
    ours = render_release(path, load_values(text) if text else None, release_name="test-release",
                          namespace="test-ns", revision=1, is_upgrade=False)
    helm = helm_config.install(helm_python.Chart.load(path), "test-release",
                               helm_python.values_from_yaml(text) if text else None, namespace="test-ns",
                               dry_run="client")
    expected_manifest = helm.get("manifest", "")
    if entry.get("nondeterministic"):
        assert _mask_random(ours.manifest) == _mask_random(expected_manifest)
    else:
        assert ours.manifest == expected_manifest
    assert ours.notes == helm.get("notes", "")
    assert ours.chart.name == entry["chart_name"]


SCHEMA_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: s\nversion: 0.1.0\n",
    "values.yaml": "replicas: 1\nname: x\n",
    "values.schema.json": '{"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1},'
                          ' "name": {"type": "string"}}, "required": ["name"]}',
    "templates/cm.yaml": "kind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n",
}


@pytest.mark.parametrize("user,valid", [
    (None, True), ({"replicas": 3}, True), ({"replicas": 0}, False), ({"replicas": "two"}, False),
    ({"name": 5}, False), ({"name": None}, False),
])
def test_values_schema_like_helm(make_chart, user, valid):
    path = make_chart(SCHEMA_CHART)
    try:
        helm_python.Chart.load(path).render(user, name="r", namespace="ns")
        helm_error = None
    except helm_python.HelmError as exc:
        helm_error = str(exc)
    assert (helm_error is None) == valid
    if valid:
        assert render_chart(path, user)["s/templates/cm.yaml"].startswith("kind: ConfigMap")
    else:
        with pytest.raises(ValuesError, match="schema") as ours:
            render_chart(path, user)
        problems = sorted(line for line in str(ours.value).splitlines() if line.startswith("- at"))
        assert problems == sorted(line for line in helm_error.splitlines() if line.startswith("- at"))


def test_subchart_schema_is_checked(make_chart):
    files = {"Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
                           "  - {name: s, version: 0.1.0}\n"}
    files.update({"charts/s/" + k: v for k, v in SCHEMA_CHART.items()})
    path = make_chart(files)
    assert "top/charts/s/templates/cm.yaml" in render_chart(path, None)
    with pytest.raises(ValuesError, match="s:"):
        render_chart(path, {"s": {"replicas": 0}})


def test_library_chart(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n",
                       "templates/_h.tpl": '{{ define "lib.x" }}x{{ end }}', "templates/cm.yaml": "kind: X\n"})
    assert render_chart(path) == helm_python.Chart.load(path).render(name="r", namespace="ns") == {}
    with pytest.raises(ChartError, match="library charts are not installable"):
        render_release(path, None, release_name="r", namespace="ns", revision=1, is_upgrade=False)


def test_template_error_is_a_chart_error_with_helm_text(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: e\nversion: 0.1.0\n",
                       "templates/a.yaml": '{{ required "name is required" .Values.name }}'})
    with pytest.raises(helm_python.HelmError) as helm_err:
        helm_python.Chart.load(path).render(name="r", namespace="ns")
    with pytest.raises(HelmkitError) as ours:
        render_chart(path)
    assert "name is required" in str(ours.value) and "name is required" in str(helm_err.value)
    assert "e/templates/a.yaml" in str(ours.value)


def test_kube_version_constraint_checked_on_release(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: k\nversion: 0.1.0\nkubeVersion: '<1.20.0'\n",
                       "templates/a.yaml": "kind: A\nmetadata: {name: a}\n"})
    with pytest.raises(ChartError, match="incompatible with Kubernetes v1.36.0"):
        render_release(path, None, release_name="r", namespace="ns", revision=1, is_upgrade=False)


def test_alias_subchart_template_paths_and_disabled_subchart(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
                      "  - {name: sub, version: 0.2.0, alias: one}\n"
                      "  - {name: sub, version: 0.2.0, alias: two, condition: two.enabled}\n",
        "values.yaml": "two: {enabled: false}\n",
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
        "charts/sub/templates/cm.yaml": "kind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-{{ .Values.v }}\n",
        "charts/sub/values.yaml": "v: 1\n",
    })
    ours = render_chart(path)
    assert ours == helm_python.Chart.load(path).render(name="release-name", namespace="default")
    assert list(ours) == ["top/charts/one/templates/cm.yaml"]


def test_missing_dependency_fails_release_like_helm_install(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: md\nversion: 0.1.0\ndependencies:\n"
                                     "  - {name: gone, version: 1.0.0, repository: 'https://x'}\n",
                       "templates/a.yaml": "a: 1\n"})
    assert render_chart(path) == helm_python.Chart.load(path).render(name="release-name", namespace="default")
    with pytest.raises(ChartError, match="missing in charts/ directory: gone"):
        render_release(path, None, release_name="r", namespace="ns", revision=1, is_upgrade=False)


@pytest.mark.parametrize("record_name,tgz", [("podinfo.v1.json", "podinfo-6.14.1.tgz"),
                                             ("ingress-nginx.v1.json", "ingress-nginx-4.15.1.tgz")])
def test_release_matches_stored_helm_record(record_name, tgz):
    """The manifest, notes and hooks (except run times and random name suffixes) Helm v4 stored for a real
    install (../shared/reference/releases) are what render_release produces for the same inputs."""
    import json
    from tests.helpers.corpus import SHARED
    from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import to_json_values
    with open(os.path.join(SHARED, "reference", "releases", record_name)) as handle:
        record = json.load(handle)
    ours = render_release(os.path.join(CHARTS_DIR, tgz), to_json_values(record.get("config") or {}),
                          release_name=record["name"], namespace=record["namespace"], revision=record["version"],
                          is_upgrade=False)
    assert ours.manifest == record["manifest"]
    assert ours.notes == record["info"].get("notes", "")
    mine = [h.to_record() for h in ours.hooks]
    stored = record["hooks"]
    fields = ("path", "kind", "events", "weight", "delete_policies")
    assert [tuple(h.get(f) for f in fields) for h in mine] == [tuple(h.get(f) for f in fields) for h in stored]
    for a, b in zip(mine, stored):
        if a["name"] == b["name"]:
            assert a["manifest"] == b["manifest"]
        else:  # randAlphaNum suffix in podinfo's test pods
            assert a["name"][:-6] == b["name"][:-6]


def test_nested_library_charts_and_globals_like_helm(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n"
                      "  - {name: lib, version: 0.1.0}\n  - {name: web, version: 0.1.0, alias: front}\n",
        "values.yaml": "global: {env: prod}\nfront: {port: 8080}\n",
        "templates/cm.yaml": 'kind: ConfigMap\ndata:\n  x: {{ include "lib.name" . }}\n'
                             '  y: {{ include "inner.greet" . }}\n  env: {{ .Values.global.env }}\n',
        "templates/NOTES.txt": "notes {{ .Chart.Name }}",
        "charts/lib/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\ndependencies:\n"
                                 "  - {name: inner, version: 0.1.0}\n",
        "charts/lib/templates/_names.tpl": '{{ define "lib.name" }}{{ .Release.Name }}-{{ .Chart.Name }}{{ end }}',
        "charts/lib/templates/ignored.yaml": "kind: Ignored\n",
        "charts/lib/charts/inner/Chart.yaml": "apiVersion: v2\nname: inner\nversion: 0.1.0\ntype: library\n",
        "charts/lib/charts/inner/templates/_g.tpl": '{{ define "inner.greet" }}hi {{ .Values.global.env }}{{ end }}',
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "charts/web/values.yaml": "port: 80\nglobal: {env: dev, zone: a}\n",
        "charts/web/templates/svc.yaml": "kind: Service\nport: {{ .Values.port }}\nenv: {{ .Values.global.env }}\n"
                                         "zone: {{ .Values.global.zone }}\nname: {{ .Chart.Name }}\n",
        "charts/web/templates/NOTES.txt": "web notes",
    })
    ours = render_chart(path, {"global": {"env": "stage"}})
    assert ours == helm_python.Chart.load(path).render({"global": {"env": "stage"}}, name="release-name",
                                                       namespace="default")
    assert "app/charts/front/templates/svc.yaml" in ours
