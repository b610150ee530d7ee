"""Leak scan for the whole test session (issue 10, part 5): every secret the tests use is registered, everything the
integration and reliability tests make helmkit and Ansible produce is captured, and at the end of the session every
captured byte is searched for every registered secret, in the forms a leak takes (as is, base64 at any alignment,
base64 twice, URL-encoded, JSON-escaped).

Registered (``SECRETS.add``): module constants of test modules named like a secret (``PASSWORD``, ``SECRET``,
``REPO_PASSWORD``, ``TEMPLATE_SECRET``, ...), the passwords of ``ChartRepoServer``/``RegistryServer`` instances, the
credentials in the Kubernetes API's kubeconfig, and whatever a test adds itself.

Captured (``CAPTURE``):

* stdout and stderr of every subprocess a test runs and reads (``Popen.communicate``, so ``subprocess.run`` too):
  ansible-playbook, ansible, ansible-inventory, helper scripts;
* every task result as Ansible's callbacks see it (after no_log censoring): the callback in ``leakscan_callback/``
  is enabled for every ansible* subprocess through its environment and writes JSON lines to the capture directory;
* what pytest captured of each test (printed output, logging);
* files under the session's temporary directory that the test code did not write itself (an audit hook records the
  files test code opens for writing, unless helmkit's plugins/module_utils is on the stack: playbooks, vars files
  and kubeconfigs are inputs and may hold secrets).
  Credential stores (``repositories.yaml``, registry configs: JSON with ``auths``) may hold them when 0600;
* what servers recorded of the requests clients sent: the Kubernetes API emulator's request log (method, path,
  query, User-Agent), the chart repository's request paths, the registry's log.

Request bodies and ``Authorization`` headers are not captured: credentials and Secret data belong there.
"""
import base64
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

#: Module constants whose names look like this are secrets used by the test module.
SECRET_NAME = re.compile(r"(^|_)(PASSWORD|SECRET|TOKEN|PASSPHRASE|PRIVATE_KEY)(_VALUE)?$")
#: Shorter strings are not searched (they would match by chance); they are counted as skipped.
MIN_LENGTH = 6
#: Files larger than this are not read (test inputs such as a 100 MB values file); counted as skipped.
MAX_FILE_BYTES = 8 * 1024 * 1024
CREDENTIAL_FILES = ("repositories.yaml",)
CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "leakscan_callback")
CALLBACK_NAME = "helmkit_leakscan"


