"""Registry credentials: the chain Helm and Docker use, config files, credential helpers, Kubernetes Secrets.

Helm's registry client (pkg/registry/client.go, oras-go's ``credentials.NewStoreFromDocker``) reads its own
registry config (``HELM_REGISTRY_CONFIG`` or ``$HELM_CONFIG_HOME/registry/config.json``) and falls back to
Docker's (``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``). Both files have Docker's format:
``{"auths": {"host": {"auth": base64("user:pass"), "identitytoken": ...}}, "credHelpers": {"host": "name"},
"credsStore": "name"}``; a helper is the program ``docker-credential-<name>`` answering ``get`` with
``{"Username", "Secret"}`` (Username ``<token>`` means Secret is an identity token).

:func:`resolve_credentials` walks, highest precedence first: explicit username/password or token,
``registry_config_path``, Helm's registry config, Docker's config, anonymous. Every result says where it came from
(``source``) so that errors can name it without ever showing the secret.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess

from ..errors import RegistryError
from ..repo.config import atomic_write, helm_paths, locked

__all__ = ["Credential", "resolve_credentials", "helm_registry_config_path", "docker_config_path",
           "load_config_file", "lookup_config", "write_login", "remove_login", "secret_credentials",
           "normalize_host"]

ANONYMOUS = "anonymous"


class Credential(object):
    """Credentials for one registry host.

    ``username``/``password`` (Basic, and the token request's Basic auth), ``refresh_token`` (an identity token
    exchanged at the token realm, Docker's ``identitytoken``), ``access_token`` (sent as Bearer as is),
    ``source``: a description for messages such as ``"Helm registry config /home/u/.config/helm/registry/
    config.json"`` or ``"anonymous"``. ``repr()`` never shows secrets.
    """

    __slots__ = ("username", "password", "refresh_token", "access_token", "source")

    def __init__(self, username=None, password=None, refresh_token=None, access_token=None, source=ANONYMOUS):
        self.username = username or None
        self.password = password or None
        self.refresh_token = refresh_token or None
        self.access_token = access_token or None
        self.source = source

    @property
    def anonymous(self) -> bool:
        return not (self.username or self.password or self.refresh_token or self.access_token)

    def __repr__(self):
        return "Credential(username=%r, source=%r)" % (self.username, self.source)


def normalize_host(key: str) -> str:
    """The ``host[:port]`` of a config key (``https://index.docker.io/v1/`` -> ``index.docker.io``)."""
    key = key.strip()
    for scheme in ("https://", "http://", "oci://"):
        if key.startswith(scheme):
            key = key[len(scheme):]
    return key.split("/", 1)[0].lower()


def helm_registry_config_path(env=None) -> str:
    """Helm's registry config file: ``HELM_REGISTRY_CONFIG`` or ``<Helm config home>/registry/config.json``."""
    env = os.environ if env is None else env
    if env.get("HELM_REGISTRY_CONFIG"):
        return os.path.expanduser(env["HELM_REGISTRY_CONFIG"])
    return os.path.join(helm_paths(env=env).config_home, "registry", "config.json")


def docker_config_path(env=None) -> str:
    """Docker's config file: ``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``."""
    env = os.environ if env is None else env
    if env.get("DOCKER_CONFIG"):
        return os.path.join(os.path.expanduser(env["DOCKER_CONFIG"]), "config.json")
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".docker", "config.json")


def load_config_file(path: str) -> dict:
    """Read a Docker-format config file; a missing or empty file is ``{}``. Raises RegistryError naming the file
    when it is not a JSON object."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise RegistryError("cannot read registry config %s: %s" % (path, exc.strerror))
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise RegistryError("registry config %s is not valid JSON (%s); fix or remove the file" % (path, exc))
    if not isinstance(data, dict):
        raise RegistryError("registry config %s must be a JSON object with an \"auths\" map" % path)
    return data


def _from_auth_entry(entry, where):
    if not isinstance(entry, dict):
        return None
    username, password = entry.get("username"), entry.get("password")
    if entry.get("auth"):
        try:
            decoded = base64.b64decode(entry["auth"]).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise RegistryError("%s: the \"auth\" field is not base64 of user:password; log in again" % where)
        if ":" not in decoded:
            raise RegistryError("%s: the \"auth\" field does not decode to user:password; log in again" % where)
        username, password = decoded.split(":", 1)
    token = entry.get("identitytoken")
    access = entry.get("registrytoken")
    if not (username or password or token or access):
        return None
    return Credential(username, password, refresh_token=token, access_token=access, source=where)


def _run_helper(helper, host, where):
    program = "docker-credential-" + helper
    try:
        proc = subprocess.run([program, "get"], input=host.encode("utf-8"), capture_output=True, timeout=60,
                              check=False)
    except FileNotFoundError:
        raise RegistryError("%s names the credential helper \"%s\" for %s, but %s is not on PATH; install it or "
                            "remove the entry" % (where, helper, host, program))
    except subprocess.TimeoutExpired:
        raise RegistryError("credential helper %s did not answer for %s within 60 seconds" % (program, host))
    out = proc.stdout.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        if "credentials not found" in out.lower() or "credentials not found" in proc.stderr.decode(
                "utf-8", "replace").lower():
            return None
        raise RegistryError("credential helper %s failed for %s (exit status %d); check the helper's own "
                            "login" % (program, host, proc.returncode))
    try:
        data = json.loads(out)
    except ValueError:
        raise RegistryError("credential helper %s answered %s with something that is not JSON" % (program, host))
    source = "credential helper %s (%s)" % (program, where)
    if data.get("Username") == "<token>":
        return Credential(refresh_token=data.get("Secret"), source=source)
    return Credential(data.get("Username"), data.get("Secret"), source=source)


def lookup_config(config: dict, host: str, where: str):
    """Credentials for ``host`` from one Docker-format config dict, or None.

    Order: ``credHelpers[host]``, then an ``auths`` entry holding credentials, then ``credsStore``. ``where``
    names the file for messages. Raises RegistryError when a helper is missing or fails, or an entry is corrupt.
    """
    helpers = config.get("credHelpers") or {}
    for key, helper in helpers.items():
        if normalize_host(key) == host and helper:
            return _run_helper(str(helper), host, where)
    for key, entry in (config.get("auths") or {}).items():
        if normalize_host(key) == host:
            found = _from_auth_entry(entry, where)
            if found is not None:
                return found
    store = config.get("credsStore")
    if store:
        return _run_helper(str(store), host, where)
    return None


def resolve_credentials(host, username=None, password=None, token=None, registry_config_path=None, env=None):
    """Credentials for ``host`` (``host[:port]``) by Helm's precedence; returns a :class:`Credential` (possibly
    anonymous, ``source="anonymous"``).

    ``token`` is sent as a Bearer access token (``password`` without ``username`` is treated the same way).
    ``env`` defaults to ``os.environ``. Raises RegistryError for a corrupt config file or a failing helper.
    """
    host = normalize_host(host)
    if username or password or token:
        if token or (password and not username):
            return Credential(access_token=token or password, source="the token option")
        return Credential(username, password, source="the username/password options")
    files = []
    if registry_config_path:
        files.append(("registry_config %s" % registry_config_path, os.path.expanduser(registry_config_path)))
    files.append(("Helm registry config %s" % helm_registry_config_path(env), helm_registry_config_path(env)))
    files.append(("Docker config %s" % docker_config_path(env), docker_config_path(env)))
    for where, path in files:
        found = lookup_config(load_config_file(path), host, where)
        if found is not None:
            return found
    return Credential()


def _auth_entry(username, password):
    return {"auth": base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")}


def write_login(path, host, username, password, check_mode=False) -> bool:
    """Store ``username``/``password`` for ``host`` in the Docker-format file ``path`` like ``helm registry
    login``: atomic write (temp file + rename) under a file lock, mode 0600. Other entries are kept.

    Returns True when the file changed (False when the same credentials were already stored). In
    ``check_mode`` nothing is written. Raises RegistryError naming ``path``.
    """
    host = normalize_host(host)
    with locked(path):
        config = load_config_file(path)
        auths = config.setdefault("auths", {})
        if not isinstance(auths, dict):
            raise RegistryError("registry config %s: \"auths\" must be a JSON object" % path)
        wanted = _auth_entry(username, password)
        current = auths.get(host)
        if isinstance(current, dict) and current.get("auth") == wanted["auth"]:
            return False
        if check_mode:
            return True
        entry = dict(current) if isinstance(current, dict) else {}
        entry.pop("identitytoken", None)
        entry.update(wanted)
        auths[host] = entry
        _save(path, config)
        return True


def remove_login(path, host, check_mode=False) -> bool:
    """Remove ``host`` from the Docker-format file ``path`` (``helm registry logout``). Returns True when an entry
    was removed; False (nothing written) when none was there."""
    host = normalize_host(host)
    with locked(path):
        config = load_config_file(path)
        auths = config.get("auths") or {}
        keys = [k for k in auths if normalize_host(k) == host]
        if not keys:
            return False
        if check_mode:
            return True
        for key in keys:
            del auths[key]
        _save(path, config)
        return True


def _save(path, config):
    try:
        atomic_write(path, (json.dumps(config, indent="\t") + "\n").encode("utf-8"), mode=0o600)
    except RegistryError:
        raise
    except Exception as exc:  # RepositoryError from the shared writer: same message, registry error class
        raise RegistryError(str(exc))


def _b64_field(data, key, where):
    try:
        return base64.b64decode(data[key]).decode("utf-8")
    except (ValueError, UnicodeDecodeError, TypeError):
        raise RegistryError("%s: data.%s is not base64-encoded UTF-8 text" % (where, key))


def secret_credentials(read_secret, name, namespace, fallback_namespace, host):
    """Registry credentials for ``host`` from the Kubernetes Secret ``name``.

    ``read_secret(name, namespace)`` returns the Secret as a dict (``type``, ``data`` with base64 values) or None
    when it does not exist. The release ``namespace`` is tried first, then ``fallback_namespace``. A Secret of type
    ``kubernetes.io/dockerconfigjson`` gives the entry for ``host`` from its ``.dockerconfigjson``; any other
    Secret must have ``username`` and ``password`` keys, or a ``token`` key (sent as a Bearer token). Returns a :class:`Credential`. Raises RegistryError when
    the Secret is in neither namespace (naming both), or has no usable entry for ``host``.
    """
    host = normalize_host(host)
    tried = []
    secret = None
    for ns in (namespace, fallback_namespace):
        if not ns or ns in tried:
            continue
        tried.append(ns)
        secret = read_secret(name, ns)
        if secret is not None:
            break
    if secret is None:
        raise RegistryError('credentials Secret "%s" was not found in namespace %s; create it or fix '
                            "credentials_secret" % (name, " nor in ".join('"%s"' % ns for ns in tried)))
    where = 'Secret "%s/%s"' % (ns, name)
    data = secret.get("data") or {}
    if secret.get("type") == "kubernetes.io/dockerconfigjson":
        if ".dockerconfigjson" not in data:
            raise RegistryError("%s has type kubernetes.io/dockerconfigjson but no .dockerconfigjson key" % where)
        try:
            config = json.loads(_b64_field(data, ".dockerconfigjson", where))
        except ValueError:
            raise RegistryError("%s: .dockerconfigjson is not valid JSON" % where)
        found = None
        for key, entry in ((config or {}).get("auths") or {}).items():
            if normalize_host(key) == host:
                found = _from_auth_entry(entry, where)
        if found is None:
            raise RegistryError("%s has no credentials for registry %s in its .dockerconfigjson (it has: %s)"
                                % (where, host, ", ".join(sorted((config or {}).get("auths") or {})) or "none"))
        return found
    if "username" in data and "password" in data:
        return Credential(_b64_field(data, "username", where), _b64_field(data, "password", where), source=where)
    if "token" in data:
        return Credential(access_token=_b64_field(data, "token", where), source=where)
    raise RegistryError("%s must be of type kubernetes.io/dockerconfigjson or have username and password keys, or "
                        "a token key" % where)
