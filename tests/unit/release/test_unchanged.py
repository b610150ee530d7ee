"""release/unchanged.py: which charts can see their revision (and so are checked by rendering the stored
revision), the hook comparison, and the objects' identities kept per manifest."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.errors import KubeError
from ansible_collections.helmkit.core.plugins.module_utils.release import unchanged
from ansible_collections.helmkit.core.plugins.module_utils.release.unchanged import (object_identities, same_hooks,
                                                                                     sees_revision)


def _chart(tmp_path, templates, files=None, values="a: 1\n"):
    root = tmp_path / "c"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (root / "values.yaml").write_text(values)
    for name, text in templates.items():
        (root / "templates" / name).write_text(text)
    for name, text in (files or {}).items():
        (root / name).write_text(text)
    return load_chart(str(root))


def test_name_namespace_service_do_not_see_the_revision(tmp_path):
    chart = _chart(tmp_path, {"a.yaml": "n: {{ .Release.Name }}/{{ $.Release.Namespace }} {{ .Release.Service }}\n"})
    assert not sees_revision(chart, {"x": "{{ .Release.Revision }}"})  # no tpl: values are never templates


def test_revision_install_upgrade_or_the_whole_release_do(tmp_path):
    for text in ("{{ .Release.Revision }}", "{{ if .Release.IsInstall }}x{{ end }}", "{{ .Release.IsUpgrade }}",
                 "{{ toYaml .Release }}", '{{ index .Release "Revision" }}', "{{ $r := .Release }}{{ $r.Name }}"):
        assert sees_revision(_chart(tmp_path / str(abs(hash(text))), {"a.yaml": text}), {}), text


def test_install_flags_are_not_the_revision_number(tmp_path):
    chart = _chart(tmp_path, {"a.yaml": "{{ if .Release.IsInstall }}x{{ end }}{{ .Release.IsUpgrade }}"})
    assert sees_revision(chart, {}) and not sees_revision(chart, {}, number_only=True)
    chart = _chart(tmp_path / "n", {"a.yaml": "{{ .Release.IsUpgrade }} {{ .Release.Revision }}"})
    assert sees_revision(chart, {}, number_only=True)


def test_tpl_sources_are_scanned(tmp_path):
    chart = _chart(tmp_path / "v", {"a.yaml": "{{ tpl .Values.t . }}"})
    assert sees_revision(chart, {"t": "{{ .Release.Revision }}"})
    assert not sees_revision(chart, {"t": "{{ .Release.Name }}"})
    chart = _chart(tmp_path / "f", {"a.yaml": '{{ tpl (.Files.Get "x.tpl") . }}'}, {"x.tpl": "{{ .Release.IsUpgrade }}"})
    assert sees_revision(chart, {})


def test_same_hooks_ignores_order_and_last_run():
    one = {"name": "a", "kind": "Job", "path": "c/templates/a.yaml", "manifest": "m1", "events": ["pre-install"],
           "last_run": {"phase": "Succeeded"}, "weight": 0, "delete_policies": []}
    two = dict(one, name="b", manifest="m2", last_run={"phase": ""})
    assert same_hooks([dict(two), dict(one, last_run={"phase": ""})], [one, two])
    assert not same_hooks([dict(one, manifest="m1 changed"), two], [one, two])
    assert not same_hooks([dict(one, kind="Pod"), two], [one, two])
    assert not same_hooks([dict(one, weight=5), two], [one, two])
    assert not same_hooks([dict(one, events=["post-install"]), two], [one, two])
    assert not same_hooks([one], [one, two])


def test_hooks_may_differ_only_in_their_own_name():
    """podinfo's test hooks are named ``podinfo-grpc-test-{{ randAlphaNum 5 | lower }}``: a new name is the same
    hook; anything else in the body that differs (a random password, a lookup result) is not."""
    def hook(name, body="image: curl"):
        return {"name": name, "kind": "Pod", "path": "podinfo/templates/tests/grpc.yaml", "events": ["test"],
                "manifest": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  labels: {job: %s}\nspec: {%s}\n"
                            % (name, name, body), "weight": 0, "delete_policies": ["before-hook-creation"]}
    stored = [hook("podinfo-grpc-test-abcde")]
    assert same_hooks([hook("podinfo-grpc-test-xyz12")], stored)
    assert not same_hooks([hook("podinfo-grpc-test-xyz12", "image: curl2")], stored)
    randomised = [hook("podinfo-grpc-test-abcde", "password: Qp3z")]
    assert not same_hooks([hook("podinfo-grpc-test-xyz12", "password: kX9a")], randomised)
    renamed = hook("podinfo-grpc-test-xyz12")
    renamed["manifest"] = renamed["manifest"].replace("job: podinfo-grpc-test-xyz12", "job: podinfo-grpc-test-abcde")
    assert not same_hooks([renamed], stored)  # only the hook's own name may change, everywhere it appears


MANIFEST = """---
# Source: c/templates/a.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {x: "1"}
data: {k: v}
---
# Source: c/templates/b.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, namespace: other}
rules: []
"""


def test_object_identities_are_parsed_once_per_manifest(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                 "metadata": {"name": "b", "namespace": "other"}}]
    assert object_identities(MANIFEST) == expected
    entries = list((tmp_path / "helmkit" / "manifests").iterdir())
    assert len(entries) == 1 and b'"v"' not in entries[0].read_bytes() and b"rules" not in entries[0].read_bytes()
    assert (tmp_path / "helmkit" / "manifests").stat().st_mode & 0o777 == 0o700

    def no_parse(*_args, **_kwargs):
        raise AssertionError("parsed again")
    monkeypatch.setattr(unchanged, "parse_manifest", no_parse)
    first = object_identities(MANIFEST)
    assert first == expected
    first[0]["metadata"]["namespace"] = "changed by the caller"  # a fresh copy each time
    assert object_identities(MANIFEST) == expected
    entries[0].write_bytes(entries[0].read_bytes()[:-3] + b"xx]")  # corrupted: digest mismatch -> parsed again
    with pytest.raises(AssertionError, match="parsed again"):
        object_identities(MANIFEST)


def test_object_identities_of_an_invalid_manifest_raise(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(KubeError, match="metadata.name"):
        object_identities("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
