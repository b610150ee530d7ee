"""The namespace a task uses when it names none (kube/config.py: resolve_namespace), by Helm's rule
(pkg/cli/environment.go EnvSettings.Namespace): the option, else HELM_NAMESPACE, else the namespace of the kubeconfig
context the connection uses, else the pod's (in-cluster), else "default". No cluster needed: environments are dicts,
kubeconfigs files of the test's own."""
import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.kube.config import resolve_namespace


def _kubeconfig(path, current="a", namespaces=None):
    namespaces = {"a": "from-a", "b": "from-b", "c": None} if namespaces is None else namespaces
    contexts = [{"name": name, "context": dict({"cluster": "k", "user": "u"}, **({"namespace": ns} if ns else {}))}
                for name, ns in namespaces.items()]
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Config", "current-context": current,
                                    "clusters": [{"name": "k", "cluster": {"server": "https://127.0.0.1:1"}}],
                                    "users": [{"name": "u", "user": {"token": "t"}}], "contexts": contexts}))
    return str(path)


@pytest.fixture
def env(tmp_path):
    """An environment whose default kubeconfig (KUBECONFIG) has contexts a (namespace from-a, current), b, c."""
    return {"KUBECONFIG": _kubeconfig(tmp_path / "config"), "HOME": str(tmp_path)}


def test_the_option_wins_over_everything(env):
    env["HELM_NAMESPACE"] = "from-helm"
    assert resolve_namespace("explicit", {"context": "b"}, env) == ("explicit", "option")


def test_helm_namespace_wins_over_the_context(env):
    env["HELM_NAMESPACE"] = "from-helm"
    assert resolve_namespace(None, {}, env) == ("from-helm", "HELM_NAMESPACE")


def test_the_current_context_namespace(env):
    assert resolve_namespace(None, {}, env) == ("from-a", "the namespace of kubeconfig context 'a'")


def test_the_chosen_context_namespace_from_option_k8s_auth_and_helm_variables(env):
    assert resolve_namespace(None, {"context": "b"}, env)[0] == "from-b"
    assert resolve_namespace(None, {}, dict(env, K8S_AUTH_CONTEXT="b"))[0] == "from-b"
    assert resolve_namespace(None, {}, dict(env, HELM_KUBECONTEXT="b"))[0] == "from-b"
    assert resolve_namespace(None, {"context": "c"}, env) == ("default", "default")


def test_kubeconfig_given_as_path_dict_or_text(env, tmp_path):
    other = _kubeconfig(tmp_path / "other", current="b")
    assert resolve_namespace(None, {"kubeconfig": other}, env)[0] == "from-b"
    assert resolve_namespace(None, {}, dict(env, K8S_AUTH_KUBECONFIG=other))[0] == "from-b"
    data = yaml.safe_load(open(other).read())
    assert resolve_namespace(None, {"kubeconfig": data}, env)[0] == "from-b"
    assert resolve_namespace(None, {"kubeconfig": open(other).read()}, env)[0] == "from-b"


def test_merged_kubeconfig_files(tmp_path):
    first = _kubeconfig(tmp_path / "one", current="c", namespaces={"c": None})
    second = _kubeconfig(tmp_path / "two", current="x", namespaces={"x": "from-x"})
    assert resolve_namespace(None, {"context": "x"}, {"KUBECONFIG": first + ":" + second})[0] == "from-x"


def test_host_with_its_own_token_reads_no_kubeconfig(env):
    assert resolve_namespace(None, {"host": "https://k", "api_key": "t"}, env) == ("default", "default")
    assert resolve_namespace(None, {}, dict(env, K8S_AUTH_HOST="https://k", K8S_AUTH_API_KEY="t",
                                            HELM_NAMESPACE="h"))[0] == "h"


def test_in_cluster_pod_namespace(tmp_path):
    token, namespace_file = tmp_path / "token", tmp_path / "namespace"
    token.write_text("t")
    namespace_file.write_text("apps\n")
    pod = {"KUBECONFIG": str(tmp_path / "none"), "KUBERNETES_SERVICE_HOST": "10.0.0.1",
           "KUBERNETES_SERVICE_PORT": "443", "HELMKIT_IN_CLUSTER_TOKEN_FILE": str(token),
           "HELMKIT_IN_CLUSTER_NAMESPACE_FILE": str(namespace_file)}
    assert resolve_namespace(None, {}, pod) == ("apps", "the in-cluster namespace file %s" % namespace_file)
    assert resolve_namespace(None, {}, dict(pod, POD_NAMESPACE="downward")) == ("downward", "POD_NAMESPACE")
    assert resolve_namespace(None, {}, dict(pod, HELM_NAMESPACE="h"))[0] == "h"
    namespace_file.unlink()
    assert resolve_namespace(None, {}, pod) == ("default", "default")


def test_nothing_configured_or_unreadable_is_default(tmp_path):
    assert resolve_namespace(None, {}, {"KUBECONFIG": str(tmp_path / "none")}) == ("default", "default")
    broken = tmp_path / "broken"
    broken.write_text(": not yaml : [")
    assert resolve_namespace(None, {}, {"KUBECONFIG": str(broken)}) == ("default", "default")
