"""The session-wide leak scan (tests/helpers/leakscan.py) can fail: its encodings find embedded secrets, planted
leaks are reported by label and place (never the secret), credential files must be 0600, and a pytest session whose
test leaks a secret into a subprocess's output, an Ansible task result or a file it did not write fails."""
import base64
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap
import threading
import types
import urllib.parse
import uuid

import pytest

from tests.helpers import leakscan

pytestmark = pytest.mark.secret
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")


def _secret():
    return "pw+/%s&x" % uuid.uuid4().hex[:12]


def _found(secret, data):
    return [form for form in leakscan.forms(secret) if form in data]


@pytest.mark.parametrize("prefix", ["", "u:", "us:", "user:"])
def test_forms_find_a_secret_base64_encoded_inside_longer_text(prefix):
    secret = _secret()
    encoded = base64.b64encode((prefix + secret + ":tail").encode())
    assert _found(secret, b"auth: " + encoded)
    assert _found(secret, base64.urlsafe_b64encode((prefix + secret).encode()))


def test_forms_find_url_encoded_json_escaped_and_double_base64_secrets():
    secret = _secret() + '"\\'
    assert _found(secret, ("https://h/x?password=%s&y" % urllib.parse.quote(secret, safe="")).encode())
    assert _found(secret, ("a=%s" % urllib.parse.quote_plus(secret)).encode())
    assert _found(secret, b'{"p": "pw' + secret.encode()[2:-2] + b'\\"\\\\"}')
    assert _found(secret, b"data: " + base64.b64encode(base64.b64encode(secret.encode())))
    assert not _found(secret, b"nothing to see: " + base64.b64encode(b"another-password"))


def test_scan_reports_a_planted_leak_by_label_and_place_never_the_secret():
    secret = _secret()
    sources = [("clean output", b"ok: [localhost]\n" * 100),
               ("planted output", b"Authorization: Basic " + base64.b64encode(("deploy:" + secret).encode()))]
    result = leakscan.scan([("planted password", secret)], sources)
    assert [(leak.label, leak.source) for leak in result.leaks] == [("planted password", "planted output")]
    assert result.secrets == 1 and result.sources == 2 and result.bytes == sum(len(source[1]) for source in sources)
    assert secret not in repr(result.leaks) and secret not in result.summary()
    assert result.summary().endswith("secrets leaked: 1")
    assert leakscan.scan([("planted password", secret)], sources[:1]).summary().endswith("secrets leaked: 0")


def test_registry_skips_short_secrets_and_honours_exemptions():
    registry = leakscan.SecretRegistry()
    registry.add("pw", "short one")
    registry.add(None, "none")
    module = types.ModuleType("planted")
    module.REPO_PASSWORD = "long-enough-1"
    module.TEMPLATE_SECRET = "chart-data-22"
    module.SECRET_TEMPLATE = "kind: Secret"
    module.LEAKSCAN_EXEMPT = {"TEMPLATE_SECRET": "shown on purpose"}
    registry.add_module_constants(module)
    assert registry.items() == [("planted.REPO_PASSWORD", "long-enough-1")]
    assert registry.skipped == {"short one"} and registry.exempt == {"planted.TEMPLATE_SECRET": "shown on purpose"}


def _write_elsewhere(path, data, mode=0o644):
    """Write a file from another thread, as helmkit or Ansible would (the audit hook records only the tests)."""
    def write():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(path, mode)
    thread = threading.Thread(target=write)
    thread.start()
    thread.join()


