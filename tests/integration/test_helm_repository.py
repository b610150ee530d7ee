"""helm_repository through ansible-playbook on localhost against real chart repository servers: add, re-run
without change, update, check mode and diff, credentials never shown, remove; and the files it writes are what
Helm and the source layer (source/locate.py) read."""
import json
import os
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS
from tests.helpers.playbook import run_play

TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
REDIS = os.path.join(CHARTS, "redis-23.1.1.tgz")
SECRET = "Sup3r-s3cret-chart-pw"


@pytest.fixture(scope="module")
def servers():
    with ChartRepoServer(charts=[PODINFO, REDIS]) as public:
        with ChartRepoServer(charts=[PODINFO], username="deploy", password=SECRET) as private:
            yield public, private


@pytest.fixture
def helm_env(tmp_path):
    return {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
            "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache")}


def run_tasks(tmp_path, tasks, env_extra, diff=False, module_defaults=None):
    """Run ``tasks`` (helm_repository argument dicts; ``_check_mode`` key for check mode) in one play.

    Returns (results in order, full ansible-playbook output).
    """
    play_tasks = []
    for args in tasks:
        args = dict(args)
        play_tasks.append({"helmkit.core.helm_repository": args, "check_mode": args.pop("_check_mode", False)})
    return run_play(tmp_path, play_tasks, env_extra, diff=diff, module_defaults=module_defaults)


def _config(helm_env):
    with open(helm_env["HELM_REPOSITORY_CONFIG"]) as fh:
        return yaml.safe_load(fh)


def test_add_rerun_update_remove(servers, helm_env, tmp_path):
    public, _unused = servers
    add = {"name": "demo", "url": public.url}
    checked, added, again, refreshed, removed, removed_again = run_tasks(tmp_path, [
        dict(add, _check_mode=True), add, add, dict(add, update_cache=True),
        {"name": "demo", "state": "absent"}, {"name": "demo", "state": "absent"}], helm_env)[0]
    assert checked["changed"] is True and not checked["index_updated"], checked.get("msg")
    assert added["changed"] is True and added["index_updated"] and added["charts"] == ["podinfo", "redis"]
    assert added["repository"]["url"] == public.url and added["repository"]["password_set"] is False
    assert again["changed"] is False and not again["index_updated"]
    assert refreshed["changed"] is False and refreshed["index_updated"], "same index content is no change"
    assert removed["changed"] is True and removed_again["changed"] is False
    assert _config(helm_env)["repositories"] == []
    cache = helm_env["HELM_REPOSITORY_CACHE"]
    assert not os.path.exists(os.path.join(cache, "demo-index.yaml"))


def test_check_mode_writes_nothing(servers, helm_env, tmp_path):
    """Also: group module_defaults that set kubeconfig for every helmkit module do not break this one."""
    public, _unused = servers
    defaults = {"group/helmkit.core.helm": {"kubeconfig": "/nonexistent/kubeconfig", "context": "x"}}
    results, _unused = run_tasks(tmp_path, [{"name": "demo", "url": public.url, "_check_mode": True}], helm_env,
                                 module_defaults=defaults)
    assert results[0]["changed"] is True
    assert not os.path.exists(helm_env["HELM_REPOSITORY_CONFIG"])
    assert not os.path.exists(helm_env["HELM_REPOSITORY_CACHE"])


