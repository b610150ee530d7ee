"""helm_package archives byte for byte equal to helm_python.package (real Helm v4) on every corpus chart.

Helm's output is deterministic except for one thing: it writes a chart's subcharts in Go map order (random per run)
when a chart has two or more of them. For those charts the test checks (1) our tar stream equals Helm's once the
sibling subcharts are put in name order on both sides, and (2) Helm's own tar stream, fed to our gzip writer with
the Write calls Go's tar writer makes, gives Helm's archive byte for byte. Every other chart: the whole archive is
equal."""
from __future__ import annotations

import glob
import gzip
import os
import tarfile

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.package import package_chart, tar_stream
from ansible_collections.helmkit.core.plugins.module_utils.gocompat.flate import gzip_member
from tests.helpers.corpus import CHARTS_DIR as CHARTS

helm_python = pytest.importorskip("helm_python")

CORPUS = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(CHARTS, "*.tgz")))
BLOCK = 512


def _entries(stream):
    """The tar stream as (name, [Write calls Go's tar writer made for the entry's headers], body) plus the trailing
    zero blocks; PAX entries keep their extended header, records, padding and main header as separate writes."""
    entries, at = [], 0
    while stream[at:at + BLOCK] != b"\0" * BLOCK:
        headers = []
        if stream[at + 156:at + 157] == b"x":
            size = int(stream[at + 124:at + 136].rstrip(b"\0 ") or b"0", 8)
            pad = (-size) % BLOCK
            headers += [stream[at:at + BLOCK], stream[at + BLOCK:at + BLOCK + size],
                        stream[at + BLOCK + size:at + BLOCK + size + pad]]
            at += BLOCK + size + pad
        block = stream[at:at + BLOCK]
        headers.append(block)
        size = int(block[124:136].rstrip(b"\0 ") or b"0", 8)
        prefix, name = block[345:500].rstrip(b"\0"), block[0:100].rstrip(b"\0")
        entries.append(((prefix + b"/" + name if prefix else name).decode("utf-8", "replace"), headers,
                        stream[at + BLOCK:at + BLOCK + size]))
        at += BLOCK + size + (-size) % BLOCK
    return entries, stream[at:]


def _go_writes(stream):
    """The Write calls Helm's tar writer made to produce ``stream``: per entry the previous body's padding, the
    header write(s) and the body; the last padding and two zero blocks at Close."""
    entries, _tail = _entries(stream)
    writes, pad = [], 0
    for _name, headers, body in entries:
        writes += ([b"\0" * pad] if pad else []) + headers + [body]
        pad = (-len(body)) % BLOCK
    return writes + ([b"\0" * pad] if pad else []) + [b"\0" * BLOCK] * 2


def _canonical(stream):
    """The entries with sibling subcharts in name order, each chart's own files in written order."""
    entries, tail = _entries(stream)
    keyed = []
    for position, (name, headers, body) in enumerate(entries):
        charts = name.split("/charts/")
        keyed.append(((tuple(part.split("/")[0] for part in charts[1:]), position), b"".join(headers) + body))
    return [data for _key, data in sorted(keyed)], tail


def _several_subcharts(chart):
    return len(chart.dependencies) > 1 or any(_several_subcharts(dep) for dep in chart.dependencies)


@pytest.mark.parametrize("name", CORPUS)
def test_archive_bytes_equal_helm_package(tmp_path, name):
    with tarfile.open(os.path.join(CHARTS, name + ".tgz")) as tar:
        tar.extractall(str(tmp_path / "src"))
    src = str(tmp_path / "src" / os.listdir(str(tmp_path / "src"))[0])
    theirs_path = helm_python.package(src, destination=str(tmp_path / "helm"))
    with open(theirs_path, "rb") as fh:
        theirs = fh.read()
    chart = load_chart(src)
    if not _several_subcharts(chart):
        ours_path = package_chart(src, str(tmp_path / "ours"))
        assert os.path.basename(ours_path) == os.path.basename(theirs_path)
        with open(ours_path, "rb") as fh:
            assert fh.read() == theirs
        return
    helm_tar = gzip.decompress(theirs)
    assert _canonical(tar_stream(chart)) == _canonical(helm_tar)
    assert gzip_member(_go_writes(helm_tar), extra=theirs[12:12 + theirs[10] + 256 * theirs[11]],
                       comment="Helm") == theirs
