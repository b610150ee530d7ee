"""Helm provenance files (``<chart>.tgz.prov``): parsing and verification, like ``helm verify``.

Format (Helm ``pkg/provenance/sign.go``): an OpenPGP clear-signed message (RFC 4880 section 7) whose text is
the chart's Chart.yaml, a YAML document end marker ``...`` and a ``files:`` mapping of archive file name to
``sha256:<hex>``. Verification (``Signatory.Verify``, ``downloader.VerifyChart``) has two steps:

1. the clear-signed message must carry a valid signature by a key of the keyring (a binary keyring as
   ``gpg --export`` writes it, an ASCII-armored one as ``gpg --export --armor`` writes it, concatenated armored
   blocks, or a GnuPG keybox ``pubring.kbx``, the formats Helm's ``loadKeyRing`` reads);
2. the signed text's ``files`` entry for the archive's base name must be the archive's ``sha256:<hex>``.

The result names the signer (the user IDs of the certificate, ``helm verify``'s "Signed by"), the primary key's
fingerprint ("Using Key With Fingerprint") and the hash ("Chart Hash Verified"). Only the bytes the signature
covers are trusted: the ``files`` entry is read from the text OpenPGP verified, not from the file as a whole.

OpenPGP is done by pysequoia (Sequoia-PGP), imported only when a signature is checked, so helmkit.core works
without it unless ``verify`` is asked for.
"""
from __future__ import annotations

import datetime
import os
import struct
import sys
import warnings

try:
    import pysequoia
    from pysequoia.packet import PacketPile
    HAS_PYSEQUOIA = True
except ImportError:  # pragma: no cover - depends on the host; verify then fails naming the package
    pysequoia = PacketPile = None
    HAS_PYSEQUOIA = False

from ..errors import RepositoryError
from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..yaml import aliases
from ..yaml.safe import SafeLoader
from .config import describe_yaml_error

__all__ = ["Provenance", "Verification", "parse_provenance", "check_provenance", "verify_provenance",
           "load_keyring", "default_keyring", "HAS_PYSEQUOIA"]

_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"
_END = "-----END PGP SIGNATURE-----"


def _loader():
    return SafeLoader


def require_pysequoia():
    if not HAS_PYSEQUOIA:
        raise RepositoryError("verify: checking provenance signatures needs the Python package pysequoia "
                              "(Sequoia-PGP), which is not installed for %s on the host that runs the task; install "
                              "it (%s -m pip install pysequoia) or set verify: false" % (sys.executable, sys.executable))


def first_line(exc):
    """The cause of a pysequoia error without the Rust backtrace that RUST_BACKTRACE adds."""
    text = str(exc).strip()
    return text.split("\n", 1)[0].strip() or type(exc).__name__


class Provenance(object):
    """A parsed provenance file: ``metadata`` (Chart.yaml mapping), ``files`` (file name -> ``sha256:<hex>``),
    ``hash_algorithm`` (the armor's ``Hash:`` header, e.g. ``SHA512``) and ``signature`` (the ASCII-armored
    signature block, unverified)."""

    __slots__ = ("metadata", "files", "hash_algorithm", "signature")

    def __init__(self, metadata, files, hash_algorithm, signature):
        self.metadata, self.files, self.hash_algorithm, self.signature = metadata, files, hash_algorithm, signature


