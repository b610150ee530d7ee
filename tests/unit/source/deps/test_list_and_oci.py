"""helm dependency list statuses compared with Helm v4 (helm_python.dependency_list), and oci:// dependencies
from a real registry (Debian's docker-registry) compared with Helm's update of the same chart."""
from __future__ import annotations

import os
import shutil
import tarfile

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.source.deps import manager
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
from tests.helpers.corpus import CHARTS_DIR
from tests.helpers.depcharts import helm_copy, read_lock, write_chart


def _statuses(rows):
    return [(r["name"], r["version"], r["repository"], r["status"]) for r in rows]


def test_list_statuses_match_helm(tmp_path, repo_charts):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "2.31.10", "repository": "https://charts.example.com"},
        {"name": "podinfo", "version": "^6.10.0", "repository": "https://charts.example.com"},
        {"name": "memcached", "version": "8.0.0", "repository": "https://charts.example.com"},
        {"name": "redis", "version": "*", "repository": "https://charts.example.com"},
        {"name": "sub", "version": "^1.0.0", "repository": ""},
        {"name": "other", "version": "~2.0", "repository": ""},
        {"name": "liar", "version": "*", "repository": "https://charts.example.com"},
    ])
    charts = os.path.join(parent, "charts")
    os.makedirs(charts)
    shutil.copy(os.path.join(CHARTS_DIR, "common-2.31.10.tgz"), charts)                       # ok
    shutil.copy(next(p for p in repo_charts if p.endswith("podinfo-6.9.0.tgz")), charts)  # wrong version
    write_chart(os.path.join(charts, "sub"), "sub", version="1.2.0")                       # unpacked
    write_chart(os.path.join(charts, "other"), "other", version="3.0.0")                   # unpacked, wrong version
    shutil.copy(os.path.join(CHARTS_DIR, "memcached-8.0.0.tgz"), os.path.join(charts, "liar-1.0.0.tgz"))  # misnamed
    ours = manager.list_dependencies(parent)
    assert _statuses(ours) == _statuses(helm_python.dependency_list(parent))
    # memcached is "unpacked": liar-1.0.0.tgz holds the memcached chart, so the loaded parent has it.
    assert [r["status"] for r in ours] == ["ok", "wrong version", "unpacked", "missing", "unpacked",
                                           "wrong version", "misnamed"]


def test_list_too_many_matches_and_unloadable_archives_match_helm(tmp_path):
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "common", "version": "*", "repository": "https://charts.example.com"}])
    charts = os.path.join(parent, "charts")
    os.makedirs(charts)
    for version in ("2.31.10", "2.31.9"):
        shutil.copy(os.path.join(CHARTS_DIR, "common-2.31.10.tgz"), os.path.join(charts, "common-%s.tgz" % version))
    ours = manager.list_dependencies(parent)
    assert [r["status"] for r in ours] == ["too many matches"]
    assert _statuses(ours) == _statuses(helm_python.dependency_list(parent))
    with open(os.path.join(charts, "broken-1.0.0.tgz"), "wb") as fh:
        fh.write(b"not a gzip file")
    with pytest.raises(helm_python.HelmChartLoadError, match="broken-1.0.0.tgz"):
        helm_python.dependency_list(parent)
    with pytest.raises(HelmkitError, match="broken-1.0.0.tgz"):
        manager.list_dependencies(parent)


@pytest.fixture(scope="module")
def registry():
    from tests.helpers.registry import REGISTRY_BIN, RegistryServer
    if REGISTRY_BIN is None:
        pytest.fail("docker-registry is required for the OCI dependency tests (apt-get install docker-registry)")
    with RegistryServer() as reg:
        from ansible_collections.helmkit.core.plugins.module_utils.oci.api import push
        push(os.path.join(CHARTS_DIR, "memcached-8.0.0.tgz"), "oci://%s/charts" % reg.host, plain_http=True)
        push(os.path.join(CHARTS_DIR, "podinfo-6.14.1.tgz"), "oci://%s/charts" % reg.host, plain_http=True)
        yield reg


def test_oci_dependencies_resolve_download_and_lock_like_helm(tmp_path, registry, chart_repo):
    oci = "oci://%s/charts" % registry.host
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "memcached", "version": "^8.0.0", "repository": oci},
        {"name": "podinfo", "version": "6.14.1", "repository": oci, "alias": "web"},
        {"name": "common", "version": "2.31.10", "repository": chart_repo.url}])
    result = manager.update_dependencies(parent, manager.SourceOptions(plain_http=True))
    assert sorted(result.added) == ["common-2.31.10.tgz", "memcached-8.0.0.tgz", "podinfo-6.14.1.tgz"]
    ours = read_lock(os.path.join(parent, "Chart.lock"))
    copy = helm_copy(parent)
    os.remove(os.path.join(copy, "Chart.lock"))
    helm_python.dependency_update(copy, plain_http=True)
    theirs = read_lock(os.path.join(copy, "Chart.lock"))
    assert ours["dependencies"] == theirs["dependencies"] and ours["digest"] == theirs["digest"]
    assert sorted(os.listdir(os.path.join(copy, "charts"))) == sorted(os.listdir(os.path.join(parent, "charts")))
    with tarfile.open(os.path.join(parent, "charts", "memcached-8.0.0.tgz")) as tar:
        assert "memcached/Chart.yaml" in tar.getnames()
    shutil.rmtree(os.path.join(parent, "charts"))
    assert manager.build_dependencies(parent, manager.SourceOptions(plain_http=True)).changed
    assert sorted(os.listdir(os.path.join(parent, "charts"))) == sorted(os.listdir(os.path.join(copy, "charts")))


def test_oci_missing_version_names_the_registry_and_changes_nothing(tmp_path, registry):
    oci = "oci://%s/charts" % registry.host
    parent = write_chart(tmp_path / "parent", "parent", [
        {"name": "memcached", "version": "9.9.9", "repository": oci}])
    with pytest.raises(Exception) as info:
        manager.update_dependencies(parent, manager.SourceOptions(plain_http=True))
    assert 'dependency "memcached"' in str(info.value) and registry.host in str(info.value)
    assert "8.0.0" in str(info.value)
    assert not os.path.exists(os.path.join(parent, "charts"))
