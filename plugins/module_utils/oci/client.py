"""A small OCI distribution API client (httpx) with Docker's Basic and Bearer token authentication.

Implements the requests Helm's registry client makes (OCI distribution spec v1.1; auth as in
distribution's ``docs/spec/auth/token.md`` and oras-go ``registry/remote/auth``):

* a request without credentials; on ``401`` the ``WWW-Authenticate`` challenge decides the flow:
  ``Basic realm=...`` -> the request again with Basic credentials; ``Bearer realm=..,service=..,scope=..`` ->
  a token from the realm (GET with Basic credentials, or POST ``grant_type=refresh_token`` for an identity
  token, or anonymous GET) and the request again with ``Authorization: Bearer``.
* tokens are cached per (realm, service, scope) for the life of the client (one module run).

oras-py is not used for the wire protocol: its auth layer has no way to take our credential chain (helpers,
identity tokens, Kubernetes Secrets), prints to stdout, and does not expose the exact manifest bytes we need to
reproduce Helm's digests. Errors are :class:`RegistryError` naming the registry, the request and the credential
source, never the secret.
"""
from __future__ import annotations

import hashlib
import re

import httpx

from ..errors import RegistryError
from ..transport import ssl_context
from .credentials import Credential

__all__ = ["RegistryClient", "OCI_MANIFEST", "DOCKER_MANIFEST", "OCI_INDEX", "MANIFEST_ACCEPT",
           "sha256_digest"]

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_ACCEPT = ", ".join((OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST))
DEFAULT_TIMEOUT = 60.0
_CHALLENGE_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))')


