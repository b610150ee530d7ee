"""``locate(ref, options) -> LocatedChart``: the one way a chart is found, authenticated and downloaded (Helm
``pkg/downloader/chart_downloader.go`` ``ResolveChartVersion``/``DownloadTo`` over ``pkg/getter``).

Every module and lookup that takes a chart, dependency resolution, ``verify`` and ``helm_template`` come here. The
reference is parsed by ``ref.py``, then handed to one transport chosen in :func:`transport_for` (the single place
where a scheme is dispatched; getter plugins plug in there):

* ``local``: a chart directory or ``.tgz`` (read, never copied);
* ``http``: a ``.tgz`` URL, and charts of HTTP repositories (``repo/chart`` from repositories.yaml, or a name with a
  repository URL) after their index resolved the version; ``repo/fetch.py`` downloads into the content-addressed
  cache ``<repository cache>/helmkit/charts/<sha256>.tgz`` and checks the index digest;
* ``oci``: ``oci/api.py: pull`` (tag, digest or version constraint; same cache);
* any other scheme: the installed Helm getter plugin that serves it (``helmplugin/run.py: getter_for_scheme``),
  whose output is kept in the same content-addressed cache.

Credentials follow SourceOptions' precedence; they go to the repository's own host only (unless
``pass_credentials``) and never appear in results or messages (URLs are redacted).
"""
from __future__ import annotations

import hashlib
import os
from urllib.parse import urlsplit

from ..chart.loader import load_chart
from ..errors import ChartError, RepositoryError
from ..helmplugin.run import getter_for_scheme
from ..oci.reference import parse_reference
from ..repo.config import atomic_write, helm_paths, load_repository_file, url_cache_name
from ..repo.fetch import (
    cached_exact, chart_cache_dir, download, read_chart_metadata, refresh_index, resolve_with_refresh)
from ..repo.index import redact_url, resolve_reference_url
from ..transport import sha256_file
from .options import SourceOptions
from .ref import LOCAL, OCI, PLUGIN, REPO, REPO_URL, URL, ChartRef

__all__ = ["LocatedChart", "Resolved", "locate", "resolve", "download_resolved", "check", "load",
           "transport_for"]


class LocatedChart(object):
    """Where a chart is and what it is.

    ``path``: a local ``.tgz`` or chart directory; ``name``, ``version``; ``digest``: hex SHA-256 of the archive
    ("" for a directory); ``kind``: the reference kind (``local``, ``url``, ``repo``, ``repo_url``, ``oci``);
    ``url``: where it was downloaded from (redacted; for ``oci`` the reference with its manifest digest; "" when
    local); ``repository``: the repository name or URL, or the registry host ("" if none); ``downloaded``: True
    when this call used the network for the archive; ``credentials_source``: where the credentials came from
    (e.g. ``Secret "ns/name"``; "" when none were used). ``http_options`` (not part of :meth:`as_dict`): the
    options the archive was fetched with, for its ``.prov``; ``download_url``: the unredacted URL (never shown).
    """

    __slots__ = ("path", "name", "version", "digest", "kind", "url", "repository", "downloaded",
                 "credentials_source", "http_options", "download_url")

    def __init__(self, path, name, version, digest="", kind=LOCAL, url="", repository="", downloaded=False,
                 credentials_source="", http_options=None):
        self.path = path
        self.name = name
        self.version = version
        self.digest = digest
        self.kind = kind
        self.url = url
        self.repository = repository
        self.downloaded = downloaded
        self.credentials_source = credentials_source
        self.http_options = http_options
        self.download_url = ""

    def as_dict(self):
        return dict((k, getattr(self, k)) for k in self.__slots__ if k not in ("http_options", "download_url"))

    def __repr__(self):
        return "LocatedChart(%r, %r, %r)" % (self.name, self.version, self.path)


class Resolved(object):
    """A repository chart resolved through its index, not yet downloaded: ``url`` (unredacted; never shown),
    ``digest`` (hex, may be ""), ``name``, ``version``, ``repository`` (label), ``http_options``."""

    __slots__ = ("url", "digest", "name", "version", "repository", "http_options", "kind")

    def __init__(self, url, digest, name, version, repository, http_options, kind):
        self.url, self.digest, self.name, self.version = url, digest, name, version
        self.repository, self.http_options, self.kind = repository, http_options, kind


