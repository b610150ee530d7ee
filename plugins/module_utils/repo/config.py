"""Helm's repositories.yaml, its default locations and the repository cache layout.

Files written here are read by the real ``helm`` CLI and vice versa:

* ``repositories.yaml`` (Helm ``pkg/repo/repo.go`` ``File``/``Entry``): ``apiVersion``, ``generated`` and a list of
  entries with the keys ``name url username password certFile keyFile caFile insecure_skip_tls_verify
  pass_credentials_all``. Helm writes it with mode 0600; so do we.
* The cache (Helm ``pkg/helmpath``): ``<cache>/<name>-index.yaml`` is the downloaded index and
  ``<cache>/<name>-charts.txt`` the chart names in it, one a line.
* Locations (``pkg/cli/environment.go``, ``pkg/helmpath/lazypath*.go``): ``HELM_REPOSITORY_CONFIG`` else
  ``<config home>/repositories.yaml``; ``HELM_REPOSITORY_CACHE`` else ``<cache home>/repository``; config home is
  ``HELM_CONFIG_HOME`` else ``$XDG_CONFIG_HOME/helm`` else ``~/.config/helm`` (macOS ``~/Library/Preferences/helm``);
  cache home is ``HELM_CACHE_HOME`` else ``$XDG_CACHE_HOME/helm`` else ``~/.cache/helm`` (macOS
  ``~/Library/Caches/helm``).

Writes are atomic (temporary file in the same directory, fsync, rename) and callers hold :func:`locked` (an
``fcntl.flock`` on ``repositories.lock`` beside the file, the same lock file Helm's ``repo add`` takes).
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import fcntl
import os
import sys
import tempfile

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import RepositoryError
from ..transport import redact_url
from ..yaml import aliases
from ..yaml.safe import SafeDumper, SafeLoader

__all__ = [
    "RepositoryEntry", "RepositoryFile", "HelmPaths", "helm_paths", "load_repository_file",
    "save_repository_file", "locked", "atomic_write", "index_cache_path", "charts_list_path", "describe_yaml_error",
]


# repositories.yaml key -> RepositoryEntry attribute, in Helm's field order.
_ENTRY_KEYS = (
    ("name", "name"), ("url", "url"), ("username", "username"), ("password", "password"),
    ("certFile", "cert_file"), ("keyFile", "key_file"), ("caFile", "ca_file"),
    ("insecure_skip_tls_verify", "insecure_skip_tls_verify"), ("pass_credentials_all", "pass_credentials_all"),
)
_BOOL_ATTRS = ("insecure_skip_tls_verify", "pass_credentials_all")


class RepositoryEntry(object):
    """One repository of repositories.yaml (Helm ``repo.Entry``). Strings default to ``""``, booleans to False.

    Attributes: name, url, username, password, cert_file, key_file, ca_file (paths), insecure_skip_tls_verify,
    pass_credentials_all. ``password`` is a secret: it is never part of ``repr()`` or :meth:`public_dict`.
    """

    __slots__ = tuple(pair[1] for pair in _ENTRY_KEYS)

    def __init__(self, name, url, username="", password="", cert_file="", key_file="", ca_file="",
                 insecure_skip_tls_verify=False, pass_credentials_all=False):
        self.name = name
        self.url = url
        self.username = username or ""
        self.password = password or ""
        self.cert_file = cert_file or ""
        self.key_file = key_file or ""
        self.ca_file = ca_file or ""
        self.insecure_skip_tls_verify = bool(insecure_skip_tls_verify)
        self.pass_credentials_all = bool(pass_credentials_all)

    @classmethod
    def from_dict(cls, data, where="repositories.yaml"):
        """Build from a repositories.yaml mapping; raises RepositoryError naming ``where`` when malformed."""
        if not isinstance(data, dict):
            raise RepositoryError("%s: each item of 'repositories' must be a mapping, got %r" % (where, data))
        kwargs = {}
        for key, attr in _ENTRY_KEYS:
            value = data.get(key)
            if attr in _BOOL_ATTRS:
                kwargs[attr] = bool(value)
            else:
                kwargs[attr] = "" if value is None else str(value)
        if not kwargs["name"]:
            raise RepositoryError("%s: a repository entry has no 'name'; add one or remove the entry" % where)
        return cls(**kwargs)

    def to_dict(self):
        """The repositories.yaml mapping, every key present as Helm writes it."""
        return dict((key, getattr(self, attr)) for key, attr in _ENTRY_KEYS)

    def public_dict(self):
        """:meth:`to_dict` without the password (safe to show in task results and diffs)."""
        data = self.to_dict()
        data.pop("password")
        data["password_set"] = bool(self.password)
        data["url"] = redact_url(self.url)  # a token put in the URL's userinfo is a password too
        return data

    def __eq__(self, other):
        return isinstance(other, RepositoryEntry) and self.to_dict() == other.to_dict()

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "RepositoryEntry(name=%r, url=%r)" % (self.name, redact_url(self.url))


class RepositoryFile(object):
    """The parsed repositories.yaml (Helm ``repo.File``): ``api_version``, ``generated`` (str), ``repositories``."""

    def __init__(self, repositories=None, api_version="v1", generated=None):
        self.api_version = api_version
        self.generated = generated or _now_rfc3339()
        self.repositories = list(repositories or [])

    def get(self, name):
        """The entry called ``name``, or None."""
        for entry in self.repositories:
            if entry.name == name:
                return entry
        return None

    def update(self, entry):
        """Replace the entry with ``entry.name`` in place, or append it."""
        for i, existing in enumerate(self.repositories):
            if existing.name == entry.name:
                self.repositories[i] = entry
                return
        self.repositories.append(entry)

    def remove(self, name):
        """Remove the entry called ``name``; True if there was one."""
        before = len(self.repositories)
        self.repositories = [e for e in self.repositories if e.name != name]
        return len(self.repositories) != before

    def to_yaml(self):
        data = {
            "apiVersion": self.api_version,
            "generated": self.generated,
            "repositories": [e.to_dict() for e in self.repositories],
        }
        return yaml.dump(data, Dumper=SafeDumper, default_flow_style=False, sort_keys=True)


def entry_http_options(entry, timeout):
    """Keyword arguments of ``repo/index.py: update_index_cache`` (and the other HTTP calls) for a
    :class:`RepositoryEntry`: its credentials and TLS files, and ``timeout`` seconds."""
    return {"username": entry.username or None, "password": entry.password or None,
            "pass_credentials": entry.pass_credentials_all, "ca_file": entry.ca_file or None,
            "cert_file": entry.cert_file or None, "key_file": entry.key_file or None,
            "insecure_skip_tls_verify": entry.insecure_skip_tls_verify, "timeout": timeout}


def _now_rfc3339():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % now.microsecond


class HelmPaths(object):
    """Resolved Helm locations: config_home, cache_home, repository_config (file), repository_cache (dir)."""

    def __init__(self, config_home, cache_home, repository_config, repository_cache):
        self.config_home = config_home
        self.cache_home = cache_home
        self.repository_config = repository_config
        self.repository_cache = repository_cache

    def __repr__(self):
        return "HelmPaths(repository_config=%r, repository_cache=%r)" % (
            self.repository_config, self.repository_cache)


def _home_dir(env, helm_var, xdg_var, linux_default, darwin_default):
    if env.get(helm_var):
        return env[helm_var]
    if env.get(xdg_var):
        return os.path.join(env[xdg_var], "helm")
    home = env.get("HOME") or os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, darwin_default, "helm")
    return os.path.join(home, linux_default, "helm")


def helm_paths(repository_config=None, repository_cache=None, env=None):
    """Helm's locations, honouring explicit arguments first, then the environment like Helm does.

    ``env`` defaults to ``os.environ``. Returns :class:`HelmPaths`; nothing is created on disk.
    """
    env = os.environ if env is None else env
    config_home = _home_dir(env, "HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config", "Library/Preferences")
    cache_home = _home_dir(env, "HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache", "Library/Caches")
    config = (repository_config or env.get("HELM_REPOSITORY_CONFIG")
              or os.path.join(config_home, "repositories.yaml"))
    cache = repository_cache or env.get("HELM_REPOSITORY_CACHE") or os.path.join(cache_home, "repository")
    return HelmPaths(config_home, cache_home, os.path.expanduser(config), os.path.expanduser(cache))


def index_cache_path(cache_dir, name):
    """``<cache>/<name>-index.yaml``: where Helm keeps the downloaded index of repository ``name``."""
    return os.path.join(cache_dir, "%s-index.yaml" % name)


def charts_list_path(cache_dir, name):
    """``<cache>/<name>-charts.txt``: the chart names of repository ``name``, one a line."""
    return os.path.join(cache_dir, "%s-charts.txt" % name)


#: Cache names of repositories that are not in repositories.yaml: Helm's dependency manager names them
#: ``helm-manager-<sha256 of the URL>`` (pkg/downloader/manager.go); helmkit's chart-by-URL look-ups
#: ``helmkit-url-<hash>`` (Helm uses a random temporary name there).
MANAGER_PREFIX = "helm-manager-"
URL_PREFIX = "helmkit-url-"


def url_cache_name(repo_url):
    """Cache name for an index fetched by URL, stable across runs: ``helmkit-url-<16 hex of its sha256>``."""
    return URL_PREFIX + hashlib.sha256(repo_url.encode("utf-8")).hexdigest()[:16]


def manager_cache_name(repo_url):
    """Cache name Helm's dependency manager gives the repository at ``repo_url``: ``helm-manager-<sha256>``."""
    return MANAGER_PREFIX + hashlib.sha256(repo_url.encode("utf-8")).hexdigest()


