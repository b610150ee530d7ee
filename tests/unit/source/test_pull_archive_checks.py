"""repo/pull.py reads chart archives through the chart loader's checked reader (chart.loader.iter_archive), so
helm_pull's untar and re-run comparison refuse what the loader refuses, with the loader's (Helm's) messages."""
from __future__ import annotations

import io
import tarfile

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart import loader
from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError
from ansible_collections.helmkit.core.plugins.module_utils.source.pull import archive_matches_directory
from tests.helpers.corpus import PODINFO


def _podinfo():
    with open(PODINFO, "rb") as handle:
        return handle.read()


def test_truncated_archive_is_a_chart_error(tmp_path):
    data = _podinfo()
    with pytest.raises(ChartError, match="is not a valid chart archive"):
        archive_matches_directory(data[: len(data) // 2], str(tmp_path))


def test_oversized_entry_gets_the_loaders_message(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_SIZE", 10)
    with pytest.raises(ChartError, match="is larger than the maximum file size 10"):
        archive_matches_directory(_podinfo(), str(tmp_path))


def test_directory_comparison_keeps_the_bom(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("c/Chart.yaml")
        body = b"\xef\xbb\xbfapiVersion: v2\nname: c\nversion: 1.0.0\n"  # the BOM is kept byte for byte
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    assert archive_matches_directory(buffer.getvalue(), str(tmp_path)) is False
    (tmp_path / "Chart.yaml").write_bytes(body)
    assert archive_matches_directory(buffer.getvalue(), str(tmp_path)) is True
