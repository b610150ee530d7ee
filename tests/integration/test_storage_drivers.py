"""Helm v4's ConfigMap storage driver (``storage_driver: configmap`` / ``HELM_DRIVER=configmap``) against real Helm
(helm_python with ``storage_driver="configmap"``) on the test Kubernetes API: each side writes, the other lists,
upgrades and rolls back, and the stored objects agree in name, labels and encoding. Runs unchanged on a real cluster
(HELMKIT_TEST_KUBECONFIG); every test deletes its namespace.
"""
import base64

import pytest

from ansible_collections.helmkit.core.plugins.module_utils import release_task
from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, inputs, rollback, \
    uninstall
from ansible_collections.helmkit.core.plugins.module_utils.release.codec import decode_release
from ansible_collections.helmkit.core.plugins.module_utils.release.query import ReleaseQuery
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import ReleaseStorage, resolve_driver
from tests.helpers import helmref
from tests.helpers.corpus import PODINFO

CM = "configmap"


def _options(name, namespace, **extra):
    return actions.ReleaseOptions(name, namespace, field_manager="python", timeout=60, storage_driver=CM, **extra)


def _ours(client, name, namespace, values, **extra):
    options = _options(name, namespace, **extra)
    render = inputs.cluster_renderer(client, name, namespace)
    return release_task.ensure_present_recovering(client, options, inputs.resolve_chart(PODINFO), values, render)


def _stored(client, namespace, kind):
    listing = client.request("GET", "/api/v1/namespaces/%s/%s" % (namespace, kind),
                             query=[("labelSelector", "owner=helm")])
    return {item["metadata"]["name"]: item for item in listing.get("items") or []}


def _shape(obj):
    """What must match between Helm's ConfigMap and ours: kind, type, label keys and fixed label values, data keys,
    and a data.release that decodes as Helm's decodeRelease reads it (base64 of gzip, not base64 twice)."""
    labels = obj["metadata"]["labels"]
    record = decode_release(obj["data"]["release"])
    return (obj.get("kind", "ConfigMap"), obj.get("type"), sorted(set(labels) - {"createdAt", "modifiedAt"}),
            labels["owner"], sorted(obj["data"]), record["name"], record["version"] == int(labels["version"]),
            base64.b64decode(obj["data"]["release"])[:3])


def test_helm_writes_configmaps_we_list_upgrade_and_roll_back(kubeapi, client, namespace):
    helm = helmref.config(kubeapi.kubeconfig, namespace, storage_driver=CM)
    helm.install(PODINFO, "pi", {"ui": {"message": "helm"}}, namespace=namespace)
    assert list(_stored(client, namespace, "configmaps")) == ["sh.helm.release.v1.pi.v1"]
    listed = ReleaseQuery(client, CM).history("pi", namespace)
    assert [(r.version, r.status, r.config) for r in listed] == [(1, "deployed", {"ui": {"message": "helm"}})]
    assert ReleaseQuery(client, "secret").history("pi", namespace) == []

    upgraded = _ours(client, "pi", namespace, {"ui": {"message": "ours"}})
    assert upgraded.changed and upgraded.release.version == 2
    result = rollback.rollback(client, _options("pi", namespace))
    assert result.release.version == 3 and result.target.version == 1

    assert _stored(client, namespace, "secrets") == {}, "the ConfigMap driver must not write Secrets"
    stored = _stored(client, namespace, "configmaps")
    assert sorted(stored) == ["sh.helm.release.v1.pi.v%d" % n for n in (1, 2, 3)]
    helm_shape = _shape(stored["sh.helm.release.v1.pi.v1"])
    assert _shape(stored["sh.helm.release.v1.pi.v2"]) == helm_shape == _shape(stored["sh.helm.release.v1.pi.v3"])
    assert helm_shape[2] == ["name", "owner", "status", "version"] and helm_shape[-1] == b"\x1f\x8b\x08"
    assert [(r["revision"], r["status"]) for r in helm.history("pi")] == [
        (1, "superseded"), (2, "superseded"), (3, "deployed")]
    assert [r.description for r in ReleaseStorage(client, namespace, CM).history("pi")] == [
        "Install complete", "Upgrade complete", "Rollback to 1"]
    assert helm.get_values("pi") == {"ui": {"message": "helm"}}
    assert [(r["name"], r["revision"], r["status"]) for r in helm.list()] == [("pi", 3, "deployed")]
    helm.uninstall("pi")
    assert _stored(client, namespace, "configmaps") == {}


