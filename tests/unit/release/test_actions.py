"""Release actions against the Kubernetes API emulator (fixture ``kubeconfig``): what is written, in which order,
what is stored, and that an unchanged re-run writes nothing.

Charts here are tiny ones written by the tests; their manifests are composed in Helm's stored format by hand because
these tests exercise the release actions, not rendering (rendering is compared with Helm elsewhere).
"""
import base64
import json
import zlib

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError, KubeError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions, uninstall
from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
from tests.helpers.releasecharts import (NS, Rendered, clear_log, configmap, doc, make_render, options, requests,
                                         simple_build, writes)


def secret(client, name, version):
    return client.request("GET", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.%s.v%d" % (NS, name, version))


def decoded(sec):
    raw = base64.b64decode(base64.b64decode(sec["data"]["release"]))
    assert raw[:10].hex() == "1f8b08000000000002ff"
    return json.loads(zlib.decompress(raw, 31))


def test_install_writes_in_helms_order_and_stores_helms_record(client, chart):
    clear_log(client)
    result = actions.ensure_present(client, options(), chart, {"greeting": "hi"}, make_render(simple_build))
    assert result.changed and result.action == "install" and result.release.version == 1
    assert writes(client) == [
        ("POST", "/api/v1/namespaces/%s/secrets" % NS),
        ("PATCH", "/api/v1/namespaces/%s/configmaps/demo-config" % NS),
        ("PUT", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.demo.v1" % NS),
    ]
    patch = [r for r in requests(client) if r["method"] == "PATCH"][0]
    assert patch["content_type"] == "application/apply-patch+yaml"
    assert patch["query"] == "fieldManager=helm&fieldValidation=Strict&force=false"
    sec = secret(client, "demo", 1)
    assert sec["type"] == "helm.sh/release.v1"
    labels = sec["metadata"]["labels"]
    assert {k: labels[k] for k in ("name", "owner", "status", "version")} == \
        {"name": "demo", "owner": "helm", "status": "deployed", "version": "1"}
    assert "modifiedAt" in labels and "createdAt" not in labels
    record = decoded(sec)
    assert list(record) == ["name", "info", "chart", "config", "manifest", "version", "namespace", "apply_method"]
    assert record["info"]["status"] == "deployed" and record["info"]["description"] == "Install complete"
    assert record["config"] == {"greeting": "hi"}
    assert record["chart"]["metadata"] == {"name": "demo", "version": "1.2.3", "apiVersion": "v2",
                                           "appVersion": "4.5"}
    live = client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-config" % NS)
    assert live["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    assert live["metadata"]["annotations"]["meta.helm.sh/release-name"] == "demo"
    assert live["metadata"]["annotations"]["meta.helm.sh/release-namespace"] == NS


def test_unchanged_rerun_makes_no_write(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi"}, render)
    clear_log(client)
    result = actions.ensure_present(client, options(), chart, {"greeting": "hi"}, render)
    assert not result.changed and result.action == "none" and result.release.version == 1
    assert writes(client) == []
    # One render per run: the check renders the next revision (what an upgrade would apply), not the stored one.
    assert render.calls[1:] == [({"greeting": "hi"}, 2, True)]


def test_changed_release_renders_once(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi"}, render)
    result = actions.ensure_present(client, options(), chart, {"greeting": "bye"}, render)
    assert result.action == "upgrade" and result.release.version == 2
    assert render.calls[1:] == [({"greeting": "bye"}, 2, True)]


def test_chart_printing_its_revision_stays_unchanged(client, chart):
    # A template that reads the revision is rendered as the stored revision for the check (release/unchanged.py).
    chart.templates[0].data = b'revision: {{ .Release.Revision }} {{ .Release.IsUpgrade }}\n'

    def build(chart_, values, revision, is_upgrade):
        text = configmap("demo-config", {"revision": '"%d"' % revision, "upgrade": '"%s"' % is_upgrade})
        return Rendered(chart_, doc("cm.yaml", text))
    render = make_render(build)
    actions.ensure_present(client, options(), chart, {}, render)
    upgraded = actions.ensure_present(client, options(), chart, {"v": 2}, render)
    assert upgraded.release.version == 2
    clear_log(client)
    again = actions.ensure_present(client, options(), chart, {"v": 2}, render)
    assert not again.changed and again.release.version == 2
    assert render.calls[-1] == ({"v": 2}, 2, True)
    assert writes(client) == []


def test_random_output_upgrades_like_helm(client, chart):
    counter = []

    def build(chart_, values, revision, is_upgrade):
        counter.append(1)
        return Rendered(chart_, doc("cm.yaml", configmap("demo-config", {"password": "p%d" % len(counter)})))
    actions.ensure_present(client, options(), chart, {}, make_render(build))
    again = actions.ensure_present(client, options(), chart, {}, make_render(build))
    assert again.changed and again.release.version == 2


def test_hooks_unchanged_up_to_a_random_name_but_a_changed_body_upgrades(client, chart):
    """release/unchanged.same_hooks: a test hook named with randAlphaNum (podinfo) keeps the release unchanged; a
    hook whose body differs (a random password) makes it upgrade, as the manifest would."""
    counter = []

    def build(body):
        def with_hook(chart_, values, revision, is_upgrade):
            counter.append(1)
            rendered = simple_build(chart_, values, revision, is_upgrade)
            name = "demo-test-%05d" % len(counter)
            rendered.hooks = [{"name": name, "kind": "Pod", "path": "demo/templates/tests/t.yaml", "events": ["test"],
                               "weight": 0, "delete_policies": ["before-hook-creation"],
                               "manifest": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n%s\n"
                                           % (name, body.replace("N", str(len(counter))))}]
            return rendered
        return make_render(with_hook)
    actions.ensure_present(client, options(), chart, {}, build("spec: {}"))
    clear_log(client)
    again = actions.ensure_present(client, options(), chart, {}, build("spec: {}"))
    assert not again.changed and again.release.version == 1 and writes(client) == []
    changed = actions.ensure_present(client, options(), chart, {}, build("# password pN"))
    assert changed.changed and changed.release.version == 2


def test_rerun_reinstalls_objects_deleted_behind_our_back(client, chart):
    actions.ensure_present(client, options(), chart, {}, make_render(simple_build))
    client.request("DELETE", "/api/v1/namespaces/%s/configmaps/demo-config" % NS)
    result = actions.ensure_present(client, options(), chart, {}, make_render(simple_build))
    assert result.changed and result.release.version == 2
    client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-config" % NS)


def test_upgrade_supersedes_and_deletes_dropped_objects_but_keeps_policy_keep(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"extra": True, "kept": True}, render)
    clear_log(client)
    result = actions.ensure_present(client, options(), chart, {"greeting": "bye"}, render)
    assert result.action == "upgrade" and result.release.version == 2
    assert writes(client) == [
        ("POST", "/api/v1/namespaces/%s/secrets" % NS),
        ("PATCH", "/api/v1/namespaces/%s/configmaps/demo-config" % NS),
        ("DELETE", "/api/v1/namespaces/%s/configmaps/demo-extra" % NS),
        ("PUT", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.demo.v1" % NS),
        ("PUT", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.demo.v2" % NS),
    ]
    assert decoded(secret(client, "demo", 1))["info"]["status"] == "superseded"
    new = decoded(secret(client, "demo", 2))
    assert new["info"]["status"] == "deployed" and new["info"]["description"] == "Upgrade complete"
    first = decoded(secret(client, "demo", 1))["info"]["first_deployed"]
    assert new["info"]["first_deployed"] == first
    client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-kept" % NS)
    with pytest.raises(KubeError):
        client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-extra" % NS)


def test_upgrade_without_values_reuses_last_values(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "hi"}, render)
    result = actions.ensure_present(client, options(), chart, {}, render)
    assert not result.changed
    assert render.calls[-1][0] == {"greeting": "hi"}


def test_install_refuses_foreign_object_and_writes_nothing(client, chart):
    client.request("POST", "/api/v1/namespaces/%s/configmaps" % NS,
                   body={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "demo-config"}})
    clear_log(client)
    with pytest.raises(KubeError) as info:
        actions.ensure_present(client, options(), chart, {}, make_render(simple_build))
    assert str(info.value).startswith(
        'Unable to continue with install: ConfigMap "demo-config" in namespace "%s" exists and cannot be imported '
        'into the current release: invalid ownership metadata; label validation error: missing key '
        '"app.kubernetes.io/managed-by": must be set to "Helm"' % NS)
    assert writes(client) == []


def test_failed_apply_marks_release_failed_with_helms_description(client, chart):
    def bad(chart_, values, revision, is_upgrade):
        text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\nnotAField: 1\n"
        return Rendered(chart_, doc("bad.yaml", text))
    with pytest.raises(ReleaseError) as info:
        actions.ensure_present(client, options(), chart, {}, make_render(bad))
    assert str(info.value).startswith('Release "demo" failed: server-side apply failed for object %s/bad v1, '
                                      'Kind=ConfigMap: ' % NS)
    record = decoded(secret(client, "demo", 1))
    assert record["info"]["status"] == "failed"
    assert record["info"]["description"] == str(info.value)


def test_check_mode_writes_nothing(client, chart):
    clear_log(client)
    result = actions.ensure_present(client, options(dry_run=True), chart, {}, make_render(simple_build))
    assert result.changed and result.action == "install"
    sent = [r for r in requests(client) if r["method"] not in ("GET", "HEAD")]
    assert all("dryRun=All" in r["query"] for r in sent)
    assert SecretStorage(client, NS).history("demo") == []


def test_uninstall_deletes_objects_and_history_then_is_a_no_op(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"kept": True}, render)
    actions.ensure_present(client, options(), chart, {"kept": True, "greeting": "x"}, render)
    result = uninstall.uninstall(client, options())
    assert result.changed and result.release.status == "uninstalled"
    assert SecretStorage(client, NS).history("demo") == []
    with pytest.raises(KubeError):
        client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-config" % NS)
    client.request("GET", "/api/v1/namespaces/%s/configmaps/demo-kept" % NS)
    clear_log(client)
    again = uninstall.uninstall(client, options())
    assert not again.changed and writes(client) == []


def test_max_history_prunes_oldest_revisions(client, chart):
    render = make_render(simple_build)
    for index in range(4):
        actions.ensure_present(client, options(max_history=2), chart, {"greeting": "v%d" % index}, render)
    versions = [rel.version for rel in SecretStorage(client, NS).history("demo")]
    assert versions == [3, 4]


def test_hooks_run_in_weight_order_and_are_recorded(client, chart):
    def with_hooks(chart_, values, revision, is_upgrade):
        rendered = simple_build(chart_, values, revision, is_upgrade)
        rendered.hooks = [
            {"name": "late", "kind": "ConfigMap", "path": "demo/templates/late.yaml", "events": ["pre-install"],
             "weight": 5, "delete_policies": ["hook-succeeded"],
             "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n"},
            {"name": "early", "kind": "ConfigMap", "path": "demo/templates/early.yaml", "events": ["pre-install"],
             "weight": -1, "delete_policies": ["before-hook-creation"],
             "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: early\n"},
        ]
        return rendered
    clear_log(client)
    actions.ensure_present(client, options(), chart, {}, make_render(with_hooks))
    order = [(m, p.rsplit("/", 1)[-1]) for m, p in writes(client) if "configmaps" in p]
    assert order == [("DELETE", "early"), ("PATCH", "early"), ("PATCH", "late"), ("DELETE", "late"),
                     ("PATCH", "demo-config")]
    record = decoded(secret(client, "demo", 1))
    assert [(h["name"], h.get("weight"), h["last_run"]["phase"]) for h in record["hooks"]] == \
        [("late", 5, "Succeeded"), ("early", -1, "Succeeded")]
    assert all(h["last_run"]["started_at"] <= h["last_run"]["completed_at"] for h in record["hooks"])


def test_conflict_with_another_field_manager_explains_the_fix(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {"greeting": "a"}, render)
    with pytest.raises(ReleaseError) as info:
        actions.ensure_present(client, options(field_manager="other"), chart, {"greeting": "b"}, render)
    message = str(info.value)
    assert message.startswith('Upgrade "demo" failed: server-side apply failed for object %s/demo-config v1, '
                              'Kind=ConfigMap: ' % NS)
    assert "Set force_conflicts=true to take them over, or set field_manager" in message
    assert decoded(secret(client, "demo", 2))["info"]["status"] == "failed"
    result = actions.ensure_present(client, options(field_manager="other", force_conflicts=True), chart,
                                    {"greeting": "b"}, render)
    assert result.release.version == 3 and result.release.status == "deployed"
    assert decoded(secret(client, "demo", 2))["info"]["status"] == "superseded"


def _workload_build(annotation):
    def build(chart_, values, revision, is_upgrade):
        text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
                "    kubeapi.helmkit.test/fail: \"%s\"\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n"
                "      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n"
                "      containers:\n      - name: web\n        image: nginx\n" % annotation)
        return Rendered(chart_, doc("web.yaml", text))
    return build


def test_wait_until_deployment_available(client, chart):
    result = actions.ensure_present(client, options(wait=True, timeout=60), chart, {},
                                    make_render(_workload_build("false")))
    assert result.release.status == "deployed"
    live = client.request("GET", "/apis/apps/v1/namespaces/%s/deployments/web" % NS)
    assert live["status"]["availableReplicas"] == 1


def test_failing_deployment_fails_the_release(client, chart):
    with pytest.raises(ReleaseError) as info:
        actions.ensure_present(client, options(wait=True, timeout=60), chart, {},
                               make_render(_workload_build("true")))
    assert str(info.value).startswith('Release "demo" failed: Deployment "web" in namespace "%s" failed: ' % NS)
    assert decoded(secret(client, "demo", 1))["info"]["status"] == "failed"


def test_wait_timeout_names_the_objects_not_ready(client, chart):
    def build(chart_, values, revision, is_upgrade):
        text = ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  annotations:\n"
                "    kubeapi.helmkit.test/fail: \"true\"\nspec:\n  replicas: 1\n  serviceName: db\n  selector:\n"
                "    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n"
                "    spec:\n      containers:\n      - name: db\n        image: redis\n")
        return Rendered(chart_, doc("db.yaml", text))
    with pytest.raises(ReleaseError) as info:
        actions.ensure_present(client, options(wait=True, timeout=1), chart, {}, make_render(build))
    assert str(info.value) == (
        'Release "demo" failed: timed out after 1s waiting for 1 resource(s) to be ready: StatefulSet "db" in '
        'namespace "%s": Ready: 0/1; see: kubectl describe statefulset.apps/db -n %s. Raise timeout if they only '
        'need longer.' % (NS, NS))


CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
"""


class _CrdFile:
    def __init__(self, content):
        self.name = "demo/crds/widgets.yaml"
        self.content = content


def test_crds_are_applied_first_then_their_objects(client, chart):
    def build(chart_, values, revision, is_upgrade):
        widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n"
        return Rendered(chart_, doc("widget.yaml", widget), crds=[_CrdFile(CRD)])
    clear_log(client)
    result = actions.ensure_present(client, options(), chart, {}, make_render(build))
    assert result.release.status == "deployed"
    patched = [p for m, p in writes(client) if m == "PATCH"]
    assert patched == ["/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
                       "/apis/example.com/v1/namespaces/%s/widgets/w1" % NS]
    assert client.request("GET", "/apis/example.com/v1/namespaces/%s/widgets/w1" % NS)["spec"]["size"] == 3
    assert "crds" not in json.dumps(decoded(secret(client, "demo", 1))["manifest"])


def test_pending_release_is_left_alone_with_a_way_out(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {}, render)
    storage = SecretStorage(client, NS)
    last = storage.get("demo", 1)
    last.set_status("pending-upgrade", "Preparing upgrade")
    storage.update(last)
    clear_log(client)
    with pytest.raises(ReleaseError) as info:
        actions.ensure_present(client, options(), chart, {"greeting": "x"}, render)
    assert str(info.value).startswith("release demo: another operation (upgrade of revision 1) is in progress: "
                                      "revision 1 is pending-upgrade.")
    assert writes(client) == []


def test_uninstall_keeping_history_then_install_again(client, chart):
    render = make_render(simple_build)
    actions.ensure_present(client, options(), chart, {}, render)
    result = uninstall.uninstall(client, options(), keep_history=True)
    assert result.changed
    kept = decoded(secret(client, "demo", 1))
    assert kept["info"]["status"] == "uninstalled" and kept["info"]["description"] == "Uninstallation complete"
    assert list(kept["info"]) == ["first_deployed", "last_deployed", "deleted", "description", "status", "notes"]
    again = actions.ensure_present(client, options(), chart, {}, render)
    assert again.action == "install" and again.release.version == 2
    assert render.calls[-1][1:] == (2, False)


def test_missing_namespace_says_how_to_fix_it(client, chart):
    with pytest.raises(ReleaseError) as info:
        actions.ensure_present(client, options(namespace="nowhere"), chart, {}, make_render(simple_build))
    # one plain sentence, not Helm's "create: failed to create: namespaces ... not found" (issue 21)
    assert str(info.value) == ('release demo: namespace "nowhere" does not exist; create it first, or set '
                               'create_namespace: true')
