"""The HTTPS front end: routing of Kubernetes API paths onto the Store, discovery, OpenAPI, watch streaming,
bearer-token auth, request body decoding (JSON, YAML, protobuf) and the request log.

Paths follow k8s.io/apiserver/pkg/endpoints/installer.go:
``/api/v1/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`` and the same under ``/apis/<group>/<version>``.
Test-only control endpoints live under ``/_kubeapi/`` (request log) and are not logged themselves.
"""
from __future__ import annotations

import base64
import json
import queue
import select
import socket
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

from . import discovery, protobuf
from .auth import Attributes, Authenticator
from .errors import ApiError, bad_request, resource_not_found
from .selection import SelectorError, check_field_selector, parse_field_selector, parse_label_selector
from .store import APPLY, WriteOptions

PROTOBUF = "application/vnd.kubernetes.protobuf"
SELF_SUBJECT_REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews"

METADATA_LIST_TYPE = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


def wants_metadata_list(accept: str) -> bool:
    """Whether an Accept header asks a LIST for metadata only, as client-go's metadata client and ``kubectl get -o
    name`` do: an entry ``application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`` (parameters in any
    order; ``v1beta1`` too). The server then answers a ``meta.k8s.io/v1`` PartialObjectMetadataList: each item only
    ``kind``, ``apiVersion`` and the object's ``metadata``."""
    for entry in accept.split(","):
        parts = [p.strip() for p in entry.split(";")]
        params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        if parts[0] == "application/json" and params.get("g") == "meta.k8s.io" \
                and params.get("v") in ("v1", "v1beta1") and params.get("as") == "PartialObjectMetadataList":
            return True
    return False


class APIServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does the TLS handshake in the per-connection thread.

    Args: address ((host, port)), store (Store), token (the admin bearer token), ssl_context, auth (an
    auth.Authenticator; default: one for ``token`` that issues no client certificates).
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, store, token, ssl_context, auth=None):
        self.store = store
        self.token = token
        self.auth = auth or Authenticator(store, token, None, None)
        self.ssl_context = ssl_context
        self.log = []
        self.log_lock = threading.Lock()
        self.stopping = threading.Event()
        self.aggregated_discovery = True  # False: a server without aggregated discovery (before v1.26, or disabled)
        #: Seconds every API request waits before it is served (the control endpoints /_kubeapi/ aside): a network
        #: round trip plus the real server's own work (authentication, admission, etcd), which the emulator
        #: otherwise answers in well under a millisecond. A watch pays it once, before its first event.
        self.latency = 0.0
        ThreadingHTTPServer.__init__(self, address, Handler)

    def finish_request(self, request, client_address):
        try:
            request.settimeout(60)
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            Handler(tls, client_address, self)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def shutdown_request(self, request):
        try:
            request.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        request.close()

    def handle_error(self, request, client_address):
        """Connection errors are the client's business; keep stderr quiet."""

    def record(self, entry):
        """Append one request (dict) to the log."""
        with self.log_lock:
            self.log.append(entry)


def _peer_gone(sock):
    """True when the client closed a streaming connection (it is readable: EOF, as clients send nothing
    while a watch streams)."""
    try:
        readable, _unused, _unused2 = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _item_key(item):
    meta = item["metadata"]
    return (meta.get("namespace") or "", meta["name"])


def _first(query, name, default=None):
    values = query.get(name)
    return values[0] if values else default


