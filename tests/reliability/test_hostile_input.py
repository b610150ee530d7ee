"""Hostile and broken input: each case is a clear HelmkitError (no traceback), in bounded memory, writing nothing.

Issue 10, part 4. Archive cases go through chart/loader.py's archive reader; template cases through the engine as
``helm template`` would; index cases through repo/index.py; manifests through kube/objects.py.
"""
import tarfile

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_archive, load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.setvalues import parse_set
from ansible_collections.helmkit.core.plugins.module_utils.errors import (ChartError, HelmkitError, KubeError,
                                                                          RepositoryError)
from ansible_collections.helmkit.core.plugins.module_utils.kube.objects import parse_manifest
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import parse_index, resolve

from tests.helpers.reliabilitycharts import base_entries, chart_dir, clear_error, tgz

pytestmark = pytest.mark.bad_input


# -- archives ------------------------------------------------------------------------------------------------------

def test_archive_path_traversal_is_refused():
    data = tgz(base_entries() + [("hostile/../../etc/cron.d/evil", b"x")])
    message, _unused = clear_error(load_archive, data, expected=ChartError)
    assert "evil" in message or ".." in message


def test_archive_absolute_path_is_refused():
    data = tgz(base_entries() + [("/etc/passwd", b"root:x:0:0")])
    message, _unused = clear_error(load_archive, data, expected=ChartError)
    assert "/etc/passwd" in message or "absolute" in message.lower()


def _link(kind, target):
    def make(path):
        info = tarfile.TarInfo(path)
        info.type = kind
        info.linkname = target
        return info
    return make


def test_archive_symlink_out_of_the_chart_is_refused():
    data = tgz(base_entries() + [("hostile/templates/x.yaml", _link(tarfile.SYMTYPE, "/etc/shadow"))])
    clear_error(load_archive, data, expected=ChartError)


def test_archive_hardlink_out_of_the_chart_is_refused():
    data = tgz(base_entries() + [("hostile/templates/x.yaml", _link(tarfile.LNKTYPE, "../../../etc/shadow"))])
    clear_error(load_archive, data, expected=ChartError)


def test_archive_device_file_is_refused():
    def device(path):
        info = tarfile.TarInfo(path)
        info.type = tarfile.CHRTYPE
        info.devmajor, info.devminor = 1, 3
        return info
    data = tgz(base_entries() + [("hostile/templates/null", device)])
    clear_error(load_archive, data, expected=ChartError)


def test_decompression_bomb_single_file_is_refused_before_inflating():
    bomb = b"\0" * (6 * 1024 * 1024)  # 6 MiB of zeros: a few KiB compressed, over the 5 MiB per-file limit
    data = tgz(base_entries() + [("hostile/templates/bomb.yaml", bomb)])
    assert len(data) < 64 * 1024
    message, _unused = clear_error(load_archive, data, expected=ChartError)
    assert "limit" in message or "MiB" in message


def test_decompression_bomb_many_files_is_refused():
    part = b"\0" * (4 * 1024 * 1024)
    data = tgz(base_entries() + [("hostile/files/f%d" % i, part) for i in range(27)])  # 108 MiB inflated
    message, _unused = clear_error(load_archive, data, expected=ChartError)
    assert "100 MiB" in message or "limit" in message


def test_not_an_archive_at_all():
    clear_error(load_archive, b"\x1f\x8b\x08 certainly not gzip", expected=ChartError)


def test_directory_symlink_out_of_the_chart_is_refused(tmp_path):
    path = chart_dir(tmp_path, {"ok.yaml": "a: b\n"})
    (tmp_path / "secret.txt").write_text("s3cr3t")
    (tmp_path / "hostile" / "templates" / "leak.yaml").symlink_to(tmp_path / "secret.txt")
    message, _unused = clear_error(load_chart, path, expected=ChartError)
    assert "s3cr3t" not in message


# -- templates -----------------------------------------------------------------------------------------------------

def _render(tmp_path, templates, values=None):
    return render_chart(load_chart(chart_dir(tmp_path, templates, values)))


