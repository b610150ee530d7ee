"""Releases as data: the helm_release lookup, the helm_release_info module and the helm_releases inventory, run
through ansible-playbook / ansible-inventory against the Kubernetes API (fixture ``kubeapi``), on releases written
by real Helm (helm_python) and by our storage codec; bad input: an unreachable cluster, an undecodable record and a
missing release."""
import base64
import json
import os
import subprocess

import pytest
import yaml
from tests.helpers.corpus import PODINFO

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")
PYTHON = os.path.join(BIN, "python")
HELLO_WEB = os.path.join(ROOT, "examples", "charts", "hello-web")
UNREACHABLE = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
               "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9"}}],
               "users": [{"name": "u", "user": {"token": "rd-secret-token-456"}}],
               "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}

helm_python = pytest.importorskip("helm_python")


def ansible_env():
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
                ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON, ANSIBLE_FORCE_COLOR="0",
                ANSIBLE_INVENTORY_UNPARSED_WARNING="0", ANSIBLE_DEPRECATION_WARNINGS="0")


def run_play(tmp_path, tasks, name="play"):
    """Run ``tasks`` on localhost; every task registers ``r<index>`` and ignores errors. Returns (results, output)."""
    play_tasks = []
    for index, task in enumerate(tasks):
        play_tasks.append(dict(task, name="task %d" % index, register="r%d" % index, ignore_errors=True))
    out = tmp_path / ("%s.json" % name)
    results = "{{ [%s] | to_json }}" % ", ".join("r%d" % i for i in range(len(tasks)))
    play_tasks.append({"name": "save", "copy": {"content": results, "dest": str(out)}, "check_mode": False})
    playbook = tmp_path / ("%s.yml" % name)
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)],
                          env=ansible_env(), cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
                          check=False)
    assert out.exists(), "playbook did not finish:\n%s\n%s" % (proc.stdout[-4000:], proc.stderr[-4000:])
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def lookup_task(expr):
    return {"ansible.builtin.set_fact": {"value": "{{ %s }}" % expr}}


def request(kubeconfig, method, path, body=None):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeconfig) as client:
        return client.request(method, path, body=body)


def store_record(kubeconfig, namespace, name, version, status, chart_version="0.1.0"):
    """Write a release revision with our storage codec (for statuses Helm reaches only on failure)."""
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release.record import Release
    from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
    chart = {"metadata": {"name": "demo", "version": chart_version, "appVersion": "9.9", "apiVersion": "v2"},
             "values": {"size": 1, "tier": {"name": "base"}}}
    rel = Release.new(name=name, namespace=namespace, version=version, chart=chart, config={"size": version},
                      manifest="", hooks=[], notes="", status=status, description="set up by the test")
    with KubeClient(kubeconfig) as client:
        SecretStorage(client, namespace).create(rel)