class Verification(object):
    """A verified provenance file (Helm's ``provenance.Verification``).

    ``signed_by``: user IDs of the signing certificate (list of str, e.g. ``"Jane <jane@example.com>"``);
    ``fingerprint``: the certificate's primary key fingerprint, upper-case hex as ``helm verify`` prints it;
    ``signing_key``: fingerprint of the (sub)key that made the signature; ``file_hash``: ``sha256:<hex>``;
    ``file_name``: the archive name the provenance file lists; ``keyring``: the keyring file used.
    """

    __slots__ = ("signed_by", "fingerprint", "signing_key", "file_hash", "file_name", "keyring")

    def __init__(self, signed_by, fingerprint, signing_key, file_hash, file_name, keyring):
        self.signed_by, self.fingerprint, self.signing_key = signed_by, fingerprint, signing_key
        self.file_hash, self.file_name, self.keyring = file_hash, file_name, keyring

    def as_dict(self):
        """``{signed_by, fingerprint, signing_key, file_hash, file_name, keyring, text}`` for module results."""
        return {"signed_by": list(self.signed_by), "fingerprint": self.fingerprint, "signing_key": self.signing_key,
                "file_hash": self.file_hash, "file_name": self.file_name, "keyring": self.keyring,
                "text": self.text()}

    def text(self):
        """What ``helm verify`` / ``helm pull --verify`` print: Signed by, Using Key With Fingerprint, Chart Hash
        Verified lines (pkg/cmd/verify.go)."""
        lines = ["Signed by: %s" % name for name in self.signed_by]
        lines.append("Using Key With Fingerprint: %s" % self.fingerprint)
        lines.append("Chart Hash Verified: %s" % self.file_hash)
        return "\n".join(lines) + "\n"


# -- parsing ------------------------------------------------------------------------------------------------------

def _clearsigned_parts(text, source):
    """``(headers dict, cleartext, signature block)`` of a clear-signed message; RepositoryError if malformed."""
    lines = text.replace("\r\n", "\n").split("\n")
    try:
        start = lines.index(_BEGIN)
        sig_at = lines.index(_SIGNATURE, start)
        end = lines.index(_END, sig_at)
    except ValueError:
        raise RepositoryError("%s is not a Helm provenance file: expected an OpenPGP clear-signed message (%s ... "
                              "%s ... %s)" % (source, _BEGIN, _SIGNATURE, _END))
    headers, at = {}, start + 1
    while at < sig_at and lines[at]:
        key, sep, value = lines[at].partition(":")
        headers[key.strip()] = value.strip() if sep else ""
        at += 1
    body = [line[2:] if line.startswith("- ") else line for line in lines[at + 1:sig_at]]
    return headers, "\n".join(body), "\n".join(lines[sig_at:end + 1])


def _message_block(cleartext, source):
    """``(Chart.yaml mapping, files mapping)`` of the signed text (Helm's ``ParseMessageBlock``)."""
    parts = cleartext.split("\n...\n")
    if len(parts) < 2:
        raise RepositoryError("%s: the signed message has no '...' line between Chart.yaml and the files list"
                              % source)
    loader = _loader()
    try:
        metadata = aliases.load(parts[0], loader) or {}
        sums = aliases.load(parts[1], loader) or {}
    except yaml.YAMLError as exc:
        raise RepositoryError("%s: the signed message is not valid YAML: %s" % (source, describe_yaml_error(exc)))
    files = sums.get("files") if isinstance(sums, dict) else None
    if not isinstance(metadata, dict) or not isinstance(files, dict):
        raise RepositoryError("%s: the signed message must hold Chart.yaml and a 'files' mapping" % source)
    return metadata, dict((str(k), str(v)) for k, v in files.items())


def parse_provenance(data, source="provenance file"):
    """Parse provenance bytes into a :class:`Provenance` (nothing is verified). Raises RepositoryError naming
    ``source``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RepositoryError("%s is not a Helm provenance file: not UTF-8 text" % source)
    headers, cleartext, signature = _clearsigned_parts(text, source)
    metadata, files = _message_block(cleartext, source)
    return Provenance(metadata, files, headers.get("Hash", ""), signature)


# -- keyrings -----------------------------------------------------------------------------------------------------

def default_keyring(env=None):
    """Helm's default keyring: ``$GNUPGHOME/pubring.gpg``, else ``~/.gnupg/pubring.gpg`` (pkg/cmd ``defaultKeyring``)."""
    env = os.environ if env is None else env
    if "GNUPGHOME" in env:
        return os.path.join(env["GNUPGHOME"], "pubring.gpg")
    return os.path.join(os.path.expanduser("~"), ".gnupg", "pubring.gpg")


