"""On-disk parse-tree cache (engine/treecache.py): round trip, hits across "processes", corruption, safety, bound."""
from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.caches import CACHES
from ansible_collections.helmkit.core.plugins.module_utils.engine import forms, helm, parsing, treecache
from ansible_collections.helmkit.core.plugins.module_utils.engine.nodes import Tree
from ansible_collections.helmkit.core.plugins.module_utils.engine.parsing import parse_file
from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet

TEXT = ('{{- define "x.name" -}}{{ .Values.name | default "n" | trunc 63 }}{{- end -}}\n'
        '{{ $v := 1.5 }}{{ range $i, $e := .Values.list }}{{ $i }}={{ $e }} {{ else }}none{{ end }}\n'
        '{{ with .Values.obj }}{{ .a.b }}{{ end }}{{ if and (eq 1 1) (not false) nil }}y{{ end }}\n'
        "{{ template \"x.name\" . }} {{ printf \"%q %d\" `raw` 0x1F }} {{ 'c' }} {{ 2i }} {{ (.Values).name }}\n"
        '{{ block "b" . }}block{{ end }}{{/* comment */}}')
FUNCS = {"default": lambda d, v=None: v or d, "trunc": lambda n, s: s[:n]}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("HELMKIT_TEMPLATE_CACHE", raising=False)
    CACHES.clear(disk_state=True)
    yield tmp_path / "helmkit" / "templates"
    CACHES.clear(disk_state=True)


def _render(data):
    ts = TemplateSet(FUNCS)
    ts.add("t.yaml", TEXT)
    return ts.execute("t.yaml", data)


def _shape(node):
    """Every slot of every node, recursively, for structural comparison."""
    if isinstance(node, list):
        return [_shape(n) for n in node]
    if isinstance(node, tuple):
        return tuple(_shape(n) for n in node)
    slots = getattr(node, "__slots__", None)
    if slots is None or isinstance(node, Tree):
        return node if slots is None else ("tree", node.name)
    out = [type(node).__name__]
    for cls in type(node).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            out.append((slot, _shape(getattr(node, slot, "<unset>"))))
    return out


def test_round_trip_keeps_every_slot():
    trees = parse_file("t.yaml", TEXT, lambda name: name in FUNCS or name in ("and", "eq", "not", "printf"))
    again = treecache.loads(treecache.dumps(trees), TEXT)
    assert list(again) == list(trees)
    for name in trees:
        assert _shape(again[name].root) == _shape(trees[name].root)
        assert again[name].text == trees[name].text and again[name].parse_name == "t.yaml"
        assert all(n.tree is again[name] for n in again[name].root.nodes)


def test_second_process_reads_the_entry(cache_dir, monkeypatch):
    data = {"Values": {"list": ["a", "b"], "obj": {"a": {"b": 7}}, "name": "abc"}}
    first = _render(data)
    assert len(os.listdir(str(cache_dir))) == 1
    assert stat.S_IMODE(os.stat(str(cache_dir)).st_mode) == 0o700
    CACHES.clear()  # as a new process: nothing in memory
    calls = []
    real = parsing.parse_full
    monkeypatch.setattr(parsing, "parse_full", lambda *a: calls.append(a) or real(*a))
    assert _render(data) == first
    assert calls == []


def test_a_later_process_compiles_the_stored_form_without_parsing_or_building_nodes(cache_dir, monkeypatch):
    """Files of the fast parser's subset are stored too: a later process then neither parses them nor builds
    node objects (the compiler reads the stored tuples; nodes are made only for an error message)."""
    text = '{{- define "n" }}{{ .Values.name | default "n" }}{{ end }}{{ template "n" . }} {{ .Values.x.y }}'

    def run(data):
        ts = TemplateSet(FUNCS)
        ts.add("fast.yaml", text)
        try:
            return ts.execute("fast.yaml", data), ts
        except Exception as exc:  # noqa: BLE001 - the error text is compared
            return str(exc), ts
    first = run({"Values": {"name": "x", "x": {"y": 1}}})[0]
    error = run({"Values": {"name": "x", "x": 5}})[0]
    assert first == "x 1" and 'executing "fast.yaml" at <.Values.x.y>' in error and "fast.yaml:1:" in error
    assert len(os.listdir(str(cache_dir))) == 1
    CACHES.clear()  # as a new process

    def refuse(*_args):
        raise AssertionError("parsed again")
    monkeypatch.setattr(parsing, "fast_parse", refuse)
    monkeypatch.setattr(parsing, "parse_full", refuse)
    again, ts = run({"Values": {"name": "x", "x": {"y": 1}}})
    assert again == first
    assert all(forms.stored_root(ts.lookup(name)) is None for name in ("fast.yaml", "n"))  # no node built
    assert run({"Values": {"name": "x", "x": 5}})[0] == error  # the node is rebuilt for the message


def test_corrupt_entry_is_ignored_and_rebuilt(cache_dir):
    first = _render({"Values": {}})
    entry = cache_dir / [n for n in sorted(os.listdir(str(cache_dir))) if not n.endswith("-spans")][0]
    data = entry.read_bytes()
    entry.write_bytes(data[:-10] + b"0123456789")
    CACHES.clear()
    assert _render({"Values": {}}) == first
    assert entry.read_bytes() == data  # rebuilt with the same content
    entry.write_bytes(b"garbage")
    CACHES.clear()
    assert _render({"Values": {}}) == first


