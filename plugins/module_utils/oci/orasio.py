"""oras-py, made fit for a module: our credential chain in its auth backend, exact bytes, no stdout, our retries.

:class:`HelmkitRegistry` is an ``oras.provider.Registry`` whose requests (``do_request``: oras's session, its
401/403 handling that asks the auth backend and sends again) carry every distribution API call of
:class:`~.client.RegistryClient`. Three things oras-py 0.2 does not do the way a module needs are settled here:

* **Credentials.** :class:`HelmkitAuth` subclasses oras's ``TokenAuth``. It receives the
  :class:`~.credentials.Credential` our chain chose (options, registry_config, Helm's and Docker's config, helpers,
  a Kubernetes Secret) through oras's ``set_basic_auth`` and answers the ``WWW-Authenticate`` challenge:
  ``Basic`` -> the request again with Basic credentials (sent up front from then on); ``Bearer`` -> a token from
  the realm: GET with Basic credentials, POST ``grant_type=refresh_token`` for an identity token (distribution's
  ``docs/spec/auth/oauth.md``; oras's backend has no such grant), an access token as is, or anonymous. Tokens are
  cached per (realm, service, scope) for the client's life (oras keeps one token for every scope). When a
  challenge cannot be answered the response is handed back unchanged, so the caller names the credential source.
* **Retries.** oras wraps ``do_request`` in ``decorator.retry``: up to five tries that sleep 3**n seconds and turn
  an HTTP 500 into a ValueError. :meth:`HelmkitRegistry.do_request` calls the undecorated body
  (``__wrapped__``); the caller retries with its own short policy and reports give-ups itself.
* **Output.** While oras runs (:func:`captured`), ``sys.stdout`` is a buffer and oras's logger
  (``oras.logger.logger``: its ``log_handler`` list) feeds a :class:`Capture`; both end up, secrets masked, in the
  client's ``messages`` and in :mod:`.messages` the reporting channel (``report.py``: a module's warnings and debug output), never on stdout.

TLS: ``verify`` is ``ca_file``, else the system trust store (``ssl.get_default_verify_paths``: OpenSSL's paths and
``SSL_CERT_FILE``/``SSL_CERT_DIR``, as Go's crypto/x509 reads them), or False for ``insecure_skip_tls_verify``;
``cert`` is the client certificate for ``session.cert``. The session ignores ``~/.netrc`` so that credentials
only ever come from our chain, and every request has a timeout.
"""
from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import ssl
import sys
import threading
from http.cookiejar import DefaultCookiePolicy

from ..errors import RegistryError
from ..report import emit
from ..transport import limit_message, max_manifest_bytes, may_send_credentials, read_capped
from .messages import mask

from ..libraries import missing_library

try:
    import requests
    import requests.adapters
    import oras.auth.token
    import oras.logger
    import oras.provider
    HAS_ORAS = True
    MISSING_ORAS = None
except ImportError:  # pragma: no cover - depends on the host; require_oras() then raises MissingLibraryError
    HAS_ORAS = False
    MISSING_ORAS = missing_library("oras")

__all__ = ["HAS_ORAS", "require_oras", "HelmkitAuth", "HelmkitRegistry", "Capture", "captured", "tls_verify",
           "parse_challenge", "undecorated_do_request", "basic_value", "release_stdout"]

_TokenAuthBase = oras.auth.token.TokenAuth if HAS_ORAS else object
_RegistryBase = oras.provider.Registry if HAS_ORAS else object
_SessionBase = requests.Session if HAS_ORAS else object
_AdapterBase = requests.adapters.HTTPAdapter if HAS_ORAS else object


def require_oras():
    """Raise ``libraries.MissingLibraryError`` (a HelmkitError naming the pip package ``oras`` and the import
    error; ``_common.run_module`` reports it with Ansible's missing_required_lib text) when oras or the requests
    library it uses cannot be imported."""
    if not HAS_ORAS:
        raise MISSING_ORAS.error()


