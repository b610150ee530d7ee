"""helm_push to ChartMuseum (issue 18 item 5) against a local server that implements ChartMuseum's documented API
(tests/helpers/chartmuseum.py): 201 with the archive and its provenance file, 409 without force (an error naming the
chart and version), force overwriting, Basic and Bearer auth, 401, TLS with a private CA and a client certificate,
5xx (503 retried, 500 not), check mode sending nothing, multi-tenant and context paths, credentials never sent to
another origin; and the module through ansible-playbook with the credential precedence of the chart-source options."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, RepositoryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo import chartmuseum, index  # noqa: E402
from tests.helpers.chartmuseum import ChartMuseumServer  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402

TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
CM_PASSWORD = "cm-Secr3t-upload-pw"
CM_TOKEN = "cm-bearer-T0ken-4f9a2c"
WRONG_PASSWORD = "wrong-cm-pass-77"


def _bytes(path):
    with open(path, "rb") as handle:
        return handle.read()


@pytest.fixture
def podinfo(tmp_path):
    """podinfo's archive with a provenance file beside it (ChartMuseum stores whatever .prov it is given)."""
    target = tmp_path / "podinfo-6.14.1.tgz"
    shutil.copy(PODINFO, str(target))
    (tmp_path / "podinfo-6.14.1.tgz.prov").write_bytes(b"-----BEGIN PGP SIGNED MESSAGE-----\nnot checked\n")
    return str(target)


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch):
    monkeypatch.setattr(index.RETRY, "base", 0.01)


def test_upload_sends_chart_and_prov_and_reports_changed(podinfo):
    with ChartMuseumServer(username="ci", password=CM_PASSWORD) as cm:
        result = chartmuseum.push(podinfo, cm.url, username="ci", password=CM_PASSWORD)
        assert result["changed"] is True and result["status"] == 201 and result["provenance"] is True
        assert result["ref"] == cm.url + "/charts/podinfo-6.14.1.tgz"
        assert result["digest"] == "sha256:" + hashlib.sha256(_bytes(PODINFO)).hexdigest()
        assert cm.stored[("", "podinfo-6.14.1.tgz")] == _bytes(PODINFO)
        assert cm.stored[("", "podinfo-6.14.1.tgz.prov")].startswith(b"-----BEGIN PGP SIGNED MESSAGE-----")
        (method, path, query, auth), = cm.posts()
        assert (method, path, query) == ("POST", "/api/charts", "") and auth.startswith("Basic ")


def test_existing_version_is_a_409_naming_chart_and_version_unless_forced(podinfo, tmp_path):
    with ChartMuseumServer() as cm:
        chartmuseum.push(podinfo, cm.url)
        with pytest.raises(RepositoryError) as err:
            chartmuseum.push(PODINFO, cm.url)
        message = str(err.value)
        assert 'chart "podinfo" version "6.14.1" already exists' in message and "409" in message
        assert "force: true" in message and cm.url in message
        # a different archive of the same version replaces the stored one only with force
        src = tmp_path / "src"
        with tarfile.open(PODINFO) as tar:
            tar.extractall(str(src))
        (src / "podinfo" / "NOTES-extra.txt").write_text("changed\n")
        result = chartmuseum.push(str(src / "podinfo"), cm.url, force=True)
        assert result["changed"] is True and result["provenance"] is False
        assert cm.posts()[-1][2] == "force=true"
        assert cm.stored[("", "podinfo-6.14.1.tgz")] != _bytes(PODINFO)
        assert hashlib.sha256(cm.stored[("", "podinfo-6.14.1.tgz")]).hexdigest() == result["digest"][7:]


def test_bearer_token_and_refused_credentials(podinfo):
    with ChartMuseumServer(token=CM_TOKEN) as cm:
        chartmuseum.push(podinfo, cm.url, token=CM_TOKEN)
        assert cm.posts()[0][3] == "Bearer " + CM_TOKEN
        with pytest.raises(RepositoryError) as anonymous:
            chartmuseum.push(podinfo, cm.url, force=True)
        assert "401 Unauthorized" in str(anonymous.value) and "needs credentials" in str(anonymous.value)
    with ChartMuseumServer(username="ci", password=CM_PASSWORD) as cm:
        with pytest.raises(RepositoryError) as refused:
            chartmuseum.push(podinfo, cm.url, username="ci", password=WRONG_PASSWORD)
        assert "401 Unauthorized" in str(refused.value) and "were refused" in str(refused.value)
        assert WRONG_PASSWORD not in str(refused.value) and not cm.stored