def _keybox_keyblocks(data, path):
    """The OpenPGP keyblocks of a GnuPG keybox (``pubring.kbx``), concatenated.

    A keybox is a sequence of blobs: u32 length (big endian, header included), u8 type (1 header, 2 OpenPGP),
    u8 version, u16 flags; an OpenPGP blob then gives the keyblock's u32 offset and u32 length inside the blob
    (GnuPG kbx/keybox-blob.c). Ephemeral blobs (flag 2) are not part of the keyring, as in GnuPG.
    """
    out, at = [], 0
    while at < len(data):
        if len(data) - at < 5:
            raise RepositoryError("keyring %s: truncated keybox blob at byte %d" % (path, at))
        length, kind = struct.unpack(">IB", data[at:at + 5])
        if length < 5 or at + length > len(data):
            raise RepositoryError("keyring %s: keybox blob at byte %d has an invalid length %d" % (path, at, length))
        blob = data[at:at + length]
        if kind == 2:
            if length < 16:
                raise RepositoryError("keyring %s: keybox OpenPGP blob at byte %d is too short" % (path, at))
            flags, offset, size = struct.unpack(">HII", blob[6:16])
            if offset + size > length:
                raise RepositoryError("keyring %s: keybox blob at byte %d points outside itself" % (path, at))
            if not flags & 2:
                out.append(blob[offset:offset + size])
        at += length
    return b"".join(out)


def _is_keybox(data):
    return len(data) >= 12 and data[4:5] == b"\x01" and data[8:12] == b"KBXf"


def load_keyring(path):
    """The certificates (pysequoia ``Cert`` list) of the keyring file ``path``.

    Reads binary keyrings, ASCII-armored keyrings (several blocks may be concatenated) and GnuPG keyboxes; a
    secret keyring works too (only public parts are used). Raises RepositoryError when pysequoia is missing, the
    file cannot be read, or holds no OpenPGP certificate.
    """
    require_pysequoia()
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except (IOError, OSError) as exc:
        raise RepositoryError("failed to load keyring %s: %s. Give keyring: the path of a public keyring holding the "
                              "chart signer's key (for example from 'gpg --export SIGNER > keyring.gpg')"
                              % (path, exc.strerror or exc))
    if _is_keybox(data):
        data = _keybox_keyblocks(data, path)
    certs = []
    if data.strip():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # secret keys: pysequoia prefers Tsk, the public part is enough
                certs = pysequoia.Cert.split_bytes(data)
        except (RuntimeError, ValueError) as exc:
            raise RepositoryError("failed to load keyring %s: it is not an OpenPGP keyring (%s). Export one with "
                                  "'gpg --export SIGNER > keyring.gpg' (or --armor)" % (path, first_line(exc)))
    if not certs:
        raise RepositoryError("failed to load keyring %s: it holds no OpenPGP keys. Export the chart signer's key "
                              "with 'gpg --export SIGNER > keyring.gpg'" % path)
    return certs


def _key_ids(cert):
    """Fingerprints and 16-hex-digit key IDs (lower case) of the primary key and every subkey of ``cert``."""
    ids = set()
    for packet in PacketPile.from_bytes(bytes(cert)):
        fingerprint = packet.fingerprint
        if fingerprint:
            ids.add(fingerprint.lower())
            ids.add((packet.key_id or fingerprint[-16:]).lower())
    return ids


# -- verification -------------------------------------------------------------------------------------------------

def _issuer(signature_block):
    """The issuer fingerprint or key ID (lower-case hex) of an armored signature block, "" when unreadable."""
    try:
        sig = pysequoia.Sig.from_bytes(signature_block.encode("ascii", "replace"))
    except (RuntimeError, ValueError):
        return ""
    return (sig.issuer_fingerprint or sig.issuer_key_id or "").lower()


def _expired(cert, keyring, source):
    """RepositoryError when ``cert`` has expired by now (go-crypto, which Helm uses, refuses such keys even for
    signatures made while they were valid), else None."""
    expires = cert.expiration
    if expires is None or expires > datetime.datetime.now(expires.tzinfo):
        return None
    return RepositoryError("%s: the signing key %s in %s expired on %s; ask the chart's publisher for a signature "
                           "by a current key" % (source, cert.fingerprint.upper(), keyring, expires.isoformat()))


