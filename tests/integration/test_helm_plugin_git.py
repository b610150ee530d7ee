"""Plugins from git repositories (issue 19 item 4), as Helm v4's VCS installer installs them: a repository made by
the test with dulwich and served over smart HTTP on 127.0.0.1 (dulwich.web), tags resolved as exact references or
semver constraints (highest matching tag), a branch, a commit, the default branch; state latest fetching again and
replacing; clear errors that leave the plugin directory as it was; the module through ansible-playbook."""
from __future__ import annotations

import os
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

dulwich = pytest.importorskip("dulwich")
from dulwich import porcelain  # noqa: E402
from dulwich.repo import Repo  # noqa: E402
from dulwich.server import DictBackend  # noqa: E402
from dulwich.web import make_wsgi_chain  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.install import install  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.manifest import (  # noqa: E402
    PluginError, find_plugin)
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.vcs import (  # noqa: E402
    install_name, is_vcs_source, resolve_version)
from tests.helpers.playbook import run_play  # noqa: E402

MANIFEST = """apiVersion: v1
name: gitdemo
type: cli/v1
runtime: subprocess
version: %s
runtimeConfig:
  platformCommand:
    - command: ${HELM_PLUGIN_DIR}/run.sh
"""


def _commit(repo_dir, version, extra=None):
    with open(os.path.join(repo_dir, "plugin.yaml"), "w") as handle:
        handle.write(MANIFEST % version)
    with open(os.path.join(repo_dir, "run.sh"), "w") as handle:
        handle.write("#!/bin/sh\necho gitdemo %s\n" % version)
    paths = ["plugin.yaml", "run.sh"]
    for name, text in (extra or {}).items():
        with open(os.path.join(repo_dir, name), "w") as handle:
            handle.write(text)
        paths.append(name)
    porcelain.add(repo_dir, paths=[os.path.join(repo_dir, p) for p in paths])
    return porcelain.commit(repo_dir, message=("version %s" % version).encode(), author=b"T <t@example.com>",
                            committer=b"T <t@example.com>").decode("ascii")


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def git_server(tmp_path_factory):
    """``helm-gitdemo`` with tags v1.0.0, v1.1.0, v1.2.0-rc.1, 2.0.0 and not-semver, a branch ``feature`` (1.5.0),
    then 2.1.0 at the default branch's tip (untagged); and ``no-plugin`` without plugin.yaml. Served over smart
    HTTP. Yields ``(base url, {label: commit})``."""
    root = tmp_path_factory.mktemp("git")
    work = str(root / "helm-gitdemo")
    os.makedirs(work)
    porcelain.init(work)
    commits = {}
    for version, tag in (("1.0.0", "v1.0.0"), ("1.1.0", "v1.1.0"), ("1.2.0-rc.1", "v1.2.0-rc.1"), ("2.0.0", "2.0.0")):
        commits[tag] = _commit(work, version)
        porcelain.tag_create(work, tag.encode(), annotated=tag == "2.0.0", message=b"release",
                             author=b"T <t@example.com>")
    porcelain.tag_create(work, b"not-semver")
    repo = Repo(work)
    repo.refs[b"refs/heads/feature"] = repo.head()
    repo.close()
    commits["tip"] = _commit(work, "2.1.0")
    # the feature branch gets its own commit
    feature_repo = Repo(work)
    main_head = feature_repo.head()
    feature_repo.close()
    porcelain.checkout(work, "feature")
    commits["feature"] = _commit(work, "1.5.0")
    porcelain.checkout(work, "master")
    check = Repo(work)
    assert check.refs[b"refs/heads/master"] == main_head
    check.close()
    empty = str(root / "no-plugin")
    os.makedirs(empty)
    porcelain.init(empty)
    with open(os.path.join(empty, "README"), "w") as handle:
        handle.write("not a plugin\n")
    porcelain.add(empty, paths=[os.path.join(empty, "README")])
    porcelain.commit(empty, message=b"readme", author=b"T <t@example.com>", committer=b"T <t@example.com>")
    escaping = str(root / "escaping")
    os.makedirs(escaping)
    porcelain.init(escaping)
    os.symlink("/etc", os.path.join(escaping, "data"))
    _commit(escaping, "0.1.0", {})
    with Repo(escaping) as linked:   # staged as a link (mode 120000), not followed
        (linked.get_worktree() if hasattr(linked, "get_worktree") else linked).stage([b"data"])
    porcelain.commit(escaping, message=b"link", author=b"T <t@example.com>", committer=b"T <t@example.com>")
    backend = DictBackend({b"/helm-gitdemo": Repo(work), b"/no-plugin": Repo(empty), b"/escaping": Repo(escaping)})
    server = make_server("127.0.0.1", 0, make_wsgi_chain(backend), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1], commits
    finally:
        server.shutdown()
        server.server_close()


def test_sources_helm_gives_to_its_vcs_installer():
    assert is_vcs_source("https://github.com/databus23/helm-diff")
    assert is_vcs_source("git@github.com:databus23/helm-diff.git")
    assert is_vcs_source("file:///srv/git/plugin")
    assert not is_vcs_source("https://example.com/helm-s3_0.16.0.tar.gz")
    assert not is_vcs_source("./plugins/labeler")
    assert install_name("https://github.com/databus23/helm-diff/") == "helm-diff"
    assert install_name("git@github.com:databus23/helm-diff.git") == "helm-diff.git"


