"""module_utils/kcore.py: kubernetes.core.helm's options become helm_release's, with kubernetes.core's defaults,
warnings and Helm v4 flags; the reference command line; helm_info's state filter; localhost registries."""
from ansible_collections.helmkit.core.plugins.module_utils import kcore
from ansible_collections.helmkit.core.plugins.module_utils.release_task import release_defaults


def _params(**extra):
    params = {name: spec.get("default") for name, spec in dict(kcore.HELM_ARG_SPEC, **kcore.COMMON_ARG_SPEC).items()}
    params.update(release_name="app", release_namespace="web", chart_ref="./chart")
    params.update(extra)
    return params


def _native(**extra):
    warnings = []
    return kcore.release_params(_params(**extra), release_defaults(), warnings.append), warnings


def test_defaults_are_kubernetes_core_ones_translated():
    native, warnings = _native()
    assert warnings == []
    assert native["state"] == "present" and native["keep_history"] is False  # purge: true
    assert native["reset_values"] is True and native["reuse_values"] is False  # reset_values: true
    assert native["timeout"] == 300 and native["max_history"] == 10  # Helm's defaults
    assert native["field_manager"] == "helm" and native["disable_hooks"] is False


def test_renamed_and_translated_options():
    native, warnings = _native(release_state="absent", purge=False, disable_hook=True, history_max=3,
                               wait_timeout="2m", post_renderer="/bin/cat", force=True, binary_path="/bin/helm",
                               reset_values=False, reuse_values=True)
    assert native["state"] == "absent" and native["keep_history"] is True and native["disable_hooks"] is True
    assert native["max_history"] == 3 and native["timeout"] == "2m" and native["force_replace"] is True
    assert native["force_conflicts"] is False and native["server_side"] == "auto"
    assert native["post_renderer"] == {"binary_path": "/bin/cat", "args": [], "timeout": 60}
    assert native["reuse_values"] is True and native["reset_values"] is False
    assert warnings == [kcore.BINARY_PATH_WARNING]
    assert _native(timeout="90s", wait_timeout="2m")[0]["timeout"] == "90s"


def test_server_side_is_passed_as_helm_v4s_flag():
    assert _native(server_side="false")[0]["server_side"] == "false"
    native, warnings = _native(server_side="true")
    assert native["server_side"] == "true" and warnings == []


def test_connection_options_pass_through_to_the_native_path():
    native, _unused = _native(host="https://k8s.example:6443", api_key="tok-123", validate_certs=False,
                              ca_cert="/ca.pem", context="ctx")
    assert (native["host"], native["api_key"], native["validate_certs"], native["ca_cert"], native["context"]) == \
        ("https://k8s.example:6443", "tok-123", False, "/ca.pem", "ctx")
    assert _native(kubeconfig="/k")[0]["kubeconfig"] == "/k"
    # unset stays unset, so that a kubeconfig's insecure-skip-tls-verify is not overridden
    assert kcore.COMMON_ARG_SPEC["validate_certs"].get("default") is None
    assert _native()[0]["validate_certs"] is None


def test_command_line_has_no_secret_and_shows_flags():
    command = kcore.helm_command(_params(create_namespace=True, wait=True, timeout="5m", release_values={"a": 1},
                                         chart_version="1.2.3", values_files=["v.yaml"]))
    assert command == ("helm upgrade --namespace=web -i --reset-values --create-namespace --wait --timeout=5m "
                       "--version=1.2.3 --values=v.yaml --values=<release_values> app ./chart")
    assert kcore.helm_command(_params(release_state="absent", purge=False)) == \
        "helm uninstall --namespace=web --keep-history app"
    login = kcore.registry_command({"host": "r:5000", "username": "u", "password": "pw-secret", "state": "present"})
    assert "pw-secret" not in login and "--password-stdin" in login


def test_info_states_and_localhost():
    assert kcore.info_statuses([]) == ["deployed", "failed"]
    assert kcore.info_statuses(["all", "failed"]) == []
    assert kcore.info_statuses(["pending"]) == ["pending-install", "pending-upgrade", "pending-rollback"]
    assert [kcore.is_localhost(h) for h in ("localhost:5000", "127.0.0.1", "[::1]:5000", "oci://localhost/x",
                                            "registry.example:5000", "localhost.example.com")] == \
        [True, True, True, True, False, False]
    assert _native(chart_ref="oci://localhost:5000/charts/app")[0]["plain_http"] is True


def test_stdout_is_helms_text():
    output = {"changed": True, "notes": "hello\n", "status": {"namespace": "web", "status": "deployed", "revision": 1,
                                                              "description": "Install complete",
                                                              "updated": "2026-01-02T03:04:05Z"}}
    text = kcore.helm_stdout(output, _params(), installed=True)
    assert text.startswith('Release "app" does not exist. Installing it now.\nNAME: app\nLAST DEPLOYED: ')
    assert "\nSTATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete\nTEST SUITE: None\nNOTES:\nhello\n" in text
    assert kcore.helm_stdout(dict(output, changed=False), _params(), installed=False) == ""


def test_unset_validate_certs_leaves_the_kubeconfigs_insecure_skip_tls_verify():
    from ansible_collections.helmkit.core.plugins.module_utils.kube.config import resolve_connection
    kubeconfig = {"apiVersion": "v1", "kind": "Config", "current-context": "c",
                  "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1",
                                                         "insecure-skip-tls-verify": True}}],
                  "users": [{"name": "u", "user": {"token": "t"}}],
                  "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}]}
    params = _params(kubeconfig=kubeconfig)
    connection = resolve_connection(kcore.connection_options(params))
    assert connection.configuration.verify_ssl is False
    params["validate_certs"] = True
    assert resolve_connection(kcore.connection_options(params)).configuration.verify_ssl is True


def test_install_and_template_commands_word_values_flags_alike():
    sets = [{"value": "a=1"}, {"value": "b=x", "value_type": "string"}, {"value": "c={}", "value_type": "json"},
            {"value": "d=f.txt", "value_type": "file"}, {"value": "e=1,2", "value_type": "literal"}]
    flags = ("--values=v.yaml --values=<release_values> --set a=1 --set-string b=x --set-json 'c={}' "
             "--set-file d=f.txt --set-literal e=1,2")
    install = kcore.helm_command(_params(values_files=["v.yaml"], release_values={"a": 1}, set_values=sets))
    assert install.endswith(" " + flags + " app ./chart")
    template = kcore.template_command({"release_name": "app", "chart_ref": "./chart", "release_namespace": "web",
                                       "values_files": ["v.yaml"], "values": {"a": 1}, "set_values": sets})
    assert template.endswith(" " + flags)