def parse_challenge(header):
    """``(scheme lower-case, {param lower-case: value})`` of a ``WWW-Authenticate`` header (first challenge;
    quoted values may hold commas and ``\\"``)."""
    header = (header or "").strip()
    scheme, rest = header.partition(" ")[::2]
    params = {}
    pos, size = 0, len(rest)
    while pos < size:
        while pos < size and rest[pos] in " ,":
            pos += 1
        eq = rest.find("=", pos)
        if eq < 0:
            break
        key = rest[pos:eq].strip().lower()
        pos = eq + 1
        if pos < size and rest[pos] == '"':
            pos += 1
            value = []
            while pos < size and rest[pos] != '"':
                if rest[pos] == "\\" and pos + 1 < size:
                    pos += 1
                value.append(rest[pos])
                pos += 1
            pos += 1
            params[key] = "".join(value)
        else:
            end = rest.find(",", pos)
            end = size if end < 0 else end
            params[key] = rest[pos:end].strip()
            pos = end
    return scheme.lower(), params


def tls_verify(ca_file, insecure):
    """requests' ``verify=`` for Helm's TLS options: False (insecure), the ``ca_file`` path, or the system trust
    store's file or directory (True = certifi's bundle only when the system has none)."""
    if insecure:
        return False
    if ca_file:
        return ca_file
    paths = ssl.get_default_verify_paths()
    if paths.cafile and os.path.isfile(paths.cafile):
        return paths.cafile
    if paths.capath and os.path.isdir(paths.capath):
        return paths.capath
    return True


class _Final(Exception):
    """Raised inside oras's ``do_request`` when a challenge cannot be answered: hand ``response`` back."""

    def __init__(self, response):
        super().__init__("authentication not possible")
        self.response = response


# ---- output capture ------------------------------------------------------------------------------------------------

class Capture(object):
    """Collects log lines for one client: ``messages`` is a list of ``(level, text)``; ``secrets()`` returns the
    strings to mask. Every line is also reported through :func:`..report.emit`."""

    def __init__(self, secrets):
        self.messages = []
        self._secrets = secrets

    def add(self, level, text):
        text = mask(text, self._secrets())
        self.messages.append((level, text))
        emit(level, text)


_ACTIVE = threading.local()
_STDOUT_LOCK = threading.Lock()
_STDOUT = {"depth": 0, "saved": None, "buffer": None, "generation": 0}


def _oras_dispatch(message):
    """oras's log handler while helmkit is loaded: to the active Capture of this thread, else oras's own."""
    stack = getattr(_ACTIVE, "stack", None)
    if not stack:
        for handler in getattr(oras.logger.logger, "helmkit_saved_handlers", ()):
            handler(message)
        return
    level = message.get("level", "info")
    if level == "progress":
        text = "%s of %s steps done" % (message.get("done"), message.get("total"))
        level = "debug"
    else:
        text = message.get("msg", "")
    stack[-1].add(level, "oras: %s" % text)


def _install_log_hook():
    log = oras.logger.logger
    if getattr(log, "helmkit_saved_handlers", None) is None:
        log.helmkit_saved_handlers = [handler for handler in log.log_handler if handler is not _oras_dispatch]
        log.log_handler = [_oras_dispatch]


@contextlib.contextmanager
def captured(capture):
    """Run the block with oras's log lines going to ``capture`` and ``sys.stdout`` replaced by a buffer.

    The swap is reference-counted across threads (the first entry saves the real stdout, the last exit restores
    it), so concurrent registry calls never leave stdout pointing at a buffer. Printed text is added to
    ``capture`` as a debug line when the last block ends.
    """
    _install_log_hook()
    stack = getattr(_ACTIVE, "stack", None)
    if stack is None:
        stack = _ACTIVE.stack = []
    stack.append(capture)
    with _STDOUT_LOCK:
        if _STDOUT["depth"] == 0:
            _STDOUT["saved"], _STDOUT["buffer"] = sys.stdout, io.StringIO()
            sys.stdout = _STDOUT["buffer"]
        _STDOUT["depth"] += 1
        generation = _STDOUT["generation"]
    try:
        yield capture
    finally:
        stack.pop()
        printed = ""
        with _STDOUT_LOCK:
            current = _STDOUT["generation"] == generation  # else release_stdout() gave stdout back meanwhile
            if current:
                _STDOUT["depth"] -= 1
            if current and _STDOUT["depth"] == 0:
                sys.stdout = _STDOUT["saved"]
                printed = _STDOUT["buffer"].getvalue()
                _STDOUT["saved"] = _STDOUT["buffer"] = None
        if printed.strip():
            capture.add("debug", "oras printed: %s" % printed.strip())


