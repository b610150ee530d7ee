"""Locate and download a chart the way ``helm install/pull CHART`` does (Helm ``pkg/action/install.go``
``LocateChart`` and ``pkg/downloader/chart_downloader.go``).

``chart_ref`` forms, checked in this order:

0. ``oci://host/path/name[:tag|@digest]`` (or a name with an ``oci://`` ``repo_url``): handed to the registry
   client, ``oci/api.py: pull``;
1. a local path (a chart directory or a ``.tgz``): returned as is;
2. an ``http://``/``https://`` URL of a ``.tgz``: downloaded;
3. a chart name together with ``repo_url``: that repository's index is read (cached under a name derived from the
   URL) and the chart downloaded;
4. ``repo/chart``: ``repo`` comes from repositories.yaml, its index from Helm's cache; when the cache is missing or
   does not have the chart/version, the index is downloaded again (like ``helm repo update repo``) and the look-up
   retried.

Downloads land in a content-addressed cache ``<repository cache>/helmkit/charts/<sha256>.tgz``. When the index
gives a digest, a cached file with that digest is reused without network access and a download whose SHA-256
differs is refused and removed.
"""
from __future__ import annotations

import hashlib
import os
import tarfile

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import RepositoryError
from ..transport import sha256_file
from .config import atomic_write, describe_yaml_error, helm_paths, index_cache_path, load_repository_file, locked
from .index import (
    DEFAULT_TIMEOUT, _IndexLoader, http_get, load_cached_index, redact_url, resolve, resolve_reference_url,
    update_index_cache,
)

__all__ = ["FetchedChart", "fetch_chart", "chart_cache_dir", "read_chart_metadata"]


class FetchedChart(object):
    """Where a chart is and what it is.

    ``path``: local .tgz or chart directory; ``name``, ``version``: from the index or Chart.yaml; ``digest``: hex
    SHA-256 of the .tgz ("" for a directory); ``url``: where it was downloaded from (password redacted; "" for a
    local path); ``repository``: the repository name or URL it came from ("" if none); ``downloaded``: True when
    this call fetched it over the network.
    """

    __slots__ = ("path", "name", "version", "digest", "url", "repository", "downloaded")

    def __init__(self, path, name, version, digest="", url="", repository="", downloaded=False):
        self.path = path
        self.name = name
        self.version = version
        self.digest = digest
        self.url = url
        self.repository = repository
        self.downloaded = downloaded

    def as_dict(self):
        return dict((k, getattr(self, k)) for k in self.__slots__)

    def __repr__(self):
        return "FetchedChart(%r, %r, %r)" % (self.name, self.version, self.path)


def chart_cache_dir(repository_cache):
    """``<repository cache>/helmkit/charts``: the content-addressed chart archive cache."""
    return os.path.join(repository_cache, "helmkit", "charts")


def read_chart_metadata(path):
    """``(name, version)`` from the Chart.yaml of a chart directory or .tgz at ``path``. Raises RepositoryError."""
    try:
        if os.path.isdir(path):
            with open(os.path.join(path, "Chart.yaml"), "rb") as fh:
                raw = fh.read()
        else:
            raw = _archive_chart_yaml(path)
        meta = yaml.load(raw, Loader=_IndexLoader) or {}
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise RepositoryError("cannot read chart %s: %s" % (path, getattr(exc, "strerror", None) or exc))
    except yaml.YAMLError as exc:
        raise RepositoryError("chart %s: Chart.yaml is not valid YAML: %s" % (path, describe_yaml_error(exc)))
    if not isinstance(meta, dict):
        raise RepositoryError("chart %s: Chart.yaml must be a mapping" % path)
    return str(meta.get("name") or ""), str(meta.get("version") or "")


def _archive_chart_yaml(path):
    """The Chart.yaml of the archive at ``path``, streamed under the loader's limits (no ``getmembers()``, which
    inflates the whole archive first). Raises RepositoryError."""
    from ..chart.loader import chart_yaml_bytes
    from ..errors import ChartError
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        return chart_yaml_bytes(data, path)
    except ChartError as exc:
        raise RepositoryError(str(exc)) from None


def _download(url, expected_digest, cache_dir, http_options):
    """Download ``url`` into the content-addressed cache; return (path, sha256, downloaded)."""
    if expected_digest:
        cached = os.path.join(cache_dir, expected_digest + ".tgz")
        if os.path.isfile(cached) and sha256_file(cached) == expected_digest:
            return cached, expected_digest, False
    data = http_get(url, what="chart", **http_options)
    actual = hashlib.sha256(data).hexdigest()
    if expected_digest and actual != expected_digest:
        raise RepositoryError(
            "chart %s failed its digest check: the repository index says sha256 %s but the download has %s; "
            "the index is stale or the file was tampered with (nothing was kept; update the repository index)"
            % (redact_url(url), expected_digest, actual))
    path = os.path.join(cache_dir, actual + ".tgz")
    if not os.path.isfile(path):
        atomic_write(path, data, mode=0o644)
    return path, actual, True


def _http_options(entry_or_none, username, password, pass_credentials, ca_file, cert_file, key_file,
                  insecure_skip_tls_verify, timeout):
    e = entry_or_none
    return {
        "username": username if username is not None else (e.username if e else None) or None,
        "password": password if password is not None else (e.password if e else None) or None,
        "pass_credentials": bool(pass_credentials or (e.pass_credentials_all if e else False)),
        "ca_file": ca_file or (e.ca_file if e else None) or None,
        "cert_file": cert_file or (e.cert_file if e else None) or None,
        "key_file": key_file or (e.key_file if e else None) or None,
        "insecure_skip_tls_verify": bool(insecure_skip_tls_verify or (e.insecure_skip_tls_verify if e else False)),
        "timeout": timeout,
    }


