"""Where Helm keeps plugins: ``$HELM_PLUGINS``, else ``<Helm data home>/plugins`` (pkg/helmpath, lazypath)."""
from __future__ import annotations

import os
import sys


def plugins_directory(env=None) -> str:
    """Helm's plugin directory for ``env`` (default ``os.environ``), as ``helm env HELM_PLUGINS`` prints it.

    HELM_PLUGINS wins; else HELM_DATA_HOME/plugins; else $XDG_DATA_HOME/helm/plugins; else the platform default
    (Linux ``~/.local/share/helm/plugins``, macOS ``~/Library/helm/plugins``, Windows ``%APPDATA%\\helm\\plugins``).
    """
    env = os.environ if env is None else env
    if env.get("HELM_PLUGINS"):
        return env["HELM_PLUGINS"]
    if env.get("HELM_DATA_HOME"):
        return os.path.join(env["HELM_DATA_HOME"], "plugins")
    if env.get("XDG_DATA_HOME"):
        return os.path.join(env["XDG_DATA_HOME"], "helm", "plugins")
    home = env.get("HOME") or os.path.expanduser("~")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "helm", "plugins")
    if os.name == "nt":
        return os.path.join(env.get("APPDATA", home), "helm", "plugins")
    return os.path.join(home, ".local", "share", "helm", "plugins")