def test_tls_with_a_private_ca_and_a_client_certificate(podinfo):
    with ChartMuseumServer(tls=True, client_ca=True, username="ci", password=CM_PASSWORD) as cm:
        with pytest.raises(RepositoryError) as untrusted:
            chartmuseum.push(podinfo, cm.url, username="ci", password=CM_PASSWORD)
        assert "CERTIFICATE_VERIFY_FAILED" in str(untrusted.value) and "ca_file" in str(untrusted.value)
        with pytest.raises(RepositoryError):  # the server wants a client certificate
            chartmuseum.push(podinfo, cm.url, username="ci", password=CM_PASSWORD, ca_file=cm.ca_file)
        assert not cm.stored
        result = chartmuseum.push(podinfo, cm.url, username="ci", password=CM_PASSWORD, ca_file=cm.ca_file,
                                  cert_file=cm.client_cert_file, key_file=cm.client_key_file)
        assert result["status"] == 201 and ("", "podinfo-6.14.1.tgz") in cm.stored
        chartmuseum.push(podinfo, cm.url, username="ci", password=CM_PASSWORD, insecure_skip_tls_verify=True,
                         cert_file=cm.client_cert_file, key_file=cm.client_key_file, force=True)


def test_server_errors_503_is_retried_500_is_not(podinfo):
    with ChartMuseumServer() as cm:
        cm.fail_next(2, 503)
        assert chartmuseum.push(podinfo, cm.url)["status"] == 201 and len(cm.posts()) == 3
    with ChartMuseumServer() as cm:
        cm.fail_next(5, 500)
        with pytest.raises(RepositoryError) as err:
            chartmuseum.push(podinfo, cm.url)
        assert "answered HTTP 500: injected failure" in str(err.value) and cm.url in str(err.value)
        assert len(cm.posts()) == 1   # a POST the server may have processed is never sent twice


def test_check_mode_sends_no_upload(podinfo):
    with ChartMuseumServer(username="ci", password=CM_PASSWORD) as cm:
        creds = {"username": "ci", "password": CM_PASSWORD}
        result = chartmuseum.push(podinfo, cm.url, check_mode=True, **creds)
        assert result["changed"] is True and result["status"] is None
        assert not cm.posts() and not cm.stored
        assert [r[:2] for r in cm.requests] == [("GET", "/api/charts/podinfo/6.14.1")]
        chartmuseum.push(podinfo, cm.url, **creds)
        with pytest.raises(RepositoryError) as err:   # the real run would get 409: so does check mode
            chartmuseum.push(podinfo, cm.url, check_mode=True, **creds)
        assert 'version "6.14.1" already exists' in str(err.value)
        assert chartmuseum.push(podinfo, cm.url, check_mode=True, force=True, **creds)["changed"] is True
        assert len(cm.posts()) == 1


def test_tenant_and_context_paths():
    assert chartmuseum.api_url("http://h:8080", "charts") == "http://h:8080/api/charts"
    assert chartmuseum.api_url("http://h/org1/repoa/", "charts") == "http://h/api/org1/repoa/charts"
    assert chartmuseum.api_url("https://h/cm/org/repo", "charts", "a b", "1.0.0+x", context_path="/cm") == \
        "https://h/cm/api/org/repo/charts/a%20b/1.0.0%2Bx"
    assert chartmuseum.api_url("https://h/cm", "charts", context_path="cm/") == "https://h/cm/api/charts"
    with pytest.raises(RepositoryError):
        chartmuseum.api_url("ftp://h/x", "charts")


def test_push_to_a_tenant_below_a_context_path(podinfo):
    with ChartMuseumServer(context_path="/museum") as cm:
        result = chartmuseum.push(podinfo, cm.url + "/museum/org1/repoa", context_path="/museum")
        assert cm.posts()[0][1] == "/museum/api/org1/repoa/charts"
        assert ("org1/repoa", "podinfo-6.14.1.tgz") in cm.stored
        assert result["ref"] == cm.url + "/museum/org1/repoa/charts/podinfo-6.14.1.tgz"
        with pytest.raises(RepositoryError) as err:   # without the context path the API is not found
            chartmuseum.push(podinfo, cm.url + "/org1/repoa")
        assert "404 Not Found" in str(err.value) and "context path" in str(err.value)


def test_credentials_are_not_sent_to_another_origin_on_redirect(podinfo):
    with ChartMuseumServer() as other, ChartMuseumServer(username="ci", password=CM_PASSWORD) as cm:
        cm.redirect_to = other.url
        result = chartmuseum.push(podinfo, cm.url, username="ci", password=CM_PASSWORD)
        assert result["status"] == 201 and ("", "podinfo-6.14.1.tgz") in other.stored
        assert cm.posts()[0][3].startswith("Basic ")
        assert other.posts()[0][3] is None   # 127.0.0.1 on another port is another origin


def test_bad_chart_inputs(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ChartError) as no_chart_yaml:
        chartmuseum.push(str(tmp_path / "empty"), "http://127.0.0.1:9")
    assert "has no Chart.yaml" in str(no_chart_yaml.value)
    with pytest.raises(ChartError) as missing:
        chartmuseum.push(str(tmp_path / "nope.tgz"), "http://127.0.0.1:9")
    assert "not found" in str(missing.value)