def forms(secret):
    """The byte strings a leak of ``secret`` (str) shows: itself, URL-encoded (quote and quote_plus), JSON-escaped,
    standard and URL-safe base64 at each of the three alignments it can have inside a longer encoded text (the
    stable middle of the encoding), and base64 of base64 (a Secret's data printed encoded). Returns a sorted list
    of unique bytes, each at least 4 bytes long."""
    raw = secret.encode("utf-8")
    found = {raw, urllib.parse.quote(secret, safe="").encode(), urllib.parse.quote_plus(secret).encode(),
             json.dumps(secret)[1:-1].encode(), base64.b64encode(base64.b64encode(raw))}
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw)
        start = -(-8 * offset // 6)  # first character made of secret bits only
        stop = 8 * (offset + len(raw)) // 6  # after the last character made of secret bits only
        middle = encoded[start:stop]
        found.add(middle)
        found.add(middle.replace(b"+", b"-").replace(b"/", b"_"))
    return sorted(form for form in found if len(form) >= 4)


class SecretRegistry(object):
    """Secrets used by the tests: ``add(secret, label)``; ``items()`` -> [(label, secret)]; ``skipped`` counts
    secrets too short to search."""

    def __init__(self):
        self._secrets = {}
        self.skipped = set()
        self.exempt = {}
        self._lock = threading.Lock()

    def add(self, secret, label):
        """Register ``secret`` (str or bytes; None and empty are ignored) under ``label`` (what it is, for the
        report: never the secret itself)."""
        if isinstance(secret, bytes):
            secret = secret.decode("utf-8", "replace")
        if not isinstance(secret, str) or not secret.strip():
            return
        with self._lock:
            if len(secret) < MIN_LENGTH:
                self.skipped.add(label)
            elif secret not in self._secrets:
                self._secrets[secret] = label

    def add_module_constants(self, module):
        """Register the str constants of ``module`` whose names match :data:`SECRET_NAME`, except those its
        ``LEAKSCAN_EXEMPT`` dict (constant name -> reason) names: they are counted in :attr:`exempt`."""
        exempt = getattr(module, "LEAKSCAN_EXEMPT", None) or {}
        for name, value in vars(module).items():
            if SECRET_NAME.search(name) and isinstance(value, str) and "\n" not in value:
                if name in exempt:
                    self.exempt["%s.%s" % (module.__name__, name)] = exempt[name]
                else:
                    self.add(value, "%s.%s" % (module.__name__, name))

    def add_kubeconfig(self, path, label="kubeconfig"):
        """Register the credentials in the kubeconfig at ``path``: tokens, passwords, client key data."""
        import yaml
        with open(path) as handle:
            config = yaml.safe_load(handle) or {}
        for user in config.get("users") or ():
            fields = (user or {}).get("user") or {}
            for key in ("token", "password", "client-key-data"):
                self.add(fields.get(key), "%s user %s: %s" % (label, (user or {}).get("name"), key))
            if fields.get("client-key-data"):
                self.add(_pem_body(base64.b64decode(fields["client-key-data"])), "%s client key" % label)

    def items(self):
        with self._lock:
            return sorted((label, secret) for secret, label in self._secrets.items())

    def __len__(self):
        return len(self._secrets)


def _pem_body(pem):
    """The longest base64 line of a PEM key (bytes) as str: what a printed key shows."""
    lines = [line.strip() for line in pem.decode("ascii", "replace").splitlines() if "-----" not in line]
    return max(lines, key=len) if lines else ""


class Capture(object):
    """Captured output: ``add(source, data)`` keeps bytes in memory under a source label; ``watch_file(path)``
    reads a file at scan time; ``credential_files`` maps credential stores to their modes."""

    def __init__(self):
        self.chunks = []
        self.files = []
        self.directories = []
        self.written_by_tests = {}
        self._lock = threading.Lock()
        self.directory = None

    def add(self, source, data):
        if not data:
            return
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        with self._lock:
            self.chunks.append((source, bytes(data)))

    def start(self):
        """Create the directory the Ansible callback writes task results into."""
        if self.directory is None:
            self.directory = tempfile.mkdtemp(prefix="helmkit-leakscan-")
        return self.directory

    def stop(self):
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


SECRETS = SecretRegistry()
CAPTURE = Capture()


class Leak(object):
    """One hit: ``label`` of the secret, ``form`` (which encoding matched), ``source`` (where)."""

    def __init__(self, label, form, source):
        self.label = label
        self.form = form
        self.source = source

    def __repr__(self):
        return "Leak(%s as %s in %s)" % (self.label, self.form, self.source)


class ScanResult(object):
    """``leaks`` (list of :class:`Leak`), ``secrets`` (how many searched), ``forms``, ``bytes`` and ``sources``
    scanned, ``skipped`` (labels of secrets too short, and files too large)."""

    def __init__(self):
        self.leaks = []
        self.secrets = 0
        self.forms = 0
        self.bytes = 0
        self.sources = 0
        self.skipped = []
        self.seconds = 0.0

    def summary(self):
        return ("secret scan: %d secrets (%d forms) searched in %d bytes from %d sources in %.1fs; secrets leaked: %d"
                % (self.secrets, self.forms, self.bytes, self.sources, self.seconds, len(self.leaks)))


def _form_name(secret, form):
    return "text" if form == secret.encode("utf-8") else "an encoded form"


def scan(secrets, sources, result=None):
    """Search every (source label, bytes) of ``sources`` for every form of every (label, secret) of ``secrets``.
    Returns a :class:`ScanResult` (one :class:`Leak` per secret and source)."""
    result = result or ScanResult()
    start = time.monotonic()
    patterns = []
    for label, secret in secrets:
        for form in forms(secret):
            patterns.append((label, secret, form))
    result.secrets = len(secrets)
    result.forms = len(patterns)
    for source, data in sources:
        result.sources += 1
        result.bytes += len(data)
        hit_labels = set()
        for label, secret, form in patterns:
            if label not in hit_labels and form in data:
                hit_labels.add(label)
                result.leaks.append(Leak(label, _form_name(secret, form), source))
    result.seconds += time.monotonic() - start
    return result


# -- capture: subprocesses -----------------------------------------------------------------------------------------

def _is_ansible(args):
    argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args or ())
    if not argv:
        return False
    first = os.fsdecode(argv[0]).split()[0] if isinstance(argv[0], (str, bytes)) else os.fsdecode(argv[0])
    return os.path.basename(first).startswith("ansible")


