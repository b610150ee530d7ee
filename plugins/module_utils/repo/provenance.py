"""Helm provenance files (``<chart>.tgz.prov``): parsing and the archive SHA-256 check.

Format (Helm ``pkg/provenance/sign.go``): an OpenPGP clear-signed message (RFC 4880 section 7) whose text is
the chart's Chart.yaml, a YAML document end marker ``...`` and a ``files:`` mapping of archive file name to
``sha256:<hex>``. ``helm verify`` checks the signature against a keyring and then that the archive's SHA-256 is
the one listed for its file name.

helmkit.core parses the message (dash-escaping undone) and performs the SHA-256 check, but does NOT verify the
OpenPGP signature: no well-kept OpenPGP library is among its runtime dependencies. :func:`check_provenance`
therefore fails closed after the SHA-256 check with a message saying so, so that ``verify: true`` never passes
with an unverified signature.
"""
from __future__ import annotations

import yaml

from ..errors import RepositoryError
from .config import describe_yaml_error

__all__ = ["Provenance", "parse_provenance", "check_provenance"]

_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"
_END = "-----END PGP SIGNATURE-----"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Provenance(object):
    """A parsed provenance file: ``metadata`` (Chart.yaml mapping), ``files`` (file name -> ``sha256:<hex>``),
    ``hash_algorithm`` (the armor's ``Hash:`` header, e.g. ``SHA512``) and ``signature`` (the ASCII-armored
    signature block, unverified)."""

    __slots__ = ("metadata", "files", "hash_algorithm", "signature")

    def __init__(self, metadata, files, hash_algorithm, signature):
        self.metadata, self.files, self.hash_algorithm, self.signature = metadata, files, hash_algorithm, signature


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
        key, _sep, value = lines[at].partition(":")
        headers[key.strip()] = value.strip()
        at += 1
    body = [line[2:] if line.startswith("- ") else line for line in lines[at + 1:sig_at]]
    return headers, "\n".join(body), "\n".join(lines[sig_at:end + 1])


def parse_provenance(data, source="provenance file"):
    """Parse provenance bytes into a :class:`Provenance`. Raises RepositoryError naming ``source``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RepositoryError("%s is not a Helm provenance file: not UTF-8 text" % source)
    headers, cleartext, signature = _clearsigned_parts(text, source)
    chart_part, sep, sums_part = cleartext.partition("\n...\n")
    if not sep:
        raise RepositoryError("%s: the signed message has no '...' line between Chart.yaml and the files list"
                              % source)
    try:
        metadata = yaml.load(chart_part, Loader=_LOADER) or {}
        sums = yaml.load(sums_part, Loader=_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RepositoryError("%s: the signed message is not valid YAML: %s" % (source, describe_yaml_error(exc)))
    files = sums.get("files") if isinstance(sums, dict) else None
    if not isinstance(metadata, dict) or not isinstance(files, dict):
        raise RepositoryError("%s: the signed message must hold Chart.yaml and a 'files' mapping" % source)
    return Provenance(metadata, dict((str(k), str(v)) for k, v in files.items()), headers.get("Hash", ""),
                      signature)


def check_provenance(data, file_name, sha256_hex, keyring=None, source="provenance file"):
    """Check provenance bytes ``data`` for the archive ``file_name`` whose SHA-256 is ``sha256_hex``.

    Raises RepositoryError: when the file is malformed, lists no SHA for ``file_name`` (Helm's "provenance does not
    contain a SHA for a file named ..."), or lists another SHA (the archive was altered); and, when the SHA matches,
    because the OpenPGP signature cannot be verified by helmkit.core (see the module docstring). ``keyring`` is
    only named in that message. Never returns normally while signature verification is unsupported.
    """
    prov = parse_provenance(data, source)
    listed = prov.files.get(file_name)
    if listed is None:
        raise RepositoryError('%s: provenance does not contain a SHA for a file named "%s" (it lists: %s)'
                              % (source, file_name, ", ".join(sorted(prov.files)) or "nothing"))
    if listed.lower() != "sha256:" + sha256_hex.lower():
        raise RepositoryError('%s: sha256 sum does not match for %s: "%s" != "sha256:%s"; the archive is not the '
                              "one that was signed, do not use it" % (source, file_name, listed, sha256_hex))
    raise RepositoryError(
        "%s: the archive's SHA-256 matches the provenance file, but the OpenPGP signature was NOT verified: "
        "helmkit.core has no OpenPGP implementation among its runtime dependencies%s. Verify with 'helm verify' "
        "or gpg, then set verify: false" % (source, " (keyring %s not used)" % keyring if keyring else ""))
