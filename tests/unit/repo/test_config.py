"""repositories.yaml, Helm's default locations and atomic, locked writes (plugins/module_utils/repo/config.py)."""
from __future__ import annotations

import os
import stat
import threading

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.errors import RepositoryError
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import (
    RepositoryEntry, RepositoryFile, atomic_write, charts_list_path, helm_paths, index_cache_path,
    load_repository_file, locked, save_repository_file,
)


def test_default_paths_follow_helm_precedence(tmp_path):
    env = {"HOME": "/home/u"}
    p = helm_paths(env=env)
    assert p.repository_config == "/home/u/.config/helm/repositories.yaml"
    assert p.repository_cache == "/home/u/.cache/helm/repository"
    env.update(XDG_CONFIG_HOME="/x/conf", XDG_CACHE_HOME="/x/cache")
    p = helm_paths(env=env)
    assert (p.repository_config, p.repository_cache) == ("/x/conf/helm/repositories.yaml",
                                                         "/x/cache/helm/repository")
    env.update(HELM_CONFIG_HOME="/h/conf", HELM_CACHE_HOME="/h/cache")
    p = helm_paths(env=env)
    assert (p.repository_config, p.repository_cache) == ("/h/conf/repositories.yaml", "/h/cache/repository")
    env.update(HELM_REPOSITORY_CONFIG="/r/repos.yaml", HELM_REPOSITORY_CACHE="/r/cache")
    p = helm_paths(env=env)
    assert (p.repository_config, p.repository_cache) == ("/r/repos.yaml", "/r/cache")
    p = helm_paths("/arg/repos.yaml", "/arg/cache", env=env)
    assert (p.repository_config, p.repository_cache) == ("/arg/repos.yaml", "/arg/cache")


def test_cache_layout():
    assert index_cache_path("/c", "bitnami") == "/c/bitnami-index.yaml"
    assert charts_list_path("/c", "bitnami") == "/c/bitnami-charts.txt"


def test_round_trip_writes_helm_keys_with_mode_0600(tmp_path):
    path = str(tmp_path / "sub" / "repositories.yaml")
    rf = RepositoryFile()
    rf.update(RepositoryEntry("a", "https://a.example/charts", username="u", password="s3cret",
                              ca_file="/ca.pem", pass_credentials_all=True))
    rf.update(RepositoryEntry("b", "https://b.example"))
    save_repository_file(path, rf)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    raw = yaml.safe_load(open(path).read())
    assert raw["apiVersion"] == "v1"
    assert set(raw["repositories"][0]) == {"name", "url", "username", "password", "certFile", "keyFile", "caFile",
                                           "insecure_skip_tls_verify", "pass_credentials_all"}
    back = load_repository_file(path)
    assert back.get("a") == rf.get("a") and back.get("b").url == "https://b.example"
    assert "s3cret" not in repr(back.get("a")) and "password" not in back.get("a").public_dict()
    rf.update(RepositoryEntry("a", "https://moved.example"))
    assert [e.url for e in rf.repositories] == ["https://moved.example", "https://b.example"]
    assert rf.remove("b") and not rf.remove("b")


def test_reads_a_file_written_by_helm(tmp_path):
    path = tmp_path / "repositories.yaml"
    path.write_text('apiVersion: ""\ngenerated: "0001-01-01T00:00:00Z"\nrepositories:\n'
                    "- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: false\n  keyFile: \"\"\n"
                    "  name: stable\n  pass_credentials_all: false\n  password: \"\"\n"
                    "  url: https://charts.helm.sh/stable\n  username: \"\"\n")
    rf = load_repository_file(str(path))
    assert rf.get("stable").url == "https://charts.helm.sh/stable"
    assert load_repository_file(str(tmp_path / "missing.yaml")).repositories == []


@pytest.mark.parametrize("text,needle", [
    ("repositories: [\n", "line"), ("- a\n", "must be a mapping"), ("repositories: {a: 1}\n", "must be a list"),
    ("repositories:\n- url: https://x\n", "no 'name'"),
])
def test_malformed_config_names_the_file(tmp_path, text, needle):
    path = tmp_path / "repositories.yaml"
    path.write_text(text)
    with pytest.raises(RepositoryError) as info:
        load_repository_file(str(path))
    assert str(path) in str(info.value) and needle in str(info.value)


def test_atomic_write_replaces_whole_file(tmp_path):
    path = str(tmp_path / "f")
    atomic_write(path, b"one")
    atomic_write(path, b"two", mode=0o600)
    assert open(path, "rb").read() == b"two"
    assert os.listdir(str(tmp_path)) == ["f"]  # no temporary files left behind


def test_lock_serialises_writers(tmp_path):
    path = str(tmp_path / "repositories.yaml")
    order = []

    def worker():
        with locked(path):
            order.append("worker")

    with locked(path):
        t = threading.Thread(target=worker)
        t.start()
        t.join(0.3)  # the worker cannot get the lock while we hold it
        order.append("main")
    t.join(5)
    assert order == ["main", "worker"]
    assert os.path.exists(str(tmp_path / "repositories.lock"))


def test_concurrent_read_modify_write_loses_nothing(tmp_path):
    """Writers that each add entries under the lock never lose another writer's entries."""
    path = str(tmp_path / "repositories.yaml")

    def add_many(prefix):
        for i in range(15):
            with locked(path):
                rf = load_repository_file(path)
                rf.update(RepositoryEntry("%s%d" % (prefix, i), "https://%s.example/%d" % (prefix, i)))
                save_repository_file(path, rf)

    threads = [threading.Thread(target=add_many, args=(p,)) for p in "abcd"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    names = sorted(e.name for e in load_repository_file(path).repositories)
    assert names == sorted("%s%d" % (p, i) for p in "abcd" for i in range(15))
