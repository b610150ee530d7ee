"""helm_release through ansible-playbook: check mode and diff mode plans, drift detect/correct, values files read on
the controller (Ansible Vault), set_values and post_renderer, plan-time validation. On the emulator with its request
log, so "writes nothing" is counted."""
import json
import os
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")
PYTHON = os.path.join(BIN, "python")

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: plan-demo\nversion: 0.1.0\n",
    "values.yaml": "greeting: hello\nsecretWord: s3cret\nlist: []\n",
    "templates/cm.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n"
                          "data:\n  greeting: {{ .Values.greeting | quote }}\n"
                          "  list: {{ .Values.list | toJson | quote }}\n"),
    "templates/secret.yaml": ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-secret\n"
                              "stringData:\n  word: {{ .Values.secretWord | quote }}\n"),
    "templates/extra.yaml": ("{{- if .Values.extra }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                             "  name: {{ .Release.Name }}-extra\ndata:\n  a: b\n{{- end }}\n"),
}


@pytest.fixture
def chart_dir(tmp_path):
    root = tmp_path / "plan-demo"
    for name, text in CHART.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return str(root)


def run_play(tmp_path, tasks, diff=False, vault_password=None):
    """Run ``tasks`` (full task dicts) on localhost; returns the registered results in order."""
    play_tasks = []
    for index, task in enumerate(tasks):
        task = dict(task, register="r%d" % index, ignore_errors=True)
        task.setdefault("name", "task %d" % index)
        play_tasks.append(task)
    out = tmp_path / "results.json"
    play_tasks.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(tasks))), "dest": str(out)}, "check_mode": False, "diff": False})
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=PYTHON)
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)]
    if diff:
        cmd.append("--diff")
    if vault_password:
        password_file = tmp_path / "vault-pass"
        password_file.write_text(vault_password)
        cmd += ["--vault-password-file", str(password_file)]
    proc = subprocess.run(cmd, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), "playbook did not finish:\n%s\n%s" % (proc.stdout[-4000:], proc.stderr[-4000:])
    run_play.output = proc.stdout + proc.stderr
    return json.loads(out.read_text())


def real_writes(log):
    """Requests that change the cluster: non-GETs that are not dryRun=All."""
    return [(r.method, r.path) for r in log if r.method not in ("GET", "HEAD") and "dryRun=All" not in (r.query or "")]


def release(kubeconfig, chart, namespace, **extra):
    args = {"release_name": "plan", "release_namespace": namespace, "chart_ref": chart, "kubeconfig": kubeconfig,
            "create_namespace": True}
    args.update(extra)
    return {"helmkit.core.helm_release": args}


def configmap(kubeapi, namespace, name):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeapi.kubeconfig) as client:
        return client.request("GET", "/api/v1/namespaces/%s/configmaps/%s" % (namespace, name))


