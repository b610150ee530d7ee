"""Version resolution against a repository index: the version helmkit picks (repo/index.py resolve, helm_pull) is
the one real Helm v4 downloads (helm_python.pull with version=), on one index holding many versions."""
from __future__ import annotations

import os
import shutil

import helm_python
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo import index as ix
from ansible_collections.helmkit.core.plugins.module_utils.source.pull import pull_chart

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO

VERSIONS = ["0.9.0", "1.0.0", "1.0.1", "1.1.0-beta.1", "1.1.0", "1.2.3", "1.10.0", "v2.0.0", "2.0.0-rc.1",
            "2.1.0+build.7", "3.0.0-alpha"]
CONSTRAINTS = [None, "1.0.1", "^1", "~1.0", "1.x", ">=1.1 <2", "1.0.0 - 1.2", "^1.1.0-0", "<1", ">2.0.0-0",
               "=v2.0.0", "2.0.0", "~2.1", "^1 || ^2", "!=1.10.0, >=1.2", "*", ">= 1.0.0-0 < 1.1.0", "^9", ">=1 <<2"]


def _file(version):
    return "podinfo-%s.tgz" % version.replace("+", "_")


@pytest.fixture(scope="module")
def server():
    lines = ["apiVersion: v1", "entries:", "  podinfo:"]
    for version in VERSIONS:
        lines += ["  - apiVersion: v2", "    name: podinfo", "    version: %s" % version,
                  "    urls:", "    - %s" % _file(version)]
    with ChartRepoServer(index=("\n".join(lines) + "\n").encode()) as repo:
        for version in VERSIONS:
            shutil.copy(PODINFO, os.path.join(repo.directory, _file(version)))
        yield repo


def _helm_pick(server, constraint, tmp_path):
    before = len(server.requests)
    dest = tmp_path / "helm"
    dest.mkdir(exist_ok=True)
    try:
        helm_python.pull("podinfo", repo_url=server.url, version=constraint, destination=str(dest))
    except helm_python.HelmError:
        return None
    (path,) = [p for p, _auth in server.requests[before:] if p.endswith(".tgz")]
    return path.lstrip("/")


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_same_version_as_helm(server, constraint, helm_home, tmp_path):
    expected = _helm_pick(server, constraint, tmp_path)
    try:
        ours = pull_chart("podinfo", str(tmp_path / "ours"), repo_url=server.url, version=constraint)
    except RepositoryError as exc:
        assert expected is None, "helm picked %s, we failed: %s" % (expected, exc)
        return
    assert expected == os.path.basename(ours["url"]), constraint
    index = ix.parse_index(open(os.path.join(server.directory, "index.yaml"), "rb").read())
    assert _file(ix.resolve(index, "podinfo", constraint).version) == expected
