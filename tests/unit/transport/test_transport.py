"""plugins/module_utils/transport/: the TLS and digest helpers shared by repo/ and oci/."""
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


# ---- the credential policy, URL redaction, limits, deadlines (issue 20) ------------------------------------------

from ansible_collections.helmkit.core.plugins.module_utils import transport  # noqa: E402


@pytest.mark.parametrize("target, allowed", [
    ("https://charts.example.com/index.yaml", True),
    ("https://CHARTS.example.com:443/a/b.tgz", True),      # case and the default port do not change the origin
    ("http://charts.example.com/index.yaml", False),       # a downgrade to http
    ("https://charts.example.com:8443/index.yaml", False),  # another port
    ("https://evil.example.com/index.yaml", False),
    ("https://charts.example.com.evil.example/x", False),
    ("https://sub.charts.example.com/x", False),           # Go copies to subdomains; helmkit does not
    ("https://charts.example.com:bad/x", False),
    ("/relative/path", False),
    ("", False),
])
def test_credentials_go_only_to_the_same_origin(target, allowed):
    assert transport.may_send_credentials("https://charts.example.com/stable", target) is allowed


def test_pass_credentials_allows_every_origin_and_nothing_without_a_host():
    assert transport.may_send_credentials("https://a.example", "http://b.example:81/x", pass_credentials=True)
    assert not transport.may_send_credentials("not a url", "not a url")


@pytest.mark.parametrize("url, shown", [
    ("https://u:secret@h.example/r", "https://u:***@h.example/r"),
    ("https://ghp_TOKEN@h.example/r?x=1", "https://***@h.example/r?x=1"),
    ("https://:secret@h.example:8443/", "https://:***@h.example:8443/"),
    ("https://h.example/r", "https://h.example/r"),
    ("https://a@b:c@h.example/", "https://a@b:***@h.example/"),
])
def test_redact_url_masks_passwords_and_tokens_in_userinfo(url, shown):
    assert transport.redact_url(url) == shown


@pytest.mark.parametrize("raw, expected", [("", 10), ("25", 25), ("-3", 10), ("0", 10), ("x", 10), (" 7 ", 7)])
def test_env_limit_reads_positive_numbers_only(monkeypatch, raw, expected):
    monkeypatch.setenv("HELMKIT_TEST_LIMIT", raw)
    assert transport.env_limit("HELMKIT_TEST_LIMIT", 10) == expected


def test_env_limit_keeps_fractions_for_float_defaults(monkeypatch):
    monkeypatch.setenv("HELMKIT_HTTP_DEADLINE", "1.5")
    assert transport.http_deadline() == 1.5


def test_limit_message_names_the_limit_and_the_variable():
    text = transport.limit_message("the index (9 bytes so far)", 8, "HELMKIT_MAX_INDEX_BYTES")
    assert text.startswith("the index (9 bytes so far) is over helmkit's limit of 8 bytes")
    assert "HELMKIT_MAX_INDEX_BYTES" in text and "docs/limits.md" in text


def test_read_capped_stops_as_soon_as_the_limit_is_passed():
    pulled = []

    def chunks():
        for index in range(1000):
            pulled.append(index)
            yield b"x" * 10

    with pytest.raises(ValueError, match="^30$"):  # the size read so far, past 25 with the third chunk
        transport.read_capped(chunks(), 25, lambda size: ValueError(str(size)))
    assert len(pulled) == 3
    assert transport.read_capped(iter([b"ab", b"c"]), 3, ValueError) == b"abc"


def test_read_capped_stops_once_the_deadline_passed():
    deadline = transport.Deadline(0.0)
    with pytest.raises(transport.DeadlineExpired):
        transport.read_capped(iter([b"a"]), 10, ValueError, deadline)


def test_run_with_deadline_returns_raises_or_gives_up_in_time():
    import threading
    import time

    assert transport.run_with_deadline(lambda: 42, transport.Deadline(5), RuntimeError) == 42
    with pytest.raises(KeyError):
        transport.run_with_deadline(lambda: {}["missing"], transport.Deadline(5), RuntimeError)
    release = threading.Event()
    start = time.monotonic()
    deadline = transport.Deadline(0.2)
    with pytest.raises(RepositoryError, match="too slow"):
        transport.run_with_deadline(lambda: release.wait(10), deadline, lambda: RepositoryError("too slow"))
    assert time.monotonic() - start < 2 and deadline.expired
    release.set()


@pytest.mark.parametrize("value, secrets", [
    ("https://ghp_0123456789abcdef@github.example/charts", {"ghp_0123456789abcdef"}),
    ("https://admin@charts.example/", set()),                       # a short user name is not a token
    ("https://admin:pass1@charts.example/", {"pass1"}),
    ("https://admin:pw@charts.example/", set()),                    # too short to mask without garbling output
    ({"url": "https://u:s3cr3t@h/", "other": ["x", "oci://a@b"]}, {"s3cr3t"}),
    ("mail me at someone@example.com", set()),
    (7, set()),
])
def test_url_secrets_finds_passwords_and_tokens_in_userinfo(value, secrets):
    assert transport.url_secrets(value) == secrets


def test_run_module_registers_a_url_token_as_no_log():
    from ansible_collections.helmkit.core.plugins.module_utils import _common

    class Module(object):
        params = {"repo_url": "https://tok_abcdefgh12345@charts.example/", "name": "x"}
        no_log_values = set()

        def warn(self, text):
            raise AssertionError(text)

        def exit_json(self, **kwargs):
            raise SystemExit(0)

    module = Module()
    with pytest.raises(SystemExit):
        _common.run_module(module, lambda m: {})
    assert module.no_log_values == {"tok_abcdefgh12345"}