def test_check_and_diff_mode_plan_without_writes(kubeapi_log, chart_dir, tmp_path):
    ns = "plan-check"
    base = release(kubeapi_log.kubeconfig, chart_dir, ns, release_values={"greeting": "hi"})
    kubeapi_log.clear_request_log()
    first, = run_play(tmp_path, [dict(base, check_mode=True)], diff=True)
    assert first["changed"] is True, first.get("msg")
    assert first["plan"]["action"] == "install"
    assert sorted(first["plan"]["create"]) == ["%s/ConfigMap/plan-config" % ns, "%s/Secret/plan-secret" % ns]
    assert real_writes(kubeapi_log.request_log()) == []

    installed, = run_play(tmp_path, [base])
    assert installed["changed"] is True and installed["status"]["revision"] == 1, installed.get("msg")

    kubeapi_log.clear_request_log()
    same, same_diff = run_play(tmp_path, [dict(base, check_mode=True), dict(base, check_mode=True)], diff=True)
    assert same["changed"] is False and same["status"]["revision"] == 1
    assert same_diff["changed"] is False and "diff" not in same_diff
    assert [r.method for r in kubeapi_log.request_log() if r.method not in ("GET", "HEAD")] == []

    changed_args = release(kubeapi_log.kubeconfig, chart_dir, ns,
                           release_values={"greeting": "bye", "secretWord": "t0ps3cret", "extra": True,
                                           "replicaCount": 2, "ratio": 0.5})
    kubeapi_log.clear_request_log()
    planned, = run_play(tmp_path, [dict(changed_args, check_mode=True)], diff=True)
    assert real_writes(kubeapi_log.request_log()) == []
    plan = planned["plan"]
    assert planned["changed"] is True and plan["action"] == "upgrade" and plan["revision"] == 2
    assert plan["create"] == ["%s/ConfigMap/plan-extra" % ns]
    assert sorted(plan["change"]) == ["%s/ConfigMap/plan-config" % ns, "%s/Secret/plan-secret" % ns]
    fields = {o["object"]["name"]: o.get("fields") for o in plan["objects"]}
    assert fields["plan-config"] == ["/data/greeting"] and fields["plan-secret"] == ["/data/word"]
    headers = [d["before_header"] for d in planned["diff"]]
    assert headers[0] == "values (revision 1)"
    # values as the user wrote them: ints stay ints (Go's float64 values showed as 2.0, issue 21)
    assert "replicaCount: 2\n" in planned["diff"][0]["after"] and "ratio: 0.5\n" in planned["diff"][0]["after"]
    assert "2.0" not in planned["diff"][0]["after"]
    text = run_play.output
    assert "-  greeting: hi\n+  greeting: bye" in text
    assert "*** (before)" in text and "*** (after)" in text
    secret_diff = [d for d in planned["diff"] if "Secret/plan-secret" in d["before_header"]][0]
    assert "s3cret" not in json.dumps(secret_diff) and "czNjcmV0" not in json.dumps(secret_diff)
    assert configmap(kubeapi_log, ns, "plan-config")["data"]["greeting"] == "hi"

    upgraded, = run_play(tmp_path, [changed_args], diff=True)
    assert upgraded["changed"] is True and upgraded["status"]["revision"] == 2
    assert upgraded["plan"]["action"] == "upgrade" and len(upgraded["diff"]) == 4
    assert configmap(kubeapi_log, ns, "plan-config")["data"]["greeting"] == "bye"


def test_drift_detect_then_correct(kubeapi_log, chart_dir, tmp_path):
    ns = "plan-drift"
    base = release(kubeapi_log.kubeconfig, chart_dir, ns, drift="detect")
    installed, = run_play(tmp_path, [base])
    assert installed["changed"] is True, installed.get("msg")
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeapi_log.kubeconfig) as client:
        client.request("PATCH", "/api/v1/namespaces/%s/configmaps/plan-config" % ns,
                       query=[("fieldManager", "kubectl-edit")], body={"data": {"greeting": "manual"}},
                       content_type="application/merge-patch+json")
    kubeapi_log.clear_request_log()
    detected, ignored, checked = run_play(tmp_path, [
        base, release(kubeapi_log.kubeconfig, chart_dir, ns, drift="detect", drift_ignore=["/data/greeting"]),
        dict(release(kubeapi_log.kubeconfig, chart_dir, ns, drift="correct"), check_mode=True)])
    assert detected["changed"] is False and detected["status"]["revision"] == 1, detected.get("msg")
    assert detected["drift"] == [{"object": {"apiVersion": "v1", "kind": "ConfigMap", "name": "plan-config",
                                             "namespace": ns}, "missing": False,
                                  "fields": [{"path": "/data/greeting", "live": "manual", "desired": "hello"}]}]
    warnings = [w["event"]["msg"] if isinstance(w, dict) else w for w in detected.get("warnings", [])]
    assert any("/data/greeting" in w for w in warnings)
    # through module.warn: no ansible-core deprecation for exit_json(warnings=...) (issue 21)
    assert "Passing `warnings` to `exit_json`" not in run_play.output
    assert ignored["drift"] == [] and ignored["changed"] is False
    assert checked["changed"] is True and checked["drift_corrected"] is True
    assert real_writes(kubeapi_log.request_log()) == []
    assert configmap(kubeapi_log, ns, "plan-config")["data"]["greeting"] == "manual"

    corrected, again = run_play(tmp_path, [release(kubeapi_log.kubeconfig, chart_dir, ns, drift="correct"), base])
    assert corrected["changed"] is True and corrected["status"]["revision"] == 1, corrected.get("msg")
    assert configmap(kubeapi_log, ns, "plan-config")["data"]["greeting"] == "hello"
    assert again["changed"] is False and again["drift"] == []


