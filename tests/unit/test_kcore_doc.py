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
