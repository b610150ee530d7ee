"""helm_repo_index: index.yaml identical to helm_python.repo_index_generate apart from generated/created, merge as
Helm merges (kept versions keep their created), non-chart archives refused by name, idempotence, check mode."""
from __future__ import annotations

import os
import re
import shutil

import pytest

helm_python = pytest.importorskip("helm_python")

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.libraries import yaml  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.repo.indexgen import generate_index  # noqa: E402
from tests.helpers.corpus import CHARTS_DIR as CHARTS  # noqa: E402
from tests.helpers.playbook import run_play  # noqa: E402

TIME = re.compile(r'(created|generated): "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"')


def _repo(root, layout):
    """``layout``: {relative path: corpus archive name}."""
    os.makedirs(root, exist_ok=True)
    for rel, name in layout.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        shutil.copy(os.path.join(CHARTS, name), os.path.join(root, rel))
    return root


LAYOUT = {"podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz", "common-2.31.10.tgz": "common-2.31.10.tgz",
          "sub/kube-state-metrics-8.4.0.tgz": "kube-state-metrics-8.4.0.tgz"}


def _masked(path):
    with open(path) as fh:
        text = fh.read()
    assert len(TIME.findall(text)) == text.count("created:") + 1
    return TIME.sub(r"\1: T", text)


@pytest.mark.parametrize("url", ["", "https://charts.example.com/x", "https://charts.example.com/x/"])
def test_index_is_helms(tmp_path, url):
    theirs = _repo(str(tmp_path / "helm"), LAYOUT)
    ours = _repo(str(tmp_path / "ours"), LAYOUT)
    helm_python.repo_index_generate(theirs, base_url=url or None)
    result = generate_index(ours, url)
    assert result["changed"] and result["charts"]["kube-state-metrics"] == ["8.4.0"]
    assert _masked(os.path.join(ours, "index.yaml")) == _masked(os.path.join(theirs, "index.yaml"))
    assert generate_index(ours, url)["changed"] is False


def test_merge_keeps_old_versions_with_their_created(tmp_path):
    old = _repo(str(tmp_path / "old"), {"grafana-12.11.1.tgz": "grafana-12.11.1.tgz",
                                        "podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz"})
    helm_python.repo_index_generate(old, base_url="https://c.example.com")
    merge = os.path.join(old, "index.yaml")
    theirs = _repo(str(tmp_path / "helm"), {"podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz"})
    ours = _repo(str(tmp_path / "ours"), {"podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz"})
    helm_python.repo_index_generate(theirs, base_url="https://c.example.com", merge=merge)
    generate_index(ours, "https://c.example.com", merge)
    assert _masked(os.path.join(ours, "index.yaml")) == _masked(os.path.join(theirs, "index.yaml"))
    with open(merge) as fh:
        before = yaml.safe_load(fh)
    with open(os.path.join(ours, "index.yaml")) as fh:
        after = yaml.safe_load(fh)
    assert after["entries"]["grafana"][0]["created"] == before["entries"]["grafana"][0]["created"]


def test_non_chart_archive_is_refused_by_name_and_nothing_written(tmp_path):
    repo = _repo(str(tmp_path / "r"), {"podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz"})
    with open(os.path.join(repo, "notes.tgz"), "wb") as fh:
        fh.write(b"this is not gzip")
    with pytest.raises(RepositoryError, match="notes.tgz is not a chart archive"):
        generate_index(repo, "")
    assert not os.path.exists(os.path.join(repo, "index.yaml"))


def test_unwritable_directory_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        target = "/proc/self"  # root may write anywhere else
    else:
        target = _repo(str(tmp_path / "ro"), {"podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz"})
        os.chmod(target, 0o555)
    try:
        with pytest.raises(RepositoryError, match="cannot write .*index.yaml"):
            generate_index(target, "")
    finally:
        if target != "/proc/self":
            os.chmod(target, 0o755)


def test_failed_write_leaves_nothing_half_written(tmp_path):
    """Works as root too: index.yaml's place is taken by a directory, so the rename fails after the temporary file
    was written; the error names the file and the temporary file is gone."""
    repo = _repo(str(tmp_path / "blocked"), {"podinfo-6.14.1.tgz": "podinfo-6.14.1.tgz"})
    os.mkdir(os.path.join(repo, "index.yaml"))
    before = sorted(os.listdir(repo))
    with pytest.raises(RepositoryError, match="cannot write .*index.yaml"):
        generate_index(repo, "")
    assert sorted(os.listdir(repo)) == before and os.listdir(os.path.join(repo, "index.yaml")) == []


def test_module_check_mode_then_write_then_unchanged(tmp_path):
    repo = _repo(str(tmp_path / "r"), LAYOUT)
    args = {"path": repo, "url": "https://charts.example.com"}
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_repo_index": args, "check_mode": True},
        {"helmkit.core.helm_repo_index": args},
        {"helmkit.core.helm_repo_index": args},
        {"helmkit.core.helm_repo_index": {"path": str(tmp_path / "missing")}},
    ])
    check, first, second, missing = results
    assert check["changed"] and first["changed"] and not second["changed"], output
    assert first["charts"] == {"common": ["2.31.10"], "kube-state-metrics": ["8.4.0"], "podinfo": ["6.14.1"]}
    assert missing["failed"] and "is not a directory" in missing["msg"] and "Traceback" not in output
