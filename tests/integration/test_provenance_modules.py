"""verify/keyring of helm_pull and helm_dependency through ansible-playbook on localhost, against real chart
repository servers and a real OCI registry, with keys made by gpg and provenance files clear-signed by gpg in Helm's
layout: a good signature (its signer, fingerprint and hash returned; Helm v4 agrees), the default keyring, a key
that is not in the keyring, an altered provenance file, an altered archive and a missing provenance file each fail
with a message naming the chart, the file and the cause, and leave the destination / charts/ and Chart.lock as
they were."""
import hashlib
import os
import shutil

import helm_python
import pytest
import yaml


from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.pgp import GPG, GpgSigner  # noqa: E402
from tests.helpers.registry import REGISTRY_BIN, RegistryServer  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")
COMMON = os.path.join(CHARTS, "common-2.31.10.tgz")
SIGNER = "Chart Signer <signer@example.com>"
VARIANTS = ("good", "text", "archive", "missing")
EXPECTED = {
    "text": "the OpenPGP signature does not match the signed text",
    "archive": "sha256 sum does not match for",
    "missing": "404",
}


@pytest.fixture(scope="module")
def keys():
    if GPG is None:
        pytest.fail("gpg is needed to create signing keys (test-only): run scripts/install-system-deps.sh")
    with GpgSigner(SIGNER) as signer, GpgSigner("Someone Else <else@example.com>") as stranger:
        yield signer, stranger


def _prov(signer, archive, variant):
    """The .prov a repository of ``variant`` serves for ``archive`` (None: none)."""
    if variant == "missing":
        return None
    if variant == "archive":  # a valid signature, for other bytes than the archive served
        return signer.provenance(archive, signed_bytes=b"not the archive")
    prov = signer.provenance(archive)
    if variant == "text":
        prov = prov.replace(b"\nversion: ", b"\nversion: 9")  # the signed Chart.yaml altered
    return prov


def _start(signer, charts, variant):
    server = ChartRepoServer(charts=charts)
    server.start()
    for archive in charts:
        prov = _prov(signer, archive, variant)
        if prov is not None:
            with open(os.path.join(server.directory, os.path.basename(archive) + ".prov"), "wb") as fh:
                fh.write(prov)
    return server


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _env(tmp_path, gnupghome):
    return {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
            "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache"), "GNUPGHOME": gnupghome,
            "HOME": str(tmp_path / "home"), "DOCKER_CONFIG": str(tmp_path / "docker"),
            "HELM_CONFIG_HOME": str(tmp_path / "helmconfig")}


def _gnupghome(tmp_path, signer):
    """A GNUPGHOME whose pubring.gpg (Helm's default keyring) holds the signer's public key."""
    home = tmp_path / "gnupg"
    home.mkdir()
    shutil.copy(signer.public_keyring, str(home / "pubring.gpg"))
    return str(home)


def _listing(directory):
    out = {}
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            out[os.path.relpath(path, directory)] = _sha(path)
    return out


