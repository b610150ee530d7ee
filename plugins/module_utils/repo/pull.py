"""``helm pull``: put a chart archive (or its unpacked directory) at a destination, idempotently.

Behaviour follows Helm ``pkg/action/pull.go`` and ``pkg/downloader/chart_downloader.go``:

* the archive is saved as ``<destination>/<base name of the download URL>`` (``<name>-<version>.tgz`` for
  ``oci://`` refs), written atomically with mode 0644;
* ``untar`` unpacks it into ``<destination>/<untar_dir>/<chart name>`` instead (the archive itself is not kept);
  Helm refuses when that directory exists; we accept it when its files equal the archive's (nothing to do) and
  replace it only with ``force``;
* ``verify`` checks the chart's provenance before anything is written (``verify.py``: ``<url>.prov``, the OCI
  provenance layer, or ``<archive>.prov`` for a local archive; the OpenPGP signature against ``keyring`` and the
  archive's SHA-256); the verified ``.prov`` is saved beside the archive, as ``helm pull --verify`` does;

Idempotence (kubernetes.core #889): for ``repo/chart`` and ``repo_url`` refs the version and its digest come from
the repository index (Helm's cache for ``repo/chart``; for ``repo_url`` the index is downloaded again unless the
cached copy lists the exact version asked for, as ``helm pull --repo`` always reads it afresh), so when the
archive already at the destination has that SHA-256 nothing is downloaded, even
when no version is given. Other refs are fetched through ``fetch_chart``'s content-addressed cache and compared
byte for byte. Extraction applies the chart loader's archive rules (``chart/loader.py``: no absolute or parent
paths, no links or special files, per-file and total size limits).
"""
from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from urllib.parse import urlsplit

from ..errors import RepositoryError
from ..transport import sha256_file
from .config import atomic_write, helm_paths, load_repository_file
from .fetch import (
    _http_options, _resolve_with_refresh, _url_cache_name, fetch_chart,
)
from .index import DEFAULT_TIMEOUT, redact_url, resolve_reference_url, update_index_cache

__all__ = ["pull_chart", "archive_file_name", "extract_archive", "archive_matches_directory"]


def archive_file_name(url, name, version, oci=False):
    """The file name Helm saves a download under: the URL path's base name, ``<name>-<version>.tgz`` for OCI."""
    if oci or not url:
        return "%s-%s.tgz" % (name, version)
    base = posixpath.basename(urlsplit(url).path)
    return base or "%s-%s.tgz" % (name, version)


def _archive_members(data, origin):
    """``(top, [(relative path, bytes)])`` of a chart archive with the top directory stripped.

    The chart loader's streaming reader and entry checks (chart.loader.iter_archive); raises ChartError for unsafe,
    truncated or oversized entries.
    """
    from ..chart.loader import iter_archive
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


def extract_archive(data, parent, origin="chart archive", replace=False):
    """Unpack chart archive bytes into ``<parent>/<chart directory>``; return that path.

    Extraction goes to a temporary directory beside it, then a rename, so a failure leaves nothing behind.
    Raises ChartError for unsafe entries, RepositoryError when the target exists and ``replace`` is False.
    """
    top, members = _archive_members(data, origin)
    target = os.path.join(parent, top)
    if os.path.lexists(target) and not replace:
        raise RepositoryError("failed to untar: a file or directory with the name %s already exists and differs "
                              "from the chart; set force: true to replace it" % target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".helmkit-untar-", dir=parent)
    try:
        for name, content in members:
            path = os.path.join(staging, *name.split("/"))
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


class _Located(object):
    """What the index says before any download: ``url``, ``digest``, ``name``, ``version``, ``repository``,
    ``base_url`` and the HTTP ``options`` (None for refs that are not resolved through an index)."""

    def __init__(self, url, digest, name, version, repository, base_url, options):
        self.url, self.digest, self.name, self.version = url, digest, name, version
        self.repository, self.base_url, self.options = repository, base_url, options


