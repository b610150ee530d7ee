"""Objects templates see: ``.Release``, ``.Chart``, ``.Capabilities``, ``.Files``, ``.Values``, ``.Subcharts``.

Helm v4 (pkg/engine/engine.go ``recAllTpls``, pkg/chart/common/capabilities.go) gives each chart's templates::

    {"Chart": map of Metadata fields (+ IsRoot), "Files": engine.files, "Release": map, "Capabilities":
     *common.Capabilities, "Values": this chart's values, "Subcharts": {name: the same map for each subchart}}

``.Release`` and ``.Chart`` are plain maps in Helm v4 (``{{ .Chart }}`` prints ``map[APIVersion:v2 ...]``).
Capabilities default to what Helm v4.2.3 reports offline (``helm template``): Kubernetes v1.36.0, Helm v4.2.
"""
from __future__ import annotations

import re

from ..errors import ValuesError
from .files import Files
from .metadata import template_view

DEFAULT_KUBE_VERSION = "v1.36.0"
HELM_VERSION = "v4.2"
HELM_GO_VERSION = "go1.26.6"
HELM_KUBE_CLIENT_VERSION = "v1.36"
# Helm v4.2.3's DefaultVersionSet (pkg/chart/common/zz_generated_known_versions.go), in its order.
DEFAULT_API_VERSIONS = (
    "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1", "internal.apiserver.k8s.io/v1alpha1", "apps/v1", "apps/v1beta1",
    "apps/v1beta2", "authentication.k8s.io/v1", "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
    "batch/v1beta1", "certificates.k8s.io/v1", "certificates.k8s.io/v1beta1", "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2", "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1", "events.k8s.io/v1", "events.k8s.io/v1beta1", "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3", "networking.k8s.io/v1", "networking.k8s.io/v1beta1", "node.k8s.io/v1",
    "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1", "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2", "resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3", "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1", "storage.k8s.io/v1beta1", "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1", "storagemigration.k8s.io/v1beta1", "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
)
_KUBE_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?([-+].*)?$")


class KubeVersion(object):
    """``common.KubeVersion``: fields Version ("v1.36.0"), Major ("1"), Minor ("36"); GitVersion() method;
    prints as Version (Go Stringer)."""

    go_type = "common.KubeVersion"

    def __init__(self, version: str = DEFAULT_KUBE_VERSION):
        match = _KUBE_VERSION.match(version.strip())
        if not match:
            raise ValuesError("invalid kube_version %r: expected a version like v1.30.0" % version)
        major, minor, patch, rest = match.group(1), match.group(2) or "0", match.group(3) or "0", match.group(4) or ""
        self.Version = "v%d.%d.%d%s" % (int(major), int(minor), int(patch), rest)
        self.Major = str(int(major))
        self.Minor = str(int(minor))

    def GitVersion(self):  # noqa: N802 - Go method name
        return self.Version

    def __str__(self):
        return self.Version


class VersionSet(list):
    """``common.VersionSet``: a list of "group/version" (and "group/version/Kind") with ``Has``."""

    go_type = "common.VersionSet"

    def Has(self, api_version):  # noqa: N802
        return api_version in self


class BuildInfo(object):
    """``version.BuildInfo`` of Helm v4.2 as helm_python reports it; prints as ``{v4.2   go1.26.6 v1.36}``."""

    go_type = "version.BuildInfo"

    def __init__(self):
        self.Version = HELM_VERSION
        self.GitCommit = ""
        self.GitTreeState = ""
        self.GoVersion = HELM_GO_VERSION
        self.KubeClientVersion = HELM_KUBE_CLIENT_VERSION

    def __str__(self):
        return "{%s %s %s %s %s}" % (self.Version, self.GitCommit, self.GitTreeState, self.GoVersion,
                                     self.KubeClientVersion)


class Capabilities(object):
    """``*common.Capabilities``: KubeVersion, APIVersions (VersionSet), HelmVersion (BuildInfo).

    ``kube_version``: e.g. "1.30.2" or "v1.30.2" (default v1.36.0). ``api_versions``: extra "group/version" or
    "group/version/Kind" strings added after Helm's default set (like ``helm template --api-versions``).
    """

    go_type = "*common.Capabilities"

    def __init__(self, kube_version=None, api_versions=None):
        self.KubeVersion = KubeVersion(kube_version or DEFAULT_KUBE_VERSION)
        self.APIVersions = VersionSet(DEFAULT_API_VERSIONS)
        for extra in api_versions or ():
            if extra not in self.APIVersions:
                self.APIVersions.append(extra)
        self.HelmVersion = BuildInfo()

    @classmethod
    def from_cluster(cls, git_version: str, api_versions, major=None, minor=None) -> "Capabilities":
        """Capabilities as Helm builds them from a live cluster (action.getCapabilities): KubeVersion.Version is
        the server's ``gitVersion`` verbatim (e.g. "v1.30.2+k3s1"), Major/Minor the server's own fields (derived
        from gitVersion when not given), and APIVersions exactly the discovered list (no defaults added)."""
        caps = cls()
        kube = KubeVersion(git_version)
        kube.Version = git_version
        if major is not None:
            kube.Major = str(major)
        if minor is not None:
            kube.Minor = str(minor)
        caps.KubeVersion = kube
        caps.APIVersions = VersionSet(api_versions or ())
        return caps

    def __str__(self):
        return "&{%s [%s] %s}" % (self.KubeVersion, " ".join(self.APIVersions), self.HelmVersion)


def release_object(name: str, namespace: str, revision: int = 1, is_upgrade: bool = False) -> dict:
    """``.Release`` as Helm v4 builds it: a map with Name, Namespace, IsUpgrade, IsInstall, Revision, Service."""
    return {
        "Name": name, "Namespace": namespace, "IsUpgrade": bool(is_upgrade), "IsInstall": not is_upgrade,
        "Revision": int(revision), "Service": "Helm",
    }


def chart_context(chart, values: dict, release: dict, capabilities) -> dict:
    """The template data for ``chart`` (and, under "Subcharts", for its subcharts recursively).

    ``values``: this chart's coalesced values (the top chart gets the whole tree; a subchart the map under its
    name, or an empty map when there is none). Returns the dict engine.render takes as RenderTemplate.context.
    """
    context = {
        "Chart": template_view(chart.metadata, chart.is_root()),
        "Files": Files((f.name, f.data) for f in chart.files),
        "Release": release,
        "Capabilities": capabilities,
        "Values": values,
        "Subcharts": {},
    }
    for sub in chart.dependencies:
        sub_values = values.get(sub.name) if isinstance(values, dict) else None
        if not isinstance(sub_values, dict):
            sub_values = {}
        context["Subcharts"][sub.name] = chart_context(sub, sub_values, release, capabilities)
    return context