def _ansible_env(env):
    """``env`` (or os.environ) with the result-capturing callback enabled, for an ansible* subprocess."""
    env = dict(os.environ if env is None else env)
    directory = CAPTURE.start()
    plugins = env.get("ANSIBLE_CALLBACK_PLUGINS")
    env["ANSIBLE_CALLBACK_PLUGINS"] = CALLBACK_DIR + (os.pathsep + plugins if plugins else "")
    enabled = [name for name in (env.get("ANSIBLE_CALLBACKS_ENABLED") or "").split(",") if name.strip()]
    env["ANSIBLE_CALLBACKS_ENABLED"] = ",".join(enabled + [CALLBACK_NAME])
    env["HELMKIT_LEAKSCAN_DIR"] = directory
    return env


_ORIGINAL_POPEN_INIT = subprocess.Popen.__init__
_ORIGINAL_COMMUNICATE = subprocess.Popen.communicate


def _popen_init(self, args, *rest, **kwargs):
    if _is_ansible(args):
        if len(rest) >= 10:  # env given positionally (the 11th parameter of Popen)
            rest = rest[:9] + (_ansible_env(rest[9]),) + rest[10:]
        else:
            kwargs["env"] = _ansible_env(kwargs.get("env"))
    _ORIGINAL_POPEN_INIT(self, args, *rest, **kwargs)


#: Commands whose stdout is a credential channel, not output (command basename -> why): an exec credential plugin
#: prints its ExecCredential, token included, for the client to read. Their stderr is still captured.
CREDENTIAL_STDOUT = {}


def _communicate(self, *args, **kwargs):
    out, err = _ORIGINAL_COMMUNICATE(self, *args, **kwargs)
    name = os.path.basename(os.fsdecode(self.args[0] if isinstance(self.args, (list, tuple)) else self.args))
    if name not in CREDENTIAL_STDOUT:
        CAPTURE.add("output of %s (pid %d)" % (name[:60], self.pid), out)
    CAPTURE.add("errors of %s (pid %d)" % (name[:60], self.pid), err)
    return out, err


def capture_subprocesses():
    """Patch ``subprocess.Popen`` so ansible* commands get the callback and every communicate() is captured."""
    subprocess.Popen.__init__ = _popen_init
    subprocess.Popen.communicate = _communicate


# -- capture: files the tests did not write themselves ---------------------------------------------------------------

PRODUCT_CODE = os.sep + os.path.join("plugins", "module_utils") + os.sep


def _from_product(frame):
    """Whether helmkit's own code (plugins/module_utils) is on the stack above ``frame``."""
    depth = 0
    while frame is not None and depth < 60:
        if PRODUCT_CODE in frame.f_code.co_filename:
            return True
        frame = frame.f_back
        depth += 1
    return False


