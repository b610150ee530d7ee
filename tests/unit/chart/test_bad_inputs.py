"""Bad charts and bad values: each refused with a message for people that carries Helm v4's own text (helm_python's
exception) where Helm refuses too, and with our own message where helmkit is stricter than Helm (archive entries
outside the chart, symbolic links leaving it)."""
from __future__ import annotations

import io
import json
import re
import tarfile
import tracemalloc

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.template import template_chart
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, HelmkitError, ValuesError
from tests.helpers import helmref

CHART_YAML = b"apiVersion: v2\nname: c\nversion: 0.1.0\n"


def _helm_error(load, *args, **kwargs) -> str:
    with pytest.raises(helm_python.HelmError) as err:
        load(*args, **kwargs)
    return str(err.value)


def _helm_install_error(path, values=None, tmp_path=None) -> str:
    config = helmref.offline_config(tmp_path)
    return _helm_error(config.install, helm_python.Chart.load(path), "release-name", values, namespace="default",
                       dry_run="client")


class _Zeros(object):
    """A file-like source of ``size`` zero bytes, read in chunks (so the archive is built streaming)."""

    def __init__(self, size):
        self.left = size

    def read(self, size=-1):
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return bytes(size)


def _tgz_file(path, entries):
    """Write a .tgz streaming: entries are (name, bytes) or (name, size) for a zero-filled entry."""
    with tarfile.open(str(path), "w:gz") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            if isinstance(data, int):
                info.size = data
                tar.addfile(info, _Zeros(data))
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return str(path)


def _tgz_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data, link in entries:
            info = tarfile.TarInfo(name)
            if link:
                info.type = tarfile.SYMTYPE
                info.linkname = link
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("text", [
    "apiVersion: v2\nname: [c\nversion: 0.1.0\n", "apiVersion: v2\nname: c: d\nversion: 0.1.0\n",
    "apiVersion: v2\n\tname: c\nversion: 0.1.0\n", "name: 'c\n", "- a\nb: c\n",
    "apiVersion: v2\nname: c\nversion: 0.1.0\n  x: 1\n", "a: &x 1\nb: *y\n", "{a: 1\n", "key: @x\n",
    "apiVersion: v2\nversion: 0.1.0\n", "apiVersion: v2\nname: c\nversion: banana\n",
])
def test_broken_chart_yaml_carries_helms_message(make_chart, text):
    path = make_chart({"Chart.yaml": text, "templates/a.yaml": "a: 1\n"})
    helm = _helm_error(helm_python.Chart.load, path)
    with pytest.raises(ChartError) as ours:
        load_chart(path)
    assert helm.replace('"', "'") in str(ours.value).replace('"', "'")
    assert str(ours.value).startswith(path)


def test_missing_dependency_fails_like_helm_install(make_chart, tmp_path):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: md\nversion: 0.1.0\ndependencies:\n"
                                     "  - {name: gone, version: 1.0.0, repository: 'https://x'}\n"
                                     "  - {name: also, version: 1.0.0}\n",
                       "templates/a.yaml": "a: 1\n"})
    helm = _helm_install_error(path, tmp_path=tmp_path)
    with pytest.raises(ChartError) as ours:
        template_chart(path)
    assert str(ours.value) == helm


def test_tgz_entry_in_parent_directory(tmp_path):
    inside = _tgz_bytes([("c/Chart.yaml", CHART_YAML, None), ("c/../etc/passwd", b"root:x:0:0\n", None)])
    helm = _helm_error(helm_python.Chart.load_archive, inside)
    with pytest.raises(ChartError) as ours:
        load_chart(inside)
    assert helm == "chart illegally references parent directory"
    assert str(ours.value) == ("<archive bytes>: entry 'c/../etc/passwd': chart illegally references parent "
                               "directory; refusing to load")
    # Helm strips a leading "../" as if it were the chart's directory; helmkit refuses the entry outright.
    top = _tgz_bytes([("c/Chart.yaml", CHART_YAML, None), ("../etc/passwd", b"root:x:0:0\n", None)])
    assert helm_python.Chart.load_archive(top).name == "c"
    with pytest.raises(ChartError) as ours:
        load_chart(top)
    assert str(ours.value) == ("<archive bytes>: entry '../etc/passwd': chart illegally references parent "
                               "directory; refusing to load")


