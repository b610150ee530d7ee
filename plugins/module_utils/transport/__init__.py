"""Helpers shared by the chart repository (repo/), OCI registry (oci/) and Kubernetes (kube/) clients: TLS set-up,
file digests, the ``Retry-After`` header, and the rules every client applies to what a server sends back:

* :func:`may_send_credentials`: the one policy deciding whether a request may carry an Authorization header
  (Basic, Bearer, identity token): only to the scheme, host and port the credentials belong to; to any other origin
  (reached by a redirect, a pagination ``Link``, an upload ``Location``, a chart URL in an index) only with Helm's
  ``pass_credentials`` for HTTP repositories;
* :func:`redact_url`: a URL safe to print (userinfo masked, a token given as the user name too);
* :class:`Deadline` and :func:`run_with_deadline`: one overall deadline per HTTP operation (connect, redirects,
  retries, headers and every read of the body), not per read, so a server trickling bytes cannot hold a task;
* :func:`read_capped`: a body read in chunks with a size cap applied while reading;
* :func:`env_limit` / :func:`limit_message`: the ``HELMKIT_MAX_*`` style limits of docs/limits.md.

Both clients speak HTTPS through httpx with Helm's TLS options (``--ca-file``, ``--cert-file``/``--key-file``,
``--insecure-skip-tls-verify``; helm.sh/helm/v4 pkg/getter and pkg/registry build the same ``tls.Config`` from
them via internal/tlsutil) and both verify downloaded archives by SHA-256. No Ansible imports.
"""
from __future__ import annotations

import hashlib
import os
import ssl
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from ..errors import HelmkitError

__all__ = ["ssl_context", "sha256_file", "parse_retry_after", "origin", "may_send_credentials", "redact_url",
           "Deadline", "run_with_deadline", "read_capped", "env_limit", "limit_message", "http_deadline",
           "DEFAULT_HTTP_DEADLINE", "max_index_bytes", "max_chart_bytes", "max_manifest_bytes", "url_secrets"]

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


# ---- credentials stay on their host ------------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url):
    """``(scheme, host, port)`` of ``url``: scheme and host lower-case, the default port made explicit (Go's
    ``url.URL`` compared as Helm's getter compares the request URL with the repository URL). A URL without a
    scheme or host gives empty parts, which match nothing real."""
    parts = urlsplit(url or "")
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: an origin of its own that matches nothing
        return scheme, (parts.hostname or "").lower(), -1
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme)


def may_send_credentials(credentials_url, target_url, pass_credentials=False):
    """True when a request to ``target_url`` may carry the credentials that belong to ``credentials_url`` (the
    chart repository URL or the registry's base URL): only to the same scheme, host and port. An https -> http
    downgrade, another port or another host gets no Authorization header, whether the URL came from a redirect,
    a tag-list ``Link``, a blob upload ``Location`` or an index. ``pass_credentials`` (Helm's
    ``--pass-credentials``, HTTP repositories only) allows every origin. Helm v4 pkg/getter/httpgetter.go sends
    Basic credentials only when scheme and host match the repository URL unless PassCredentialsAll is set."""
    if pass_credentials:
        return True
    wanted = origin(credentials_url)
    return bool(wanted[1]) and origin(target_url) == wanted


def redact_url(url):
    """``url`` safe to print: a password in the userinfo becomes ``***`` (``https://u:secret@h/`` ->
    ``https://u:***@h/``, as Go's ``URL.Redacted``) and so does a user name given without a password, which is how
    access tokens are put into URLs (``https://TOKEN@h/`` -> ``https://***@h/``). Other URLs are returned as is."""
    text = str(url)
    parts = urlsplit(text)
    if "@" not in parts.netloc:
        return text
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, has_password, _password = userinfo.partition(":")
    shown = "%s:***" % user if has_password else "***"
    return urlunsplit((parts.scheme, "%s@%s" % (shown, host), parts.path, parts.query, parts.fragment))


