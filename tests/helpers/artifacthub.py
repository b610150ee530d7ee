"""A local server speaking Artifact Hub's documented search API (https://artifacthub.io/docs/api/), for tests.

    with ArtifactHubServer(packages) as hub:
        hub.url            # http://127.0.0.1:PORT, the endpoint
        hub.requests       # the query dicts of every /api/v1/packages/search request
        hub.failures = [(429, {"Retry-After": "1"}), (503, {})]   # answers for the next requests, in order

``GET /api/v1/packages/search`` takes ``ts_query_web`` (every word must appear, case-insensitively, in the name,
description or keywords), ``kind`` (a repository kind; ``0`` is Helm charts, packages carry their own), ``limit``
(1 to 60, else 400) and ``offset``; it answers ``{"packages": [...]}`` with ``Pagination-Total-Count``. Packages
are dicts in the API's shape (``package_id``, ``name``, ``normalized_name``, ``version``, ``app_version``,
``description``, ``repository``: ``{name, url, kind}``).
"""
from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["ArtifactHubServer", "make_package"]


def make_package(index, name=None, description=None, kind=0, repo="repo"):
    """A package in the API's shape; ``index`` makes it unique."""
    name = name or "chart-%03d" % index
    return {"package_id": "00000000-0000-0000-0000-%012d" % index, "name": name, "normalized_name": name,
            "version": "1.%d.0" % index, "app_version": "v%d" % index,
            "description": description if description is not None else "Chart number %d" % index,
            "keywords": ["test"], "repository": {"repository_id": "r-%s" % repo, "name": repo, "kind": kind,
                                                 "url": "https://charts.example/%s" % repo}}


class ArtifactHubServer(object):
    """Serve ``packages`` (list of dicts) on 127.0.0.1 until the ``with`` block ends."""

    def __init__(self, packages=()):
        self.packages = list(packages)
        self.requests = []
        self.failures = []
        self._httpd = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._httpd.server_address[1]

    def _search(self, query):
        words = (query.get("ts_query_web") or "").lower().split()
        kind = query.get("kind")
        found = []
        for package in self.packages:
            text = " ".join([package["name"], package.get("description") or ""] + package.get("keywords", [])).lower()
            if kind is not None and str(package["repository"]["kind"]) != kind:
                continue
            if all(word in text for word in words):
                found.append(package)
        return found

    def __enter__(self):
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                if parts.path != "/api/v1/packages/search":
                    return self._send(404, {"message": "not found"})
                query = dict(urllib.parse.parse_qsl(parts.query))
                hub.requests.append(query)
                if hub.failures:
                    status, headers = hub.failures.pop(0)
                    return self._send(status, {"message": "failure %d" % status}, headers)
                try:
                    limit, offset = int(query.get("limit", "20")), int(query.get("offset", "0"))
                except ValueError:
                    return self._send(400, {"message": "invalid limit or offset"})
                if not 1 <= limit <= 60 or offset < 0:
                    return self._send(400, {"message": "limit must be between 1 and 60"})
                found = hub._search(query)
                self._send(200, {"packages": found[offset:offset + limit], "facets": None},
                           {"Pagination-Total-Count": str(len(found))})

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