def test_tgz_content_outside_base_directory():
    data = _tgz_bytes([("Chart.yaml", CHART_YAML, None)])
    helm = _helm_error(helm_python.Chart.load_archive, data)
    with pytest.raises(ChartError) as ours:
        load_chart(data)
    assert helm in str(ours.value)


def test_symlink_escape_is_refused(make_chart, tmp_path):
    secret = tmp_path / "outside.txt"
    secret.write_text("not for charts\n")
    path = make_chart({"Chart.yaml": CHART_YAML.decode(), "templates/a.yaml": "a: 1\n"})
    link = tmp_path / "mychart" / "templates" / "leak.yaml"
    link.symlink_to(secret)
    # Helm follows the link and renders the outside file; helmkit refuses to load it.
    assert any(t["name"] == "templates/leak.yaml" for t in helm_python.Chart.load(path).templates)
    with pytest.raises(ChartError) as ours:
        load_chart(path)
    assert str(ours.value) == ("symbolic link %s points to %s, outside the chart directory %s; refusing to load it "
                               "(copy the file into the chart instead)" % (link, secret, tmp_path / "mychart"))
    link.unlink()
    (tmp_path / "mychart" / "templates" / "up").symlink_to(tmp_path)
    with pytest.raises(ChartError, match="points to %s, outside the chart directory" % re.escape(str(tmp_path))):
        load_chart(path)


def test_symlink_inside_chart_is_followed_like_helm(make_chart, tmp_path):
    path = make_chart({"Chart.yaml": CHART_YAML.decode(), "files/real.txt": "data\n",
                       "templates/cm.yaml": "kind: ConfigMap\nd: {{ .Files.Get \"files/alias.txt\" | quote }}\n"})
    (tmp_path / "mychart" / "files" / "alias.txt").symlink_to(tmp_path / "mychart" / "files" / "real.txt")
    assert render_chart(path) == helm_python.Chart.load(path).render(None, name="release-name",
                                                                     namespace="default")


def test_tgz_symlink_entry_is_refused():
    data = _tgz_bytes([("c/Chart.yaml", CHART_YAML, None), ("c/templates/x.yaml", b"", "../../../etc/passwd")])
    with pytest.raises(ChartError) as ours:
        load_chart(data)
    assert str(ours.value) == ("<archive bytes>: entry 'c/templates/x.yaml' is a link or special file; chart "
                               "archives may only hold regular files")