# ---- the module, through ansible-playbook ------------------------------------------------------------------------

def _run(tmp_path, tasks, env_extra):
    play_tasks = []
    for number, (args, check) in enumerate(tasks):
        play_tasks.append({"name": "push %d" % number, "helmkit.core.helm_push": args, "register": "r%d" % number,
                           "ignore_errors": True, "check_mode": check})
    out = tmp_path / "results.json"
    play_tasks.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % n for n in range(len(tasks))), "dest": str(out)}, "check_mode": False})
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    env.update(env_extra)
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", "-v", str(playbook)], env=env,
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def test_module_pushes_to_chartmuseum_with_the_credential_precedence(tmp_path, podinfo):
    with ChartMuseumServer(tls=True, username="ci", password=CM_PASSWORD) as cm:
        repo_config = tmp_path / "helm" / "repositories.yaml"
        repo_config.parent.mkdir()
        repo_config.write_text(yaml.safe_dump({"apiVersion": "", "generated": "0001-01-01T00:00:00Z", "repositories": [
            {"name": "museum", "url": cm.url + "/", "username": "ci", "password": CM_PASSWORD,
             "caFile": cm.ca_file}]}))
        os.chmod(str(repo_config), 0o600)
        base = {"chart": podinfo, "remote": cm.url}
        results, output = _run(tmp_path, [
            (base, True),                                                  # 0 check mode: nothing sent
            (base, False),                                                 # 1 credentials + CA of repositories.yaml
            (base, False),                                                 # 2 409
            (dict(base, force=True), False),                               # 3 overwrite
            (dict(base, force=True, username="ci", password=WRONG_PASSWORD), False),  # 4 the task's own win
            (dict(base, remote="oci://127.0.0.1:1/x", force=True), False),  # 5 force is ChartMuseum's
        ], {"HELM_REPOSITORY_CONFIG": str(repo_config), "HELM_REPOSITORY_CACHE": str(tmp_path / "cache")})
        assert results[0]["changed"] is True and not results[0].get("failed"), results[0]
        assert results[1]["changed"] is True and results[1]["ref"] == cm.url + "/charts/podinfo-6.14.1.tgz"
        assert results[1]["provenance"] is True and results[1]["url"] == cm.url + "/api/charts"
        assert results[2]["failed"] and 'version "6.14.1" already exists' in results[2]["msg"]
        assert "force: true" in results[2]["msg"]
        assert results[3]["changed"] is True and not results[3].get("failed")
        assert results[4]["failed"] and "401 Unauthorized" in results[4]["msg"]
        assert results[5]["failed"] and "ChartMuseum options" in results[5]["msg"]
        assert [r[0] for r in cm.requests].count("POST") == 4   # check mode sent none
        assert CM_PASSWORD not in output and WRONG_PASSWORD not in output


def test_signed_push_uploads_a_provenance_file_that_verifies(tmp_path):
    from tests.helpers.pgp import GPG, GpgSigner
    from ansible_collections.helmkit.core.plugins.module_utils.repo.provenance import verify_provenance
    if GPG is None:
        pytest.skip("gpg makes the test key")
    with GpgSigner("Museum Signer <museum@example.com>") as signer, ChartMuseumServer() as cm:
        sign = {"key": "museum@example.com", "keyring": signer.secret_keyring}
        result = chartmuseum.push(PODINFO, cm.url, sign=sign)
        prov = cm.stored[("", "podinfo-6.14.1.tgz.prov")]
        checked = verify_provenance(prov, "podinfo-6.14.1.tgz", result["digest"][7:], signer.public_keyring)
        assert any("museum@example.com" in uid for uid in checked.signed_by)
        assert not os.path.exists(PODINFO + ".prov")


def test_a_key_that_cannot_sign_uploads_nothing(tmp_path):
    with ChartMuseumServer() as cm:
        with pytest.raises(RepositoryError) as err:
            chartmuseum.push(PODINFO, cm.url, sign={"key": "x", "keyring": str(tmp_path / "missing.gpg")})
        assert "cannot read the keyring" in str(err.value) and not cm.requests


def test_credentials_in_the_url_are_used_and_never_shown(podinfo):
    with ChartMuseumServer(username="ci", password=CM_PASSWORD) as cm:
        url = cm.url.replace("://", "://ci:%s@" % CM_PASSWORD)
        result = chartmuseum.push(podinfo, url)
        assert result["status"] == 201 and cm.posts()[0][3].startswith("Basic ")
        assert CM_PASSWORD not in repr(result) and result["ref"].startswith("http://ci:***@127.0.0.1:")
        with pytest.raises(RepositoryError) as err:
            chartmuseum.push(podinfo, url)
        assert CM_PASSWORD not in str(err.value) and "already exists" in str(err.value)
