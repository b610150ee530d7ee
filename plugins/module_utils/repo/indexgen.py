"""``helm repo index DIR [--url URL] [--merge FILE]``: write a repository's ``index.yaml`` for the chart archives in
a directory (Helm v4 pkg/repo ``IndexDirectory``, ``IndexFile.MustAdd``, ``Merge``, ``SortEntries`` and
cmd/helm/repo_index.go).

- Archives: ``DIR/*.tgz`` and ``DIR/*/*.tgz`` (Go's ``filepath.Glob``, sorted). Each entry is the chart's Chart.yaml
  metadata plus ``urls`` (``URL/[subdir/]file``, or the bare file name without ``url``), ``digest`` (SHA-256 of the
  archive) and ``created`` (now).
- Merge: entries of the ``merge`` index whose chart name and version the directory does not hold are kept as they
  were (their ``created`` too); a missing merge file counts as empty (Helm also writes it, empty).
- Versions are sorted newest first; ``generated`` is now; the YAML is sigs.k8s.io/yaml's (sorted keys).

Where Helm skips an archive it cannot load ("assume this is not a chart"), this refuses it, naming the file, so a
corrupt upload is not silently missing from the index. The index is written atomically; when it would only differ
in ``generated`` and ``created`` from the index already there, nothing is written (``changed`` false).
"""
from __future__ import annotations

import datetime
import glob
import hashlib
import os
import posixpath
from urllib.parse import urlsplit, urlunsplit

from ..chart.loader import load_chart
from ..chart.metadata import METADATA_FIELDS, go_struct
from ..errors import HelmkitError, RepositoryError
from ..libraries import yaml
from ..semver import SemverError, parse_version
from ..yaml import aliases
from ..yaml.emit_v2 import marshal
from ..yaml.load import GoYamlLoader
from .config import atomic_write

__all__ = ["generate_index", "index_directory"]

_VERSION_FIELDS = ("urls", "created", "removed", "digest")


