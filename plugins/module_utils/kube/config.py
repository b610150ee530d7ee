"""Where a connection to a Kubernetes cluster comes from: options, environment, kubeconfig or in-cluster.

Each setting is taken from the first of (docs/getting-started.md has the same table):

1. the option (``host``, ``api_key``, ... - kubernetes.core's names, see args_common.KUBE_AUTH_ARG_SPEC);
2. its ``K8S_AUTH_*`` environment variable (kubernetes.core's, and what AWX's Kubernetes credential injects);
3. Helm's ``HELM_KUBE*`` variable (``HELM_KUBEAPISERVER``, ``HELM_KUBETOKEN``, ...);
4. the kubeconfig: ``kubeconfig``/``K8S_AUTH_KUBECONFIG``, else ``KUBECONFIG`` (paths joined by ``:`` are merged, as
   client-go does), else ``~/.kube/config``;
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

import base64
import datetime
import json
import os
import subprocess
import tempfile
import threading

from ..errors import KubeError
from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..yaml import aliases
from ..yaml.safe import SafeLoader

try:  # The kubernetes package is a runtime requirement; keep the import error readable when it is missing.
    import urllib3
    from kubernetes import client as k8s_client
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger
    HAS_KUBERNETES = True
except ImportError:  # pragma: no cover - depends on the host
    HAS_KUBERNETES = False
    KubeConfigLoader = object

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
_EXEC_TIMEOUT = 120  # seconds an exec credential plugin may take (it may open a browser for a login)


def _is_content(text: str) -> bool:
    return "\n" in text or text.lstrip().startswith(("apiVersion", "{", "clusters", "kind:"))


def _load_yaml(text):
    """A kubeconfig (text or an open file) parsed, with go-yaml's alias guards (yaml/aliases.py)."""
    if hasattr(text, "read"):
        text = text.read()
    return aliases.load(text, SafeLoader)


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


# -- credentials -------------------------------------------------------------------------------------------------------

class Credential:
    """A bearer token (or Basic header) and where it came from. ``header()`` returns the Authorization value;
    ``refresh()`` forgets a cached token so the next ``header()`` reads it again (True when that can change it)."""

    kind = "token"

    def __init__(self, value, source, scheme="Bearer"):
        self._value = value
        self.source = source
        self.scheme = scheme

    def header(self) -> str:
        return "%s %s" % (self.scheme, self._value)

    def refresh(self) -> bool:
        return False

    def secrets(self) -> set:
        return {self._value}

    def refused(self) -> str:
        """The 401 explanation: which credential the server refused."""
        if self.scheme == "Basic":
            return "the username and password from %s were refused (API servers since Kubernetes 1.19 accept no " \
                   "basic authentication; use a token)" % self.source
        return "the token from %s was refused" % self.source


def basic_credential(username, password, source):
    """A Credential sending ``Authorization: Basic`` for ``username``/``password``."""
    raw = base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")
    cred = Credential(raw, source, scheme="Basic")
    cred.secrets = lambda: {raw, password}
    return cred


class FileToken(Credential):
    """A token read from a file, again whenever the file changes (a kubelet rotates projected service-account
    tokens; client-go re-reads them) and on ``refresh()``."""

    def __init__(self, path, source):
        super().__init__(None, source)
        self.path = path
        self._stamp = None
        self._lock = threading.Lock()

    def header(self) -> str:
        with self._lock:
            try:
                info = os.stat(self.path)
            except OSError as exc:
                raise KubeError("cannot read the token file %s (%s): %s" % (self.path, self.source, exc.strerror))
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            if stamp != self._stamp or self._value is None:
                with open(self.path, encoding="utf-8") as handle:
                    self._value = handle.read().strip()
                self._stamp = stamp
            return "Bearer %s" % self._value

    def refresh(self) -> bool:
        with self._lock:
            self._stamp = None
        return True

    def secrets(self) -> set:
        return {self._value} if self._value else set()


