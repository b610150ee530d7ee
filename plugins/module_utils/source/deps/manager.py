"""``helm dependency update / build / list`` on a chart directory (Helm pkg/downloader/manager.go, pkg/action/
dependency.go).

* :func:`update_dependencies` resolves every dependency, places the archives into ``charts/`` (removing outdated
  chart archives, like Helm's ``safeMoveDeps``) and writes Chart.lock (requirements.lock for apiVersion v1) unless
  its digest is unchanged.
* :func:`build_dependencies` rebuilds ``charts/`` from the lock; it fails with Helm's message when the lock is out
  of sync with Chart.yaml. Without a lock it updates.
* :func:`list_dependencies` gives Helm's status of each dependency.

Every change is staged first: archives are fetched into a temporary directory, then moved into ``charts/`` and
the lock replaced; any failure (also while moving) puts ``charts/`` and the lock back exactly as they were.
"""
from __future__ import annotations

import fnmatch
import os
import re
import shutil
import tempfile

from ...chart.loader import load_chart
from ...errors import ChartError, RepositoryError
from ...repo.fetch import read_chart_metadata
from ...semver import SemverError, parse_constraint, parse_version
from .lockfile import go_now, hash_req, hash_v2_req, lock_text, locked_entry, read_chart_dependencies
from .sources import Sources, SourceOptions, archive_path, local_chart_version, local_path, pool_map

__all__ = ["DependencyResult", "update_dependencies", "build_dependencies", "list_dependencies", "SourceOptions",
           "prepare_chart_directory", "missing_dependencies"]


class DependencyResult(object):
    """What an update/build did (or would do in check mode).

    ``changed`` (bool), ``dependencies`` (locked ``{name, repository, version}`` dicts), ``lock_path``,
    ``lock_written`` (bool), ``digest``, ``added`` (archive file names written to ``charts/``), ``removed``
    (outdated archive names deleted), ``unchanged`` (archives already present with the same content),
    ``verified`` (with ``SourceOptions.verify``: one dict per verified archive, ``name``, ``version``, ``archive``
    and repo/provenance.py's verification fields: signed_by, fingerprint, file_hash, ...).
    """

    def __init__(self, lock_path):
        self.changed = False
        self.dependencies = []
        self.lock_path = lock_path
        self.lock_written = False
        self.digest = ""
        self.added = []
        self.removed = []
        self.unchanged = []
        self.verified = []

    def as_dict(self):
        return {"changed": self.changed, "dependencies": [dict(d) for d in self.dependencies],
                "lock_path": self.lock_path, "lock_written": self.lock_written, "digest": self.digest,
                "added": list(self.added), "removed": list(self.removed), "unchanged": list(self.unchanged),
                "verified": [dict(v) for v in self.verified]}


def update_dependencies(chart_path, options=None, check_mode=False, local_base=None):
    """``helm dependency update``: resolve, download into ``charts/``, write the lock.

    ``options``: a :class:`SourceOptions`. ``check_mode``: resolve and download into the cache only, change
    nothing in the chart. ``local_base``: the directory ``file://`` paths are relative to (default the chart;
    for a copy of a chart, the original). Returns a :class:`DependencyResult`. Raises ChartError /
    RepositoryError / RegistryError (nothing in the chart is changed then).
    """
    options = options or SourceOptions()
    info = read_chart_dependencies(chart_path)
    result = DependencyResult(info.lock_path)
    req = info.dependencies
    if not req:
        return result
    sources = Sources(info.path, options, local_base)
    sources.resolve_repo_names(req)
    sources.load_indexes(req)
    locked = pool_map(lambda dep: _lock_one(sources, dep), req, options.max_workers)
    _place(sources, info, locked, result, check_mode)
    digest = hash_req(req, locked)
    result.dependencies, result.digest = locked, digest
    old = info.lock or {}
    if old.get("digest") != digest:
        result.lock_written = True
        result.changed = True
        if not check_mode:
            _commit(info, result, lock_text(locked, digest, go_now()))
            return result
    if not check_mode:
        _commit(info, result, None)
    return result


