"""``.Capabilities`` of a live cluster whose ``APIVersions`` are discovered only if a template reads them.

Helm builds capabilities from ``/version`` and a fresh discovery before every install or upgrade
(``pkg/action/action.go: getCapabilities``). Most charts only read ``.Capabilities.KubeVersion`` (or nothing), so
:class:`ClusterCapabilities` asks the server for its version at once and for discovery the first time
``APIVersions`` is read: by a field access (``.Capabilities.APIVersions.Has ...``), by printing the object, or by
its JSON/YAML encoding (which read ``__dict__``). The values are Helm's either way
(``chart/context.py: Capabilities.from_cluster``).
"""
from __future__ import annotations

from ..chart.context import Capabilities

_PENDING = object()


class ClusterCapabilities(Capabilities):
    """``*common.Capabilities`` from ``git_version``/``major``/``minor`` (``/version``) and ``load_api_versions()
    -> list`` (called at most once, on first use). ``discovered`` tells whether it was called."""

    # pylint: disable-next=super-init-not-called
    def __init__(self, git_version: str, load_api_versions, major=None, minor=None):
        base = Capabilities.from_cluster(git_version, (), major=major, minor=minor)
        self.KubeVersion = base.KubeVersion
        self.APIVersions = _PENDING  # keeps Go's field order in __dict__ (KubeVersion, APIVersions, HelmVersion)
        self.HelmVersion = base.HelmVersion
        object.__setattr__(self, "_load", load_api_versions)

    @property
    def discovered(self) -> bool:
        return object.__getattribute__(self, "__dict__")["APIVersions"] is not _PENDING

    def __getattribute__(self, name):
        if name in ("APIVersions", "__dict__"):
            fields = object.__getattribute__(self, "__dict__")
            if fields.get("APIVersions") is _PENDING:
                loaded = Capabilities.from_cluster(self.KubeVersion.Version, fields["_load"]()).APIVersions
                fields["APIVersions"] = loaded
            if name == "__dict__":  # what encoders see: the Go fields only
                return {key: value for key, value in fields.items() if key != "_load"}
        return object.__getattribute__(self, name)
