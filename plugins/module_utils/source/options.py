"""``SourceOptions``: every setting that decides how a chart is reached (Helm's ``getter.Option`` set plus the
``ChartPathOptions`` of ``pkg/action``), its plan-time checks and the one credential precedence.

Credentials, highest precedence first (issue 14, Helm's order):

1. the task's ``username``/``password`` or ``token``;
2. the Kubernetes Secret ``credentials_secret`` (release namespace first, then its own ``namespace`` or
   ``credentials_secret_fallback_namespace``; see credentials.py);
3. the repository's entry in repositories.yaml (HTTP repositories), or Helm's registry config and Docker's
   credential chain (registries: ``oci/credentials.py``);
4. anonymous.
"""
from __future__ import annotations

import os

from ..errors import ChartError
from ..gocompat.duration import parse_timeout
from ..repo.index import DEFAULT_TIMEOUT

__all__ = ["SourceOptions", "MAX_WORKERS", "module_source_options"]

MAX_WORKERS = 6

#: Option name -> default; the names of the chart-source argument spec (args_common.CHART_SOURCE_ARG_SPEC).
_DEFAULTS = dict(
    username=None, password=None, token=None, pass_credentials=False, ca_file=None, cert_file=None, key_file=None,
    insecure_skip_tls_verify=False, plain_http=False, registry_config=None, repository_config=None,
    repository_cache=None, devel=False, version=None, credentials_secret=None,
    credentials_secret_fallback_namespace=None, update_repo_cache=False, timeout=DEFAULT_TIMEOUT,
    skip_refresh=False, max_workers=MAX_WORKERS, verify=False, keyring=None, namespace=None, read_secret=None,
    require_version=False,
)

_FILE_OPTIONS = ("registry_config", "ca_file", "cert_file", "key_file")