def _lock_one(sources, dep):
    name, repo = dep["name"], dep["repository"]
    if not repo:
        local_chart_version(sources.chart_path, name)
        return locked_entry(name, "", dep.get("version", ""))
    if repo.startswith("file://"):
        path = local_path(repo, sources.local_base)
        try:
            version = read_chart_metadata(path)[1]
        except RepositoryError as exc:
            raise ChartError('dependency "%s": %s' % (name, exc))
        return locked_entry(name, repo, version)
    return locked_entry(name, repo, sources.resolve_version(dep))


def build_dependencies(chart_path, options=None, check_mode=False):
    """``helm dependency build``: rebuild ``charts/`` from the lock (an update when there is no lock).

    Raises ChartError with Helm's "the lock file (Chart.lock) is out of sync with the dependencies file
    (Chart.yaml). Please update the dependencies" when the lock's digest does not match Chart.yaml. Archives
    already in ``charts/`` with the right name and content are not downloaded again. Returns a
    :class:`DependencyResult`.
    """
    options = options or SourceOptions()
    info = read_chart_dependencies(chart_path)
    if info.lock is None:
        return update_dependencies(chart_path, options, check_mode)
    result = DependencyResult(info.lock_path)
    req = info.dependencies
    v2_sum = hash_v2_req(req) if info.api_version == "v1" else None
    sources = Sources(info.path, options)
    sources.resolve_repo_names(req)
    locked = info.lock_dependencies
    digest = hash_req(req, locked)
    if digest != (info.lock.get("digest") or ""):
        if info.api_version != "v1":
            raise ChartError("the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). "
                             "Please update the dependencies with 'helm dependency update' (%s: run "
                             "helmkit.core.helm_dependency with state: update)" % info.path)
        if v2_sum != info.lock.get("digest"):
            raise ChartError("the lock file (requirements.lock) is out of sync with the dependencies file "
                             "(requirements.yaml). Please update the dependencies with 'helm dependency update' (%s: "
                             "run helmkit.core.helm_dependency with state: update)" % info.path)
    for dep in locked:
        repo = dep["repository"]
        if repo and not repo.startswith(("file://", "oci://")) and repo not in sources.entries:
            sources.resolve_repo_names([dep])
    sources.load_indexes(locked)
    result.dependencies, result.digest = locked, info.lock.get("digest") or ""
    _place(sources, info, locked, result, check_mode)
    if not check_mode:
        _commit(info, result, None)
    return result


# -- placing archives ----------------------------------------------------------------------------------------------

def _place(sources, info, locked, result, check_mode):
    """Fetch every archive (concurrently) and work out what changes in ``charts/``; stage it on ``result``."""
    charts_dir = os.path.join(info.path, "charts")
    if os.path.exists(charts_dir) and not os.path.isdir(charts_dir):
        raise ChartError('"%s" is not a directory; remove the file so that dependencies can be placed there'
                         % charts_dir)
    for dep in locked:
        if not dep["repository"]:
            _check_unpacked(info.path, dep)
    remote = [d for d in locked if d["repository"]]
    seen, unique = set(), []
    for dep in remote:
        key = (dep["name"], dep["repository"], dep.get("version", ""))
        if key not in seen:
            seen.add(key)
            unique.append(dep)
    fetched = pool_map(lambda dep: sources.fetch(dep, charts_dir), unique, sources.options.max_workers)
    wanted = {}
    for item in fetched:
        archive_path(charts_dir, item.filename)  # refuses names that would leave charts/
        wanted[item.filename] = item
        if item.provenance is not None:
            result.verified.append(dict(item.provenance, name=item.name, version=item.version, archive=item.filename))
    local_names = set(d["name"] for d in locked if not d["repository"])
    staged = {}
    for filename, item in sorted(wanted.items()):
        target = os.path.join(charts_dir, filename)
        if item.skipped or (os.path.isfile(target) and _same_bytes(target, item)):
            result.unchanged.append(filename)
        else:
            result.added.append(filename)
            staged[filename] = item
    if os.path.isdir(charts_dir):
        for filename in sorted(os.listdir(charts_dir)):
            path = os.path.join(charts_dir, filename)
            if filename in wanted or not os.path.isfile(path):
                continue
            try:
                chart_name = read_chart_metadata(path)[0]
            except RepositoryError:
                continue  # not a chart archive: Helm leaves it
            if chart_name not in local_names:
                result.removed.append(filename)
    result.changed = bool(result.added or result.removed)
    result._staged = staged  # noqa: SLF001 - consumed by _commit


