"""A fault-injecting HTTP proxy on 127.0.0.1 in front of the Kubernetes API emulator (a test tool).

``FaultProxy(upstream_url, token)`` listens on plain HTTP and forwards each request to the emulator over HTTPS
(bearer token added). ``proxy.add(method, path_contains, fault, times=1, **options)`` arms a fault for the next
``times`` matching requests:

* ``"reset"``: the connection is reset (RST) without an answer; ``after=True`` forwards first, so the server did
  the work and only the answer is lost;
* ``"status"``: answer ``status`` (503, 429, ...) with ``retry_after`` seconds in ``Retry-After`` when given;
* ``"slow"``: wait ``delay`` seconds, then forward.

``proxy.seen`` lists (method, path) of every request received; ``proxy.kubeconfig(path)`` writes a kubeconfig.
"""
import http.server
import socket
import struct
import threading
import time

import httpx
import yaml


class FaultProxy(object):
    def __init__(self, upstream_url, token):
        self.upstream_url = upstream_url
        self.token = token
        self.faults = []
        self.seen = []
        self._lock = threading.Lock()
        self._client = httpx.Client(verify=False, timeout=30)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                proxy._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self._client.close()

    def add(self, method, path_contains, fault, times=1, **options):
        with self._lock:
            self.faults.append({"method": method, "path": path_contains, "fault": fault, "left": times,
                                "options": options})

    def count(self, method, path_contains=""):
        return sum(1 for m, p in self.seen if m == method and path_contains in p)

    def kubeconfig(self, path):
        config = {"apiVersion": "v1", "kind": "Config", "current-context": "proxy",
                  "clusters": [{"name": "proxy", "cluster": {"server": self.url}}],
                  "users": [{"name": "proxy", "user": {"token": self.token}}],
                  "contexts": [{"name": "proxy", "context": {"cluster": "proxy", "user": "proxy",
                                                             "namespace": "default"}}]}
        with open(str(path), "w") as handle:
            yaml.safe_dump(config, handle)
        return str(path)

    def _take(self, method, path):
        with self._lock:
            self.seen.append((method, path))
            for fault in self.faults:
                if fault["left"] > 0 and fault["method"] == method and fault["path"] in path:
                    fault["left"] -= 1
                    return fault
        return None

    def _serve(self, handler):
        method = handler.command
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        fault = self._take(method, handler.path)
        options = fault["options"] if fault else {}
        if fault and fault["fault"] == "reset" and not options.get("after"):
            return self._reset(handler)
        if fault and fault["fault"] == "status":
            handler.send_response(options.get("status", 503))
            if options.get("retry_after") is not None:
                handler.send_header("Retry-After", str(options["retry_after"]))
            payload = b'{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected fault",' \
                      b'"reason":"ServiceUnavailable"}'
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            return None
        if fault and fault["fault"] == "slow":
            time.sleep(options.get("delay", 2))
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "content-length",
                                                                                 "connection")}
        upstream = self._client.request(method, self.upstream_url + handler.path, content=body, headers=headers)
        if fault and fault["fault"] == "reset":
            return self._reset(handler)
        handler.send_response(upstream.status_code)
        for key, value in upstream.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(upstream.content)))
        handler.end_headers()
        try:
            handler.wfile.write(upstream.content)
        except OSError:
            pass
        return None

    @staticmethod
    def _reset(handler):
        sock = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
