"""Small charts for each values and files rule the corpus does not exercise, rendered by us and by Helm v4
(helm_python) and compared template by template: every chart and subchart template prints what it sees
(``.Values``, ``.Chart``, files), so a wrong coalescing, scoping or ordering shows as a difference."""
from __future__ import annotations

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.template import template_chart

PROBE = "probe: {{ .Values | toJson }}\nchart: {{ .Chart.Name }}\n"


def _chart(meta: str, values: str = "", probe: bool = True, **extra) -> dict:
    files = {"Chart.yaml": meta}
    if values:
        files["values.yaml"] = values
    if probe:
        files["templates/probe.yaml"] = PROBE
    files.update(extra)
    return files


def _under(prefix: str, files: dict) -> dict:
    return {prefix + k: v for k, v in files.items()}


def _tree(top: dict, **subcharts) -> dict:
    files = dict(top)
    for path, sub in subcharts.items():
        files.update(_under("charts/%s/" % path.replace("__", "/charts/"), sub))
    return files


GLOBALS = _tree(
    _chart("apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - {name: mid, version: 0.1.0}\n",
           "global: {region: eu, shared: {a: top}}\nmid: {global: {fromParent: x}}\n"),
    mid=_chart("apiVersion: v2\nname: mid\nversion: 0.1.0\ndependencies:\n  - {name: leaf, version: 0.1.0}\n",
               "global: {region: mid-default, shared: {b: mid}, midOnly: 1}\nleaf: {own: 2}\n"),
    mid__leaf=_chart("apiVersion: v2\nname: leaf\nversion: 0.1.0\n",
                     "global: {region: leaf-default, leafOnly: true, shared: {c: leaf}}\nown: 1\n"),
)

ALIAS_CONDITION_TAGS = _tree(
    _chart("apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
           "  - {name: svc, version: 0.1.0, alias: api, condition: api.enabled}\n"
           "  - {name: svc, version: 0.1.0, alias: worker, condition: 'missing.flag,worker.enabled', tags: [jobs]}\n"
           "  - {name: svc, version: 0.1.0, alias: cron, tags: [jobs, extras]}\n"
           "  - {name: svc, version: 0.1.0, alias: paused, condition: paused.enabled}\n",
           "api: {enabled: true, port: 81}\nworker: {enabled: false, port: 82}\ncron: {port: 83}\n"
           "paused: {enabled: false, port: 84}\ntags: {jobs: false}\n"),
    svc=_chart("apiVersion: v2\nname: svc\nversion: 0.1.0\n", "port: 80\nenabled: true\nname: svc\n"),
)

IMPORTS = _tree(
    _chart("apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
           "  - name: lib\n    version: 0.1.0\n    import-values:\n      - defaults\n"
           "      - {child: settings.db, parent: database}\n      - {child: exports.more, parent: more}\n",
           "database: {host: parent-host}\nmore: {keep: parent}\n"),
    lib=_chart("apiVersion: v2\nname: lib\nversion: 0.1.0\n",
               "exports:\n  defaults: {color: blue, size: 3}\n  more: {keep: child, extra: 1}\n"
               "settings: {db: {host: child-host, port: 5432}}\n"),
)

NESTED_LIBRARIES = _tree(
    _chart("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - {name: lib, version: 0.1.0}\n",
           "name: app-name\n", **{"templates/use.yaml": 'a: {{ include "lib.full" . }}\n'
                                                        'b: {{ include "inner.tag" . }}\n'}),
    lib=_chart("apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\ndependencies:\n"
               "  - {name: inner, version: 0.1.0}\n", "libDefault: 1\n", probe=False,
               **{"templates/_full.tpl": '{{ define "lib.full" }}{{ .Release.Name }}-{{ .Values.name }}'
                                         '{{ end }}', "templates/ignored.yaml": "kind: Ignored\n"}),
    lib__inner=_chart("apiVersion: v2\nname: inner\nversion: 0.1.0\ntype: library\n", probe=False,
                      **{"templates/_tag.tpl": '{{ define "inner.tag" }}{{ .Chart.Name }}:{{ .Chart.Version }}'
                                               '{{ end }}'}),
)

NULLS = _tree(
    _chart("apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - {name: sub, version: 0.1.0}\n",
           "keep: 1\ndrop: {a: 1}\nnested: {x: 1, y: {z: 2}}\nlist: [1, ~]\nsub: {fromParent: ~, other: 3}\n"),
    sub=_chart("apiVersion: v2\nname: sub\nversion: 0.1.0\n", "fromParent: child\nchildOnly: 1\nother: 0\n"),
)

