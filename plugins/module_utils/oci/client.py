"""The OCI distribution API client of helmkit.core, carried by oras-py (``oras.provider.Registry``).

Implements the requests Helm's registry client makes (OCI distribution spec v1.1; auth as in distribution's
``docs/spec/auth/token.md`` and oras-go ``registry/remote/auth``). Every request goes through
:class:`~.orasio.HelmkitRegistry` (oras's ``do_request``: its requests session and its challenge handling with our
auth backend, :class:`~.orasio.HelmkitAuth`):

* a request without credentials (or with the Basic header / the cached token of its scope); on ``401`` the
  ``WWW-Authenticate`` challenge decides the flow: ``Basic`` -> the request again with Basic credentials;
  ``Bearer realm=..,service=..,scope=..`` -> a token from the realm (GET with Basic credentials, POST
  ``grant_type=refresh_token`` for an identity token, an access token as is, or anonymous) and the request again.
* tokens are cached per (realm, service, scope) for the life of the client (one module run).
* manifests and blobs are sent as the exact bytes given (``data=``), so digests stay Helm's; fetched manifests
  keep their raw bytes for digest verification.
* lost connections, timeouts, HTTP 429 and 5xx are retried (:data:`RETRY`: :data:`ATTEMPTS` tries, pauses
  doubled, or the registry's ``Retry-After``) by this client, not by oras's sleeping decorator.
* nothing reaches stdout: oras's log lines and prints are collected in :attr:`RegistryClient.messages`, secrets
  masked, and reported to a module's warnings or debug output (see ``report.py``).
* what a registry sends back is bounded (docs/limits.md): a URL it names (a tag-list ``Link``, an upload
  ``Location``, a redirect) on another scheme, host or port is requested without any Authorization header
  (``transport.may_send_credentials``); each API call has one overall deadline (``HELMKIT_HTTP_DEADLINE``); bodies
  are streamed under a cap (``HELMKIT_MAX_MANIFEST_BYTES`` for manifests, configs and tag pages,
  ``HELMKIT_MAX_CHART_BYTES`` for blobs); tag-list pagination stops on a loop or after ``HELMKIT_MAX_TAG_PAGES``
  pages; a manifest or config that is JSON but not an object is refused.

Errors are :class:`RegistryError` naming the registry, the request, the credential source and, after retries, the
number of attempts; never the secret.
"""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urljoin, urlsplit

from ..errors import RegistryError
from ..transport import (Deadline, env_limit, limit_message, max_chart_bytes, max_manifest_bytes,
                         may_send_credentials, read_capped, redact_url, run_with_deadline,
                         ssl_context)
from ..transport.retry import RETRY_STATUSES, RetryPolicy
from .credentials import Credential
from .orasio import (HelmkitAuth, HelmkitRegistry, Capture, basic_value, captured, parse_challenge,  # noqa: F401
                     release_stdout, require_oras, tls_verify)

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - depends on the host; require_oras() explains
    HAS_REQUESTS = False

__all__ = ["RegistryClient", "OCI_MANIFEST", "DOCKER_MANIFEST", "OCI_INDEX", "MANIFEST_ACCEPT",
           "sha256_digest", "parse_challenge", "ATTEMPTS", "Answer", "check_manifest"]

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_ACCEPT = ", ".join((OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST))
DEFAULT_TIMEOUT = 60.0
#: Tries per request (the first and three retries) for lost connections, timeouts, 429 and 5xx answers.
ATTEMPTS = 4
#: Pauses between tries (transport/retry.py): 0.5 s doubled on each retry, a registry's Retry-After up to 10 s.
#: Tests lower ``RETRY.base``.
RETRY = RetryPolicy(attempts=ATTEMPTS, base=0.5, max_retry_after=10.0)
#: Most tag-list pages followed (HELMKIT_MAX_TAG_PAGES); a registry sends up to 1000 tags a page or more.
DEFAULT_MAX_TAG_PAGES = 1000
_CHUNK = 64 * 1024
_TLS_MARKERS = ("CERTIFICATE_VERIFY_FAILED", "WRONG_VERSION_NUMBER", "wrong version number", "record layer failure",
                "BAD_CERTIFICATE", "CERTIFICATE_REQUIRED", "certificate required", "SSLError")