def test_include_recursion_stops_with_helms_error(tmp_path):
    message, _unused = clear_error(_render, tmp_path, {"_h.tpl": '{{ define "loop" }}{{ include "loop" . }}{{ end }}',
                                                       "x.yaml": '{{ include "loop" . }}'})
    assert "rendering template has a nested reference name: loop" in message or "recursion" in message


def test_tpl_self_recursion_stops(tmp_path):
    values = 'again: "{{ tpl .Values.again . }}"\n'
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "{{ tpl .Values.again . }}"}, values)
    assert "x.yaml" in message


def test_until_one_hundred_million_hits_the_list_limit(tmp_path):
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "{{ range until 100000000 }}x{{ end }}"})
    assert "HELMKIT_MAX_LIST_LENGTH" in message and "x.yaml" in message


def test_a_gigabyte_of_output_from_repeat_hits_the_string_limit(tmp_path):
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": '{{ repeat 1073741824 "x" }}'})
    assert "HELMKIT_MAX_STRING_BYTES" in message


def test_raised_list_limit_lets_a_bigger_loop_through(tmp_path, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_LIST_LENGTH", "10")
    clear_error(_render, tmp_path, {"x.yaml": "{{ range until 11 }}x{{ end }}"})
    monkeypatch.setenv("HELMKIT_MAX_LIST_LENGTH", "11")
    out = _render(tmp_path, {"x.yaml": "{{ range until 11 }}x{{ end }}"})
    assert out["hostile/templates/x.yaml"] == "x" * 11


def test_unclosed_action_is_a_parse_error_naming_the_file(tmp_path):
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "a: {{ .Values.x \n"})
    assert "x.yaml" in message


def test_malformed_utf8_in_a_template(tmp_path):
    out = None
    try:
        out = _render(tmp_path, {"x.yaml": b"a: \xff\xfe\x80 {{ 1 }}\n"})
    except HelmkitError as exc:
        assert "Traceback" not in str(exc)
    else:  # Go keeps the bytes as they are; the text must still come back without a crash
        assert "1" in out["hostile/templates/x.yaml"]


def test_malformed_utf8_in_values(tmp_path):
    try:
        _render(tmp_path, {"x.yaml": "{{ .Values.a }}"}, values=b"a: \xff\xfe\n")
    except HelmkitError as exc:
        assert "values.yaml" in str(exc) or "utf" in str(exc).lower()


BILLION_LAUGHS = "".join(["a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"] + [
    "a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)) for i in range(1, 10)])


def test_yaml_alias_bomb_in_values_is_refused(tmp_path):
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "{{ toYaml .Values.a9 }}"}, values=BILLION_LAUGHS)
    assert "alias" in message.lower() or "values" in message


def test_yaml_alias_bomb_in_an_index_is_refused():
    index = "apiVersion: v1\n" + BILLION_LAUGHS + "entries:\n  bomb:\n  - *a9\n"
    clear_error(parse_index, index.encode(), expected=RepositoryError)


def test_index_with_100000_entries_parses_and_resolves():
    lines = ["apiVersion: v1", "entries:"]
    for i in range(100000):
        lines += ["  chart%d:" % i, "  - name: chart%d" % i, "    version: 1.0.%d" % (i % 7),
                  "    urls: [chart%d-1.0.%d.tgz]" % (i, i % 7)]
    index = parse_index(("\n".join(lines) + "\n").encode())
    assert len(index.entries) == 100000
    assert resolve(index, "chart99999").version == "1.0.%d" % (99999 % 7)
    clear_error(resolve, index, "chart100000", expected=RepositoryError)


def test_index_that_is_not_yaml():
    clear_error(parse_index, b"apiVersion: v1\nentries: [unclosed\n", expected=RepositoryError)


def test_index_with_malformed_utf8():
    clear_error(parse_index, b"apiVersion: v1\nentries:\n  \xff\xfe: []\n", expected=RepositoryError)


