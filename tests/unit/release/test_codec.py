"""Helm v4 release codec: our JSON/gzip/base64 must read Helm's records and write them byte-for-byte in JSON."""
import base64
import glob
import json
import os
import zlib

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.release import codec
from tests.helpers.corpus import SHARED

REFERENCE = os.path.join(SHARED, "reference", "releases")
RECORDS = sorted(p for p in glob.glob(os.path.join(REFERENCE, "*.json")) if not p.endswith(".meta.json"))


@pytest.mark.parametrize("path", RECORDS, ids=os.path.basename)
def test_go_json_reproduces_helm_json_length_and_roundtrips(path):
    with open(path, encoding="utf-8") as handle:
        record = json.load(handle)
    meta_path = path[:-len(".json")] + ".meta.json"
    encoded = codec.go_json(record)
    if os.path.exists(meta_path):
        with open(meta_path, encoding="utf-8") as handle:
            meta = json.load(handle)
        assert len(encoded) == meta["sizes"]["json_len"]
    assert json.loads(encoded) == record


def test_encode_uses_helms_gzip_header_and_decodes_back():
    record = {"name": "r", "info": {"status": "deployed"}, "version": 1}
    text = codec.encode_release(record)
    raw = base64.b64decode(text)
    assert raw[:10].hex() == "1f8b08000000000002ff"
    assert json.loads(zlib.decompress(raw, 31)) == record
    assert codec.decode_release(text) == record


def test_decode_reads_uncompressed_json_records():
    text = base64.b64encode(b'{"name":"plain","version":3}')
    assert codec.decode_release(text) == {"name": "plain", "version": 3}


def test_decode_garbage_names_the_secret():
    with pytest.raises(ReleaseError) as info:
        codec.decode_release("%%%not-base64", where="secret ns/sh.helm.release.v1.x.v1")
    assert "secret ns/sh.helm.release.v1.x.v1" in str(info.value)


@pytest.mark.parametrize("value,expected", [
    (2.0, "2"), (0.5, "0.5"), (1e21, "1e+21"), (1.5e-07, "1.5e-7"), (1e16, "10000000000000000"),
    (1.5e-05, "0.000015"), (-3.25, "-3.25"),
])
def test_go_float(value, expected):
    assert codec.go_float(value) == expected


def test_go_json_escapes_html_like_go():
    assert codec.go_json({"a": "<b>&\u2028", "n": [1, 2.0, None, True]}) == \
        b'{"a":"\\u003cb\\u003e\\u0026\\u2028","n":[1,2,null,true]}'


def test_go_time_trims_trailing_zeros():
    assert codec.go_time(1795255725_055660341) == "2026-11-21T10:08:45.055660341Z"
    assert codec.go_time(1795255748_855940400) == "2026-11-21T10:09:08.8559404Z"
    assert codec.go_time(1795255725_000000000) == "2026-11-21T10:08:45Z"