def _locate(chart_ref, version, repo_url, devel, paths, credentials):
    """Resolve ``repo/chart`` or a name with ``repo_url`` through the (cached) index; None for other refs."""
    if chart_ref.startswith(("oci://", "http://", "https://")) or (repo_url or "").startswith("oci://"):
        return None
    if os.path.exists(chart_ref) and not repo_url:
        return None
    entry = None
    if repo_url:
        label, cache_name, base_url, chart = repo_url, _url_cache_name(repo_url), repo_url, chart_ref
    elif "/" in chart_ref:
        repo_name, chart = chart_ref.split("/", 1)
        entry = load_repository_file(paths.repository_config).get(repo_name)
        if entry is None:
            return None  # fetch_chart reports the missing repository
        label, cache_name, base_url = repo_name, repo_name, entry.url
    else:
        return None
    options = _http_options(entry, *credentials)
    if repo_url and not _cached_exact(paths.repository_cache, cache_name, chart, version):
        # like helm pull --repo, which reads the index afresh: a cached "latest" must not go stale
        update_index_cache(paths.repository_cache, cache_name, base_url, **options)
    cv = _resolve_with_refresh(paths.repository_cache, cache_name, base_url, chart, version, devel, label, options)
    if not cv.urls:
        raise RepositoryError('chart "%s" version "%s" in repository "%s" has no download URL in the index; the '
                              "repository's index.yaml is broken, ask its maintainers" % (chart, cv.version, label))
    url = resolve_reference_url(base_url, cv.urls[0])
    return _Located(url, cv.digest.lower(), cv.name, cv.version, label, base_url, options)


def _cached_exact(cache_dir, cache_name, chart, version):
    """True when the cached index of ``cache_name`` lists ``chart`` at exactly ``version`` (no refresh needed)."""
    from .config import index_cache_path
    from .index import load_cached_index
    if not version:
        return False
    try:
        versions = load_cached_index(index_cache_path(cache_dir, cache_name)).entries.get(chart) or []
    except RepositoryError:
        return False
    return any(cv.version == version for cv in versions)


def _read(path):
    with open(path, "rb") as fh:
        return fh.read()


def pull_chart(chart_ref, destination, version=None, repo_url=None, untar=False, untar_dir=".", force=False,
               verify=False, keyring=None, devel=False, check_mode=False, username=None, password=None,
               pass_credentials=False, ca_file=None, cert_file=None, key_file=None, insecure_skip_tls_verify=False,
               plain_http=False, repository_config=None, repository_cache=None, timeout=DEFAULT_TIMEOUT):
    """Pull ``chart_ref`` (``repo/chart``, a name with ``repo_url``, an http(s) URL of a .tgz, ``oci://``, or a
    local .tgz) to ``destination`` (a directory, created when missing) like ``helm pull``.

    Returns a dict: ``changed`` (bool), ``path`` (the archive, or the unpacked chart directory with ``untar``),
    ``name``, ``version``, ``digest`` (hex SHA-256 of the archive), ``url`` (redacted; "" for local),
    ``repository``, ``downloaded`` (bool: the network was used for the archive), and with ``verify``
    ``provenance``. In ``check_mode`` nothing is written at ``destination`` (the chart cache may be filled).
    Raises RepositoryError/RegistryError/ChartError with the cause and a fix.
    """
    paths = helm_paths(repository_config, repository_cache)
    credentials = (username, password, pass_credentials, ca_file, cert_file, key_file, insecure_skip_tls_verify,
                   timeout)
    located = _locate(chart_ref, version, repo_url, devel, paths, credentials)
    oci = chart_ref.startswith("oci://") or (repo_url or "").startswith("oci://")
    if located is not None and located.digest and not untar:
        target = os.path.join(destination, archive_file_name(located.url, located.name, located.version))
        if os.path.isfile(target) and sha256_file(target) == located.digest:
            result = _result(False, target, located.name, located.version, located.digest, located.url,
                             located.repository, False)
            if verify:
                verification, prov = _verify_http(located.url, target, located.options, keyring, located.name,
                                                  located.version, located.digest)
                result["provenance"] = verification
                result["changed"] = _save_provenance(target, prov, check_mode)
            return result
    fetched = fetch_chart(chart_ref, version=version, repo_url=repo_url, username=username, password=password,
                          pass_credentials=pass_credentials, ca_file=ca_file, cert_file=cert_file, key_file=key_file,
                          insecure_skip_tls_verify=insecure_skip_tls_verify, devel=devel,
                          repository_config=repository_config, repository_cache=repository_cache, timeout=timeout,
                          plain_http=plain_http)
    if os.path.isdir(fetched.path):
        raise RepositoryError("%s is a chart directory, not an archive; helm_pull copies archives (use "
                              "helmkit.core.helm_package or copy the directory)" % fetched.path)
    data = _read(fetched.path)
    if located is not None:
        url = located.url
    else:
        url = chart_ref if chart_ref.startswith(("http://", "https://")) else ""
    provenance = prov = None
    if verify:
        if oci:
            provenance, prov = _verify_oci(fetched, keyring, username, password, ca_file, cert_file, key_file,
                                           insecure_skip_tls_verify, plain_http, timeout)
        elif url:
            options = located.options if located is not None else _http_options(None, *credentials)
            provenance, prov = _verify_http(url, fetched.path, options, keyring, fetched.name, fetched.version,
                                            fetched.digest)
        else:
            provenance, prov = _verify_local(fetched, keyring)
    if untar:
        parent = os.path.normpath(os.path.join(destination, untar_dir or "."))  # an absolute untar_dir wins
        top, _members = _archive_members(data, fetched.path)
        target = os.path.join(parent, top)
        same = os.path.isdir(target) and archive_matches_directory(data, target, fetched.path)
        if not same and os.path.lexists(target) and not force:
            raise RepositoryError("failed to untar: a file or directory with the name %s already exists and "
                                  "differs from %s %s; set force: true to replace it"
                                  % (target, fetched.name, fetched.version))
        if not same and not check_mode:
            extract_archive(data, parent, fetched.path, replace=True)
        changed = not same
    else:
        target = os.path.join(destination, archive_file_name(url, fetched.name, fetched.version, oci=oci))
        same = os.path.isfile(target) and sha256_file(target) == fetched.digest
        if not same and not check_mode:
            os.makedirs(destination, exist_ok=True)
            atomic_write(target, data, mode=0o644)
        changed = not same
        if prov is not None:
            changed = _save_provenance(target, prov, check_mode) or changed
    result = _result(changed, target, fetched.name, fetched.version, fetched.digest,
                     redact_url(url) if url else fetched.url, fetched.repository, fetched.downloaded)
    if provenance is not None:
        result["provenance"] = provenance
    return result