class SourceOptions(object):
    """How to reach charts. Attributes (all optional):

    ``username``/``password`` (Basic), ``token`` (Bearer), ``pass_credentials`` (send them to other hosts too),
    ``ca_file``/``cert_file``/``key_file`` (PEM paths), ``insecure_skip_tls_verify``, ``plain_http`` (registries
    over HTTP), ``registry_config`` (a Docker-format credentials file), ``repository_config``/
    ``repository_cache`` (Helm's paths by default), ``devel`` (admit prereleases), ``version`` (exact or
    constraint), ``credentials_secret`` (``{"name", "namespace"}``), ``credentials_secret_fallback_namespace``,
    ``update_repo_cache`` (refresh the chart's repository index first), ``timeout`` (seconds per request),
    ``skip_refresh``/``max_workers``/``verify``/``keyring`` (dependency builds), ``namespace`` (the release
    namespace: where ``credentials_secret`` is looked up first), ``require_version`` (refuse an ``oci://``
    reference that pins no version, tag or digest, instead of taking its highest semver tag as Helm does) and
    ``read_secret`` (``(name, namespace) -> dict
    or None``, see credentials.secret_reader). ``repr()`` never shows secrets.
    """

    __slots__ = tuple(_DEFAULTS) + ("_secret_credentials",)

    def __init__(self, **kwargs):
        unknown = set(kwargs) - set(_DEFAULTS)
        if unknown:
            raise TypeError("unknown source options: %s" % ", ".join(sorted(unknown)))
        for key, default in _DEFAULTS.items():
            setattr(self, key, kwargs.get(key, default))
        self.max_workers = max(1, int(self.max_workers or 1))
        self._secret_credentials = {}

    def __repr__(self):
        return "SourceOptions(username=%r, plain_http=%r, devel=%r)" % (self.username, self.plain_http, self.devel)

    @classmethod
    def from_params(cls, params, **extra):
        """Options from a module's (or lookup's) parameters: every key of ``params`` that is a source option is
        taken (``chart_version`` as ``version``), then ``extra``. Returns a SourceOptions."""
        kwargs = dict((k, params[k]) for k in _DEFAULTS
                      if k in params and params[k] is not None and k not in ("namespace", "read_secret"))
        if params.get("require_chart_version") and "require_version" not in kwargs:
            kwargs["require_version"] = True
        if params.get("chart_version") and "version" not in kwargs:
            kwargs["version"] = params["chart_version"]
        if "timeout" in kwargs and (isinstance(kwargs["timeout"], bool)
                                    or not isinstance(kwargs["timeout"], (int, float))):
            del kwargs["timeout"]
        kwargs.update(extra)
        return cls(**kwargs)

    def copy(self, **changes):
        kwargs = dict((k, getattr(self, k)) for k in _DEFAULTS)
        kwargs.update(changes)
        return SourceOptions(**kwargs)

    def validate(self):
        """Plan-time checks, before any request: every file option names an existing file, a client certificate
        comes with its key, and ``credentials_secret`` has a name. Raises ChartError naming the option."""
        for option in _FILE_OPTIONS:
            path = getattr(self, option)
            if path and not os.path.isfile(os.path.expanduser(path)):
                raise ChartError("%s %s does not exist (or is not a file); fix the path or remove the option"
                                 % (option, path))
        if bool(self.cert_file) != bool(self.key_file):
            raise ChartError("cert_file and key_file go together: give both (the client certificate and its key)")
        secret = self.credentials_secret
        if secret is not None and not (isinstance(secret, dict) and secret.get("name")):
            raise ChartError("credentials_secret needs a name: {name: SECRET, namespace: NAMESPACE (optional)}")
        return self

    # -- credentials --------------------------------------------------------------------------------------------
    def explicit_credentials(self):
        """True when the task gave credentials itself (they win over every other source)."""
        return bool(self.token or (self.username is not None and self.password is not None))

    def secret_credential(self, host):
        """The Credential for ``host`` from ``credentials_secret`` (read once per host), or None when no Secret is
        configured or the task gave explicit credentials. Raises RegistryError (see credentials.py)."""
        if not self.credentials_secret or self.explicit_credentials():
            return None
        if host not in self._secret_credentials:
            from .credentials import credential_from_secret  # deferred: speed: without credentials_secret no kubernetes client
            self._secret_credentials[host] = credential_from_secret(self, host)
        return self._secret_credentials[host]

    def http_options(self, entry=None, host=None):
        """Keyword arguments for ``repo/index.py: http_get`` for a repository (``entry``: its RepositoryEntry from
        repositories.yaml, or None; ``host``: ``host[:port]`` for the Secret look-up). The one place where the
        precedence of HTTP repository credentials and TLS settings is decided."""
        e = entry
        username, password, token = self.username, self.password, self.token
        if not self.explicit_credentials():
            credential = self.secret_credential(host) if host else None
            if credential is not None:
                username, password = credential.username, credential.password
                token = credential.access_token or credential.refresh_token
            elif e is not None:
                username, password = e.username or None, e.password or None
        return {
            "username": username,
            "password": password,
            "token": token,
            "pass_credentials": bool(self.pass_credentials or (e.pass_credentials_all if e else False)),
            "ca_file": self.ca_file or (e.ca_file if e else None) or None,
            "cert_file": self.cert_file or (e.cert_file if e else None) or None,
            "key_file": self.key_file or (e.key_file if e else None) or None,
            "insecure_skip_tls_verify": bool(self.insecure_skip_tls_verify
                                             or (e.insecure_skip_tls_verify if e else False)),
            "timeout": self.timeout,
        }

    def registry_options(self, host):
        """Keyword arguments for ``oci/api.py: open_client``/``pull`` for the registry ``host``: explicit
        credentials, else the Secret's Credential, else the registry config chain."""
        return {
            "username": self.username, "password": self.password, "token": self.token,
            "registry_config_path": self.registry_config, "credential": self.secret_credential(host),
            "plain_http": self.plain_http, "insecure_skip_tls_verify": self.insecure_skip_tls_verify,
            "ca_file": self.ca_file, "cert_file": self.cert_file, "key_file": self.key_file,
            "timeout": self.timeout,
        }


def module_source_options(params, namespace=None, read_secret=None, request_timeout=True):
    """SourceOptions from a module's ``params`` (CHART_SOURCE_ARG_SPEC names; ``chart_version`` is the version).

    ``namespace``: the release namespace (where ``credentials_secret`` is looked up first); ``read_secret``: a
    reader over the task's open Kubernetes client (credentials.secret_reader); without one, a Secret is read
    through ``kubeconfig``/``context`` of ``params`` when (and only when) it is needed. ``request_timeout``: False
    when the module's ``timeout`` means something else (helm_release's wait). Returns validated SourceOptions;
    raises ChartError naming a bad option (plan time, before any request)."""
    params = dict(params)
    if not request_timeout:
        params.pop("timeout", None)
    elif params.get("timeout") is not None:  # seconds or a Go duration ("2m"), read as every module reads one
        params["timeout"] = parse_timeout(params["timeout"])
    if params.get("credentials_secret") and read_secret is None:
        from .credentials import kubeconfig_secret_reader  # deferred: speed: without credentials_secret no kubernetes client
        # host, username and password are the repository's or registry's in a chart-source task, never the cluster's
        auth = dict((name, params.get(name)) for name in ("api_key", "validate_certs", "ca_cert", "client_cert",
                                                          "client_key", "proxy", "no_proxy", "proxy_headers",
                                                          "impersonate_user", "impersonate_groups", "persist_config"))
        read_secret = kubeconfig_secret_reader(params.get("kubeconfig"), params.get("context"), auth)
    return SourceOptions.from_params(params, namespace=namespace, read_secret=read_secret).validate()