@pytest.fixture(scope="module")
def cluster(kubeapi, tmp_path_factory):
    """Releases in namespaces rd-a (Helm: web at revision 2, api), rd-b (ours: failed and pending-upgrade; one
    undecodable Secret) and rd-cm (Helm, ConfigMap driver)."""
    kc = kubeapi.kubeconfig
    helm_a = helm_python.Config(kubeconfig_path=kc, namespace="rd-a")
    helm_a.install(HELLO_WEB, "web", {"greeting": "one"}, namespace="rd-a", create_namespace=True)
    helm_a.upgrade(HELLO_WEB, "web", {"greeting": "two", "replicaCount": 2}, namespace="rd-a")
    helm_a.install(PODINFO, "api", {"ui": {"message": "hi"}}, namespace="rd-a")
    request(kc, "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "rd-b"}})
    store_record(kc, "rd-b", "broken-up", 1, "failed")
    store_record(kc, "rd-b", "halfway", 1, "superseded")
    store_record(kc, "rd-b", "halfway", 2, "pending-upgrade", chart_version="0.2.0")
    request(kc, "POST", "/api/v1/namespaces/rd-b/secrets", {
        "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
        "metadata": {"name": "sh.helm.release.v1.garbled.v1",
                     "labels": {"owner": "helm", "name": "garbled", "status": "deployed", "version": "1"}},
        "data": {"release": base64.b64encode(b"this is not a release").decode()}})
    helm_cm = helm_python.Config(kubeconfig_path=kc, namespace="rd-cm", storage_driver="configmap")
    helm_cm.install(PODINFO, "cm-app", {"replicaCount": 3}, namespace="rd-cm", create_namespace=True)
    yield {"kubeconfig": kc, "helm_a": helm_a, "helm_cm": helm_cm}
    # the undecodable record is no release anyone can uninstall: remove it as it was made, so the cluster check's
    # uninstall of new releases meets only real ones
    request(kc, "DELETE", "/api/v1/namespaces/rd-b/secrets/sh.helm.release.v1.garbled.v1")


def test_lookup_reads_helm_releases(cluster, tmp_path):
    kc = cluster["kubeconfig"]
    helm_a = cluster["helm_a"]
    results, output = run_play(tmp_path, [
        lookup_task("query('helmkit.core.helm_release', 'web', namespace='rd-a', kubeconfig=%r, history=true)" % kc),
        lookup_task("query('helmkit.core.helm_release', 'web', namespace='rd-a', kubeconfig=%r, all_values=true, "
                    "revision=1)" % kc),
        lookup_task("query('helmkit.core.helm_release', namespace='rd-a', kubeconfig=%r)" % kc),
        lookup_task("query('helmkit.core.helm_release', namespace='rd-cm', kubeconfig=%r, storage_driver='configmap')"
                    % kc),
        lookup_task("query('helmkit.core.helm_release', all_namespaces=true, kubeconfig=%r, chart='podinfo')" % kc),
    ])
    assert all("ansible_facts" in r for r in results), [r.get("msg") for r in results]
    web, web_r1, in_a, in_cm, podinfos = (r["ansible_facts"]["value"] for r in results)
    assert len(web) == 1
    web = web[0]
    status = helm_a.status("web")
    assert (web["name"], web["namespace"], web["revision"], web["status"]) == ("web", "rd-a", 2, "deployed")
    assert (web["chart"], web["chart_version"], web["app_version"]) == ("hello-web-0.1.0", "0.1.0", "1.27.0")
    assert web["values"] == helm_a.get_values("web") == {"greeting": "two", "replicaCount": 2}
    assert web["manifest"] == status["manifest"]
    assert web["notes"] and web["notes"] == status.get("notes", web["notes"])
    assert [(h["revision"], h["status"]) for h in web["history"]] == [(1, "superseded"), (2, "deployed")]
    assert [h["revision"] for h in helm_a.history("web")] == [1, 2]
    assert web_r1[0]["revision"] == 1
    assert web_r1[0]["values"] == helm_a.get_values("web", revision=1, all_values=True)
    assert [(r["name"], r["status"]) for r in in_a] == [("api", "deployed"), ("web", "deployed")]
    assert [(r["name"], r["values"]) for r in in_cm] == [("cm-app", {"replicaCount": 3})]
    # all_namespaces sees the whole cluster, which other tests (or a real cluster's users) share: judge the
    # namespaces this fixture made, and that every release found anywhere is a podinfo one.
    assert all(r["chart_name"] == "podinfo" for r in podinfos), podinfos
    assert [(r["namespace"], r["name"]) for r in podinfos if r["namespace"].startswith("rd-")] == [("rd-a", "api")]


def test_lookup_failed_pending_and_bad_records(cluster, tmp_path):
    kc = cluster["kubeconfig"]
    results, output = run_play(tmp_path, [
        lookup_task("query('helmkit.core.helm_release', namespace='rd-b', kubeconfig=%r)" % kc),
        lookup_task("query('helmkit.core.helm_release', namespaces=['rd-a', 'rd-b'], kubeconfig=%r, "
                    "status=['failed', 'pending-upgrade'])" % kc),
        lookup_task("query('helmkit.core.helm_release', 'nope', namespace='rd-a', kubeconfig=%r, errors='ignore')"
                    % kc),
        lookup_task("query('helmkit.core.helm_release', 'nope', 'web', namespace='rd-a', kubeconfig=%r, "
                    "errors='warn')" % kc),
        lookup_task("query('helmkit.core.helm_release', 'nope', namespace='rd-a', kubeconfig=%r, errors='strict')"
                    % kc),
        lookup_task("query('helmkit.core.helm_release', namespace='rd-a', kubeconfig=%s)" % json.dumps(UNREACHABLE)),
    ])
    in_b, broken, missing, warned, strict, unreachable = results
    in_b = in_b["ansible_facts"]["value"]
    assert [(r["name"], r["revision"], r["status"]) for r in in_b] == \
        [("broken-up", 1, "failed"), ("halfway", 2, "pending-upgrade")]
    assert "skipped secret rd-b/sh.helm.release.v1.garbled.v1: cannot decode the release" in output
    assert [r["name"] for r in broken["ansible_facts"]["value"]] == ["broken-up", "halfway"]
    assert missing["ansible_facts"]["value"] == [] and warned["ansible_facts"]["value"] == []
    warnings = [line for line in output.splitlines() if "WARNING" in line]
    assert any("release 'nope' not found in namespace(s) rd-a" in line for line in warnings), output
    assert strict["failed"] is True and "release 'nope' not found in namespace(s) rd-a" in strict["msg"]
    assert unreachable["failed"] is True
    assert "cannot reach the Kubernetes API server at https://127.0.0.1:9" in unreachable["msg"]
    assert "rd-secret-token-456" not in output


def test_info_module(cluster, tmp_path):
    kc = cluster["kubeconfig"]
    base = {"kubeconfig": kc}
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_release_info": dict(base, name="web", namespace="rd-a", history=True)},
        {"helmkit.core.helm_release_info": dict(base, all_namespaces=True, status=["failed"]), "check_mode": True},
        {"helmkit.core.helm_release_info": dict(base, name="nope", namespace="rd-a")},
        {"helmkit.core.helm_release_info": dict(base, name="nope", namespace="rd-a", fail_on_missing=True)},
        {"helmkit.core.helm_release_info": dict(base, namespace="rd-b")},
        # module_defaults for group/helmkit.core.helm reach helm_release_info (meta/runtime.yml's action group)
        {"helmkit.core.helm_release_info": {"name": "web", "namespace": "rd-a"},
         "module_defaults": {"group/helmkit.core.helm": {"kubeconfig": kc}}},
    ])
    web, failed, missing, strict, in_b, defaulted = results
    assert web["changed"] is False
    assert web["release"]["revision"] == 2 and web["release"]["values"] == {"greeting": "two", "replicaCount": 2}
    assert len(web["release"]["history"]) == 2
    assert [(r["namespace"], r["name"]) for r in failed["releases"]] == [("rd-b", "broken-up")]
    assert missing["releases"] == [] and "release" not in missing and not missing.get("failed")
    assert strict["failed"] is True and strict["msg"].startswith("release 'nope' not found in namespace(s) rd-a")
    assert any("sh.helm.release.v1.garbled.v1" in w for w in in_b["warnings"])
    assert [r["name"] for r in in_b["releases"]] == ["broken-up", "halfway"]
    assert defaulted.get("failed") is not True, defaulted.get("msg")
    assert defaulted["release"]["revision"] == 2