def _check_unpacked(chart_path, dep):
    path, version = local_chart_version(chart_path, dep["name"])
    try:
        ok = parse_constraint(dep.get("version", "")).check(parse_version(version))
    except SemverError as exc:
        raise ChartError("dependency %s has an invalid version/constraint format: %s" % (dep["name"], exc))
    if not ok:
        raise ChartError("dependency %s at version %s does not satisfy the constraint %s (%s)"
                         % (dep["name"], version, dep.get("version", ""), path))


def _same_bytes(path, item):
    if item.path is not None and os.path.abspath(item.path) == os.path.abspath(path):
        return True
    try:
        if os.path.getsize(path) != (len(item.data) if item.data is not None else os.path.getsize(item.path)):
            return False
        with open(path, "rb") as fh:
            return fh.read() == item.read()
    except OSError:
        return False


def _commit(info, result, new_lock):
    """Apply the staged changes to ``charts/`` and the lock as one step; on any error, restore both."""
    staged = getattr(result, "_staged", {})
    if not staged and not result.removed and new_lock is None:
        return
    charts_dir = os.path.join(info.path, "charts")
    work = tempfile.mkdtemp(prefix=".helmkit-deps-", dir=info.path)
    backup = os.path.join(work, "backup")
    incoming = os.path.join(work, "incoming")
    os.makedirs(backup)
    os.makedirs(incoming)
    created_charts = not os.path.isdir(charts_dir)
    moved_out, placed = [], []
    lock_backup = None
    try:
        for filename, item in staged.items():  # stage every byte before touching charts/
            with open(os.path.join(incoming, filename), "wb") as fh:
                fh.write(item.read())
        if new_lock is not None:
            with open(os.path.join(incoming, ".lock"), "w", encoding="utf-8") as fh:
                fh.write(new_lock)
        if created_charts:
            os.makedirs(charts_dir, 0o755)
        for filename in list(result.removed) + [f for f in staged if os.path.exists(os.path.join(charts_dir, f))]:
            os.rename(os.path.join(charts_dir, filename), os.path.join(backup, filename))
            moved_out.append(filename)
        for filename in staged:
            os.rename(os.path.join(incoming, filename), os.path.join(charts_dir, filename))
            os.chmod(os.path.join(charts_dir, filename), 0o644)
            placed.append(filename)
        if new_lock is not None:
            if os.path.exists(info.lock_path):
                lock_backup = os.path.join(backup, ".lock")
                shutil.copy2(info.lock_path, lock_backup)
            os.chmod(os.path.join(incoming, ".lock"), 0o644)
            os.replace(os.path.join(incoming, ".lock"), info.lock_path)
    except Exception:
        _rollback(charts_dir, backup, placed, moved_out, created_charts, info.lock_path, lock_backup)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _rollback(charts_dir, backup, placed, moved_out, created_charts, lock_path, lock_backup):
    for filename in placed:
        try:
            os.remove(os.path.join(charts_dir, filename))
        except OSError:
            pass
    for filename in moved_out:
        os.rename(os.path.join(backup, filename), os.path.join(charts_dir, filename))
    if lock_backup is not None:
        os.replace(lock_backup, lock_path)
    if created_charts:
        shutil.rmtree(charts_dir, ignore_errors=True)


# -- helm_release -------------------------------------------------------------------------------------------------

def missing_dependencies(chart_path):
    """Names (aliases are not names) of Chart.yaml dependencies that no chart in ``charts/`` provides; cheap: only
    the Chart.yaml of each ``charts/`` entry is read."""
    info = read_chart_dependencies(chart_path)
    charts_dir = os.path.join(info.path, "charts")
    present = set()
    if os.path.isdir(charts_dir):
        for filename in os.listdir(charts_dir):
            path = os.path.join(charts_dir, filename)
            if filename[:1] in "._" or not (os.path.isdir(path) or filename.endswith(".tgz")):
                continue
            try:
                present.add(read_chart_metadata(path)[0])
            except RepositoryError:
                continue
    return [d["name"] for d in info.dependencies if d["name"] not in present]


