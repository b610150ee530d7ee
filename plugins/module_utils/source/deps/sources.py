"""Where dependencies come from: repository look-up, index loading (once per run), version resolution, downloads.

Behaviour follows Helm's pkg/downloader/manager.go (``resolveRepoNames``, ``ensureMissingRepos``, ``findChartURL``,
``downloadAll``, ``tarFromLocalDir``) and internal/resolver/resolver.go (``Resolve``):

* ``repository: ""``: the chart is already unpacked in ``charts/<name>``;
* ``file://path``: a chart directory relative to the parent chart (or absolute); locked at its Chart.yaml version
  and packaged into ``charts/`` (its own ``file://`` dependencies are not followed, as in Helm, so a circular
  reference cannot loop);
* ``@name`` / ``alias:name``: a repository of repositories.yaml; the URL replaces the alias in the lock and digest;
* ``https://...``: a configured repository with an equal URL, else an unmanaged one cached as
  ``helm-manager-<sha256 of the URL>`` like Helm;
* ``oci://registry/path``: tags of ``registry/path/<name>`` are matched (``source/locate.py``, OCI transport).

Every archive is downloaded through ``source/locate.py`` with SourceOptions' one credential precedence.

Unlike Helm, only the repositories the chart uses are refreshed (Helm refreshes every configured repository),
each index is downloaded and parsed once per run (the parsed-index JSON cache of repo/index.py), indexes and
archives are fetched concurrently by a bounded pool, and an unreachable repository is an error naming it.
"""
from __future__ import annotations

import os
import posixpath
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from ...chart.loader import load_chart
from ...chart.package import archive_bytes
from ...errors import ChartError, RegistryError, RepositoryError
from ...oci.reference import parse_reference, tag_to_version
from ...repo.config import (
    MANAGER_PREFIX, RepositoryEntry, atomic_write, charts_list_path, helm_paths, index_cache_path, load_repository_file,
    locked, manager_cache_name, parsed_index_path)
from ...repo.fetch import read_chart_metadata
from ...repo.index import (
    http_get, load_cached_index, nearest_versions, parse_index, read_index_file, redact_url, resolve_reference_url,
    save_parsed_index)
from ...safepath import join_inside
from ...semver import SemverError, parse_constraint, parse_version
from ...transport import sha256_file
from ..locate import Resolved, download_resolved, locate
from ..options import SourceOptions
from ..ref import ChartRef
from ..verify import fetch_for, fetch_http_provenance, fetch_oci_provenance, verify_chart
from .partialindex import index_chart_names, partial_index

__all__ = ["SourceOptions", "Sources", "urls_equal", "MANAGER_PREFIX"]


def _clean_path(path):
    cleaned = posixpath.normpath(path or "/")
    return "/" if cleaned in (".", "//") else cleaned


def urls_equal(a, b):
    """Helm's ``urlutil.Equal``: the same URL once empty paths become ``/`` and paths are cleaned."""
    pa, pb = urlsplit(a), urlsplit(b)
    if not pa.scheme or not pb.scheme:
        return posixpath.normpath(a) == posixpath.normpath(b)
    return (pa.scheme, pa.netloc, _clean_path(pa.path), pa.query) == (pb.scheme, pb.netloc, _clean_path(pb.path),
                                                                      pb.query)


def local_path(repository, chart_path):
    """Helm's ``resolver.GetLocalPath``: the directory a ``file://`` repository names; ChartError when missing."""
    rel = repository[len("file://"):] if repository.startswith("file://") else repository
    path = os.path.abspath(rel) if rel.startswith("/") else os.path.normpath(os.path.join(chart_path, rel))
    if not os.path.exists(path):
        raise ChartError("directory %s not found (repository %s of chart %s); fix the file:// path, it is relative "
                         "to the chart directory" % (path, repository, chart_path))
    return path


def pool_map(func, items, workers):
    """``[func(item) for item in items]`` on a bounded thread pool; the first exception (in item order) is
    raised after every task finished."""
    items = list(items)
    if len(items) <= 1 or workers <= 1:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        futures = [pool.submit(func, item) for item in items]
    return [f.result() for f in futures]


class Fetched(object):
    """An archive to place into ``charts/``: ``filename``, and either ``path`` (a cached file) or ``data``;
    ``provenance``: the verification dict when ``SourceOptions.verify`` checked it (else None)."""

    __slots__ = ("filename", "path", "data", "name", "version", "skipped", "provenance")

    def __init__(self, filename, path=None, data=None, name="", version="", skipped=False):
        self.filename = filename
        self.path = path
        self.data = data
        self.name = name
        self.version = version
        self.skipped = skipped
        self.provenance = None

    def read(self):
        if self.data is not None:
            return self.data
        with open(self.path, "rb") as fh:
            return fh.read()