def test_version_resolution_follows_helm():
    refs = {"HEAD": "a" * 40, "refs/heads/master": "a" * 40, "refs/heads/feature": "b" * 40,
            "refs/tags/v1.0.0": "c" * 40, "refs/tags/v1.1.0": "d" * 40, "refs/tags/v1.2.0-rc.1": "e" * 40,
            "refs/tags/2.0.0": "f" * 40, "refs/tags/2.0.0^{}": "1" * 40, "refs/tags/not-semver": "2" * 40}
    assert resolve_version(refs, None, "u") == (None, None)
    assert resolve_version(refs, "v1.0.0", "u") == ("refs/tags/v1.0.0", "c" * 40)   # a reference as is
    assert resolve_version(refs, "feature", "u") == ("refs/heads/feature", "b" * 40)
    assert resolve_version(refs, "^1.0", "u") == ("refs/tags/v1.1.0", "d" * 40)     # highest match, no prerelease
    assert resolve_version(refs, ">=1.2.0-0 <2", "u") == ("refs/tags/v1.2.0-rc.1", "e" * 40)
    assert resolve_version(refs, "~2", "u") == ("refs/tags/2.0.0", "1" * 40)        # annotated: the commit
    assert resolve_version(refs, "bbbbbbb", "u") == (None, "b" * 40)
    with pytest.raises(PluginError) as err:
        resolve_version(refs, "^3", "https://h/p")
    assert str(err.value) == 'requested version "^3" does not exist for plugin "https://h/p"'


def _installed(plugins):
    plugin = find_plugin(plugins, "gitdemo")
    return plugin.version if plugin else None


def test_install_at_tags_constraints_branch_and_latest(git_server, tmp_path):
    url, commits = git_server
    plugins = str(tmp_path / "plugins")
    source = url + "/helm-gitdemo"
    result = install(source, plugins, version="^1")
    assert result["changed"] and result["plugin"]["version"] == "1.1.0"
    target = os.path.join(plugins, "helm-gitdemo")
    assert os.path.isdir(os.path.join(target, ".git")) and _installed(plugins) == "1.1.0"
    with Repo(target) as clone:   # Helm's `helm plugin update` pulls from this origin later
        assert clone.get_config().get((b"remote", b"origin"), b"url").decode() == source
        assert clone.head().decode() == commits["v1.1.0"]
    assert install(source, plugins, version="^1")["changed"] is False             # same version: unchanged
    assert install(source, plugins)["changed"] is False                           # present: left alone
    assert install(source, plugins, version="v1.0.0")["plugin"]["version"] == "1.0.0"  # another tag replaces
    assert install(source, plugins, version="feature")["plugin"]["version"] == "1.5.0"
    assert install(source, plugins, version=commits["v1.1.0"][:10])["plugin"]["version"] == "1.1.0"
    result = install(source, plugins, state="latest")                              # the default branch, fetched
    assert result["changed"] and _installed(plugins) == "2.1.0"
    assert install(source, plugins, state="latest")["changed"] is False
    assert sorted(os.listdir(plugins)) == ["helm-gitdemo"]                         # no staging left behind


def test_git_errors_are_clear_and_leave_nothing(git_server, tmp_path):
    url, _commits = git_server
    plugins = str(tmp_path / "plugins")
    install(url + "/helm-gitdemo", plugins, version="v1.0.0")
    before = sorted(os.listdir(plugins))
    cases = [
        (dict(source=url + "/helm-gitdemo", version="^9"), 'requested version "^9" does not exist for plugin'),
        (dict(source=url + "/helm-gitdemo", version="not a constraint!"), "neither a reference"),
        (dict(source=url + "/no-plugin"), "plugin.yaml"),
        (dict(source=url + "/missing"), "cannot read the git repository"),
        (dict(source=url + "/escaping"), "data, a symbolic link pointing outside the plugin (/etc)"),
        (dict(source="http://127.0.0.1:9/nothing-listens"), "cannot read the git repository"),
    ]
    for case, expected in cases:
        with pytest.raises(PluginError) as err:
            install(case["source"], plugins, version=case.get("version"))
        assert expected in str(err.value), str(err.value)
        assert sorted(os.listdir(plugins)) == before
    assert _installed(plugins) == "1.0.0"


def test_module_installs_from_git(git_server, tmp_path):
    url, _commits = git_server
    plugins = str(tmp_path / "plugins")
    args = {"plugin_path": url + "/helm-gitdemo", "plugin_version": "~1.0", "plugins_directory": plugins}
    started = time.monotonic()
    results, _output = run_play(tmp_path, [
        {"helmkit.core.helm_plugin": args, "check_mode": True},
        {"helmkit.core.helm_plugin": args},
        {"helmkit.core.helm_plugin": args},
        {"helmkit.core.helm_plugin": dict(args, plugin_version=None, state="latest")},
        {"helmkit.core.helm_plugin_info": {"plugin_name": "gitdemo", "plugins_directory": plugins}},
    ])
    assert results[0]["changed"] is True and results[0]["plugin"]["path"] == os.path.join(plugins, "helm-gitdemo")
    assert results[0]["plugin"]["version"] == "1.0.0"
    assert results[1]["changed"] is True and results[2]["changed"] is False, results[1:3]
    assert results[3]["changed"] is True and not results[3].get("failed"), results[3]
    assert [p["version"] for p in results[4]["plugin_list"]] == ["2.1.0"], results[4]
    assert time.monotonic() - started < 120