def _audit(event, args):
    if event != "open" or not args:
        return
    path, mode = args[0], args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        mode is None and isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR))
    if writing and isinstance(path, (str, bytes)) and threading.current_thread().name == "MainThread" \
            and not _from_product(sys._getframe(1)):
        CAPTURE.written_by_tests[os.path.abspath(os.fsdecode(path))] = True


def watch_test_writes():
    """Record the files the test process opens for writing from its main thread (test code and fixtures)."""
    sys.addaudithook(_audit)


def _credential_store(path, data):
    """repositories.yaml, or a registry credential file (Docker's config format: JSON with "auths")."""
    name = os.path.basename(path)
    return name in CREDENTIAL_FILES or (name.endswith(".json") and b'"auths"' in data)


def file_sources(directory, result):
    """(label, bytes) of every file under ``directory`` not written by the tests themselves. Credential stores
    holding a secret are not scanned; their mode must be 0600 (else they are reported as a leak)."""
    for root, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in names:
            path = os.path.join(root, name)
            if CAPTURE.written_by_tests.get(os.path.abspath(path)) or os.path.islink(path):
                continue
            try:
                info = os.stat(path)
                if not stat.S_ISREG(info.st_mode):
                    continue
                if info.st_size > MAX_FILE_BYTES:
                    result.skipped.append("%s (%d bytes)" % (path, info.st_size))
                    continue
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            if _credential_store(path, data):
                mode = stat.S_IMODE(info.st_mode)
                if mode != 0o600:
                    result.leaks.append(Leak("credential file mode %o" % mode, "a file not 0600", path))
                continue
            yield "file %s" % path, data


def callback_sources():
    """(label, bytes) of the task results the Ansible callback wrote."""
    directory = CAPTURE.directory
    if not directory or not os.path.isdir(directory):
        return
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as handle:
            yield "task results %s" % name, handle.read()


# -- capture: what servers recorded ----------------------------------------------------------------------------------

def add_request_log(records, source):
    """Capture the emulator's request log (RequestRecord: method, path, query, user_agent): what clients put in
    URLs and headers other than Authorization."""
    lines = ["%s %s?%s %s" % (r.method, r.path, r.query or "", getattr(r, "user_agent", "")) for r in records]
    CAPTURE.add(source, "\n".join(lines))


def watch_servers():
    """Wrap the test servers of tests/helpers: register their passwords, capture what they recorded."""
    from tests.helpers import chartrepo
    try:
        from tests.helpers import registry
    except ImportError:  # pragma: no cover - the registry helper needs nothing special, but stay safe
        registry = None

    repo_init = chartrepo.ChartRepoServer.__init__
    repo_exit = chartrepo.ChartRepoServer.__exit__

    def chartrepo_init(self, *args, **kwargs):
        SECRETS.add(kwargs.get("password"), "chart repository password")
        SECRETS.add(kwargs.get("token"), "chart repository bearer token")
        repo_init(self, *args, **kwargs)

    def chartrepo_exit(self, *exc):
        paths = [str(request[0]) for request in list(getattr(self, "requests", ()))]
        CAPTURE.add("chart repository request paths", "\n".join(paths))
        return repo_exit(self, *exc)
    chartrepo.ChartRepoServer.__init__ = chartrepo_init
    chartrepo.ChartRepoServer.__exit__ = chartrepo_exit
    if registry is None:
        return
    reg_enter = registry.RegistryServer.__enter__
    reg_exit = registry.RegistryServer.__exit__

    def registry_enter(self):
        SECRETS.add(self.password, "registry password")
        SECRETS.add("refresh-%s" % self.password, "registry refresh token")
        return reg_enter(self)

    def registry_exit(self, *exc):
        log = os.path.join(getattr(self, "_dir", ""), "registry.log")
        if os.path.isfile(log):
            if getattr(self, "_log", None):
                self._log.flush()
            with open(log, "rb") as handle:
                CAPTURE.add("registry log", handle.read())
        return reg_exit(self, *exc)
    registry.RegistryServer.__enter__ = registry_enter
    registry.RegistryServer.__exit__ = registry_exit