def release_stdout():
    """Give the process its real ``sys.stdout`` back now, whatever :func:`captured` blocks are still running: a
    request abandoned at its deadline may sit in one (blocked on a read) long after the task has failed, and the
    module's result must not be printed into that block's buffer. Blocks that entered before the release leave
    stdout alone when they end."""
    with _STDOUT_LOCK:
        if _STDOUT["depth"] > 0:
            sys.stdout = _STDOUT["saved"]
            _STDOUT["saved"] = _STDOUT["buffer"] = None
            _STDOUT["depth"] = 0
        _STDOUT["generation"] += 1


# ---- authentication -----------------------------------------------------------------------------------------------

class HelmkitAuth(_TokenAuthBase):
    """oras ``TokenAuth`` backend answering challenges with one :class:`~.credentials.Credential`.

    ``host``: the registry (for messages). ``scope``: set by the client before each request to the token scope
    of that request (``repository:charts/x:pull``), so that a cached token of that scope is sent up front.
    ``tokens()`` lists the tokens obtained (for masking). Raises RegistryError when the token service refuses the
    credentials (naming ``credential.source``, never the secret), answers an error, or the registry asks for an
    unknown scheme.
    """

    def __init__(self, host, credential):
        self._cache = {}        # (realm, service, scope) -> token
        self._basic_mode = False
        self.scope = ""
        super().__init__()
        self.host = host
        self.credential = credential
        self._basic_auth = None
        if credential.username or credential.password:
            self.set_basic_auth(credential.username or "", credential.password or "")

    # oras's do_request sends ``get_auth_header()`` up front whenever ``token`` is not None
    def _get_token(self):
        if self._basic_mode and self._basic_auth:
            return "Basic " + self._basic_auth
        for (_realm, _service, scope), token in self._cache.items():
            if scope == self.scope:
                return "Bearer " + token
        return None

    def _set_token(self, value):
        if value is None:   # oras's __init__ and logout
            self._cache.clear()

    token = property(_get_token, _set_token)

    def get_auth_header(self):
        value = self._get_token()
        return {"Authorization": value} if value else {}

    def attach(self, session, prefix, verify):
        """Share the registry's requests ``session``, URL ``prefix`` (http/https) and TLS ``verify`` setting."""
        self.session = session
        self.prefix = prefix
        self._tls_verify = verify

    def tokens(self):
        """The bearer tokens obtained so far (list of str)."""
        return list(self._cache.values())

    def authenticate_request(self, original, headers, refresh=False):
        """oras hook: ``(headers with Authorization, True)`` to send the request again, or raise _Final to hand
        ``original`` back (no way to authenticate, or the credentials were already refused)."""
        headers = dict(headers or {})
        scheme, params = parse_challenge(original.headers.get("WWW-Authenticate", ""))
        sent = "Authorization" in headers
        if not scheme or (original.status_code == 403 and (refresh or not sent)):
            raise _Final(original)
        if scheme == "basic":
            if not self._basic_auth or sent:
                raise _Final(original)
            self._basic_mode = True
            headers["Authorization"] = "Basic " + self._basic_auth
            return headers, True
        if scheme != "bearer":
            raise RegistryError("registry %s asks for an unsupported authentication scheme %r" % (self.host, scheme))
        token = self._bearer(params, self.scope or params.get("scope", ""), force=sent or refresh)
        headers["Authorization"] = "Bearer " + token
        return headers, True

    def _bearer(self, params, scope, force):
        realm = params.get("realm")
        if not realm:
            raise RegistryError("registry %s sent a Bearer challenge without a realm" % self.host)
        if not realm.startswith(("http://", "https://")):
            realm = "%s://%s" % (self.prefix, realm)
        if self.prefix == "https" and not realm.startswith("https://") and not self.credential.anonymous:
            raise RegistryError("registry %s names the token service %s, which is not HTTPS; refusing to send the "
                                "credentials from %s there in clear text" % (self.host, realm, self.credential.source))
        service = params.get("service", "")
        key = (realm, service, scope)
        if key in self._cache and not force:
            return self._cache[key]
        cred = self.credential
        if cred.access_token:
            token = cred.access_token
        else:
            token = self._fetch_token(realm, service, scope)
        self._cache[key] = token
        return token

    def _fetch_token(self, realm, service, scope):
        cred = self.credential
        headers = {"Accept": "application/json"}
        if cred.refresh_token:
            form = {"grant_type": "refresh_token", "refresh_token": cred.refresh_token, "service": service,
                    "client_id": "helmkit"}
            if scope:
                form["scope"] = scope
            resp = self.session.request("POST", realm, data=form, headers=headers, verify=self._tls_verify,
                                        stream=True)
        else:
            query = {"service": service}
            if scope:
                query["scope"] = scope
            if self._basic_auth:
                headers["Authorization"] = "Basic " + self._basic_auth
            resp = self.session.request("GET", realm, params=query, headers=headers, verify=self._tls_verify,
                                        stream=True)
        try:
            data = read_capped(resp.iter_content(65536), max_manifest_bytes(), lambda size: RegistryError(
                "registry %s: the token service %s: %s" % (self.host, realm, limit_message(
                    "its answer (%d bytes so far)" % size, max_manifest_bytes(), "HELMKIT_MAX_MANIFEST_BYTES"))))
        finally:
            resp.close()
        if resp.status_code in (401, 403):
            raise RegistryError("registry %s: the token service %s refused the credentials from %s (HTTP %d); "
                                "check the username and password or log in again"
                                % (self.host, realm, cred.source, resp.status_code))
        if resp.status_code != 200:
            raise RegistryError("registry %s: the token service %s answered HTTP %d"
                                % (self.host, realm, resp.status_code))
        try:
            body = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            raise RegistryError("registry %s: the token service %s did not answer JSON" % (self.host, realm))
        token = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise RegistryError("registry %s: the token service %s gave no token" % (self.host, realm))
        return token


