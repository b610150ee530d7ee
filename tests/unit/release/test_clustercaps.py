"""ClusterCapabilities (release/clustercaps.py): discovery runs only when a template reads APIVersions, and the
object renders, prints and encodes exactly as the eager Capabilities.from_cluster does."""
from __future__ import annotations

from ansible_collections.helmkit.core.plugins.module_utils.chart.context import Capabilities
from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import RenderTemplate, render
from ansible_collections.helmkit.core.plugins.module_utils.release.clustercaps import ClusterCapabilities

VERSIONS = ["v1", "apps/v1", "v1/Pod", "apps/v1/Deployment"]


def _pair():
    calls = []

    def load():
        calls.append(1)
        return list(VERSIONS)
    return ClusterCapabilities("v1.31.4+k3s1", load, major="1", minor="31"), calls


def _render(text, caps):
    return render([RenderTemplate("c/templates/x.yaml", text, {"Capabilities": caps})])["c/templates/x.yaml"]


def test_kube_version_needs_no_discovery():
    caps, calls = _pair()
    assert _render("{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }}", caps) == \
        "v1.31.4+k3s1 31"
    assert not calls and not caps.discovered


def test_api_versions_are_discovered_once_and_match_the_eager_object():
    eager = Capabilities.from_cluster("v1.31.4+k3s1", VERSIONS, major="1", minor="31")
    for text in ('{{ .Capabilities.APIVersions.Has "apps/v1/Deployment" }}', "{{ .Capabilities }}",
                 "{{ toJson .Capabilities }}", "{{ toYaml .Capabilities }}", "{{ .Capabilities.APIVersions }}"):
        caps, calls = _pair()
        assert _render(text + text, caps) == _render(text + text, eager), text
        assert len(calls) == 1 and caps.discovered
