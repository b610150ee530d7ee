"""Template objects (.Files, .Capabilities, .Release, .Chart) against what Helm v4 prints for the same chart."""
from __future__ import annotations

import json

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.context import (
    Capabilities, chart_context, release_object)
from ansible_collections.helmkit.core.plugins.module_utils.chart.files import Files, compile_glob
from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.values import coalesce_values, process_dependencies
from tests.helpers import helmref

FILES = {
    "conf/a.yaml": "a: 1\n", "conf/b.txt": "bee\nline2\n", "conf/deep/c.yaml": "c: 3", "top.md": "# top",
    "conf/x.json": '{"x": 1}',
}
PATTERNS = ["conf/*", "conf/**", "**.yaml", "conf/*.{yaml,json}", "conf/[ab].*", "conf/[!a]*", "*", "c?nf/a.yaml",
            "**/c.yaml", "nothing/*"]


@pytest.fixture
def files_chart(make_chart):
    files = {"Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: '1.0'\n"
                           "annotations: {k: v}\nmaintainers: [{name: me, email: a@b}]\n"}
    files.update(FILES)
    lines = []
    for i, pattern in enumerate(PATTERNS):
        lines.append('glob%d={{ range $k, $v := .Files.Glob "%s" }}{{ $k }},{{ end }}' % (i, pattern))
    lines.append('lines={{ .Files.Lines "conf/b.txt" | toJson }}')
    lines.append('nolines={{ .Files.Lines "none" | toJson }}')
    lines.append('get={{ .Files.Get "conf/a.yaml" }}|{{ .Files.Get "none" }}|')
    lines.append('config={{ (.Files.Glob "conf/*").AsConfig }}')
    lines.append('secrets={{ (.Files.Glob "conf/*").AsSecrets }}')
    lines.append('caps={{ .Capabilities.KubeVersion }}|{{ .Capabilities.KubeVersion.Major }}|'
                 '{{ .Capabilities.KubeVersion.Minor }}|{{ .Capabilities.HelmVersion }}')
    lines.append('apis={{ .Capabilities.APIVersions | toJson }}')
    lines.append('release={{ .Release | toJson }}')
    lines.append('chart={{ .Chart | toJson }}')
    files["templates/probe.txt"] = "\n".join(lines) + "\n"
    return make_chart(files)


def _helm_lines(path):
    text = helmref.render_chart(path, release="r", namespace="ns")["c/templates/probe.txt"]
    out = {}
    key = None
    for line in text.split("\n"):
        if "=" in line and line.split("=", 1)[0].isalnum():
            key, value = line.split("=", 1)
            out[key] = value
        elif key is not None:
            out[key] += "\n" + line
    return out


def _ours(path):
    chart = process_dependencies(load_chart(path), None)
    return chart_context(chart, coalesce_values(chart, None), release_object("r", "ns"), Capabilities())


def test_files_methods_match_helm(files_chart):
    helm = _helm_lines(files_chart)
    files = _ours(files_chart)["Files"]
    assert isinstance(files, Files)
    for i, pattern in enumerate(PATTERNS):
        assert "".join(k + "," for k in sorted(files.Glob(pattern))) == helm["glob%d" % i], pattern
    assert json.dumps(files.Lines("conf/b.txt")) == helm["lines"].replace(",", ", ")
    assert files.Lines("none") == [] and helm["nolines"] == "[]"
    assert "%s|%s|" % (files.Get("conf/a.yaml"), files.Get("none")) == helm["get"]


def test_as_config_and_secrets_match_helm(files_chart):
    helm = _helm_lines(files_chart)
    files = _ours(files_chart)["Files"]
    assert files.Glob("conf/*").AsConfig() == helm["config"]
    assert files.Glob("conf/*").AsSecrets() == helm["secrets"]


def test_capabilities_release_and_chart_match_helm(files_chart):
    helm = _helm_lines(files_chart)
    context = _ours(files_chart)
    caps = context["Capabilities"]
    assert "%s|%s|%s|%s" % (caps.KubeVersion, caps.KubeVersion.Major, caps.KubeVersion.Minor,
                            caps.HelmVersion) == helm["caps"]
    assert list(caps.APIVersions) == json.loads(helm["apis"])
    assert caps.APIVersions.Has("apps/v1") and not caps.APIVersions.Has("apps/v1/Deployment")
    assert context["Release"] == json.loads(helm["release"])
    assert context["Chart"] == json.loads(helm["chart"])


def test_kube_version_and_extra_api_versions():
    caps = Capabilities("1.29.3", ["monitoring.coreos.com/v1"])
    assert (caps.KubeVersion.Version, caps.KubeVersion.Major, caps.KubeVersion.Minor) == ("v1.29.3", "1", "29")
    assert caps.KubeVersion.GitVersion() == "v1.29.3"
    assert caps.APIVersions.Has("monitoring.coreos.com/v1")


def test_subcharts_context_uses_alias_and_sub_values(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
                      "  - {name: sub, version: 0.2.0, alias: other}\n",
        "values.yaml": "other: {x: 1}\n",
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
    })
    chart = process_dependencies(load_chart(path), None)
    context = chart_context(chart, coalesce_values(chart, None), release_object("r", "ns"), Capabilities())
    sub = context["Subcharts"]["other"]
    assert sub["Chart"]["Name"] == "other" and sub["Chart"]["IsRoot"] is False
    assert sub["Values"]["x"] == 1.0 and sub["Release"] is context["Release"]


def test_glob_compiles_gobwas_syntax():
    assert compile_glob("a/**/b").match("a/x/y/b")
    assert not compile_glob("a/*").match("a/x/y")
    with pytest.raises(ValueError):
        compile_glob("a/{x")


def test_capabilities_from_cluster_use_discovery_only():
    caps = Capabilities.from_cluster("v1.30.2+k3s1", ["v1", "apps/v1", "apps/v1/Deployment"], major="1", minor="30")
    assert str(caps.KubeVersion) == "v1.30.2+k3s1" and caps.KubeVersion.Minor == "30"
    assert list(caps.APIVersions) == ["v1", "apps/v1", "apps/v1/Deployment"]
    assert not caps.APIVersions.Has("batch/v1")
