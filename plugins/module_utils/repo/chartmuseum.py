"""Uploading charts to a ChartMuseum server, as the ``helm cm-push`` plugin does.

ChartMuseum's documented API (github.com/helm/chartmuseum README, "Chart Manipulation"):

* ``POST /api/charts`` uploads a chart version; the archive and its provenance file go together as
  ``multipart/form-data`` fields ``chart`` and ``prov``. A multi-tenant server (``--depth``) takes the repository
  path after ``/api`` (``http://host/org/repo`` uploads to ``/api/org/repo/charts``), and a server run with
  ``--context-path`` serves the API below it; the URL is built as helm-push's ``UploadChartPackage`` builds it:
  ``<context path>/api/<repository path without the context path>/charts``;
* ``?force`` overwrites an existing version; without it the server answers ``409 Conflict`` (unless it runs with
  ``--allow-overwrite``);
* ``201 Created`` (202 from some proxies) is success; errors carry ``{"error": "..."}``;
* ``GET /api/<repo>/charts/<name>/<version>`` describes a version (200) or answers 404: check mode uses it to
  tell whether the upload would conflict, and sends nothing else.

The request goes through the project's one HTTP client (``index.http_post``): Basic or Bearer credentials only to
the server's own origin (``transport.may_send_credentials``), Helm's TLS options, one deadline. No Ansible
imports.
"""
from __future__ import annotations

import hashlib
import json
import os
import posixpath
import tempfile
from urllib.parse import quote, urlsplit, urlunsplit

from ..chart.loader import load_archive
from ..chart.package import package_chart
from ..errors import ChartError, RepositoryError
from .index import http_get, http_post, redact_url
from .sign import sign_archive

__all__ = ["api_url", "read_chart", "push", "upload"]


