"""Tiny hand-written release charts for the release action tests (tests/unit/release): their manifests are composed
in Helm's stored format by hand, because those tests exercise the release actions, not rendering. The fixtures
``chart`` and ``client`` that go with them are in tests/unit/release/conftest.py."""
from ansible_collections.helmkit.core.plugins.module_utils.release import actions

NS = "demo-ns"


class Rendered:
    """The fields of chart/render.py's RenderedRelease that the actions read."""

    def __init__(self, chart, manifest, hooks=(), notes="", crds=()):
        self.chart = chart
        self.manifest = manifest
        self.hooks = list(hooks)
        self.notes = notes
        self.crds = list(crds)


def doc(path, text):
    """One document of a stored manifest, from template ``path``."""
    return "---\n# Source: demo/templates/%s\n%s\n" % (path, text)


def configmap(name, data, annotations=None):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n" % name
    if annotations:
        text += "  annotations:\n" + "".join("    %s: %s\n" % kv for kv in annotations.items())
    return text + "data:\n" + "".join("  %s: %s\n" % kv for kv in sorted(data.items()))


def make_render(build):
    """A render callable for the actions: ``build(values, revision, is_upgrade) -> Rendered``; calls recorded."""
    calls = []

    def render(chart, values, revision, is_upgrade):
        calls.append((values, revision, is_upgrade))
        return build(chart, values, revision, is_upgrade)
    render.calls = calls
    return render


def simple_build(chart, values, revision, is_upgrade):
    greeting = values.get("greeting", "hello")
    manifest = doc("cm.yaml", configmap("demo-config", {"greeting": greeting}))
    if values.get("extra"):
        manifest += doc("extra.yaml", configmap("demo-extra", {"a": "b"}))
    if values.get("kept"):
        manifest += doc("kept.yaml", configmap("demo-kept", {"a": "b"}, {"helm.sh/resource-policy": "keep"}))
    return Rendered(chart, manifest, notes="Thanks for installing %s\n" % greeting)


def requests(client):
    return client.request("GET", "/_kubeapi/requests")["requests"]


def clear_log(client):
    client.request("DELETE", "/_kubeapi/requests")


def writes(client):
    """Writes to the API, without the release lock's Lease (helmkit's own, not part of Helm's wire)."""
    return [(r["method"], r["path"]) for r in requests(client)
            if r["method"] not in ("GET", "HEAD") and "/leases" not in r["path"]]


def options(**overrides):
    args = dict(name="demo", namespace=NS)
    args.update(overrides)
    return actions.ReleaseOptions(**args)
