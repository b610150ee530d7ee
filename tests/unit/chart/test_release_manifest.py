"""The manifest string render_release assembles is what Helm v4 stores for a release (helm_python install dry-run),
for charts with subcharts, library charts, CRD subcharts and hooks: kube-prometheus-stack, wordpress and podinfo,
with their default and alternative values (../shared/charts/values)."""
from __future__ import annotations

import os
import re

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_release

from tests.helpers import helmref
from tests.helpers.corpus import CHARTS_DIR, corpus_manifest, values_text

NAMES = ("kube-prometheus-stack", "wordpress", "podinfo")
ENTRIES = {e["name"]: e for e in corpus_manifest() if e["name"] in NAMES}
CASES = [(name, variant) for name in NAMES for variant in ("default", "alt")
         if variant == "default" or "alt" in ENTRIES[name].get("expected", {})]


@pytest.fixture(scope="module")
def helm_config(tmp_path_factory):
    return helmref.offline_config(tmp_path_factory.mktemp("kube"), "test-ns")


_RANDOM = re.compile(r"(password|Password|PASSWORD|secret|token|checksum/|tls\.(crt|key)|ca\.crt)[^\n]*")


def _mask_random(text):
    """Values the chart draws at random (randAlphaNum passwords, genCA certificates) and their checksums."""
    return _RANDOM.sub(lambda m: m.group(1) + "<random>", text)


@pytest.mark.parametrize("name,variant", CASES, ids=["%s-%s" % c for c in CASES])
def test_manifest_equals_helms_stored_manifest(helm_config, name, variant):
    entry = ENTRIES[name]
    path = os.path.join(CHARTS_DIR, entry["tgz"])
    text = values_text(name, variant)
    ours = render_release(path, load_values(text) if text else None, release_name="test-release",
                          namespace="test-ns", revision=1, is_upgrade=False)
    helm = helm_config.install(helm_python.Chart.load(path), "test-release",
                               helm_python.values_from_yaml(text) if text else None, namespace="test-ns",
                               dry_run="client")
    expected = helm["manifest"]
    assert expected, "Helm rendered an empty manifest"
    if entry.get("nondeterministic_templates", {}).get(variant):
        assert _mask_random(ours.manifest) == _mask_random(expected)
        assert len(ours.manifest.splitlines()) == len(expected.splitlines())
    else:
        assert ours.manifest == expected
    assert ours.notes == helm.get("notes", "")