def test_200_mib_zero_entry_refused_in_bounded_memory(tmp_path):
    path = _tgz_file(tmp_path / "zero.tgz", [("c/Chart.yaml", CHART_YAML), ("c/templates/zero.yaml", 200 << 20)])
    helm = _helm_error(helm_python.Chart.load, path)
    tracemalloc.start()
    try:
        with pytest.raises(ChartError) as ours:
            load_chart(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert helm == "decompressed chart is larger than the maximum size 104857600"
    assert str(ours.value).startswith("%s: %s (" % (path, helm))
    assert "'c/templates/zero.yaml'" in str(ours.value)
    assert peak < 16 << 20, "the loader must not inflate the entry (peak %d bytes)" % peak


def test_file_over_helms_per_file_limit(tmp_path):
    path = _tgz_file(tmp_path / "big.tgz", [("c/Chart.yaml", CHART_YAML), ("c/files/big.bin", (5 << 20) + 1)])
    helm = _helm_error(helm_python.Chart.load, path)
    with pytest.raises(ChartError) as ours:
        load_chart(path)
    assert helm == 'decompressed chart file "c/files/big.bin" is larger than the maximum file size 5242880'
    assert helm in str(ours.value)
    at_limit = _tgz_file(tmp_path / "ok.tgz", [("c/Chart.yaml", CHART_YAML), ("c/files/big.bin", 5 << 20)])
    assert len(load_chart(at_limit).files[0].data) == len(helm_python.Chart.load(at_limit).files[0]["data"])


SCHEMA = {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {
    "replicas": {"type": "integer", "minimum": 1, "maximum": 5},
    "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
    "mode": {"enum": ["a", "b", 3]},
    "tags": {"type": "array", "maxItems": 1, "items": {"type": "string", "minLength": 2}},
    "nested": {"type": "object", "properties": {"deep": {"type": "object", "properties": {
        "x": {"type": "integer", "minimum": 3, "multipleOf": 2}, "y": {"const": "k"}}}}}}}


def _blocks(message):
    """Helm prints the properties of an object in Go's random map order: compare the header lines and the tree of
    ``- at`` lines (each with its indented causes) with siblings sorted at every level; the names in one
    additionalProperties line are sorted too."""
    head, lines = [], []
    for line in message.split("\n"):
        line = re.sub(r"additional properties (.*) not allowed",
                      lambda m: "additional properties %s not allowed" % ", ".join(sorted(m.group(1).split(", "))),
                      line)
        if line.lstrip(" ").startswith("- at"):
            lines.append(((len(line) - len(line.lstrip(" "))) // 2, line.strip()))
        else:
            head.append(line)

    def canonical(items):
        out, i = [], 0
        while i < len(items):
            depth, text = items[i]
            j = i + 1
            while j < len(items) and items[j][0] > depth:
                j += 1
            out.append((text, canonical(items[i + 1:j])))
            i = j
        return sorted(out)

    return head, canonical(lines)


@pytest.mark.parametrize("values", [
    {"replicas": 0, "name": "X", "mode": "c", "extra": 1, "tags": [1, "a", "bb"]},
    {"name": None}, {"replicas": 9.5}, {"nested": {"deep": {"x": 1, "y": "z"}}}, {"nested": {"deep": {"x": 1}}},
    {"tags": ["a"], "name": "ok", "zz": 1, "aa": 2}, {"name": "ok", "nested": {"deep": {"x": 5}}},
    {"mode": "it's"}, {"name": ["x"]},
])
def test_schema_violations_worded_like_helm(make_chart, values):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: s\nversion: 0.1.0\n", "values.yaml": "name: x\n",
                       "values.schema.json": json.dumps(SCHEMA), "templates/cm.yaml": "kind: ConfigMap\n"})
    helm = _helm_error(helm_python.Chart.load(path).render, values, name="r", namespace="d")
    with pytest.raises(ValuesError) as ours:
        render_chart(path, values)
    assert _blocks(str(ours.value)) == _blocks(helm)


def test_subchart_schema_violation_names_the_subchart(make_chart):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n  - {name: sub, version: 0.1.0}\n",
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        "charts/sub/values.schema.json": json.dumps({"properties": {"port": {"type": "integer"}}}),
        "charts/sub/templates/a.yaml": "a: 1\n"})
    helm = _helm_error(helm_python.Chart.load(path).render, {"sub": {"port": "x"}}, name="r", namespace="d")
    with pytest.raises(ValuesError) as ours:
        render_chart(path, {"sub": {"port": "x"}})
    assert str(ours.value) == helm


def test_cyclic_include_fails_with_helms_message(make_chart):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: cy\nversion: 0.1.0\n",
                       "templates/_h.tpl": '{{ define "a" }}{{ include "b" . }}{{ end }}'
                                           '{{ define "b" }}{{ include "a" . }}{{ end }}',
                       "templates/cm.yaml": 'x: {{ include "a" . }}\n'})
    helm = _helm_error(helm_python.Chart.load(path).render, None, name="r", namespace="d")
    with pytest.raises(HelmkitError) as ours:
        render_chart(path, None, release_name="r", namespace="d")
    assert str(ours.value) == helm


def test_rendered_document_that_is_not_yaml(make_chart, tmp_path):
    path = make_chart({"Chart.yaml": "apiVersion: v2\nname: by\nversion: 0.1.0\n",
                       "templates/cm.yaml": "kind: ConfigMap\nmetadata:\n  name: [x\n"})
    helm = _helm_install_error(path, tmp_path=tmp_path)
    with pytest.raises(ChartError) as ours:
        template_chart(path)
    assert str(ours.value) == helm