def _result(changed, path, name, version, digest, url, repository, downloaded):
    return {"changed": changed, "path": path, "name": name, "version": version, "digest": digest,
            "url": redact_url(url) if url else "", "repository": repository, "downloaded": downloaded}


def _chart_label(name, version):
    return 'chart "%s" %s' % (name, version) if version else 'chart "%s"' % name


def _verify_http(url, archive_path, options, keyring, name, version, digest):
    """Fetch ``<url>.prov`` (the chart's credentials and TLS options) and verify the archive with it.

    Returns ``(verification dict, provenance bytes)``; raises RepositoryError (nothing is written)."""
    from .verify import fetch_for, fetch_http_provenance, verify_chart
    http = dict(options)
    http.setdefault("credentials_url", None)
    label = _chart_label(name, version)
    prov = fetch_for(label, fetch_http_provenance, url, http)
    verification = verify_chart(archive_path, archive_file_name(url, name, version), prov, keyring, label,
                                redact_url(url + ".prov"), digest or None)
    return verification, prov


def _verify_oci(fetched, keyring, username, password, ca_file, cert_file, key_file, insecure, plain_http,
                timeout):
    """Verify an OCI chart with its manifest's provenance layer; ``(verification dict, provenance bytes)``."""
    from .verify import fetch_for, fetch_oci_provenance, verify_chart
    label = _chart_label(fetched.name, fetched.version)
    prov = fetch_for(label, fetch_oci_provenance, fetched.url, username=username, password=password,
                     ca_file=ca_file, cert_file=cert_file, key_file=key_file, insecure_skip_tls_verify=insecure,
                     plain_http=plain_http, timeout=timeout)
    verification = verify_chart(fetched.path, archive_file_name("", fetched.name, fetched.version, oci=True), prov,
                                keyring, label, "provenance layer of %s" % fetched.url, fetched.digest)
    return verification, prov


def _verify_local(fetched, keyring):
    """Verify a local archive with the ``.prov`` beside it; ``(verification dict, provenance bytes)``."""
    from .verify import fetch_for, read_local_provenance, verify_chart
    label = _chart_label(fetched.name, fetched.version)
    prov = fetch_for(label, read_local_provenance, fetched.path)
    verification = verify_chart(fetched.path, os.path.basename(fetched.path), prov, keyring, label,
                                fetched.path + ".prov", fetched.digest)
    return verification, prov


def _save_provenance(archive_target, prov, check_mode):
    """Keep the verified provenance file beside the saved archive (``helm pull --verify`` does); True when it
    was (or in check mode would be) written."""
    path = archive_target + ".prov"
    if os.path.isfile(path) and _read(path) == prov:
        return False
    if not check_mode:
        atomic_write(path, prov, mode=0o644)
    return True
