"""``helm pull``: put a chart archive (or its unpacked directory) at a destination, idempotently.

Behaviour follows Helm ``pkg/action/pull.go`` and ``pkg/downloader/chart_downloader.go``:

* the archive is saved as ``<destination>/<base name of the download URL>`` (``<name>-<version>.tgz`` for
  ``oci://`` refs, the name from the reference and the version it resolved to, never from the registry's config
  blob), written atomically with mode 0644;
* ``untar`` unpacks it into ``<destination>/<untar_dir>/<chart name>`` instead (the archive itself is not kept),
  the chart name being the one in the archive's Chart.yaml, validated; Helm refuses when that directory exists; we
  accept it when its files equal the archive's (nothing to do) and replace it only with ``force``, and only that
  directory, once the new content is fully extracted beside it;
* every file name derived from the reference, the index or the archive goes through ``safepath.join_inside``;
* ``verify`` checks the chart's provenance before anything is written (``verify.py``: ``<url>.prov``, the OCI
  provenance layer, or ``<archive>.prov`` for a local archive; the OpenPGP signature against ``keyring`` and the
  archive's SHA-256); the verified ``.prov`` is saved beside the archive, as ``helm pull --verify`` does;

Idempotence (kubernetes.core #889): for ``repo/chart`` and ``repo_url`` refs the version and its digest come from
the repository index (Helm's cache for ``repo/chart``; for ``repo_url`` the index is downloaded again unless the
cached copy lists the exact version asked for, as ``helm pull --repo`` always reads it afresh), so when the
archive already at the destination has that SHA-256 nothing is downloaded, even
when no version is given. Other refs are fetched through ``locate.py``'s content-addressed cache and compared
byte for byte. Extraction applies the chart loader's archive rules (``chart/loader.py``: no absolute or parent
paths, no links or special files, per-file and total size limits).
"""
from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from urllib.parse import urlsplit

from ..chart.loader import iter_archive, load_chart
from ..errors import HelmkitError, RepositoryError
from ..libraries import yaml
from ..oci.reference import parse_reference, tag_to_version
from ..repo.config import atomic_write
from ..repo.fetch import read_chart_metadata
from ..repo.index import redact_url
from ..report import warn
from ..safepath import join_inside
from ..transport import sha256_file
from ..yaml import aliases
from ..yaml.safe import SafeLoader
from .locate import LocatedChart, check, download_resolved, locate, resolve
from .options import SourceOptions
from .ref import LOCAL, OCI, ChartRef
from .verify import fetch_for, fetch_http_provenance, fetch_oci_provenance, read_local_provenance, verify_chart

__all__ = ["pull_chart", "archive_file_name", "extract_archive", "archive_matches_directory", "load_verified_chart"]


def archive_file_name(url, name, version, oci=False):
    """The file name Helm saves a download under: the URL path's base name; ``<name>-<version>.tgz`` for OCI
    (``name``: the reference's last path component, ``version``: the resolved tag as a version) and when the URL
    has no base name. The caller joins it with ``safepath.join_inside``."""
    if oci or not url:
        return "%s-%s.tgz" % (name, version)
    base = posixpath.basename(urlsplit(url).path)
    return base or "%s-%s.tgz" % (name, version)


def _oci_file_name(located):
    """``<reference name>-<resolved version>.tgz`` for an OCI pull (Helm's DownloadTo: the reference's base name
    and the tag it resolved to); the chart's own version when it was pulled by digest alone."""
    ref = parse_reference(located.url)
    version = tag_to_version(ref.tag) if ref.tag else located.version
    return archive_file_name("", ref.name.rsplit("/", 1)[-1], version, oci=True)


def _archive_members(data, origin):
    """``(top, [(relative path, bytes)])`` of a chart archive with the top directory stripped.

    The chart loader's streaming reader and entry checks (chart.loader.iter_archive); raises ChartError for unsafe,
    truncated or oversized entries.
    """
    members, top = [], None
    for member, name, content in iter_archive(data, origin):
        top = top or member.name.replace("\\", "/").split("/", 1)[0]
        members.append((name, content))
    return top, members


def archive_matches_directory(data, directory, origin="chart archive"):
    """True when ``directory`` holds exactly the files of the chart archive ``data`` with the same bytes."""
    _top, members = _archive_members(data, origin)
    expected = dict(members)
    found = set()
    for root, _dirs, files in os.walk(directory):
        for file_name in files:
            path = os.path.join(root, file_name)
            rel = os.path.relpath(path, directory).replace(os.sep, "/")
            if rel not in expected or os.path.islink(path):
                return False
            with open(path, "rb") as fh:
                if fh.read() != expected[rel]:
                    return False
            found.add(rel)
    return found == set(expected)


def untar_target(parent, chart_name):
    """``<parent>/<chart_name>``, the directory ``untar`` writes; ``chart_name`` (from Chart.yaml) must be one plain
    path component. Raises RepositoryError otherwise."""
    if not chart_name or "/" in chart_name or "\\" in chart_name:
        raise RepositoryError("failed to untar: the chart name %r in Chart.yaml is not a valid directory name; "
                              "refusing to unpack" % (chart_name,))
    return join_inside(parent, chart_name, "chart name in Chart.yaml", RepositoryError)