def test_helm_pull_verify(keys, tmp_path):
    signer, stranger = keys
    servers = dict((v, _start(signer, [PODINFO], v)) for v in VARIANTS)
    try:
        good = {"chart_ref": "podinfo", "repo_url": servers["good"].url, "verify": True,
                "destination": str(tmp_path / "good"), "keyring": signer.armored_keyring}
        tasks = [
            {"helmkit.core.helm_pull": good},
            {"helmkit.core.helm_pull": good},
            {"helmkit.core.helm_pull": dict(good, keyring=None, destination=str(tmp_path / "default"))},
            {"helmkit.core.helm_pull": dict(good, keyring=stranger.public_keyring, destination=str(tmp_path / "k"))},
        ]
        for variant in ("text", "archive", "missing"):
            tasks.append({"helmkit.core.helm_pull": dict(good, repo_url=servers[variant].url,
                                                         destination=str(tmp_path / variant))})
        results, output = run_play(tmp_path, tasks, _env(tmp_path, _gnupghome(tmp_path, signer)))
    finally:
        for server in servers.values():
            server.stop()
    pulled, again, by_default, unknown = results[:4]
    assert pulled["changed"] is True, pulled.get("msg")
    expected = {"signed_by": [SIGNER], "fingerprint": signer.fingerprint.upper(),
                "file_hash": "sha256:" + _sha(PODINFO), "file_name": "podinfo-6.14.1.tgz"}
    for key, value in expected.items():
        assert pulled["provenance"][key] == value
    saved = os.path.join(str(tmp_path / "good"), "podinfo-6.14.1.tgz")
    assert pulled["path"] == saved and _sha(saved) == _sha(PODINFO)
    helm = helm_python.verify(saved, signer.public_keyring)  # Helm v4 accepts what was saved
    assert helm["signed_by"] == [SIGNER] and helm["file_hash"] == expected["file_hash"]
    assert "Using Key With Fingerprint: %s" % expected["fingerprint"] in pulled["provenance"]["text"]
    assert again["changed"] is False and again["downloaded"] is False
    assert by_default["changed"] is True and by_default["provenance"]["keyring"] == str(
        tmp_path / "gnupg" / "pubring.gpg"), by_default.get("msg")
    assert unknown["failed"] and "not in the keyring %s" % stranger.public_keyring in unknown["msg"]
    assert 'verifying chart "podinfo" 6.14.1 failed' in unknown["msg"]
    assert not (tmp_path / "k").exists()
    for variant, result in zip(("text", "archive", "missing"), results[4:]):
        assert result["failed"] and EXPECTED[variant] in result["msg"], (variant, result.get("msg"))
        assert 'chart "podinfo" 6.14.1' in result["msg"] and "podinfo-6.14.1.tgz" in result["msg"]
        assert not (tmp_path / variant).exists(), variant
    assert "Traceback" not in output and "Stack backtrace" not in output


def _parent(directory, deps):
    os.makedirs(os.path.join(directory, "templates"))
    with open(os.path.join(directory, "Chart.yaml"), "w") as fh:
        yaml.safe_dump({"apiVersion": "v2", "name": "parent", "version": "1.0.0", "dependencies": deps}, fh)
    return directory


def test_helm_dependency_verify(keys, tmp_path):
    signer, stranger = keys
    if REGISTRY_BIN is None:
        pytest.fail("the docker-registry binary (CNCF distribution) is not installed: run scripts/install-system-deps.sh")
    from ansible_collections.helmkit.core.plugins.module_utils.oci.api import push
    signed = str(tmp_path / "common-2.31.10.tgz")
    shutil.copy(COMMON, signed)
    with open(signed + ".prov", "wb") as fh:
        fh.write(signer.provenance(COMMON))
    servers = dict((v, _start(signer, [PODINFO], v)) for v in VARIANTS)
    env = _env(tmp_path, _gnupghome(tmp_path, signer))
    try:
        with RegistryServer() as reg:
            push(signed, "oci://%s/signed" % reg.host, plain_http=True)
            push(COMMON, "oci://%s/unsigned" % reg.host, plain_http=True)
            good = _parent(str(tmp_path / "good"), [
                {"name": "podinfo", "version": "6.14.1", "repository": servers["good"].url},
                {"name": "common", "version": "^2.0.0", "repository": "oci://%s/signed" % reg.host}])
            bad = {}
            for variant in ("text", "archive", "missing"):
                bad[variant] = _parent(str(tmp_path / variant), [
                    {"name": "podinfo", "version": "6.14.1", "repository": servers[variant].url}])
            bad["oci"] = _parent(str(tmp_path / "oci"), [
                {"name": "common", "version": "^2.0.0", "repository": "oci://%s/unsigned" % reg.host}])
            # first: the bad parents built without verify, so there is a lock and charts/ to keep
            results, _out = run_play(tmp_path, [
                {"helmkit.core.helm_dependency": {"chart_path": path, "state": "update", "plain_http": True}}
                for path in bad.values()], env)
            assert all(r["changed"] for r in results), results
            for path in bad.values():  # a newer constraint: an update would now rewrite the lock
                with open(os.path.join(path, "Chart.yaml")) as fh:
                    meta = yaml.safe_load(fh)
                meta["dependencies"][0]["version"] = ">=" + meta["dependencies"][0]["version"].lstrip("^")
                with open(os.path.join(path, "Chart.yaml"), "w") as fh:
                    yaml.safe_dump(meta, fh)
            before = dict((v, _listing(p)) for v, p in bad.items())
            verify = {"verify": True, "plain_http": True}
            tasks = [
                {"helmkit.core.helm_dependency": dict(verify, chart_path=good, state="update"),
                 "check_mode": True},
                {"helmkit.core.helm_dependency": dict(verify, chart_path=good, state="update")},
                {"helmkit.core.helm_dependency": dict(verify, chart_path=good)},
                {"helmkit.core.helm_dependency": dict(verify, chart_path=good, keyring=stranger.public_keyring)},
            ]
            tasks += [{"helmkit.core.helm_dependency": dict(verify, chart_path=path, state="update")}
                      for path in bad.values()]
            results, output = run_play(tmp_path, tasks, env)
    finally:
        for server in servers.values():
            server.stop()
    checked, updated, built, unknown = results[:4]
    assert checked["changed"] is True and checked["lock_written"] is True and len(checked["verified"]) == 2, checked
    assert updated["changed"] is True and sorted(updated["added"]) == ["common-2.31.10.tgz", "podinfo-6.14.1.tgz"]
    verified = dict((v["name"], v) for v in updated["verified"])
    assert sorted(verified) == ["common", "podinfo"]
    for name, archive in (("podinfo", PODINFO), ("common", COMMON)):
        assert verified[name]["signed_by"] == [SIGNER] and verified[name]["file_hash"] == "sha256:" + _sha(archive)
        assert verified[name]["fingerprint"] == signer.fingerprint.upper()
    assert verified["common"]["file_name"] == "common-2.31.10.tgz"
    assert built["changed"] is False and len(built["verified"]) == 2  # archives in charts/ are verified too
    assert unknown["failed"] and "not in the keyring" in unknown["msg"] and 'dependency "' in unknown["msg"]
    after = dict((v, _listing(p)) for v, p in bad.items())
    for variant, result in zip(bad, results[4:]):
        assert result["failed"], (variant, result)
        assert after[variant] == before[variant], variant  # charts/ and Chart.lock untouched
        if variant == "oci":
            assert "has no provenance layer" in result["msg"] and 'dependency "common" 2.31.10' in result["msg"]
        else:
            assert EXPECTED[variant] in result["msg"] and 'dependency "podinfo" 6.14.1' in result["msg"], result
    assert "Traceback" not in output and "Stack backtrace" not in output