def api_url(base_url, *parts, context_path=""):
    """The ChartMuseum API URL for the repository at ``base_url`` (``http(s)://host[:port][/tenant path]``),
    followed by ``parts`` (``"charts"``, or ``"charts", name, version``). ``context_path``: the server's
    ``--context-path`` when the repository URL includes it. Userinfo and query of ``base_url`` are kept."""
    split = urlsplit(base_url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise RepositoryError("%s is not a ChartMuseum URL: give http(s)://host[:port][/repository path]"
                              % redact_url(base_url))
    context = "/" + context_path.strip("/") if context_path and context_path.strip("/") else ""
    tenant = split.path
    if context and (tenant == context or tenant.startswith(context + "/")):
        tenant = tenant[len(context):]
    segments = [context, "api", tenant.strip("/")] + [quote(p, safe="") for p in parts]
    path = posixpath.join("/", *[s.strip("/") for s in segments if s.strip("/")])
    return urlunsplit((split.scheme, split.netloc, path, split.query, ""))


def read_chart(chart_path, sign=None):
    """``(file name, archive bytes, provenance bytes or None, chart name, chart version)`` for ``chart_path``: a
    chart ``.tgz`` (with its ``.prov`` sibling when there is one) or a chart directory, packaged reproducibly in a
    temporary directory (chart/package.py). ``sign``: ``{"key", "keyring", "passphrase_file"}`` makes a new
    provenance file (repo/sign.py) instead of reading one. Nothing is written beside the chart. Raises ChartError
    for a path that is not a chart, RepositoryError for a key that cannot sign."""
    if os.path.isdir(chart_path):
        if not os.path.isfile(os.path.join(chart_path, "Chart.yaml")):
            raise ChartError("%s is not a chart directory: it has no Chart.yaml (give a chart directory or a .tgz)"
                             % chart_path)
        with tempfile.TemporaryDirectory(prefix="helmkit-package-") as tmp:
            return read_chart(package_chart(chart_path, tmp), sign)
    if not os.path.isfile(chart_path):
        raise ChartError("chart %s not found: give a chart directory or a .tgz file" % chart_path)
    try:
        with open(chart_path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ChartError("cannot read chart archive %s: %s" % (chart_path, exc.strerror)) from None
    chart = load_archive(data, chart_path)
    file_name = os.path.basename(chart_path)
    prov = None
    if sign:
        prov = sign_archive(data, file_name, chart.metadata, sign["key"], sign["keyring"], sign.get("passphrase_file"))
    elif os.path.isfile(chart_path + ".prov"):
        try:
            with open(chart_path + ".prov", "rb") as handle:
                prov = handle.read()
        except OSError as exc:
            raise ChartError("cannot read provenance file %s.prov: %s" % (chart_path, exc.strerror)) from None
    return file_name, data, prov, chart.name, str(chart.metadata.get("version", ""))


def _server_error(body):
    """The ``error`` text of a ChartMuseum JSON answer, else the start of the body."""
    try:
        text = json.loads(body.decode("utf-8")).get("error")
        if text:
            return str(text)
    except (ValueError, UnicodeDecodeError, AttributeError):
        pass
    return body[:200].decode("utf-8", "replace").strip() or "(empty answer)"


def _failure(status, body, url, name, version, sent_credentials):
    shown = redact_url(url)
    if status == 409:
        return RepositoryError('chart "%s" version "%s" already exists in the ChartMuseum repository %s (409 Conflict: '
                               "%s); set force: true to overwrite it, or bump the chart version"
                               % (name, version, shown, _server_error(body)))
    if status in (401, 403):
        reason = "401 Unauthorized" if status == 401 else "403 Forbidden"
        hint = ("the credentials (username/password or token) were refused; check them" if sent_credentials else
                "the server needs credentials; set username and password, or token")
        return RepositoryError("ChartMuseum %s answered %s: %s" % (shown, reason, hint))
    if status == 404:
        return RepositoryError("ChartMuseum %s answered 404 Not Found: %s; check the URL (and the server's "
                               "context path) and that the API is enabled (ChartMuseum's --disable-api)"
                               % (shown, _server_error(body)))
    return RepositoryError("ChartMuseum %s answered HTTP %d: %s" % (shown, status, _server_error(body)))


def _exists(base_url, name, version, context_path, http_options):
    """True when the server describes ``name`` ``version`` (GET /api/<repo>/charts/<name>/<version>), False on 404;
    other answers raise RepositoryError."""
    url = api_url(base_url, "charts", name, version, context_path=context_path)
    try:
        http_get(url, what="ChartMuseum", credentials_url=base_url, retries=1, **http_options)
    except RepositoryError as exc:
        if getattr(exc, "status", None) == 404:
            return False
        raise
    return True


def upload(base_url, file_name, data, prov, name, version, force=False, context_path="", check_mode=False,
           **http_options):
    """Upload one chart archive ``data`` (and ``prov`` when not None) to the ChartMuseum repository ``base_url``.

    ``force``: overwrite an existing version (``?force``). ``http_options``: ``index.http_get``'s keyword
    arguments (credentials, TLS, timeout). ``check_mode``: upload nothing; only ask whether the version exists, and
    fail as the upload would when it does and ``force`` is not set. Returns ``{"changed": True, "url": the upload
    URL (redacted), "status": HTTP status or None in check mode}``: every upload writes. Raises RepositoryError:
    409 (the version exists: names the chart and version and suggests ``force: true``), 401/403, 404, 5xx and
    transport failures, each naming the server.
    """
    url = api_url(base_url, "charts", context_path=context_path)
    if check_mode:
        if not force and _exists(base_url, name, version, context_path, http_options):
            raise _failure(409, b'{"error": "file already exists"}', url, name, version, False)
        return {"changed": True, "url": redact_url(url), "status": None}
    if force:
        url += ("&" if urlsplit(url).query else "?") + "force=true"
    files = {"chart": (file_name, data, "application/gzip")}
    if prov is not None:
        files["prov"] = (file_name + ".prov", prov, "application/pgp-signature")
    answer = http_post(url, files, what="ChartMuseum", credentials_url=base_url, **http_options)
    if answer.status not in (200, 201, 202):
        sent = bool(http_options.get("token") or (http_options.get("username") and http_options.get("password")))
        raise _failure(answer.status, answer.body, url, name, version, sent)
    return {"changed": True, "url": redact_url(url), "status": answer.status}


def push(chart_path, base_url, force=False, sign=None, context_path="", check_mode=False, **http_options):
    """``helm cm-push CHART URL``: read (or package, and with ``sign`` sign) ``chart_path`` and :func:`upload` it.

    Returns ``{"changed", "ref" (the chart's URL in the repository, redacted), "url" (upload URL), "name",
    "version", "digest" (``sha256:`` of the archive), "provenance" (bool), "status"}``. Raises ChartError or
    RepositoryError (see :func:`read_chart` and :func:`upload`)."""
    file_name, data, prov, name, version = read_chart(chart_path, sign)
    result = upload(base_url, file_name, data, prov, name, version, force=force, context_path=context_path,
                    check_mode=check_mode, **http_options)
    split = urlsplit(base_url)
    ref = urlunsplit((split.scheme, split.netloc, split.path.rstrip("/") + "/charts/" + file_name, "", ""))
    result.update(ref=redact_url(ref), name=name, version=version,
                  digest="sha256:" + hashlib.sha256(data).hexdigest(), provenance=prov is not None)
    return result