def extract_archive(data, parent, origin="chart archive", replace=False, chart_name=None):
    """Unpack chart archive bytes into ``<parent>/<chart_name>`` (default: the archive's Chart.yaml name); return
    that path.

    Everything is extracted into a temporary directory beside the target first; only then is an existing target
    (and nothing else) removed, with ``replace``, and the new directory renamed into place, so a failure leaves
    the old content. Raises ChartError for unsafe entries, RepositoryError for an invalid chart name or when the
    target exists and ``replace`` is False.
    """
    _top, members = _archive_members(data, origin)
    if chart_name is None:
        chart_name = _chart_yaml_name(members, origin)
    target = untar_target(parent, chart_name)
    if os.path.lexists(target) and not replace:
        raise RepositoryError("failed to untar: a file or directory with the name %s already exists and differs "
                              "from the chart; set force: true to replace it" % target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".helmkit-untar-", dir=parent)
    try:
        for name, content in members:
            path = join_inside(staging, name, "archive entry", RepositoryError)
            os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(content)
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)
        if os.path.lexists(target):
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            else:
                os.remove(target)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _chart_yaml_name(members, origin):
    raw = dict(members).get("Chart.yaml")
    if raw is None:
        raise RepositoryError("%s is not a chart archive: no Chart.yaml inside" % origin)
    try:
        meta = aliases.load(raw, SafeLoader) or {}
    except yaml.YAMLError:
        raise RepositoryError("%s: Chart.yaml is not valid YAML" % origin)
    return str(meta.get("name") or "") if isinstance(meta, dict) else ""


def _read(path):
    with open(path, "rb") as fh:
        return fh.read()


def pull_chart(chart_ref, destination, version=None, repo_url=None, untar=False, untar_dir=".", force=False,
               verify=False, keyring=None, check_mode=False, options=None, provenance=False, **source_options):
    """Pull ``chart_ref`` (``repo/chart``, a name with ``repo_url``, an http(s) URL of a .tgz, ``oci://``, or a
    local .tgz) to ``destination`` (a directory, created when missing) like ``helm pull``.

    ``options``: a :class:`~.options.SourceOptions`; or its fields as keyword arguments (``username``,
    ``password``, ``token``, ``devel``, ``plain_http``, ``timeout``, ...). ``version`` overrides ``options.version``.
    Returns a dict: ``changed`` (bool), ``path`` (the archive, or the unpacked chart directory with ``untar``),
    ``name``, ``version``, ``digest`` (hex SHA-256 of the archive), ``url`` (redacted; "" for local),
    ``repository``, ``downloaded`` (bool: the network was used for the archive), and with ``verify``
    ``provenance``. With ``provenance`` (``helm pull --prov``) the chart's provenance file is saved beside the
    archive without being verified (not with ``untar``, as Helm); a chart without one gives Helm's "Verification
    not found" as a warning (``report.warn``). In ``check_mode`` nothing is written at ``destination`` (the chart cache may be
    filled).
    Raises RepositoryError/RegistryError/ChartError with the cause and a fix.
    """
    options = (options or SourceOptions()).copy(**source_options) if source_options else (options or SourceOptions())
    if version:
        options = options.copy(version=version)
    ref = chart_ref if isinstance(chart_ref, ChartRef) else ChartRef.parse(chart_ref, repo_url)
    check(ref, options)
    found = resolve(ref, options)
    if found is not None and not untar and found.digest:
        target = join_inside(destination, archive_file_name(found.url, found.name, found.version), "file name",
                             RepositoryError)
        if os.path.isfile(target) and sha256_file(target) == found.digest:
            located = LocatedChart(target, found.name, found.version, found.digest, found.kind,
                                   redact_url(found.url), found.repository, False, http_options=found.http_options)
            result = _finish(located, found.url, target, False, verify, keyring, options, check_mode)
            if provenance and not verify:
                _keep_provenance(result, located, found.url, target, options, check_mode)
            return result
    located = download_resolved(found, options) if found is not None else locate(ref, options)
    if os.path.isdir(located.path):
        raise RepositoryError("%s is a chart directory, not an archive; helm_pull copies archives (use "
                              "helmkit.core.helm_package or copy the directory)" % located.path)
    data = _read(located.path)
    url = located.download_url
    verification = prov = None
    if verify:
        verification, prov = _verify(located, url, keyring, options)
    if untar:
        parent = os.path.normpath(os.path.join(destination, untar_dir or "."))  # an absolute untar_dir wins
        target = untar_target(parent, read_chart_metadata(located.path)[0])
        same = os.path.isdir(target) and archive_matches_directory(data, target, located.path)
        if not same and os.path.lexists(target) and not force:
            raise RepositoryError("failed to untar: a file or directory with the name %s already exists and "
                                  "differs from %s %s; set force: true to replace it"
                                  % (target, located.name, located.version))
        if not same and not check_mode:
            extract_archive(data, parent, located.path, replace=True, chart_name=os.path.basename(target))
        result = _result(not same, target, located)
    else:
        if located.kind == OCI:
            name = _oci_file_name(located)
        else:
            name = archive_file_name(url, located.name, located.version)
        target = join_inside(destination, name, "file name", RepositoryError)
        same = os.path.isfile(target) and sha256_file(target) == located.digest
        if not same and not check_mode:
            os.makedirs(destination, exist_ok=True)
            atomic_write(target, data, mode=0o644)
        result = _result(not same, target, located)
        if prov is not None:
            result["changed"] = _save_provenance(target, prov, check_mode) or result["changed"]
        elif provenance:
            _keep_provenance(result, located, url, target, options, check_mode)
    if verification is not None:
        result["provenance"] = verification
    return result