def test_helm_release_verify(keys, kubeconfig, tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    signer, stranger = keys
    local = str(tmp_path / "podinfo-6.14.1.tgz")
    shutil.copy(PODINFO, local)
    with open(local + ".prov", "wb") as fh:
        fh.write(signer.provenance(PODINFO))
    unpacked = tmp_path / "unpacked"
    shutil.unpack_archive(PODINFO, str(unpacked))

    def release(name, chart, **extra):
        args = {"release_name": name, "release_namespace": "provenance", "chart_ref": chart,
                "kubeconfig": kubeconfig, "create_namespace": True, "verify": True,
                "keyring": signer.public_keyring}
        args.update(extra)
        return {"helmkit.core.helm_release": args}

    server = _start(signer, [PODINFO], "good")
    try:
        results, output = run_play(tmp_path, [
            release("signed", "podinfo", chart_repo_url=server.url),
            release("unsigned", "podinfo", chart_repo_url=server.url, keyring=stranger.public_keyring),
            dict(release("local", local), check_mode=True),
            release("directory", str(unpacked / "podinfo")),
        ], _env(tmp_path, str(tmp_path)))
    finally:
        server.stop()
    installed, unknown, checked, directory = results
    assert installed["changed"] is True, installed.get("msg")
    assert installed["provenance"]["signed_by"] == [SIGNER]
    assert installed["provenance"]["file_hash"] == "sha256:" + _sha(PODINFO)
    assert unknown["failed"] and "not in the keyring" in unknown["msg"] and 'chart "podinfo" 6.14.1' in unknown["msg"]
    assert checked["changed"] is True and checked["provenance"]["file_name"] == "podinfo-6.14.1.tgz", checked
    assert directory["failed"] and "cannot verify a directory" in directory["msg"]
    with KubeClient(kubeconfig) as client:
        secrets = client.request("GET", "/api/v1/namespaces/provenance/secrets",
                                 query=[("labelSelector", "owner=helm")])["items"]
    assert sorted(s["metadata"]["labels"]["name"] for s in secrets) == ["signed"]  # nothing stored for failures
    assert "Traceback" not in output
