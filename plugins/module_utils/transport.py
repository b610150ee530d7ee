"""Helpers shared by the chart repository (repo/), OCI registry (oci/) and Kubernetes (kube/) clients: TLS set-up,
file digests and the ``Retry-After`` header.

Both clients speak HTTPS through httpx with Helm's TLS options (``--ca-file``, ``--cert-file``/``--key-file``,
``--insecure-skip-tls-verify``; helm.sh/helm/v4 pkg/getter and pkg/registry build the same ``tls.Config`` from
them via internal/tlsutil) and both verify downloaded archives by SHA-256. No Ansible imports.
"""
from __future__ import annotations

import hashlib
import ssl

from .errors import HelmkitError

__all__ = ["ssl_context", "sha256_file", "parse_retry_after"]

_BLOCK = 1 << 20


def ssl_context(ca_file, cert_file, key_file, insecure, error=HelmkitError):
    """An ``ssl.SSLContext`` for httpx's ``verify=`` from Helm's TLS options.

    ``ca_file``: PEM CA bundle path or None/"" for the system store. ``cert_file``/``key_file``: client certificate
    and key paths (key may be in the certificate file). ``insecure``: skip certificate and host name checks.
    Raises ``error`` (a HelmkitError subclass, e.g. RepositoryError or RegistryError) naming the file that could
    not be loaded and what to give instead.
    """
    if insecure:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        try:
            ctx = ssl.create_default_context(cafile=ca_file or None)
        except (OSError, ssl.SSLError) as exc:
            raise error("cannot load ca_file %s: %s; give a PEM file of CA certificates"
                        % (ca_file, getattr(exc, "strerror", None) or exc))
    if cert_file:
        try:
            ctx.load_cert_chain(cert_file, key_file or None)
        except (OSError, ssl.SSLError) as exc:
            raise error("cannot load client certificate %s / key %s: %s; give PEM files"
                        % (cert_file, key_file, getattr(exc, "strerror", None) or exc))
    return ctx


def sha256_file(path):
    """Lower-case hex SHA-256 of the file at ``path``, read in 1 MiB blocks. Raises OSError if unreadable."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_retry_after(value):
    """Seconds from a ``Retry-After`` header (str or None): a number of seconds, as registries, chart repositories
    and the apiserver send it, at least 0. None when absent or not a number (HTTP dates are not used); the caller then
    falls back to its own back-off. RFC 9110 section 10.2.3."""
    if value is None:
        return None
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return None
    return max(0.0, seconds)