def sha256_digest(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


class RegistryClient(object):
    """Talks to one registry ``host`` (``host[:port]``) through oras-py.

    ``credential``: a :class:`Credential` (default anonymous). ``plain_http``: use http://. TLS: ``ca_file``,
    ``cert_file``/``key_file`` (client certificate), ``insecure_skip_tls_verify``. ``timeout``: seconds per
    request. ``messages``: the ``(level, text)`` log lines of oras and of the retries, secrets masked. Use as a
    context manager or call ``close()``. Raises RegistryError when oras/requests are not installed or a TLS file
    cannot be loaded.
    """

    def __init__(self, host, credential=None, plain_http=False, insecure_skip_tls_verify=False, ca_file=None,
                 cert_file=None, key_file=None, timeout=DEFAULT_TIMEOUT):
        require_oras()
        self.host = host
        self.credential = credential or Credential()
        self.plain_http = plain_http
        self.base = "%s://%s" % ("http" if plain_http else "https", host)
        if not plain_http:  # load the files once for a clear message naming the one that is wrong
            ssl_context(ca_file, cert_file, key_file, insecure_skip_tls_verify, RegistryError)
        cert = (cert_file, key_file) if cert_file and key_file else (cert_file or None)
        self._auth = HelmkitAuth(host, self.credential)
        self._capture = Capture(self._secrets)
        self._registry = HelmkitRegistry(host, self._auth, plain_http, tls_verify(ca_file, insecure_skip_tls_verify),
                                         cert, timeout)

    @property
    def messages(self):
        """Log lines collected so far: list of ``(level, text)``; secrets are masked."""
        return self._capture.messages

    def _secrets(self):
        cred = self.credential
        found = [cred.password, cred.refresh_token, cred.access_token] + self._auth.tokens()
        if cred.username or cred.password:
            found.append(basic_value(cred.username, cred.password))
        return [s for s in found if s]

    def close(self):
        self._registry.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- transport --------------------------------------------------------------------------------------------
    def _send(self, method, url, scope, headers, data, deadline):
        """``(requests.Response, attempts)`` of one request, retried on lost connections, timeouts, 429 and 5xx.
        A request to the registry's own origin goes through oras (with authentication); any other origin gets a
        plain request without credentials. The response is streamed (its body not read). Raises RegistryError for
        transport failures."""
        attempt = 1
        while True:
            try:
                resp = self._send_once(method, url, scope, headers, data)
            except requests.exceptions.RequestException as exc:
                error = self._transport_error(exc, method, url, attempt)
                if error is None and attempt < RETRY.attempts:
                    self._pause(method, url, "%s" % type(exc).__name__,
                                min(RETRY.backoff(attempt), deadline.remaining()), attempt)
                    attempt += 1
                    continue
                raise error or self._transport_error(exc, method, url, attempt, final=True)
            if resp.status_code in RETRY_STATUSES and attempt < RETRY.attempts:
                resp.close()
                self._pause(method, url, "HTTP %d" % resp.status_code,
                            min(RETRY.backoff(attempt, resp.headers.get("Retry-After")), deadline.remaining()),
                            attempt)
                attempt += 1
                continue
            return resp, attempt

    def _send_once(self, method, url, scope, headers, data):
        if may_send_credentials(self.base, url):
            with captured(self._capture):
                self._auth.scope = scope
                return self._registry.do_request(url, method, data=data, headers=dict(headers or {}), stream=True)
        # another scheme, host or port (an object store behind a Location, a Link elsewhere): no credentials
        return self._registry.session.request(method, url, data=data, headers=dict(headers or {}), stream=True,
                                              verify=self._registry._tls_verify)  # pylint: disable=protected-access

    def _pause(self, method, url, reason, delay, attempt):
        self._capture.add("debug", "registry %s: %s %s failed (%s, attempt %d of %d); retrying in %.2fs"
                          % (self.host, method, url, reason, attempt, RETRY.attempts, delay))
        RETRY.sleep(delay)

    def _transport_error(self, exc, method, url, attempt, final=False):
        """The RegistryError for ``exc``; None when it may be retried (unless ``final``)."""
        text = str(exc)
        if not self.plain_http and ("WRONG_VERSION_NUMBER" in text or "wrong version number" in text
                                    or "record layer failure" in text):
            return RegistryError("registry %s does not speak HTTPS (TLS handshake failed: %s); set plain_http: "
                                 "true for a plain-HTTP registry" % (self.host, text))
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return RegistryError("registry %s: TLS certificate verification failed (%s); set ca_file to the "
                                 "registry's CA, or insecure_skip_tls_verify: true" % (self.host, text))
        if "BAD_CERTIFICATE" in text or "CERTIFICATE_REQUIRED" in text or "certificate required" in text:
            return RegistryError("registry %s rejected the TLS client certificate (%s); set cert_file and "
                                 "key_file to a certificate it trusts" % (self.host, text))
        retryable = isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                                     requests.exceptions.ChunkedEncodingError))
        if retryable and not isinstance(exc, requests.exceptions.SSLError) and not final:
            return None
        tries = " (gave up after %d attempts)" % attempt if attempt > 1 else ""
        if isinstance(exc, requests.exceptions.Timeout):
            return RegistryError("registry %s did not answer %s %s in time%s" % (self.host, method, url, tries))
        if isinstance(exc, requests.exceptions.ConnectionError):
            return RegistryError("cannot reach registry %s: %s%s" % (self.host, text, tries))
        return RegistryError("request to registry %s failed: %s%s%s" % (
            self.host, text, tries, "; the registry may require HTTPS (unset plain_http)" if self.plain_http else ""))

    def request(self, method, path, scope="", headers=None, expect=(200,), what=None, data=None, content=None,
                limit=None):
        """Send ``method`` to ``<base><path>`` (or to ``path`` when it is an absolute URL) and return an
        :class:`Answer` (``status_code``, ``headers``, ``content``, ``json()``, ``url``).

        ``scope``: the token scope (``repository:charts/x:pull``). ``data`` (or ``content``): the body, bytes sent
        as is. ``limit``: ``(bytes, environment variable)`` capping the answer's body (default the manifest cap).
        Credentials go only to the registry's own scheme, host and port. The whole call (retries, token requests,
        the body) has one deadline, ``HELMKIT_HTTP_DEADLINE``. Statuses outside ``expect`` raise RegistryError
        (401/403 naming the credential source; others with the registry's error text and, after retries, the
        attempts); with ``what`` set, 404 is returned. A limit hit raises RegistryError naming it.
        """
        url = path if path.startswith(("http://", "https://")) else self.base + path
        cap, env_name = limit or (max_manifest_bytes(), "HELMKIT_MAX_MANIFEST_BYTES")
        deadline = Deadline()

        def operation():
            resp, attempts = self._send(method, url, scope, headers, content if data is None else data, deadline)
            try:
                body = b"" if method == "HEAD" else read_capped(
                    resp.iter_content(_CHUNK), cap, lambda size: self._too_big(method, url, size, cap, env_name),
                    deadline)
            except requests.exceptions.RequestException as exc:
                raise self._transport_error(exc, method, url, attempts, final=True)
            finally:
                resp.close()
            return Answer(resp.status_code, resp.headers, body, resp.url or url), attempts

        host = urlsplit(url).netloc.rsplit("@", 1)[-1]

        def expired():
            release_stdout()  # the abandoned request may still be inside oras's output capture
            return RegistryError(
                "registry %s did not finish %s %s within %ss, the deadline of one HTTP operation (it is unreachable "
                "or trickling bytes); if the link is only slow, raise the limit with the environment variable "
                "HELMKIT_HTTP_DEADLINE (see docs/limits.md)"
                % (host, method, redact_url(url), _seconds(deadline.seconds)))

        resp, attempts = run_with_deadline(operation, deadline, expired)
        return self._checked(resp, attempts, method, path, expect, what)

    def _too_big(self, method, url, size, cap, env_name):
        return RegistryError("registry %s: %s" % (self.host, limit_message(
            "the answer to %s %s (%d bytes so far)" % (method, redact_url(url), size), cap, env_name)))

    def _shown(self, url):
        """``url`` as messages show it: the path (and query) on the registry's own origin, else redacted."""
        parts = urlsplit(url)
        if not parts.scheme or not may_send_credentials(self.base, url):
            return redact_url(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def _checked(self, resp, attempts, method, path, expect, what):
        path = self._shown(path)
        if resp.status_code == 400 and self.plain_http and b"HTTPS server" in resp.content:
            raise RegistryError("registry %s only speaks HTTPS; unset plain_http" % self.host)
        if resp.status_code == 401:
            raise self._refused(method, path)
        if resp.status_code == 403:
            raise RegistryError("registry %s denied %s %s to the credentials from %s (HTTP 403); the account lacks "
                                "%s access" % (self.host, method, path, self.credential.source,
                                               "push" if method in ("PUT", "POST", "PATCH") else "pull"))
        if resp.status_code not in expect:
            if what is not None and resp.status_code == 404:
                return resp
            raise RegistryError("registry %s answered HTTP %d to %s %s%s%s" % (
                self.host, resp.status_code, method, path, _error_text(resp),
                " (gave up after %d attempts)" % attempts if attempts > 1 else ""))
        return resp

    def _refused(self, method, path):
        if self.credential.anonymous:
            return RegistryError("registry %s requires authentication for %s %s and no credentials were found "
                                 "(looked at the options, registry_config, Helm's and Docker's config); log in with "
                                 "helmkit.core.helm_registry_login or give username/password" % (self.host, method,
                                                                                                 path))
        return RegistryError("registry %s refused the credentials from %s (HTTP 401 on %s %s); check the username "
                             "and password, or log in again" % (self.host, self.credential.source, method, path))

    # ---- API --------------------------------------------------------------------------------------------------
    def ping(self):
        """``GET /v2/`` with authentication: proves the registry is reachable and accepts the credentials.

        Registries answering 401 to /v2/ with a Bearer challenge get a token without a scope (what ``docker login``
        and ``helm registry login`` do). Raises RegistryError.
        """
        self.request("GET", "/v2/")

    def tags(self, repository, page_size=None):
        """All tags of ``repository`` (list of str, in the registry's order), following ``Link`` pagination (a
        relative or absolute URL; one on another origin is read without credentials). A repository that does not
        exist has no tags ([]). Raises RegistryError when a ``Link`` points back at a page already read (a loop),
        after ``HELMKIT_MAX_TAG_PAGES`` pages, or when a page is not a JSON object with a list of tags.
        ``page_size`` asks for pages of that many tags (``?n=``)."""
        scope = "repository:%s:pull" % repository
        url = "%s/v2/%s/tags/list" % (self.base, repository) + ("?n=%d" % int(page_size) if page_size else "")
        max_pages = env_limit("HELMKIT_MAX_TAG_PAGES", DEFAULT_MAX_TAG_PAGES)
        tags, seen = [], set()
        while url:
            if url in seen:
                raise RegistryError("registry %s: the tag list of %s loops: its Link header points back at %s, a "
                                    "page already read; the registry is broken or hostile" % (
                                        self.host, repository, redact_url(url)))
            if len(seen) >= max_pages:
                raise RegistryError("registry %s: the tag list of %s %s" % (self.host, repository, limit_message(
                    "has more pages than that", max_pages, "HELMKIT_MAX_TAG_PAGES", "pages")))
            seen.add(url)
            resp = self.request("GET", url, scope=scope, what="tags")
            if resp.status_code == 404:
                return tags
            tags.extend(self._page_tags(resp, repository))
            url = _next_link(resp.headers.get("Link", ""), url)
        return tags

    def _page_tags(self, resp, repository):
        body = _json_body(resp.content)
        page = body.get("tags") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(page or [], list) or \
                not all(isinstance(tag, str) for tag in page or []):
            raise RegistryError("registry %s sent a tag list for %s that is not a JSON object with a list of tag "
                                "names; the registry is broken or hostile" % (self.host, repository))
        return page or []

    def get_manifest(self, repository, reference):
        """``(bytes, media type, digest)`` of the manifest ``reference`` (tag or digest), or None when it does
        not exist. A digest reference is verified against the bytes."""
        resp = self.request("GET", "/v2/%s/manifests/%s" % (repository, reference),
                            scope="repository:%s:pull" % repository, headers={"Accept": MANIFEST_ACCEPT},
                            what="manifest")
        if resp.status_code == 404:
            return None
        data = resp.content
        digest = sha256_digest(data)
        if reference.startswith("sha256:") and digest != reference:
            raise RegistryError("registry %s sent a manifest for %s@%s whose digest is %s; refusing it"
                                % (self.host, repository, reference, digest))
        check_manifest(data, "registry %s: the manifest of %s:%s" % (self.host, repository, reference))
        media_type = resp.headers.get("Content-Type", "").split(";")[0].strip()
        return data, media_type, digest

    def get_blob(self, repository, digest, limit=None):
        """The bytes of blob ``digest``; raises RegistryError when missing, when the bytes do not hash to it or
        when it is larger than ``limit`` (``(bytes, environment variable)``, default the chart cap
        ``HELMKIT_MAX_CHART_BYTES``, checked while reading)."""
        resp = self.request("GET", "/v2/%s/blobs/%s" % (repository, digest),
                            scope="repository:%s:pull" % repository, what="blob",
                            limit=limit or (max_chart_bytes(), "HELMKIT_MAX_CHART_BYTES"))
        if resp.status_code == 404:
            raise RegistryError("registry %s has no blob %s in %s (the manifest points at a missing layer)"
                                % (self.host, digest, repository))
        actual = sha256_digest(resp.content)
        if actual != digest:
            raise RegistryError("layer %s of %s/%s is corrupted: its content hashes to %s (digest mismatch); "
                                "nothing was kept, push the chart again" % (digest, self.host, repository, actual))
        return resp.content

    def get_config(self, repository, digest):
        """The config blob ``digest`` of a chart manifest as a dict (Chart.yaml's fields), read under the manifest
        cap. Raises RegistryError when it is missing, corrupted, not JSON or JSON but not an object."""
        data = self.get_blob(repository, digest, limit=(max_manifest_bytes(), "HELMKIT_MAX_MANIFEST_BYTES"))
        config = _json_body(data)
        if not isinstance(config, dict):
            raise RegistryError("registry %s: the config blob %s of %s is not a JSON object (Helm writes the chart's "
                                "Chart.yaml fields there); the registry is broken or hostile"
                                % (self.host, digest, repository))
        return config

    def blob_exists(self, repository, digest, scope=None):
        """True when ``repository`` holds blob ``digest`` (``HEAD /v2/<repository>/blobs/<digest>``). ``scope``:
        the token scope (default ``pull,push``, the push that asks). Raises RegistryError."""
        resp = self.request("HEAD", "/v2/%s/blobs/%s" % (repository, digest),
                            scope=scope or "repository:%s:pull,push" % repository, what="blob")
        return resp.status_code == 200

    def push_blob(self, repository, data, media_type="application/octet-stream"):
        """Upload ``data`` (monolithic POST + PUT) unless the registry has it; returns its digest."""
        digest = sha256_digest(data)
        scope = "repository:%s:pull,push" % repository
        if self.blob_exists(repository, digest, scope):
            return digest
        resp = self.request("POST", "/v2/%s/blobs/uploads/" % repository, scope=scope, expect=(202,))
        location = resp.headers.get("Location")
        if not location:
            raise RegistryError("registry %s started an upload without a Location header" % self.host)
        location = urljoin(self.base + "/v2/%s/blobs/uploads/" % repository, location)
        if urlsplit(location).scheme not in ("http", "https"):
            raise RegistryError("registry %s started an upload at %s, which is not an http:// or https:// URL; "
                                "refusing it" % (self.host, redact_url(location)))
        separator = "&" if "?" in location else "?"
        self.request("PUT", location + separator + "digest=" + digest, scope=scope, expect=(201,),
                     headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))},
                     data=data)
        return digest

    def put_manifest(self, repository, reference, data, media_type=OCI_MANIFEST):
        """Store manifest bytes under ``reference`` (tag); returns the digest the registry reports."""
        resp = self.request("PUT", "/v2/%s/manifests/%s" % (repository, reference),
                            scope="repository:%s:pull,push" % repository, expect=(201,),
                            headers={"Content-Type": media_type}, data=data)
        return resp.headers.get("Docker-Content-Digest") or sha256_digest(data)


