"""docs/migrating-from-kubernetes-core.md cannot drift from the code: its option and return-key tables are the ones
tests/helpers/kcoredoc.py derives from the modules' argument specs and RETURN docs, and every option of the
kubernetes.core-compatible adapters is either renamed or translated by module_utils/kcore.py."""

from tests.helpers import kcoredoc  # noqa: E402


def test_document_tables_are_generated_from_the_argument_specs():
    with open(kcoredoc.DOC) as handle:
        text = handle.read()
    found = kcoredoc.sections(text)
    generated = kcoredoc.tables()
    assert sorted(found) == sorted(generated), "every generated table must have its section in the document"
    for name, table in generated.items():
        assert found[name] == table + "\n", (
            "the %s table of %s differs from the code; run: .venv/bin/python -m tests.helpers.kcoredoc --write"
            % (name, kcoredoc.DOC))


def test_adapter_options_are_kubernetes_core_ones_and_all_mapped():
    from ansible_collections.helmkit.core.plugins.module_utils import kcore
    spec = kcoredoc.module_spec("helm")
    mapped = set(kcore.HELM_RENAMES) | set(kcore.HELM_TRANSLATED)
    assert set(spec) == mapped
    assert spec["reset_values"]["default"] is True and spec["purge"]["default"] is True
    assert spec["release_state"]["aliases"] == ["state"] and spec["kubeconfig"]["aliases"] == ["kubeconfig_path"]
    assert set(kcoredoc.module_spec("helm_info")) == set(kcore.HELM_INFO_TRANSLATED)


def test_native_modules_take_the_kubernetes_core_names_of_their_own_options():
    table = kcoredoc.native_table("helm_repository")
    # repo_name is required by kubernetes.core; here it may be left out with state=updated (every repository)
    for name in ("repo_state", "force_update", "repo_url", "binary_path"):
        row = next(line for line in table.splitlines() if line.startswith("| `%s`" % name))
        assert row.endswith("| same |"), row
    pull = kcoredoc.native_table("helm_pull")
    for name in ("untar_chart", "verify_chart", "verify_chart_keyring", "repo_url"):
        row = next(line for line in pull.splitlines() if line.startswith("| `%s`" % name))
        assert row.endswith("| same |"), row


def test_binary_path_has_one_doc_fragment_and_one_spec():
    """Every module taking kubernetes.core's binary_path declares it from args_common and documents it through the
    helmkit.core.binary_path fragment (one text, one spec), and is told it is ignored by kcore.warn_binary_path."""
    import yaml
    from ansible_collections.helmkit.core.plugins.module_utils import kcore
    from ansible_collections.helmkit.core.plugins.module_utils.args_common import BINARY_PATH_ARG_SPEC
    takers = [name for name in ("helm", "helm_info", "helm_pull", "helm_registry_auth", "helm_repository",
                                "helm_template", "helm_release", "helm_lint", "helm_show")
              if "binary_path" in kcoredoc.module_spec(name)]
    assert sorted(takers) == ["helm", "helm_info", "helm_pull", "helm_registry_auth", "helm_repository",
                              "helm_template"]
    for name in takers:
        assert kcoredoc.module_spec(name)["binary_path"] == BINARY_PATH_ARG_SPEC["binary_path"], name
        module = __import__("ansible_collections.helmkit.core.plugins.modules." + name, fromlist=["DOCUMENTATION"])
        doc = yaml.safe_load(module.DOCUMENTATION)
        assert "binary_path" not in doc["options"], name
        assert "helmkit.core.binary_path" in doc["extends_documentation_fragment"], name
    warnings = []
    kcore.warn_binary_path({"binary_path": None}, warnings.append)
    assert warnings == []
    kcore.warn_binary_path({"binary_path": "/usr/bin/helm"}, warnings.append)
    assert warnings == [kcore.BINARY_PATH_WARNING]
