"""Assemble and run the emulator: certificates, store, simulator, HTTPS server, kubeconfig, state files."""
from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import ssl
import sys
import tempfile
import threading

import yaml

from .auth import Authenticator
from .certs import load_or_make_ca, make_server_cert
from .resources import ResourceTable
from .server import APIServer
from .simulate import Simulator
from .store import Store

CONTEXT = "helmkit-test"


def write_kubeconfig(path, url, ca_pem, token):
    """Write a kubeconfig (mode 0600) with cluster/user/context 'helmkit-test' and a bearer token."""
    doc = {"apiVersion": "v1", "kind": "Config", "current-context": CONTEXT, "preferences": {},
           "clusters": [{"name": CONTEXT, "cluster": {"server": url, "certificate-authority-data":
                                                      base64.b64encode(ca_pem).decode()}}],
           "users": [{"name": CONTEXT, "user": {"token": token}}],
           "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT,
                                                      "namespace": "default"}}]}
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".kubeconfig-")
    with os.fdopen(fd, "w") as f:
        yaml.safe_dump(doc, f, default_flow_style=False)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class Emulator:
    """A running emulator. Args: kubeconfig (path to write), port (0 = free port), ready_delay (seconds before
    simulated workloads are ready), state_dir (None, or a directory for ca.crt/ca.key/state.json/token), latency
    (seconds every API request waits before it is served, as over a network; see server.APIServer.latency).
    """

    def __init__(self, kubeconfig, port=0, ready_delay=0.2, state_dir=None, latency=0.0):
        self.kubeconfig = kubeconfig
        self.state_dir = state_dir
        ca_pem, ca_key = load_or_make_ca(state_dir)
        cert_pem, key_pem = make_server_cert(ca_pem, ca_key)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as tmp:
            cert_file, key_file = os.path.join(tmp, "tls.crt"), os.path.join(tmp, "tls.key")
            with open(cert_file, "wb") as f:
                f.write(cert_pem)
            with open(key_file, "wb") as f:
                f.write(key_pem)
            ctx.load_cert_chain(cert_file, key_file)
        ctx.set_alpn_protocols(["http/1.1"])
        # Client certificates are optional, and verified against the CA when given (kube-apiserver's
        # --client-ca-file: VerifyClientCertIfGiven).
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.load_verify_locations(cadata=ca_pem.decode())
        self.table = ResourceTable()
        self.store = Store(self.table)
        self._load_state()
        self.simulator = Simulator(self.store, ready_delay)
        self.token = self._token()
        self.auth = Authenticator(self.store, self.token, ca_pem, ca_key)
        self.httpd = APIServer(("127.0.0.1", port), self.store, self.token, ctx, self.auth)
        self.httpd.latency = latency
        self.url = "https://127.0.0.1:%d" % self.httpd.server_address[1]
        write_kubeconfig(kubeconfig, self.url, ca_pem, self.token)
        self._saver = None

    def _token(self):
        if self.state_dir:
            path = os.path.join(self.state_dir, "token")
            if os.path.exists(path):
                with open(path) as f:
                    return f.read().strip()
            token = secrets.token_hex(24)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(token)
            return token
        return secrets.token_hex(24)

    def _load_state(self):
        if self.state_dir and os.path.exists(os.path.join(self.state_dir, "state.json")):
            with open(os.path.join(self.state_dir, "state.json")) as f:
                self.store.restore(json.load(f))

    def save_state(self):
        """Write state.json (atomically) when a state_dir is configured and something changed."""
        if not self.state_dir or not self.store.dirty:
            return
        self.store.dirty = False
        snap = self.store.snapshot()
        tmp = os.path.join(self.state_dir, ".state.json.tmp")
        with open(tmp, "w") as f:
            json.dump(snap, f)
        os.replace(tmp, os.path.join(self.state_dir, "state.json"))

    def _save_loop(self):
        while not self.httpd.stopping.wait(0.5):
            self.save_state()

    def serve(self):
        """Serve until stop() (or SIGTERM/SIGINT via main())."""
        if self.state_dir:
            self._saver = threading.Thread(target=self._save_loop, daemon=True)
            self._saver.start()
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self):
        """Stop serving, end watches and the simulator, persist state."""
        self.httpd.stopping.set()
        self.store.stop_watches()
        self.simulator.stop()
        self.httpd.shutdown()
        self.save_state()


def main(argv=None):
    """CLI: python -m kubeapi --kubeconfig PATH [--port N] [--ready-delay S] [--state-dir DIR]
    [--legacy-discovery-only] [--latency S].

    Prints one line ``kubeapi ready url=<url> kubeconfig=<path>`` when it accepts connections.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="kubeapi", description="Kubernetes API emulator for helmkit.core tests")
    parser.add_argument("--kubeconfig", required=True, help="where to write the kubeconfig")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free port)")
    parser.add_argument("--ready-delay", type=float, default=0.2,
                        help="seconds before simulated workloads become ready (default 0.2)")
    parser.add_argument("--state-dir", default=None, help="keep CA, token and objects here across restarts")
    parser.add_argument("--legacy-discovery-only", action="store_true",
                        help="serve only legacy discovery, as a server without aggregated discovery does")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds every API request waits before it is served, as a real API server over a "
                             "network does (default 0; 0.005 is a nearby cluster)")
    args = parser.parse_args(argv)
    if args.latency < 0:
        parser.error("--latency must be 0 or more seconds")
    emu = Emulator(args.kubeconfig, args.port, args.ready_delay, args.state_dir, args.latency)
    emu.httpd.aggregated_discovery = not args.legacy_discovery_only
    done = threading.Event()

    def _stop(signum, frame):
        if not done.is_set():
            done.set()
            threading.Thread(target=emu.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sys.stdout.write("kubeapi ready url=%s kubeconfig=%s\n" % (emu.url, os.path.abspath(args.kubeconfig)))
    sys.stdout.flush()
    emu.serve()
    emu.save_state()
    return 0
