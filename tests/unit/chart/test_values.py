"""Coalescing and dependency processing against the `.Values` Helm v4 (helm_python) gives templates."""
from __future__ import annotations

import os

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.values import (
    coalesce_values, process_dependencies)

from tests.helpers.corpus import CHARTS_DIR, corpus_manifest, helm_rendered_values, values_text


def _ours(path, user):
    chart = process_dependencies(load_chart(path), user)
    return coalesce_values(chart, user)


def _values_file(name, variant):
    text = values_text(name, variant)
    return None if text is None else helm_python.values_from_yaml(text)


# Library charts (type: library) render nothing, so Helm shows no `.Values` to compare with.
CASES = [(entry, variant) for entry in corpus_manifest() for variant in ("default", "alt")
         if (variant == "default" or "alt" in entry.get("expected", {})) and entry.get("type") != "library"]


@pytest.mark.parametrize("entry,variant", CASES, ids=["%s-%s" % (e["name"], v) for e, v in CASES])
def test_corpus_values_match_helm(entry, variant):
    path = os.path.join(CHARTS_DIR, entry["tgz"])
    user = _values_file(entry["name"], variant)
    assert _ours(path, user) == helm_rendered_values(path, user)


NULLS_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
                  "  - {name: sub, version: 0.2.0, alias: one, condition: one.enabled}\n"
                  "  - {name: sub, version: 0.2.0, alias: two, condition: 'nope.x,two.on', tags: [extra]}\n"
                  "  - {name: lib, version: '>=0.1.0', tags: [libs]}\n",
    "values.yaml": "a: {b: ~, c: 1, d: {e: ~}}\nz: ~\nl: [1, ~]\nglobal: {g: 1, m: {x: 1}}\n"
                   "one: {enabled: true, w: 2}\ntwo: {on: false}\n",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.2.0\n",
    "charts/sub/values.yaml": "v: 1\nn: ~\nglobal: {m: {y: 2}, g: 5}\nenabled: false\n",
    "charts/lib/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.3.0\n",
    "charts/lib/values.yaml": "exports: {data: {k: v}}\n",
}


@pytest.mark.parametrize("user", [
    None, {"a": {"c": 2}}, {"q": None}, {"a": None}, {"a": {"d": {"f": None}}}, {"z": {"x": 1}},
    {"one": {"enabled": False}}, {"two": {"on": True}}, {"tags": {"extra": True}},
    {"tags": {"libs": False}}, {"one": {"v": None}}, {"global": {"m": {"y": 9}, "g": None}},
])
def test_nulls_globals_conditions_tags(make_chart, user):
    path = make_chart(NULLS_CHART)
    assert _ours(path, user) == helm_rendered_values(path, user)


IMPORTS_CHART = {
    "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
                  "  - name: lib\n    version: 0.3.0\n    import-values:\n      - data\n"
                  "      - {child: inner.deep, parent: imported.here}\n",
    "values.yaml": "imported: {here: {keep: top}}\nk: from-parent\n",
    "charts/lib/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.3.0\n",
    "charts/lib/values.yaml": "exports: {data: {k: v, k2: v2}}\ninner: {deep: {keep: lib, other: 1}}\n",
}


@pytest.mark.parametrize("user", [None, {"k2": "user"}, {"imported": {"here": {"other": 7}}}])
def test_import_values_both_forms(make_chart, user):
    path = make_chart(IMPORTS_CHART)
    assert _ours(path, user) == helm_rendered_values(path, user)


def test_process_dependencies_drops_disabled_subcharts(make_chart):
    path = make_chart(NULLS_CHART)
    chart = process_dependencies(load_chart(path), {"one": {"enabled": False}})
    assert sorted(c.name for c in chart.dependencies) == ["lib", "two"]
    assert [d["name"] for d in chart.metadata["dependencies"]] == ["two", "lib"]
    assert all(d["enabled"] for d in chart.metadata["dependencies"])


# Templates that change .Values in place (Sprig's set, unset, merge, mergeOverwrite), in a chart with a subchart,
# globals and import-values: each sees what the templates before it changed, as in Helm (templates run in name
# order), and a loaded chart rendered twice gives the same output both times and is itself never changed --
# coalescing copies what it changes, the processed chart shares the loaded chart's values.
MUTATING_CHART = dict(IMPORTS_CHART, **{
    "values.yaml": "imported: {here: {keep: top}}\nk: from-parent\nm: {a: {b: 1}, l: [{x: 1}]}\n"
                   "global: {g: {h: 1}}\nsub: {s: {t: 1}}\n",
    "Chart.yaml": IMPORTS_CHART["Chart.yaml"] + "  - {name: sub, version: 0.1.0}\n",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "charts/sub/values.yaml": "s: {t: 0, u: 2}\nglobal: {g: {i: 2}}\n",
    "charts/sub/templates/b.yaml": "sub: {{ .Values | toJson }}\n"
                                   "{{- $_ := set .Values.global.g \"fromsub\" 1 }}{{ $_ := set .Values.s \"t\" 9 }}",
    "templates/a.yaml": "{{- $_ := set .Values.m.a \"b\" 2 }}{{ $_ := unset .Values \"k\" }}"
                        "{{- $_ := merge .Values.imported.here (dict \"new\" 1) }}"
                        "{{- $_ := set (index .Values.m.l 0) \"x\" 5 }}{{ $_ := set .Values.global.g \"top\" 1 }}"
                        "{{- $_ := mergeOverwrite .Values.sub (dict \"s\" (dict \"t\" 3)) }}a: {{ .Values | toJson }}\n",
    "templates/z.yaml": "z: {{ .Values | toJson }}\nchart: {{ .Chart.Name }} {{ .Subcharts.sub.Values | toJson }}\n",
})


def test_templates_changing_values_leave_the_loaded_chart_alone(make_chart):
    from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
    from tests.unit.chart.test_loadcache import _tree
    path = make_chart(MUTATING_CHART)
    helm = helm_python.Chart.load(path).render(None, name="release-name", namespace="default")
    loaded = load_chart(path)
    before = _tree(loaded)
    first = render_chart(loaded)
    assert first == {name: text for name, text in helm.items() if name in first} and len(first) == 3
    assert render_chart(loaded) == first
    assert _tree(loaded) == before