def _now() -> str:
    """Go's time.Now() as encoding/json writes it in UTC (RFC 3339 with nanoseconds, trailing zeros dropped)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    fraction = ("%06d000" % now.microsecond).rstrip("0")
    return now.strftime("%Y-%m-%dT%H:%M:%S") + ("." + fraction if fraction else "") + "Z"


def url_join(base: str, *parts) -> str:
    """Helm's urlutil.URLJoin: ``base``'s path joined with ``parts`` (path.Join), the rest of the URL kept."""
    split = urlsplit(base)
    joined = posixpath.join(split.path or "", *[p for p in parts if p])
    joined = posixpath.normpath(joined) if joined else ""
    if joined == ".":
        joined = ""
    if split.path.startswith("/") and not joined.startswith("/"):
        joined = "/" + joined
    return urlunsplit((split.scheme, split.netloc, joined, split.query, split.fragment))


def _archives(directory: str) -> list:
    top = sorted(glob.glob(os.path.join(glob.escape(directory), "*.tgz")))
    nested = sorted(glob.glob(os.path.join(glob.escape(directory), "*", "*.tgz")))
    return [p for p in top + nested if os.path.isfile(p)]


def _entry(path: str, directory: str, base_url: str) -> dict:
    rel = os.path.relpath(path, directory)
    parent, file_name = os.path.split(rel)
    try:
        chart = load_chart(path)
    except HelmkitError as exc:
        raise RepositoryError("%s is not a chart archive: %s. Remove it from %s or replace it with a chart packaged "
                              "by helm_package" % (rel, exc, directory)) from None
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    parent_url = url_join(base_url, parent.replace(os.sep, "/"))
    url = url_join(parent_url, file_name) if parent_url else file_name
    entry = dict(chart.metadata)
    entry.update({"urls": [url], "created": _now(), "digest": digest})
    return entry


def _version_key(entry):
    try:
        return (1, parse_version(entry.get("version", "")))
    except (SemverError, ValueError):
        return (0, None)


def _sort(entries: dict) -> None:
    """Helm's SortEntries: each chart's versions newest first (unparsable versions last)."""
    for name, versions in entries.items():
        good = [v for v in versions if _version_key(v)[0]]
        bad = [v for v in versions if not _version_key(v)[0]]
        good.sort(key=lambda v: _version_key(v)[1], reverse=True)
        entries[name] = good + bad


def _load_merge(path: str) -> dict:
    """The entries of the index to merge (``{}`` when the file does not exist). Raises RepositoryError."""
    if not os.path.exists(path):
        return {}
    try:
        with open(path, "rb") as handle:
            raw = aliases.load(handle.read().decode("utf-8", "replace"), GoYamlLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise RepositoryError("merge failed: cannot read %s: %s; give merge: an index.yaml" % (path, exc)) from None
    if not isinstance(raw, dict) or not raw.get("apiVersion"):
        raise RepositoryError("merge failed: %s is not a repository index (no apiVersion); give merge: an index.yaml"
                              % path)
    entries = {}
    for name, versions in (raw.get("entries") or {}).items():
        kept = []
        for version in versions or []:
            if not isinstance(version, dict):
                continue
            fields = {k: v for k, v in version.items() if k not in _VERSION_FIELDS}
            entry = go_struct(fields, METADATA_FIELDS, path, "metadata")
            for key in _VERSION_FIELDS:
                if version.get(key) not in (None, "", [], False):
                    entry[key] = version[key]
            kept.append(entry)
        entries[str(name)] = kept
    return entries


def index_directory(directory: str, base_url: str = "", merge=None) -> dict:
    """The index Helm would write for ``directory`` (a dict: apiVersion, entries, generated). Raises
    RepositoryError (a non-chart archive, an unreadable merge index)."""
    if not os.path.isdir(directory):
        raise RepositoryError("%s is not a directory; give path: the directory holding the chart archives"
                              % directory)
    entries = {}
    for archive in _archives(directory):
        entry = _entry(archive, directory, base_url or "")
        entries.setdefault(entry["name"], []).append(entry)
    if merge:
        for name, versions in _load_merge(merge).items():
            for version in versions:
                have = {v.get("version") for v in entries.get(name, [])}
                if version.get("version") not in have:
                    entries.setdefault(name, []).append(version)
    _sort(entries)
    return {"apiVersion": "v1", "entries": entries, "generated": _now()}


def _without_times(index) -> dict:
    if not isinstance(index, dict):
        return {}
    entries = {}
    for name, versions in (index.get("entries") or {}).items():
        entries[name] = [{k: v for k, v in version.items() if k != "created"} for version in versions or []
                         if isinstance(version, dict)]
    return {"apiVersion": index.get("apiVersion"), "entries": entries}


def generate_index(directory: str, base_url: str = "", merge=None, check_mode: bool = False) -> dict:
    """Write ``directory/index.yaml`` like ``helm repo index`` (see the module docstring).

    Returns ``{"changed": bool, "path": index path, "charts": {name: [versions newest first]}}``. Nothing is written
    in check mode, or when only ``generated``/``created`` would change. Raises RepositoryError (not a directory, a
    non-chart archive, an unreadable merge index, an index that cannot be written).
    """
    index = index_directory(directory, base_url, merge)
    target = os.path.join(directory, "index.yaml")
    text = marshal(index)
    existing = None
    if os.path.isfile(target):
        try:
            with open(target, "rb") as handle:
                existing = aliases.load(handle.read().decode("utf-8", "replace"), GoYamlLoader)
        except (OSError, yaml.YAMLError):
            existing = None
    changed = _without_times(existing) != _without_times(aliases.load(text, GoYamlLoader))
    if changed and not check_mode:
        if not os.access(directory, os.W_OK):
            raise RepositoryError("cannot write %s: the directory %s is not writable; fix its permissions or run the "
                                  "task as a user that may write there" % (target, directory))
        if merge and not os.path.exists(merge):  # Helm writes the missing merge index, empty
            atomic_write(merge, marshal({"apiVersion": "v1", "entries": {}, "generated": _now()})
                         .encode("utf-8"))
        atomic_write(target, text.encode("utf-8"))
    charts = {name: [v.get("version", "") for v in versions] for name, versions in index["entries"].items()}
    return {"changed": changed, "path": target, "charts": charts}
