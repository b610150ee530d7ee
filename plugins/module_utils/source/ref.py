"""``ChartRef``: every form in which Helm names a chart, read once (Helm ``pkg/action/install.go`` ``LocateChart``,
``pkg/downloader/chart_downloader.go`` ``ResolveChartVersion``, ``pkg/downloader/manager.go`` for dependencies).

Kinds, checked in this order for a chart argument:

* ``oci``: ``oci://host/path/name[:tag|@digest]``, or a name with an ``oci://`` repository URL;
* ``repo_url``: a chart name with an ``http(s)://`` repository URL (``helm install --repo``);
* ``local``: an existing chart directory or ``.tgz`` (``~`` expanded), or ``file://path`` as dependencies write it;
* ``url``: an ``http://``/``https://`` URL of a ``.tgz``;
* ``plugin``: any other ``scheme://`` (served by a getter plugin, when one is installed);
* ``repo``: ``repo/chart`` with ``repo`` from repositories.yaml (``@repo/chart`` and ``alias:repo`` as
  dependencies write them).
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from ..errors import ChartError

__all__ = ["ChartRef", "LOCAL", "URL", "REPO", "REPO_URL", "OCI", "PLUGIN"]

LOCAL, URL, REPO, REPO_URL, OCI, PLUGIN = "local", "url", "repo", "repo_url", "oci", "plugin"

_PATH_PREFIXES = ("/", "./", "../", "~")


class ChartRef(object):
    """A parsed chart reference.

    ``kind``: one of the module constants; ``text``: the reference as given; ``name``: the chart name when the
    reference names one ("" for ``local``/``url``); ``repository``: the repository name (``repo``) or URL
    (``repo_url``, ``oci`` parent); ``location``: the path (``local``), the URL (``url``, ``plugin``) or the full
    ``oci://`` reference (``oci``); ``scheme``: the URL scheme ("" for a local path or ``repo/chart``).
    """

    __slots__ = ("kind", "text", "name", "repository", "location", "scheme")

    def __init__(self, kind, text, name="", repository="", location="", scheme=""):
        self.kind = kind
        self.text = text
        self.name = name
        self.repository = repository
        self.location = location
        self.scheme = scheme

    def __repr__(self):
        return "ChartRef(%s, %r)" % (self.kind, self.text)

    @classmethod
    def parse(cls, text, repo_url=None, base_dir=None):
        """Parse the chart argument ``text`` (str), with the repository URL ``repo_url`` (``--repo``; may be
        ``oci://``) and ``base_dir`` (the directory ``file://`` and relative paths are read from; default the
        working directory). Returns a :class:`ChartRef`. Raises ChartError for an empty reference, a path-like
        reference that does not exist, and a bare name without a repository."""
        if not text or not isinstance(text, str):
            raise ChartError("chart reference is empty; give a chart path, repo/chart, a chart name with a "
                             "repository URL, a .tgz URL or oci://host/path/chart")
        repo_url = (repo_url or "").strip()
        if text.startswith("oci://"):
            return cls(OCI, text, text.rstrip("/").rsplit("/", 1)[-1].split("@")[0].split(":")[0], "", text, "oci")
        if repo_url.startswith("oci://"):
            full = repo_url.rstrip("/") + "/" + text
            return cls(OCI, text, text, repo_url, full, "oci")
        if repo_url:
            scheme = urlsplit(repo_url).scheme
            return cls(REPO_URL, text, text, repo_url, repo_url, scheme)
        if text.startswith("file://"):
            return cls(LOCAL, text, location=_local(text[len("file://"):], base_dir), scheme="file")
        local = _local(text, base_dir)
        if os.path.exists(local):
            return cls(LOCAL, text, location=local)
        if text.startswith(_PATH_PREFIXES):
            raise ChartError("chart path %s not found; give an existing chart directory or .tgz file" % text)
        if "://" in text:
            scheme = text.split("://", 1)[0].lower()
            return cls(URL if scheme in ("http", "https") else PLUGIN, text, location=text, scheme=scheme)
        for prefix in ("@", "alias:"):
            if text.startswith(prefix):
                repo, _sep, name = text[len(prefix):].partition("/")
                return cls(REPO, text, name, repo)
        if "/" in text:
            repo, name = text.split("/", 1)
            return cls(REPO, text, name, repo)
        raise ChartError('chart "%s" is not a local path; use repo/chart, give a repository URL (repo_url or '
                         "chart_repo_url), a .tgz URL or oci://host/path/%s" % (text, text))


def _local(path, base_dir):
    path = os.path.expanduser(path)
    if base_dir and not os.path.isabs(path):
        path = os.path.join(base_dir, path)
    return os.path.abspath(path)
