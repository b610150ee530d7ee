"""AWX-style jobs, end to end through ansible-runner (the engine AWX runs jobs with), with no kubeconfig anywhere:

* a job with exactly the environment AWX's "OpenShift or Kubernetes API Bearer Token" credential injects
  (K8S_AUTH_HOST, K8S_AUTH_API_KEY, K8S_AUTH_VERIFY_SSL=True, K8S_AUTH_SSL_CA_CERT naming a file);
* a job in a "container group" pod: in-cluster configuration (KUBERNETES_SERVICE_HOST/PORT and the service-account
  token, CA and namespace, through the overridable paths HELMKIT_IN_CLUSTER_TOKEN_FILE, HELMKIT_IN_CLUSTER_CA_FILE
  and HELMKIT_IN_CLUSTER_NAMESPACE_FILE).

Each job installs a chart, runs again without a change, reads the release back through the helm_release lookup
and through helm_release_info without a namespace (the pod's namespace in a pod, else ``default``),
and an inventory sync (ansible-inventory through ansible-runner, as AWX's inventory updates run) reads it through the
helm_releases inventory plugin. Runs unchanged against HELMKIT_TEST_KUBECONFIG: the token is a ServiceAccount's,
from the TokenRequest API; the release and its namespace are removed afterwards, also on failure.
"""
import json
import os
import secrets
import urllib.parse

import ansible_runner
import pytest
import yaml

from tests.helpers import leakscan
from tests.helpers.kubeauth import ServiceAccountAccess


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")
RELEASE = "awx-demo"

JOB = """
- name: AWX job
  hosts: localhost
  gather_facts: false
  tasks:
    - name: install
      helmkit.core.helm_release:
        release_name: %(release)s
        release_namespace: %(namespace)s
        chart_ref: %(chart)s
        create_namespace: true
        values: {greeting: hello}
      register: install
    - name: install again
      helmkit.core.helm_release:
        release_name: %(release)s
        release_namespace: %(namespace)s
        chart_ref: %(chart)s
        values: {greeting: hello}
      register: again
    - name: read back
      ansible.builtin.set_fact:
        found: "{{ lookup('helmkit.core.helm_release', '%(release)s', namespace='%(namespace)s') }}"
    - name: read back without a namespace (a pod's own; else default)
      helmkit.core.helm_release_info:
        release_name: %(release)s
      register: unnamed
    - name: save
      ansible.builtin.copy:
        content: "{{ {'install': install, 'again': again, 'found': found, 'unnamed': unnamed} | to_json }}"
        dest: %(out)s
"""


def _chart(directory):
    chart = directory / "awx-demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: awx-demo\nversion: 0.1.0\nappVersion: '1.0'\n")
    (chart / "values.yaml").write_text("greeting: hi\n")
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n"
        "  greeting: {{ .Values.greeting | quote }}\n")
    return str(chart)


def _environment(mode, access, tmp_path, namespace):
    """The job's credential environment, as AWX injects it (bearer token) or as a container-group pod in
    ``namespace`` has it (the service account's token, CA and namespace files)."""
    token = access.token()
    if mode == "bearer-token":
        return {"K8S_AUTH_HOST": access.host, "K8S_AUTH_API_KEY": token, "K8S_AUTH_VERIFY_SSL": "True",
                "K8S_AUTH_SSL_CA_CERT": access.ca_file}
    token_file = tmp_path / "serviceaccount-token"
    token_file.write_text(token)
    parsed = urllib.parse.urlsplit(access.host)
    namespace_file = tmp_path / "serviceaccount-namespace"
    namespace_file.write_text(namespace)
    return {"KUBERNETES_SERVICE_HOST": parsed.hostname, "KUBERNETES_SERVICE_PORT": str(parsed.port or 443),
            "HELMKIT_IN_CLUSTER_TOKEN_FILE": str(token_file), "HELMKIT_IN_CLUSTER_CA_FILE": access.ca_file,
            "HELMKIT_IN_CLUSTER_NAMESPACE_FILE": str(namespace_file)}


@pytest.fixture
def no_kubeconfig(monkeypatch, tmp_path):
    """Nothing of the test's own cluster configuration reaches the job: no KUBECONFIG, no K8S_AUTH_*/HELM_KUBE*,
    a HOME without ~/.kube."""
    for name in list(os.environ):
        if name.startswith(("K8S_AUTH_", "HELM_KUBE", "KUBERNETES_SERVICE_", "HELMKIT_IN_CLUSTER_")) \
                or name in ("KUBECONFIG", "HELMKIT_TEST_KUBECONFIG", "HELM_NAMESPACE", "POD_NAMESPACE"):
            monkeypatch.delenv(name)
    home = tmp_path / "job-home"
    home.mkdir()
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
    return {"HOME": str(home), "ANSIBLE_COLLECTIONS_PATH": TREE, "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_PYTHON_INTERPRETER": os.path.join(BIN, "python"), "ANSIBLE_LOCALHOST_WARNING": "0",
            "HELM_CONFIG_HOME": str(home / "helm-config"), "HELM_CACHE_HOME": str(home / "helm-cache")}


def _capture(label, text):
    leakscan.CAPTURE.add(label, text or "")


