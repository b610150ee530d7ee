"""Where a connection to a Kubernetes cluster comes from: options, environment, kubeconfig or in-cluster.

Each setting is taken from the first of (docs/getting-started.md has the same table):

1. the option (``host``, ``api_key``, ... - kubernetes.core's names, see args_common.KUBE_AUTH_ARG_SPEC);
2. its ``K8S_AUTH_*`` environment variable (kubernetes.core's, and what AWX's Kubernetes credential injects);
3. Helm's ``HELM_KUBE*`` variable (``HELM_KUBEAPISERVER``, ``HELM_KUBETOKEN``, ...);
4. the kubeconfig: ``kubeconfig``/``K8S_AUTH_KUBECONFIG``, else ``KUBECONFIG`` (paths joined by ``:`` are merged, as
   client-go does), else ``~/.kube/config``; read by kube/kubeconfig.py (client-go's rules), except users with an
   ``auth-provider``, which the ``kubernetes`` package's loader reads (kube/authprovider.py, imported only then);
5. in-cluster configuration (client-go's ``rest.InClusterConfig``): ``KUBERNETES_SERVICE_HOST``/``_PORT`` and the
   service-account token and CA, when no kubeconfig file exists.

The namespace a task uses when it names none is :func:`resolve_namespace`'s, by Helm's rule: ``HELM_NAMESPACE``,
else the namespace of the kubeconfig context in use, else the pod's (in-cluster), else ``default``.

A ``host`` with credentials of its own (``api_key``, ``username``+``password`` or ``client_cert``) needs no
kubeconfig at all. Tokens that can change - a ``tokenFile``, the in-cluster token, an ``exec`` credential plugin's
ExecCredential - are re-read when they change or expire, and once more when the server answers 401. Secrets never
appear in messages: errors name the *source* of a credential (an option, an environment variable, a kubeconfig
user), never its value.
"""
from __future__ import annotations

import os
import tempfile

from ..errors import KubeError
from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from . import kubeconfig as kubeconfig_module
# The credential classes are re-exported: they were defined here before kube/credentials.py.
from .credentials import Credential, ExecCredential, FileToken, basic_credential  # noqa: F401  pylint: disable=unused-import
from .k8s_lite import API_KEY, HAS_KUBERNETES, ApiException, Configuration

if HAS_KUBERNETES:
    import urllib3

DEFAULT_KUBECONFIG = "~/.kube/config"
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
# Tests (and unusual pods) point these at files of their own; the defaults are client-go's paths.
TOKEN_FILE_ENV = "HELMKIT_IN_CLUSTER_TOKEN_FILE"
CA_FILE_ENV = "HELMKIT_IN_CLUSTER_CA_FILE"
NAMESPACE_FILE_ENV = "HELMKIT_IN_CLUSTER_NAMESPACE_FILE"
DEFAULT_NAMESPACE = "default"

