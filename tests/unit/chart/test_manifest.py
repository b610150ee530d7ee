"""manifest.py against Helm v4: the release manifest and notes of a client dry-run install, built from Helm's own
engine output (../shared/charts/expected), and the hooks stored in a real release record."""
from __future__ import annotations

import json
import os

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.manifest import (
    build_manifest, extract_notes, sort_manifests, split_manifests)
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError

from tests.helpers import helmref
from tests.helpers.corpus import CHARTS_DIR, SHARED, corpus_manifest, expected_path, values_text

# Charts whose render is deterministic and installable (not a library chart): Helm's engine output in expected/
# is then exactly what a dry-run install renders.
CASES = [e for e in corpus_manifest() if not e.get("nondeterministic") and e.get("type") != "library"]


@pytest.fixture(scope="module")
def helm_config(tmp_path_factory):
    return helmref.offline_config(tmp_path_factory.mktemp("kube"), "test-ns")


def _user_values(name):
    text = values_text(name)
    return None if text is None else helm_python.values_from_yaml(text)


@pytest.mark.parametrize("entry", CASES, ids=[e["name"] for e in CASES])
def test_manifest_and_notes_match_dry_run_install(entry, helm_config):
    with open(expected_path(entry["name"])) as handle:
        files = dict(json.load(handle)["manifests"])
    chart = helm_python.Chart.load(os.path.join(CHARTS_DIR, entry["tgz"]))
    release = helm_config.install(chart, "test-release", _user_values(entry["name"]), namespace="test-ns",
                                  dry_run="client")
    notes = extract_notes(files, chart.name)
    _hooks, manifests = sort_manifests(files)
    assert build_manifest(manifests) == release.get("manifest", "")
    assert notes == release.get("notes", "")


def test_hooks_match_stored_release_record():
    with open(os.path.join(SHARED, "reference", "releases", "podinfo.v1.json")) as handle:
        record = json.load(handle)
    # Re-split the stored manifest and hooks: sorting them again must give back the same records.
    files = {}
    for hook in record["hooks"]:
        files.setdefault(hook["path"], []).append(hook["manifest"])
    hooks, manifests = sort_manifests({path: "---\n".join(docs) for path, docs in files.items()})
    assert manifests == []
    expected = [dict(h, last_run={"phase": ""}) for h in record["hooks"]]
    assert sorted((h.to_record() for h in hooks), key=lambda h: h["path"]) == sorted(
        expected, key=lambda h: h["path"])


@pytest.mark.parametrize("text,docs", [
    ("a: 1\n---\nb: 2\n", ["a: 1", "b: 2\n"]),
    ("\n\n---\na: 1\n---   \n\n---\n", ["a: 1", "---\n"]),  # the separator eats the newline before the last ---
    ("---apiVersion: v1\n", ["apiVersion: v1\n"]),
    ("a: |\n  x---y\n", ["a: |\n  x---y\n"]),
    ("# only a comment\n", ["# only a comment\n"]),
])
def test_split_manifests(text, docs):
    assert split_manifests(text) == docs


def test_kind_order_unknown_last_alphabetical_and_hooks():
    files = {
        "c/templates/a.yaml": "kind: Zeta\nmetadata: {name: z}\n---\nkind: Alpha\nmetadata: {name: a}\n",
        "c/templates/b.yaml": "kind: Deployment\nmetadata: {name: d}\n---\nkind: Namespace\nmetadata: {name: n}\n",
        "c/templates/h.yaml": "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: Pre-Install, "
                              "test-success\n    helm.sh/hook-weight: '-5'\n    helm.sh/hook-delete-policy: "
                              "Hook-Succeeded\n",
        "c/templates/u.yaml": "kind: Job\nmetadata:\n  name: u\n  annotations: {helm.sh/hook: bogus}\n",
        "c/templates/_p.tpl": "kind: Secret\n",
    }
    hooks, manifests = sort_manifests(files)
    assert [m.kind for m in manifests] == ["Namespace", "Deployment", "Alpha", "Zeta"]
    assert len(hooks) == 1 and hooks[0].events == ["pre-install", "test"] and hooks[0].weight == -5
    assert hooks[0].delete_policies == ["hook-succeeded"]


def test_yaml_error_names_template():
    with pytest.raises(ChartError, match="YAML parse error on c/templates/bad.yaml"):
        sort_manifests({"c/templates/bad.yaml": "a: [1\n"})


def test_notes_only_top_chart_unless_subchart_notes():
    files = {"top/templates/NOTES.txt": "top", "top/charts/s/templates/NOTES.txt": "sub", "top/templates/x": "a: 1"}
    assert extract_notes(dict(files), "top") == "top"
    assert extract_notes(dict(files), "top", subchart_notes=True) == "sub\ntop"
    remaining = dict(files)
    extract_notes(remaining, "top")
    assert list(remaining) == ["top/templates/x"]