@pytest.mark.parametrize("mode", ["bearer-token", "in-cluster"])
def test_awx_job(kubeapi, tmp_path, no_kubeconfig, mode):
    access = ServiceAccountAccess(kubeapi, tmp_path)
    namespace = "helmkit-awx-%s" % secrets.token_hex(3)
    with access:
        if access.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA to give K8S_AUTH_SSL_CA_CERT (AWX's credential has one)")
        try:
            env = dict(no_kubeconfig, **_environment(mode, access, tmp_path, namespace))
            assert not os.path.exists(os.path.join(env["HOME"], ".kube"))
            project = tmp_path / "runner" / "project"
            project.mkdir(parents=True)
            out = tmp_path / "job-result.json"
            (project / "job.yml").write_text(JOB % {"release": RELEASE, "namespace": namespace,
                                                    "chart": _chart(tmp_path), "out": out})
            (tmp_path / "runner" / "inventory").mkdir()
            (tmp_path / "runner" / "inventory" / "hosts").write_text("localhost ansible_connection=local\n")
            job = ansible_runner.run(private_data_dir=str(tmp_path / "runner"), playbook="job.yml", envvars=env,
                                     quiet=True)
            stdout = job.stdout.read()
            _capture("ansible-runner job (%s)" % mode, stdout)
            _capture("ansible-runner job events (%s)" % mode, json.dumps(list(job.events)))
            assert (job.status, job.rc) == ("successful", 0), stdout[-4000:]
            result = json.loads(out.read_text())
            assert result["install"]["changed"] is True and result["install"]["status"]["status"] == "deployed"
            assert result["again"]["changed"] is False
            assert result["found"]["name"] == RELEASE and result["found"]["status"] == "deployed"
            assert result["found"]["revision"] == 1
            if mode == "in-cluster":  # the pod's namespace, as Helm uses it in a pod
                assert result["unnamed"]["namespaces"] == [namespace]
                assert result["unnamed"]["release"]["namespace"] == namespace
            else:  # no kubeconfig context: default
                assert (result["unnamed"]["namespaces"], result["unnamed"]["releases"]) == (["default"], [])

            sources = tmp_path / "inventory-sync"
            sources.mkdir()
            (sources / "awx.helm_releases.yml").write_text(yaml.safe_dump({
                "plugin": "helmkit.core.helm_releases", "connections": [{"name": "awx", "namespaces": [namespace]}]}))
            listing, errors = ansible_runner.get_inventory(
                action="list", inventories=[str(sources / "awx.helm_releases.yml")], response_format="json",
                envvars=env, quiet=True, private_data_dir=str(tmp_path / "inventory-runner"))
            _capture("ansible-runner inventory sync (%s)" % mode, json.dumps(listing) + str(errors))
            listing = json.loads(json.dumps(listing), object_hook=_plain)
            host = "awx/%s/%s" % (namespace, RELEASE)
            assert host in listing["helm_cluster_awx"]["hosts"], (listing, errors)
            variables = listing["_meta"]["hostvars"][host]
            assert (variables["helm_status"], variables["helm_revision"]) == ("deployed", 1)
            assert variables["helm_values"] == {"greeting": "hello"}
        finally:
            _uninstall(access, namespace)


def _plain(obj):
    """ansible-inventory marks values from inventory plugins as never templated: {"__ansible_unsafe": value}."""
    return obj["__ansible_unsafe"] if list(obj) == ["__ansible_unsafe"] else obj


def _uninstall(access, namespace):
    """Remove what the job created: the release's objects go with their namespace."""
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
    try:
        access.admin.request("DELETE", "/api/v1/namespaces/%s" % namespace)
    except ApiError as err:
        if err.status != 404:
            raise


def test_awx_job_with_a_refused_token(kubeapi, tmp_path, no_kubeconfig):
    """The job fails with one message naming the source of the token, and the token appears nowhere in its
    output (it is registered with the leak scan)."""
    with ServiceAccountAccess(kubeapi, tmp_path) as access:
        if access.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA to give K8S_AUTH_SSL_CA_CERT (AWX's credential has one)")
        wrong = "helmkit-refused-awx-token-%s" % secrets.token_hex(8)
        leakscan.SECRETS.add(wrong, "refused AWX token")
        env = dict(no_kubeconfig, K8S_AUTH_HOST=access.host, K8S_AUTH_API_KEY=wrong, K8S_AUTH_VERIFY_SSL="True",
                   K8S_AUTH_SSL_CA_CERT=access.ca_file)
        project = tmp_path / "runner" / "project"
        project.mkdir(parents=True)
        (project / "job.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": [
            {"helmkit.core.helm_release_info": {"release_name": RELEASE, "release_namespace": access.namespace}}]}]))
        (tmp_path / "runner" / "inventory").mkdir()
        (tmp_path / "runner" / "inventory" / "hosts").write_text("localhost ansible_connection=local\n")
        job = ansible_runner.run(private_data_dir=str(tmp_path / "runner"), playbook="job.yml", envvars=env,
                                 quiet=True)
        stdout = job.stdout.read()
        _capture("ansible-runner refused job", stdout)
        _capture("ansible-runner refused job events", json.dumps(list(job.events)))
        assert job.status == "failed"
        failed = [e for e in job.events if e.get("event") == "runner_on_failed"]
        assert len(failed) == 1
        message = failed[0]["event_data"]["res"]["msg"]
        assert message == "401 Unauthorized from %s: the token from K8S_AUTH_API_KEY was refused" % access.host
        assert wrong not in stdout
