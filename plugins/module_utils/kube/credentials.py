"""Credentials of a Kubernetes connection: a fixed token or Basic pair, a token file re-read when it changes, and a
kubeconfig ``exec`` credential plugin (client-go's ``plugin/pkg/client/auth/exec``).

Each knows its ``source`` (an option, a variable, a kubeconfig user) for messages, never shows its value, and says
whether a refresh after a 401 can change it. kube/config.py picks which one a connection uses.
"""
from __future__ import annotations

import base64
import datetime
import json
import os
import subprocess
import threading

from ..errors import KubeError

_EXEC_TIMEOUT = 120  # seconds an exec credential plugin may take (it may open a browser for a login)


class Credential:
    """A bearer token (or Basic header) and where it came from. ``header()`` returns the Authorization value;
    ``refresh()`` forgets a cached token so the next ``header()`` reads it again (True when that can change it)."""

    kind = "token"

    def __init__(self, value, source, scheme="Bearer"):
        self._value = value
        self.source = source
        self.scheme = scheme

    def header(self) -> str:
        return "%s %s" % (self.scheme, self._value)

    def refresh(self) -> bool:
        return False

    def secrets(self) -> set:
        return {self._value}

    def refused(self) -> str:
        """The 401 explanation: which credential the server refused."""
        if self.scheme == "Basic":
            return "the username and password from %s were refused (API servers since Kubernetes 1.19 accept no " \
                   "basic authentication; use a token)" % self.source
        return "the token from %s was refused" % self.source


def basic_credential(username, password, source):
    """A Credential sending ``Authorization: Basic`` for ``username``/``password``."""
    raw = base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")
    cred = Credential(raw, source, scheme="Basic")
    cred.secrets = lambda: {raw, password}
    return cred


class FileToken(Credential):
    """A token read from a file, again whenever the file changes (a kubelet rotates projected service-account
    tokens; client-go re-reads them) and on ``refresh()``."""

    def __init__(self, path, source):
        super().__init__(None, source)
        self.path = path
        self._stamp = None
        self._lock = threading.Lock()

    def header(self) -> str:
        with self._lock:
            try:
                info = os.stat(self.path)
            except OSError as exc:
                raise KubeError("cannot read the token file %s (%s): %s" % (self.path, self.source, exc.strerror))
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            if stamp != self._stamp or self._value is None:
                with open(self.path, encoding="utf-8") as handle:
                    self._value = handle.read().strip()
                self._stamp = stamp
            return "Bearer %s" % self._value

    def refresh(self) -> bool:
        with self._lock:
            self._stamp = None
        return True

    def secrets(self) -> set:
        return {self._value} if self._value else set()


def _parse_time(text):
    try:
        return datetime.datetime.strptime(text.replace("Z", "+00:00").split(".")[0].replace("+00:00", ""),
                                          "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except (ValueError, AttributeError):
        return None


class ExecCredential(Credential):
    """A kubeconfig ``exec`` credential plugin (client.authentication.k8s.io ExecCredential, as client-go's
    ``plugin/pkg/client/auth/exec`` runs it): the command runs with ``args``, ``env`` and ``KUBERNETES_EXEC_INFO``;
    its ``status.token`` is cached until ``status.expirationTimestamp`` and fetched again after a 401.
    Client certificates (``clientCertificateData``/``clientKeyData``) are read once, at connection time.
    Raises :class:`KubeError` naming the command when it is missing, fails (with its stderr) or prints no
    ExecCredential; the output itself (the token) never appears in a message."""

    def __init__(self, spec, user, base_path):
        super().__init__(None, "the exec plugin of kubeconfig user %r" % user)
        self.spec = spec
        self.user = user
        self.base_path = base_path
        self.expiry = None
        self.status = None
        self._lock = threading.Lock()

    def _command(self):
        command = self.spec.get("command") or ""
        if not command:
            raise KubeError("kubeconfig user %r: exec has no command" % self.user)
        if os.sep in command and not os.path.isabs(command) and self.base_path:
            command = os.path.join(self.base_path, command)
        return command

    def run(self) -> dict:
        """Run the plugin; returns the ExecCredential ``status`` dict."""
        command = self._command()
        api_version = self.spec.get("apiVersion") or "client.authentication.k8s.io/v1"
        env = dict(os.environ)
        for item in self.spec.get("env") or []:
            env[str(item.get("name"))] = str(item.get("value", ""))
        env["KUBERNETES_EXEC_INFO"] = json.dumps({"apiVersion": api_version, "kind": "ExecCredential",
                                                  "spec": {"interactive": False}})
        argv = [command] + [str(a) for a in self.spec.get("args") or []]
        try:
            done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=_EXEC_TIMEOUT, check=False)
        except FileNotFoundError:
            hint = self.spec.get("installHint")
            raise KubeError("kubeconfig user %r: the exec credential plugin %r was not found%s" % (
                self.user, command, ("; " + hint.strip()) if hint else "; install it or fix exec.command")) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KubeError("kubeconfig user %r: the exec credential plugin %r could not run: %s"
                            % (self.user, command, getattr(exc, "strerror", None) or exc)) from None
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip()[-2000:]
            raise KubeError("kubeconfig user %r: the exec credential plugin %r exited with status %d: %s"
                            % (self.user, command, done.returncode, stderr or "(no output on stderr)"))
        try:
            answer = json.loads(done.stdout.decode("utf-8"))
            status = answer["status"]
            if not isinstance(status, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise KubeError("kubeconfig user %r: the exec credential plugin %r did not print an ExecCredential "
                            "with a status (expected JSON: {\"kind\": \"ExecCredential\", \"status\": {\"token\": "
                            "...}})" % (self.user, command)) from None
        if not status.get("token") and not status.get("clientCertificateData"):
            raise KubeError("kubeconfig user %r: the ExecCredential of %r has neither status.token nor "
                            "status.clientCertificateData" % (self.user, command))
        return status

    def start(self):
        """Run the plugin now (at connection time, so a failure is reported before any request); returns
        ``(certificate PEM, key PEM)`` when the ExecCredential carries a client certificate, else None."""
        status = self.run()
        self.status = status
        self.expiry = _parse_time(status.get("expirationTimestamp"))
        self._value = status.get("token")
        if status.get("clientCertificateData"):
            return status.get("clientCertificateData"), status.get("clientKeyData") or ""
        return None

    def _fresh(self):
        if self.status is None or (self.expiry is not None
                                   and datetime.datetime.now(datetime.timezone.utc) >= self.expiry):
            self.status = self.run()
            self.expiry = _parse_time(self.status.get("expirationTimestamp"))
            self._value = self.status.get("token")

    def header(self) -> str:
        with self._lock:
            self._fresh()
            return "Bearer %s" % self._value if self._value else None

    def refresh(self) -> bool:
        with self._lock:
            self.status = None
        return True

    def secrets(self) -> set:
        return {v for v in (self._value, (self.status or {}).get("clientKeyData")) if v}