def _resolve_with_refresh(cache_dir, cache_name, repo_url, chart, version, devel, label, http_options):
    """Resolve from the cached index; download the index again when needed. Returns the ChartVersion."""
    yaml_path = index_cache_path(cache_dir, cache_name)
    with locked(yaml_path):
        if os.path.isfile(yaml_path):
            try:
                return resolve(load_cached_index(yaml_path), chart, version, devel, repository=label)
            except RepositoryError:
                pass  # stale or corrupt cache: fall through to a fresh download
        index = update_index_cache(cache_dir, cache_name, repo_url, **http_options)
        return resolve(index, chart, version, devel, repository=label)


def fetch_chart(chart_ref, version=None, repo_url=None, username=None, password=None, pass_credentials=False,
                ca_file=None, cert_file=None, key_file=None, insecure_skip_tls_verify=False, devel=False,
                repository_config=None, repository_cache=None, timeout=DEFAULT_TIMEOUT, plain_http=False):
    """Locate ``chart_ref`` and return a :class:`FetchedChart` whose ``path`` is a local .tgz or directory.

    ``version``: exact version or Masterminds constraint (None/"" = latest release; ``devel`` admits
    prereleases). Credentials/TLS arguments override those stored in repositories.yaml for ``repo/chart``.
    ``repository_config``/``repository_cache`` default to Helm's locations (HELM_REPOSITORY_CONFIG, ...).
    ``timeout`` is seconds per HTTP request. ``oci://host/path/name[:tag|@digest]`` refs (or a name with an
    ``oci://`` ``repo_url``) are pulled from the registry by ``oci/api.py: pull`` (``plain_http`` applies to them
    only) and raise RegistryError. Raises RepositoryError with the URL and a fix for every failure
    (unreachable repository, 401/403, 404, invalid index, chart or version missing, digest mismatch).
    """
    if not chart_ref or not isinstance(chart_ref, str):
        raise RepositoryError("chart reference is empty; give a path, a URL, repo/chart or a name with repo_url")
    if chart_ref.startswith("oci://") or (repo_url or "").startswith("oci://"):
        oci_ref = chart_ref if chart_ref.startswith("oci://") else repo_url.rstrip("/") + "/" + chart_ref
        return _fetch_oci(oci_ref, version, devel, username, password, ca_file, cert_file, key_file,
                          insecure_skip_tls_verify, plain_http, repository_cache, timeout)
    paths = helm_paths(repository_config, repository_cache)
    cache_dir = chart_cache_dir(paths.repository_cache)

    if os.path.exists(chart_ref) and not repo_url:
        path = os.path.abspath(chart_ref)
        name, chart_version = read_chart_metadata(path)
        digest = "" if os.path.isdir(path) else sha256_file(path)
        return FetchedChart(path, name, chart_version, digest)

    if chart_ref.startswith(("http://", "https://")):
        options = _http_options(None, username, password, pass_credentials, ca_file, cert_file, key_file,
                                insecure_skip_tls_verify, timeout)
        path, digest, downloaded = _download(chart_ref, None, cache_dir, options)
        name, chart_version = read_chart_metadata(path)
        return FetchedChart(path, name, chart_version, digest, redact_url(chart_ref), downloaded=downloaded)

    if repo_url:
        entry, label, cache_name, base_url = None, repo_url, _url_cache_name(repo_url), repo_url
        chart = chart_ref
    elif "/" in chart_ref:
        repo_name, chart = chart_ref.split("/", 1)
        entry = load_repository_file(paths.repository_config).get(repo_name)
        if entry is None:
            raise RepositoryError(
                'repository "%s" is not configured in %s (and %s is not a local path); add it with '
                "helmkit.core.helm_repository, or give repo_url" % (repo_name, paths.repository_config, chart_ref))
        label, cache_name, base_url = repo_name, repo_name, entry.url
    else:
        raise RepositoryError('chart "%s" is not a local path; use repo/chart, give repo_url, or a .tgz URL'
                              % chart_ref)

    options = _http_options(entry, username, password, pass_credentials, ca_file, cert_file, key_file,
                            insecure_skip_tls_verify, timeout)
    cv = _resolve_with_refresh(paths.repository_cache, cache_name, base_url, chart, version, devel, label,
                               options)
    if not cv.urls:
        raise RepositoryError('chart "%s" version "%s" in repository "%s" has no download URL in the index'
                              % (chart, cv.version, label))
    url = resolve_reference_url(base_url, cv.urls[0])
    options["credentials_url"] = base_url
    path, digest, downloaded = _download(url, cv.digest.lower(), cache_dir, options)
    return FetchedChart(path, cv.name, cv.version, digest, redact_url(url), label, downloaded)


def _fetch_oci(ref, version, devel, username, password, ca_file, cert_file, key_file, insecure, plain_http,
               repository_cache, timeout):
    """The OCI hook: pull ``ref`` with the registry client (credential chain, digest check, cache by digest)."""
    from ..oci.api import pull
    pulled = pull(ref, version=version or None, devel=devel, repository_cache=repository_cache, username=username,
                  password=password, ca_file=ca_file, cert_file=cert_file, key_file=key_file,
                  insecure_skip_tls_verify=insecure, plain_http=plain_http, timeout=timeout)
    return FetchedChart(pulled.path, pulled.name, pulled.version, pulled.digest, pulled.ref,
                        ref[len("oci://"):].split("/", 1)[0], pulled.downloaded)


def _url_cache_name(repo_url):
    """Cache name for an index fetched by URL (Helm uses a random temporary name; ours is stable)."""
    return "helmkit-url-" + hashlib.sha256(repo_url.encode("utf-8")).hexdigest()[:16]
