"""Provenance files signed by Helm v4 (helm_python.sign with a throw-away gpg key): parsing, the SHA-256 check and
the fail-closed answer for signatures (repo/provenance.py, helm_pull verify)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo.provenance import check_provenance, parse_provenance
from ansible_collections.helmkit.core.plugins.module_utils.repo.pull import pull_chart

from _repo_env import PODINFO, ChartRepoServer


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """``(archive path, .prov bytes, public keyring)`` of podinfo signed by Helm with a new key."""
    gpg = shutil.which("gpg")
    if gpg is None:
        pytest.fail("gpg is needed to create a signing key for Helm's sign (test-only): run scripts/install-system-deps.sh")
    home = str(tmp_path_factory.mktemp("gnupg"))
    os.chmod(home, 0o700)
    env = dict(os.environ, GNUPGHOME=home)
    subprocess.run([gpg, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                    "helmkit test <test@example.com>", "rsa2048", "sign", "1d"], check=True, capture_output=True,
                   env=env)
    secret, public = os.path.join(home, "secring.gpg"), os.path.join(home, "pubring.gpg")
    with open(secret, "wb") as fh:
        fh.write(subprocess.run([gpg, "--batch", "--export-secret-keys"], check=True, capture_output=True,
                                env=env).stdout)
    with open(public, "wb") as fh:
        fh.write(subprocess.run([gpg, "--batch", "--export"], check=True, capture_output=True, env=env).stdout)
    subprocess.run([gpg, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "",
                    "--delete-secret-and-public-key", "helmkit test"], check=False, capture_output=True, env=env)
    archive = os.path.join(home, os.path.basename(PODINFO))
    shutil.copy(PODINFO, archive)
    prov_path = helm_python.sign(archive, key="helmkit test", keyring=secret)
    with open(prov_path, "rb") as fh:
        prov = fh.read()
    try:
        yield archive, prov, public
    finally:
        gpgconf = shutil.which("gpgconf")
        if gpgconf:  # stop the gpg-agent that gpg started for this home
            subprocess.run([gpgconf, "--kill", "gpg-agent"], check=False, capture_output=True, env=env)


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def test_parse_matches_helm_verify(signed):
    archive, prov, public = signed
    helm = helm_python.verify(archive, public)
    parsed = parse_provenance(prov)
    assert parsed.files == {helm["file_name"]: helm["file_hash"]}
    assert parsed.metadata["name"] == "podinfo" and parsed.metadata["maintainers"][0]["name"] == "stefanprodan"
    assert parsed.hash_algorithm and parsed.signature.startswith("-----BEGIN PGP SIGNATURE-----")


def test_check_fails_closed_after_the_sha256_check(signed):
    archive, prov, _public = signed
    with pytest.raises(RepositoryError) as info:
        check_provenance(prov, "podinfo-6.14.1.tgz", _sha(archive), keyring="/k.gpg")
    assert "matches the provenance file" in str(info.value) and "NOT verified" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        check_provenance(prov, "podinfo-6.14.1.tgz", "0" * 64)
    assert "sha256 sum does not match" in str(info.value)
    with pytest.raises(RepositoryError) as info:
        check_provenance(prov, "other-1.0.0.tgz", _sha(archive))
    assert 'does not contain a SHA for a file named "other-1.0.0.tgz"' in str(info.value)
    with pytest.raises(RepositoryError) as info:
        parse_provenance(b"just text")
    assert "not a Helm provenance file" in str(info.value)


def test_pull_verify_writes_nothing(helm_home, signed, tmp_path):
    _archive, prov, public = signed
    with ChartRepoServer(charts=[PODINFO]) as server:
        with open(os.path.join(server.directory, "podinfo-6.14.1.tgz.prov"), "wb") as fh:
            fh.write(prov)
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url, verify=True, keyring=public)
        assert "NOT verified" in str(info.value)
        with open(os.path.join(server.directory, "podinfo-6.14.1.tgz.prov"), "wb") as fh:
            fh.write(prov.replace(b"sha256:", b"sha256:00"))
        with pytest.raises(RepositoryError) as info:
            pull_chart("podinfo", str(tmp_path / "d"), repo_url=server.url, verify=True)
        assert "sha256 sum does not match" in str(info.value)
    assert not (tmp_path / "d").exists()
