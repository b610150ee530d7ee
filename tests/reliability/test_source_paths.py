"""Issue 20 findings 1-4 against real servers on 127.0.0.1: what a registry, repository or archive sends never
chooses where helm_pull and helm_dependency write, and untar/force replace only the chart's own directory.

The registry is Debian's docker-registry (tests/helpers/registry.py) holding artifacts written for these tests (a
config blob whose ``name`` is a path); the repository is tests/helpers/chartrepo.py serving hostile archives and
index entries. Also the safe-join helper itself (plugins/module_utils/safepath.py).
"""
import hashlib
import io
import json
import os
import tarfile

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import (  # noqa: E402
    ChartError, HelmkitError, RepositoryError)
from ansible_collections.helmkit.core.plugins.module_utils.oci.client import OCI_MANIFEST  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.api import open_client  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.oci.push import (  # noqa: E402
    CHART_LAYER_MEDIA_TYPE, CONFIG_MEDIA_TYPE)
from ansible_collections.helmkit.core.plugins.module_utils.safepath import join_inside, secure_join  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.source.pull import pull_chart  # noqa: E402
from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.registry import REGISTRY_BIN, RegistryServer  # noqa: E402

from tests.helpers.reliabilitycharts import clear_error  # noqa: E402

pytestmark = pytest.mark.bad_input

CHART_YAML = b"apiVersion: v2\nname: %s\nversion: 1.0.0\n"
TEMPLATE = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"


