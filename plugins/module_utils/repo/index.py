"""Chart repository indexes: download (httpx), parse (PyYAML C loader), cache, and version resolution.

Behaviour follows Helm ``pkg/repo/index.go`` and ``pkg/repo/chartrepo.go``:

* the index lives at ``<repository URL>/index.yaml`` (query string of the repository URL kept) and chart URLs in it
  may be relative to the repository URL (``ResolveReferenceURL``);
* entries map a chart name to its versions, sorted highest first by semantic version; versions without a name or
  whose version is not semantic are dropped (Helm logs and skips them), a missing ``apiVersion`` is ``v1``;
* :func:`resolve` is ``IndexFile.Get``: an exact version string match first, otherwise the highest version that
  satisfies the constraint (Masterminds rules, see ``semver.py``); ``devel`` without a version means ``>0.0.0-0``.

Parsing a large index (grafana's is 4 MB) costs about a second, so :func:`load_cached_index` keeps a JSON copy
of the parsed index beside Helm's ``<name>-index.yaml`` (``<name>-index.helmkit.json``), valid while the YAML
file's size, mtime and SHA-256 are unchanged.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import ssl
from urllib.parse import urlsplit, urlunsplit, urljoin

from ..libraries import import_library, yaml  # PyYAML, guarded once in libraries.py
from ..errors import RepositoryError
from ..semver import SemverError, parse_constraint, parse_version
from ..transport import (Deadline, limit_message, max_chart_bytes, max_index_bytes, max_manifest_bytes,
                         may_send_credentials, read_capped, redact_url, run_with_deadline, ssl_context)
from ..transport.retry import RetryPolicy
from ..yaml.aliases import check_aliases, max_yaml_nodes
from ..yaml.errors import AliasError
from ..yaml.load import IndexLoader
from .config import (atomic_write, charts_list_path, describe_yaml_error, index_cache_path, parsed_index_path,
                     repository_of_cache_file)
from .indexscan import FIELDS, scan_index

__all__ = [
    "ChartVersion", "IndexFile", "parse_index", "load_index_file", "load_cached_index", "resolve", "fetch_index",
    "update_index_cache", "resolve_reference_url", "redact_url", "http_get", "http_post", "HttpAnswer",
    "read_index_file",
    "DEFAULT_TIMEOUT",
]

DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRIES = 3
#: Pauses between tries (transport/retry.py): 0.5 s doubled on each retry, a server's Retry-After up to 30 s. Tests
#: lower ``RETRY.base``.
RETRY = RetryPolicy(attempts=DEFAULT_RETRIES + 1, base=0.5, max_retry_after=30.0)
_CACHE_FORMAT = 2


class ChartVersion(object):
    """One version of a chart in an index (Helm ``repo.ChartVersion``).

    Attributes: ``name``, ``version`` (str), ``urls`` (list of str, possibly relative), ``digest`` (hex sha256 or
    ""), ``created`` (str), ``deprecated`` (bool), ``api_version``, ``app_version``, ``description``,
    ``keywords`` (list), ``metadata`` (the mapping from the index, reduced to ``indexscan.FIELDS``: annotations,
    maintainers and dependencies are not kept).
    """

    __slots__ = ("metadata",)

    def __init__(self, metadata):
        self.metadata = metadata

    def _str(self, key):
        value = self.metadata.get(key)
        return "" if value is None else str(value)

    name = property(lambda self: self._str("name"))
    version = property(lambda self: self._str("version"))
    digest = property(lambda self: self._str("digest"))
    created = property(lambda self: self._str("created"))
    api_version = property(lambda self: self._str("apiVersion") or "v1")
    app_version = property(lambda self: self._str("appVersion"))
    description = property(lambda self: self._str("description"))
    deprecated = property(lambda self: bool(self.metadata.get("deprecated")))
    urls = property(lambda self: [str(u) for u in (self.metadata.get("urls") or [])])
    keywords = property(lambda self: list(self.metadata.get("keywords") or []))

    def __repr__(self):
        return "ChartVersion(%r, %r)" % (self.name, self.version)


class IndexFile(object):
    """A parsed repository index: ``api_version``, ``generated`` (str) and ``entries`` (name -> [ChartVersion],
    highest version first)."""

    def __init__(self, entries, api_version="v1", generated=""):
        self.entries = entries
        self.api_version = api_version
        self.generated = generated

    def chart_names(self):
        return sorted(self.entries)

    def to_json_data(self):
        return {"apiVersion": self.api_version, "generated": self.generated,
                "entries": dict((n, [cv.metadata for cv in cvs]) for n, cvs in self.entries.items())}

    @classmethod
    def from_json_data(cls, data):
        entries = dict((n, [ChartVersion(m) for m in cvs]) for n, cvs in data["entries"].items())
        return cls(entries, data.get("apiVersion", "v1"), data.get("generated", ""))


def _sort_versions(versions):
    """Highest first (Helm's ``SortEntries``); every version here already parsed."""
    return [pair[1] for pair in sorted(versions, key=lambda pair: pair[0], reverse=True)]


def _valid_version(meta, fields=FIELDS):
    """``(Version, ChartVersion)`` for an index entry Helm keeps (holding only ``fields``), else None.

    Helm's loadIndex drops entries that fail chart metadata validation: no name, or a version that is not
    semantic (Masterminds ``NewVersion``).
    """
    if not isinstance(meta, dict) or not meta.get("name") or meta.get("version") in (None, ""):
        return None
    try:
        version = parse_version(str(meta["version"]))
    except SemverError:
        return None
    kept = dict((key, value) for key, value in meta.items() if key in fields)
    if not kept.get("apiVersion"):
        kept["apiVersion"] = "v1"
    return version, ChartVersion(kept)


def parse_index(data, source="index.yaml", fields=None):
    """Parse index bytes (YAML or JSON) into an :class:`IndexFile`.

    Indexes in the layout Helm writes are read by :func:`.indexscan.scan_index`, which keeps only the fields
    :class:`ChartVersion` reads; anything else goes through the full C loader. Both give the same entries.
    Raises RepositoryError naming ``source`` when the data is empty, not YAML, not a mapping, or has no
    ``apiVersion`` (Helm's ``no API version specified``). ``fields``: the version fields the fast reader keeps
    (default ``indexscan.FIELDS``; the full loader keeps every field).
    """
    if not data or not data.strip():
        raise RepositoryError("%s: the repository index is empty" % source)
    scanned = scan_index(data, fields)
    if scanned is not None:
        doc, raw_entries = scanned
    else:
        doc = _load_full(data, source)
        raw_entries = doc.get("entries") or {}
    if not doc.get("apiVersion"):
        raise RepositoryError("%s is not a chart repository index: no API version specified" % source)
    if not isinstance(raw_entries, dict):
        raise RepositoryError("%s: 'entries' must be a mapping of chart names to versions" % source)
    entries = {}
    for name, versions in raw_entries.items():
        if versions is not None and not isinstance(versions, list):  # Go: cannot unmarshal into []*ChartVersion
            raise RepositoryError("%s: entries.%s must be a list of chart versions, got %s"
                                  % (source, name, type(versions).__name__))
        kept = [pair for pair in (_valid_version(meta, fields or FIELDS) for meta in versions or [])
                if pair is not None]
        entries[str(name)] = _sort_versions(kept)
    return IndexFile(entries, str(doc.get("apiVersion")), str(doc.get("generated") or ""))


def _load_full(data, source):
    """The whole index document through the C loader; raises RepositoryError when it is not a YAML mapping."""
    try:
        doc = yaml.load(data, Loader=IndexLoader)
    except yaml.YAMLError as exc:
        raise RepositoryError("%s is not a chart repository index: invalid YAML at %s"
                              % (source, describe_yaml_error(exc)))
    if not isinstance(doc, dict):
        raise RepositoryError("%s is not a chart repository index: expected a mapping with 'apiVersion' and "
                              "'entries', got %s" % (source, type(doc).__name__))
    try:
        check_aliases(doc, data, INDEX_NODES_FACTOR * max_yaml_nodes())
    except AliasError as exc:
        raise RepositoryError("%s is not a usable chart repository index: yaml: %s" % (source, exc)) from None
    return doc


#: An index may hold this many times HELMKIT_MAX_YAML_NODES values once its YAML aliases are expanded (10,000,000
#: by default; go-yaml refuses "excessive aliasing" too); the largest real index in the test set holds 132,000.
INDEX_NODES_FACTOR = 10


def _repository_label(path):
    """``repository "NAME": `` for the cache file ``path`` of a named repository, else ""."""
    name = repository_of_cache_file(path)
    return 'repository "%s": ' % name if name else ""


def read_index_file(path):
    """The bytes of the repository index file ``path`` (Helm's cache ``<cache>/NAME-index.yaml`` or any index),
    refused when it is larger than ``transport.max_index_bytes()`` (``HELMKIT_MAX_INDEX_BYTES``): its size is
    checked before reading and the read stops one byte past the limit, so a file that grows meanwhile is not
    buffered either. Every reader of a cached index goes through here, as every download goes through
    :func:`http_get`'s cap. Raises RepositoryError naming the repository (from the cache file name), the file,
    the limit and the environment variable that raises it; or when the file cannot be read."""
    limit = max_index_bytes()
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(limit + 1) if size <= limit else None
    except OSError as exc:
        raise RepositoryError("%scannot read repository index %s: %s" % (_repository_label(path), path,
                                                                         exc.strerror))
    if data is None or len(data) > limit:
        error = RepositoryError("%sthe repository index %s: %s" % (_repository_label(path), path, limit_message(
            "its size (%d bytes)" % max(size, len(data or b"")), limit, "HELMKIT_MAX_INDEX_BYTES")))
        error.limit = "HELMKIT_MAX_INDEX_BYTES"
        raise error
    return data


def load_index_file(path):
    """Read (:func:`read_index_file`, under the index limit) and parse the index at ``path`` (no parsed cache).
    Raises RepositoryError."""
    return parse_index(read_index_file(path), source=path)


def _stamp(path, data):
    st = os.stat(path)
    return {"format": _CACHE_FORMAT, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "sha256": hashlib.sha256(data).hexdigest()}


def load_cached_index(yaml_path):
    """Parsed index for the YAML file ``yaml_path``, from the JSON cache beside it when still valid.

    The cache ``<name>-index.helmkit.json`` records the YAML file's size, mtime (ns) and SHA-256; any difference
    re-parses the YAML and rewrites the cache. A missing/corrupt cache is rebuilt silently. Raises
    RepositoryError when the YAML file itself is missing, invalid or over the index limit (:func:`read_index_file`).
    """
    data = read_index_file(yaml_path)
    try:
        with open(parsed_index_path(yaml_path), "rb") as fh:
            cached = json.loads(fh.read())
        if cached.get("stamp") == _stamp(yaml_path, data):
            return IndexFile.from_json_data(cached["index"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    index = parse_index(data, source=yaml_path)
    try:
        save_parsed_index(yaml_path, data, index)
    except RepositoryError:
        pass  # a read-only cache directory only costs speed
    return index


def save_parsed_index(yaml_path, data, index):
    """Write the parsed cache of ``index`` beside the index file ``yaml_path`` whose bytes are ``data``, stamped
    with that file's size, mtime and SHA-256 (see :func:`load_cached_index`). Raises RepositoryError when the
    cache directory cannot be written."""
    payload = json.dumps({"stamp": _stamp(yaml_path, data), "index": index.to_json_data()},
                         separators=(",", ":"), default=str)
    atomic_write(parsed_index_path(yaml_path), payload.encode("utf-8"), mode=0o644)


def nearest_versions(versions, wanted, limit=5):
    """Up to ``limit`` available versions closest to ``wanted``: the highest ones below it, then above it."""
    try:
        target = parse_version(wanted)
    except SemverError:
        return [cv.version for cv in versions[:limit]]
    below, above = [], []
    for cv in versions:
        try:
            (below if parse_version(cv.version) <= target else above).append(cv.version)
        except SemverError:
            continue
    return (below + list(reversed(above)))[:limit]


def resolve(index, name, constraint=None, devel=False, repository=None):
    """The :class:`ChartVersion` of chart ``name`` that Helm would pick.

    ``constraint``: None/"" for the latest release (with ``devel``, the latest version including prereleases),
    an exact version, or a Masterminds constraint (``^1.2``, ``>=1.0 <2``). Raises RepositoryError:
    ``chart "x" not found in repository "r"`` or ``chart "x" version "9.9.9" not found in repository "r";
    nearest: 1.2.3, 1.2.2``, or the constraint's parse error.
    """
    where = ' in repository "%s"' % repository if repository else " in the repository index"
    versions = index.entries.get(name)
    if not versions:
        hint = ""
        close = [n for n in index.entries if name.lower() in n.lower() or n.lower() in name.lower()]
        if close:
            hint = "; charts with similar names: %s" % ", ".join(sorted(close)[:5])
        raise RepositoryError('chart "%s" not found%s%s' % (name, where, hint))
    text = constraint or ""
    if text:
        for cv in versions:
            if cv.version == text:
                return cv
    try:
        parsed = parse_constraint(text or (">0.0.0-0" if devel else "*"))
    except SemverError as exc:
        raise RepositoryError('invalid version "%s" for chart "%s": %s' % (text, name, exc))
    for cv in versions:
        try:
            version = parse_version(cv.version)
        except SemverError:
            continue
        if parsed.check(version):
            return cv
    nearest = nearest_versions(versions, text)
    shown = text or ("any version" if devel else "any release")
    hint = ("; nearest: %s" % ", ".join(nearest)) if nearest else ""
    if not text and not devel:
        hint += "; only prereleases exist, set devel: true or a version"
    raise RepositoryError('chart "%s" version "%s" not found%s%s' % (name, shown, where, hint))


def resolve_reference_url(base_url, ref_url):
    """Helm's ``repo.ResolveReferenceURL``: ``ref_url`` resolved against ``base_url`` treated as a directory.

    Absolute ``ref_url`` is returned as is; otherwise the base path gets a trailing slash before joining and the
    base's query string is kept (``https://h/r?x=1`` + ``a.tgz`` -> ``https://h/r/a.tgz?x=1``).
    """
    if urlsplit(ref_url).scheme:
        return ref_url
    base = urlsplit(base_url)
    directory = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + "/", "", ""))
    joined = urlsplit(urljoin(directory, ref_url))
    return urlunsplit((joined.scheme, joined.netloc, joined.path, base.query, joined.fragment))


def _basic_auth_header(username, password):
    token = base64.b64encode(("%s:%s" % (username or "", password or "")).encode("utf-8")).decode("ascii")
    return "Basic " + token


def download_limit(what):
    """``(bytes, environment variable)`` capping a download of ``what``: a repository index, or anything else
    from a repository (a chart archive, a provenance file)."""
    if what == "repository index":
        return max_index_bytes(), "HELMKIT_MAX_INDEX_BYTES"
    return max_chart_bytes(), "HELMKIT_MAX_CHART_BYTES"


def http_get(url, username=None, password=None, pass_credentials=False, ca_file=None, cert_file=None,
             key_file=None, insecure_skip_tls_verify=False, timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES,
             what="repository", credentials_url=None, token=None):
    """GET ``url`` and return the body (bytes), the way Helm's HTTP getter does.

    ``token`` is sent as ``Authorization: Bearer`` instead of basic auth, under the same host rule.
    Like Helm's HTTP getter, basic auth is sent only when both username and password are set, and only to the
    scheme, host and port of ``url`` (or of ``credentials_url``: the repository URL when downloading a chart whose
    URL may point elsewhere); to any other origin, including redirect targets, only with ``pass_credentials``
    (Helm's ``--pass-credentials``); the rule is ``transport.may_send_credentials``. Connection errors, timeouts
    and 5xx answers are retried ``retries`` times with exponential back-off; ``timeout`` is per connect and per
    read. The whole operation (redirects, retries, the body) has one deadline (``HELMKIT_HTTP_DEADLINE``, 300 s)
    and the body is read in chunks up to :func:`download_limit` of ``what`` (``HELMKIT_MAX_INDEX_BYTES`` for a
    repository index, ``HELMKIT_MAX_CHART_BYTES`` otherwise), so a server that trickles bytes or never ends its
    answer is cut off. Raises RepositoryError with the (redacted) URL and a hint for 401/403/404/other statuses,
    for unreachable hosts and for a limit hit (naming it and how to raise it); no credential appears in a message.
    """
    httpx = import_library("httpx", "httpx")  # optional: httpx (only a download imports it, not an unchanged release)

    verify = True
    if url.startswith("https") or ca_file or cert_file or insecure_skip_tls_verify:
        verify = ssl_context(ca_file, cert_file, key_file, insecure_skip_tls_verify, RepositoryError)  # also for https redirects
    parts = urlsplit(url)
    if parts.username is not None and username is None:
        username, password = parts.username, parts.password
    request = _Request(url, credentials_url or url, username, password, pass_credentials, what, token)
    deadline = Deadline()

    def operation():
        with httpx.Client(verify=verify, timeout=timeout, follow_redirects=False) as client:
            return _get_with_retries(httpx, client, request, retries, deadline)

    return run_with_deadline(operation, deadline, lambda: RepositoryError(
        "%s %s: the server %s did not send its whole answer within %ss, the deadline of one HTTP operation (it is "
        "unreachable or trickling bytes); if the link is only slow, raise the limit with the environment variable "
        "HELMKIT_HTTP_DEADLINE (see docs/limits.md)"
        % (what, redact_url(url), parts.hostname or redact_url(url), _seconds(deadline.seconds))))


def _seconds(value):
    return ("%d" % value) if float(value).is_integer() else ("%g" % value)


class _Request(object):
    """What one :func:`http_get` asks for: the URL, whose credentials (and for which origin), and the cap."""

    __slots__ = ("url", "credentials_url", "username", "password", "pass_credentials", "what", "limit",
                 "limit_env", "token")

    def __init__(self, url, credentials_url, username, password, pass_credentials, what, token=None):
        self.url = url
        self.credentials_url = credentials_url
        self.username = username
        self.password = password
        self.pass_credentials = pass_credentials
        self.what = what
        self.token = token
        self.limit, self.limit_env = download_limit(what)


def _get_with_retries(httpx, client, request, retries, deadline):
    attempt = 0
    while True:
        try:
            status, headers, body = _get_following_redirects(client, request, deadline)
        except httpx.TransportError as exc:
            if attempt < retries and not _is_tls_error(exc):
                RETRY.sleep(min(RETRY.backoff(attempt + 1), deadline.remaining()))
                attempt += 1
                continue
            raise RepositoryError("%s %s is unreachable: %s%s; check the URL, DNS, proxy and TLS settings"
                                  % (request.what, redact_url(request.url), _transport_reason(exc),
                                     _attempts(attempt)))
        if (status >= 500 or status == 429) and attempt < retries:
            RETRY.sleep(min(RETRY.backoff(attempt + 1, headers.get("Retry-After")), deadline.remaining()))
            attempt += 1
            continue
        if status != 200:
            error = RepositoryError(_status_message(request.what, request.url, status,
                                                    bool(request.token or (request.username and request.password)))
                                    + _attempts(attempt))
            error.status = status  # the HTTP status, for callers to whom a 404 is an answer
            raise error
        return body


def _attempts(retried):
    """`` (GET gave up after N attempts)`` when the request was retried, else ""."""
    return " (GET gave up after %d attempts)" % (retried + 1) if retried else ""


def _is_tls_error(exc):
    """True when a TLS handshake failed (bad certificate, wrong CA): retrying cannot help."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _transport_reason(exc):
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        text += " (set ca_file to the repository's CA, or insecure_skip_tls_verify: true)"
    return text


def _auth_headers(request, url):
    """The request headers for ``url``: the User-Agent, and the Authorization of ``request`` when
    ``transport.may_send_credentials`` allows it for that origin (Bearer ``token`` first, else Basic)."""
    headers = {"User-Agent": "Helm/4 helmkit.core"}
    allowed = may_send_credentials(request.credentials_url, url, request.pass_credentials)
    if request.token and allowed:
        headers["Authorization"] = "Bearer " + request.token
    elif request.username and request.password and allowed:
        headers["Authorization"] = _basic_auth_header(request.username, request.password)
    return headers


def _get_following_redirects(client, request, deadline, limit=10):
    """``(status, headers, body)`` of a GET of ``request.url`` following up to ``limit`` redirects; the body (of a
    200 answer only) is streamed under the size cap and the deadline."""
    url = request.url
    for _hop in range(limit):
        headers = _auth_headers(request, url)
        clean = _strip_userinfo(url)
        with client.stream("GET", clean, headers=headers) as response:
            url = _redirect(request, clean, response, (301, 302, 303, 307, 308))
            if url:
                continue
            if response.status_code != 200:
                return response.status_code, response.headers, b""
            return 200, response.headers, read_capped(response.iter_bytes(), request.limit,
                                                      lambda size: _too_big(request, size), deadline)
    raise RepositoryError("too many redirects fetching %s (more than %d)" % (redact_url(request.url), limit))


def _too_big(request, size):
    error = RepositoryError("%s %s: %s" % (request.what, redact_url(request.url), limit_message(
        "the answer (%d bytes so far)" % size, request.limit, request.limit_env)))
    error.limit = request.limit_env  # which limit was hit, for callers that add the repository's name
    return error


def _strip_userinfo(url):
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))


def _status_message(what, url, status, sent_credentials):
    shown = redact_url(url)
    if status in (401, 403):
        reason = "401 Unauthorized" if status == 401 else "403 Forbidden"
        if sent_credentials:
            hint = ("the credentials (username/password or token) were refused; check them (and pass_credentials if "
                    "the server redirects)")
        else:
            hint = "the repository needs credentials; set username and password, or token"
        return "%s %s answered %s: %s" % (what, shown, reason, hint)
    if status == 404:
        return "%s %s answered 404 Not Found; check the URL (a chart repository serves index.yaml at its root)" % (
            what, shown)
    return "%s %s answered HTTP %d" % (what, shown, status)


class HttpAnswer(object):
    """What :func:`http_post` got back: ``status`` (int), ``headers`` (httpx Headers) and ``body`` (bytes, capped)."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body


#: Statuses after which a POST is sent again: the server (or a proxy in front of it) did not process the request.
_POST_RETRY_STATUSES = (429, 502, 503, 504)


def http_post(url, files, username=None, password=None, pass_credentials=False, ca_file=None, cert_file=None,
              key_file=None, insecure_skip_tls_verify=False, timeout=DEFAULT_TIMEOUT, retries=DEFAULT_RETRIES,
              what="repository API", credentials_url=None, token=None):
    """POST ``files`` (``{field: (file name, bytes, content type)}``, sent as ``multipart/form-data``) to ``url``
    and return an :class:`HttpAnswer` whatever its status: the caller decides what a status means.

    The same client rules as :func:`http_get`: TLS from ``ca_file``/``cert_file``/``key_file``/
    ``insecure_skip_tls_verify``; ``token`` as ``Authorization: Bearer``, else Basic when both ``username`` and
    ``password`` are set, only to the origin of ``credentials_url`` (default ``url``) unless ``pass_credentials``
    (``transport.may_send_credentials``); one deadline for the whole operation. Only 307 and 308 redirects are
    followed (they keep the method and body; the credential rule applies to the new origin). A POST is sent
    again only when it cannot have been processed: a refused connection, or 429/502/503/504 (``Retry-After``
    honoured), up to ``retries`` times. The answer body is read up to ``HELMKIT_MAX_MANIFEST_BYTES`` (4 MiB), the
    limit of every JSON answer of an API. Raises
    RepositoryError for an unreachable server, a TLS failure, a redirect elsewhere than http(s) or the deadline.
    """
    httpx = import_library("httpx", "httpx")  # optional: httpx (only a download imports it, not an unchanged release)
    verify = True
    if url.startswith("https") or ca_file or cert_file or insecure_skip_tls_verify:
        verify = ssl_context(ca_file, cert_file, key_file, insecure_skip_tls_verify, RepositoryError)
    parts = urlsplit(url)
    if parts.username is not None and username is None:
        username, password = parts.username, parts.password
    request = _Request(url, credentials_url or url, username, password, pass_credentials, what, token)
    request.limit, request.limit_env = max_manifest_bytes(), "HELMKIT_MAX_MANIFEST_BYTES"
    deadline = Deadline()

    def operation():
        with httpx.Client(verify=verify, timeout=timeout, follow_redirects=False) as client:
            attempt = 0
            while True:
                try:
                    answer = _post_following_redirects(client, request, files, deadline)
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # nothing was sent yet
                    if attempt < retries and not _is_tls_error(exc):
                        RETRY.sleep(min(RETRY.backoff(attempt + 1), deadline.remaining()))
                        attempt += 1
                        continue
                    raise RepositoryError("%s %s is unreachable: %s%s; check the URL, DNS, proxy and TLS settings"
                                          % (what, redact_url(url), _transport_reason(exc), _attempts(attempt)))
                except httpx.TransportError as exc:  # sent, perhaps processed: never sent twice
                    raise RepositoryError("%s %s: the connection failed during the upload: %s; check the server "
                                          "before trying again" % (what, redact_url(url), _transport_reason(exc)))
                if answer.status in _POST_RETRY_STATUSES and attempt < retries:
                    RETRY.sleep(min(RETRY.backoff(attempt + 1, answer.headers.get("Retry-After")),
                                    deadline.remaining()))
                    attempt += 1
                    continue
                return answer

    return run_with_deadline(operation, deadline, lambda: RepositoryError(
        "%s %s: the server %s did not answer within %ss, the deadline of one HTTP operation; if the link is only "
        "slow, raise the limit with the environment variable HELMKIT_HTTP_DEADLINE (see docs/limits.md)"
        % (what, redact_url(url), parts.hostname or redact_url(url), _seconds(deadline.seconds))))


def _redirect(request, current, response, statuses):
    """The absolute URL that ``response`` (an answer to ``current``) redirects to when its status is one of
    ``statuses`` and it names a Location, else None. Raises RepositoryError for a redirect to anything but http(s)."""
    if response.status_code not in statuses or "location" not in response.headers:
        return None
    url = urljoin(current, response.headers["location"])
    if urlsplit(url).scheme not in ("http", "https"):
        raise RepositoryError("%s %s redirected to %s, which is not an http:// or https:// URL; refusing to follow "
                              "it" % (request.what, redact_url(request.url), redact_url(url)))
    return url


def _post_following_redirects(client, request, files, deadline, limit=5):
    url = request.url
    for _hop in range(limit):
        headers = _auth_headers(request, url)
        clean = _strip_userinfo(url)
        with client.stream("POST", clean, headers=headers, files=files) as response:
            url = _redirect(request, clean, response, (307, 308))  # a POST is sent again only where it stays one
            if url:
                continue
            body = read_capped(response.iter_bytes(), request.limit, lambda size: _too_big(request, size), deadline)
            return HttpAnswer(response.status_code, response.headers, body)
    raise RepositoryError("too many redirects posting to %s (more than %d)" % (redact_url(request.url), limit))


def fetch_index(repo_url, repository=None, **http_options):
    """Download ``<repo_url>/index.yaml`` and return ``(bytes, IndexFile)``; ``http_options`` as :func:`http_get`.

    The download stops at ``HELMKIT_MAX_INDEX_BYTES``; that error names ``repository`` (its name in
    repositories.yaml, when given) besides the URL. Raises RepositoryError when the index cannot be fetched, is too
    large or is not a valid index (naming the URL).
    """
    index_url = resolve_reference_url(repo_url, "index.yaml")
    try:
        data = http_get(index_url, what="repository index", **http_options)
    except RepositoryError as exc:
        if repository and getattr(exc, "limit", None):
            raise RepositoryError('repository "%s": %s' % (repository, exc)) from None
        raise
    index = parse_index(data, source=redact_url(index_url))
    return data, index


def update_index_cache(cache_dir, name, repo_url, repository=None, **http_options):
    """Download repository ``name``'s index into Helm's cache; return the parsed :class:`IndexFile`.

    ``repository``: the name a too-large-index error gives (default ``name``, unless it is a cache name made from a
    URL; "" when the caller names the repository itself).

    Writes ``<cache>/<name>-index.yaml`` (the bytes as served), ``<cache>/<name>-charts.txt`` and the parsed JSON
    cache, each atomically. Raises RepositoryError.
    """
    if repository is None:
        repository = repository_of_cache_file(index_cache_path(cache_dir, name))
    data, index = fetch_index(repo_url, repository=repository, **http_options)
    yaml_path = index_cache_path(cache_dir, name)
    atomic_write(yaml_path, data, mode=0o644)
    names = "".join(n + "\n" for n in index.chart_names())
    atomic_write(charts_list_path(cache_dir, name), names.encode("utf-8"), mode=0o644)
    save_parsed_index(yaml_path, data, index)
    return index
