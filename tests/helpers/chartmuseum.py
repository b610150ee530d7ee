"""A ChartMuseum API server on 127.0.0.1 for tests (never shipped), written from ChartMuseum's documented API
(github.com/helm/chartmuseum README: "Chart Manipulation", "Multitenancy", "--context-path"):

* ``POST [<context>]/api[/<tenant>]/charts`` with ``multipart/form-data`` fields ``chart`` and ``prov``: 201
  ``{"saved": true}``; 409 ``{"error": "file already exists"}`` when the version is stored and ``force`` is not in
  the query; 400 for a body without a chart;
* ``GET [<context>]/api[/<tenant>]/charts/<name>/<version>``: 200 with the version, 404
  ``{"error": "improper constraint: <version>"}`` when it is not stored;
* ``GET [<context>]/<tenant>/charts/<file>``: the stored archive or provenance file;
* Basic (``username``/``password``) or Bearer (``token``) auth on every route: 401 ``{"error": "unauthorized"}``;
* ``tls``/``client_ca``: HTTPS with the test CA of chartrepo.make_test_pki;
* ``fail_next(n, status)``: the next n requests get ``status`` with ``{"error": "injected failure"}``;
* ``redirect_to`` (attribute): a base URL every POST is sent to with 307 (same path and query).

Every request is recorded in ``requests`` as ``(method, path, query, authorization header or None)``; stored files
are in ``stored`` (``{(tenant, file name): bytes}``).

    with ChartMuseumServer(username="ci", password=PASSWORD) as cm:
        cm.url            # http://127.0.0.1:PORT
"""
from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import tarfile
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import yaml

from .chartrepo import make_test_pki, start_server, stop_server

__all__ = ["ChartMuseumServer"]


def _chart_meta(data):
    """``(name, version)`` from the Chart.yaml at the top of a chart archive."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] == "Chart.yaml":
                meta = yaml.safe_load(tar.extractfile(member).read())
                return str(meta["name"]), str(meta["version"])
    raise ValueError("no Chart.yaml")


def _form_files(content_type, body):
    """``{field: bytes}`` of a multipart/form-data body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    out = {}
    if not message.is_multipart():
        return out
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            out[name] = part.get_payload(decode=True)
    return out


