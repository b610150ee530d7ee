"""gocompat.flate: Go's compress/flate + compress/gzip bytes, checked against real Helm (helm_python.package) on
charts built to reach the compressor's edge cases, and against zlib's inflater for arbitrary Write sequences."""
from __future__ import annotations

import os
import random
import zlib

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.package import archive_bytes, package_chart, tar_stream
from ansible_collections.helmkit.core.plugins.module_utils.gocompat.flate import deflate, gzip_member, huffman_lengths

RANDOM = random.Random(19)


def _chart(root, name, files):
    """A chart directory ``root/name`` with a minimal Chart.yaml and values.yaml plus ``files`` (path -> bytes)."""
    top = os.path.join(str(root), name)
    os.makedirs(os.path.join(top, "templates"))
    with open(os.path.join(top, "Chart.yaml"), "w") as fh:
        fh.write("apiVersion: v2\nname: %s\nversion: 0.1.0\n" % name)
    with open(os.path.join(top, "values.yaml"), "w") as fh:
        fh.write("replicas: 1\n")
    for path, data in files.items():
        full = os.path.join(top, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as fh:
            fh.write(data)
    return top


def _yamlish(size):
    """Text shaped like chart templates: repeated keys with varying values, many near and far matches."""
    words = ["name", "image", "tag", "port", "labels", "app.kubernetes.io/name", "{{ .Values.x }}", "- key"]
    lines = []
    total = 0
    while total < size:
        line = "%s%s: %s-%d\n" % ("  " * RANDOM.randrange(6), RANDOM.choice(words), RANDOM.choice(words),
                                  RANDOM.randrange(1000))
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


EDGE_CHARTS = {
    "empty-files": {"files/empty.txt": b"", "templates/empty.yaml": b"", "templates/NOTES.txt": b""},
    "repetitive": {"files/zeros.bin": b"\0" * (3 << 20), "files/abc.txt": b"abcabcabd" * 200000,
                   "files/short-runs.txt": b"ab" * 5 + b"aab" * 3 + b"x" * 300},
    "random": {"files/r1.bin": RANDOM.randbytes(70000), "files/r2.bin": RANDOM.randbytes(100),
               "files/r3.bin": RANDOM.randbytes(65535 - 1024)},
    "text": {"templates/big.yaml": _yamlish(400000), "files/mixed.bin": _yamlish(30000) + RANDOM.randbytes(3000)},
    "names": {"files/\u00e9t\u00e9.txt": "\u00e9t\u00e9\n".encode(), "files/" + "x" * 150 + ".txt": b"long\n",
              "files/" + "d" * 90 + "/" + "n" * 60 + ".txt": b"split\n"},
}


@pytest.mark.parametrize("name", sorted(EDGE_CHARTS))
def test_archive_equals_helm_package(tmp_path, name):
    helm_python = pytest.importorskip("helm_python")
    src = _chart(tmp_path / "src", name, EDGE_CHARTS[name])
    theirs = helm_python.package(src, destination=str(tmp_path / "helm"))
    ours = package_chart(src, str(tmp_path / "ours"))
    with open(theirs, "rb") as a, open(ours, "rb") as b:
        assert b.read() == a.read()


def test_five_megabyte_random_file_equals_helm_package(tmp_path):
    """Incompressible data: stored blocks, a window slid 160 times, blocks that lose their stored form."""
    helm_python = pytest.importorskip("helm_python")
    src = _chart(tmp_path / "src", "big", {"files/big.bin": RANDOM.randbytes(5 << 20)})
    theirs = helm_python.package(src, destination=str(tmp_path / "helm"))
    ours = package_chart(src, str(tmp_path / "ours"))
    with open(theirs, "rb") as a, open(ours, "rb") as b:
        assert b.read() == a.read()


@pytest.mark.parametrize("sizes", [[], [0], [1], [3], [5, 0, 7], [70000], [300] * 400, [65000, 1, 1, 70000],
                                   [131072 - 262, 262, 40000], [1 << 16, 1 << 16, 1 << 16]])
def test_any_write_sequence_inflates_back(sizes):
    """Whatever the Write calls, the stream is valid DEFLATE and gzip that zlib reads back exactly."""
    sample = _yamlish(sum(sizes) // 2) + RANDOM.randbytes(sum(sizes) - sum(sizes) // 2)
    chunks, at = [], 0
    for size in sizes:
        chunks.append(sample[at:at + size])
        at += size
    raw = deflate(chunks)
    assert raw.endswith(b"\x00\x00\xff\xff")  # Close: an empty final stored block (LEN 0, NLEN)
    assert zlib.decompress(raw, -15) == sample
    member = gzip_member(chunks, extra=b"xy", comment="Helm")
    assert zlib.decompress(member, 31) == sample


def test_huffman_lengths_are_a_complete_prefix_code_within_the_limit():
    for _round in range(200):
        freqs = [RANDOM.choice([0, 0, 1, 2, 3, RANDOM.randrange(1, 1 << 16)])
                 for _symbol in range(RANDOM.randrange(1, 287))]
        lengths = huffman_lengths(freqs, 15)
        used = [n for f, n in zip(freqs, lengths) if f]
        assert all((n > 0) == bool(f) for f, n in zip(freqs, lengths))
        assert max(used or [0]) <= 15
        if len(used) > 2:
            assert sum(2.0 ** -n for n in used) == 1.0  # package-merge gives a full tree


def test_gzip_header_refuses_what_go_refuses():
    with pytest.raises(ValueError):
        gzip_member([b"x"], comment="\u20ac")
    with pytest.raises(ValueError):
        gzip_member([b"x"], name="a\0b")


def test_zlib_archive_for_lint_holds_the_same_tar_and_header(tmp_path):
    src = _chart(tmp_path / "src", "lintable", {"templates/a.yaml": _yamlish(20000)})
    chart = load_chart(src)
    exact, fast = archive_bytes(chart), archive_bytes(chart, exact=False)
    assert zlib.decompress(fast, 31) == zlib.decompress(exact, 31) == tar_stream(chart)
    header = 10 + 2 + exact[10] + 256 * exact[11] + len(b"Helm\0")  # fixed part, XLEN, extra, comment
    assert exact[header - 5:header] == b"Helm\0"
    assert fast[:header] == exact[:header] and fast[-8:] == exact[-8:]