# option -> (kubernetes.core's variable, Helm's variable). HELM_KUBEINSECURE_SKIP_TLS_VERIFY is validate_certs negated.
ENVIRONMENT = {
    "host": ("K8S_AUTH_HOST", "HELM_KUBEAPISERVER"),
    "api_key": ("K8S_AUTH_API_KEY", "HELM_KUBETOKEN"),
    "kubeconfig": ("K8S_AUTH_KUBECONFIG", None),
    "context": ("K8S_AUTH_CONTEXT", "HELM_KUBECONTEXT"),
    "username": ("K8S_AUTH_USERNAME", None),
    "password": ("K8S_AUTH_PASSWORD", None),
    "validate_certs": ("K8S_AUTH_VERIFY_SSL", "HELM_KUBEINSECURE_SKIP_TLS_VERIFY"),
    "ca_cert": ("K8S_AUTH_SSL_CA_CERT", "HELM_KUBECAFILE"),
    "client_cert": ("K8S_AUTH_CERT_FILE", None),
    "client_key": ("K8S_AUTH_KEY_FILE", None),
    "proxy": ("K8S_AUTH_PROXY", None),
    "no_proxy": ("K8S_AUTH_NO_PROXY", None),
    "proxy_headers": (None, None),
    "impersonate_user": ("K8S_AUTH_IMPERSONATE_USER", "HELM_KUBEASUSER"),
    "impersonate_groups": ("K8S_AUTH_IMPERSONATE_GROUPS", "HELM_KUBEASGROUPS"),
    "persist_config": ("K8S_AUTH_PERSIST_CONFIG", None),
    "tls_server_name": (None, "HELM_KUBETLS_SERVER_NAME"),
    "namespace": (None, "HELM_NAMESPACE"),
}
AUTH_OPTIONS = tuple(name for name in ENVIRONMENT if name not in ("tls_server_name", "namespace"))
SECRET_ENVIRONMENT = ("K8S_AUTH_API_KEY", "K8S_AUTH_PASSWORD", "HELM_KUBETOKEN")
_TRUE = ("y", "yes", "on", "1", "true", "t")
_FALSE = ("n", "no", "off", "0", "false", "f")
PENDING = "helmkit-pending-credential"  # placeholder the transport drops (an exec plugin that gives only a certificate)
_is_content = kubeconfig_module.is_content
_load_yaml = kubeconfig_module.load_yaml


_SECRET_KEYS = ("token", "password", "client-key-data", "id-token", "refresh-token", "client-secret", "access-token")