def _tgz(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, content in entries:
            info = tarfile.TarInfo(path)
            info.size = len(content)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def _chart(top="rt", name=b"rt"):
    prefix = top + "/" if top else ""
    return _tgz([(prefix + "Chart.yaml", CHART_YAML % name), (prefix + "templates/cm.yaml", TEMPLATE)])


def _snapshot(root):
    """{relative path: sha256} of every file below ``root``."""
    out = {}
    for base, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HELM_CONFIG_HOME", str(tmp_path / "helmconfig"))
    monkeypatch.setenv("HELM_CACHE_HOME", str(tmp_path / "helmcache"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.delenv("HELM_REGISTRY_CONFIG", raising=False)
    monkeypatch.delenv("HELM_REPOSITORY_CONFIG", raising=False)
    monkeypatch.delenv("HELM_REPOSITORY_CACHE", raising=False)
    return tmp_path


@pytest.fixture(scope="module")
def hostile_registry():
    """A registry holding ``hostile/rt:1.0.0``: a real chart ``rt`` whose config blob says ``name: ../../escaped``
    (and ``hostile/abs:1.0.0`` whose config says ``/tmp/...``)."""
    if REGISTRY_BIN is None:
        pytest.fail("docker-registry is not installed (apt-get install docker-registry); these cases need it")
    with RegistryServer() as reg:
        with open_client(reg.host, plain_http=True) as client:
            for repository, config_name in (("hostile/rt", "../../escaped"),
                                            ("hostile/abs", "/tmp/helmkit-escaped-abs")):
                chart = _chart()
                config = json.dumps({"name": config_name, "version": "1.0.0", "apiVersion": "v2"}).encode()
                client.push_blob(repository, config)
                client.push_blob(repository, chart)
                manifest = {"schemaVersion": 2, "config": _descriptor(CONFIG_MEDIA_TYPE, config),
                            "layers": [_descriptor(CHART_LAYER_MEDIA_TYPE, chart)]}
                client.put_manifest(repository, "1.0.0", json.dumps(manifest).encode(), OCI_MANIFEST)
        yield reg


def _descriptor(media_type, data):
    return {"mediaType": media_type, "digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}


# -- finding 1: the registry does not choose the file helm_pull writes -------------------------------------------

@pytest.mark.parametrize("repository", ["hostile/rt", "hostile/abs"])
def test_pulled_file_is_named_after_the_reference_not_the_config_blob(hostile_registry, isolated, repository):
    dest = isolated / "work" / "dest"
    dest.mkdir(parents=True)
    result = pull_chart("oci://%s/%s" % (hostile_registry.host, repository), str(dest), version="1.0.0",
                        plain_http=True)
    expected = os.path.join(str(dest), repository.split("/")[-1] + "-1.0.0.tgz")
    assert result["path"] == expected and os.path.isfile(expected)
    assert sorted(os.listdir(str(dest))) == [os.path.basename(expected)]
    assert not os.path.exists(str(isolated / "escaped-1.0.0.tgz"))
    assert not os.path.exists(str(isolated / "work" / "escaped-1.0.0.tgz"))
    assert not os.path.exists("/tmp/helmkit-escaped-abs-1.0.0.tgz")


# -- finding 2: dependency archives stay in <chart>/charts/ ------------------------------------------------------

def test_oci_dependency_with_hostile_config_blob_stays_in_charts(hostile_registry, isolated):
    parent = isolated / "work" / "parent"
    (parent / "templates").mkdir(parents=True)
    (parent / "Chart.yaml").write_text(
        "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n- name: rt\n  version: 1.0.0\n"
        "  repository: oci://%s/hostile\n" % hostile_registry.host)
    result = manager.update_dependencies(str(parent), manager.SourceOptions(plain_http=True))
    assert result.changed
    assert sorted(os.listdir(str(parent / "charts"))) == ["rt-1.0.0.tgz"]
    assert not (isolated / "escaped-1.0.0.tgz").exists() and not (isolated / "work" / "escaped-1.0.0.tgz").exists()


def test_repository_index_url_with_dot_dot_base_name_is_refused(isolated):
    chart = _chart()
    index = (b"apiVersion: v1\nentries:\n  rt:\n  - name: rt\n    version: 1.0.0\n    apiVersion: v2\n"
             b"    urls:\n    - sub/..\n")
    with ChartRepoServer(index=index) as repo:
        with open(os.path.join(repo.directory, "rt-1.0.0.tgz"), "wb") as fh:
            fh.write(chart)
        parent = isolated / "parent"
        (parent / "templates").mkdir(parents=True)
        (parent / "Chart.yaml").write_text("apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n"
                                           "- name: rt\n  version: 1.0.0\n  repository: %s\n" % repo.url)
        before = _snapshot(str(isolated))
        message, _took = clear_error(manager.update_dependencies, str(parent), manager.SourceOptions(),
                                     expected=HelmkitError)
    assert "outside" in message or "not a safe" in message or "not a plain" in message, message
    after = _snapshot(str(isolated))
    assert set(after) - set(before) <= set(k for k in after if k.startswith("home") or k.startswith("helmcache"))


def test_dependency_name_that_is_a_path_is_refused(isolated):
    parent = isolated / "parent"
    (parent / "templates").mkdir(parents=True)
    with ChartRepoServer(index=b"apiVersion: v1\nentries: {}\n") as repo:
        (parent / "Chart.yaml").write_text("apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n"
                                           "- name: ../../../escaped\n  version: 1.0.0\n  repository: oci://%s/x\n"
                                           % repo.url.split("://")[1])
        clear_error(manager.update_dependencies, str(parent), manager.SourceOptions(plain_http=True),
                    expected=HelmkitError)
    assert not (isolated / "escaped-1.0.0.tgz").exists()
    assert not (parent / "charts").exists() or not os.listdir(str(parent / "charts"))


# -- findings 3 and 4: untar writes <destination>/<Chart.yaml name>; force replaces only that ---------------------

def _serve(archive_name, data):
    repo = ChartRepoServer(index=b"apiVersion: v1\nentries: {}\n").start()
    with open(os.path.join(repo.directory, archive_name), "wb") as fh:
        fh.write(data)
    return repo


def test_untar_force_of_a_dot_rooted_archive_keeps_the_destination(isolated):
    """``tar -czf x.tgz -C mychart .``: entries ``./Chart.yaml``; the destination's other files survive."""
    data = _tgz([("./Chart.yaml", CHART_YAML % b"rt"), ("./templates/cm.yaml", TEMPLATE)])
    dest = isolated / "dest"
    (dest / "keep").mkdir(parents=True)
    (dest / "keep" / "precious.txt").write_text("user data")
    (dest / "notes.txt").write_text("more user data")
    repo = _serve("rt-1.0.0.tgz", data)
    try:
        result = pull_chart(repo.url + "/rt-1.0.0.tgz", str(dest), untar=True, force=True)
    finally:
        repo.stop()
    assert result["path"] == str(dest / "rt") and result["changed"]
    assert (dest / "rt" / "Chart.yaml").read_bytes() == CHART_YAML % b"rt"
    assert (dest / "keep" / "precious.txt").read_text() == "user data"
    assert (dest / "notes.txt").read_text() == "more user data"
    assert sorted(os.listdir(str(dest))) == ["keep", "notes.txt", "rt"]


def test_untar_uses_the_chart_yaml_name_not_the_archive_directory(isolated):
    """A chart ``rt`` packed under ``other-chart/`` is unpacked to ``dest/rt``; ``dest/other-chart`` is the user's."""
    dest = isolated / "dest"
    (dest / "other-chart").mkdir(parents=True)
    (dest / "other-chart" / "mine.txt").write_text("unrelated")
    (dest / "rt").mkdir()
    (dest / "rt" / "old.txt").write_text("replaced with force")
    repo = _serve("rt-1.0.0.tgz", _chart(top="other-chart"))
    try:
        url = repo.url + "/rt-1.0.0.tgz"
        message, _took = clear_error(pull_chart, url, str(dest), untar=True, expected=RepositoryError)
        assert "force" in message and (dest / "rt" / "old.txt").exists()
        result = pull_chart(url, str(dest), untar=True, force=True)
    finally:
        repo.stop()
    assert result["path"] == str(dest / "rt")
    assert sorted(os.listdir(str(dest / "rt"))) == ["Chart.yaml", "templates"]
    assert (dest / "other-chart" / "mine.txt").read_text() == "unrelated"
    assert [n for n in os.listdir(str(dest)) if n.startswith(".helmkit-untar-")] == []


@pytest.mark.parametrize("name", [b"..", b"../outside", b"/tmp/helmkit-abs", b"a/b", b"."])
def test_untar_refuses_a_chart_name_that_is_a_path(isolated, name):
    dest = isolated / "dest"
    (dest / "keep").mkdir(parents=True)
    repo = _serve("rt-1.0.0.tgz", _chart(top="rt", name=name))
    before = _snapshot(str(isolated))
    try:
        clear_error(pull_chart, repo.url + "/rt-1.0.0.tgz", str(dest), untar=True, force=True,
                    expected=HelmkitError)
    finally:
        repo.stop()
    after = _snapshot(str(isolated))
    assert {k: v for k, v in after.items() if not k.startswith(("home", "helmcache"))} == \
        {k: v for k, v in before.items() if not k.startswith(("home", "helmcache"))}
    assert os.path.isdir(str(dest / "keep")) and not os.path.exists("/tmp/helmkit-abs")


def test_untar_force_keeps_the_old_directory_when_the_new_archive_is_broken(isolated):
    """``force`` replaces only after the new content is fully extracted: a truncated archive changes nothing."""
    dest = isolated / "dest"
    (dest / "rt").mkdir(parents=True)
    (dest / "rt" / "old.txt").write_text("still here")
    good = _chart()
    repo = _serve("rt-1.0.0.tgz", good[:len(good) // 2])
    try:
        clear_error(pull_chart, repo.url + "/rt-1.0.0.tgz", str(dest), untar=True, force=True,
                    expected=HelmkitError)
    finally:
        repo.stop()
    assert (dest / "rt" / "old.txt").read_text() == "still here"
    assert sorted(os.listdir(str(dest))) == ["rt"]


# -- the safe-join helper ---------------------------------------------------------------------------------------

def test_secure_join_has_securejoin_semantics(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    os.symlink("/etc", str(root / "a" / "abs-link"))
    os.symlink("../../..", str(root / "a" / "up-link"))
    os.symlink("loop", str(root / "loop"))
    assert secure_join(str(root), "../../etc/passwd") == str(root / "etc" / "passwd")
    assert secure_join(str(root), "/etc/passwd") == str(root / "etc" / "passwd")
    assert secure_join(str(root), "a/abs-link/passwd") == str(root / "etc" / "passwd")
    assert secure_join(str(root), "a/up-link/x") == str(root / "x")
    with pytest.raises(HelmkitError):
        secure_join(str(root), "loop/x")


@pytest.mark.parametrize("name", ["", ".", "/abs", "../x", "a/../../x", "a/abs-link/x", "C:x", "a\\..\\..\\x"])
def test_join_inside_refuses_names_that_leave_the_root(tmp_path, name):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    os.symlink("/etc", str(root / "a" / "abs-link"))
    clear_error(join_inside, str(root), name, "test name", ChartError, expected=ChartError)


def test_join_inside_accepts_plain_relative_names(tmp_path):
    assert join_inside(str(tmp_path), "charts/x-1.0.0.tgz") == str(tmp_path / "charts" / "x-1.0.0.tgz")