def test_we_write_configmaps_helm_upgrades_and_rolls_back_we_uninstall(kubeapi, client, namespace):
    installed = _ours(client, "pi", namespace, {"ui": {"message": "one"}}, labels={"team": "web"})
    assert installed.changed and installed.release.version == 1
    assert _stored(client, namespace, "secrets") == {}
    ours = _stored(client, namespace, "configmaps")["sh.helm.release.v1.pi.v1"]
    assert ours["metadata"]["labels"]["team"] == "web" and "modifiedAt" in ours["metadata"]["labels"]
    helm = helmref.config(kubeapi.kubeconfig, namespace, storage_driver=CM)
    assert [(r["name"], r["revision"], r["status"]) for r in helm.list()] == [("pi", 1, "deployed")]
    helm.upgrade(PODINFO, "pi", {"ui": {"message": "two"}}, namespace=namespace)
    helm.rollback("pi", version=1)
    stored = _stored(client, namespace, "configmaps")
    assert _shape(stored["sh.helm.release.v1.pi.v2"]) == _shape(ours)
    history = ReleaseStorage(client, namespace, CM).history("pi")
    assert [(r.version, r.status, r.labels.get("team")) for r in history] == [
        (1, "superseded", "web"), (2, "superseded", "web"), (3, "deployed", "web")]
    again = _ours(client, "pi", namespace, {"ui": {"message": "one"}})
    assert again.changed is False and again.release.version == 3
    gone = uninstall.uninstall(client, _options("pi", namespace, wait=True))
    assert gone.changed and helm.list(all_states=True) == []
    assert _stored(client, namespace, "configmaps") == {}


@pytest.mark.parametrize("value, env, expected", [
    (None, None, "secret"), (None, "configmaps", "configmap"), (None, "Secrets", "secret"), (None, "", "secret"),
    ("configmap", "secret", "configmap"), ("secret", "configmap", "secret")])
def test_resolve_driver_honours_helm_driver(monkeypatch, value, env, expected):
    if env is None:
        monkeypatch.delenv("HELM_DRIVER", raising=False)
    else:
        monkeypatch.setenv("HELM_DRIVER", env)
    assert resolve_driver(value) == expected


@pytest.mark.parametrize("value, env, named", [(None, "sql", "storage driver 'sql' is not supported (set by HELM_DRIVER)"),
                                               ("memory", None, "storage driver 'memory' is not supported (set by "
                                                                "storage_driver)")])
def test_unsupported_driver_is_a_clear_error(monkeypatch, value, env, named):
    monkeypatch.delenv("HELM_DRIVER", raising=False)
    if env:
        monkeypatch.setenv("HELM_DRIVER", env)
    with pytest.raises(ReleaseError) as caught:
        ReleaseStorage(None, "ns", value)
    assert str(caught.value).startswith(named + ": use secret or configmap")


def test_modules_follow_helm_driver_from_the_environment(kubeapi, client, namespace, tmp_path, monkeypatch):
    """HELM_DRIVER=configmap in the task's environment: helm_release installs, upgrades and rolls back in
    ConfigMaps, helm_test and helm_release_info find the release, and Helm with the ConfigMap driver sees it."""
    from tests.helpers.playbook import run_module_tasks as run_play

    monkeypatch.setenv("HELM_DRIVER", "configmaps")
    base = {"release_name": "pi", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig,
            "field_manager": "python", "timeout": 120}
    present = dict(base, chart_ref=PODINFO)
    info = {"release_name": "pi", "release_namespace": namespace, "kubeconfig": kubeapi.kubeconfig}
    results = run_play(tmp_path, [
        ("helm_release", dict(present, values={"ui": {"message": "one"}})),
        ("helm_release", dict(present, values={"ui": {"message": "two"}})),
        ("helm_release", dict(base, state="rollback")),
        ("helm_test", dict(base, _check_mode=True)),
        ("helm_release_info", dict(info)),
        ("helm_release_info", dict(info, storage_driver="secret")),
    ])
    for result in results[:5]:
        assert not result.get("failed"), result.get("msg")
    assert [r["changed"] for r in results[:3]] == [True, True, True]
    assert results[3]["status"]["revision"] == 3
    assert [r["revision"] for r in results[4]["releases"]] == [3]
    assert results[5].get("releases") == []
    assert _stored(client, namespace, "secrets") == {}
    assert sorted(_stored(client, namespace, "configmaps")) == ["sh.helm.release.v1.pi.v%d" % n for n in (1, 2, 3)]
    helm = helmref.config(kubeapi.kubeconfig, namespace, storage_driver=CM)
    assert [(r["revision"], r["status"]) for r in helm.history("pi")] == [
        (1, "superseded"), (2, "superseded"), (3, "deployed")]
    helm.uninstall("pi")
