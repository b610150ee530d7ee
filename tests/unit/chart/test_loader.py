"""Loader behaviour, checked against Helm v4 (helm_python) on the corpus and on small charts."""
from __future__ import annotations

import io
import os
import tarfile

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError

from tests.helpers.corpus import CORPUS


def _walk(chart, ref_deps=None):
    yield chart
    for dep in chart.dependencies:
        yield from _walk(dep)


@pytest.mark.parametrize("path", CORPUS, ids=[os.path.basename(p)[:-4] for p in CORPUS])
def test_corpus_chart_loads_like_helm(path):
    ours = load_chart(path)
    ref = helm_python.Chart.load(path)
    assert ours.metadata == ref.metadata
    assert ours.values == ref.values
    # Same files in the same order (the release record stores them in load order).
    assert [(t.name, t.data.decode()) for t in ours.templates] == [(t["name"], t["data"]) for t in ref.templates]
    assert [(f.name, f.data.decode("utf-8", "replace")) for f in ours.files] == [
        (f["name"], f["data"]) for f in ref.files]
    schema = None if ours.schema is None else __import__("json").loads(ours.schema)
    assert schema == ref.schema
    assert sorted(d.name for d in ours.dependencies) == sorted(d["name"] for d in ref.dependencies)


def test_values_follow_go_yaml_v2_and_json(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        "values.yaml": "a: 1\nb: 1e3\nc: 0777\nd: y\ne: 2001-12-14\nf: 1:20\ng: 08\nh: 1_000\ni: .5\n"
                       "on: x\nk: 0x1F\nl: 0b101\nm: ~\nn: 'q'\no: [1, 2.5, 'x']\np: {q: {r: N}}\n",
    })
    ours = load_chart(path).values
    assert ours == helm_python.Chart.load(path).values
    assert isinstance(ours["a"], float) and ours["e"] == "2001-12-14" and ours["true"] == "x"


def test_chart_yaml_scalars_become_strings(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.2.3\nappVersion: 1.10\n"
                                     "annotations:\n  a: y\n  b: 2\nkeywords: [1, x]\n"})
    assert load_chart(path).metadata == helm_python.Chart.load(path).metadata


def test_helmignore_in_directory(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        ".helmignore": "*.bak\nsecret/\n/top.txt\ndocs/*.md\n",
        "a.bak": "x", "keep.txt": "k", "top.txt": "t", "sub/top.txt": "s",
        "secret/x": "x", "docs/r.md": "r", "docs/r.txt": "t", "templates/.hidden": "h",
        "templates/cm.yaml": "kind: ConfigMap\n",
    })
    ours = load_chart(path)
    ref = helm_python.Chart.load(path)
    assert sorted(f.name for f in ours.files) == sorted(f["name"] for f in ref.files)
    assert sorted(t.name for t in ours.templates) == sorted(t["name"] for t in ref.templates)


