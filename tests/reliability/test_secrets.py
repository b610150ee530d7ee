"""Secrets (issue 10, part 5): no_log on every credential option, credential files 0600, a warning when TLS
verification is turned off, and a grep of everything an ansible-playbook run printed (at -vvv, with diff, failing
tasks included) for every secret it used: zero hits."""
import base64
import glob
import importlib
import json
import os
import re
import stat
import subprocess

import pytest
import yaml

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO

pytestmark = pytest.mark.secret
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
SECRETISH = re.compile(r"(^|_)(password|token|secret|passphrase|private_key)$")
# Names that look secret but hold none: credentials_secret names a Kubernetes Secret ({name, namespace}); the
# credentials read from it are registered as no-log values when they are read (source/credentials.py).
NOT_SECRETS = {"credentials_secret"}


class _Captured(Exception):
    pass


def _argument_spec(module_name):
    module = importlib.import_module("ansible_collections.helmkit.core.plugins.modules.%s" % module_name)
    captured = {}

    def fake(argument_spec=None, **kwargs):
        captured.update(argument_spec or {})
        raise _Captured()
    original = module.AnsibleModule
    module.AnsibleModule = fake
    try:
        module.main()
    except _Captured:
        pass
    finally:
        module.AnsibleModule = original
    return captured


MODULES = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(ROOT, "plugins", "modules", "helm*.py")))


@pytest.mark.parametrize("module_name", MODULES)
def test_credential_options_are_no_log(module_name):
    spec = _argument_spec(module_name)
    assert spec, "no argument_spec captured for %s" % module_name
    secretish = {name for name in spec if SECRETISH.search(name) and name not in NOT_SECRETS}
    assert all(spec[name].get("no_log") is True for name in secretish), \
        {name: spec[name].get("no_log") for name in secretish}


def test_registry_credentials_file_is_0600_even_with_a_permissive_umask(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.oci.credentials import write_login
    old = os.umask(0)
    try:
        path = str(tmp_path / "config.json")
        write_login(path, "reg.example", "u", "pw")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_repositories_file_with_a_password_is_0600(tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.repo import config
    old = os.umask(0)
    try:
        path = str(tmp_path / "repositories.yaml")
        repo_file = config.RepositoryFile()
        repo_file.update(config.RepositoryEntry("r", "https://charts.example", username="u", password="pw"))
        config.save_repository_file(path, repo_file)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_kube_client_verifies_tls_by_default(kubeconfig):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeconfig) as client:
        assert client.configuration.verify_ssl is True


REPO_PASSWORD = "repo-pw-7d1e9c"
SECRET_VALUE = "db-password-4b2f8a"
TEMPLATE_SECRET = "tmpl-token-91c3e0"
#: For the session's leak scan (tests/helpers/leakscan.py): TEMPLATE_SECRET is written in a chart's template with
#: no sensitive_values, so it is shown where Helm shows it (the returned manifest, like ``helm get manifest``); only
#: diffs must mask it (test_secret_objects_are_redacted_in_diffs).
LEAKSCAN_EXEMPT = {"TEMPLATE_SECRET": "Secret data written in a chart, not marked sensitive: masked in diffs only"}
PLAIN_SECRET_TEMPLATE = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\ntype: Opaque\n"
                         "stringData:\n  token: %s{{ if .Values.extra }}-x{{ end }}\n"
                         "data:\n  other: {{ \"%s\" | b64enc }}\n" % (TEMPLATE_SECRET, TEMPLATE_SECRET))
SECRET_TEMPLATE = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\n"
                   "data:\n  password: {{ .Values.password | b64enc }}\n")


def _playbook(tmp_path, tasks, secrets):
    """Run ``tasks`` with ``secrets`` as variables from a vars file (where playbooks keep them, often vaulted)."""
    (tmp_path / "secrets.yml").write_text(yaml.safe_dump(secrets))
    play = [{"hosts": "localhost", "gather_facts": False, "vars_files": [str(tmp_path / "secrets.yml")],
             "tasks": tasks}]
    path = tmp_path / "play.yml"
    path.write_text(yaml.safe_dump(play))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
               HELM_CONFIG_HOME=str(tmp_path / "config"), HELM_CACHE_HOME=str(tmp_path / "cache"),
               ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-vvv", "--diff", "-i", "localhost,", "-c", "local",
                           str(path)], env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=600,
                          check=False)
    return proc


