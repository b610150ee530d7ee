"""Rendered text that is not valid UTF-8 (``trunc`` cutting a multi-byte character, ``b64dec`` of arbitrary bytes)
at the output boundary: manifests fail like Helm's YAML reader, NOTES are stored like Go's encoding/json writes
them, and nothing raises UnicodeEncodeError (render_release, helm template's output_dir, release records, module
results). Every expected message and stored value comes from real Helm (helm_python)."""
from __future__ import annotations

import base64
import gzip
import json
import os

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils._common import valid_text
from ansible_collections.helmkit.core.plugins.module_utils.chart import loader, render, template
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError
from ansible_collections.helmkit.core.plugins.module_utils.release.codec import go_json
from tests.helpers import helmref

CM_HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cut\ndata:\n"
CASES = {
    # a cut character followed by more text: a bad trailing octet
    "trailing": CM_HEAD + '  a: "{{ "héllo" | trunc 2 }}"\n',
    # a lone continuation byte from b64dec, in a comment
    "leading": CM_HEAD + '  a: b\n# {{ "gA==" | b64dec }}\n',
    # the cut character ends the document
    "incomplete": CM_HEAD + '  a: b\n# {{ "héllo" | trunc 2 }}',
}


def _chart(root, manifest, notes=None):
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as handle:
        handle.write("apiVersion: v2\nname: cut\nversion: 0.1.0\n")
    with open(os.path.join(root, "templates", "cm.yaml"), "w", encoding="utf-8") as handle:
        handle.write(manifest)
    if notes is not None:
        with open(os.path.join(root, "templates", "NOTES.txt"), "w", encoding="utf-8") as handle:
            handle.write(notes)
    return root


def _helm_install_error(kubeapi, chart_dir, name):
    cfg = helmref.config(kubeapi.kubeconfig)
    try:
        cfg.install(helm_python.Chart.load(chart_dir), name, {}, namespace="default")
    except helm_python.HelmError as exc:
        return str(exc)
    finally:
        cfg.close()
    return ""


def _ours(chart_dir):
    return render.render_release(loader.load_chart(chart_dir), {}, release_name="cut", namespace="default",
                                 revision=1, is_upgrade=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_utf8_in_a_manifest_fails_like_helm(tmp_path, kubeapi, case):
    chart_dir = _chart(str(tmp_path / "cut"), CASES[case])
    expected = _helm_install_error(kubeapi, chart_dir, "cut-" + case)
    assert expected.startswith("YAML parse error on cut/templates/cm.yaml"), expected
    with pytest.raises(ChartError) as caught:
        _ours(chart_dir)
    assert str(caught.value) == expected


def test_helm_template_output_dir_refuses_the_same_manifest_and_writes_nothing(tmp_path):
    chart_dir = _chart(str(tmp_path / "cut"), CASES["trailing"])
    with pytest.raises(ChartError, match="yaml: invalid trailing UTF-8 octet"):
        template.template_chart(chart_dir, {})
    assert not (tmp_path / "out").exists()


def test_output_dir_writes_the_rendered_bytes(tmp_path):
    changed = template.sync_output_dir(str(tmp_path / "out"), {"c/templates/a.txt": "h\udcc3 \udc80"})
    assert changed == ["c/templates/a.txt"]
    assert (tmp_path / "out" / "c" / "templates" / "a.txt").read_bytes() == b"h\xc3 \x80"


def _stored_notes(kubeapi, name):
    """NOTES of Helm's stored release (Secret sh.helm.release.v1.<name>.v1), as JSON text of the notes field."""
    from kubernetes import client, config
    api = client.CoreV1Api(config.new_client_from_config(config_file=kubeapi.kubeconfig))
    secret = api.read_namespaced_secret("sh.helm.release.v1.%s.v1" % name, "default")
    record = gzip.decompress(base64.b64decode(base64.b64decode(secret.data["release"])))
    start = record.index(b'"notes":')
    return record[start:record.index(b'"', record.index(b'"', start + 8) + 1) + 1]


def test_cut_notes_are_stored_like_helm(tmp_path, kubeapi):
    notes = 'cut: {{ "héllo" | trunc 2 }} {{ "gA==" | b64dec }}\n'
    chart_dir = _chart(str(tmp_path / "cut"), CM_HEAD + "  a: b\n", notes)
    cfg = helmref.config(kubeapi.kubeconfig)
    try:
        cfg.install(helm_python.Chart.load(chart_dir), "cut-notes", {}, namespace="default")
    finally:
        cfg.close()
    ours = _ours(chart_dir)
    stored = _stored_notes(kubeapi, "cut-notes")
    assert b"\\ufffd" in stored
    assert go_json({"notes": ours.notes})[1:-1] == stored
    result = valid_text({"notes": ours.notes, "list": [ours.notes]})
    json.dumps(result).encode("utf-8")  # what the module hands Ansible encodes cleanly
    assert "\ufffd" in result["notes"] and result["list"][0] == result["notes"]
