"""A Kubernetes API client on the official ``kubernetes`` package, for one connection resolved by kube/config.py.

Where the connection comes from (options, ``K8S_AUTH_*``, ``HELM_KUBE*``, kubeconfig, in-cluster) and how tokens are
refreshed is kube/config.py's business; this module sends requests, retries them (kube/retry.py) and keeps REST
mappings. REST mappings (kind -> resource, namespaced or not) come from aggregated discovery with kubectl's disk cache,
keyed by server address and CA (``kube/discovery.py``), so a run never reuses another cluster's answers. Tokens are
never logged or put in messages.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from ..errors import KubeError
from ..transport import may_send_credentials, redact_url
# DEFAULT_KUBECONFIG, connection_secrets, kubeconfig_secrets and resolve_namespace are re-exported for the modules.
from .config import AUTH_OPTIONS, DEFAULT_KUBECONFIG, connection_secrets, install_transport, kubeconfig_secrets, \
    resolve_connection, resolve_namespace  # noqa: F401  pylint: disable=unused-import
from .discovery import Discovery, cache_directory
from .retry import RetryPolicy, describe_attempts

from .k8s_lite import HAS_KUBERNETES, VERSION, RESTClientObject

if HAS_KUBERNETES:
    import urllib3

# What the package's ApiClient sent (servers and audit logs see the same client as before).
USER_AGENT = "OpenAPI-Generator/%s/python" % VERSION


class ApiError(KubeError):
    """The API server answered with an error status.

    Attributes: ``status`` (HTTP status, int), ``reason`` (Kubernetes ``Status.reason``, e.g. ``"NotFound"``),
    ``message`` (``Status.message``), ``details`` (``Status.details`` dict or None).
    """

    def __init__(self, status: int, reason: str, message: str, details=None):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.details = details


def _read_bytes(path) -> bytes:
    """The content of file ``path`` (the CA bundle, which keys the discovery cache), b"" when unreadable/None."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (OSError, TypeError):
        return b""