def repository_of_cache_file(path):
    """NAME of the configured repository whose cache file is ``path`` (``<cache>/NAME-index.yaml``); "" for other
    files and for the cache names made from URLs (:data:`MANAGER_PREFIX`, :data:`URL_PREFIX`)."""
    base = os.path.basename(path)
    name = base[:-len("-index.yaml")] if base.endswith("-index.yaml") else ""
    return "" if name.startswith((MANAGER_PREFIX, URL_PREFIX)) else name


def parsed_index_path(index_path):
    """``<cache>/<name>-index.helmkit.json`` beside Helm's ``<name>-index.yaml`` (``index_path``): helmkit's parsed
    copy of that index (repo/index.py ``load_cached_index``), which Helm ignores."""
    base = index_path[:-len(".yaml")] if index_path.endswith(".yaml") else index_path
    return base + ".helmkit.json"


def repository_cache_files(cache_dir, name):
    """Every file the repository cache ``cache_dir`` holds for repository ``name`` (list of paths): Helm's index
    and chart list (helm.sh/helm/v4 pkg/repo/chartrepo.go), and helmkit's parsed index. The layout is defined by
    this module only."""
    index_path = index_cache_path(cache_dir, name)
    return [index_path, charts_list_path(cache_dir, name), parsed_index_path(index_path)]