def _signature_failure(prov, certs, keyring, source, cause):
    """The RepositoryError for a clear-signed message that did not verify: unknown key, unusable key, or a
    signature that does not match the text."""
    issuer = _issuer(prov.signature)
    owner = None
    for cert in certs:
        if issuer and issuer in _key_ids(cert):
            owner = cert
            break
    if owner is None:
        return RepositoryError(
            "%s: the chart is signed by key %s, which is not in the keyring %s; import the signer's public key into "
            "that keyring (only if you trust it) or give keyring: the file that holds it"
            % (source, issuer.upper() or "(unknown: no issuer in the signature)", keyring))
    label = owner.fingerprint.upper()
    if owner.is_revoked:
        return RepositoryError("%s: the signing key %s in %s has been revoked; do not use this chart"
                               % (source, label, keyring))
    expired = _expired(owner, keyring, source)
    if expired is not None:
        return expired
    return RepositoryError("%s: the OpenPGP signature does not match the signed text (%s): the provenance file was "
                           "altered after signing; do not use this chart" % (source, cause))


def _verify_signature(data, prov, keyring, source):
    """``(signed text, signing certificate, signing key fingerprint)`` of the clear-signed ``data``."""
    certs = load_keyring(keyring)
    try:
        result = pysequoia.verify(bytes=data, store=lambda key_ids: certs)
    except (RuntimeError, ValueError) as exc:
        raise _signature_failure(prov, certs, keyring, source, first_line(exc))
    signatures = list(result.valid_sigs or [])
    if not signatures or result.bytes is None:
        raise _signature_failure(prov, certs, keyring, source, "no valid signature")
    signer = signatures[0]
    cert = next((c for c in certs if c.fingerprint.lower() == str(signer.certificate).lower()), None)
    expired = _expired(cert, keyring, source) if cert is not None else None
    if expired is not None:
        raise expired
    return result.bytes, cert, str(signer.signing_key)


def verify_provenance(data, file_name, sha256_hex, keyring=None, source="provenance file"):
    """Verify provenance bytes ``data`` for the archive ``file_name`` whose SHA-256 is ``sha256_hex`` (hex).

    ``keyring``: a keyring file (default :func:`default_keyring`). Returns a :class:`Verification`. Raises
    RepositoryError naming ``source``: pysequoia missing, keyring unreadable, malformed file, a signature by a key
    that is not in the keyring, a revoked or expired key, a signature that does not match (altered file), no SHA
    for ``file_name`` (Helm's "provenance does not contain a SHA for a file named ..."), or another SHA (Helm's
    "sha256 sum does not match for ...": the archive was altered).
    """
    require_pysequoia()
    keyring = keyring or default_keyring()
    prov = parse_provenance(data, source)
    signed, cert, signing_key = _verify_signature(data, prov, keyring, source)
    try:
        signed_text = signed.decode("utf-8")
    except UnicodeDecodeError:
        raise RepositoryError("%s: the signed text is not UTF-8" % source)
    files = _message_block(signed_text.replace("\r\n", "\n"), source)[1]
    listed = files.get(file_name)
    if listed is None:
        raise RepositoryError('%s: provenance does not contain a SHA for a file named "%s" (it lists: %s)'
                              % (source, file_name, ", ".join(sorted(files)) or "nothing"))
    computed = "sha256:" + sha256_hex.lower()
    if listed != computed:
        raise RepositoryError('%s: sha256 sum does not match for %s: "%s" != "%s"; the archive is not the one that '
                              "was signed, do not use it" % (source, file_name, listed, computed))
    names = [str(uid) for uid in cert.user_ids] if cert is not None else []
    fingerprint = (cert.fingerprint if cert is not None else signing_key).upper()
    return Verification(names, fingerprint, signing_key.upper(), computed, file_name, keyring)


def check_provenance(data, file_name, sha256_hex, keyring=None, source="provenance file"):
    """:func:`verify_provenance` returning the result as a dict (``Verification.as_dict``) for module results."""
    return verify_provenance(data, file_name, sha256_hex, keyring, source).as_dict()