class Answer(object):
    """A registry's answer, its body read under a cap: ``status_code``, ``headers`` (case-insensitive),
    ``content`` (bytes), ``url`` (after redirects), ``json()``."""

    __slots__ = ("status_code", "headers", "content", "url")

    def __init__(self, status_code, headers, content, url):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.url = url

    def json(self):
        return json.loads(self.content.decode("utf-8"))


def _seconds(value):
    return ("%d" % value) if float(value).is_integer() else ("%g" % value)


def _json_body(data):
    """The JSON value of ``data`` (bytes), or None when it is not UTF-8 JSON."""
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def check_manifest(data, where):
    """Refuse manifest bytes that are not a JSON object whose ``config`` is an object and whose ``layers`` and
    ``manifests`` are lists of objects (what the OCI image spec allows), so that no caller meets a list or a
    string where an object belongs. ``where`` starts the RegistryError."""
    manifest = _json_body(data)
    if not isinstance(manifest, dict):
        raise RegistryError("%s is not a JSON object; the registry is broken or hostile" % where)
    if not isinstance(manifest.get("config", {}), dict):
        raise RegistryError("%s has a config that is not a JSON object" % where)
    for key in ("layers", "manifests"):
        items = manifest.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise RegistryError("%s has %s that are not a list of JSON objects" % (where, key))
    return manifest


def _next_link(header, current):
    """The absolute URL of the ``rel="next"`` target of a ``Link`` header (RFC 8288; the first target when no rel
    is given, as distribution sends it), resolved against ``current``; "" when there is none."""
    for part in header.split(","):
        match = re.search(r"<([^>]*)>(.*)", part)
        if not match:
            continue
        rel = re.search(r'rel="?([^";]*)', match.group(2))
        if rel is None or "next" in rel.group(1).split():
            return urljoin(current, match.group(1).strip()) if match.group(1).strip() else ""
    return ""


def _error_text(resp):
    body = _json_body(resp.content)
    errors = (body.get("errors") or []) if isinstance(body, dict) else []
    texts = ["%s: %s" % (e.get("code", ""), e.get("message", "")) for e in errors if isinstance(e, dict)]
    return (" (%s)" % "; ".join(texts)) if texts else ""