class KubeClient:
    """One connection to one cluster: raw REST calls, REST mappings and streaming watches.

    ``KubeClient(kubeconfig=None, context=None, auth=None)``; ``kubeconfig`` is a path, a dict or YAML text;
    ``auth`` a dict of more connection options (kubernetes.core's names: ``host``, ``api_key``, ``validate_certs``,
    ... see kube/config.py; ``kubeconfig``/``context`` given as arguments win). Raises :class:`KubeError` when the
    connection cannot be resolved. Call :meth:`close` (or use ``with``) to drop the per-run discovery cache and
    temporary certificate files.
    """

    def __init__(self, kubeconfig=None, context=None, auth=None):
        options = {name: (auth or {}).get(name) for name in AUTH_OPTIONS}
        if kubeconfig is not None:
            options["kubeconfig"] = kubeconfig
        if context is not None:
            options["context"] = context
        self.connection = resolve_connection(options)
        self.configuration = self.connection.configuration
        # urllib3 may only retry a connection that was never established; answers (503, 429 with Retry-After)
        # and lost answers are this client's to retry (kube/retry.py), so nothing is sent twice behind its back.
        # No redirect is followed (redirect=0) and a 3xx answer comes back as it is (raise_on_redirect=False) to be
        # reported: the bearer token or client certificate must never reach another host (transport.py's
        # may_send_credentials; verified by tests/reliability/test_hostile_servers.py).
        self.configuration.retries = urllib3.util.Retry(total=1, connect=1, read=0, redirect=0, status=0, other=0,
                                                        raise_on_redirect=False, respect_retry_after_header=False)
        self.server = self.configuration.host
        # RESTClientObject (the package's urllib3 pool: TLS, proxies, no_proxy) without its ApiClient, whose
        # pydantic models cost 0.05 s of imports and serve nothing here (docs/engine.md, "a lighter kubernetes
        # import"): URLs, query strings and the Authorization header are built in _send.
        self.rest_client = RESTClientObject(self.configuration)
        install_transport(self.rest_client, self.connection)
        self._mappings = {}
        self.retry = RetryPolicy()

    @classmethod
    def from_options(cls, options: dict) -> "KubeClient":
        """A client for a module's or plugin's parameters (any of kube/config.py's AUTH_OPTIONS; others ignored)."""
        return cls(auth=options)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        """Release the connection pool (and the connection's temporary certificate files)."""
        try:
            self.rest_client.close()
        except Exception:  # pragma: no cover - closing is best effort
            pass
        self.connection.close()

    # -- raw REST ------------------------------------------------------------------------------------------------

    def _unreachable(self, exc) -> KubeError:
        reason = getattr(exc, "reason", None) or exc
        return KubeError("cannot reach the Kubernetes API server at %s: %s. Check that the cluster is running and "
                         "that kubeconfig/context point at it." % (self.server, reason))

    def request(self, method: str, path: str, query=None, body=None, content_type: str = "application/json",
                stream: bool = False, timeout=None, accept: str = "application/json"):
        """Send one request; returns the decoded JSON body (dict), or the open urllib3 response when ``stream``.

        ``query`` is a list of (name, value) pairs; ``body`` a dict serialised as compact JSON; ``timeout`` seconds
        (default ``self.retry.request_timeout``, none for streams); ``accept`` the ``Accept`` header (a JSON media
        type, such as the metadata-only list of kube/liveness.py). Throttling (429), unavailability (5xx) and lost
        connections are retried with backoff as ``kube/retry.py`` says; a create (POST) whose answer was lost is
        read back before anything is sent again. Raises :class:`ApiError` for an error status and
        :class:`KubeError` when the server cannot be reached; both name the attempts when retries ran out.
        """
        headers = {"Accept": accept, "Content-Type": content_type}
        params = []
        for name, value in query or ():
            if isinstance(value, bool):
                value = "true" if value else "false"
            params.append((name, value))
        if timeout is None and not stream:
            timeout = self.retry.request_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                response, data = self._send(method, path, params, headers, body, stream, timeout)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if self.retry.may_retry_connection(method) and attempt < self.retry.attempts:
                    self.retry.sleep(self.retry.backoff(attempt))
                    continue
                if method.upper() == "POST" and isinstance(body, dict):
                    found = self._recover_create(path, body)
                    if found is not None:
                        return found
                raise self._gave_up(method, path, attempt, exc) from None
            status = response.status
            if 300 <= status <= 399:
                raise self._redirected(method, path, status, response.getheader("Location") or "")
            if stream and 200 <= status <= 299:
                return response.response
            if 200 <= status <= 299:
                return json.loads(data.decode("utf-8")) if data else {}
            if self.retry.may_retry_status(method, status) and attempt < self.retry.attempts:
                self.retry.sleep(self.retry.backoff(attempt, response.getheader("Retry-After")))
                continue
            error = self._api_error(method, path, status, data)
            if attempt > 1:
                error.message = describe_attempts(self.server, method, path, attempt, "HTTP %d %s: %s" % (
                    status, error.reason or "", error.message))
                error.args = (error.message,)
            raise error

    def _send(self, method, path, params, headers, body, stream, timeout):
        """One request through the REST client; returns ``(response, body bytes)`` (b"" for an open stream).
        The URL is the server, ``path`` and ``params`` percent-encoded (``quote``, as the package's ApiClient did);
        the Authorization header comes from the configuration's auth settings (the connection's credential
        through ``refresh_api_key_hook``, or an auth-provider's token)."""
        url = self.configuration.host + path
        if params:
            url += "?" + "&".join("%s=%s" % (name, quote(str(value))) for name, value in params)
        headers = dict(headers, **{"User-Agent": USER_AGENT})
        for setting in self.configuration.auth_settings().values():
            if setting.get("in") == "header" and setting.get("value"):
                headers[setting["key"]] = setting["value"]
        response = self.rest_client.request(method.upper(), url, headers=headers, body=body,
                                            _request_timeout=timeout)
        if stream and 200 <= response.status <= 299:
            return response, b""
        return response, response.read()

    def _redirected(self, method, path, status, location) -> KubeError:
        where = "another scheme, host or port" if not may_send_credentials(self.server, location) else "this server"
        return KubeError("the Kubernetes API server at %s answered %s %s with a redirect (HTTP %d) to %s on %s; "
                         "helmkit does not follow redirects from the API server, so that its credentials never reach "
                         "another host: point the kubeconfig's server at the real API address"
                         % (self.server, method.upper(), path, status, redact_url(location) or "nowhere", where))

    def _gave_up(self, method, path, attempts, exc) -> KubeError:
        reason = getattr(exc, "reason", None) or exc
        return KubeError("cannot reach the Kubernetes API server at %s: %s (%s %s, %d attempt%s%s). Check that the "
                         "cluster is running and that kubeconfig/context point at it."
                         % (self.server, reason, method.upper(), path, attempts, "" if attempts == 1 else "s",
                            "" if self.retry.may_retry_connection(method) else "; a create is never repeated blindly"
                            " and the object was not found when read back"))

    def _recover_create(self, path: str, body: dict):
        """After a POST to collection ``path`` lost its answer: read the object back (never repeat the create
        blindly). Returns the object when it exists and carries what was sent (``metadata.labels``, ``data``,
        ``spec``, ``type``), else None (then the caller reports the failure; nothing is sent twice)."""
        name = (body.get("metadata") or {}).get("name")
        if not name:
            return None
        try:
            found = self.request("GET", "%s/%s" % (path.rstrip("/"), name))
        except KubeError:
            return None
        sent_labels = (body.get("metadata") or {}).get("labels") or {}
        found_labels = (found.get("metadata") or {}).get("labels") or {}
        if any(found_labels.get(k) != v for k, v in sent_labels.items()):
            return None
        if any(body.get(k) is not None and found.get(k) != body.get(k) for k in ("data", "spec", "type")):
            return None
        return found

    def _api_error(self, method, path, status, data) -> ApiError:
        try:
            payload = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, AttributeError):
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        message = payload.get("message") or ("%s %s: HTTP %s" % (method.upper(), path, status))
        if status == 403:
            message += self.connection.forbidden_note(message)
        return ApiError(status, payload.get("reason") or "", message, payload.get("details"))

    # -- REST mappings (kube/discovery.py) ----------------------------------------------------------------------

    @property
    def discovery(self):
        """This cluster's :class:`.discovery.Discovery` (aggregated discovery, kubectl's disk cache), made on first
        use; no request is sent until a mapping or ``.Capabilities.APIVersions`` is needed."""
        found = self.__dict__.get("_discovery")
        if found is None:
            found = self.__dict__["_discovery"] = Discovery(self._discovery_get, cache_directory(
                self.server, _read_bytes(self.configuration.ssl_ca_cert)))
        return found

    def _discovery_get(self, path: str, accept: str):
        """GET ``path`` with ``Accept: accept``; returns ``(content type, decoded JSON)``. Raises :class:`KubeError`
        (unreachable, or discovery refused)."""
        try:
            response, data = self._send("GET", path, [], {"Accept": accept}, None, False,
                                        self.retry.request_timeout)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise self._unreachable(exc) from None
        if not 200 <= response.status <= 299:
            error = self._api_error("GET", path, response.status, data)
            raise KubeError("API discovery failed at %s (GET %s, HTTP %s): %s" % (
                self.server, path, response.status, error.message)) from None
        try:
            return response.getheader("Content-Type") or "", json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise KubeError("API discovery failed at %s: GET %s did not return JSON" % (self.server, path)) from None

    def mapping(self, api_version: str, kind: str):
        """Return ``(resource_name, namespaced)`` for ``api_version``/``kind``, from discovery (cached on disk;
        refreshed once when the kind is missing).

        Raises :class:`KubeError` with Helm's wording when the server has no such kind (a CRD missing).
        """
        key = (api_version, kind)
        if key not in self._mappings:
            resource = self.discovery.find(api_version, kind)
            if resource is None:
                raise KubeError('no matches for kind "%s" in version "%s": ensure CRDs are installed first'
                                % (kind, api_version))
            self._mappings[key] = (resource.name, resource.namespaced)
        return self._mappings[key]

    def invalidate_mappings(self) -> None:
        """Forget REST mappings (after CRDs were created), as Helm refreshes discovery."""
        self._mappings.clear()
        self.discovery.invalidate()

    def path(self, api_version: str, kind: str, name: str = None, namespace: str = None) -> str:
        """URL path of an object (or of its collection when ``name`` is None).

        Cluster-scoped kinds ignore ``namespace``; namespaced kinds without a namespace use the whole-cluster
        collection path.
        """
        resource, namespaced = self.mapping(api_version, kind)
        base = "/api/%s" % api_version if "/" not in api_version else "/apis/%s" % api_version
        if namespaced and namespace:
            base += "/namespaces/%s" % namespace
        base += "/" + resource
        if name:
            base += "/" + name
        return base

    def is_namespaced(self, api_version: str, kind: str) -> bool:
        """Whether ``kind`` in ``api_version`` is namespaced (from discovery)."""
        return self.mapping(api_version, kind)[1]

    # -- what templates see ----------------------------------------------------------------------------------------

    def server_version(self) -> dict:
        """``GET /version`` (``version.Info``), read once per client: a dict with ``gitVersion``, ``major``,
        ``minor``..."""
        found = self.__dict__.get("_server_version")
        if found is None:
            found = self.__dict__["_server_version"] = self.request("GET", "/version")
        return found

    def api_versions(self) -> list:
        """``.Capabilities.APIVersions`` as Helm builds it: every ``group/version`` and ``group/version/Kind`` the
        server serves, from a live discovery (once per client; Helm invalidates its cache for this)."""
        return self.discovery.api_versions()

    def capabilities(self) -> dict:
        """What Helm reads for ``.Capabilities`` (``action.getCapabilities``): a dict with ``git_version``,
        ``major`` and ``minor`` from ``/version`` and ``api_versions`` (:meth:`api_versions`)."""
        version = self.server_version()
        return {"git_version": version.get("gitVersion"), "major": version.get("major"),
                "minor": version.get("minor"), "api_versions": self.api_versions()}

    def lookup(self, api_version: str, kind: str, namespace: str, name: str) -> dict:
        """Helm's template ``lookup``: the object (or, without ``name``, the list) as a dict; ``{}`` when it does
        not exist or the kind is unknown. Raises :class:`KubeError` for other API failures."""
        try:
            path = self.path(api_version, kind, name or None, namespace or None)
        except KubeError:
            return {}
        try:
            return self.request("GET", path)
        except ApiError as exc:
            if exc.status == 404:
                return {}
            raise KubeError("lookup of %s %s %s/%s failed: %s" % (api_version, kind, namespace, name, exc.message))