def _tgz(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data, kind in entries:
            info = tarfile.TarInfo(name)
            if kind == "sym":
                info.type = tarfile.SYMTYPE
                info.linkname = "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


CHART_YAML = b"apiVersion: v2\nname: c\nversion: 0.1.0\n"


def test_archive_bytes_and_bom():
    data = _tgz([("c/Chart.yaml", CHART_YAML, "reg"), ("c/values.yaml", b"\xef\xbb\xbfa: 1\n", "reg")])
    chart = load_chart(data)
    assert chart.name == "c" and chart.values == {"a": 1.0}


@pytest.mark.parametrize("entry,kind,needle", [
    ("c/../evil", "reg", "parent directory"),
    ("/abs/Chart.yaml", "reg", "absolute"),
    ("c/link", "sym", "link"),
])
def test_archive_refuses_unsafe_entries(entry, kind, needle):
    data = _tgz([("c/Chart.yaml", CHART_YAML, "reg"), (entry, b"x", kind)])
    with pytest.raises(ChartError) as err:
        load_chart(data)
    assert needle in str(err.value) and repr(entry) in str(err.value)


def test_archive_refuses_oversized_entry(monkeypatch):
    from ansible_collections.helmkit.core.plugins.module_utils.chart import loader
    monkeypatch.setattr(loader, "MAX_FILE_SIZE", 10)
    data = _tgz([("c/Chart.yaml", CHART_YAML, "reg")])
    with pytest.raises(ChartError, match="Chart.yaml.*over the"):
        load_chart(data)


def test_missing_chart_yaml_and_bad_version(make_chart):
    with pytest.raises(ChartError, match="Chart.yaml file is missing"):
        load_chart(make_chart({"values.yaml": "a: 1\n"}, name="nochart"))
    with pytest.raises(ChartError, match="version"):
        load_chart(make_chart({"Chart.yaml": "apiVersion: v2\nname: c\nversion: banana\n"}, name="badver"))


def test_nested_subchart_tgz_and_dir(make_chart, tmp_path):
    sub = _tgz([("sub/Chart.yaml", b"apiVersion: v2\nname: sub\nversion: 0.2.0\n", "reg"),
                ("sub/values.yaml", b"s: 1\n", "reg")])
    path = make_chart({
        "Chart.yaml": CHART_YAML.decode(),
        "charts/sub-0.2.0.tgz": sub,
        "charts/other/Chart.yaml": "apiVersion: v2\nname: other\nversion: 0.3.0\n",
        "charts/other/templates/x.yaml": "a: b\n",
    })
    chart = load_chart(path)
    assert [d.name for d in chart.dependencies] == ["other", "sub"]
    assert chart.dependencies[0].full_path() == "c/charts/other"
    assert chart.dependencies[1].values == {"s": 1.0}


def test_v1_chart_requirements_and_lock(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v1\nname: old\nversion: 1.0.0\n",
        "requirements.yaml": "dependencies:\n  - name: sub\n    version: 0.2.0\n    repository: https://x\n"
                             "    condition: sub.enabled\n",
        "requirements.lock": "dependencies:\n  - name: sub\n    version: 0.2.0\n    repository: https://x\n"
                             "digest: sha256:abc\ngenerated: '2020-01-01T00:00:00Z'\n",
        "charts/sub/Chart.yaml": "apiVersion: v1\nname: sub\nversion: 0.2.0\n",
    })
    ours = load_chart(path)
    ref = helm_python.Chart.load(path)
    assert ours.metadata == ref.metadata
    assert sorted(f.name for f in ours.files) == sorted(f["name"] for f in ref.files)
    assert ours.lock["digest"] == "sha256:abc"


def test_archive_total_size_limit(monkeypatch):
    from ansible_collections.helmkit.core.plugins.module_utils.chart import loader
    monkeypatch.setattr(loader, "MAX_ARCHIVE_SIZE", 50)
    data = _tgz([("c/Chart.yaml", CHART_YAML, "reg"), ("c/big.txt", b"x" * 40, "reg")])
    with pytest.raises(ChartError, match="decompressed size exceeds.*c/big.txt"):
        load_chart(data)


CRD_CHARTS = [p for p in CORPUS if os.path.basename(p).startswith(
    ("aws-load-balancer-controller", "external-dns", "kube-prometheus-stack", "loki", "rollout-operator",
     "traefik"))]


@pytest.mark.parametrize("path", CRD_CHARTS, ids=[os.path.basename(p)[:-4] for p in CRD_CHARTS])
def test_crd_objects_like_helm(path):
    from ansible_collections.helmkit.core.plugins.module_utils.chart.render import crd_objects
    ours = [(m.name, m.content) for m in crd_objects(load_chart(path))]
    ref = [(c["filename"], c["data"]) for c in helm_python.Chart.load(path).crds]
    assert ref and sorted(ours) == sorted(ref)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n", "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n", 'a: !!str 12\nb: !!int "7"\nc: !custom x\n',
    "k: 1e400\n", "a: .inf\n", "a: [1, .nan]\n", "a: 0o17\nb: 0x_1F\nc: 1__0\n", "1: one\n2.5: two\n",
    "null: three\n", "t: 2001-12-14T21:59:43.10-05:00\nx: 12:30:00\n", "b: -0\nc: +0.5\nd: 1.\n",
    "s: 'y'\nt: Y\nu: NO\n", "a: 1\n---\nb: {c: 1}\n---\nb: {d: 2}\n",
])
def test_values_yaml_edge_cases_like_helm(make_chart, text):
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError
    path = make_chart({"Chart.yaml": CHART_YAML.decode(), "values.yaml": text})
    try:
        expected = helm_python.Chart.load(path).values
    except helm_python.HelmError:
        with pytest.raises(ValuesError):
            load_chart(path)
        return
    assert load_chart(path).values == expected


