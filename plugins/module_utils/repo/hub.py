"""``helm search hub``: search Artifact Hub for Helm charts through its public API.

Artifact Hub documents ``GET <endpoint>/api/v1/packages/search`` (https://artifacthub.io/docs/api/) with the query
parameters ``ts_query_web`` (the search text), ``kind`` (``0``: Helm charts), ``limit`` (at most 60 per page) and
``offset``; the answer is ``{"packages": [...]}`` and the ``Pagination-Total-Count`` header gives the number of
matches. Each package has ``name``, ``normalized_name``, ``version``, ``app_version``, ``description`` and
``repository`` (``name``, ``url``).

Results are what ``helm search hub -o json`` prints for each chart (Helm ``pkg/cmd/search_hub.go``,
``hubChartElement``): ``url`` (the chart's Artifact Hub page, ``<endpoint>/packages/helm/<repo>/<chart>``),
``version``, ``app_version``, ``description`` and ``repository`` (``url``, ``name``). Requests go through the
collection's one HTTP client and retry policy (:func:`~.index.http_get`: 429 honouring ``Retry-After``, 5xx and
lost connections retried with back-off); failures are RepositoryError naming the endpoint.
"""
from __future__ import annotations

import json
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ..errors import RepositoryError
from .index import DEFAULT_RETRIES, http_get

__all__ = ["search_hub", "DEFAULT_ENDPOINT", "PAGE_LIMIT", "DEFAULT_MAX_RESULTS"]

DEFAULT_ENDPOINT = "https://artifacthub.io"
#: Artifact Hub's largest ``limit``.
PAGE_LIMIT = 60
DEFAULT_MAX_RESULTS = 60
HELM_KIND = 0


def _page_url(endpoint, text, limit, offset):
    query = urlencode([("ts_query_web", text), ("kind", HELM_KIND), ("limit", limit), ("offset", offset)])
    return "%s/api/v1/packages/search?%s" % (endpoint, query)


def _packages(body, url):
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RepositoryError("Artifact Hub %s did not answer with JSON (%s); check endpoint: it must be an "
                              "Artifact Hub base URL such as https://artifacthub.io" % (url, exc)) from None
    packages = data.get("packages") if isinstance(data, dict) else None
    if packages is None:
        packages = [] if isinstance(data, dict) else None
    if not isinstance(packages, list) or not all(isinstance(p, dict) for p in packages):
        raise RepositoryError("Artifact Hub %s answered JSON without a list of packages; check endpoint" % url)
    return packages


def _element(endpoint, package):
    """One ``helm search hub -o json`` entry for an Artifact Hub package dict."""
    repository = package.get("repository") if isinstance(package.get("repository"), dict) else {}
    repo_name = str(repository.get("name") or "")
    chart = str(package.get("normalized_name") or package.get("name") or "")
    return {"url": "%s/packages/helm/%s/%s" % (endpoint, quote(repo_name, safe=""), quote(chart, safe="")),
            "version": str(package.get("version") or ""), "app_version": str(package.get("app_version") or ""),
            "description": str(package.get("description") or ""),
            "repository": {"url": str(repository.get("url") or ""), "name": repo_name}}


def _public(endpoint):
    """``endpoint`` without userinfo: the packages' page URLs returned are public, and credentials written into the
    endpoint URL must not appear in a result."""
    parts = urlsplit(endpoint)
    if "@" not in parts.netloc:
        return endpoint
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))


def search_hub(terms=None, endpoint=DEFAULT_ENDPOINT, max_results=DEFAULT_MAX_RESULTS, timeout=30.0,
               retries=DEFAULT_RETRIES, ca_file=None, insecure_skip_tls_verify=False):
    """Search Artifact Hub at ``endpoint`` for Helm charts matching ``terms`` (list of str joined with a space, as
    Helm joins its arguments; empty lists every chart) and return up to ``max_results`` (int >= 1) entries.

    Pages of at most :data:`PAGE_LIMIT` are requested with increasing ``offset`` until ``max_results`` entries, a
    short page or an empty one. ``timeout``: seconds per request. Returns a list of dicts with ``url``,
    ``version``, ``app_version``, ``description`` and ``repository`` (``url``, ``name``), in Artifact Hub's order.
    Raises RepositoryError for an invalid ``endpoint`` or ``max_results``, an unreachable endpoint, an HTTP error
    (after the retries of :func:`~.index.http_get`) or an answer that is not Artifact Hub's JSON.
    """
    endpoint = str(endpoint or DEFAULT_ENDPOINT).rstrip("/")
    if not endpoint.startswith(("https://", "http://")):
        raise RepositoryError("endpoint %r is not an http(s) URL; use e.g. %s" % (endpoint, DEFAULT_ENDPOINT))
    try:
        wanted = int(max_results)
    except (TypeError, ValueError):
        wanted = 0
    if wanted < 1:
        raise RepositoryError("max_results must be a whole number of at least 1, got %r" % (max_results,))
    text = " ".join(str(t) for t in terms or [])
    found = []
    while len(found) < wanted:
        limit = min(PAGE_LIMIT, wanted - len(found))
        url = _page_url(endpoint, text, limit, len(found))
        body = http_get(url, what="Artifact Hub", timeout=timeout, retries=retries, ca_file=ca_file,
                        insecure_skip_tls_verify=insecure_skip_tls_verify)
        packages = _packages(body, url)
        found.extend(_element(_public(endpoint), p) for p in packages[:limit])
        if len(packages) < limit:
            break
    return found
