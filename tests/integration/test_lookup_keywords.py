"""Every lookup rejects keywords that are not its options (issue 21): a misspelled keyword used to be dropped
silently by ansible-core (`valuess=` rendered without the values). Checked through ansible-playbook, exact text."""
import json
import os
import subprocess

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")

LOOKUPS = [
    ("helm_template", "'./chart', valuess={'a': 1}", "lookup helmkit.core.helm_template: unknown keyword 'valuess' "
     "(did you mean 'values'?); its options are: api_versions, ca_file, cert_file, chart_repo_url, chart_version, "
     "credentials_secret, credentials_secret_fallback_namespace, devel, include_crds, insecure_skip_tls_verify, "
     "is_upgrade, key_file, kube_version, output, pass_credentials, password, plain_http, registry_config, "
     "release_name, release_namespace, repository_cache, repository_config, revision, set_values, show_only, "
     "skip_tests, token, update_repo_cache, username, values, values_files"),
    ("helm_search", "'nginx', versoin='1', zzz=2", "lookup helmkit.core.helm_search: unknown keywords 'versoin' (did "
     "you mean 'version'?), 'zzz'; its options are: allow, deny, devel, regexp, repositories, repository_cache, "
     "repository_config, version, version_from, version_to, versions"),
    ("helm_release", "'web', revison=2", "lookup helmkit.core.helm_release: unknown keyword 'revison' (did "
     "you mean 'revision'?); its options are: all_namespaces, all_values, api_key, ca_cert, chart, client_cert, "
     "client_key, context, history, host, impersonate_groups, impersonate_user, kubeconfig, namespaces, no_proxy, "
     "password, persist_config, proxy, proxy_headers, release_namespace, revision, status, storage_driver, username, "
     "validate_certs"),
    ("helm_catalog", "'bitnami', valuse='latest'", "lookup helmkit.core.helm_catalog: unknown keyword 'valuse' (did "
     "you mean 'values'?); its options are: allow, deny, devel, repository_cache, repository_config, values"),
    ("helm_search_hub", "'nginx', max_result=3", "lookup helmkit.core.helm_search_hub: unknown keyword 'max_result' "
     "(did you mean 'max_results'?); its options are: ca_file, endpoint, max_results, timeout"),
    ("helm_oci_tags", "'oci://localhost:1/x', tokn='t'", "lookup helmkit.core.helm_oci_tags: unknown keyword 'tokn' "
     "(did you mean 'token'?); its options are: api_key, ca_cert, ca_file, cert_file, client_cert, client_key, "
     "context, credentials_secret, credentials_secret_fallback_namespace, impersonate_groups, impersonate_user, "
     "insecure_skip_tls_verify, key_file, kubeconfig, no_proxy, page_size, password, persist_config, plain_http, "
     "proxy, proxy_headers, registry_config, token, username, validate_certs"),
]


def test_unknown_keywords_fail_with_the_options(tmp_path):
    tasks = [{"name": name, "set_fact": {"x": "{{ lookup('helmkit.core.%s', %s) }}" % (name, args)},
              "register": "r%d" % i, "ignore_errors": True} for i, (name, args, _msg) in enumerate(LOOKUPS)]
    out = tmp_path / "results.json"
    tasks.append({"name": "save", "copy": {"content": "{{ [%s] | to_json }}" % ", ".join(
        "r%d" % i for i in range(len(LOOKUPS))), "dest": str(out)}})
    playbook = [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(playbook))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", "play.yml"],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads(out.read_text())
    for (name, _args, expected), result in zip(LOOKUPS, results):
        assert result["failed"] is True, name
        assert expected in result["msg"], (name, result["msg"])


def test_every_lookup_is_checked():
    lookups = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "lookup"))
                     if name.endswith(".py") and not name.startswith("_"))
    assert sorted(name for name, _args, _msg in LOOKUPS) == lookups