def load_repository_file(path):
    """Read repositories.yaml at ``path``; a missing or empty file gives an empty :class:`RepositoryFile`.

    Raises RepositoryError (naming the file and the YAML line) when the file is not valid YAML or not a mapping.
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return RepositoryFile()
    except OSError as exc:
        raise RepositoryError("cannot read repository config %s: %s" % (path, exc.strerror))
    try:
        data = aliases.load(raw, SafeLoader)
    except yaml.YAMLError as exc:
        raise RepositoryError("repository config %s is not valid YAML: %s; fix or delete the file"
                              % (path, describe_yaml_error(exc)))
    if data is None:
        return RepositoryFile()
    if not isinstance(data, dict):
        raise RepositoryError("repository config %s must be a mapping with 'repositories', got %s"
                              % (path, type(data).__name__))
    items = data.get("repositories") or []
    if not isinstance(items, list):
        raise RepositoryError("repository config %s: 'repositories' must be a list" % path)
    entries = [RepositoryEntry.from_dict(item, where=path) for item in items]
    generated = data.get("generated")
    if isinstance(generated, datetime.datetime):
        generated = generated.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return RepositoryFile(entries, api_version=str(data.get("apiVersion") or "v1"),
                          generated=str(generated) if generated else None)


def describe_yaml_error(exc):
    """``"line N: problem"`` for a PyYAML error (the line is 1-based), or the error's text without a position."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return "line %d: %s" % (mark.line + 1, problem) if mark is not None else problem


def atomic_write(path, data, mode=0o644):
    """Write ``data`` (bytes) to ``path`` atomically: a temp file in the same directory, fsync, chmod, rename.

    Creates the parent directory (0755). Readers see either the old or the new file, never a partial one.
    Raises RepositoryError naming ``path`` on failure.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    except OSError as exc:
        raise RepositoryError("cannot write %s: %s" % (path, exc.strerror))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise RepositoryError("cannot write %s: %s" % (path, exc.strerror))


def save_repository_file(path, repo_file):
    """Write ``repo_file`` to ``path`` atomically with mode 0600 (it may hold passwords, as Helm does)."""
    atomic_write(path, repo_file.to_yaml().encode("utf-8"), mode=0o600)


def _lock_path(path):
    root, ext = os.path.splitext(path)
    return root + ".lock" if ext else path + ".lock"


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive ``fcntl.flock`` on ``<path without extension>.lock`` (Helm's repositories.lock).

    Blocks until the lock is free. Use around read-modify-write of repositories.yaml and cache files.
    """
    lock_file = _lock_path(path)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(lock_file)), exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise RepositoryError("cannot create lock file %s: %s" % (lock_file, exc.strerror))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
