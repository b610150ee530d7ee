"""Signing chart archives: Helm provenance files (``<chart>.tgz.prov``), like ``helm package --sign``.

Helm (pkg/provenance/sign.go ``Signatory.ClearSign``) clear-signs a message block: the chart's Chart.yaml as
sigs.k8s.io/yaml marshals ``chart.Metadata``, the YAML document end marker ``...`` and ``files:`` mapping the
archive's base name to ``sha256:<hex>``. The key is chosen from a secret keyring by ``key``: an identity equal to it,
else the only identity containing it (``NewFromKeyring``); a protected key is unlocked with the first line of
``passphrase_file``. OpenPGP is pysequoia's (Sequoia-PGP): no gpg binary is needed. Verification lives in
:mod:`.provenance`.
"""
from __future__ import annotations

import hashlib
import warnings

from ..engine.helmfuncs import to_yaml
from ..errors import RepositoryError
from .provenance import first_line, require_pysequoia, pysequoia

__all__ = ["message_block", "select_key", "sign_archive"]


def message_block(archive: bytes, file_name: str, metadata: dict) -> str:
    """Helm's signed text for ``archive`` named ``file_name`` whose Chart.yaml metadata is ``metadata``
    (JSON field names, empty fields omitted, as chart/metadata.py keeps it)."""
    sums = to_yaml({"files": {file_name: "sha256:" + hashlib.sha256(archive).hexdigest()}})
    return to_yaml(metadata) + "\n" + "\n...\n" + sums + "\n"


def _read(path: str, what: str, option: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise RepositoryError("cannot read the %s %s (%s): %s; give %s the path of a readable file"
                              % (what, path, option, exc.strerror or exc, option)) from None


def select_key(keyring: str, key: str):
    """The certificate with secret key material of ``keyring`` whose identity is ``key`` or uniquely contains it.

    Raises RepositoryError (unreadable keyring, no secret keys, no or several matching keys).
    """
    require_pysequoia()
    data = _read(keyring, "keyring", "keyring")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            certs = pysequoia.Cert.split_bytes(data) if data.strip() else []
    except (RuntimeError, ValueError) as exc:
        raise RepositoryError("failed to load keyring %s: it is not an OpenPGP keyring (%s); export a secret "
                              "keyring with 'gpg --export-secret-keys SIGNER > secring.gpg'"
                              % (keyring, first_line(exc))) from None
    candidates, exact = [], None
    for cert in certs:
        for uid in (str(u) for u in cert.user_ids):
            if uid == key:
                exact = exact or cert
            elif key in uid and cert not in candidates:
                candidates.append(cert)
    if exact is None and len(candidates) > 1:
        raise RepositoryError("more than one key in %s contains the id %r; give key: a longer part of one identity"
                              % (keyring, key))
    chosen = exact or (candidates[0] if candidates else None)
    if chosen is None:
        raise RepositoryError("private key %r not found in keyring %s; give key: the name or e-mail of a key the "
                              "keyring holds" % (key, keyring))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pysequoia deprecates reading secret keys through Cert; the API works
        has_secret = chosen.has_secret_keys
    if not has_secret:
        raise RepositoryError("key %r in %s has no secret key material; give keyring: a secret keyring (gpg "
                              "--export-secret-keys)" % (key, keyring))
    return chosen


def _passphrase(passphrase_file):
    if not passphrase_file:
        return None
    text = _read(passphrase_file, "passphrase file", "passphrase_file").decode("utf-8", "replace")
    return text.split("\n", 1)[0].rstrip("\r")


def sign_archive(archive: bytes, file_name: str, metadata: dict, key: str, keyring: str, passphrase_file=None) -> bytes:
    """The provenance file (bytes) for ``archive``, clear-signed with SHA-512 by ``key`` of ``keyring``.

    Raises RepositoryError: pysequoia missing, unreadable keyring or passphrase file, key not found, wrong or missing
    passphrase. Never includes the passphrase in a message.
    """
    cert = select_key(keyring, key)
    passphrase = _passphrase(passphrase_file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signer = cert.secrets.signer(passphrase) if passphrase is not None else cert.secrets.signer()
    except Exception as exc:  # pysequoia raises plain exceptions for locked keys and bad passphrases
        hint = ("the passphrase in %s does not unlock it" % passphrase_file if passphrase_file else
                "it is protected by a passphrase; give passphrase_file")
        raise RepositoryError("cannot use the key %r of %s for signing: %s (%s)"
                              % (key, keyring, hint, first_line(exc))) from None
    text = message_block(archive, file_name, metadata).encode("utf-8")
    try:
        return bytes(pysequoia.sign(signer, text, mode=pysequoia.SignatureMode.CLEAR))
    except Exception as exc:
        raise RepositoryError("signing %s with key %r failed: %s" % (file_name, key, first_line(exc))) from None
