"""Throw-away OpenPGP keys and Helm provenance files made with Debian's gpg, for tests (never shipped).

    with GpgSigner("Chart Signer <signer@example.com>") as signer:
        signer.public_keyring        # binary keyring (gpg --export)
        signer.armored_keyring       # ASCII-armored keyring (gpg --export --armor)
        signer.keybox                # GnuPG's own pubring.kbx
        signer.secret_keyring        # gpg --export-secret-keys (for helm_python.sign)
        prov = signer.provenance(archive_path)          # bytes of <archive>.prov, Helm's layout, clear-signed

The provenance text is laid out as Helm's ``messageBlock`` writes it (pkg/provenance/sign.go): the chart's
Chart.yaml as YAML, a line ``...``, then ``files:`` mapping the archive's base name to ``sha256:<hex>``; it is
clear-signed with ``gpg --clearsign --digest-algo SHA512`` (Helm signs with SHA-512). The key is RSA 2048 without
passphrase (``%no-protection``), created with ``gpg --batch --gen-key`` in a temporary GNUPGHOME. ``faked_time``
and ``expire`` make keys that have expired by now; :meth:`GpgSigner.revoked_keyring` revokes the key.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile

import yaml

__all__ = ["GpgSigner", "GPG", "message_block"]

GPG = shutil.which("gpg")


def message_block(archive_bytes, file_name, chart_yaml=None):
    """Helm's signed text for an archive: Chart.yaml, ``...``, ``files: {file_name: sha256:<hex>}``."""
    if chart_yaml is None:
        with tarfile.open(fileobj=io.BytesIO(archive_bytes), mode="r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.count("/") == 1 and m.name.endswith("/Chart.yaml"))
            chart_yaml = yaml.safe_load(tar.extractfile(member).read())
    metadata = yaml.safe_dump(chart_yaml, default_flow_style=False, sort_keys=True)
    sums = yaml.safe_dump({"files": {file_name: "sha256:" + hashlib.sha256(archive_bytes).hexdigest()}},
                          default_flow_style=False)
    return metadata + "\n...\n" + sums


class GpgSigner(object):
    """An RSA signing key in its own temporary GNUPGHOME; see the module docstring."""

    def __init__(self, user_id="Helmkit Test Signer <signer@example.com>", faked_time=None, expire="0"):
        if GPG is None:
            raise RuntimeError("gpg is needed to make test signing keys: run scripts/install-system-deps.sh")
        self.user_id = user_id
        self.faked_time = faked_time  # gpg --faked-system-time for every call, e.g. "20200101T000000"
        self.home = tempfile.mkdtemp(prefix="helmkit-gnupg-")
        os.chmod(self.home, 0o700)
        self.env = dict(os.environ, GNUPGHOME=self.home)
        name, _sep, email = user_id.partition(" <")
        params = ("%%no-protection\nKey-Type: RSA\nKey-Length: 2048\nKey-Usage: sign\nName-Real: %s\n"
                  "Name-Email: %s\nExpire-Date: %s\n%%commit\n" % (name, email.rstrip(">"), expire))
        self._gpg(["--gen-key"], params.encode("ascii"))
        listing = self._gpg(["--with-colons", "--fingerprint", "--list-keys"]).decode("ascii")
        self.fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
        self.public_keyring = self._write("public.gpg", self._gpg(["--export"]))
        self.armored_keyring = self._write("public.asc", self._gpg(["--export", "--armor"]))
        self.secret_keyring = self._write("secret.gpg", self._gpg(["--export-secret-keys"]))
        self.keybox = os.path.join(self.home, "pubring.kbx")

    def _gpg(self, args, data=None):
        fake = ["--faked-system-time", self.faked_time] if self.faked_time else []
        proc = subprocess.run([GPG, "--batch", "--yes", "--quiet"] + fake + args, input=data, env=self.env,
                              capture_output=True, check=False, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError("gpg %s failed: %s" % (" ".join(args), proc.stderr.decode("utf-8", "replace")))
        return proc.stdout

    def _write(self, name, data):
        path = os.path.join(self.home, name)
        with open(path, "wb") as fh:
            fh.write(data)
        return path

    def clearsign(self, text):
        """``gpg --clearsign --digest-algo SHA512`` of ``text`` (str) -> bytes."""
        return self._gpg(["--clearsign", "--digest-algo", "SHA512", "--local-user", self.fingerprint],
                         text.encode("utf-8"))

    def provenance(self, archive_path, file_name=None, signed_bytes=None):
        """The provenance bytes for ``archive_path``, listing it as ``file_name`` (default its base name).
        ``signed_bytes``: hash these bytes instead of the archive (a valid signature over another archive)."""
        with open(archive_path, "rb") as fh:
            data = fh.read()
        chart_yaml = None
        if signed_bytes is not None:
            chart_yaml = yaml.safe_load(message_block(data, "x").split("\n...\n")[0])
            data = signed_bytes
        return self.clearsign(message_block(data, file_name or os.path.basename(archive_path), chart_yaml))

    def revoked_keyring(self):
        """Import the revocation certificate gpg made with the key; return a binary keyring of the revoked key."""
        with open(os.path.join(self.home, "openpgp-revocs.d", self.fingerprint + ".rev"), "rb") as fh:
            text = fh.read().replace(b"\n:-----BEGIN", b"\n-----BEGIN")  # gpg guards the block with a ':'
        self._gpg(["--import"], text)
        return self._write("revoked.gpg", self._gpg(["--export"]))

    def close(self):
        gpgconf = shutil.which("gpgconf")
        if gpgconf:  # stop the gpg-agent gpg started for this home
            subprocess.run([gpgconf, "--kill", "gpg-agent"], env=self.env, capture_output=True, check=False)
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
