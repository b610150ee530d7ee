"""Provenance verification (repo/provenance.py, repo/verify.py, helm_pull's verify) with real keys made by gpg and
provenance files clear-signed by gpg in Helm's layout or by Helm v4 itself (helm_python.sign); Helm v4's own
verification (helm_python.verify) is the reference for what passes and what it reports."""
from __future__ import annotations

import hashlib
import os
import shutil
import struct

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo import provenance
from ansible_collections.helmkit.core.plugins.module_utils.repo.provenance import (
    default_keyring, load_keyring, parse_provenance, verify_provenance)
from ansible_collections.helmkit.core.plugins.module_utils.source.pull import pull_chart

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO, REDIS
from tests.helpers.pgp import GPG, GpgSigner

NAME = os.path.basename(PODINFO)


@pytest.fixture(scope="module")
def signer():
    if GPG is None:
        pytest.fail("gpg is needed to create signing keys (test-only): run scripts/install-system-deps.sh")
    with GpgSigner("Chart Signer <signer@example.com>") as key:
        yield key


@pytest.fixture(scope="module")
def stranger():
    with GpgSigner("Someone Else <else@example.com>") as key:
        yield key


def _sha(path_or_bytes):
    if isinstance(path_or_bytes, bytes):
        return hashlib.sha256(path_or_bytes).hexdigest()
    with open(path_or_bytes, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _helm_verify(tmp_path, prov, keyring, archive=PODINFO):
    """Helm v4's verdict on (archive, prov): its result dict, or the error text."""
    directory = tmp_path / "helm-verify"
    directory.mkdir(exist_ok=True)
    target = str(directory / NAME)
    shutil.copy(archive, target)
    with open(target + ".prov", "wb") as fh:
        fh.write(prov)
    try:
        return helm_python.verify(target, keyring)
    except Exception as exc:  # helm_python's HelmChartInvalidError
        return "error: %s" % exc


def _error(*args, **kwargs):
    with pytest.raises(RepositoryError) as info:
        verify_provenance(*args, **kwargs)
    message = str(info.value)
    assert "Stack backtrace" not in message and "\n" not in message, message  # one line, no Rust backtrace
    return message


# -- signatures ---------------------------------------------------------------------------------------------------

def test_every_keyring_format_verifies_like_helm(signer, stranger, tmp_path):
    prov = signer.provenance(PODINFO)
    helm = _helm_verify(tmp_path, prov, signer.public_keyring)
    assert isinstance(helm, dict), helm
    both = str(tmp_path / "both.asc")  # concatenated armored exports, as 'cat a.asc b.asc' makes
    with open(both, "wb") as fh:
        for path in (stranger.armored_keyring, signer.armored_keyring):
            with open(path, "rb") as part:
                fh.write(part.read())
    for keyring in (signer.public_keyring, signer.armored_keyring, both, signer.keybox, signer.secret_keyring):
        result = verify_provenance(prov, NAME, _sha(PODINFO), keyring)
        assert result.signed_by == helm["signed_by"] == ["Chart Signer <signer@example.com>"], keyring
        assert result.file_hash == helm["file_hash"] == "sha256:" + _sha(PODINFO)
        assert result.file_name == helm["file_name"] == NAME
        assert result.fingerprint == signer.fingerprint.upper() and result.keyring == keyring
    assert result.text() == ("Signed by: Chart Signer <signer@example.com>\nUsing Key With Fingerprint: %s\n"
                             "Chart Hash Verified: sha256:%s\n" % (signer.fingerprint.upper(), _sha(PODINFO)))


def test_a_provenance_file_signed_by_helm_verifies(signer, tmp_path):
    archive = str(tmp_path / NAME)
    shutil.copy(PODINFO, archive)
    with open(helm_python.sign(archive, key="Chart Signer", keyring=signer.secret_keyring), "rb") as fh:
        prov = fh.read()
    parsed = parse_provenance(prov)
    assert parsed.hash_algorithm == "SHA512" and parsed.metadata["name"] == "podinfo"
    result = verify_provenance(prov, NAME, _sha(archive), signer.public_keyring).as_dict()
    assert result["signed_by"] == ["Chart Signer <signer@example.com>"]
    assert result["file_hash"] == "sha256:" + _sha(PODINFO) and "Chart Hash Verified" in result["text"]


def test_unknown_key_altered_text_and_altered_archive_fail_like_helm(signer, stranger, tmp_path):
    prov = signer.provenance(PODINFO)
    message = _error(prov, NAME, _sha(PODINFO), stranger.public_keyring, source="podinfo.prov")
    expected = "signed by key %s, which is not in the keyring %s" % (signer.fingerprint.upper(), stranger.public_keyring)
    assert expected in message
    assert message.startswith("podinfo.prov: ")
    assert _helm_verify(tmp_path, prov, stranger.public_keyring).startswith("error")

    altered = prov.replace(b"version: 6.14.1", b"version: 6.14.2")
    assert altered != prov
    message = _error(altered, NAME, _sha(PODINFO), signer.public_keyring)
    assert "signature does not match the signed text" in message and "altered" in message
    assert _helm_verify(tmp_path, altered, signer.public_keyring).startswith("error")

    other = signer.provenance(PODINFO, signed_bytes=b"another archive")  # validly signed, for other bytes
    message = _error(other, NAME, _sha(PODINFO), signer.public_keyring)
    listed, actual = _sha(b"another archive"), _sha(PODINFO)
    expected = 'sha256 sum does not match for %s: "sha256:%s" != "sha256:%s"' % (NAME, listed, actual)
    assert expected in message
    assert "sha256 sum does not match" in _helm_verify(tmp_path, other, signer.public_keyring)

    message = _error(prov, "other-1.0.0.tgz", _sha(PODINFO), signer.public_keyring)
    assert 'provenance does not contain a SHA for a file named "other-1.0.0.tgz" (it lists: %s)' % NAME in message


def test_revoked_and_expired_keys_fail_like_helm(tmp_path):
    with GpgSigner("Revoked Signer <revoked@example.com>") as revoked:
        prov = revoked.provenance(PODINFO)
        assert verify_provenance(prov, NAME, _sha(PODINFO), revoked.public_keyring).signed_by  # valid before
        keyring = revoked.revoked_keyring()
        message = _error(prov, NAME, _sha(PODINFO), keyring)
        assert "the signing key %s in %s has been revoked" % (revoked.fingerprint.upper(), keyring) in message
        assert _helm_verify(tmp_path, prov, keyring).startswith("error")
    with GpgSigner("Old Signer <old@example.com>", faked_time="20200101T000000", expire="1d") as old:
        prov = old.provenance(PODINFO)  # signed in 2020 while the key was valid; it expired the next day
        message = _error(prov, NAME, _sha(PODINFO), old.public_keyring)
        assert "the signing key %s in %s expired on 2020-01-02" % (old.fingerprint.upper(),
                                                                   old.public_keyring) in message
        assert "key expired" in _helm_verify(tmp_path, prov, old.public_keyring)


def test_only_the_signed_text_is_trusted(signer):
    """A files list outside the signed part (before the armor) is not what the check uses."""
    prov = signer.provenance(PODINFO, signed_bytes=b"another archive")
    forged = ("files:\n  %s: sha256:%s\n\n" % (NAME, _sha(PODINFO))).encode("ascii") + prov
    assert "sha256 sum does not match" in _error(forged, NAME, _sha(PODINFO), signer.public_keyring)


def test_keyring_problems_are_named(signer, tmp_path):
    prov = signer.provenance(PODINFO)
    missing = str(tmp_path / "nope.gpg")
    assert "failed to load keyring %s: No such file or directory" % missing in _error(prov, NAME, "0", missing)
    text = tmp_path / "text.gpg"
    text.write_text("not a key\n")
    assert "it is not an OpenPGP keyring" in _error(prov, NAME, "0", str(text))
    empty = tmp_path / "empty.gpg"
    empty.write_bytes(b"")
    assert "holds no OpenPGP keys" in _error(prov, NAME, "0", str(empty))
    with open(signer.keybox, "rb") as fh:
        keybox = fh.read()
    truncated = tmp_path / "truncated.kbx"
    truncated.write_bytes(keybox[:40])
    assert "keybox blob at byte" in _error(prov, NAME, "0", str(truncated))


def test_keybox_blobs(signer, tmp_path):
    """The keybox reader takes OpenPGP blobs and skips ephemeral ones, as GnuPG does."""
    with open(signer.keybox, "rb") as fh:
        keybox = bytearray(fh.read())
    header_length = struct.unpack(">I", bytes(keybox[:4]))[0]
    assert keybox[header_length + 4] == 2  # the key's blob follows the header blob
    flags = struct.unpack(">H", bytes(keybox[header_length + 6:header_length + 8]))[0]
    keybox[header_length + 6:header_length + 8] = struct.pack(">H", flags | 2)
    ephemeral = tmp_path / "ephemeral.kbx"
    ephemeral.write_bytes(bytes(keybox))
    with pytest.raises(RepositoryError) as info:
        load_keyring(str(ephemeral))
    assert "holds no OpenPGP keys" in str(info.value)
    assert [c.fingerprint.upper() for c in load_keyring(signer.keybox)] == [signer.fingerprint.upper()]


def test_default_keyring_is_helms():
    assert default_keyring({"GNUPGHOME": "/g"}) == "/g/pubring.gpg"
    assert default_keyring({}) == os.path.join(os.path.expanduser("~"), ".gnupg", "pubring.gpg")


def test_without_pysequoia_verify_names_the_package(signer, monkeypatch):
    monkeypatch.setattr(provenance, "HAS_PYSEQUOIA", False)
    message = _error(signer.provenance(PODINFO), NAME, _sha(PODINFO), signer.public_keyring)
    assert "pysequoia" in message and "pip install pysequoia" in message and "verify: false" in message


def test_malformed_provenance_files():
    with pytest.raises(RepositoryError) as info:
        parse_provenance(b"just text", "x.prov")
    assert "x.prov is not a Helm provenance file" in str(info.value)
    body = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nname: x\n-----BEGIN PGP SIGNATURE-----\n\n" \
           b"-----END PGP SIGNATURE-----\n"
    with pytest.raises(RepositoryError) as info:
        parse_provenance(body, "x.prov")
    assert "no '...' line" in str(info.value)


# -- helm_pull ----------------------------------------------------------------------------------------------------

def _serve_prov(server, prov, name=NAME):
    path = os.path.join(server.directory, name + ".prov")
    if prov is None:
        if os.path.exists(path):
            os.remove(path)
        return
    with open(path, "wb") as fh:
        fh.write(prov)


def test_pull_verify_saves_archive_and_provenance(helm_home, signer, tmp_path):
    dest = str(tmp_path / "d")
    prov = signer.provenance(PODINFO)
    with ChartRepoServer(charts=[PODINFO]) as server:
        _serve_prov(server, prov)
        checked = pull_chart("podinfo", dest, repo_url=server.url, verify=True, keyring=signer.public_keyring,
                             check_mode=True)
        assert checked["changed"] and not os.path.exists(dest)
        pulled = pull_chart("podinfo", dest, repo_url=server.url, verify=True, keyring=signer.armored_keyring)
        again = pull_chart("podinfo", dest, repo_url=server.url, verify=True, keyring=signer.public_keyring)
        untarred = pull_chart("podinfo", str(tmp_path / "u"), repo_url=server.url, verify=True, untar=True,
                              keyring=signer.public_keyring)
    assert pulled["changed"] and pulled["provenance"]["signed_by"] == ["Chart Signer <signer@example.com>"]
    assert pulled["provenance"]["fingerprint"] == signer.fingerprint.upper()
    assert pulled["provenance"]["file_hash"] == "sha256:" + _sha(PODINFO) == "sha256:" + pulled["digest"]
    with open(os.path.join(dest, NAME + ".prov"), "rb") as fh:
        assert fh.read() == prov  # kept beside the archive, as helm pull --verify does
    assert sorted(os.listdir(dest)) == [NAME, NAME + ".prov"]
    assert again["changed"] is False and again["downloaded"] is False
    assert dict(again["provenance"], keyring="") == dict(pulled["provenance"], keyring="")
    assert untarred["changed"] and os.listdir(str(tmp_path / "u")) == ["podinfo"]


def test_pull_verify_failures_write_nothing(helm_home, signer, stranger, tmp_path):
    dest = tmp_path / "d"
    cases = [
        (signer.provenance(PODINFO), stranger.public_keyring, "which is not in the keyring"),
        (signer.provenance(PODINFO).replace(b"sha256:", b"sha256:0"), signer.public_keyring,
         "signature does not match the signed text"),
        (signer.provenance(PODINFO, signed_bytes=b"evil"), signer.public_keyring, "sha256 sum does not match"),
        (None, signer.public_keyring, "404"),
    ]
    with ChartRepoServer(charts=[PODINFO]) as server:
        for prov, keyring, expected in cases:
            _serve_prov(server, prov)
            for untar in (False, True):
                with pytest.raises(RepositoryError) as info:
                    pull_chart("podinfo", str(dest), repo_url=server.url, verify=True, keyring=keyring, untar=untar)
                message = str(info.value)
                assert expected in message and 'verifying chart "podinfo" 6.14.1 failed' in message, message
                assert "%s/%s.prov" % (server.url, NAME) in message
                assert not dest.exists()


def test_pull_verify_of_a_local_archive(signer, tmp_path):
    archive = str(tmp_path / NAME)
    shutil.copy(PODINFO, archive)
    with pytest.raises(RepositoryError) as info:
        pull_chart(archive, str(tmp_path / "d"), verify=True, keyring=signer.public_keyring)
    assert "could not load provenance file %s.prov" % archive in str(info.value)
    with open(archive + ".prov", "wb") as fh:
        fh.write(signer.provenance(PODINFO))
    result = pull_chart(archive, str(tmp_path / "d"), verify=True, keyring=signer.public_keyring)
    assert result["provenance"]["file_name"] == NAME and os.path.isfile(str(tmp_path / "d" / NAME))


def test_pull_verify_from_an_oci_registry(signer, tmp_path, monkeypatch):
    from tests.helpers.registry import REGISTRY_BIN, RegistryServer
    from ansible_collections.helmkit.core.plugins.module_utils.oci.api import push
    if REGISTRY_BIN is None:
        pytest.fail("the docker-registry binary (CNCF distribution) is not installed: run scripts/install-system-deps.sh")
    for var, sub in (("HOME", "home"), ("HELM_CONFIG_HOME", "helmconfig"), ("DOCKER_CONFIG", "docker")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.delenv("HELM_REGISTRY_CONFIG", raising=False)
    signed = str(tmp_path / NAME)
    shutil.copy(PODINFO, signed)
    with open(signed + ".prov", "wb") as fh:
        fh.write(signer.provenance(PODINFO))
    cache = str(tmp_path / "cache")
    with RegistryServer() as reg:
        push(signed, "oci://%s/charts" % reg.host, plain_http=True)
        push(REDIS, "oci://%s/charts" % reg.host, plain_http=True)
        helms = tmp_path / "helm"
        helms.mkdir()
        ref = "oci://%s/charts/podinfo" % reg.host
        pulled = pull_chart(ref, str(tmp_path / "ours"), version="6.14.1", plain_http=True, verify=True,
                            keyring=signer.public_keyring, repository_cache=cache)
        with pytest.raises(RepositoryError) as info:
            pull_chart("oci://%s/charts/redis" % reg.host, str(tmp_path / "r"), version="23.1.1", plain_http=True,
                       verify=True, keyring=signer.public_keyring, repository_cache=cache)
    assert pulled["provenance"]["file_name"] == NAME and pulled["provenance"]["fingerprint"] == signer.fingerprint
    assert sorted(os.listdir(str(tmp_path / "ours"))) == [NAME, NAME + ".prov"]
    assert "has no provenance layer" in str(info.value) and "charts/redis" in str(info.value)
    assert not (tmp_path / "r").exists()
