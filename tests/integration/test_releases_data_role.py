"""The helmkit.core.releases role and playbooks/stack.yml through ansible-playbook against the Kubernetes API
(fixture ``kubeapi``): dependency order, concurrency per level, idempotent re-runs, uninstall in reverse order,
repositories, and argument/plan errors."""
import importlib.util
import os
import subprocess

import pytest
import yaml

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers.corpus import PODINFO

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")
STACK = os.path.join(ROOT, "playbooks", "stack.yml")


def load_filter():
    path = os.path.join(ROOT, "plugins", "filter", "releases_plan.py")
    spec = importlib.util.spec_from_file_location("releases_plan_filter", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def playbook(tmp_path, args, extra_env=None):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"),
               HELM_CONFIG_HOME=str(tmp_path / "helm-config"), HELM_CACHE_HOME=str(tmp_path / "helm-cache"),
               # a HOME that is not the account's home directory (as CI sets it): the role's async jobs and
               # async_status must agree on the job directory without ANSIBLE_ASYNC_DIR
               HOME=str(tmp_path / "home"))
    env.pop("ANSIBLE_ASYNC_DIR", None)
    (tmp_path / "home").mkdir(exist_ok=True)
    env.update(extra_env or {})
    return subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,"] + args, env=env,
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=600, check=False)


def recap(output):
    line = [text for text in output.splitlines() if text.startswith("localhost ")][-1]
    return dict(part.split("=") for part in line.split(":", 1)[1].split())


def releases_in(kubeconfig, namespace):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release.query import ReleaseQuery, latest
    with KubeClient(kubeconfig) as client:
        return {rel.name: rel for rel in latest(ReleaseQuery(client).revisions(namespace))}


def test_plan_levels_and_errors():
    plan = load_filter().releases_plan
    releases = [{"name": "web", "needs": ["db", "cache"]}, {"name": "db"}, {"name": "cache", "needs": ["db"]},
                {"name": "docs"}, {"name": "old", "needs": ["web"], "state": "absent"},
                {"name": "repo-user", "repository": {"name": "r", "url": "http://x"}},
                {"name": "repo-user-2", "repository": {"name": "r", "url": "http://x"}}]
    result = plan(releases)
    assert [[r["name"] for r in level] for level in result["install"]] == \
        [["db", "docs", "repo-user", "repo-user-2"], ["cache"], ["web"]]
    assert [[r["name"] for r in level] for level in result["uninstall"]] == [["old"]]
    assert result["repositories"] == [{"name": "r", "url": "http://x"}]
    from ansible.errors import AnsibleFilterError
    with pytest.raises(AnsibleFilterError, match=r"the needs of releases a, b form a cycle"):
        plan([{"name": "a", "needs": ["b"]}, {"name": "b", "needs": ["a"]}, {"name": "c"}])
    with pytest.raises(AnsibleFilterError, match=r"release 'a' needs 'nope', which is not in the releases list"):
        plan([{"name": "a", "needs": ["nope"]}])
    with pytest.raises(AnsibleFilterError, match=r"releases\[1\]: release 'a' is listed twice"):
        plan([{"name": "a"}, {"name": "a"}])


def test_stack_playbook(kubeapi_log, tmp_path):
    kc = kubeapi_log.kubeconfig
    namespace = "rd-stack"
    args = [STACK, "-e", "stack_kubeconfig=%s" % kc, "-e", "stack_namespace=%s" % namespace]
    first = playbook(tmp_path, args)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-3000:]
    found = releases_in(kc, namespace)
    assert sorted(found) == ["store", "web", "web-canary"]
    assert all(rel.status == "deployed" and rel.version == 1 for rel in found.values())
    assert found["store"].config == {"settings": {"maxmemory": "64mb"}}
    # the web releases were started only after store was complete (RFC 3339 UTC stamps sort as text)
    store_done = found["store"].info["last_deployed"]
    assert found["web"].info["first_deployed"] > store_done
    assert found["web-canary"].info["first_deployed"] > store_done
    assert "Start the level's releases concurrently" in first.stdout  # web and web-canary ran as async jobs
    assert recap(first.stdout)["rescued"] == "0"
    for name in ("web", "web-canary"):  # helm_async_wait reports each release's own result
        assert "changed: [localhost] => (item=%s/%s)" % (namespace, name) in first.stdout
    assert '"store": "deployed", "web": "deployed", "web-canary": "deployed"' in " ".join(first.stdout.split())

    # a sequential re-run with the same input changes nothing (hello-web prints .Release.Revision, which
    # helm_release compares as the stored revision)
    again = playbook(tmp_path, args + ["-e", "stack_parallel=false"])
    assert again.returncode == 0, again.stdout[-4000:]
    assert "Apply the level's releases one by one" in again.stdout
    assert recap(again.stdout)["changed"] == "0"
    assert {name: rel.version for name, rel in releases_in(kc, namespace).items()} == \
        {"store": 1, "web": 1, "web-canary": 1}

    kubeapi_log.clear_request_log()
    gone = playbook(tmp_path, args + ["-e", "stack_state=absent"])
    assert gone.returncode == 0, gone.stdout[-4000:]
    assert releases_in(kc, namespace) == {}
    deletes = [r.path.rsplit("/", 1)[-1] for r in kubeapi_log.request_log()
               if r.method == "DELETE" and "/secrets/sh.helm.release.v1." in r.path]
    assert deletes.index("sh.helm.release.v1.store.v1") > deletes.index("sh.helm.release.v1.web.v1")
    assert deletes.index("sh.helm.release.v1.store.v1") > deletes.index("sh.helm.release.v1.web-canary.v1")


