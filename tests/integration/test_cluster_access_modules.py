"""kubernetes.core's connection options through ansible-playbook: the options themselves (with their aliases) on a
module and the lookup, module_defaults of the ``helm`` group carrying them to modules that do not talk to a cluster,
and tokens kept out of every byte of output, even at -vvvv (the leak scan checks the callback's results too).

Runs unchanged against HELMKIT_TEST_KUBECONFIG: the token is a ServiceAccount's (helpers/kubeauth.py).
"""
import json
import os

import pytest
import yaml

from tests.helpers import leakscan
from tests.helpers.kubeauth import ServiceAccountAccess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")


def _play(tmp_path, tasks, module_defaults=None, extra_env=None):
    import subprocess
    out = tmp_path / "results.json"
    names = []
    play_tasks = []
    for index, task in enumerate(tasks):
        play_tasks.append(dict(task, register="r%d" % index, ignore_errors=True))
        names.append("r%d" % index)
    play_tasks.append({"copy": {"content": "{{ [%s] | to_json }}" % ", ".join(names), "dest": str(out)}})
    play = {"hosts": "localhost", "gather_facts": False, "tasks": play_tasks}
    if module_defaults:
        play["module_defaults"] = module_defaults
    (tmp_path / "play.yml").write_text(yaml.safe_dump([play]))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("K8S_AUTH_", "HELM_KUBE")) and k not in ("KUBECONFIG", "HELMKIT_TEST_KUBECONFIG")}
    env.update(ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"), HOME=str(tmp_path), ANSIBLE_VERBOSITY="4")
    env.update(extra_env or {})
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           str(tmp_path / "play.yml")], env=env, cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=600, check=False)
    assert out.exists(), proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads(out.read_text()), proc.stdout + proc.stderr


def test_options_and_aliases_on_module_and_lookup(kubeapi, tmp_path):
    with ServiceAccountAccess(kubeapi, tmp_path) as access:
        if access.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); this test verifies TLS")
        token = access.token()
        options = {"host": access.host, "api_key": token, "verify_ssl": True, "ssl_ca_cert": access.ca_file}
        lookup = ("{{ query('helmkit.core.helm_release', namespace='%s', host='%s', api_key='%s', "
                  "ca_cert='%s', validate_certs=true) }}" % (access.namespace, access.host, token, access.ca_file))
        results, output = _play(tmp_path, [
            {"helmkit.core.helm_release_info": dict(options, release_name="nothing-here",
                                                    release_namespace=access.namespace)},
            {"helmkit.core.helm_release_info": dict(options, api_key="helmkit-wrong-option-token-%s" % token[:4],
                                                    release_name="nothing-here",
                                                    release_namespace=access.namespace)},
            {"ansible.builtin.set_fact": {"found": lookup}},
        ])
        leakscan.SECRETS.add("helmkit-wrong-option-token-%s" % token[:4], "wrong api_key option")
    assert results[0].get("failed") is not True, results[0]
    assert results[1]["failed"] is True
    assert results[1]["msg"] == "401 Unauthorized from %s: the token from option api_key was refused" % access.host
    assert results[2].get("failed") is not True, results[2]
    assert results[2]["ansible_facts"]["found"] == []
    assert token not in output


def test_group_module_defaults_carry_connection_options(kubeapi, tmp_path):
    """module_defaults for group/helmkit.core.helm with cluster options: modules that never talk to a cluster
    accept them (unused), the cluster modules use them."""
    with ServiceAccountAccess(kubeapi, tmp_path) as access:
        if access.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); this test verifies TLS")
        token = access.token()
        defaults = {"group/helmkit.core.helm": {"api_key": token, "ca_cert": access.ca_file, "validate_certs": True,
                                                "impersonate_groups": [], "proxy_headers": {}}}
        results, output = _play(tmp_path, [
            {"helmkit.core.helm_repository_info": {}},
            {"helmkit.core.helm_release_info": {"release_name": "x", "release_namespace": access.namespace}},
        ], module_defaults=defaults, extra_env={"K8S_AUTH_HOST": access.host})
    assert results[0].get("failed") is not True, results[0]
    assert results[1].get("failed") is not True, results[1]
    assert token not in output