def _finish(located, url, target, changed, verify, keyring, options, check_mode):
    result = _result(changed, target, located)
    if verify:
        verification, prov = _verify(located, url, keyring, options)
        result["provenance"] = verification
        result["changed"] = _save_provenance(target, prov, check_mode)
    return result


def _result(changed, path, located):
    return {"changed": changed, "path": path, "name": located.name, "version": located.version,
            "digest": located.digest, "url": redact_url(located.url) if located.url else "",
            "repository": located.repository, "downloaded": located.downloaded}


def _chart_label(name, version):
    return 'chart "%s" %s' % (name, version) if version else 'chart "%s"' % name


def _fetch_provenance(located, url, options):
    """The provenance bytes of ``located`` (``<url>.prov``, the OCI provenance layer, or ``<archive>.prov``) with
    the file name the archive is saved under and where the provenance came from (for messages); raises
    RepositoryError/RegistryError."""
    label = _chart_label(located.name, located.version)
    if located.kind == OCI:
        registry = options.registry_options(located.repository)
        return (fetch_for(label, fetch_oci_provenance, located.url, **registry), _oci_file_name(located),
                "provenance layer of %s" % located.url)
    if url:
        http = dict(located.http_options or options.http_options(None, urlsplit(url).netloc))
        http.setdefault("credentials_url", None)
        return (fetch_for(label, fetch_http_provenance, url, http),
                archive_file_name(url, located.name, located.version), redact_url(url + ".prov"))
    return fetch_for(label, read_local_provenance, located.path), os.path.basename(located.path), \
        located.path + ".prov"


def _verify(located, url, keyring, options):
    """Verify ``located`` with its provenance (see :func:`_fetch_provenance`); returns ``(verification dict,
    provenance bytes)``; raises RepositoryError (nothing is written)."""
    prov, file_name, where = _fetch_provenance(located, url, options)
    digest = located.digest
    if url and located.kind != OCI:
        digest = digest or None
    return verify_chart(located.path, file_name, prov, keyring, _chart_label(located.name, located.version),
                        where, digest), prov


def _keep_provenance(result, located, url, target, options, check_mode):
    """``helm pull --prov``: save the provenance file beside ``target`` unverified (Helm's VerifyLater); when the
    chart has none, Helm's warning instead of a failure."""
    try:
        prov = _fetch_provenance(located, url, options)[0]
    except HelmkitError as exc:
        warn("Verification not found for %s: %s" % (_chart_label(located.name, located.version), exc))
        return
    result["changed"] = _save_provenance(target, prov, check_mode) or result["changed"]


def _save_provenance(archive_target, prov, check_mode):
    """Keep the verified provenance file beside the saved archive (``helm pull --verify`` does); True when it
    was (or in check mode would be) written."""
    path = archive_target + ".prov"
    if os.path.isfile(path) and _read(path) == prov:
        return False
    if not check_mode:
        atomic_write(path, prov, mode=0o644)
    return True


def load_verified_chart(chart_ref, options=None, keyring=None, repo_url=None):
    """``helm install --verify``: fetch ``chart_ref`` (a ChartRef or its text: ``repo/chart``, a name with
    ``repo_url``, a .tgz URL, ``oci://``, or a local .tgz with its ``.prov``) through ``options`` (SourceOptions),
    verify it and load it.

    Returns ``(Chart, verification dict)``. Raises RepositoryError "cannot verify a directory" for a chart directory
    (as Helm's LocateChart does), and the errors of :func:`pull_chart` with ``verify``.
    """
    ref = chart_ref if isinstance(chart_ref, ChartRef) else ChartRef.parse(chart_ref, repo_url)
    if ref.kind == LOCAL and os.path.isdir(ref.location):
        raise RepositoryError("cannot verify a directory: %s is a chart directory; verify works on a packaged chart "
                              "(.tgz with its .prov, from helm package --sign) or a chart from a repository or "
                              "registry. Set verify: false for a chart directory" % ref.text)
    scratch = tempfile.mkdtemp(prefix="helmkit-verify-")
    try:
        if ref.kind == LOCAL:
            ref = ChartRef.parse(ref.location)
        pulled = pull_chart(ref, scratch, verify=True, keyring=keyring, options=options)
        return load_chart(pulled["path"]), pulled["provenance"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
