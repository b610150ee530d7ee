"""Release records in Helm's field order, with Helm's omissions, and the module's status summary."""
from ansible_collections.helmkit.core.plugins.module_utils.release import record


def _new(**overrides):
    args = dict(name="demo", namespace="ns", version=1, chart={"metadata": {"name": "c", "version": "1.0.0",
                                                                            "appVersion": "2"}},
                config={}, manifest="---\n# Source: c/templates/x.yaml\nx: 1\n", hooks=[], notes="",
                status="pending-install", description="Initial install underway")
    args.update(overrides)
    return record.Release.new(**args)


def test_new_record_uses_go_field_order_and_omits_empty_fields():
    rel = _new()
    assert list(rel.record) == ["name", "info", "chart", "manifest", "version", "namespace", "apply_method"]
    assert list(rel.record["info"]) == ["first_deployed", "last_deployed", "description", "status"]
    assert rel.record["apply_method"] == "ssa"


def test_config_is_sorted_like_go_maps():
    rel = _new(config={"b": 1, "a": {"z": 1, "y": 2}})
    assert list(rel.record) == ["name", "info", "chart", "config", "manifest", "version", "namespace",
                                "apply_method"]
    assert list(rel.record["config"]) == ["a", "b"]
    assert list(rel.record["config"]["a"]) == ["y", "z"]


def test_set_status_keeps_order_and_stamps_deleted():
    rel = _new(notes="hello")
    rel.set_status("uninstalled", "Uninstallation complete", deleted=True)
    assert list(rel.record["info"]) == ["first_deployed", "last_deployed", "deleted", "description", "status",
                                        "notes"]
    assert rel.status == "uninstalled"


def test_hook_record_omits_zero_weight_and_keeps_last_run():
    hook = {"name": "h", "kind": "Job", "path": "c/templates/h.yaml", "manifest": "m", "events": ["pre-install"],
            "weight": 0, "delete_policies": ["before-hook-creation"]}
    assert record.hook_record(hook) == {"name": "h", "kind": "Job", "path": "c/templates/h.yaml", "manifest": "m",
                                        "events": ["pre-install"], "last_run": {"phase": ""},
                                        "delete_policies": ["before-hook-creation"]}
    assert record.hook_record(dict(hook, weight=-5))["weight"] == -5


def test_summary():
    summary = _new().summary()
    assert summary["chart"] == "c-1.0.0" and summary["app_version"] == "2" and summary["revision"] == 1
    assert summary["status"] == "pending-install"


def test_release_names_follow_helms_rule():
    import pytest
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
    from ansible_collections.helmkit.core.plugins.module_utils.release.actions import ReleaseOptions
    assert ReleaseOptions("my-app.v2").name == "my-app.v2"
    for bad in ("My_App", "-x", "a" * 54, ""):
        with pytest.raises(ReleaseError, match='invalid release name, must match regex'):
            ReleaseOptions(bad)