# ---- transport ----------------------------------------------------------------------------------------------------

class _NoNetrc(object):
    """A requests auth that changes nothing: keeps requests from adding ``~/.netrc`` credentials."""

    def __call__(self, request):
        return request


class _Session(_SessionBase):
    """requests.Session that strips Authorization on a redirect to another scheme, host or port (the one rule of
    ``transport.may_send_credentials``; requests' own keeps it on an http -> https upgrade) and never adds
    netrc's."""

    def rebuild_auth(self, prepared_request, response):
        headers = prepared_request.headers
        if "Authorization" in headers and not may_send_credentials(response.request.url, prepared_request.url):
            del headers["Authorization"]


class _TimeoutAdapter(_AdapterBase):
    """HTTPAdapter giving every request ``timeout`` seconds unless one was given (oras passes none)."""

    def __init__(self, timeout):
        self._timeout = timeout
        super().__init__()

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def undecorated_do_request():
    """oras's ``Registry.do_request`` without its ``decorator.retry`` wrapper (looked up on each call)."""
    method = oras.provider.Registry.do_request
    return getattr(method, "__wrapped__", method)


class HelmkitRegistry(_RegistryBase):
    """``oras.provider.Registry`` for one ``host`` with ``auth`` (a :class:`HelmkitAuth`).

    ``plain_http``: http:// (oras's ``insecure``); ``verify``: see :func:`tls_verify`; ``cert``: client
    certificate path or ``(cert, key)`` or None; ``timeout``: seconds per request. ``do_request(url, method,
    data=bytes, headers=...)`` sends the bytes as given and returns the ``requests.Response`` (also 401/403 when
    the challenge could not be answered); transport failures raise ``requests`` exceptions.
    """

    def __init__(self, host, auth, plain_http, verify, cert, timeout):
        super().__init__(hostname=host, insecure=plain_http, tls_verify=verify)
        session = _Session()
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        session.auth = _NoNetrc()
        session.cert = cert
        adapter = _TimeoutAdapter(timeout)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        self.session.close()
        self.session = session
        auth.attach(session, self.prefix, verify)
        self.auth = auth

    def do_request(self, url, method="GET", data=None, headers=None, json=None, stream=False):
        try:
            return undecorated_do_request()(self, url, method, data=data, headers=headers, json=json, stream=stream)
        except _Final as exc:
            return exc.response

    def close(self):
        self.session.close()


def basic_value(username, password):
    """base64 of ``username:password`` (what Basic sends), for masking."""
    return base64.b64encode(("%s:%s" % (username or "", password or "")).encode("utf-8")).decode("ascii")