def test_disabled_by_environment(cache_dir, monkeypatch):
    monkeypatch.setenv("HELMKIT_TEMPLATE_CACHE", "0")
    CACHES.clear(disk_state=True)
    _render({"Values": {}})
    assert not cache_dir.exists()


def test_unsafe_directory_is_not_used(cache_dir):
    os.makedirs(str(cache_dir))
    os.chmod(str(cache_dir), 0o777)
    _render({"Values": {}})
    assert os.listdir(str(cache_dir)) == []


def test_parse_errors_are_not_stored(cache_dir):
    ts = TemplateSet(FUNCS)
    with pytest.raises(Exception, match="unclosed action"):
        ts.add("bad.yaml", "{{ .x ")
    assert not cache_dir.exists() or os.listdir(str(cache_dir)) == []


def test_directory_is_bounded(cache_dir, monkeypatch):
    monkeypatch.setattr(treecache.CACHE, "max_entries", 4)
    os.makedirs(str(cache_dir), mode=0o700)
    for i in range(6):
        (cache_dir / ("old%d" % i)).write_bytes(b"x")
    _render({"Values": {}})
    assert len(os.listdir(str(cache_dir))) == 3  # oldest pruned to half the bound, then the file's trees


def test_works_when_module_utils_run_from_a_zip(tmp_path):
    """Ansible ships module_utils to the target inside a zip (AnsiballZ); the engine hash is read via the loaders."""
    import subprocess
    import sys
    import zipfile

    from ansible_collections.helmkit.core.plugins.module_utils import engine
    utils = os.path.dirname(os.path.dirname(os.path.abspath(engine.__file__)))
    archive = tmp_path / "payload.zip"
    with zipfile.ZipFile(str(archive), "w") as out:
        for package in ("ansible_collections", "ansible_collections/helmkit", "ansible_collections/helmkit/core",
                        "ansible_collections/helmkit/core/plugins"):
            out.writestr(package + "/__init__.py", "")
        for folder, _unused, files in os.walk(utils):
            for name in files:
                if name.endswith(".py"):
                    full = os.path.join(folder, name)
                    out.write(full, "ansible_collections/helmkit/core/plugins/module_utils/"
                              + os.path.relpath(full, utils).replace(os.sep, "/"))
    code = ("from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet\n"
            "from ansible_collections.helmkit.core.plugins.module_utils.engine import treecache\n"
            "assert '.zip' in treecache.__file__\n"
            "ts = TemplateSet(); ts.add('a', '{{ .x }} {{ 1.5 }}'); print(ts.execute('a', {'x': 5}))\n")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(archive))
    env.pop("HELMKIT_TEMPLATE_CACHE", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=str(tmp_path), capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "5 1.5\n"
    assert len(os.listdir(str(tmp_path / "cache" / "helmkit" / "templates"))) == 1


HELPERS = ('{{/* helpers */}}\n{{- define "a" -}}A {{ .name }}{{- end -}}\n'
           'ünïcödé {{ define "b" }}B {{ .missing.deep }}{{ end }}\n'
           '{{ define "c" }}{{ template "a" . }}/C{{ end }}\n{{ define "empty" }}{{ end }}\n')


def _helpers_set(text=HELPERS):
    ts = TemplateSet(FUNCS)
    ts.add("_helpers.tpl", text)
    ts.add("use.yaml", '{{ template "c" .Values }}')
    return ts


def test_errors_in_a_stored_template_keep_the_file_positions(cache_dir):
    def error():
        ts = _helpers_set()
        ts.add("b.yaml", '{{ template "b" .Values }}')
        with pytest.raises(Exception) as info:
            ts.execute("b.yaml", {"Values": {"missing": None}})
        return str(info.value)
    first = error()
    assert "_helpers.tpl:3:" in first
    CACHES.clear()
    assert error() == first


def test_tpl_text_is_not_written(cache_dir):
    """tpl's text comes from values, which may hold secrets: its trees stay in memory."""
    ts = TemplateSet(FUNCS)
    ts.add("tpl-text", "{{ .password }}", persist=False)
    assert ts.execute("tpl-text", {"password": "s3cret"}) == "s3cret"
    assert not cache_dir.exists() or os.listdir(str(cache_dir)) == []


def test_helm_tpl_writes_no_entry(cache_dir):
    context = {"Values": {"t": "{{ .Values.secretish }}", "secretish": "s3cret-value"}}
    out = helm.render([helm.RenderTemplate("c/templates/a.yaml", "x: {{ tpl .Values.t . }}", context)])
    assert out["c/templates/a.yaml"] == "x: s3cret-value"
    assert len(os.listdir(str(cache_dir))) == 1  # the chart's file, not tpl's text
    assert all(b"s3cret" not in (cache_dir / n).read_bytes() and b"secretish" not in (cache_dir / n).read_bytes()
               for n in os.listdir(str(cache_dir)))
