"""helm_registry_login and helm_push through ansible-playbook on localhost against a real registry: verify,
write Helm's registry config (0600), idempotence both ways, check mode, secrets never in the output; push a
directory and a .tgz, unchanged on re-run."""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.helpers.registry import RegistryServer  # noqa: E402
from tests.helpers.corpus import PODINFO


TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
SECRET = "Login-s3cret-pw-42"


@pytest.fixture(scope="module")
def registry():
    with RegistryServer(auth="basic", username="robot", password=SECRET) as reg:
        yield reg


def run_tasks(tmp_path, tasks, env_extra):
    """Run ``(module, args, check_mode)`` tasks in one play; returns (results, output)."""
    play = []
    for index, (module, args, check) in enumerate(tasks):
        play.append({"name": "task %d" % index, "helmkit.core." + module: args, "register": "r%d" % index,
                     "ignore_errors": True, "check_mode": check})
    out = tmp_path / "results.json"
    play.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(tasks))), "dest": str(out)}, "check_mode": False})
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": play}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON, HOME=str(tmp_path / "home"),
               HELM_CONFIG_HOME=str(tmp_path / "helm"), DOCKER_CONFIG=str(tmp_path / "docker"))
    env.pop("HELM_REGISTRY_CONFIG", None)
    env.update(env_extra)
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", "-vvv", str(playbook)], env=env,
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), proc.stdout + proc.stderr
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def test_login_logout_idempotent_check_mode_and_no_secrets(registry, tmp_path):
    host = registry.host
    login = {"host": host, "username": "robot", "password": SECRET, "plain_http": True}
    results, output = run_tasks(tmp_path, [
        ("helm_registry_login", login, True),                                      # 0 check mode
        ("helm_registry_login", dict(login, password="wrong-pass-9"), False),      # 1 bad password
        ("helm_registry_login", login, False),                                     # 2 log in
        ("helm_registry_login", login, False),                                     # 3 again: no change
        ("helm_push", {"chart": PODINFO, "remote": "oci://%s/charts" % host, "plain_http": True}, False),  # 4
        ("helm_registry_login", {"host": host, "state": "absent"}, True),          # 5 check-mode logout
        ("helm_registry_login", {"host": host, "state": "absent"}, False),         # 6 logout
        ("helm_registry_login", {"host": host, "state": "absent"}, False),         # 7 again: no change
    ], {})
    config = tmp_path / "helm" / "registry" / "config.json"
    assert results[0]["changed"] is True and results[0]["registry_config"] == str(config)
    assert results[1]["failed"] and host in results[1]["msg"] and "refused the credentials" in results[1]["msg"]
    assert "wrong-pass-9" not in results[1]["msg"]
    assert results[2]["changed"] is True and results[3]["changed"] is False
    assert results[4]["changed"] is True, results[4]
    assert results[4]["ref"] == "oci://%s/charts/podinfo:6.14.1" % host
    assert results[5]["changed"] is True and results[6]["changed"] is True and results[7]["changed"] is False
    assert json.loads(config.read_text())["auths"] == {}
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert SECRET not in output and "wrong-pass-9" not in output


def test_login_file_is_what_helm_reads(registry, tmp_path):
    import helm_python
    config = tmp_path / "creds" / "config.json"
    results, _output = run_tasks(tmp_path, [("helm_registry_login", {
        "host": registry.host, "username": "robot", "password": SECRET, "plain_http": True,
        "registry_config": str(config)}, False)], {})
    assert results[0]["changed"] is True
    entry = json.loads(config.read_text())["auths"][registry.host]
    assert base64.b64decode(entry["auth"]).decode() == "robot:" + SECRET
    client = helm_python.RegistryClient(plain_http=True, credentials_file=str(config))
    helm_python.push(PODINFO, "oci://%s/helmreads" % registry.host, client=client, plain_http=True)
    assert "6.14.1" in client.tags("oci://%s/helmreads/podinfo" % registry.host)


def test_push_directory_and_rerun(registry, tmp_path):
    with tarfile.open(PODINFO) as tar:
        tar.extractall(str(tmp_path / "src"))
    args = {"chart": str(tmp_path / "src" / "podinfo"), "remote": "oci://%s/dirpush" % registry.host,
            "plain_http": True, "username": "robot", "password": SECRET}
    results, output = run_tasks(tmp_path, [("helm_push", args, True), ("helm_push", args, False),
                                           ("helm_push", args, False),
                                           ("helm_push", dict(args, chart=str(tmp_path / "nope")), False)], {})
    assert results[0]["changed"] is True and results[1]["changed"] is True
    assert results[2]["changed"] is False and results[2]["digest"] == results[1]["digest"] == results[0]["digest"]
    assert results[3]["failed"] and "not found" in results[3]["msg"]
    assert SECRET not in output