def prepare_chart_directory(chart_path, dependency_update=False, options=None, check_mode=False, scratch=None):
    """What helm_release does with a local chart directory before rendering it.

    ``dependency_update``: run :func:`update_dependencies` first (in check mode on a copy of the chart made in
    the directory ``scratch``, so the chart itself is not touched). Then every dependency must be in ``charts/``;
    otherwise ChartError tells to run helmkit.core.helm_dependency. Returns ``(path to render, DependencyResult or
    None)``.
    """
    result = None
    path = chart_path
    if dependency_update:
        if check_mode:
            if scratch is None:
                raise ValueError("scratch directory required in check mode")
            path = os.path.join(scratch, os.path.basename(os.path.abspath(chart_path)) or "chart")
            shutil.copytree(chart_path, path, symlinks=True)
            result = update_dependencies(path, options, local_base=os.path.abspath(chart_path))
        else:
            result = update_dependencies(path, options)
    missing = missing_dependencies(path)
    if missing:
        raise ChartError("chart %s has dependencies that are not in its charts/ directory: %s. Run "
                         "helmkit.core.helm_dependency on it first (state: present builds charts/ from Chart.lock, "
                         "state: update resolves them), or set dependency_update: true"
                         % (chart_path, ", ".join(missing)))
    return path, result


# -- list ----------------------------------------------------------------------------------------------------------

_STRICT_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
                            r"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")


def _version_status(found, wanted):
    if found == wanted:
        return None
    try:
        if not parse_constraint(wanted).check(parse_version(found)):
            return "wrong version"
    except SemverError:
        return "invalid version"
    return None


def _archive_status(path, dep):
    try:
        name, version = read_chart_metadata(path)
    except RepositoryError:
        return "corrupt"
    if name != dep["name"]:
        return "misnamed"
    return _version_status(version, dep.get("version", "")) or "ok"


def _dependency_status(charts_dir, dep, unpacked):
    names = sorted(os.listdir(charts_dir)) if os.path.isdir(charts_dir) else []
    prefix = dep["name"] + "-"
    archives = [n for n in names if fnmatch.fnmatchcase(n, prefix + "*.tgz") and "/" not in n]
    if len(archives) == 1:
        return _archive_status(os.path.join(charts_dir, archives[0]), dep)
    if len(archives) > 1:
        found = [n for n in archives if _STRICT_SEMVER.match(n[len(prefix):-len(".tgz")])]
        if len(found) > 1:
            return "too many matches"
        if len(found) == 1:
            return _archive_status(os.path.join(charts_dir, found[0]), dep)
    if dep["name"] not in unpacked:
        return "missing"
    return _version_status(unpacked[dep["name"]], dep.get("version", "")) or "unpacked"


def list_dependencies(chart_path):
    """``helm dependency list``: ``[{name, version, repository, status}]`` in Chart.yaml order.

    ``status`` as Helm's: ``ok`` (archive present, version satisfies the constraint), ``missing``,
    ``wrong version``, ``unpacked`` (a chart directory in ``charts/``), ``misnamed`` (the archive holds another
    chart), ``corrupt``, ``invalid version``, ``too many matches``. Raises ChartError for a chart Helm cannot load
    (Chart.yaml, or an archive in ``charts/`` that is not a chart: Helm's "error unpacking subchart ...").
    """
    info = read_chart_dependencies(chart_path)
    charts_dir = os.path.join(info.path, "charts")
    parent = load_chart(info.path)  # like Helm, an unloadable subchart fails the listing
    unpacked = {}
    for child in parent.dependencies:
        unpacked[child.name] = child.metadata.get("version", "")
    out = []
    for dep in info.dependencies:
        out.append({"name": dep["name"], "version": dep.get("version", ""), "repository": dep["repository"],
                    "status": _dependency_status(charts_dir, dep, unpacked)})
    return out
