"""A hostile HTTP server on 127.0.0.1 for tests (never shipped): each route is a function that answers as a broken
or malicious registry, chart repository or API server would (redirects to other hosts, ``Link`` and ``Location``
headers elsewhere, bodies that trickle or never end, JSON of the wrong shape).

    with HostileServer() as server:
        server.route("/index.yaml", lambda req: req.send(302, {"Location": server.other_url + "/x"}))
        server.url          # http://127.0.0.1:PORT
        server.other_url    # http://localhost:PORT: the same socket under another host name (another origin)
        server.seen         # [Seen(method, path, host, authorization)] of every request

A route gets a :class:`Request` (``method``, ``path``, ``query``, ``headers``, ``body``) and answers with its
``send``, ``trickle`` or ``endless`` helpers. Unknown paths answer 404. Routes may be keyed by path or by
``(method, path)``.
"""
from __future__ import annotations

import collections
import http.server
import threading
import time
from urllib.parse import urlsplit

__all__ = ["HostileServer", "Seen"]

Seen = collections.namedtuple("Seen", "method path host authorization")


class Request(object):
    """One request as a route sees it, with the ways to answer it."""

    def __init__(self, handler, body):
        self._handler = handler
        self.method = handler.command
        parts = urlsplit(handler.path)
        self.path = parts.path
        self.query = parts.query
        self.headers = handler.headers
        self.body = body

    def send(self, status, headers=None, body=b""):
        """A whole answer: ``status``, ``headers`` (dict), ``body`` (bytes or str)."""
        data = body.encode() if isinstance(body, str) else body
        handler = self._handler
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if self.method != "HEAD":
            handler.wfile.write(data)

    def trickle(self, status, body, delay, headers=None, stop=None):
        """``body`` one byte every ``delay`` seconds (a Content-Length announcing all of it), until ``stop`` (a
        threading.Event) is set or the client goes away."""
        handler = self._handler
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        self._drip(body, delay, stop)

    def trickle_headers(self, delay, stop=None):
        """The status line and headers themselves one byte every ``delay`` seconds (never finished)."""
        self._handler.close_connection = True
        self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 100000, delay, stop)

    def _drip(self, data, delay, stop):
        handler = self._handler
        handler.close_connection = True
        for index in range(len(data)):
            if stop is not None and stop.is_set():
                return
            try:
                handler.wfile.write(data[index:index + 1])
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(delay)

    def endless(self, status=200, headers=None, chunk=b"x" * 65536, limit=1 << 34):
        """A chunked body that does not end (stops after ``limit`` bytes or when the client goes away)."""
        handler = self._handler
        handler.close_connection = True
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        sent = 0
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        while sent < limit:
            try:
                handler.wfile.write(frame)
            except OSError:
                return
            sent += len(chunk)


class HostileServer(object):
    """The server; ``route(path, func, method=None)`` adds an answer. ``seen`` records every request."""

    def __init__(self):
        self.routes = {}
        self.seen = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                server._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.host = "127.0.0.1:%d" % self.port
        self.url = "http://127.0.0.1:%d" % self.port
        self.other_url = "http://localhost:%d" % self.port
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="hostile-server", daemon=True)

    def route(self, path, func, method=None):
        self.routes[(method, path) if method else path] = func
        return func

    def requests_to(self, host_name):
        """The recorded requests whose Host header names ``host_name`` (``localhost``, ``127.0.0.1``)."""
        return [seen for seen in self.seen if seen.host.split(":")[0] == host_name]

    def _serve(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(handler, body)
        with self._lock:
            self.seen.append(Seen(request.method, handler.path, handler.headers.get("Host", ""),
                                  handler.headers.get("Authorization")))
        func = self.routes.get((request.method, request.path)) or self.routes.get(request.path)
        if func is None:
            request.send(404, {"Content-Type": "text/plain"}, b"not found\n")
            return
        try:
            func(request)
        except OSError:  # the client hung up (it stopped reading at a cap or a deadline): what the test wants
            handler.close_connection = True

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        return False
