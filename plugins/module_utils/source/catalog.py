"""A catalog of whole Helm repositories (for service catalogs and brokers built from Helm repositories).

For every chart of the selected repositories (their cached indexes, as ``helm repo update`` leaves them): all
versions, and the description, keywords, icon, home, sources, maintainers and deprecation of the latest version;
optionally that version's default values (the archive is fetched only for charts that pass the filters). ``allow``
and ``deny`` are Go RE2 regular expressions searched in ``repo/chart`` (the same rule as ``helm_search``), compiled
through the project's one Go regexp entry point (``gocompat/regexp.py``, via :func:`.search.compile_pattern`).

The index is read by the fast index reader (``indexscan.py``) with the catalog's extra fields, so a catalog of names
and metadata costs about one parse of the index, like ``helm repo index`` reading it (see
``benchmarks/catalog.py``).
"""
from __future__ import annotations

import os

from ..errors import RepositoryError
from ..repo.config import helm_paths, index_cache_path, load_repository_file
from ..repo.index import parse_index, read_index_file, resolve_reference_url
from ..repo.indexscan import FIELDS
from ..repo.search import compile_pattern
from ..semver import SemverError, parse_version
from .locate import load
from .options import SourceOptions

__all__ = ["CATALOG_FIELDS", "build_catalog", "catalog_from_index"]

#: Version fields the catalog reads besides the ones every index reader keeps.
CATALOG_FIELDS = FIELDS | frozenset(["icon", "home", "sources", "maintainers"])
VALUES_MODES = ("none", "latest")


def _text_list(value):
    return [str(item) for item in value] if isinstance(value, list) else []


def _maintainers(value):
    out = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            out.append({key: str(item.get(key) or "") for key in ("name", "email", "url")})
    return out


def _latest(versions, devel):
    """The version a catalog describes: the newest release, or the newest of all with ``devel`` (or when the chart
    has only pre-releases). ``versions`` are ChartVersions, newest first."""
    if not devel:
        for cv in versions:
            try:
                if not parse_version(cv.version).pre:
                    return cv
            except SemverError:  # parse_index keeps only valid versions; kept for safety
                continue
    return versions[0]


def _entry(repo_name, repo_url, versions, devel):
    latest = _latest(versions, devel)
    meta = latest.metadata
    return {
        "name": "%s/%s" % (repo_name, latest.name), "chart": latest.name, "repository": repo_name,
        "repository_url": repo_url, "latest_version": latest.version, "app_version": latest.app_version,
        "description": latest.description, "keywords": [str(k) for k in latest.keywords],
        "icon": str(meta.get("icon") or ""), "home": str(meta.get("home") or ""),
        "sources": _text_list(meta.get("sources")), "maintainers": _maintainers(meta.get("maintainers")),
        "deprecated": latest.deprecated,
        "versions": [{"version": cv.version, "app_version": cv.app_version, "created": cv.created,
                      "digest": cv.digest, "deprecated": cv.deprecated,
                      "urls": [resolve_reference_url(repo_url, u) for u in cv.urls]} for cv in versions],
    }


def catalog_from_index(data, repo_name, repo_url, allow=None, deny=None, devel=False, source="index.yaml"):
    """Catalog entries (list of dicts, sorted by chart name) of one repository's index bytes ``data``.

    Each entry: ``name`` (``repo/chart``), ``chart``, ``repository``, ``repository_url``, ``latest_version``,
    ``app_version``, ``description``, ``keywords``, ``icon``, ``home``, ``sources``, ``maintainers`` (list of
    ``{name, email, url}``), ``deprecated`` (of the latest version) and ``versions`` (every version, newest first:
    ``version``, ``app_version``, ``created``, ``digest``, ``deprecated``, ``urls`` made absolute). Raises
    RepositoryError for an invalid index or regular expression.
    """
    allow_res = [compile_pattern(p, "allow pattern") for p in (allow or [])]
    deny_res = [compile_pattern(p, "deny pattern") for p in (deny or [])]
    index = parse_index(data, source=source, fields=CATALOG_FIELDS)
    out = []
    for chart in sorted(index.entries):
        versions = index.entries[chart]
        full = "%s/%s" % (repo_name, chart)
        if not versions or (allow_res and not any(r.search(full) for r in allow_res)) \
                or any(r.search(full) for r in deny_res):
            continue
        out.append(_entry(repo_name, repo_url, versions, devel))
    return out


def _add_values(entry, fetch_options):
    """Add ``values`` and ``values_raw`` of the entry's latest version, located like every chart (source/locate)."""
    chart, _located = load(entry["name"], SourceOptions(version=entry["latest_version"], **fetch_options))
    raw = chart.raw_values
    entry["values"] = chart.values
    entry["values_raw"] = raw.decode("utf-8", "replace") if raw is not None else ""


def build_catalog(repositories=None, allow=None, deny=None, values="none", devel=False, repository_config=None,
                  repository_cache=None, timeout=None):
    """The catalog of the configured repositories named in ``repositories`` (default: all of them), from their
    cached indexes (refresh them with ``helm_repository``).

    ``allow``/``deny``: lists of Go RE2 expressions searched in ``repo/chart``. ``values``: ``none`` or ``latest``
    (add ``values``, the parsed default values, and ``values_raw``, values.yaml's text, of each kept chart's latest
    version; the archive is downloaded, digest-checked, into Helm's cache). ``devel``: the latest version may be a
    pre-release. ``timeout``: seconds per download. Returns a list of :func:`catalog_from_index` entries,
    repository by repository in the order given (or of ``repositories.yaml``). Raises RepositoryError for an
    unknown repository, a missing or invalid cached index, an invalid expression or a failed download.
    """
    if values not in VALUES_MODES:
        raise RepositoryError("values %r is not valid: use none or latest" % (values,))
    paths = helm_paths(repository_config, repository_cache)
    configured = load_repository_file(paths.repository_config)
    names = list(repositories or [entry.name for entry in configured.repositories])
    out = []
    for name in names:
        entry = configured.get(name)
        if entry is None:
            raise RepositoryError("repository %s is not configured in %s; configured: %s" % (
                name, paths.repository_config, ", ".join(e.name for e in configured.repositories) or "none"))
        path = index_cache_path(paths.repository_cache, name)
        if not os.path.isfile(path):
            raise RepositoryError("repository %s has no readable cached index %s; refresh it with "
                                  "helmkit.core.helm_repository and update_cache: true" % (name, path))
        data = read_index_file(path)  # under HELMKIT_MAX_INDEX_BYTES, naming the repository
        out.extend(catalog_from_index(data, name, entry.url, allow, deny, devel, source=path))
    if values == "latest":
        options = {"repository_config": paths.repository_config, "repository_cache": paths.repository_cache,
                   "devel": True}
        if timeout:
            options["timeout"] = timeout
        for item in out:
            _add_values(item, options)
    return out