class _Handler(BaseHTTPRequestHandler):
    server_version = "helmkit-chartmuseum/1"

    def log_message(self, fmt, *args):
        pass

    def _json(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _gate(self, method):
        """Record the request; answer injected failures and auth; return (path segments after the context,
        query) or None when answered."""
        cm = self.server.museum
        split = urlsplit(self.path)
        auth = self.headers.get("Authorization")
        with cm.lock:
            cm.requests.append((method, split.path, split.query, auth))
            if cm.failures > 0:
                cm.failures -= 1
                self._json(cm.failure_status, {"error": "injected failure"})
                return None
        if cm.expected_auth and auth != cm.expected_auth:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="charts"' if cm.token else 'Basic realm="charts"')
            body = b'{"error":"unauthorized"}'
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        path = split.path
        if cm.context_path:
            if not path.startswith(cm.context_path + "/"):
                self._json(404, {"error": "not found"})
                return None
            path = path[len(cm.context_path):]
        return [p for p in path.split("/") if p], parse_qs(split.query, keep_blank_values=True)

    def do_POST(self):
        gated = self._gate("POST")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if gated is None:
            return
        segments, query = gated
        cm = self.server.museum
        if cm.redirect_to:
            self.send_response(307)
            self.send_header("Location", cm.redirect_to.rstrip("/") + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if len(segments) < 2 or segments[0] != "api" or segments[-1] != "charts":
            self._json(404, {"error": "not found"})
            return
        tenant = "/".join(segments[1:-1])
        files = _form_files(self.headers.get("Content-Type", ""), body)
        chart = files.get(cm.chart_field)
        if not chart:
            self._json(400, {"error": "no chart or provenance file found in form fields chart and prov"})
            return
        try:
            name, version = _chart_meta(chart)
        except (ValueError, KeyError, tarfile.TarError, OSError):
            self._json(500, {"error": "chart.metadata is required"})
            return
        file_name = "%s-%s.tgz" % (name, version)
        with cm.lock:
            if (tenant, file_name) in cm.stored and "force" not in query and not cm.allow_overwrite:
                self._json(409, {"error": "%s already exists" % file_name})
                return
            cm.stored[(tenant, file_name)] = chart
            if files.get(cm.prov_field):
                cm.stored[(tenant, file_name + ".prov")] = files[cm.prov_field]
        self._json(201, {"saved": True})

    def do_GET(self):
        gated = self._gate("GET")
        if gated is None:
            return
        segments, _query = gated
        cm = self.server.museum
        if segments[:1] == ["api"] and len(segments) >= 4 and segments[-3] == "charts":
            tenant = "/".join(segments[1:-3])
            name, version = segments[-2], segments[-1]
            with cm.lock:
                found = (tenant, "%s-%s.tgz" % (name, version)) in cm.stored
            if found:
                self._json(200, {"name": name, "version": version, "urls": ["charts/%s-%s.tgz" % (name, version)]})
            else:
                self._json(404, {"error": "improper constraint: %s" % version})
            return
        if len(segments) >= 2 and segments[-2] == "charts":
            key = ("/".join(segments[:-2]), segments[-1])
            with cm.lock:
                data = cm.stored.get(key)
            if data is not None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
        self._json(404, {"error": "not found"})


class ChartMuseumServer(object):
    """A ChartMuseum API on ``host`` in a thread. Arguments: ``username``/``password`` (Basic) or ``token`` (Bearer)
    required on every route; ``tls``, ``client_ca`` (HTTPS with a test CA, ``ca_file``; a client certificate
    required with ``client_ca``: ``client_cert_file``/``client_key_file``); ``context_path``; ``allow_overwrite``
    (ChartMuseum's ``--allow-overwrite``); ``pki`` (a make_test_pki dict to share)."""

    def __init__(self, username=None, password=None, token=None, tls=False, client_ca=False, context_path="",
                 allow_overwrite=False, host="127.0.0.1", pki=None):
        self.token = token
        self.expected_auth = None
        if token is not None:
            self.expected_auth = "Bearer " + token
        elif username is not None or password is not None:
            self.expected_auth = "Basic " + base64.b64encode(("%s:%s" % (username, password)).encode()).decode()
        self.tls = tls or client_ca
        self.client_ca = client_ca
        self.context_path = ("/" + context_path.strip("/")) if context_path.strip("/") else ""
        self.allow_overwrite = allow_overwrite
        self.redirect_to = None  # a base URL: every POST is answered 307 to it (same path and query)
        self.host = host
        self.pki = pki
        self.chart_field, self.prov_field = "chart", "prov"
        self.lock = threading.Lock()
        self.requests = []
        self.stored = {}
        self.failures = 0
        self.failure_status = 500
        self.url = self.ca_file = self.client_cert_file = self.client_key_file = None
        self._server = self._thread = self._tmp = None

    def fail_next(self, count, status=500):
        with self.lock:
            self.failures, self.failure_status = count, status

    def posts(self):
        return [r for r in self.requests if r[0] == "POST"]

    def start(self):
        import tempfile
        pki = None
        if self.tls:
            if self.pki is None:
                self._tmp = tempfile.mkdtemp(prefix="helmkit-chartmuseum-")
                self.pki = make_test_pki(self._tmp)
            pki = self.pki
            self.ca_file = pki["ca_file"]
            self.client_cert_file, self.client_key_file = pki["client_cert"], pki["client_key"]
        self._server, self._thread, self.url = start_server(_Handler, self.host, "chartmuseum", pki, self.client_ca,
                                                            museum=self)
        return self

    def stop(self):
        if self._server is not None:
            stop_server(self._server, self._thread)
            self._server = None
        if self._tmp:
            import shutil
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
