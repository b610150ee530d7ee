"""The HTTP chart repository transport under ``source/locate.py``: index resolution with Helm's cache, downloads
into the content-addressed cache ``<repository cache>/helmkit/charts/<sha256>.tgz`` and Chart.yaml metadata.

When the index gives a digest, a cached file with that digest is reused without network access and a download
whose SHA-256 differs is refused and removed (Helm ``pkg/downloader/chart_downloader.go``).
"""
from __future__ import annotations

import hashlib
import os
import tarfile

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import ChartError, RepositoryError
from ..transport import sha256_file
from ..yaml import aliases
from ..yaml.load import IndexLoader
from .config import atomic_write, describe_yaml_error, index_cache_path, locked
from .index import http_get, load_cached_index, redact_url, resolve, update_index_cache
from ..chart.loader import chart_yaml_bytes

__all__ = ["chart_cache_dir", "read_chart_metadata", "download", "resolve_with_refresh", "refresh_index",
           "cached_exact"]


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
        meta = aliases.load(raw, IndexLoader) or {}
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
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        return chart_yaml_bytes(data, path)
    except ChartError as exc:
        raise RepositoryError(str(exc)) from None


def download(url, expected_digest, cache_dir, http_options):
    """Download ``url`` into the content-addressed cache ``cache_dir``; returns ``(path, sha256 hex, downloaded)``.

    ``expected_digest``: the index's hex SHA-256 (or None); ``http_options``: :func:`~.index.http_get` keyword
    arguments. Raises RepositoryError (unreachable, HTTP status, digest mismatch)."""
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


def resolve_with_refresh(cache_dir, cache_name, repo_url, chart, version, devel, label, http_options):
    """Resolve ``chart`` at ``version`` from the cached index ``cache_name``; download the index again when it is
    missing, stale or lacks the version. Returns the ChartVersion; raises RepositoryError."""
    yaml_path = index_cache_path(cache_dir, cache_name)
    with locked(yaml_path):
        if os.path.isfile(yaml_path):
            try:
                return resolve(load_cached_index(yaml_path), chart, version, devel, repository=label)
            except RepositoryError:
                pass  # stale or corrupt cache: fall through to a fresh download
        index = update_index_cache(cache_dir, cache_name, repo_url, **http_options)
        return resolve(index, chart, version, devel, repository=label)


def refresh_index(cache_dir, cache_name, repo_url, http_options):
    """Download the index of ``repo_url`` again into the cache entry ``cache_name`` (``helm repo update NAME``, for
    that repository only). Returns the IndexFile; raises RepositoryError."""
    with locked(index_cache_path(cache_dir, cache_name)):
        return update_index_cache(cache_dir, cache_name, repo_url, **http_options)


def cached_exact(cache_dir, cache_name, chart, version):
    """True when the cached index of ``cache_name`` lists ``chart`` at exactly ``version`` (no refresh needed)."""
    if not version:
        return False
    try:
        versions = load_cached_index(index_cache_path(cache_dir, cache_name)).entries.get(chart) or []
    except RepositoryError:
        return False
    return any(cv.version == version for cv in versions)