def test_vault_values_file_set_values_and_post_renderer(kubeapi_log, chart_dir, tmp_path):
    ns = "plan-values"
    plain = tmp_path / "secret-values.yaml"
    plain.write_text("secretWord: from-vault\ngreeting: from-file\n")
    vault = os.path.join(BIN, "ansible-vault")
    password = tmp_path / "pw"
    password.write_text("letmein")
    subprocess.run([vault, "encrypt", "--vault-password-file", str(password), str(plain)], check=True,
                   capture_output=True)
    assert plain.read_text().startswith("$ANSIBLE_VAULT")
    script = tmp_path / "add-label.py"
    script.write_text("#!%s\nimport sys\ntext = sys.stdin.read()\nsys.stdout.write(text.replace("
                      "'kind: ConfigMap\\nmetadata:\\n', 'kind: ConfigMap\\nmetadata:\\n  labels:\\n    "
                      "post-rendered: \"' + sys.argv[1] + '\"\\n'))\n" % PYTHON)
    script.chmod(0o755)
    failing = tmp_path / "fail.sh"
    failing.write_text("#!/bin/sh\necho 'kustomize: bad patch' >&2\nexit 3\n")
    failing.chmod(0o755)
    args = release(kubeapi_log.kubeconfig, chart_dir, ns, values_files=["secret-values.yaml"],
                   set_values=[{"value": "list={a,b}"}, {"value": 'list[1]=2', "value_type": "string"}],
                   post_renderer={"binary_path": str(script), "args": ["yes"]})
    bad = release(kubeapi_log.kubeconfig, chart_dir, "plan-bad", post_renderer={"binary_path": str(failing)})
    installed, failed = run_play(tmp_path, [args, bad], vault_password="letmein")
    assert installed["changed"] is True, installed.get("msg")
    assert "from-vault" not in run_play.output and "from-vault" not in json.dumps(installed)
    assert 'word: "********"' in installed["manifest"]
    live = configmap(kubeapi_log, ns, "plan-config")
    assert live["data"] == {"greeting": "from-file", "list": '["a","2"]'}
    assert live["metadata"]["labels"]["post-rendered"] == "yes"
    assert 'post-rendered: "yes"' in installed["manifest"]
    assert failed.get("failed") is True
    assert "exit status 3" in failed["msg"] and "kustomize: bad patch" in failed["msg"]

    changed = dict(args)
    changed["helmkit.core.helm_release"] = dict(args["helmkit.core.helm_release"], release_values={"extra": True})
    planned, = run_play(tmp_path, [dict(changed, check_mode=True)], diff=True, vault_password="letmein")
    assert planned["changed"] is True and planned["plan"]["create"] == ["%s/ConfigMap/plan-extra" % ns]
    assert "+extra: true" in run_play.output
    assert "from-vault" not in run_play.output and "from-vault" not in json.dumps(planned)
    assert "ZnJvbS12YXVsdA" not in run_play.output  # base64 of from-vault


@pytest.mark.parametrize("extra,message", [
    ({"timeout": "5 minutes"}, "is not a duration"),
    ({"chart_ref": "oci://127.0.0.1:1/charts/app", "require_chart_version": True}, "OCI chart without a version"),
    ({"chart_ref": "__EMPTY_DIR__"}, "directory without Chart.yaml"),
    ({"drift_ignore": ["spec.replicas"]}, "not a JSON pointer"),
    ({"post_renderer": {"binary_path": "/nonexistent/kustomize"}}, "not found"),
])
def test_plan_time_validation_fails_before_any_request(kubeapi_log, chart_dir, tmp_path, extra, message):
    if extra.get("chart_ref") == "__EMPTY_DIR__":
        (tmp_path / "empty").mkdir()
        extra = {"chart_ref": str(tmp_path / "empty")}
    kubeapi_log.clear_request_log()
    result, = run_play(tmp_path, [release(kubeapi_log.kubeconfig, chart_dir, "plan-invalid", **extra)])
    assert result.get("failed") is True and message in result["msg"], result.get("msg")
    assert kubeapi_log.request_log() == []