def test_files_written_by_the_product_are_scanned_and_credential_files_must_be_0600():
    secret = _secret()
    with tempfile.TemporaryDirectory() as temp:  # not under the session's basetemp: its planted 0644 file stays here
        root = pathlib.Path(temp)
        (root / "play.yml").write_text("password: %s\n" % secret)  # a test input: not scanned
        _write_elsewhere(str(root / "results.json"), ('{"msg": "%s"}' % secret).encode())
        os.makedirs(str(root / "helm" / "registry"))
        _write_elsewhere(str(root / "helm" / "repositories.yaml"), ("password: %s\n" % secret).encode(), 0o644)
        _write_elsewhere(str(root / "helm" / "registry" / "config.json"), b'{"auths": {"r": {"auth": "x"}}}', 0o600)
        result = leakscan.ScanResult()
        sources = list(leakscan.file_sources(temp, result))
        assert [source[0] for source in sources] == ["file %s" % (root / "results.json")]
        assert [(leak.label, leak.source) for leak in result.leaks] == [
            ("credential file mode 644", str(root / "helm" / "repositories.yaml"))]
        leakscan.scan([("planted", secret)], sources, result)
        assert [leak.source for leak in result.leaks][1:] == ["file %s" % (root / "results.json")]


PLANTED = '''
import base64, os, subprocess, sys, threading
PASSWORD = {printed!r}
API_TOKEN = {in_result!r}
DB_SECRET = {in_file!r}
PLAYBOOK = "- hosts: localhost\\n  gather_facts: false\\n  tasks:\\n    - set_fact:\\n        x: %s\\n"


def test_prints_in_a_subprocess():
    subprocess.run([sys.executable, "-c", "print('ready ' + %r)" % {printed_value!r}], capture_output=True)


def test_ansible_task_result(tmp_path):
    (tmp_path / "play.yml").write_text(PLAYBOOK % {result_value!r})
    proc = subprocess.run([{playbook!r}, "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_file_written_by_another_process(tmp_path):
    code = "import base64, sys; open(sys.argv[1], 'wb').write(base64.b64encode(b'user:' + sys.argv[2].encode()))"
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "out.txt"), {file_value!r}], check=True)
'''


def _session(tmp_path, printed, in_result, in_file, leak, select=()):
    """Run a pytest session with the leak scan plugin on three tests that print/return/write values; the
    registered secrets are leaked when ``leak`` is true, other strings otherwise."""
    values = (printed, in_result, in_file) if leak else ("harmless-1", "harmless-2", "harmless-3")
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "test_planted.py").write_text(textwrap.dedent(PLANTED.format(
        printed=printed, in_result=in_result, in_file=in_file, printed_value=values[0], result_value=values[1],
        file_value=values[2], playbook=os.path.join(BIN, "ansible-playbook"))))
    env = dict(os.environ, PYTHONPATH=ROOT, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.helpers.leakscan_plugin",
                           "--basetemp", str(tmp_path / "basetemp"), "test_planted.py"] + list(select), cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    return proc, proc.stdout + proc.stderr


def test_a_session_with_planted_leaks_fails_and_names_them(tmp_path):
    printed, in_result, in_file = _secret(), _secret(), _secret()
    proc, output = _session(tmp_path, printed, in_result, in_file, leak=True)
    assert proc.returncode == 1, output
    assert "3 passed" in output, output
    assert "LEAK: test_planted.PASSWORD (text) found in output of python" in output, output
    assert "LEAK: test_planted.API_TOKEN (text) found in task results" in output, output
    assert "LEAK: test_planted.DB_SECRET (an encoded form) found in file %s" % (tmp_path / "basetemp") in output
    assert "/out.txt\n" in output, output
    assert "secrets leaked: 3" in output, output
    assert all(secret not in output for secret in (printed, in_result, in_file))


def test_a_clean_session_passes_and_says_how_much_it_searched(tmp_path):
    proc, output = _session(tmp_path, _secret(), _secret(), _secret(), leak=False)
    assert proc.returncode == 0, output
    assert "secret scan: 3 secrets" in output and "secrets leaked: 0" in output, output


def test_a_subset_of_tests_selected_with_k_is_scanned_too(tmp_path):
    proc, output = _session(tmp_path, _secret(), _secret(), _secret(), leak=True, select=["-k", "file_written"])
    assert proc.returncode == 1, output
    assert "1 passed, 2 deselected" in output, output
    assert "LEAK: test_planted.DB_SECRET" in output and "secrets leaked: 1" in output, output