FILES = _chart(
    "apiVersion: v2\nname: files\nversion: 0.1.0\n", probe=False,
    **{".helmignore": "*.bak\nsecret/\n",
       "conf/b.conf": "b=2\n", "conf/a.conf": "a=1\n", "conf/Z.conf": "z=26\n", "conf/sub/c.conf": "c=3\n",
       "conf/x.bak": "ignored\n", "secret/key": "ignored\n", "lines.txt": "one\ntwo\n\nthree",
       "templates/files.yaml":
           'glob: {{ range $path, $_ := .Files.Glob "conf/**" }}{{ $path }},{{ end }}\n'
           'star: {{ range $path, $_ := .Files.Glob "conf/*" }}{{ $path }},{{ end }}\n'
           'config:\n{{ (.Files.Glob "conf/*").AsConfig | indent 2 }}\n'
           'secrets:\n{{ (.Files.Glob "conf/**.conf").AsSecrets | indent 2 }}\n'
           'lines: {{ .Files.Lines "lines.txt" | toJson }}\n'
           'get: {{ .Files.Get "conf/a.conf" | quote }} {{ .Files.Get "secret/key" | quote }}\n'
           'bytes: {{ .Files.GetBytes "conf/b.conf" | len }}\n'})

CHARTS = {"globals": GLOBALS, "alias-condition-tags": ALIAS_CONDITION_TAGS, "import-values": IMPORTS,
          "nested-libraries": NESTED_LIBRARIES, "nulls": NULLS, "files": FILES}

USER_VALUES = {
    "globals": [None, {"global": {"region": "us", "shared": {"d": "user"}}, "mid": {"global": {"midOnly": 9}}}],
    "alias-condition-tags": [None, {"tags": {"jobs": True}}, {"worker": {"enabled": True}, "api": {"enabled": False}},
                             {"tags": {"extras": True}, "paused": {"port": 99}}],
    "import-values": [None, {"database": {"port": 1}}, {"color": "red"}],
    "nested-libraries": [None, {"name": "other"}],
    "nulls": [None, {"drop": None, "nested": {"y": None}}, {"sub": {"childOnly": None, "other": None}},
              {"keep": None, "new": {"a": None}}],
    "files": [None],
}
CASES = [(name, index) for name in CHARTS for index in range(len(USER_VALUES[name]))]


@pytest.mark.parametrize("name,index", CASES, ids=["%s-%d" % c for c in CASES])
def test_small_chart_renders_like_helm(make_chart, name, index):
    path = make_chart(CHARTS[name], name=name)
    values = USER_VALUES[name][index]
    expected = helm_python.Chart.load(path).render(values, name="rel", namespace="ns")
    assert expected, "Helm rendered nothing"
    assert render_chart(path, values, release_name="rel", namespace="ns") == expected


def test_disabled_subchart_values_still_coalesced_into_parent(make_chart):
    """A subchart turned off by its condition renders nothing, but the values given for it are still coalesced
    into the parent's ``.Values`` (without the disabled subchart's own defaults), exactly as Helm does."""
    path = make_chart(ALIAS_CONDITION_TAGS, name="disabled")
    ours = render_chart(path, None, release_name="rel", namespace="ns")
    assert not any("/charts/paused/" in k or "/charts/worker/" in k for k in ours)
    assert ours["top/templates/probe.yaml"] == helm_python.Chart.load(path).render(
        None, name="rel", namespace="ns")["top/templates/probe.yaml"]
    assert '"paused":{"enabled":false,"port":84}' in ours["top/templates/probe.yaml"]


def test_template_text_of_a_subchart_tree(make_chart):
    """helm template's text for a chart with aliases and globals: the documents in Helm's install order."""
    path = make_chart(GLOBALS, name="globals-text")
    text = template_chart(path, release_name="rel").manifest
    rendered = helm_python.Chart.load(path).render(None, name="rel", namespace="default")
    sources = [line[len("# Source: "):] for line in text.splitlines() if line.startswith("# Source: ")]
    assert sources == sorted(rendered)
    for source in sources:
        assert "# Source: %s\n%s" % (source, rendered[source].lstrip("\n")) in text


# Plain scalars where the two go-yaml v2 resolvers once disagreed (issue 17): values.yaml goes through the chart
# loader, s.yaml through fromYaml; both now use yaml/resolve.py and must print what Helm prints.
SCALARS = ("plusmax: +18456744073709551615\nplusu64: +18446744073709551615\nu64: 18446744073709551615\n"
           "negbig: -9223372036854775809\noctal: 0o17\nold: 017\nhuge: 1e400\nday: 2024-01-02\nunder: .1_0\n"
           "dot: .5\nbin: 0b101\nnegbin: -0b101\nhex: 0x1F\nyes: yes\ntilde: ~\nsep: 1_000\nus1: ._1\nus2: .1__0\nus3: .1_\nus4: .1_e1_0\n")


def test_plain_scalars_resolve_like_helm_in_values_and_from_yaml(make_chart):
    files = _chart("apiVersion: v2\nname: scalars\nversion: 0.1.0\n", SCALARS, **{
        "s.yaml": SCALARS, "templates/from.yaml": 'from: {{ fromYaml (.Files.Get "s.yaml") | toJson }}\n'})
    path = make_chart(files, name="scalars")
    expected = helm_python.Chart.load(path).render(None, name="rel", namespace="ns")
    assert "plusu64" in expected["scalars/templates/probe.yaml"]
    assert render_chart(path, None, release_name="rel", namespace="ns") == expected