def test_metadata_sanitised_like_helm(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: c\nversion: 01.2.3\ndescription: |\n  line one\n"
                                     "  line\ttwo\n\nkeywords: [\"a\\u0007b\"]\n"
                                     "maintainers: [{name: \"me\\nyou\"}]\n"})
    assert load_chart(path).metadata == helm_python.Chart.load(path).metadata


@pytest.mark.parametrize("rules", [
    "*.bak\n!keep.bak\n", "docs/\n", "/docs/*.md\n", "sub/*\n", "[a-c]*.txt\n", "?.txt\n", "# comment\n\n*.md\n",
    "templates/\n", "*/\n",
    # a class matches '/' in Go's filepath.Match (our .helmignore once refused it); a backwards range matches nothing
    "/sub[^a]s.txt\n", "/docs[/]r.md\n", "/[z-a]*\n", "/[^z-a].txt\n",
])
def test_helmignore_rules_like_helm(make_chart, rules):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n", ".helmignore": rules,
        "a.bak": "x", "keep.bak": "k", "a.txt": "a", "d.txt": "d", "x.txt": "x", "docs/r.md": "r", "docs/t.txt": "t",
        "sub/s.txt": "s", "sub/deep/s.txt": "s", "r.md": "r", "templates/cm.yaml": "kind: ConfigMap\n",
    })
    try:
        ref = helm_python.Chart.load(path)
    except helm_python.HelmError as exc:
        # A negated rule ignores everything it does not match, Chart.yaml included, in Helm too.
        assert "Chart.yaml file is missing" in str(exc)
        with pytest.raises(ChartError, match="Chart.yaml file is missing"):
            load_chart(path)
        return
    ours = load_chart(path)
    assert sorted(f.name for f in ours.files) == sorted(f["name"] for f in ref.files)
    assert sorted(t.name for t in ours.templates) == sorted(t["name"] for t in ref.templates)


@pytest.mark.parametrize("rule", ["a[-]b\n", "[]a]\n", "x[\n", "[a-b-c]\n"])
def test_helmignore_bad_pattern_fails_like_helm(make_chart, rule):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n", ".helmignore": rule,
                       "templates/cm.yaml": "kind: ConfigMap\n"})
    with pytest.raises(helm_python.HelmError, match="syntax error in pattern"):
        helm_python.Chart.load(path)
    with pytest.raises(ChartError, match="syntax error in pattern"):
        load_chart(path)


def test_directory_file_order_like_helm(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n", "b.txt": "b", "a/x.txt": "x", "a.txt": "a",
        "templates/z.yaml": "z: 1\n", "templates/m/a.yaml": "a: 1\n", "templates/n.yaml": "n: 1\n",
    })
    ours = load_chart(path)
    ref = helm_python.Chart.load(path)
    assert [f.name for f in ours.files] == [f["name"] for f in ref.files]
    assert [t.name for t in ours.templates] == [t["name"] for t in ref.templates]


def test_alias_bomb_is_refused(make_chart):
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
    path = make_chart({"Chart.yaml": CHART_YAML.decode(), "values.yaml": "\n".join(lines) + "\n"})
    with pytest.raises(ValuesError, match="excessive aliasing"):
        load_chart(path)


@pytest.mark.parametrize("api_version", ["v2", "v3", "v9", '""'])
def test_api_version_accepted_like_helm_loader(make_chart, api_version):
    path = make_chart({"Chart.yaml": "apiVersion: %s\nname: av\nversion: 0.1.0\n" % api_version})
    assert load_chart(path).metadata == helm_python.Chart.load(path).metadata


@pytest.mark.parametrize("extra", ["maintainers: [~]\n", "dependencies: [~]\n",
                                   "dependencies: [{name: s, version: 1.0.0, alias: 'bad alias'}]\n",
                                   "dependencies: [{name: s, version: 1.0.0}, {name: s, version: 1.0.0}]\n",
                                   "type: plugin\n", "name: a/b\n"])
def test_invalid_metadata_rejected_like_helm(make_chart, extra):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nversion: 0.1.0\n" + ("" if "name:" in extra else "name: c\n")
                       + extra})
    with pytest.raises(helm_python.HelmError):
        helm_python.Chart.load(path)
    with pytest.raises(ChartError):
        load_chart(path)
