"""The streaming index reader (repo/indexscan.py) gives exactly what the full YAML loader gives."""
from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.repo import index as ix
from ansible_collections.helmkit.core.plugins.module_utils.repo import indexscan

from tests.helpers.corpus import SHARED

INDEXES = os.path.join(SHARED, "indexes")


def _full(data):
    """Entries as parse_index builds them from the full loader (the reference for the fast path)."""
    doc = ix._load_full(data, "test")
    entries = {}
    for name, versions in (doc.get("entries") or {}).items():
        kept = [pair for pair in (ix._valid_version(meta) for meta in versions or []) if pair is not None]
        entries[str(name)] = [cv.metadata for cv in ix._sort_versions(kept)]
    return doc.get("apiVersion"), doc.get("generated"), entries


def _fast(data):
    assert indexscan.scan_index(data) is not None, "the fast path refused this index"
    index = ix.parse_index(data)
    return index.api_version, index.generated, dict(
        (name, [cv.metadata for cv in versions]) for name, versions in index.entries.items())


@pytest.mark.parametrize("name", sorted(os.listdir(INDEXES)))
def test_real_indexes_match_full_loader(name):
    with open(os.path.join(INDEXES, name), "rb") as fh:
        data = fh.read()
    assert _fast(data) == _full(data)


TRICKY = b"""apiVersion: v1
entries:
  demo:
  - annotations:
      note: |
        # not a comment
        description: not a field
    apiVersion: v2
    appVersion: yes
    created: "2024-01-02T03:04:05Z"
    deprecated: true
    description: A long description that wraps over
      two lines, with 'quotes' and a colon:here
    digest: "abc\\x41"
    keywords:
    - one
    - "two words"
    - 3
    name: demo
    urls:
    - charts/demo-1.10.tgz
    version: 1.10
  - name: demo
    version: 1.9.0
    description: |-
      block

      scalar
    appVersion: ~
    urls: [a.tgz, 'b.tgz']
  - name: demo
    version: not-semver
  empty: []
generated: 2024-01-02T03:04:05Z
serverInfo:
  contextPath: /x
"""


def test_tricky_values_match_full_loader():
    fast = _fast(TRICKY)
    assert fast == _full(TRICKY)
    first = fast[2]["demo"][0]
    assert first["appVersion"] is True and first["digest"] == "abcA" and first["version"] == "1.10"
    assert first["keywords"] == ["one", "two words", "3"] and "annotations" not in first
    assert fast[2]["empty"] == [] and fast[1] == "2024-01-02T03:04:05Z"


@pytest.mark.parametrize("data", [
    b'{"apiVersion": "v1", "entries": {"a": [{"name": "a", "version": "1.0.0", "urls": ["a.tgz"]}]}}',
    b"apiVersion: v1\nentries:\n  a:\n    - name: a\n      version: 1.0.0\n      urls: [a.tgz]\n",
    b"apiVersion: v1\nentries:\n  a:\n  - &v {name: a, version: 1.0.0, urls: [a.tgz]}\n",
    b"apiVersion: v1\n# comment\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: [a.tgz]\n",
    b"apiVersion: v1\r\nentries:\r\n  a:\r\n  - name: a\r\n    version: 1.0.0\r\n    urls: [a.tgz]\r\n",
    b"apiVersion: v1\nentries:\n  \"a\":\n  - name: a\n    version: 1.0.0\n    urls: [a.tgz]\n",
    b"apiVersion: v1\nentries:\n  a:\n  - home: x\n    \"name\": a\n    version: 1.0.0\n    urls: [a.tgz]\n",
    b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    # note\n    version: 1.0.0\n    urls: [a.tgz]\n",
])
def test_unusual_layouts_fall_back_to_full_loader(data):
    assert indexscan.scan_index(data) is None
    index = ix.parse_index(data)
    assert index.entries["a"][0].version == "1.0.0" and index.entries["a"][0].urls == ["a.tgz"]


@pytest.mark.parametrize("data", [
    b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    description: \"unterminated\n",
    b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls:\n    - [a.tgz\n",
])
def test_broken_yaml_is_reported_by_full_loader(data):
    assert indexscan.scan_index(data) is None
    with pytest.raises(ix.RepositoryError) as info:
        ix.parse_index(data, source="https://r.example/index.yaml")
    assert "invalid YAML" in str(info.value) and "line" in str(info.value)


def _random_index(draw):
    from hypothesis import strategies as st
    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\t\x85\u2028\u2029"
                                          "\ufeff"), max_size=90)
    scalar = st.one_of(text, st.sampled_from(["yes", "no", "null", "~", "1.10", "0o17", "2024-01-02", "true",
                                              "- x", "a: b", "#c", "'q'", '"d"', "&a", "*b", "!t", "", " lead"]))
    version = st.one_of(st.sampled_from(["1.0.0", "1.10", "v2.0.0", "1.0.0-rc.1+b.2", "bad", ""]), scalar)
    meta = st.fixed_dictionaries({"name": st.sampled_from(["demo", "other"]), "version": version}, optional={
        "description": scalar, "appVersion": scalar, "digest": scalar, "created": scalar,
        "deprecated": st.one_of(st.booleans(), scalar), "keywords": st.lists(scalar, max_size=3),
        "urls": st.lists(scalar, max_size=2), "apiVersion": st.sampled_from(["v1", "v2", ""]),
        "annotations": st.dictionaries(st.sampled_from(["a/b", "c"]), scalar, max_size=2),
        "maintainers": st.lists(st.fixed_dictionaries({"name": scalar}), max_size=2)})
    entries = draw(st.dictionaries(st.sampled_from(["demo", "other", "x-y"]), st.lists(meta, max_size=4),
                                   max_size=3))
    width = draw(st.integers(min_value=20, max_value=120))
    doc = {"apiVersion": "v1", "entries": entries, "generated": draw(scalar)}
    return yaml.safe_dump(doc, default_flow_style=False, width=width, allow_unicode=draw(st.booleans()),
                          sort_keys=True).encode("utf-8")


def test_random_indexes_match_full_loader():
    """Differential: indexes dumped in the block layout with awkward scalars read the same both ways."""
    from hypothesis import given, settings, HealthCheck
    from hypothesis import strategies as st
    fast_used = []

    @settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        raw = data.draw(st.composite(_random_index)())
        if indexscan.scan_index(raw) is None:
            return
        fast_used.append(1)
        assert _fast(raw) == _full(raw)

    check()
    assert len(fast_used) > 60  # the fast path really ran
