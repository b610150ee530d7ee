"""module_defaults for the action group ``group/helmkit.core.helm`` (meta/runtime.yml) with the shared Kubernetes
options: every module of the group runs under ``{kubeconfig: ..., context: ...}`` and none fails with "Unsupported
parameters". Modules that talk to Kubernetes must really use the defaults (the environment points nowhere)."""
import json
import os
import subprocess

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.helpers.artifacthub import ArtifactHubServer  # noqa: E402
from tests.helpers.chartrepo import ChartRepoServer  # noqa: E402
from tests.helpers.registry import RegistryServer  # noqa: E402
from tests.helpers.corpus import PODINFO  # noqa: E402

TREE = os.path.join(ROOT, ".tree")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
KUBE_MODULES = ("helm", "helm_info", "helm_release", "helm_release_info", "helm_test")


def _group_modules():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        return yaml.safe_load(handle)["action_groups"]["helm"]


def _module_args(tmp_path, repo_url, registry_host, hub_url="http://127.0.0.1:9"):
    """Arguments for one check-mode task per module of the group (no kube options: module_defaults gives them)."""
    chart_dir = tmp_path / "nodeps"
    chart_dir.mkdir()
    (chart_dir / "Chart.yaml").write_text("apiVersion: v2\nname: nodeps\nversion: 0.1.0\n")
    registry_config = str(tmp_path / "registry.json")
    return {
        "helm": {"release_name": "grp-defaults", "release_namespace": "default", "chart_ref": PODINFO},
        "helm_info": {"release_name": "grp-defaults", "release_namespace": "default"},
        "helm_async_wait": {"jid": "j-no-such-job", "timeout": 1},
        "helm_registry_auth": {"host": registry_host, "username": "u", "password": "p", "plain_http": True,
                               "registry_config": registry_config},
        "helm_dependency": {"chart_path": str(chart_dir), "state": "list"},
        "helm_lint": {"chart_ref": str(chart_dir)},
        "helm_package": {"path": str(chart_dir), "destination": str(tmp_path / "packaged")},
        "helm_plugin": {"plugin_name": "nothing-installed", "state": "absent",
                        "plugins_directory": str(tmp_path / "plugins")},
        "helm_plugin_info": {"plugins_directory": str(tmp_path / "plugins")},
        "helm_repo_index": {"path": str(chart_dir)},
        "helm_dependency_info": {"chart_path": str(chart_dir)},
        "helm_pull": {"chart_ref": "podinfo", "repo_url": repo_url, "destination": str(tmp_path / "pulled")},
        # no registry_config: a registry config that does not exist is a plan-time error for helm_push (issue 14)
        "helm_push": {"chart": PODINFO, "remote": "oci://%s/charts" % registry_host, "plain_http": True},
        "helm_registry_login": {"host": registry_host, "username": "u", "password": "p", "plain_http": True,
                                "registry_config": registry_config},
        "helm_release": {"release_name": "grp-defaults", "release_namespace": "default", "chart_ref": PODINFO},
        "helm_release_info": {"release_name": "grp-defaults", "release_namespace": "default"},
        "helm_repository": {"name": "grp", "repo_url": repo_url},
        "helm_repository_info": {},
        "helm_search_hub": {"terms": ["anything"], "endpoint": hub_url},
        "helm_show": {"chart_ref": PODINFO},
        "helm_template": {"chart_ref": PODINFO},
        "helm_test": {"release_name": "grp-defaults", "release_namespace": "default"},
    }


def _run(tmp_path, modules, args, defaults):
    tasks = [{"name": name, "helmkit.core.%s" % name: args[name], "register": "r%d" % i, "ignore_errors": True,
              "check_mode": True} for i, name in enumerate(modules)]
    out = tmp_path / "results.json"
    tasks.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(modules))), "dest": str(out)}, "check_mode": False})
    play = {"hosts": "localhost", "gather_facts": False, "module_defaults": {"group/helmkit.core.helm": defaults},
            "tasks": tasks}
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([play]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON,
               KUBECONFIG=str(tmp_path / "no-kubeconfig"), HELM_REPOSITORY_CONFIG=str(tmp_path / "repos.yaml"),
               HELM_REPOSITORY_CACHE=str(tmp_path / "cache"), HOME=str(tmp_path))
    for name in ("K8S_AUTH_KUBECONFIG", "K8S_AUTH_CONTEXT"):
        env.pop(name, None)
    proc = subprocess.run([PLAYBOOK, "-i", "localhost,", "-c", "local", str(playbook)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), proc.stdout + proc.stderr
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def test_every_group_module_accepts_group_kube_defaults(tmp_path, kubeapi):
    modules = _group_modules()
    with ChartRepoServer(charts=[PODINFO]) as repo, RegistryServer() as registry, ArtifactHubServer() as hub:
        args = _module_args(tmp_path, repo.url, registry.host, hub.url)
        assert sorted(args) == sorted(modules), "give test arguments for every module of the action group"
        context = yaml.safe_load(open(kubeapi.kubeconfig))["current-context"]
        results, output = _run(tmp_path, modules, args,
                               {"kubeconfig": kubeapi.kubeconfig, "context": context})
    assert "Unsupported parameters" not in output
    by_module = dict(zip(modules, results))
    for name, result in by_module.items():
        if name == "helm_test":
            # no release "grp-defaults" exists (helm_release ran in check mode): it reached the cluster through the defaults
            assert result.get("failed") and "not found" in result["msg"], (name, result)
        elif name == "helm_async_wait":  # no job of that id: it ran, with the defaults accepted
            assert result.get("failed") and result["msg"] == "could not find job", (name, result)
        else:
            assert not result.get("failed"), (name, result.get("msg"))
    assert by_module["helm_release"]["changed"] is True  # planned an install against the default cluster
    assert by_module["helm"]["changed"] is True and "prepared" in by_module["helm"]["diff"]


def test_kube_modules_fail_without_the_defaults_so_the_test_above_proves_they_are_used(tmp_path):
    args = _module_args(tmp_path, "http://127.0.0.1:9", "127.0.0.1:9")
    results, _unused = _run(tmp_path, ["helm_release_info"], args, {})
    assert results[0].get("failed"), results[0]