# ---- nothing on stdout but the module's JSON, even when oras is made to print and log ------------------------------

NOISE = r'''
import os
import oras.logger
import oras.provider

_body = oras.provider.Registry.do_request.__wrapped__


def _noisy(self, url, method="GET", data=None, headers=None, json=None, stream=False):
    print("ORAS-NOISE on stdout for %s %s" % (method, url))
    oras.logger.logger.warning("noisy oras: %s %s with password %s" % (method, url, os.environ["NOISE_SECRET"]))
    oras.logger.logger.debug("noisy oras headers: %r" % (headers,))
    return _body(self, url, method, data=data, headers=headers, json=json, stream=stream)


oras.provider.Registry.do_request.__wrapped__ = _noisy
oras.logger.setup_logger(stdout=True, debug=True)   # oras's own console handler, on stdout
'''


def run_module_file(tmp_path, module, args):
    """Run plugins/modules/<module>.py as Ansible runs a module (args file, JSON on stdout), with a
    sitecustomize that makes oras print to stdout and log the password. Returns (parsed result, stdout, stderr)."""
    noise = tmp_path / "noise"
    noise.mkdir(exist_ok=True)
    (noise / "sitecustomize.py").write_text(NOISE)
    args_file = tmp_path / ("%s-args.json" % module)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_debug=True)}))
    env = dict(os.environ, PYTHONPATH="%s:%s" % (noise, TREE), NOISE_SECRET=SECRET, HOME=str(tmp_path / "home"),
               HELM_CONFIG_HOME=str(tmp_path / "helm"), DOCKER_CONFIG=str(tmp_path / "docker"))
    env.pop("HELM_REGISTRY_CONFIG", None)
    proc = subprocess.run([PYTHON, os.path.join(ROOT, "plugins", "modules", module + ".py"), str(args_file)],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=120, check=False)
    return json.loads(proc.stdout), proc.stdout, proc.stderr


def _warning_texts(result):
    """Warning messages of a module result: strings, or ansible-core 2.19's ``{"event": {"msg": ...}}``."""
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings") or []]


def test_login_push_pull_modules_print_only_their_json(registry, tmp_path):
    host = registry.host
    config = str(tmp_path / "login" / "config.json")   # a credential store: the leak scan checks its mode
    login, out1, err1 = run_module_file(tmp_path, "helm_registry_login", {
        "host": host, "username": "robot", "password": SECRET, "plain_http": True, "registry_config": config})
    push, out2, err2 = run_module_file(tmp_path, "helm_push", {
        "chart": PODINFO, "remote": "oci://%s/quiet" % host, "plain_http": True, "username": "robot",
        "password": SECRET})
    dest = tmp_path / "pulled"
    dest.mkdir()
    pull, out3, err3 = run_module_file(tmp_path, "helm_pull", {
        "chart_ref": "oci://%s/quiet/podinfo" % host, "chart_version": "6.14.1", "destination": str(dest),
        "plain_http": True, "username": "robot", "password": SECRET,
        "repository_cache": str(tmp_path / "cache")})
    assert login["changed"] is True and not login.get("failed"), login
    assert push["changed"] is True and push["ref"] == "oci://%s/quiet/podinfo:6.14.1" % host, push
    assert not pull.get("failed") and (dest / "podinfo-6.14.1.tgz").is_file(), pull
    for out in (out1, out2, out3):   # stdout is exactly one JSON document: json.loads above would have failed
        assert "ORAS-NOISE" not in out
    for result in (login, push, pull):   # oras's warnings become the task's warnings (run_module), masked
        texts = [t for t in _warning_texts(result) if t.startswith("oras: ")]
        assert texts and all(t.startswith("oras: noisy oras: ") and t.endswith("with password ********")
                             for t in texts), texts
        assert len(set(texts)) == len(texts)   # each line once
    everything = out1 + out2 + out3 + err1 + err2 + err3
    assert SECRET not in everything
    assert base64.b64encode(("robot:" + SECRET).encode()).decode() not in everything