def test_role_with_repository_and_bad_input(kubeapi, tmp_path):
    kc = kubeapi.kubeconfig
    with ChartRepoServer(charts=[PODINFO]) as repo:
        play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [{
            "role": "helmkit.core.releases", "releases_kubeconfig": kc, "releases_parallel": True,
            "releases": [
                {"name": "front", "namespace": "rd-repo", "chart": "podinfo", "version": "6.14.1",
                 "repository": {"name": "lab", "url": repo.url}, "values": {"ui": {"message": "front"}}},
                {"name": "back", "namespace": "rd-repo", "chart": "podinfo", "version": "6.14.1",
                 "repository": {"name": "lab", "url": repo.url}, "values": {"replicaCount": 2}}]}]}]
        (tmp_path / "repo.yml").write_text(yaml.safe_dump(play))
        result = playbook(tmp_path, ["repo.yml"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    found = releases_in(kc, "rd-repo")
    assert {name: (rel.chart_version, rel.config) for name, rel in found.items()} == {
        "front": ("6.14.1", {"ui": {"message": "front"}}), "back": ("6.14.1", {"replicaCount": 2})}
    repositories = yaml.safe_load((tmp_path / "helm-config" / "repositories.yaml").read_text())
    assert [r["name"] for r in repositories["repositories"]] == ["lab"]

    broken = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [{
        "role": "helmkit.core.releases", "releases_kubeconfig": kc, "releases_parallel": True,
        "releases": [{"name": "ok", "namespace": "rd-broken",
                      "chart": os.path.join(ROOT, "examples", "charts", "hello-store")},
                     {"name": "nochart", "namespace": "rd-broken", "chart": str(tmp_path / "no-such-chart")}]}]}]
    (tmp_path / "broken.yml").write_text(yaml.safe_dump(broken))
    failed = playbook(tmp_path, ["broken.yml"])
    assert failed.returncode != 0
    assert "rd-broken/nochart: chart path %s not found" % (tmp_path / "no-such-chart") in failed.stdout
    assert sorted(releases_in(kc, "rd-broken")) == ["ok"]

    bad = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [{
        "role": "helmkit.core.releases", "releases": [{"name": "a", "state": "gone"}]}]}]
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(bad))
    invalid = playbook(tmp_path, ["bad.yml"])
    assert invalid.returncode != 0
    assert "value of state must be one of: present, absent, got: gone found in releases" in invalid.stdout


NEVER_READY = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}
  annotations:
    kubeapi.helmkit.test/fail: "true"
spec:
  replicas: 1
  serviceName: {{ .Release.Name }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: never
          image: registry.invalid/never-ready:0
"""


def _uninstall_after_the_killed_job(kubeapi, tmp_path, namespace):
    """async killed the "slow" job while it held the release's lock; the cluster clean-up must not meet that lock
    (a real cluster's clean-up would fail on it). Uninstall it here, waiting until the lock's holder is gone."""
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [{
        "helmkit.core.helm_release": {"release_name": "slow", "release_namespace": namespace, "state": "absent",
                                      "kubeconfig": kubeapi.kubeconfig, "wait_for_lock": 120}}]}]
    (tmp_path / "cleanup.yml").write_text(yaml.safe_dump(play))
    done = playbook(tmp_path, ["cleanup.yml"])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("in_process", [True, False], ids=["controller-reads-job-files", "module-waits"])
def test_parallel_level_with_a_failing_and_a_timed_out_release(kubeapi, tmp_path, in_process):
    """One level of three releases run concurrently: one installs, one fails (its chart is missing), one is still
    waiting for a StatefulSet that never becomes ready when its async job is killed (releases_async_timeout). The
    role fails naming both, with the module's message and async's "Timeout exceeded"; the good one is installed;
    the job files are removed. HELMKIT_IN_PROCESS=0 waits through helm_async_wait's module run instead of reading
    the job files on the controller."""
    namespace = "rd-level-%s" % ("here" if in_process else "module")
    chart = tmp_path / "never-ready"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: never-ready\nversion: 0.1.0\n")
    (chart / "templates" / "statefulset.yaml").write_text(NEVER_READY)
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False, "roles": [{
        "role": "helmkit.core.releases", "releases_kubeconfig": kubeapi.kubeconfig, "releases_parallel": True,
        # long enough for "ok" also when each job is an AnsiballZ module run on a loaded machine
        "releases_async_timeout": 8 if in_process else 20,
        "releases": [{"name": "ok", "namespace": namespace,
                      "chart": os.path.join(ROOT, "examples", "charts", "hello-store")},
                     {"name": "nochart", "namespace": namespace, "chart": str(tmp_path / "no-such-chart")},
                     {"name": "slow", "namespace": namespace, "chart": str(chart), "wait": True, "timeout": 300}]}]}]
    (tmp_path / "level.yml").write_text(yaml.safe_dump(play))
    try:
        result = playbook(tmp_path, ["level.yml", "-vvv"], {} if in_process else {"HELMKIT_IN_PROCESS": "0"})
    finally:
        _uninstall_after_the_killed_job(kubeapi, tmp_path, namespace)
    assert result.returncode != 0
    out = result.stdout
    assert ("AnsiballZ_helm_async_wait" in out) is not in_process
    assert "changed: [localhost] => (item=%s/ok)" % namespace in out
    assert "%s/nochart: chart path %s not found" % (namespace, tmp_path / "no-such-chart") in out
    assert "%s/slow: Timeout exceeded" % namespace in out
    assert recap(out)["rescued"] == "1"
    assert releases_in(kubeapi.kubeconfig, namespace)["ok"].status == "deployed"
    assert os.listdir(str(tmp_path / "home" / ".ansible_async")) == []  # cleanup: true