def sha256_digest(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse_challenge(header: str):
    """``(scheme lower-case, {param: value})`` of a ``WWW-Authenticate`` header (first challenge only)."""
    header = (header or "").strip()
    scheme, rest = header.partition(" ")[::2]
    params = {}
    for match in _CHALLENGE_PARAM.finditer(rest):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        params[match.group(1).lower()] = value.replace('\\"', '"')
    return scheme.lower(), params


class RegistryClient(object):
    """Talks to one registry ``host`` (``host[:port]``).

    ``credential``: a :class:`Credential` (default anonymous). ``plain_http``: use http://. TLS:
    ``ca_file``, ``cert_file``/``key_file`` (client certificate), ``insecure_skip_tls_verify``. ``timeout``:
    seconds per request. Use as a context manager or call ``close()``.
    """

    def __init__(self, host, credential=None, plain_http=False, insecure_skip_tls_verify=False, ca_file=None,
                 cert_file=None, key_file=None, timeout=DEFAULT_TIMEOUT):
        self.host = host
        self.credential = credential or Credential()
        self.plain_http = plain_http
        self.base = "%s://%s" % ("http" if plain_http else "https", host)
        verify = True if plain_http else ssl_context(ca_file, cert_file, key_file, insecure_skip_tls_verify,
                                                     RegistryError)
        self._http = httpx.Client(verify=verify, timeout=timeout, follow_redirects=True)
        self._tokens = {}      # (realm, service, scope) -> token
        self._basic = False    # the registry asked for Basic once: send it up front from then on

    def close(self):
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- transport --------------------------------------------------------------------------------------------
    def _send(self, method, url, headers=None, **kwargs):
        try:
            return self._http.request(method, url, headers=headers, **kwargs)
        except httpx.ConnectError as exc:
            text = str(exc)
            if not self.plain_http and ("WRONG_VERSION_NUMBER" in text or "wrong version number" in text
                                        or "record layer failure" in text):
                raise RegistryError("registry %s does not speak HTTPS (TLS handshake failed: %s); set plain_http: "
                                    "true for a plain-HTTP registry" % (self.host, text))
            if "CERTIFICATE_VERIFY_FAILED" in text:
                raise RegistryError("registry %s: TLS certificate verification failed (%s); set ca_file to the "
                                    "registry's CA, or insecure_skip_tls_verify: true" % (self.host, text))
            raise RegistryError("cannot reach registry %s: %s" % (self.host, text))
        except httpx.TimeoutException:
            raise RegistryError("registry %s did not answer %s %s in time" % (self.host, method, url))
        except httpx.HTTPError as exc:
            text = str(exc)
            if "BAD_CERTIFICATE" in text or "CERTIFICATE_REQUIRED" in text:
                raise RegistryError("registry %s rejected the TLS client certificate (%s); set cert_file and "
                                    "key_file to a certificate it trusts" % (self.host, text))
            raise RegistryError("request to registry %s failed: %s%s" % (
                self.host, text, "; the registry may require HTTPS (unset plain_http)" if self.plain_http else ""))

    def _token(self, params, scope, force=False):
        realm = params.get("realm")
        if not realm:
            raise RegistryError("registry %s sent a Bearer challenge without a realm" % self.host)
        service = params.get("service", "")
        scope = scope or params.get("scope", "")
        key = (realm, service, scope)
        if key in self._tokens and not force:
            return self._tokens[key]
        cred = self.credential
        if cred.access_token:
            self._tokens[key] = cred.access_token
            return cred.access_token
        if cred.refresh_token:
            form = {"grant_type": "refresh_token", "refresh_token": cred.refresh_token, "service": service,
                    "client_id": "helmkit"}
            if scope:
                form["scope"] = scope
            resp = self._send("POST", realm, data=form)
        else:
            query = {"service": service}
            if scope:
                query["scope"] = scope
            auth = (cred.username or "", cred.password or "") if not cred.anonymous else None
            resp = self._send("GET", realm, params=query, auth=auth)
        if resp.status_code in (401, 403):
            raise RegistryError("registry %s: the token service %s refused the credentials from %s (HTTP %d); "
                                "check the username and password or log in again"
                                % (self.host, realm, cred.source, resp.status_code))
        if resp.status_code != 200:
            raise RegistryError("registry %s: the token service %s answered HTTP %d"
                                % (self.host, realm, resp.status_code))
        try:
            body = resp.json()
        except ValueError:
            raise RegistryError("registry %s: the token service %s did not answer JSON" % (self.host, realm))
        token = body.get("token") or body.get("access_token")
        if not token:
            raise RegistryError("registry %s: the token service %s gave no token" % (self.host, realm))
        self._tokens[key] = token
        return token

    def request(self, method, path, scope="", headers=None, expect=(200,), what=None, **kwargs):
        """Send ``method`` to ``<base><path>`` with authentication; return the httpx.Response.

        ``scope``: the token scope (``repository:charts/x:pull``). Statuses outside ``expect`` raise
        RegistryError (401/403 naming the credential source; others with the registry's error text).
        """
        url = path if path.startswith(("http://", "https://")) else self.base + path
        headers = dict(headers or {})
        cached = self._cached_auth(scope)
        if cached:
            headers["Authorization"] = cached
        resp = self._send(method, url, headers=headers, **kwargs)
        if resp.status_code == 400 and self.plain_http and b"HTTPS server" in resp.content:
            raise RegistryError("registry %s only speaks HTTPS; unset plain_http" % self.host)
        if resp.status_code == 401:
            scheme, params = parse_challenge(resp.headers.get("WWW-Authenticate", ""))
            if scheme == "basic":
                if self.credential.anonymous:
                    raise self._refused(method, path)
                self._basic = True
                headers["Authorization"] = self._basic_header()
            elif scheme == "bearer":
                headers["Authorization"] = "Bearer " + self._token(params, scope or params.get("scope", ""),
                                                                   force=bool(cached))
            else:
                raise RegistryError("registry %s asks for an unsupported authentication scheme %r"
                                    % (self.host, scheme))
            if "content" in kwargs and hasattr(kwargs["content"], "seek"):
                kwargs["content"].seek(0)
            resp = self._send(method, url, headers=headers, **kwargs)
            if resp.status_code == 401:
                raise self._refused(method, path)
        if resp.status_code == 403:
            raise RegistryError("registry %s denied %s %s to the credentials from %s (HTTP 403); the account lacks "
                                "%s access" % (self.host, method, path, self.credential.source,
                                               "push" if method in ("PUT", "POST", "PATCH") else "pull"))
        if resp.status_code not in expect:
            if what is not None and resp.status_code == 404:
                return resp
            raise RegistryError("registry %s answered HTTP %d to %s %s%s" % (
                self.host, resp.status_code, method, path, _error_text(resp)))
        return resp

    def _refused(self, method, path):
        if self.credential.anonymous:
            return RegistryError("registry %s requires authentication for %s %s and no credentials were found "
                                 "(looked at the options, registry_config, Helm's and Docker's config); log in with "
                                 "helmkit.core.helm_registry_login or give username/password" % (self.host, method,
                                                                                                 path))
        return RegistryError("registry %s refused the credentials from %s (HTTP 401 on %s %s); check the username "
                             "and password, or log in again" % (self.host, self.credential.source, method, path))

    def _basic_header(self):
        import base64
        raw = ("%s:%s" % (self.credential.username or "", self.credential.password or "")).encode("utf-8")
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def _cached_auth(self, scope):
        if self._basic:
            return self._basic_header()
        for (realm, service, cached_scope), token in self._tokens.items():
            if cached_scope == scope:
                return "Bearer " + token
        return None

    # ---- API --------------------------------------------------------------------------------------------------
    def ping(self):
        """``GET /v2/`` with authentication: proves the registry is reachable and accepts the credentials.

        Registries answering 401 to /v2/ with a Bearer challenge get a token without a scope (what ``docker login``
        and ``helm registry login`` do). Raises RegistryError.
        """
        self.request("GET", "/v2/")

    def tags(self, repository):
        """All tags of ``repository`` (list of str, in the registry's order), following ``Link`` pagination.
        A repository that does not exist has no tags ([])."""
        scope = "repository:%s:pull" % repository
        url = "/v2/%s/tags/list" % repository
        tags = []
        while url:
            resp = self.request("GET", url, scope=scope, what="tags")
            if resp.status_code == 404:
                return tags
            tags.extend(resp.json().get("tags") or [])
            link = resp.headers.get("Link", "")
            match = re.search(r"<([^>]+)>", link)
            url = match.group(1) if match else ""
        return tags

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
        media_type = resp.headers.get("Content-Type", "").split(";")[0].strip()
        return data, media_type, digest

    def head_manifest(self, repository, reference):
        """Digest (str) of manifest ``reference``, or None when it does not exist."""
        resp = self.request("HEAD", "/v2/%s/manifests/%s" % (repository, reference),
                            scope="repository:%s:pull" % repository, headers={"Accept": MANIFEST_ACCEPT},
                            what="manifest")
        if resp.status_code == 404:
            return None
        return resp.headers.get("Docker-Content-Digest")

    def get_blob(self, repository, digest):
        """The bytes of blob ``digest``; raises RegistryError when missing or when the bytes do not hash to it."""
        resp = self.request("GET", "/v2/%s/blobs/%s" % (repository, digest),
                            scope="repository:%s:pull" % repository, what="blob")
        if resp.status_code == 404:
            raise RegistryError("registry %s has no blob %s in %s (the manifest points at a missing layer)"
                                % (self.host, digest, repository))
        actual = sha256_digest(resp.content)
        if actual != digest:
            raise RegistryError("layer %s of %s/%s is corrupted: its content hashes to %s (digest mismatch); "
                                "nothing was kept, push the chart again" % (digest, self.host, repository, actual))
        return resp.content

    def blob_exists(self, repository, digest, scope=None):
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
        if location.startswith("/"):
            location = self.base + location
        separator = "&" if "?" in location else "?"
        self.request("PUT", location + separator + "digest=" + digest, scope=scope, expect=(201,),
                     headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))},
                     content=data)
        return digest

    def put_manifest(self, repository, reference, data, media_type=OCI_MANIFEST):
        """Store manifest bytes under ``reference`` (tag); returns the digest the registry reports."""
        resp = self.request("PUT", "/v2/%s/manifests/%s" % (repository, reference),
                            scope="repository:%s:pull,push" % repository, expect=(201,),
                            headers={"Content-Type": media_type}, content=data)
        return resp.headers.get("Docker-Content-Digest") or sha256_digest(data)


def _error_text(resp):
    try:
        errors = resp.json().get("errors") or []
    except ValueError:
        return ""
    texts = ["%s: %s" % (e.get("code", ""), e.get("message", "")) for e in errors if isinstance(e, dict)]
    return (" (%s)" % "; ".join(texts)) if texts else ""
