"""Parsing only the needed entries of an index gives exactly what the full parse gives for those charts, on real
repository indexes and on layouts that look tricky; unusual layouts are refused (None) so the caller parses all."""
from __future__ import annotations

import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.source.deps.partialindex import (
    index_chart_names, partial_index)
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import parse_index
from tests.helpers.corpus import INDEXES_DIR

INDEXES = INDEXES_DIR


@pytest.mark.parametrize("name", ["aws-eks-charts-index.yaml", "fluent-helm-charts-index.yaml",
                                  "kyverno-kyverno-index.yaml", "kubernetes-ingress-nginx-index.yaml"])
def test_real_indexes(name):
    with open(os.path.join(INDEXES, name), "rb") as fh:
        data = fh.read()
    full = parse_index(data)
    names = sorted(full.entries)
    part = partial_index(data, names[::2] + ["no-such-chart"])
    assert part is not None
    assert sorted(part.entries) == names[::2]
    for chart in names[::2]:
        assert [cv.metadata for cv in part.entries[chart]] == [cv.metadata for cv in full.entries[chart]]
    assert index_chart_names(data) == sorted(full.chart_names())


TRICKY = b"""# comment
apiVersion: v1
entries:
  # a comment at the entries' indentation
  "quoted":
  - name: quoted
    version: 1.0.0
    urls: [quoted-1.0.0.tgz]
    description: |
      text that looks like a key
      other:
    notes: "a long
      double-quoted: scalar"
  plain:
    - name: plain
      version: 2.0.0
      urls:
        - plain-2.0.0.tgz
    - name: plain
      version: 10.0.0
      urls: [plain-10.0.0.tgz]
generated: "2024-01-01T00:00:00Z"
"""


def test_tricky_block_layout_equals_full_parse():
    full = parse_index(TRICKY)
    part = partial_index(TRICKY, ["quoted", "plain"])
    assert sorted(part.entries) == ["plain", "quoted"]
    for chart in ("quoted", "plain"):
        assert [cv.metadata for cv in part.entries[chart]] == [cv.metadata for cv in full.entries[chart]]
    assert [cv.version for cv in part.entries["plain"]] == ["10.0.0", "2.0.0"]
    assert index_chart_names(TRICKY) == ["plain", "quoted"]


@pytest.mark.parametrize("data", [
    b'{"apiVersion": "v1", "entries": {"a": [{"name": "a", "version": "1.0.0"}]}}',
    b"apiVersion: v1\nentries: {a: [{name: a, version: 1.0.0}]}\n",
    b"entries:\n  a:\n  - name: a\n    version: 1.0.0\n",
    b"apiVersion: v1\nentries:\n  a: []\n b:\n  - {}\n",
])
def test_unusual_layouts_are_left_to_the_full_parser(data):
    assert partial_index(data, ["a"]) is None
