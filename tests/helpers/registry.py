"""A real OCI registry (CNCF distribution, Debian's ``docker-registry``) on 127.0.0.1 for tests (never shipped).

    with RegistryServer(auth="basic", username="u", password="p", tls=True) as reg:
        reg.host      # 127.0.0.1:PORT
        reg.ca_file   # PEM of the test CA when tls=True, else None

``auth``: None (anonymous), "basic" (htpasswd, bcrypt) or "token" (a small token server in this process signs
RS256 JWTs with a throw-away key whose certificate is the registry's ``rootcertbundle``; it checks Basic
credentials and grants pull/push on every requested repository). ``tls=True`` serves HTTPS with a throw-away CA
(``ca_file``); ``client_ca=True`` also requires a client certificate (``client_cert_file``/``client_key_file``). ``token_requests`` records every token request
as ``(method, query dict, authorization header or None)``. ``REGISTRY_BIN`` is the binary, None when missing.
"""
from __future__ import annotations

import base64
import datetime
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .chartrepo import make_test_pki

__all__ = ["RegistryServer", "REGISTRY_BIN"]

REGISTRY_BIN = shutil.which("docker-registry") or shutil.which("registry")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bcrypt_line(username, password):
    htpasswd = shutil.which("htpasswd")
    if htpasswd:
        out = subprocess.run([htpasswd, "-nbB", username, password], check=True, capture_output=True, text=True)
        return out.stdout.strip() + "\n"
    import crypt  # Python < 3.13: glibc's crypt has bcrypt on Debian
    return "%s:%s\n" % (username, crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH)))


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class _TokenIssuer(object):
    """Signs distribution-style bearer tokens (RS256, x5c header) for the registry's token auth."""

    def __init__(self, directory):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "helmkit test token issuer")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(days=1))
                     .not_valid_after(now + datetime.timedelta(days=2))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.cert_file = os.path.join(directory, "token-issuer.pem")
        with open(self.cert_file, "wb") as fh:
            fh.write(self.cert.public_bytes(serialization.Encoding.PEM))
        self._der = self.cert.public_bytes(serialization.Encoding.DER)

    def issue(self, service, scopes, subject):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        access = []
        for scope in scopes:
            parts = scope.split(":")
            if len(parts) >= 3:
                access.append({"type": parts[0], "name": ":".join(parts[1:-1]), "actions": parts[-1].split(",")})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(self._der).decode("ascii")]}
        claims = {"iss": "helmkit-test-issuer", "sub": subject, "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": "%d-%d" % (now, id(scopes)), "access": access}
        signing_input = (_b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode()))
        signature = self.key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + _b64url(signature)


class RegistryServer(object):
    """Start ``docker-registry`` with a generated config; stop it (and its token server) on exit."""

    def __init__(self, auth=None, username="helmkit", password="s3cret-pass", tls=False, client_ca=False):
        if REGISTRY_BIN is None:
            raise RuntimeError("docker-registry is not installed (apt-get install docker-registry)")
        self.auth = auth
        self.username = username
        self.password = password
        self.tls = tls or client_ca
        self.client_ca = client_ca
        self.ca_file = self.client_cert_file = self.client_key_file = None
        self.token_requests = []
        self._dir = tempfile.mkdtemp(prefix="helmkit-registry-")
        self._proc = None
        self._token_httpd = None
        self.port = _free_port()
        self.host = "127.0.0.1:%d" % self.port

    @property
    def url(self):
        return "%s://%s" % ("https" if self.tls else "http", self.host)

    def _start_token_server(self):
        issuer = _TokenIssuer(self._dir)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, query):
                auth = self.headers.get("Authorization")
                server.token_requests.append((self.command, query, auth))
                subject = ""
                refresh = query.get("refresh_token", [None])[0]
                if refresh is not None:
                    if refresh != "refresh-" + server.password:
                        return self._send(401, {"errors": [{"code": "UNAUTHORIZED"}]})
                    subject = server.username
                elif auth:
                    user, _unused, pw = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
                    if (user, pw) != (server.username, server.password):
                        return self._send(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad login"}]})
                    subject = user
                scopes = query.get("scope", [])
                if not subject:  # anonymous: no access
                    scopes = []
                token = issuer.issue(query.get("service", [""])[0], scopes, subject)
                body = {"token": token, "access_token": token, "expires_in": 300}
                if query.get("offline_token", ["false"])[0] == "true" and subject:
                    body["refresh_token"] = "refresh-" + server.password
                self._send(200, body)

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(urllib.parse.parse_qs(self.rfile.read(length).decode()))

        self._token_httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._token_httpd.serve_forever, daemon=True).start()
        self.token_realm = "http://127.0.0.1:%d/token" % self._token_httpd.server_address[1]
        return issuer

    def _config(self):
        lines = ["version: 0.1", "log:", "  level: error", "  accesslog:", "    disabled: true", "storage:",
                 "  filesystem:", "    rootdirectory: %s" % os.path.join(self._dir, "data"),
                 "  delete:", "    enabled: true", "http:", "  addr: %s" % self.host,
                 "  secret: helmkit-test-secret"]
        if self.tls:
            pki = make_test_pki(os.path.join(self._dir, "pki"))
            self.ca_file = pki["ca_file"]
            lines += ["  tls:", "    certificate: %s" % pki["server_cert"], "    key: %s" % pki["server_key"]]
            if self.client_ca:
                self.client_cert_file, self.client_key_file = pki["client_cert"], pki["client_key"]
                lines += ["    clientcas:", "      - %s" % pki["ca_file"]]
        if self.auth == "basic":
            path = os.path.join(self._dir, "htpasswd")
            with open(path, "w") as fh:
                fh.write(_bcrypt_line(self.username, self.password))
            lines += ["auth:", "  htpasswd:", "    realm: helmkit-test", "    path: %s" % path]
        elif self.auth == "token":
            issuer = self._start_token_server()
            lines += ["auth:", "  token:", "    realm: %s" % self.token_realm, "    service: helmkit-registry",
                      "    issuer: helmkit-test-issuer", "    rootcertbundle: %s" % issuer.cert_file]
        return "\n".join(lines) + "\n"

    def __enter__(self):
        os.makedirs(os.path.join(self._dir, "pki"), exist_ok=True)
        config = os.path.join(self._dir, "config.yml")
        with open(config, "w") as fh:
            fh.write(self._config())
        self._log = open(os.path.join(self._dir, "registry.log"), "wb")
        env = dict(os.environ, OTEL_TRACES_EXPORTER="none")
        self._proc = subprocess.Popen([REGISTRY_BIN, "serve", config], stdout=self._log, stderr=subprocess.STDOUT,
                                      env=env)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError("docker-registry exited: %s" % self.log_text())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.__exit__(None, None, None)
        raise RuntimeError("docker-registry did not start: %s" % self.log_text())

    def log_text(self):
        with open(os.path.join(self._dir, "registry.log"), "rb") as fh:
            return fh.read().decode("utf-8", "replace")[-2000:]

    def __exit__(self, *exc):
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._token_httpd is not None:
            self._token_httpd.shutdown()
            self._token_httpd.server_close()
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)
        return False