def test_files_are_helms_and_locate_uses_them(servers, helm_env, tmp_path):
    public, private = servers
    results, output = run_tasks(tmp_path, [
        {"name": "demo", "url": public.url},
        {"name": "private", "url": private.url, "username": "deploy", "password": SECRET},
    ], helm_env, diff=True)
    assert all(r["changed"] for r in results), [r.get("msg") for r in results]
    assert SECRET not in output and SECRET not in json.dumps(results)
    config = _config(helm_env)
    assert oct(os.stat(helm_env["HELM_REPOSITORY_CONFIG"]).st_mode & 0o777) == "0o600"
    entries = {e["name"]: e for e in config["repositories"]}
    assert entries["private"]["password"] == SECRET and entries["private"]["username"] == "deploy"
    cache = helm_env["HELM_REPOSITORY_CACHE"]
    assert open(os.path.join(cache, "private-charts.txt")).read() == "podinfo\n"
    # locate reads the same files (in a subprocess, with the same environment as the playbook)
    code = ("import sys; sys.path.insert(0, %r); from ansible_collections.helmkit.core.plugins.module_utils.source"
            ".locate import locate; f = locate('private/podinfo'); print(f.version, f.digest)" % TREE)
    proc = subprocess.run([PYTHON, "-c", code], env=dict(os.environ, **helm_env), capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    version, digest = proc.stdout.split()
    assert version == "6.14.1"
    # real Helm downloads the same archive from the same repository
    dest = tmp_path / "pulled"
    dest.mkdir()
    code = ("import helm_python, sys; helm_python.pull('podinfo', repo_url=sys.argv[1], username='deploy', "
            "password=sys.argv[2], destination=sys.argv[3])")
    proc = subprocess.run([PYTHON, "-c", code, private.url, SECRET, str(dest)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    import hashlib
    assert hashlib.sha256((dest / "podinfo-6.14.1.tgz").read_bytes()).hexdigest() == digest


def test_url_change_needs_force_update_and_diff(servers, helm_env, tmp_path):
    public, private = servers
    results, output = run_tasks(tmp_path, [
        {"name": "demo", "url": public.url},
        {"name": "demo", "url": private.url, "username": "deploy", "password": SECRET},
        {"name": "demo", "url": private.url, "username": "deploy", "password": SECRET, "force_update": True},
        {"name": "demo", "url": private.url, "username": "deploy", "password": SECRET},
    ], helm_env, diff=True)
    first, refused, forced, same = results
    assert first["changed"] is True
    assert refused.get("failed") and "force_update" in refused["msg"] and public.url in refused["msg"]
    assert forced["changed"] is True and forced["diff"]["before"]["url"] == public.url
    assert forced["diff"]["after"]["url"] == private.url and forced["diff"]["after"]["password_set"] is True
    assert same["changed"] is False
    assert SECRET not in output and SECRET not in json.dumps(results)


@pytest.mark.parametrize("args,needle", [
    ({"name": "reg", "url": "oci://registry.example/charts"}, "OCI registry"),
    ({"name": "bad", "url": "ftp://x.example"}, "http:// or https://"),
    ({"name": "a/b", "url": "https://x.example"}, "no '/'"),
    ({"name": "nope", "url": "http://127.0.0.1:9/charts"}, "unreachable"),
])
def test_bad_input_fails_clearly_and_writes_nothing(helm_env, tmp_path, args, needle):
    results, output = run_tasks(tmp_path, [dict(args, timeout=5)], helm_env)
    assert results[0].get("failed") and needle in results[0]["msg"], results[0].get("msg")
    assert "Traceback" not in results[0]["msg"]
    assert not os.path.exists(helm_env["HELM_REPOSITORY_CONFIG"])


def test_wrong_password_is_not_echoed(servers, helm_env, tmp_path):
    _unused, private = servers
    results, output = run_tasks(tmp_path, [
        {"name": "private", "url": private.url, "username": "deploy", "password": "wrong-" + SECRET}], helm_env)
    assert results[0].get("failed") and "401" in results[0]["msg"]
    assert ("wrong-" + SECRET) not in output


def test_https_repository_with_private_ca_and_client_certificate(helm_env, tmp_path):
    with ChartRepoServer(charts=[PODINFO], client_ca=True) as tls:
        base = {"name": "secure", "url": tls.url, "timeout": 10}
        results, _unused = run_tasks(tmp_path, [
            base,
            dict(base, ca_file=tls.ca_file),
            dict(base, ca_file=tls.ca_file, cert_file=tls.client_cert_file, key_file=tls.client_key_file),
            dict(base, ca_file=tls.ca_file, cert_file=tls.client_cert_file, key_file=tls.client_key_file),
        ], helm_env)
    no_ca, no_cert, added, again = results
    assert no_ca.get("failed") and "ca_file" in no_ca["msg"]
    assert no_cert.get("failed") and tls.url in no_cert["msg"]
    assert added["changed"] is True and added["charts"] == ["podinfo"], added.get("msg")
    assert again["changed"] is False
    entry = _config(helm_env)["repositories"][0]
    assert (entry["caFile"], entry["certFile"], entry["keyFile"]) == (tls.ca_file, tls.client_cert_file,
                                                                      tls.client_key_file)


def test_state_updated_refreshes_every_repository_and_reports_the_unreachable(servers, helm_env, tmp_path):
    public, private = servers
    gone = ChartRepoServer(charts=[REDIS])
    gone.__enter__()
    try:
        added = run_tasks(tmp_path, [
            {"name": "demo", "url": public.url},
            {"name": "private", "url": private.url, "username": "deploy", "password": SECRET},
            {"name": "gone", "url": gone.url}], helm_env)[0]
    finally:
        gone.__exit__(None, None, None)
    assert not any(r.get("failed") for r in added), [r.get("msg") for r in added]
    cache = helm_env["HELM_REPOSITORY_CACHE"]
    stale = os.path.join(cache, "demo-index.yaml")
    with open(stale, "rb") as fh:
        current = fh.read()
    with open(stale, "wb") as fh:
        fh.write(b"apiVersion: v1\nentries: {}\n")
    checked, updated, again, one, none = run_tasks(tmp_path, [
        {"state": "updated", "timeout": 5, "_check_mode": True},
        {"state": "updated", "timeout": 5},
        {"state": "updated", "timeout": 5},
        {"state": "updated", "name": "gone", "timeout": 5},
        {"state": "updated", "name": "nothere"}], helm_env)[0]
    assert checked["changed"] is True and checked["updated_repositories"] == ["demo"], checked
    assert updated["changed"] is True and not updated.get("failed"), updated.get("msg")
    assert updated["updated_repositories"] == ["demo"] and updated["unchanged_repositories"] == ["private"]
    (failure,) = updated["failed_repositories"]
    assert failure["name"] == "gone" and failure["msg"].startswith(
        'Unable to get an update from the "gone" chart repository (%s): ' % gone.url)
    with open(stale, "rb") as fh:
        assert fh.read() == current
    assert again["changed"] is False and again["unchanged_repositories"] == ["demo", "private"]
    assert one["failed"] and "no repository could be updated: Unable to get an update from the \"gone\"" in one["msg"]
    assert none["failed"] and "repository nothere is not configured" in none["msg"]