def test_malformed_set_expression():
    message, _unused = clear_error(parse_set, "a.b")
    assert "a.b" in message and "has no value" in message


# -- manifests -----------------------------------------------------------------------------------------------------

def test_manifest_that_is_not_a_kubernetes_object():
    message, _unused = clear_error(parse_manifest, "# Source: c/templates/x.yaml\n- just\n- a list\n", "manifest",
                                   expected=KubeError)
    assert "x.yaml" in message or "manifest" in message


def test_manifest_without_kind():
    message, _unused = clear_error(parse_manifest, "# Source: c/templates/x.yaml\napiVersion: v1\nmetadata:\n  name: a\n",
                                   "manifest", expected=KubeError)
    assert "kind" in message


def test_manifest_without_name():
    message, _unused = clear_error(parse_manifest, "# Source: c/templates/x.yaml\napiVersion: v1\nkind: ConfigMap\n"
                                   "metadata: {}\n", "manifest", expected=KubeError)
    assert "name" in message


# -- the apiserver says no -----------------------------------------------------------------------------------------

def test_apiserver_rejection_quotes_the_reason_and_the_template(kubeconfig, tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart as load
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release import actions

    from tests.helpers.reliabilitycharts import make_namespace, renderer

    chart = load(chart_dir(tmp_path, {"bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n"}))
    with KubeClient(kubeconfig) as client:
        make_namespace(client, "rel-reject")
        message, _unused = clear_error(actions.ensure_present, client, actions.ReleaseOptions("rejected", "rel-reject"),
                                       chart, {}, renderer("rejected", "rel-reject"), expected=ReleaseError)
        assert "Bad_Name" in message and "hostile/templates/bad.yaml" in message
        assert "RFC 1123" in message or "Invalid" in message or "invalid" in message
        cms = client.request("GET", "/api/v1/namespaces/rel-reject/configmaps")["items"]
        assert [cm["metadata"]["name"] for cm in cms if cm["metadata"]["name"] != "kube-root-ca.crt"] == []


def test_a_100_mb_values_file_is_refused_before_parsing(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ValuesError

    path = tmp_path / "huge.yaml"
    with open(str(path), "wb") as handle:
        line = b"key%09d: " + b"v" * 80 + b"\n"
        for i in range(100 * 1024 * 1024 // len(line) + 1):
            handle.write(line.replace(b"%09d", b"%09d" % i))
    data = path.read_bytes()
    assert len(data) >= 100 * 1024 * 1024
    message, _unused = clear_error(load_values, data, str(path), expected=ValuesError)
    assert "huge.yaml" in message and "HELMKIT_MAX_VALUES_BYTES" in message


def test_raised_values_limit_lets_a_bigger_file_through(monkeypatch):
    from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values

    monkeypatch.setenv("HELMKIT_MAX_VALUES_BYTES", "8")
    clear_error(load_values, b"a: 123456789\n")
    monkeypatch.setenv("HELMKIT_MAX_VALUES_BYTES", "64")
    assert load_values(b"a: 123456789\n") == {"a": 123456789.0}


def test_a_range_loop_printing_a_gigabyte_hits_the_output_limit(tmp_path):
    values = "chunk: %s\n" % ("x" * 1024)
    message, _unused = clear_error(_render, tmp_path, {"x.yaml": "{{ range until 1000000 }}{{ $.Values.chunk }}{{ end }}"},
                                   values)
    assert "HELMKIT_MAX_OUTPUT_BYTES" in message and "x.yaml" in message


def test_raised_output_limit_lets_the_output_through(tmp_path, monkeypatch):
    monkeypatch.setenv("HELMKIT_MAX_OUTPUT_BYTES", "1000")
    clear_error(_render, tmp_path, {"x.yaml": "{{ range until 2048 }}x{{ end }}"})
    monkeypatch.setenv("HELMKIT_MAX_OUTPUT_BYTES", "4096")
    assert len(_render(tmp_path, {"x.yaml": "{{ range until 2048 }}x{{ end }}"})["hostile/templates/x.yaml"]) == 2048
