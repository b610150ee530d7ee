"""Issue 15's done-when: ``ansible-doc`` lists kubernetes.core's connection options (with their K8S_AUTH_*
variables) on every plugin that talks to a cluster - the release modules, the kubernetes.core-compatible ones,
the modules and lookup that read a ``credentials_secret`` from the cluster, the helm_release lookup and the
helm_releases inventory's connections - exactly the options each one's argument spec takes."""
import json
import os
import subprocess

from ansible_collections.helmkit.core.plugins.module_utils.args_common import (
    KUBE_AUTH_ARG_SPEC, KUBE_AUTH_CHART_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC)
from ansible_collections.helmkit.core.plugins.module_utils.kube.config import AUTH_OPTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")

FULL, CHART, SECRET = set(KUBE_AUTH_ARG_SPEC), set(KUBE_AUTH_CHART_ARG_SPEC), set(KUBE_AUTH_UNUSED_ARG_SPEC)
# kubernetes.core's own helm and helm_info take these six (their drop-ins here keep exactly kubernetes.core's options)
KCORE = {"kubeconfig", "context", "host", "api_key", "validate_certs", "ca_cert"}
EXPECTED = {
    ("module", "helm_release"): CHART, ("module", "helm"): KCORE, ("module", "helm_release_info"): FULL,
    ("module", "helm_test"): FULL, ("module", "helm_info"): KCORE,
    ("module", "helm_pull"): SECRET, ("module", "helm_show"): SECRET, ("module", "helm_template"): SECRET,
    ("module", "helm_dependency"): SECRET, ("module", "helm_push"): SECRET,
    ("lookup", "helm_release"): FULL, ("lookup", "helm_oci_tags"): SECRET,
}


def _docs(kind, names):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "-t", kind, "--json"]
                          + ["helmkit.core." + name for name in names], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {name.split(".")[-1]: value["doc"] for name, value in json.loads(proc.stdout).items()}


def _text(option):
    description = option.get("description")
    return " ".join(description) if isinstance(description, list) else str(description)


def test_every_cluster_plugin_documents_the_connection_options():
    for kind in ("module", "lookup"):
        names = sorted(name for k, name in EXPECTED if k == kind)
        docs = _docs(kind, names)
        for name in names:
            options = docs[name]["options"]
            missing = EXPECTED[(kind, name)] - set(options)
            assert not missing, "%s %s documents no %s" % (kind, name, sorted(missing))
            assert "K8S_AUTH_API_KEY" in _text(options["api_key"]), name
            assert "K8S_AUTH_KUBECONFIG" in _text(options["kubeconfig"]), name
            if EXPECTED[(kind, name)] is SECRET:
                assert "credentials_secret" in _text(options["kubeconfig"]), name


def test_the_inventory_documents_them_per_connection():
    connection = _docs("inventory", ["helm_releases"])["helm_releases"]["options"]["connections"]["suboptions"]
    assert set(AUTH_OPTIONS) <= set(connection)
    assert "K8S_AUTH_API_KEY" in _text(connection["api_key"])