class Sources(object):
    """Repository state for one update/build run of the chart at ``chart_path`` (``file://`` paths relative to
    ``local_base``, default the chart).

    Methods raise ChartError, RepositoryError or RegistryError with a message naming the dependency and the
    repository.
    """

    def __init__(self, chart_path, options, local_base=None):
        self.chart_path = chart_path
        self.local_base = local_base or chart_path
        self.options = options
        self.paths = helm_paths(options.repository_config, options.repository_cache)
        self.repo_file = load_repository_file(self.paths.repository_config)
        self.entries = {}        # repository URL as written in the dependency -> RepositoryEntry
        self._indexes = {}       # entry name -> IndexFile
        self._lock = threading.Lock()
        self._oci = {}           # (repository, name, version) -> PulledChart

    # -- repositories -------------------------------------------------------------------------------------------
    def resolve_repo_names(self, deps):
        """Helm's ``resolveRepoNames`` + ``ensureMissingRepos``: find the repository of every HTTP dependency.

        ``@name``/``alias:name`` repositories are replaced in ``deps`` (in place) by the repository URL, as Helm
        does before hashing. Raises RepositoryError listing repositories that are neither configured nor URLs.
        """
        missing = []
        for dep in deps:
            repo = dep.get("repository", "")
            if not repo or repo.startswith("oci://"):
                continue
            if repo.startswith("file://"):
                local_path(repo, self.local_base)
                continue
            entry = None
            for alias_prefix in ("@", "alias:"):
                if repo.startswith(alias_prefix):
                    entry = self.repo_file.get(repo[len(alias_prefix):])
                    if entry is not None:
                        dep["repository"] = entry.url
                    break
            else:
                entry = next((e for e in self.repo_file.repositories if urls_equal(e.url, repo)), None)
                if entry is None and urlsplit(repo).scheme in ("http", "https"):
                    entry = RepositoryEntry(manager_cache_name(repo), repo)
            if entry is None:
                missing.append(repo)
                continue
            self.entries[dep["repository"]] = entry
        if missing:
            raise RepositoryError(
                "no repository definition for %s. Please add them via 'helm repo add' (with helmkit.core."
                "helm_repository), or write the repository URL instead of the name (%s)"
                % (", ".join(missing), self.paths.repository_config))

    def _http_options(self, entry):
        """``http_get`` options for the repository ``entry``: SourceOptions' one credential precedence."""
        return self.options.http_options(entry, urlsplit(entry.url).netloc.rsplit("@", 1)[-1].lower())

    def load_indexes(self, deps):
        """Load (refresh unless ``skip_refresh``) the index of each repository the HTTP dependencies ``deps`` use,
        each once, concurrently. Raises RepositoryError naming an unreachable repository."""
        wanted = {}
        for dep in deps:
            entry = self.entries.get(dep["repository"])
            if entry is not None and entry.name not in self._indexes:
                wanted.setdefault(entry.name, (entry, set()))[1].add(dep["name"])
        pool_map(self._load_index, list(wanted.values()), self.options.max_workers)

    def _load_index(self, job):
        entry, names = job
        cache = self.paths.repository_cache
        yaml_path = index_cache_path(cache, entry.name)
        url = redact_url(entry.url)
        label = url if entry.name.startswith(MANAGER_PREFIX) else '"%s" (%s)' % (entry.name, url)
        with locked(yaml_path):
            if self.options.skip_refresh:
                if not os.path.isfile(yaml_path):
                    raise RepositoryError(
                        "no cached repository for %s found. (try 'helm repo update'): skip_refresh is set and %s "
                        "does not exist; run without skip_refresh" % (label, yaml_path))
                index = self._cached_index(yaml_path, names, None)
            else:
                try:
                    index = self._refresh_index(entry, yaml_path, names)
                except RepositoryError as exc:
                    raise RepositoryError("cannot update repository %s: %s" % (label, exc))
        with self._lock:
            self._indexes[entry.name] = index
        return index

    @staticmethod
    def _cached_index(yaml_path, names, data):
        """The index in Helm's cache file: the parsed JSON cache when there is one, else only the charts
        ``names`` parsed from the YAML (the whole file when its layout is unusual)."""
        if os.path.isfile(parsed_index_path(yaml_path)):
            return load_cached_index(yaml_path)
        if data is None:
            data = read_index_file(yaml_path)  # under HELMKIT_MAX_INDEX_BYTES
        return partial_index(data, names, source=yaml_path) or load_cached_index(yaml_path)

    def _refresh_index(self, entry, yaml_path, names):
        """Download the index again. Bytes equal to the cached file reuse the cache; otherwise the file is
        replaced and only the charts ``names`` are parsed (helm #9865: parsing megabytes of YAML is the cost)."""
        index_url = resolve_reference_url(entry.url, "index.yaml")
        data = http_get(index_url, what="repository index", **self._http_options(entry))
        if os.path.isfile(yaml_path) and os.path.getsize(yaml_path) == len(data):
            with open(yaml_path, "rb") as fh:
                if fh.read() == data:
                    return self._cached_index(yaml_path, names, data)
        source = redact_url(index_url)
        index = partial_index(data, names, source=source)
        chart_names = index_chart_names(data)
        full = index is None
        if full:
            index = parse_index(data, source=source)
            chart_names = index.chart_names()
        cache = self.paths.repository_cache
        atomic_write(yaml_path, data, mode=0o644)
        atomic_write(charts_list_path(cache, entry.name), "".join(n + "\n" for n in chart_names).encode("utf-8"),
                     mode=0o644)
        json_path = parsed_index_path(yaml_path)
        if full:
            save_parsed_index(yaml_path, data, index)
        elif os.path.exists(json_path):
            os.remove(json_path)  # describes the old file; a later full read rebuilds it
        return index

    def index_for(self, repo):
        return self._indexes[self.entries[repo].name]

    # -- resolution ---------------------------------------------------------------------------------------------
    def resolve_version(self, dep):
        """The version to lock for an HTTP or OCI dependency ``dep`` (Helm ``Resolver.Resolve``).

        Returns the version string as the index (or tag) writes it, or raises RepositoryError/RegistryError; a
        version that does not exist is reported with the nearest available versions.
        """
        name, repo, text = dep["name"], dep["repository"], dep.get("version", "")
        try:
            constraint = parse_constraint(text)
        except SemverError as exc:
            raise ChartError('dependency "%s" has an invalid version/constraint format: %s; fix its version in '
                             "Chart.yaml" % (name, exc))
        if repo.startswith("oci://"):
            return self.pull_oci(repo, name, text).version
        versions = self.index_for(repo).entries.get(name)
        if not versions:
            raise RepositoryError("%s chart not found in repo %s; check the dependency name and repository"
                                  % (name, redact_url(repo)))
        for cv in versions:
            if not cv.urls:
                continue
            try:
                if constraint.check(parse_version(cv.version)):
                    return cv.version
            except SemverError:
                continue
        nearest = nearest_versions(versions, text.lstrip("=v~^<> "))
        raise RepositoryError(
            "can't get a valid version for repositories %s. Try changing the version constraint in Chart.yaml: "
            'no version of chart "%s" in %s satisfies "%s"; nearest available: %s'
            % (name, name, redact_url(repo), text, ", ".join(nearest) or "none"))

    # -- downloads ----------------------------------------------------------------------------------------------
    def pull_oci(self, repo, name, version):
        """Locate ``<repo>/<name>`` at ``version`` (exact or constraint) through ``source/locate.py`` (the OCI
        transport, into the chart cache), once per run. Returns the LocatedChart."""
        key = (repo, name, version)
        with self._lock:
            if key in self._oci:
                return self._oci[key]
        options = self.options.copy(version=version or None, repository_cache=self.paths.repository_cache)
        try:
            pulled = locate(ChartRef.parse(repo.rstrip("/") + "/" + name), options)
        except RegistryError as exc:
            raise RegistryError('dependency "%s" from %s: %s' % (name, repo, exc))
        with self._lock:
            self._oci[key] = pulled
        return pulled

    def fetch(self, dep, charts_dir):
        """The archive for locked dependency ``dep`` (name, repository, exact version): a :class:`Fetched`.

        An archive already in ``charts_dir`` with the index's digest is not downloaded again (``skipped``).
        """
        name, repo, version = dep["name"], dep["repository"], dep.get("version", "")
        if repo.startswith("file://"):
            return self._package_local(dep)
        if repo.startswith("oci://"):
            pulled = self.pull_oci(repo, name, version)
            # Helm names the file after the reference (the dependency name) and the version it resolved to,
            # never after the registry's config blob
            fetched = Fetched("%s-%s.tgz" % (name, _resolved_version(pulled)), path=pulled.path, name=pulled.name,
                              version=pulled.version)
            if self.options.verify:
                fetched.provenance = self._verify_oci(name, pulled)
            return fetched
        entry = self.entries[repo]
        cv = next((cv for cv in self.index_for(repo).entries.get(name) or []
                   if cv.urls and _versions_equal(version, cv.version)), None)
        if cv is None:
            raise RepositoryError('could not find chart "%s" version "%s" in repository %s: the lock names a version '
                                  "the repository no longer lists; run state: update"
                                  % (name, version, redact_url(repo)))
        url = resolve_reference_url(entry.url, cv.urls[0])
        filename = posixpath.basename(urlsplit(url).path)
        existing = archive_path(charts_dir, filename)
        digest = cv.digest.lower()
        options = self._http_options(entry)
        options["credentials_url"] = entry.url
        if digest and os.path.isfile(existing) and sha256_file(existing) == digest:
            fetched = Fetched(filename, path=existing, name=name, version=cv.version, skipped=True)
        else:
            found = Resolved(url, digest, name, cv.version, entry.name, options, "repo")
            try:
                path = download_resolved(found, self.options.copy(repository_cache=self.paths.repository_cache)).path
            except RepositoryError as exc:
                raise RepositoryError('could not download dependency "%s" %s: %s' % (name, version, exc))
            fetched = Fetched(filename, path=path, name=name, version=cv.version)
        if self.options.verify:
            fetched.provenance = self._verify_http(name, cv.version, url, filename, fetched.path, options)
        return fetched

    def _verify_http(self, name, version, url, filename, path, options):
        """Verify a repository dependency with ``<url>.prov`` (Helm's VerifyAlways); the verification dict."""
        label = 'dependency "%s" %s' % (name, version)
        prov = fetch_for(label, fetch_http_provenance, url, options)
        return verify_chart(path, filename, prov, self.options.keyring, label, redact_url(url + ".prov"))

    def _verify_oci(self, name, pulled):
        """Verify an OCI dependency with its manifest's provenance layer; the verification dict."""
        o = self.options
        label = 'dependency "%s" %s' % (name, pulled.version)
        prov = fetch_for(label, fetch_oci_provenance, pulled.url,
                         **o.registry_options(parse_reference(pulled.url).host))
        return verify_chart(pulled.path, "%s-%s.tgz" % (name, _resolved_version(pulled)), prov, o.keyring, label,
                            "provenance layer of %s" % pulled.url, pulled.digest)

    def _package_local(self, dep):
        path = local_path(dep["repository"], self.local_base)
        chart = load_chart(path)
        version = chart.metadata.get("version", "")
        wanted = dep.get("version", "")
        try:
            ok = parse_constraint(wanted).check(parse_version(version))
        except SemverError as exc:
            raise ChartError('dependency "%s" has an invalid version/constraint format: %s' % (dep["name"], exc))
        if not ok:
            raise ChartError("can't get a valid version for dependency %s: %s has version %s, the lock wants %s; "
                             "run state: update" % (dep["name"], path, version, wanted))
        return Fetched("%s-%s.tgz" % (chart.name, version), data=archive_bytes(chart), name=chart.name,
                       version=version)


