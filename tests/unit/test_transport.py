"""plugins/module_utils/transport.py: the TLS and digest helpers shared by repo/ and oci/."""
from __future__ import annotations

import hashlib
import ssl

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RegistryError, RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.transport import sha256_file, ssl_context


def test_sha256_file_reads_past_one_block(tmp_path):
    data = b"chart" * 300000  # 1.5 MB, more than one 1 MiB block
    path = tmp_path / "c.tgz"
    path.write_bytes(data)
    assert sha256_file(str(path)) == hashlib.sha256(data).hexdigest()


def test_insecure_context_skips_verification():
    ctx = ssl_context(None, None, None, True)
    assert ctx.verify_mode == ssl.CERT_NONE and not ctx.check_hostname


def test_default_context_verifies():
    ctx = ssl_context("", None, None, False)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname


@pytest.mark.parametrize("error", [RepositoryError, RegistryError])
def test_missing_ca_file_raises_the_callers_error(tmp_path, error):
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(error, match="cannot load ca_file %s: .*give a PEM file" % missing):
        ssl_context(missing, None, None, False, error)


def test_bad_client_certificate_names_both_files(tmp_path):
    cert = tmp_path / "c.pem"
    cert.write_text("not a certificate")
    with pytest.raises(RepositoryError, match="cannot load client certificate .*c.pem / key None: .*give PEM files"):
        ssl_context(None, str(cert), None, False, RepositoryError)