def run_inventory(tmp_path, config, name="test.helm_releases.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config))
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "--list", "-i", str(path)], env=ansible_env(),
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout, object_hook=unwrap_unsafe), proc.stderr


def unwrap_unsafe(obj):
    """ansible-inventory marks values from inventory plugins as never templated: {"__ansible_unsafe": value}."""
    return obj["__ansible_unsafe"] if list(obj) == ["__ansible_unsafe"] else obj


def test_inventory(cluster, tmp_path):
    kc = cluster["kubeconfig"]
    config = {"plugin": "helmkit.core.helm_releases",
              "connections": [{"name": "lab", "kubeconfig": kc, "namespaces": ["rd-a", "rd-b"]},
                              {"name": "gone", "kubeconfig": UNREACHABLE},
                              {"name": "cms", "kubeconfig": kc, "namespaces": ["rd-a", "rd-cm"]}],
              "compose": {"replicas": "helm_values.replicaCount | default(1)"},
              "groups": {"needs_attention": "helm_status != 'deployed'"},
              "keyed_groups": [{"key": "helm_app_version", "prefix": "app"}]}
    inventory, stderr = run_inventory(tmp_path, config)
    hostvars = inventory["_meta"]["hostvars"]
    assert sorted(hostvars) == ["cms/rd-a/api", "cms/rd-a/web", "lab/rd-a/api", "lab/rd-a/web",
                                "lab/rd-b/broken-up", "lab/rd-b/halfway"]
    web = hostvars["lab/rd-a/web"]
    assert (web["helm_release"], web["helm_namespace"], web["helm_cluster"], web["helm_revision"],
            web["helm_status"], web["helm_chart"]) == ("web", "rd-a", "lab", 2, "deployed", "hello-web-0.1.0")
    assert web["helm_values"] == {"greeting": "two", "replicaCount": 2} and web["replicas"] == 2
    assert "helm_manifest" not in web

    def members(group):
        return sorted(inventory.get(group, {}).get("hosts", []))
    assert members("helm_status_failed") == ["lab/rd-b/broken-up"]
    assert members("helm_status_pending_upgrade") == ["lab/rd-b/halfway"]
    assert members("needs_attention") == ["lab/rd-b/broken-up", "lab/rd-b/halfway"]
    assert members("helm_chart_podinfo") == ["cms/rd-a/api", "lab/rd-a/api"]
    assert members("helm_namespace_rd_b") == ["lab/rd-b/broken-up", "lab/rd-b/halfway"]
    assert members("helm_cluster_cms") == ["cms/rd-a/api", "cms/rd-a/web"]
    assert members("app_1_27_0") == ["cms/rd-a/web", "lab/rd-a/web"]
    text = " ".join(stderr.split())
    assert "skipped cluster 'gone'" in text and "https://127.0.0.1:9" in text
    assert "sh.helm.release.v1.garbled.v1" in text
    assert "rd-secret-token-456" not in stderr

    # the ConfigMap driver, and computed values
    config = {"plugin": "helmkit.core.helm_releases", "storage_driver": "configmap", "all_values": True,
              "include_manifest": True, "connections": [{"name": "cm", "kubeconfig": kc}]}
    inventory = run_inventory(tmp_path, config, "cm.helm_releases.yml")[0]
    app = inventory["_meta"]["hostvars"]["cm/rd-cm/cm-app"]
    assert app["helm_values"] == cluster["helm_cm"].get_values("cm-app", all_values=True)
    assert app["helm_manifest"] == cluster["helm_cm"].status("cm-app")["manifest"]


def test_inventory_cache(cluster, tmp_path):
    kc = cluster["kubeconfig"]
    cache_dir = tmp_path / "cache"
    config = {"plugin": "helmkit.core.helm_releases", "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(cache_dir), "connections": [{"name": "lab", "kubeconfig": kc,
                                                                   "namespaces": ["rd-cache"]}]}
    request(kc, "POST", "/api/v1/namespaces",
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "rd-cache"}})
    store_record(kc, "rd-cache", "first", 1, "deployed")
    inventory = run_inventory(tmp_path, config)[0]
    assert sorted(inventory["_meta"]["hostvars"]) == ["lab/rd-cache/first"]
    assert list(cache_dir.iterdir())
    store_record(kc, "rd-cache", "second", 1, "deployed")
    cached = run_inventory(tmp_path, config)[0]
    assert sorted(cached["_meta"]["hostvars"]) == ["lab/rd-cache/first"]
    fresh = run_inventory(tmp_path, dict(config, cache=False))[0]
    assert sorted(fresh["_meta"]["hostvars"]) == ["lab/rd-cache/first", "lab/rd-cache/second"]