def _as_ref(ref, options):
    return ref if isinstance(ref, ChartRef) else ChartRef.parse(ref)  # repo_url: pass a parsed ChartRef


def _host(url):
    return urlsplit(url).netloc.rsplit("@", 1)[-1].lower()


def _credentials_source(options, http_options, entry=None):
    if options.explicit_credentials():
        return "task options"
    if http_options.get("username") or http_options.get("token"):
        for credential in options._secret_credentials.values():
            if credential is not None:
                return credential.source
        return "repositories.yaml entry %s" % entry.name if entry is not None else ""
    return ""


def resolve(ref, options=None):
    """For a repository chart (``repo``/``repo_url`` kinds): its index entry as a :class:`Resolved`, without
    downloading the archive; None for every other kind. ``update_repo_cache`` refreshes that repository's index
    first; a name with a repository URL re-reads the index unless the cached one lists the exact version asked
    for (``helm pull --repo`` always reads it afresh). Raises RepositoryError."""
    options = options or SourceOptions()
    ref = _as_ref(ref, options)
    if ref.kind not in (REPO, REPO_URL):
        return None
    paths = helm_paths(options.repository_config, options.repository_cache)
    entry = None
    if ref.kind == REPO_URL:
        label, cache_name, base_url = ref.repository, url_cache_name(ref.repository), ref.repository
    else:
        entry = load_repository_file(paths.repository_config).get(ref.repository)
        if entry is None:
            raise RepositoryError(
                'repository "%s" is not configured in %s (and %s is not a local path); add it with '
                "helmkit.core.helm_repository, or give repo_url" % (ref.repository, paths.repository_config, ref.text))
        label, cache_name, base_url = ref.repository, ref.repository, entry.url
    http = options.http_options(entry, _host(base_url))
    fresh = options.update_repo_cache or (ref.kind == REPO_URL and not cached_exact(
        paths.repository_cache, cache_name, ref.name, options.version))
    if fresh:
        refresh_index(paths.repository_cache, cache_name, base_url, http)
    cv = resolve_with_refresh(paths.repository_cache, cache_name, base_url, ref.name, options.version, options.devel,
                              label, http)
    if not cv.urls:
        raise RepositoryError('chart "%s" version "%s" in repository "%s" has no download URL in the index; the '
                              "repository's index.yaml is broken, ask its maintainers" % (ref.name, cv.version, label))
    http = dict(http, credentials_url=base_url)
    return Resolved(resolve_reference_url(base_url, cv.urls[0]), cv.digest.lower(), cv.name, cv.version, label, http,
                    ref.kind)


def locate(ref, options=None):
    """Find the chart ``ref`` (a ChartRef or the text of a chart argument) and make it local.

    ``options``: a :class:`~.options.SourceOptions` (``version`` and ``devel`` select the version). Returns a
    :class:`LocatedChart`. Raises ChartError (bad reference or option, missing local path), RepositoryError
    (repository unreachable, 401/403 naming the host and status, chart or version missing, digest mismatch) or
    RegistryError; no message contains a credential.
    """
    options = options or SourceOptions()
    ref = _as_ref(ref, options)
    check(ref, options)
    return transport_for(ref)(ref, options)


def check(ref, options):
    """Plan-time checks of ``ref`` with ``options``, before any request (SourceOptions.validate; with
    ``require_version``, an OCI reference must pin a version, a tag or a digest: otherwise, as Helm does, its highest
    semver tag is taken). Raises ChartError or RegistryError naming the option."""
    options.validate()
    if ref.kind == OCI and options.require_version:
        parsed = parse_reference(ref.location)
        if not (parsed.tag or parsed.digest or options.version):
            raise ChartError("%s names no version: give chart_version (or version), a tag (%s:1.2.3) or a digest "
                             "(%s@sha256:...)" % (ref.location, ref.location, ref.location))


