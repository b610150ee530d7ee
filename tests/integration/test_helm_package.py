"""helm_package: archives byte-identical to helm_python.package, signatures that Helm verifies
and Helm signatures that we verify, idempotence, check mode, and bad input that leaves nothing behind."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile

import pytest

helm_python = pytest.importorskip("helm_python")
pytest.importorskip("pysequoia")


from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.packaging import package  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.provenance import verify_provenance  # noqa: E402
from tests.helpers import leakscan  # noqa: E402
from tests.helpers.pgp import GPG, GpgSigner  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

pytestmark = pytest.mark.skipif(GPG is None, reason="gpg makes the test keys")
PASSPHRASE = "correct horse battery staple 19"
leakscan.SECRETS.add(PASSPHRASE, "helm_package test passphrase")


@pytest.fixture(scope="module")
def signer():
    with GpgSigner("Chart Signer <signer@example.com>") as s:
        yield s


@pytest.fixture(scope="module")
def locked_keyring():
    """A passphrase-protected secret keyring, made with gpg (test time only)."""
    home = tempfile.mkdtemp(prefix="helmkit-gnupg-")
    os.chmod(home, 0o700)
    env = dict(os.environ, GNUPGHOME=home)
    base = [GPG, "--batch", "--yes", "--quiet", "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE]
    subprocess.run(base + ["--quick-gen-key", "Locked Signer <locked@example.com>", "rsa2048", "sign", "0"],
                   env=env, check=True, capture_output=True, timeout=120)
    secret = subprocess.run(base + ["--export-secret-keys"], env=env, check=True, capture_output=True).stdout
    public = subprocess.run([GPG, "--batch", "--export"], env=env, check=True, capture_output=True).stdout
    paths = {}
    for name, data in (("secret", secret), ("public", public)):
        paths[name] = os.path.join(home, name + ".gpg")
        with open(paths[name], "wb") as fh:
            fh.write(data)
    yield paths
    shutil.rmtree(home, ignore_errors=True)


def _source(tmp_path, name="podinfo-6.14.1"):
    with tarfile.open(os.path.join(CHARTS, name + ".tgz")) as tar:
        tar.extractall(str(tmp_path / "src"))
    return str(tmp_path / "src" / os.listdir(str(tmp_path / "src"))[0])


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.mark.parametrize("overrides", [{}, {"version": "7.0.0-rc.1", "app_version": "abc"}])
def test_archive_is_helms(tmp_path, overrides):
    src = _source(tmp_path)
    theirs = helm_python.package(src, destination=str(tmp_path / "helm"), **overrides)
    ours = package(src, str(tmp_path / "ours"), **overrides)
    assert os.path.basename(ours["path"]) == os.path.basename(theirs) and ours["changed"]
    with open(theirs, "rb") as a, open(ours["path"], "rb") as b:
        theirs_bytes, ours_bytes = a.read(), b.read()
    assert ours_bytes == theirs_bytes
    again = package(src, str(tmp_path / "ours"), **overrides)
    assert again["changed"] is False and again["sha256"] == ours["sha256"]


def test_signed_by_us_verifies_with_helm_and_the_reverse(tmp_path, signer):
    src = _source(tmp_path)
    ours = package(src, str(tmp_path / "ours"), sign=True, key="signer@example", keyring=signer.secret_keyring)
    verified = helm_python.verify(ours["path"], signer.public_keyring)
    assert verified["signed_by"] == ["Chart Signer <signer@example.com>"]
    assert verified["file_hash"] == "sha256:" + _sha(ours["path"])
    again = package(src, str(tmp_path / "ours"), sign=True, key="signer@example", keyring=signer.secret_keyring)
    assert again["changed"] is False  # same archive, provenance still valid for the same key
    theirs = helm_python.package(src, destination=str(tmp_path / "helm"))
    helm_python.sign(theirs, key="Chart Signer", keyring=signer.secret_keyring)
    with open(theirs + ".prov", "rb") as fh:
        result = verify_provenance(fh.read(), os.path.basename(theirs), _sha(theirs), signer.public_keyring)
    assert result.signed_by == ["Chart Signer <signer@example.com>"]


def test_protected_key_with_passphrase_file(tmp_path, locked_keyring):
    src = _source(tmp_path)
    good = tmp_path / "pass"
    good.write_text(PASSPHRASE + "\nignored second line\n")
    result = package(src, str(tmp_path / "out"), sign=True, key="Locked", keyring=locked_keyring["secret"],
                     passphrase_file=str(good))
    assert helm_python.verify(result["path"], locked_keyring["public"])["signed_by"] == \
        ["Locked Signer <locked@example.com>"]


def _assert_fails_and_writes_nothing(tmp_path, src, match, **kwargs):
    out = tmp_path / ("out-%d" % len(os.listdir(str(tmp_path))))
    with pytest.raises(HelmkitError, match=match) as info:
        package(src, str(out), **kwargs)
    assert not out.exists() or os.listdir(str(out)) == []
    assert PASSPHRASE not in str(info.value)
    return str(info.value)


def test_bad_input_is_a_clear_error_and_nothing_is_written(tmp_path, signer, locked_keyring):
    src = _source(tmp_path)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    _assert_fails_and_writes_nothing(tmp_path, str(tmp_path), "no Chart.yaml")
    _assert_fails_and_writes_nothing(tmp_path, src, "does not unlock it", sign=True, key="Locked",
                                     keyring=locked_keyring["secret"], passphrase_file=str(wrong))
    _assert_fails_and_writes_nothing(tmp_path, src, "protected by a passphrase", sign=True, key="Locked",
                                     keyring=locked_keyring["secret"])
    _assert_fails_and_writes_nothing(tmp_path, src, "cannot read the keyring", sign=True, key="x",
                                     keyring=str(tmp_path / "missing.gpg"))
    _assert_fails_and_writes_nothing(tmp_path, src, "cannot read the keyring", sign=True, key="x",
                                     keyring=str(tmp_path))   # a directory: unreadable as a file
    garbage = tmp_path / "garbage.gpg"
    garbage.write_bytes(b"\x99garbage" * 10)
    _assert_fails_and_writes_nothing(tmp_path, src, "not an OpenPGP keyring|holds no|not found", sign=True, key="x",
                                     keyring=str(garbage))
    _assert_fails_and_writes_nothing(tmp_path, src, "not found in keyring", sign=True, key="nobody",
                                     keyring=signer.secret_keyring)
    _assert_fails_and_writes_nothing(tmp_path, src, "passphrase file", sign=True, key="Locked",
                                     keyring=locked_keyring["secret"], passphrase_file=str(tmp_path / "nope"))
    _assert_fails_and_writes_nothing(tmp_path, src, "not a valid semantic version", version="one")


def test_module_check_mode_then_package_then_unchanged(tmp_path, signer):
    src = _source(tmp_path)
    dest = tmp_path / "dist"
    args = {"path": src, "destination": str(dest), "sign": True, "key": "Chart Signer",
            "keyring": signer.secret_keyring}
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_package": args, "check_mode": True},
        {"helmkit.core.helm_package": args},
        {"helmkit.core.helm_package": args},
        {"helmkit.core.helm_package": dict(args, path=str(tmp_path))},
    ])
    check, first, second, bad = results
    assert check["changed"] and first["changed"] and not second["changed"], output
    assert sorted(os.listdir(str(dest))) == ["podinfo-6.14.1.tgz", "podinfo-6.14.1.tgz.prov"]
    assert helm_python.verify(first["path"], signer.public_keyring)["file_hash"] == "sha256:" + first["sha256"]
    assert bad["failed"] and "no Chart.yaml" in bad["msg"] and "Traceback" not in output


def test_push_with_sign_pushes_a_provenance_layer_helm_verifies(tmp_path, signer, monkeypatch):
    from tests.helpers.registry import RegistryServer
    from ansible_collections.helmkit.core.plugins.module_utils.oci import api
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    src = _source(tmp_path)
    with RegistryServer() as reg:
        sign = {"key": "Chart Signer", "keyring": signer.secret_keyring}
        pushed = api.push(src, "oci://%s/signed" % reg.host, plain_http=True, sign=sign)
        assert pushed["changed"]
        with api.open_client(reg.host, plain_http=True) as client:
            manifest = json.loads(client.get_manifest("signed/podinfo", "6.14.1")[0].decode())
            layers = {layer["mediaType"]: client.get_blob("signed/podinfo", layer["digest"])
                      for layer in manifest["layers"]}
    chart = tmp_path / "pulled" / "podinfo-6.14.1.tgz"
    chart.parent.mkdir()
    chart.write_bytes(layers["application/vnd.cncf.helm.chart.content.v1.tar+gzip"])
    (tmp_path / "pulled" / "podinfo-6.14.1.tgz.prov").write_bytes(
        layers["application/vnd.cncf.helm.chart.provenance.v1.prov"])
    assert helm_python.verify(str(chart), signer.public_keyring)["signed_by"] == ["Chart Signer <signer@example.com>"]
    assert not [p for p in os.listdir(src) if p.endswith(".prov")]


def test_dependency_update_and_missing_dependencies(tmp_path):
    sub = tmp_path / "sub"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: sub\nversion: 1.0.0\n")
    (sub / "templates" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub\n")
    parent = tmp_path / "parent"
    (parent / "templates").mkdir(parents=True)
    (parent / "Chart.yaml").write_text("apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n"
                                       "- name: sub\n  version: 1.0.0\n  repository: file://../sub\n")
    with pytest.raises(HelmkitError, match="not in its charts/ directory: sub"):
        package(str(parent), str(tmp_path / "out"))
    checked = package(str(parent), str(tmp_path / "out"), dependency_update=True, check_mode=True)
    assert checked["changed"] and not (parent / "charts").exists() and not (tmp_path / "out").exists()
    made = package(str(parent), str(tmp_path / "out"), dependency_update=True)
    with tarfile.open(made["path"]) as tar:
        assert "parent/charts/sub/Chart.yaml" in tar.getnames()  # Helm stores subcharts unpacked
    theirs = helm_python.package(str(parent), destination=str(tmp_path / "helm"))
    with open(theirs, "rb") as a, open(made["path"], "rb") as b:
        assert gzip.decompress(a.read()) == gzip.decompress(b.read())