def kubeconfig_secrets(kubeconfig) -> set:
    """Secret strings inside an inline kubeconfig (dict or YAML text): tokens, passwords, private keys.

    Modules register them as no-log values so they never appear in task output; a path gives an empty set.
    """
    if isinstance(kubeconfig, str):
        if not _is_content(kubeconfig):
            return set()
        try:
            kubeconfig = _load_yaml(kubeconfig)
        except yaml.YAMLError:
            return {kubeconfig}
    found = set()
    stack = [kubeconfig]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _SECRET_KEYS and isinstance(value, str) and value:
                    found.add(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def connection_secrets(options: dict, environ=None) -> set:
    """Every secret string a connection built from ``options`` may use: ``api_key``, ``password``, the secrets of
    an inline kubeconfig, and ``K8S_AUTH_API_KEY``/``K8S_AUTH_PASSWORD``/``HELM_KUBETOKEN`` from the environment.
    Modules register them as no-log values."""
    environ = os.environ if environ is None else environ
    found = kubeconfig_secrets(options.get("kubeconfig"))
    found.update(v for v in (options.get("api_key"), options.get("password")) if isinstance(v, str) and v)
    found.update(environ[name] for name in SECRET_ENVIRONMENT if environ.get(name))
    return found


# -- settings --------------------------------------------------------------------------------------------------------

def _boolean(value, source):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise KubeError("%s: expected a boolean (true/false), got %r" % (source, value))


def _groups(value):
    if isinstance(value, str):
        return [g.strip() for g in value.split(",") if g.strip()]
    return [str(g) for g in value or []]


class Settings:
    """The connection settings after precedence: ``value(name)`` and ``source(name)`` (a label for messages such as
    ``"option api_key"``, ``"K8S_AUTH_API_KEY"`` or ``"HELM_KUBETOKEN"``, or None when unset)."""

    def __init__(self, options=None, environ=None):
        environ = os.environ if environ is None else environ
        self._values = {}
        for name, (k8s_var, helm_var) in ENVIRONMENT.items():
            value = (options or {}).get(name)
            if value is not None and value != "" and value != []:
                self._values[name] = (value, "option %s" % name)
            elif k8s_var and environ.get(k8s_var):
                self._values[name] = (environ[k8s_var], k8s_var)
            elif helm_var and environ.get(helm_var):
                value = environ[helm_var]
                if name == "validate_certs":
                    value = not _boolean(value, helm_var)
                self._values[name] = (value, helm_var)
        for name in ("validate_certs", "persist_config"):
            if name in self._values:
                value, source = self._values[name]
                self._values[name] = (_boolean(value, source), source)
        for name in ("impersonate_groups",):
            if name in self._values:
                self._values[name] = (_groups(self._values[name][0]), self._values[name][1])

    def value(self, name, default=None):
        """The setting's value, or ``default``."""
        return self._values.get(name, (default, None))[0]

    def source(self, name):
        """Where the setting came from (str), or None."""
        return self._values.get(name, (None, None))[1]


# -- kubeconfig --------------------------------------------------------------------------------------------------------

def kubeconfig_paths(kubeconfig=None, environ=None) -> list:
    """The kubeconfig files to read: ``kubeconfig``, else ``KUBECONFIG`` (``:``-joined), else ~/.kube/config."""
    return kubeconfig_module.kubeconfig_paths(kubeconfig, environ, DEFAULT_KUBECONFIG)


# -- in-cluster --------------------------------------------------------------------------------------------------------

def in_cluster_paths(environ=None):
    """(token_file, ca_file): client-go's service-account paths, or HELMKIT_IN_CLUSTER_TOKEN_FILE/_CA_FILE."""
    environ = os.environ if environ is None else environ
    return (environ.get(TOKEN_FILE_ENV) or os.path.join(SERVICE_ACCOUNT_DIR, "token"),
            environ.get(CA_FILE_ENV) or os.path.join(SERVICE_ACCOUNT_DIR, "ca.crt"))


def in_cluster_available(environ=None) -> bool:
    """True in a pod: KUBERNETES_SERVICE_HOST and _PORT set and the service-account token file present."""
    environ = os.environ if environ is None else environ
    return bool(environ.get("KUBERNETES_SERVICE_HOST") and environ.get("KUBERNETES_SERVICE_PORT")
                and os.path.exists(in_cluster_paths(environ)[0]))


def in_cluster_namespace(environ=None):
    """(namespace, source) of a pod, as client-go's ``inClusterClientConfig.Namespace()``: ``POD_NAMESPACE`` (set
    through the downward API), else the service account's ``namespace`` file (HELMKIT_IN_CLUSTER_NAMESPACE_FILE
    overrides its path), else (None, None)."""
    environ = os.environ if environ is None else environ
    if environ.get("POD_NAMESPACE"):
        return environ["POD_NAMESPACE"], "POD_NAMESPACE"
    path = environ.get(NAMESPACE_FILE_ENV) or os.path.join(SERVICE_ACCOUNT_DIR, "namespace")
    try:
        with open(path, encoding="utf-8") as handle:
            found = handle.read().strip()
    except (OSError, UnicodeDecodeError):
        return None, None
    return (found, "the in-cluster namespace file %s" % path) if found else (None, None)


def _in_cluster(configuration, environ):
    host, port = environ["KUBERNETES_SERVICE_HOST"], environ["KUBERNETES_SERVICE_PORT"]
    if ":" in host and not host.startswith("["):
        host = "[%s]" % host  # net.JoinHostPort
    configuration.host = "https://%s:%s" % (host, port)
    token_file, ca_file = in_cluster_paths(environ)
    if os.path.exists(ca_file):
        configuration.ssl_ca_cert = ca_file
    return FileToken(token_file, "the in-cluster service-account token file %s" % token_file)


# -- the connection ----------------------------------------------------------------------------------------------------

class Connection:
    """A resolved connection: ``configuration`` (kubernetes.client.Configuration), ``credential`` (Credential or
    None), ``impersonate_user``/``impersonate_groups`` (with ``impersonation_source``) and ``origin`` (how the
    cluster was found, for messages). The default namespace is :func:`resolve_namespace`'s."""

    def __init__(self):
        self.configuration = None
        self.credential = None
        self.client_cert_source = None
        self.ca_source = "the system's trust store"
        self.impersonate_user = None
        self.impersonate_groups = []
        self.impersonation_source = None
        self.origin = None
        self._temp_files = []

    def headers(self) -> dict:
        """Impersonation headers for every request: {'Impersonate-User': str, 'Impersonate-Group': [str]}."""
        found = {}
        if self.impersonate_user:
            found["Impersonate-User"] = self.impersonate_user
        if self.impersonate_groups:
            found["Impersonate-Group"] = list(self.impersonate_groups)
        return found

    def unauthorized(self) -> str:
        """The message for a 401 from the server: names the credential's source, never its value."""
        server = self.configuration.host
        if self.credential is not None:
            why = self.credential.refused()
        elif self.configuration.cert_file:
            why = "the client certificate from %s was refused" % (self.client_cert_source or "the kubeconfig")
        elif self.configuration.api_key.get(API_KEY):
            why = "the auth-provider token of %s was refused" % self.origin
        else:
            why = ("no credentials were sent (%s); set api_key or K8S_AUTH_API_KEY, client_cert and client_key, or "
                   "use a kubeconfig with a user" % self.origin)
        return "401 Unauthorized from %s: %s" % (server, why)

    def forbidden_note(self, message: str = "") -> str:
        """What to add to a 403 (its API ``message``) when impersonating, else ''. Says which side lacks RBAC: the
        credential's own user, when it may not impersonate (``cannot impersonate`` in the message), else the
        impersonated user."""
        if not self.impersonate_user and not self.impersonate_groups:
            return ""
        who = "user %r" % self.impersonate_user if self.impersonate_user else "groups %s" % self.impersonate_groups
        if "cannot impersonate" in message:
            credential = (self.credential.source if self.credential is not None
                          else self.client_cert_source or self.origin)
            return " (%s asked to impersonate %s: grant the user that %s authenticates as the verb impersonate on " \
                   "users and groups (resourceNames may name them) with RBAC, or leave impersonate_user and " \
                   "impersonate_groups unset)" % (self.impersonation_source, who, credential)
        return " (the request impersonated %s, from %s: grant that user or its groups access with RBAC)" % (
            who, self.impersonation_source)

    def temp_file(self, data: bytes) -> str:
        """Write ``data`` to a private temporary file removed by close(); returns its path."""
        handle, path = tempfile.mkstemp(prefix="helmkit-kube-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        self._temp_files.append(path)
        return path

    def close(self) -> None:
        """Remove temporary files (certificates and keys written for the TLS layer)."""
        for path in self._temp_files:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._temp_files = []


def _check_host(host, source):
    if "://" not in host:
        raise KubeError("host %r (from %s) has no scheme: expected https://HOST[:PORT], for example https://%s"
                        % (host, source, host))
    return host.rstrip("/")


def _has_own_credentials(settings):
    return bool(settings.value("api_key") or settings.value("client_cert")
                or (settings.value("username") and settings.value("password")))


def _pem_or_file(connection, value, what):
    """A path, or PEM text (written to a private temporary file) -> a path."""
    if isinstance(value, str) and "-----BEGIN" in value:
        return connection.temp_file(value.encode("utf-8"))
    path = os.path.expanduser(str(value))
    if not os.path.exists(path):
        raise KubeError("%s file %s not found" % (what, path))
    return path


def _nothing_configured(environ) -> str:
    """The message when no source gives a cluster: what was looked at, and how to give one."""
    if environ.get("KUBERNETES_SERVICE_HOST"):
        token_file = in_cluster_paths(environ)[0]
        pod = ("KUBERNETES_SERVICE_HOST is set but %s" % (
            "KUBERNETES_SERVICE_PORT is not" if not environ.get("KUBERNETES_SERVICE_PORT")
            else "the service-account token %s does not exist (automountServiceAccountToken off?)" % token_file))
    else:
        pod = "not running in a pod (KUBERNETES_SERVICE_HOST is not set)"
    return ("no Kubernetes cluster configured: kubeconfig file %s not found, no host given, and %s. Pass kubeconfig "
            "(or set K8S_AUTH_KUBECONFIG or KUBECONFIG), or host and api_key (or set K8S_AUTH_HOST and "
            "K8S_AUTH_API_KEY, as AWX's Kubernetes credential does)" % (
                os.pathsep.join(kubeconfig_paths(None, environ)), pod))


def _base(connection, settings, environ):
    """Load the kubeconfig or in-cluster configuration under the explicit settings; returns the Configuration."""
    configuration = Configuration()
    kubeconfig, context = settings.value("kubeconfig"), settings.value("context")
    if kubeconfig is None and settings.value("host") and _has_own_credentials(settings):
        connection.origin = "host from %s" % settings.source("host")
        return configuration
    if kubeconfig is None and not any(os.path.exists(p) for p in kubeconfig_paths(None, environ)) \
            and in_cluster_available(environ):
        connection.credential = _in_cluster(configuration, environ)
        connection.ca_source = "the in-cluster CA file %s" % in_cluster_paths(environ)[1]
        connection.origin = "in-cluster configuration"
        return configuration
    if kubeconfig is None and not any(os.path.exists(p) for p in kubeconfig_paths(None, environ)):
        if settings.value("host"):
            connection.origin = "host from %s, without a kubeconfig" % settings.source("host")
            return configuration
        raise KubeError(_nothing_configured(environ))
    paths = [] if isinstance(kubeconfig, dict) or (isinstance(kubeconfig, str) and _is_content(kubeconfig)) \
        else kubeconfig_paths(kubeconfig, environ)
    if paths and not any(os.path.exists(p) for p in paths):
        raise KubeError("kubeconfig file %s not found; pass kubeconfig=<path>, or set K8S_AUTH_KUBECONFIG or "
                        "KUBECONFIG" % os.pathsep.join(paths))
    try:
        selection = kubeconfig_module.select(kubeconfig_module.read(kubeconfig, paths), context)
    except yaml.YAMLError as exc:
        raise KubeError("kubeconfig is not valid YAML: %s" % exc) from None
    except OSError as exc:
        where = exc.filename or os.pathsep.join(paths)
        raise KubeError("cannot read kubeconfig %s: %s" % (where, exc.strerror or exc)) from None
    if selection.user is not None and "auth-provider" in selection.user.value:
        _auth_provider(connection, configuration, kubeconfig, selection.context, settings)
        return configuration
    _apply_kubeconfig(connection, configuration, selection, settings)
    return configuration


def _apply_kubeconfig(connection, configuration, selection, settings):
    """Set ``configuration`` and ``connection.credential`` from a kubeconfig :class:`.kubeconfig.Selection`, as
    client-go's ``DirectClientConfig.ClientConfig`` does: the cluster's server, CA (file or data), TLS options and
    proxy; the user's client certificate and key (file or data, the data written to private temporary files that
    ``Connection.close`` removes) and one credential, by the package's order: ``token``, else ``tokenFile``, else
    ``exec``, else ``username``/``password``."""
    cluster, user = selection.cluster, selection.user
    who = "kubeconfig user %r" % (selection.user_name or "?")
    server = cluster.get("server")
    if server:
        configuration.host = str(server).rstrip("/")
    elif not settings.value("host"):
        raise KubeError("kubeconfig %s: cluster %r has no server; set its cluster.server to https://HOST[:PORT], or "
                        "give host" % (selection.where, cluster.name))
    connection.origin = who
    exec_cert = None
    if user is not None:
        if user.get("token"):
            connection.credential = Credential(str(user.get("token")), who)
        elif user.get("tokenFile"):
            connection.credential = FileToken(user.path("tokenFile"), "the tokenFile of %s" % who)
        elif user.get("exec"):
            spec = user.get("exec")
            connection.credential = ExecCredential(spec if isinstance(spec, dict) else {}, selection.user_name,
                                                   user.base_directory())
            exec_cert = connection.credential.start()
        elif "username" in user.value and "password" in user.value:
            connection.credential = basic_credential(user.get("username"), user.get("password"), who)

    def write(data):
        return connection.temp_file(data)

    if str(configuration.host or "").startswith("https"):
        configuration.ssl_ca_cert = kubeconfig_module.file_or_data(cluster, "certificate-authority", write,
                                                                   "cluster")
        if user is not None and not exec_cert:
            configuration.cert_file = kubeconfig_module.file_or_data(user, "client-certificate", write, "user")
            configuration.key_file = kubeconfig_module.file_or_data(user, "client-key", write, "user")
    if "insecure-skip-tls-verify" in cluster.value:
        configuration.verify_ssl = not _boolean(cluster.get("insecure-skip-tls-verify"),
                                                "kubeconfig cluster %r: insecure-skip-tls-verify" % cluster.name)
    if cluster.get("tls-server-name"):
        configuration.tls_server_name = cluster.get("tls-server-name")
    if cluster.get("proxy-url"):
        configuration.proxy = cluster.get("proxy-url")
    if configuration.ssl_ca_cert:
        connection.ca_source = "the certificate-authority of the kubeconfig's cluster"
    if configuration.cert_file:
        connection.client_cert_source = who
    if exec_cert:
        configuration.cert_file = connection.temp_file(exec_cert[0].encode("utf-8"))
        configuration.key_file = connection.temp_file(exec_cert[1].encode("utf-8"))
        connection.client_cert_source = connection.credential.source


def _auth_provider(connection, configuration, kubeconfig, context, settings):
    """A user with an ``auth-provider`` (oidc...): loaded by the kubernetes package's KubeConfigLoader
    (kube/authprovider.py), which refreshes its tokens through ``configuration.refresh_api_key_hook``."""
    from . import authprovider  # deferred: speed: only auth-provider users need kubernetes.config (0.1 s of imports)
    loader = authprovider.load(kubeconfig, context, bool(settings.value("persist_config")), configuration)
    connection.credential = loader.credential
    connection.origin = "kubeconfig user %r" % loader.user_name()
    if configuration.ssl_ca_cert:
        connection.ca_source = "the certificate-authority of the kubeconfig's cluster"
    if configuration.cert_file:
        connection.client_cert_source = "kubeconfig user %r" % loader.user_name()
    if loader.exec_cert:
        configuration.cert_file = connection.temp_file(loader.exec_cert[0].encode("utf-8"))
        configuration.key_file = connection.temp_file(loader.exec_cert[1].encode("utf-8"))
        connection.client_cert_source = loader.credential.source
    if loader.credential is None and API_KEY in configuration.api_key:  # the provider's token: theirs
        connection.credential = None
    else:
        configuration.refresh_api_key_hook = None
        configuration.api_key.pop(API_KEY, None)


def _overlay(connection, configuration, settings):
    """Apply the explicit settings (options, K8S_AUTH_*, HELM_*) over the base configuration."""
    if settings.value("host"):
        configuration.host = _check_host(str(settings.value("host")), settings.source("host"))
    if settings.value("api_key"):
        connection.credential = Credential(str(settings.value("api_key")), settings.source("api_key"))
    elif settings.value("username") and settings.value("password"):
        connection.credential = basic_credential(settings.value("username"), settings.value("password"),
                                                 "%s and %s" % (settings.source("username"),
                                                                settings.source("password")))
    if settings.value("validate_certs") is not None:
        configuration.verify_ssl = settings.value("validate_certs")
    if settings.value("ca_cert"):
        configuration.ssl_ca_cert = _pem_or_file(connection, settings.value("ca_cert"),
                                                 "CA certificate (%s)" % settings.source("ca_cert"))
        connection.ca_source = "%s (%s)" % (settings.source("ca_cert"), configuration.ssl_ca_cert)
    if settings.value("client_cert"):
        configuration.cert_file = _pem_or_file(connection, settings.value("client_cert"),
                                               "client certificate (%s)" % settings.source("client_cert"))
        connection.client_cert_source = settings.source("client_cert")
    if settings.value("client_key"):
        configuration.key_file = _pem_or_file(connection, settings.value("client_key"),
                                              "client key (%s)" % settings.source("client_key"))
    if settings.value("tls_server_name"):
        configuration.tls_server_name = settings.value("tls_server_name")
    if settings.value("proxy"):
        configuration.proxy = settings.value("proxy")
    if settings.value("no_proxy"):
        configuration.no_proxy = settings.value("no_proxy")
    headers = settings.value("proxy_headers")
    if headers:
        if not isinstance(headers, dict):
            raise KubeError("proxy_headers: expected a dict with proxy_basic_auth, basic_auth or user_agent")
        known = {k: v for k, v in headers.items() if k in ("proxy_basic_auth", "basic_auth", "user_agent") and v}
        configuration.proxy_headers = urllib3.util.make_headers(**known)
    connection.impersonate_user = settings.value("impersonate_user")
    connection.impersonate_groups = settings.value("impersonate_groups") or []
    connection.impersonation_source = settings.source("impersonate_user") or settings.source("impersonate_groups")
    if not configuration.host or "://" not in configuration.host:
        raise KubeError("the cluster's server %r has no scheme: expected https://HOST[:PORT]" % configuration.host)


def resolve_connection(options=None, environ=None) -> Connection:
    """Build the :class:`Connection` for ``options`` (a dict with any of AUTH_OPTIONS; missing or None entries fall
    back to the environment, see the module docstring). Raises :class:`KubeError` for a missing or invalid
    kubeconfig, a host without a scheme, a certificate file not found, or a failing exec credential plugin."""
    if not HAS_KUBERNETES:
        raise KubeError("the Python package 'kubernetes' is required on the host that runs this module; "
                        "install it with: pip install 'kubernetes>=29'")
    environ = os.environ if environ is None else environ
    settings = Settings(options, environ)
    connection = Connection()
    try:
        configuration = _base(connection, settings, environ)
        _overlay(connection, configuration, settings)
    except BaseException:
        connection.close()
        raise
    if connection.credential is not None:
        credential = connection.credential

        def _hook(config):
            config.api_key[API_KEY] = credential.header() or PENDING
        configuration.refresh_api_key_hook = _hook
        configuration.api_key[API_KEY] = PENDING  # replaced by the hook before each request
    connection.configuration = configuration
    return connection


def _context_namespace(kubeconfig, context, environ):
    """(namespace, context name) of the kubeconfig context a connection uses (``context``, else current-context),
    from the merged kubeconfig (kube/kubeconfig.py: client-go's merge), read without running credential plugins;
    (None, name) when that context sets none or is not there. Raises KubeError, yaml errors or OSError when the
    kubeconfig cannot be read."""
    merged = kubeconfig_module.read(kubeconfig, kubeconfig_paths(kubeconfig, environ))
    name = context or merged.current_context
    stanza = merged.contexts.get(name)
    return (stanza.get("namespace") or None) if stanza else None, name


def resolve_namespace(namespace=None, options=None, environ=None) -> tuple:
    """The namespace a task works in when it names none, by Helm's rule (``pkg/cli/environment.go``
    ``EnvSettings.Namespace()`` over client-go's loader): ``namespace`` when given, else ``HELM_NAMESPACE``, else the
    namespace of the kubeconfig context the connection uses, else - for the in-cluster configuration - the pod's
    (:func:`in_cluster_namespace`), else ``"default"``.

    ``options`` are the connection options (as for :func:`resolve_connection`), so the context is the one the
    connection picks (``context``, ``K8S_AUTH_CONTEXT``, ``HELM_KUBECONTEXT``, the current context); a ``host``
    with credentials of its own reads no kubeconfig, so no context namespace either. Returns ``(namespace,
    source)``, ``source`` a label for results and messages (``"option"``, ``"HELM_NAMESPACE"``, ``"the namespace
    of kubeconfig context 'x'"``, ``"default"``...). A kubeconfig that cannot be read gives ``"default"``: the
    connection reports the real error.
    """
    if namespace:
        return namespace, "option"
    environ = os.environ if environ is None else environ
    settings = Settings({name: (options or {}).get(name) for name in AUTH_OPTIONS}, environ)
    if settings.value("namespace"):
        return settings.value("namespace"), settings.source("namespace")
    kubeconfig = settings.value("kubeconfig")
    if kubeconfig is None and settings.value("host") and _has_own_credentials(settings):
        return DEFAULT_NAMESPACE, "default"
    if kubeconfig is not None or any(os.path.exists(p) for p in kubeconfig_paths(None, environ)):
        try:
            found, context = _context_namespace(kubeconfig, settings.value("context"), environ)
        except (KubeError, yaml.YAMLError, OSError, AttributeError, TypeError):
            return DEFAULT_NAMESPACE, "default"
        if found:
            return found, "the namespace of kubeconfig context %r" % context
        return DEFAULT_NAMESPACE, "default"
    if in_cluster_available(environ):
        found, source = in_cluster_namespace(environ)
        if found:
            return found, source
    return DEFAULT_NAMESPACE, "default"


def _tls_failure(connection, reason) -> KubeError:
    return KubeError("TLS verification of %s failed: the CA certificate from %s does not verify the server's "
                     "certificate (%s). Give the CA that signed the server's certificate (ca_cert or "
                     "K8S_AUTH_SSL_CA_CERT), or, for a test cluster only, set validate_certs to false."
                     % (connection.configuration.host, connection.ca_source, reason))


def _send_checked(send, connection, method, url, headers, args, kwargs):
    try:
        return send(method, url, headers, *args, **kwargs)
    except urllib3.exceptions.MaxRetryError as exc:
        if isinstance(exc.reason, urllib3.exceptions.SSLError):
            raise _tls_failure(connection, _ssl_reason(exc.reason)) from None
        raise
    except ApiException as exc:
        if exc.status == 0 and "SSL" in str(exc.reason):
            raise _tls_failure(connection, _ssl_reason(exc.reason)) from None
        raise


def _ssl_reason(reason) -> str:
    text = str(reason)
    for marker in ("certificate verify failed: ", "CERTIFICATE_VERIFY_FAILED"):
        if marker in text:
            return text[text.index(marker):].split(" (_ssl", maxsplit=1)[0].rstrip(")'\" ")
    return text


def install_transport(rest, connection) -> None:
    """Make every request of ``rest`` (a kubernetes.client.rest.RESTClientObject; REST calls and discovery alike)
    carry the impersonation headers, fetch a changed token once more after a 401, and turn a final 401 into
    :class:`KubeError` naming the credential's source (:meth:`Connection.unauthorized`)."""
    send = rest.request
    extra = connection.headers()

    def request(method, url, headers=None, *args, **kwargs):
        headers = urllib3.HTTPHeaderDict({k: v for k, v in (headers or {}).items()
                                          if v is not None and not (k.lower() == "authorization" and v == PENDING)})
        for name, value in extra.items():
            for item in value if isinstance(value, list) else [value]:
                headers.add(name, item)
        response = _send_checked(send, connection, method, url, headers, args, kwargs)
        if response.status == 401 and connection.credential is not None and connection.credential.refresh():
            response.read()  # drain, so the connection goes back to the pool
            header = connection.credential.header()
            if header:
                headers["Authorization"] = header
            response = _send_checked(send, connection, method, url, headers, args, kwargs)
        if response.status == 401:
            raise KubeError(connection.unauthorized())
        return response

    rest.request = request