@pytest.fixture(scope="module")
def secret_run(kubeapi, tmp_path_factory):
    """One playbook using every kind of secret: a repository password over TLS without verification, an inline
    kubeconfig (bearer token), a chart whose Secret holds a value from values; check+diff, apply, a failing task."""
    tmp_path = tmp_path_factory.mktemp("secret-run")
    with open(kubeapi.kubeconfig) as handle:
        kubeconfig = yaml.safe_load(handle)
    token = kubeconfig["users"][0]["user"]["token"]
    chart = os.path.join(str(tmp_path), "sec")
    os.makedirs(os.path.join(chart, "templates"))
    with open(os.path.join(chart, "Chart.yaml"), "w") as handle:
        handle.write("apiVersion: v2\nname: sec\nversion: 0.1.0\n")
    with open(os.path.join(chart, "templates", "secret.yaml"), "w") as handle:
        handle.write(SECRET_TEMPLATE)
    plain = os.path.join(str(tmp_path), "plain")  # a Secret written in the template itself, no sensitive_values
    os.makedirs(os.path.join(plain, "templates"))
    with open(os.path.join(plain, "Chart.yaml"), "w") as handle:
        handle.write("apiVersion: v2\nname: plain\nversion: 0.1.0\n")
    with open(os.path.join(plain, "templates", "secret.yaml"), "w") as handle:
        handle.write(PLAIN_SECRET_TEMPLATE)
    podinfo = PODINFO
    release = {"release_name": "sec", "release_namespace": "rel-secrets", "create_namespace": True,
               "chart_ref": chart, "kubeconfig": "{{ kubeconfig_data }}", "values": {"password": "{{ db_password }}"},
               "sensitive_values": ["password"]}
    with ChartRepoServer(charts=[podinfo], username="u", password=REPO_PASSWORD, tls=True) as repo:
        tasks = [
            {"name": "repository with a password, TLS not verified", "register": "repo", "ignore_errors": True,
             "helmkit.core.helm_repository": {"name": "private", "repo_url": repo.url, "username": "u",
                                              "password": "{{ repo_password }}", "insecure_skip_tls_verify": True}},
            {"name": "repository with a wrong password", "ignore_errors": True,
             "helmkit.core.helm_repository": {"name": "wrong", "repo_url": repo.url, "username": "u",
                                              "password": "{{ repo_password }}-wrong", "ca_file": repo.ca_file}},
            {"name": "release check", "check_mode": True, "helmkit.core.helm_release": release},
            {"name": "release", "helmkit.core.helm_release": release, "register": "installed"},
            {"name": "release changed", "helmkit.core.helm_release": dict(release, values={
                "password": "{{ db_password }}-2"})},
            {"name": "release with a broken chart", "ignore_errors": True,
             "helmkit.core.helm_release": dict(release, chart_ref=os.path.join(str(tmp_path), "missing"))},
            {"name": "plain Secret, check and diff", "check_mode": True, "register": "plain",
             "helmkit.core.helm_release": {"release_name": "plain", "release_namespace": "rel-secrets",
                                           "chart_ref": plain, "kubeconfig": "{{ kubeconfig_data }}"}},
            {"name": "plain Secret, installed with diff", "register": "plain_installed",
             "helmkit.core.helm_release": {"release_name": "plain", "release_namespace": "rel-secrets",
                                           "chart_ref": plain, "kubeconfig": "{{ kubeconfig_data }}"}},
            {"name": "plain Secret, changed with diff", "register": "plain_changed",
             "helmkit.core.helm_release": {"release_name": "plain", "release_namespace": "rel-secrets",
                                           "chart_ref": plain, "kubeconfig": "{{ kubeconfig_data }}",
                                           "values": {"extra": "yes"}}},
            {"name": "results", "copy": {"content": "{{ [repo, installed, plain, plain_installed, plain_changed]"
                                                    " | to_json }}",
                                         "dest": str(tmp_path / "results.json")}},
        ]
        proc = _playbook(tmp_path, tasks, {"kubeconfig_data": kubeconfig, "db_password": SECRET_VALUE,
                                           "repo_password": REPO_PASSWORD})
    text = proc.stdout + proc.stderr
    for path in glob.glob(str(tmp_path / "*.log")) + glob.glob(str(tmp_path / "*.json")):
        with open(path, errors="replace") as handle:
            text += handle.read()
    return {"text": text, "proc": proc, "token": token, "results": tmp_path / "results.json"}


def _variants(secret):
    raw = secret.encode()
    return [secret, base64.b64encode(raw).decode(), base64.b64encode(base64.b64encode(raw)).decode()]


def test_playbook_run_completed(secret_run):
    assert secret_run["results"].exists(), secret_run["text"][-4000:]
    repo, installed = json.loads(secret_run["results"].read_text())[:2]
    assert not repo.get("failed") and installed.get("changed"), (repo, installed)


@pytest.mark.parametrize("which", ["repository password", "kubeconfig token", "secret value"])
def test_no_secret_in_any_output(secret_run, which):
    secret = {"repository password": REPO_PASSWORD, "kubeconfig token": secret_run["token"],
              "secret value": SECRET_VALUE}[which]
    assert len(secret_run["text"]) > 1000
    hits = [variant for variant in _variants(secret) if variant in secret_run["text"]]
    assert hits == [], "%s leaked in the playbook output" % which


def test_insecure_tls_warns_once_per_task(secret_run):
    printed = secret_run["proc"].stdout + secret_run["proc"].stderr
    assert printed.count("[WARNING]: TLS certificate verification is turned off") == 1


def test_secret_objects_are_redacted_in_diffs(secret_run):
    results = json.loads(secret_run["results"].read_text())[2:]
    assert all(not result.get("failed") for result in results), results
    diffs = json.dumps([result.get("diff") for result in results])
    assert "plain" in diffs and "Secret" in diffs  # the Secret is in the diffs ...
    assert [variant for variant in _variants(TEMPLATE_SECRET) if variant in diffs] == []  # ... with data masked