class Handler(BaseHTTPRequestHandler):
    """One HTTP/1.1 connection; methods dispatch to the store."""

    protocol_version = "HTTP/1.1"
    server_version = "kubeapi-emulator"

    def log_message(self, fmt, *args):  # quiet: the request log is the record
        pass

    # ---- plumbing ---------------------------------------------------------------------------------------------
    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send_json(self, code, body, content_type="application/json", extra=None):
        data = json.dumps(body, separators=(",", ":")).encode() + b"\n"
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_error(self, err):
        self._send_json(err.code, err.status())

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _dispatch(self):
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip("/") or "/"
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        body = self._read_body()
        content_type = self.headers.get("Content-Type", "")
        if not path.startswith("/_kubeapi/"):
            self.server.record({"method": self.command, "path": path, "query": parsed.query,
                                "content_type": content_type.split(";")[0].strip(),
                                "user_agent": self.headers.get("User-Agent", ""), "time": time.time()})
            if self.server.latency > 0:
                time.sleep(self.server.latency)
        try:
            try:
                peer = self.connection.getpeercert()
            except (AttributeError, ValueError, ssl.SSLError):
                peer = None
            user, groups = self.server.auth.authenticate(self.headers, peer)
            self.server.auth.authorize(user, groups, Attributes(self.command, path, query))
            if path == SELF_SUBJECT_REVIEWS and self.command == "POST":
                return self._self_subject_review(user, groups)
            self._route(path, query, body, content_type)
        except ApiError as err:
            self._send_error(err)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True
        except Exception as exc:  # report, never hang the client
            self._send_error(ApiError(500, "InternalError", "Internal error occurred: %s: %s" % (
                type(exc).__name__, exc)))

    # ---- routing ----------------------------------------------------------------------------------------------
    def _route(self, path, query, body, content_type):
        table = self.server.store.table
        if path.startswith("/_kubeapi/"):
            return self._control(path, body)
        if path in ("/healthz", "/readyz", "/livez"):
            data = b"ok"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        if path == "/version":
            return self._send_json(200, discovery.VERSION)
        if path in ("/api", "/apis"):
            return self._discovery_root(path == "/api")
        if path == "/openapi/v3":
            return self._send_json(200, discovery.openapi_index(table))
        if path.startswith("/openapi/v3/"):
            rest = path[len("/openapi/v3/"):].split("/")
            group, version = ("", rest[1]) if rest[0] == "api" and len(rest) == 2 else (
                (rest[1], rest[2]) if rest[0] == "apis" and len(rest) == 3 else (None, None))
            doc = discovery.openapi_document(table, group, version) if version else None
            if doc is None:
                raise resource_not_found()
            return self._send_json(200, doc, extra={"Cache-Control": "public, immutable"}
                                   if "hash" in query else None)
        if path == "/openapi/v2":
            raise resource_not_found()
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 2:
            if len(parts) == 2:
                return self._api_group(parts[1])
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise resource_not_found()
        if not rest:
            doc = discovery.api_resource_list(table, group, version)
            if doc is None:
                raise resource_not_found()
            return self._send_json(200, doc)
        return self._resource(group, version, rest, query, body, content_type)

    def _discovery_root(self, core):
        table = self.server.store.table
        if self.server.aggregated_discovery and discovery.wants_aggregated(self.headers.get("Accept", "")):
            doc = discovery.aggregated(table, core)
            tag = discovery.etag(doc)
            if self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("ETag", tag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send_json(200, doc, content_type=discovery.AGGREGATED_TYPE,
                                   extra={"ETag": tag, "Vary": "Accept"})
        return self._send_json(200, discovery.api_versions() if core else discovery.api_group_list(table),
                               extra={"Vary": "Accept"})

    def _api_group(self, group):
        for g, versions in self.server.store.table.groups():
            if g == group and g:
                vs = [{"groupVersion": "%s/%s" % (g, v), "version": v} for v in versions]
                return self._send_json(200, {"kind": "APIGroup", "apiVersion": "v1", "name": g, "versions": vs,
                                             "preferredVersion": vs[0]})
        raise resource_not_found()

    def _control(self, path, body):
        if path == "/_kubeapi/requests":
            if self.command == "DELETE":
                with self.server.log_lock:
                    self.server.log = []
                return self._send_json(200, {"cleared": True})
            with self.server.log_lock:
                return self._send_json(200, {"requests": list(self.server.log)})
        if path == "/_kubeapi/client-cert" and self.command == "POST":
            request = json.loads(body or b"{}")
            cert, key = self.server.auth.client_certificate(request["user"], request.get("groups") or [])
            return self._send_json(200, {"cert": cert.decode(), "key": key.decode()})
        raise resource_not_found()

    def _self_subject_review(self, user, groups):
        """``kubectl auth whoami``: who the request was authenticated (and impersonated) as."""
        return self._send_json(201, {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                                     "metadata": {"creationTimestamp": None},
                                     "status": {"userInfo": {"username": user, "groups": groups}}})

    def _token_request(self, namespace, name, body, content_type):
        """The TokenRequest API: a token for the ServiceAccount (authentication.k8s.io/v1 TokenRequest)."""
        request = self._decode(body, content_type) if body else {}
        spec = dict(request.get("spec") or {})
        spec.setdefault("audiences", ["https://kubernetes.default.svc.cluster.local"])
        spec["expirationSeconds"] = max(600, min(int(spec.get("expirationSeconds") or 3600), 48 * 3600))
        token, expiry = self.server.auth.issue_token(namespace, name, spec["expirationSeconds"])
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return self._send_json(201, {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                                     "metadata": {"name": name, "namespace": namespace,
                                                  "creationTimestamp": created},
                                     "spec": spec, "status": {"token": token, "expirationTimestamp": expiry}})

    def _resource(self, group, version, rest, query, body, content_type):
        table = self.server.store.table
        namespace = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            r = table.lookup(group, version, rest[2])
            if r is not None and r.namespaced:
                namespace, rest = rest[1], rest[2:]
        resource = table.lookup(group, version, rest[0])
        if resource is None or len(rest) > 3:
            raise resource_not_found()
        name = rest[1] if len(rest) >= 2 else None
        sub = rest[2] if len(rest) == 3 else ""
        if sub == "log" and resource.kind == "Pod" and self.command == "GET":
            return self._pod_log(resource, namespace, name)
        if sub == "token" and resource.kind == "ServiceAccount" and self.command == "POST":
            return self._token_request(namespace, name, body, content_type)
        if sub and (sub != "status" or not resource.status):
            raise resource_not_found()
        if namespace is None and resource.namespaced and name is not None:
            raise resource_not_found()
        method = self.command
        if name is None:
            if method in ("GET", "HEAD"):
                if _first(query, "watch") in ("true", "1", "True"):
                    return self._watch(resource, namespace, query)
                return self._list(resource, namespace, query)
            if method == "POST":
                obj = self.server.store.create(resource, namespace, self._decode(body, content_type),
                                               self._write_opts(query, resource))
                return self._send_json(201, obj, extra=self._warn())
            if method == "DELETE":
                labels, fields = self._selectors(query, resource)
                items = self.server.store.delete_collection(resource, namespace, labels, fields,
                                                            self._write_opts(query, resource, body, content_type))
                return self._send_json(200, {"kind": resource.kind + "List", "apiVersion": resource.group_version,
                                             "metadata": {}, "items": items})
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested "
                                                    "resource")
        store = self.server.store
        if method in ("GET", "HEAD"):
            return self._send_json(200, store.get(resource, namespace, name))
        opts = self._write_opts(query, resource, body if method == "DELETE" else None, content_type, sub)
        if method == "PUT":
            obj = store.update(resource, namespace, name, self._decode(body, content_type), opts)
            return self._send_json(200, obj, extra=self._warn(opts))
        if method == "PATCH":
            ctype = content_type.split(";")[0].strip()
            if ctype == APPLY and not _first(query, "fieldManager"):
                raise ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required '
                                               "value: is required for apply patch",
                               {"group": "meta.k8s.io", "kind": "PatchOptions",
                                "causes": [{"reason": "FieldValueRequired", "message": "Required value: is required "
                                            "for apply patch", "field": "fieldManager"}]})
            if ctype != APPLY and _first(query, "force") is not None:
                raise ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not '
                                               "be specified for non-apply patch",
                               {"group": "meta.k8s.io", "kind": "PatchOptions"})
            existed = store.exists(resource, namespace, name)
            obj = store.patch(resource, namespace, name, ctype, body, opts)
            return self._send_json(201 if ctype == APPLY and not existed else 200, obj, extra=self._warn(opts))
        if method == "DELETE":
            return self._send_json(200, store.delete(resource, namespace, name, opts))
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def _warn(self, opts=None):
        opts = opts or getattr(self, "_last_opts", None)
        if opts is None or not opts.warnings:
            return None
        return {"Warning": ", ".join('299 - "%s"' % w.replace('"', '\\"') for w in opts.warnings)}

    def _decode(self, body, content_type, expect_kind=None):
        ctype = content_type.split(";")[0].strip()
        if ctype == PROTOBUF:
            try:
                return protobuf.decode(body, expect_kind=expect_kind)
            except (protobuf.ProtobufError, UnicodeDecodeError) as exc:
                raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                                                            "accepted media types include: application/json, "
                                                            "application/yaml, "
                                                            "application/vnd.kubernetes.protobuf (%s)" % exc)
        try:
            if ctype in ("application/yaml", "application/x-yaml"):
                return yaml.load(body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            return json.loads(body or b"null")
        except ValueError as exc:
            raise bad_request("error decoding request body: %s" % exc)
        except yaml.YAMLError as exc:
            raise bad_request("error decoding YAML: %s" % exc)

    def _write_opts(self, query, resource, body=None, content_type="", sub=""):
        delete_opts = (self._decode(body, content_type, expect_kind="DeleteOptions") or {}) if body else {}
        if not isinstance(delete_opts, dict):
            raise bad_request("the body of the request was in an unknown format")
        dry = query.get("dryRun", []) + list(delete_opts.get("dryRun") or [])
        bad = [d for d in dry if d != "All"]
        if bad:
            raise bad_request('dryRun: Unsupported value: "%s": supported values: "All"' % bad[0])
        agent = self.headers.get("User-Agent", "unknown").split("/")[0] or "unknown"
        opts = WriteOptions(dry_run=bool(dry), manager=_first(query, "fieldManager") or agent[:128],
                            force=_first(query, "force") in ("true", "1", "True"),
                            api_version=resource.group_version,
                            validation=_first(query, "fieldValidation") or "Warn", subresource=sub,
                            propagation=_first(query, "propagationPolicy") or delete_opts.get("propagationPolicy"),
                            preconditions=delete_opts.get("preconditions"))
        if opts.validation not in ("Strict", "Warn", "Ignore"):
            raise bad_request('fieldValidation: Unsupported value: "%s": supported values: "Ignore", "Strict", '
                              '"Warn"' % opts.validation)
        self._last_opts = opts
        return opts

    def _selectors(self, query, resource=None):
        try:
            fields = parse_field_selector(_first(query, "fieldSelector", ""))
            if resource is not None and resource.crd is None:
                check_field_selector(resource.kind, fields)
            return parse_label_selector(_first(query, "labelSelector", "")), fields
        except SelectorError as exc:
            raise bad_request(str(exc))

    def _list(self, resource, namespace, query):
        labels, fields = self._selectors(query, resource)
        items, rv = self.server.store.list(resource, namespace, labels, fields)
        meta = {"resourceVersion": rv}
        token = _first(query, "continue")
        if token:
            try:
                state = json.loads(base64.urlsafe_b64decode(token.encode()))
                after, rv = state["after"], state["rv"]
            except (ValueError, KeyError, TypeError):
                raise bad_request("continue key is not valid: illegal base64 data")
            meta["resourceVersion"] = rv
            items = [i for i in items if _item_key(i) > tuple(after)]
        limit = int(_first(query, "limit") or 0)
        if limit > 0 and len(items) > limit:
            meta["continue"] = base64.urlsafe_b64encode(json.dumps(
                {"rv": meta["resourceVersion"], "after": list(_item_key(items[limit - 1]))}).encode()).decode()
            meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        if wants_metadata_list(self.headers.get("Accept", "")):
            return self._send_json(200, {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                                         "metadata": meta, "items": [
                                             {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                              "metadata": item.get("metadata") or {}} for item in items]},
                                   content_type=METADATA_LIST_TYPE)
        for item in items:
            item.pop("apiVersion", None)
            item.pop("kind", None)
        return self._send_json(200, {"kind": resource.kind + "List", "apiVersion": resource.group_version,
                                     "metadata": meta, "items": items})

    def _pod_log(self, resource, namespace, name):
        self.server.store.get(resource, namespace, name)
        data = b""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.wfile.write(data)

    def _stream_error(self, err):
        """A watch that cannot start from its resourceVersion: 200 with one ERROR event (as the apiserver)."""
        line = json.dumps({"type": "ERROR", "object": err.status()}, separators=(",", ":")).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(line)))
        self.end_headers()
        self.wfile.write(line)

    def _watch(self, resource, namespace, query):
        labels, fields = self._selectors(query, resource)
        send_initial = _first(query, "sendInitialEvents") == "true"
        if send_initial and _first(query, "resourceVersionMatch") != "NotOlderThan":
            raise ApiError(422, "Invalid", "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                                           "resourceVersionMatch to NotOlderThan", {})
        timeout = float(_first(query, "timeoutSeconds") or 1800)
        store = self.server.store
        try:
            w = store.open_watch(resource, namespace, labels, fields, _first(query, "resourceVersion"),
                                 send_initial)
        except ApiError as err:
            if err.code != 410:
                raise
            return self._stream_error(err)
        bookmarks = _first(query, "allowWatchBookmarks") == "true"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache, private")
            self.end_headers()
            self.wfile.flush()
            deadline = time.monotonic() + timeout
            while not self.server.stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    event = w.queue.get(timeout=min(left, 0.5))
                except queue.Empty:
                    if _peer_gone(self.connection):
                        self.close_connection = True
                        return None
                    continue
                if event is None:
                    break
                etype, obj = event
                if etype == "BOOKMARK" and not bookmarks and not send_initial:
                    continue
                line = json.dumps({"type": etype, "object": obj}, separators=(",", ":")).encode() + b"\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        finally:
            store.close_watch(w)
        return None