def _resolved_version(pulled):
    """The version an OCI pull resolved to: its tag as a version (Helm's file name), else the chart's version."""
    tag = parse_reference(pulled.url).tag
    return tag_to_version(tag) if tag else pulled.version


def _versions_equal(a, b):
    """Helm's ``versionEquals``: semantic equality, string equality when ``a`` is not a version."""
    try:
        va = parse_version(a)
    except SemverError:
        return a == b
    try:
        return va == parse_version(b)
    except SemverError:
        return False


def archive_path(charts_dir, filename):
    """``<charts_dir>/<filename>`` for a dependency archive whose name comes from a dependency name, an index URL or
    a registry: one plain file name directly in ``charts/`` (``safepath.join_inside``). Raises ChartError."""
    path = join_inside(charts_dir, filename, "dependency archive name", ChartError)
    if os.path.dirname(path) != os.path.abspath(charts_dir):
        raise ChartError("dependency archive name %r is not a plain file name; it would be written outside %s"
                         % (filename, charts_dir))
    return path


def local_chart_version(chart_path, name):
    """``(path, version)`` of the unpacked chart ``charts/<name>`` of a dependency without repository."""
    path = local_path(os.path.join("charts", name), chart_path)
    try:
        return path, read_chart_metadata(path)[1]
    except RepositoryError as exc:
        raise ChartError("unable to load chart '%s': %s" % (path, exc))