def url_secrets(value):
    """The credentials written into the userinfo of URLs in ``value`` (a str, or lists/dicts of them): a password
    of 4 characters or more, and a user name given without a password when it is long enough to be a token (8 or
    more; a short name such as ``admin`` is no secret). Ansible masks a no-log value wherever it occurs, so shorter
    strings would garble the output. For a module's ``no_log_values``: Ansible then masks them in the invocation,
    the result and every message."""
    found = set()
    if isinstance(value, dict):
        for item in value.values():
            found |= url_secrets(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= url_secrets(item)
    elif isinstance(value, str) and "://" in value and "@" in value:
        netloc = urlsplit(value.strip()).netloc
        if "@" in netloc:
            user, has_password, password = netloc.rsplit("@", 1)[0].partition(":")
            if has_password and len(password) >= 4:
                found.add(password)
            elif not has_password and len(user) >= 8:
                found.add(user)
    return found


# ---- limits ------------------------------------------------------------------------------------------------------

def env_limit(name, default):
    """The positive number in the environment variable ``name`` (int, or float for a deadline default), else
    ``default`` (also for an unset, empty, non-numeric or non-positive value), read at each call so that a task's
    ``environment:`` applies. The same rules as engine/limits.py's ``HELMKIT_MAX_*`` variables."""
    raw = os.environ.get(name, "")
    try:
        value = type(default)(raw) if raw.strip() else default
    except ValueError:
        return default
    return value if value > 0 else default


def limit_message(what, limit, env_name, unit="bytes"):
    """The tail every limit error shares: which limit was hit and how to raise it."""
    return ("%s is over helmkit's limit of %s %s; if it is genuine, raise the limit with the environment variable "
            "%s on the host that runs the module (see docs/limits.md)" % (what, _number(limit), unit, env_name))


def _number(value):
    return ("%d" % value) if float(value).is_integer() else ("%g" % value)


#: Largest repository index downloaded (HELMKIT_MAX_INDEX_BYTES); the largest real index of the test set is 4 MB.
DEFAULT_MAX_INDEX_BYTES = 128 * 1024 * 1024
#: Largest chart archive, chart layer or provenance file downloaded (HELMKIT_MAX_CHART_BYTES): the decompressed
#: size limit of a whole chart, which no real archive's compressed size comes near.
DEFAULT_MAX_CHART_BYTES = 100 * 1024 * 1024


#: Largest OCI manifest, config blob, tag-list page or token answer read (HELMKIT_MAX_MANIFEST_BYTES); distribution
#: refuses manifests over 4 MiB too.
DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024


def max_manifest_bytes():
    """Largest registry JSON document read: manifest, config blob, tag-list page, token answer
    (``HELMKIT_MAX_MANIFEST_BYTES`` or 4 MiB)."""
    return env_limit("HELMKIT_MAX_MANIFEST_BYTES", DEFAULT_MAX_MANIFEST_BYTES)


def max_index_bytes():
    """Largest repository index downloaded, in bytes (``HELMKIT_MAX_INDEX_BYTES`` or 128 MiB)."""
    return env_limit("HELMKIT_MAX_INDEX_BYTES", DEFAULT_MAX_INDEX_BYTES)


def max_chart_bytes():
    """Largest chart archive, OCI chart layer or provenance file downloaded (``HELMKIT_MAX_CHART_BYTES`` or
    100 MiB)."""
    return env_limit("HELMKIT_MAX_CHART_BYTES", DEFAULT_MAX_CHART_BYTES)


#: Overall seconds for one HTTP operation (HELMKIT_HTTP_DEADLINE): connect, redirects, retries and the whole body.
DEFAULT_HTTP_DEADLINE = 300.0


def http_deadline():
    """Seconds one HTTP operation may take in all (``HELMKIT_HTTP_DEADLINE`` or 300)."""
    return env_limit("HELMKIT_HTTP_DEADLINE", DEFAULT_HTTP_DEADLINE)


# ---- deadlines and capped reads ----------------------------------------------------------------------------------

class Deadline(object):
    """The end of one HTTP operation: ``seconds`` from now (default :func:`http_deadline`). ``remaining()`` is
    the seconds left (at least 0), ``expired`` tells whether it passed; :func:`read_capped` stops reading then.
    ``cancel()`` ends it at once (the caller gave up)."""

    def __init__(self, seconds=None):
        self.seconds = http_deadline() if seconds is None else float(seconds)
        self._end = time.monotonic() + self.seconds
        self._cancelled = False

    def remaining(self):
        return 0.0 if self._cancelled else max(0.0, self._end - time.monotonic())

    @property
    def expired(self):
        return self.remaining() <= 0.0

    def cancel(self):
        self._cancelled = True


class DeadlineExpired(Exception):
    """Raised inside an operation whose :class:`Deadline` passed; :func:`run_with_deadline` reports it."""


def run_with_deadline(func, deadline, expired_error):
    """``func()`` with an overall ``deadline`` (a :class:`Deadline`): it runs in a worker thread and the caller
    waits at most ``deadline.remaining()`` seconds, so no read, however slowly a server trickles bytes, keeps the
    caller longer. Returns ``func``'s result or raises its exception; when time is up, cancels the deadline (the
    worker's next :func:`read_capped` chunk stops it; its socket read ends with its own read timeout) and raises
    ``expired_error()`` (a HelmkitError naming the host and the limit)."""
    box = {}
    done = threading.Event()

    def work():
        try:
            box["value"] = func()
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the caller as is
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="helmkit-http", daemon=True)
    worker.start()
    if not done.wait(deadline.remaining()) and not done.is_set():
        deadline.cancel()
        raise expired_error()
    if isinstance(box.get("error"), DeadlineExpired):
        raise expired_error()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def read_capped(chunks, limit, too_big, deadline=None):
    """The bytes of the iterable ``chunks`` (a streamed body), read while counting: once more than ``limit`` bytes
    arrived, stop and raise ``too_big(size)`` (an error naming the limit), so a body that never ends is never
    buffered past the limit. With ``deadline``, raises :class:`DeadlineExpired` between chunks once it passed."""
    buffer = bytearray()
    for chunk in chunks:
        if deadline is not None and deadline.expired:
            raise DeadlineExpired()
        buffer += chunk
        if len(buffer) > limit:
            raise too_big(len(buffer))
    return bytes(buffer)