def transport_for(ref):
    """The transport for ``ref``: a ``(ChartRef, SourceOptions) -> LocatedChart``. This is the one place where a
    reference's kind and scheme choose how a chart is fetched; a getter plugin for another URL scheme is looked
    up here (Helm ``getter.Providers.ByScheme``)."""
    if ref.kind == LOCAL:
        return _local
    if ref.kind == OCI:
        return _oci
    if ref.kind in (REPO, REPO_URL):
        return _repository
    if ref.kind == URL:
        return _url
    if ref.kind == PLUGIN:
        return _plugin
    raise ChartError("unsupported chart reference %s" % ref.text)


def _local(ref, options):
    path = ref.location
    if not os.path.exists(path):
        raise ChartError("chart path %s not found; give an existing chart directory or .tgz file" % ref.text)
    name, version = read_chart_metadata(path)
    digest = "" if os.path.isdir(path) else sha256_file(path)
    return LocatedChart(path, name, version, digest, LOCAL)


def _url(ref, options):
    http = options.http_options(None, _host(ref.location))
    cache = chart_cache_dir(helm_paths(options.repository_config, options.repository_cache).repository_cache)
    path, digest, downloaded = download(ref.location, None, cache, http)
    name, version = read_chart_metadata(path)
    located = LocatedChart(path, name, version, digest, URL, redact_url(ref.location), downloaded=downloaded,
                           credentials_source=_credentials_source(options, http), http_options=http)
    located.download_url = ref.location
    return located


def _repository(ref, options):
    return download_resolved(resolve(ref, options), options)


def download_resolved(found, options):
    """Download the chart ``found`` (a :class:`Resolved` from :func:`resolve`) into the chart cache; returns the
    LocatedChart. Raises RepositoryError."""
    cache = chart_cache_dir(helm_paths(options.repository_config, options.repository_cache).repository_cache)
    path, digest, downloaded = download(found.url, found.digest, cache, found.http_options)
    located = LocatedChart(path, found.name, found.version, digest, found.kind, redact_url(found.url),
                           found.repository, downloaded, _credentials_source(options, found.http_options),
                           found.http_options)
    located.download_url = found.url
    return located


def _oci(ref, options):
    from ..oci.api import pull  # deferred: speed: only an oci:// chart imports the OCI client (oras)
    parsed = parse_reference(ref.location)
    registry = options.registry_options(parsed.host)
    credential = registry.get("credential")
    pulled = pull(ref.location, version=options.version or None, devel=options.devel,
                  repository_cache=options.repository_cache, **registry)
    source = credential.source if credential is not None else ("task options" if options.explicit_credentials()
                                                               else "")
    return LocatedChart(pulled.path, pulled.name, pulled.version, pulled.digest, OCI, pulled.ref, parsed.host,
                        pulled.downloaded, source)


def load(ref, options=None, repo_url=None):
    """Locate ``ref`` (a ChartRef, or the text of a chart argument with the repository URL ``repo_url``) and load
    it with ``chart/loader.py``. Returns ``(Chart, LocatedChart)``; raises what :func:`locate` and the loader
    raise."""
    ref = ref if isinstance(ref, ChartRef) else ChartRef.parse(ref, repo_url)
    located = locate(ref, options)
    return load_chart(located.path), located


def _plugin(ref, options):
    """A chart URL of a scheme that a getter plugin serves (Helm ``getter.Providers.ByScheme``): the plugin prints
    the archive, which is kept in the content-addressed cache."""
    getter = getter_for_scheme(ref.scheme)
    if getter is None:
        raise ChartError('chart %s: no getter for the URL scheme "%s://" (built in: http, https, oci, file); install a '
                         "Helm getter plugin for it" % (redact_url(ref.text), ref.scheme))
    data = getter.fetch(ref.location, options.cert_file, options.key_file, options.ca_file)
    digest = hashlib.sha256(data).hexdigest()
    cache = chart_cache_dir(helm_paths(options.repository_config, options.repository_cache).repository_cache)
    path = os.path.join(cache, digest + ".tgz")
    if not os.path.isfile(path):
        atomic_write(path, data)
    name, version = read_chart_metadata(path)
    return LocatedChart(path, name, version, digest, PLUGIN, redact_url(ref.location), downloaded=True)