def _parse_time(text):
    try:
        return datetime.datetime.strptime(text.replace("Z", "+00:00").split(".")[0].replace("+00:00", ""),
                                          "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except (ValueError, AttributeError):
        return None


class ExecCredential(Credential):
    """A kubeconfig ``exec`` credential plugin (client.authentication.k8s.io ExecCredential, as client-go's
    ``plugin/pkg/client/auth/exec`` runs it): the command runs with ``args``, ``env`` and ``KUBERNETES_EXEC_INFO``;
    its ``status.token`` is cached until ``status.expirationTimestamp`` and fetched again after a 401.
    Client certificates (``clientCertificateData``/``clientKeyData``) are read once, at connection time.
    Raises :class:`KubeError` naming the command when it is missing, fails (with its stderr) or prints no
    ExecCredential; the output itself (the token) never appears in a message."""

    def __init__(self, spec, user, base_path):
        super().__init__(None, "the exec plugin of kubeconfig user %r" % user)
        self.spec = spec
        self.user = user
        self.base_path = base_path
        self.expiry = None
        self.status = None
        self._lock = threading.Lock()

    def _command(self):
        command = self.spec.get("command") or ""
        if not command:
            raise KubeError("kubeconfig user %r: exec has no command" % self.user)
        if os.sep in command and not os.path.isabs(command) and self.base_path:
            command = os.path.join(self.base_path, command)
        return command

    def run(self) -> dict:
        """Run the plugin; returns the ExecCredential ``status`` dict."""
        command = self._command()
        api_version = self.spec.get("apiVersion") or "client.authentication.k8s.io/v1"
        env = dict(os.environ)
        for item in self.spec.get("env") or []:
            env[str(item.get("name"))] = str(item.get("value", ""))
        env["KUBERNETES_EXEC_INFO"] = json.dumps({"apiVersion": api_version, "kind": "ExecCredential",
                                                  "spec": {"interactive": False}})
        argv = [command] + [str(a) for a in self.spec.get("args") or []]
        try:
            done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=_EXEC_TIMEOUT, check=False)
        except FileNotFoundError:
            hint = self.spec.get("installHint")
            raise KubeError("kubeconfig user %r: the exec credential plugin %r was not found%s" % (
                self.user, command, ("; " + hint.strip()) if hint else "; install it or fix exec.command")) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KubeError("kubeconfig user %r: the exec credential plugin %r could not run: %s"
                            % (self.user, command, getattr(exc, "strerror", None) or exc)) from None
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip()[-2000:]
            raise KubeError("kubeconfig user %r: the exec credential plugin %r exited with status %d: %s"
                            % (self.user, command, done.returncode, stderr or "(no output on stderr)"))
        try:
            answer = json.loads(done.stdout.decode("utf-8"))
            status = answer["status"]
            if not isinstance(status, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise KubeError("kubeconfig user %r: the exec credential plugin %r did not print an ExecCredential "
                            "with a status (expected JSON: {\"kind\": \"ExecCredential\", \"status\": {\"token\": "
                            "...}})" % (self.user, command)) from None
        if not status.get("token") and not status.get("clientCertificateData"):
            raise KubeError("kubeconfig user %r: the ExecCredential of %r has neither status.token nor "
                            "status.clientCertificateData" % (self.user, command))
        return status

    def _fresh(self):
        if self.status is None or (self.expiry is not None
                                   and datetime.datetime.now(datetime.timezone.utc) >= self.expiry):
            self.status = self.run()
            self.expiry = _parse_time(self.status.get("expirationTimestamp"))
            self._value = self.status.get("token")

    def header(self) -> str:
        with self._lock:
            self._fresh()
            return "Bearer %s" % self._value if self._value else None

    def refresh(self) -> bool:
        with self._lock:
            self.status = None
        return True

    def secrets(self) -> set:
        return {v for v in (self._value, (self.status or {}).get("clientKeyData")) if v}


# -- kubeconfig --------------------------------------------------------------------------------------------------------

class _Loader(KubeConfigLoader):
    """client's KubeConfigLoader, with ``tokenFile`` and ``exec`` users left to this module (re-read, refreshed,
    with clear errors) instead of being read once or failing into a log line."""

    credential = None

    def _load_user_token(self):
        if "tokenFile" in self._user and not self._user.safe_get("token"):
            path = os.path.join(self._get_base_path(self._user.path), self._user["tokenFile"])
            self.credential = FileToken(path, "the tokenFile of kubeconfig user %r" % self._user_name())
            return True
        found = super()._load_user_token()
        if found:
            self.credential = Credential(self.token.split(" ", 1)[1],
                                         "kubeconfig user %r" % self._user_name())
        return found

    def _load_from_exec_plugin(self):
        if "exec" not in self._user:
            return None
        spec = self._user["exec"].value
        self.credential = ExecCredential(spec if isinstance(spec, dict) else {}, self._user_name(),
                                         self._get_base_path(self._user.path))
        status = self.credential.run()
        self.credential.status = status
        self.credential.expiry = _parse_time(status.get("expirationTimestamp"))
        self.credential._value = status.get("token")
        if status.get("clientCertificateData"):
            self.exec_cert = (status.get("clientCertificateData"), status.get("clientKeyData") or "")
        return True

    def _load_user_pass_token(self):
        if "username" in self._user and "password" in self._user:
            self.credential = basic_credential(self._user["username"], self._user["password"],
                                               "kubeconfig user %r" % self._user_name())
            return True
        return None

    def _user_name(self):
        return self._current_context["context"].safe_get("user") or "?"


def _kubeconfig_loader(kubeconfig, context, persist):
    """A loaded ``_Loader`` for a kubeconfig path (``:``-joined paths merge), dict or YAML text."""
    if isinstance(kubeconfig, dict):
        return _Loader(config_dict=kubeconfig, active_context=context, config_base_path=None)
    if isinstance(kubeconfig, str) and _is_content(kubeconfig):
        data = _load_yaml(kubeconfig)
        if not isinstance(data, dict):
            raise KubeError("kubeconfig: the given text is not a kubeconfig (expected a YAML mapping)")
        return _Loader(config_dict=data, active_context=context, config_base_path=None)
    paths = kubeconfig_paths(kubeconfig)
    if not any(os.path.exists(p) for p in paths):
        raise KubeError("kubeconfig file %s not found; pass kubeconfig=<path>, or set K8S_AUTH_KUBECONFIG or "
                        "KUBECONFIG" % os.pathsep.join(paths))
    merger = KubeConfigMerger(os.pathsep.join(paths))
    if merger.config is None:
        raise KubeError("kubeconfig file %s holds no configuration" % os.pathsep.join(paths))
    return _Loader(config_dict=merger.config, active_context=context, config_base_path=None,
                   config_persister=merger.save_changes if persist else None)


def _kubeconfig_documents(kubeconfig, paths: list) -> list:
    """The kubeconfig documents (dicts) of ``kubeconfig`` (a dict or YAML text), else of the existing files
    ``paths``, read without running credential plugins. Raises OSError, yaml errors or KubeError."""
    if isinstance(kubeconfig, dict):
        documents = [kubeconfig]
    elif isinstance(kubeconfig, str) and _is_content(kubeconfig):
        documents = [_load_yaml(kubeconfig)]
    else:
        documents = []
        for path in paths:
            if os.path.exists(path):
                with open(path, "rb") as handle:
                    documents.append(_load_yaml(handle))
    return [doc for doc in documents if isinstance(doc, dict)]


def _context_names(kubeconfig, paths: list):
    """Sorted context names of ``kubeconfig`` (a dict, YAML text, or the files ``paths`` merged), or None when it
    cannot be read: for the error that names a context which is not there."""
    try:
        documents = _kubeconfig_documents(kubeconfig, paths)
        return sorted({entry.get("name") for doc in documents
                       for entry in doc.get("contexts") or [] if isinstance(entry, dict) and entry.get("name")})
    except (OSError, yaml.YAMLError):
        return None


def kubeconfig_paths(kubeconfig=None, environ=None) -> list:
    """The kubeconfig files to read: ``kubeconfig``, else ``KUBECONFIG`` (``:``-joined), else ~/.kube/config."""
    environ = os.environ if environ is None else environ
    path = kubeconfig or environ.get("KUBECONFIG") or DEFAULT_KUBECONFIG
    return [os.path.expanduser(p) for p in str(path).split(os.pathsep) if p]


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
        elif self.configuration.api_key.get("BearerToken"):
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
    configuration = k8s_client.Configuration()
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
    try:
        loader = _kubeconfig_loader(kubeconfig, context, bool(settings.value("persist_config")))
        loader.load_and_set(configuration)
    except ConfigException as exc:
        paths = [] if isinstance(kubeconfig, dict) or (isinstance(kubeconfig, str) and _is_content(kubeconfig)) \
            else kubeconfig_paths(kubeconfig, environ)
        names = _context_names(kubeconfig, paths) if context else None
        if names is not None and context not in names:
            raise KubeError("kubeconfig %s has no context %r; its contexts are: %s. Set context to one of them, or "
                            "leave it unset for the kubeconfig's current-context"
                            % (os.pathsep.join(paths) or "(given as data)", context,
                               ", ".join(names) or "none")) from None
        raise KubeError("invalid kubeconfig%s: %s" % (" (context %r)" % context if context else "", exc)) from None
    except yaml.YAMLError as exc:
        raise KubeError("kubeconfig is not valid YAML: %s" % exc) from None
    connection.credential = loader.credential
    connection.origin = "kubeconfig user %r" % loader._user_name()
    if configuration.ssl_ca_cert:
        connection.ca_source = "the certificate-authority of the kubeconfig's cluster"
    if configuration.cert_file:
        connection.client_cert_source = "kubeconfig user %r" % loader._user_name()
    exec_cert = getattr(loader, "exec_cert", None)
    if exec_cert:
        configuration.cert_file = connection.temp_file(exec_cert[0].encode("utf-8"))
        configuration.key_file = connection.temp_file(exec_cert[1].encode("utf-8"))
        connection.client_cert_source = loader.credential.source
    if loader.credential is None and "BearerToken" in configuration.api_key:  # auth-provider (oidc, gcp): theirs
        connection.credential = None
    else:
        configuration.refresh_api_key_hook = None
        configuration.api_key.pop("BearerToken", None)
    return configuration


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
            config.api_key["BearerToken"] = credential.header() or PENDING
        configuration.refresh_api_key_hook = _hook
        configuration.api_key["BearerToken"] = PENDING  # replaced by the hook before each request
    connection.configuration = configuration
    return connection


def _context_namespace(kubeconfig, context, environ):
    """(namespace, context name) of the kubeconfig context a connection uses (``context``, else current-context),
    read without running credential plugins; (None, name) when that context sets none. Raises KubeError, yaml
    errors or ConfigException when the kubeconfig cannot be read."""
    documents = _kubeconfig_documents(kubeconfig, kubeconfig_paths(kubeconfig, environ))
    # client-go's merge of several files: the first file that sets current-context, or names a context, wins.
    name = context or next((doc["current-context"] for doc in documents if doc.get("current-context")), None)
    for doc in documents:
        for entry in doc.get("contexts") or []:
            if isinstance(entry, dict) and entry.get("name") == name:
                return (entry.get("context") or {}).get("namespace") or None, name
    return None, name


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
        except (yaml.YAMLError, OSError, AttributeError, TypeError):
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


def install_transport(api_client, connection) -> None:
    """Make every request of ``api_client`` (REST calls and discovery alike) carry the impersonation headers,
    fetch a changed token once more after a 401, and turn a final 401 into :class:`KubeError` naming the
    credential's source (:meth:`Connection.unauthorized`)."""
    rest = api_client.rest_client
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
