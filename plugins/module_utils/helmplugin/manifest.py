"""``plugin.yaml``: Helm v4's apiVersion v1 form (types cli/v1, getter/v1, postrenderer/v1; runtimes subprocess and
extism/v1) and the legacy form (no apiVersion), read into one :class:`Plugin` (internal/plugin/loader.go).

v1 manifests are read strictly (an unknown field is an error, as Helm's ``KnownFields(true)``); legacy manifests
leniently, as Helm keeps them for backward compatibility.
"""
from __future__ import annotations

import os
import re

from ..errors import HelmkitError
from ..libraries import yaml
from ..semver import SemverError, parse_version
from ..yaml import aliases
from ..yaml.safe import SafeLoader

PLUGIN_FILE = "plugin.yaml"
_VALID_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_V1_FIELDS = ("apiVersion", "name", "type", "runtime", "version", "sourceURL", "config", "runtimeConfig")
_CONFIG_FIELDS = {"cli/v1": ("usage", "shortHelp", "longHelp", "ignoreFlags"), "getter/v1": ("protocols",),
                  "postrenderer/v1": ()}
_SUBPROCESS_FIELDS = ("platformCommand", "platformHooks", "protocolCommands", "expandHook")
_COMMAND_FIELDS = ("os", "arch", "command", "args")


class PluginError(HelmkitError):
    """A plugin cannot be loaded, installed or run."""


class Plugin(object):
    """One installed (or about to be installed) plugin.

    Attributes: name, version, type (``cli/v1``, ``getter/v1``, ``postrenderer/v1``), runtime (``subprocess``,
    ``extism/v1``), api_version (``v1`` or ``legacy``), description, directory (absolute), platform_command
    (list of ``{os, arch, command, args}``), platform_hooks (``{event: [commands]}``), protocols (getter schemes),
    protocol_commands (list of ``{protocols, platformCommand}``), expand_hook_args (bool).
    """

    def __init__(self, **fields):
        self.name = fields.get("name", "")
        self.version = fields.get("version", "")
        self.type = fields.get("type", "cli/v1")
        self.runtime = fields.get("runtime", "subprocess")
        self.api_version = fields.get("api_version", "v1")
        self.description = fields.get("description", "")
        self.directory = fields.get("directory", "")
        self.platform_command = fields.get("platform_command") or []
        self.platform_hooks = fields.get("platform_hooks") or {}
        self.protocols = fields.get("protocols") or []
        self.protocol_commands = fields.get("protocol_commands") or []
        self.expand_hook_args = fields.get("expand_hook_args", False)

    def as_dict(self) -> dict:
        """What the modules return: name, version, type, runtime, apiVersion, description, path."""
        return {"name": self.name, "version": self.version, "type": self.type, "runtime": self.runtime,
                "apiVersion": self.api_version, "description": self.description, "path": self.directory}


def _unknown(mapping: dict, known, where: str, source: str) -> None:
    for key in mapping:
        if key not in known:
            raise PluginError("%s: unknown field %r in %s; the fields allowed there are %s (Helm reads apiVersion "
                              "v1 manifests strictly)" % (source, key, where, ", ".join(known) or "none"))


def _commands(value, where: str, source: str) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise PluginError("%s: %s must be a list of {os, arch, command, args}" % (source, where))
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise PluginError("%s: each entry of %s must be a map with command (and os, arch, args)" % (source, where))
        _unknown(item, _COMMAND_FIELDS, where, source)
        out.append({"os": str(item.get("os") or ""), "arch": str(item.get("arch") or ""),
                    "command": str(item.get("command") or ""), "args": [str(a) for a in item.get("args") or []]})
    return out


def _legacy_command(command: str) -> list:
    """A legacy single-string command: Helm splits it on spaces into the program and its arguments."""
    parts = command.split()
    return [{"os": "", "arch": "", "command": parts[0] if parts else "", "args": parts[1:]}] if parts else []


def _check_version(version: str, source: str, required: bool) -> None:
    if not version:
        if required:
            raise PluginError("%s: plugin `version` is required" % source)
        return
    try:
        parse_version(version)
    except (SemverError, ValueError):
        raise PluginError("%s: invalid plugin version %r: must be valid semver" % (source, version)) from None


def _load_v1(raw: dict, source: str, directory: str) -> Plugin:
    _unknown(raw, _V1_FIELDS, "plugin.yaml", source)
    name = str(raw.get("name") or "")
    if not _VALID_NAME.match(name):
        raise PluginError("%s: invalid plugin `name` %r: use only a-z, A-Z, 0-9, _ and -" % (source, name))
    _check_version(str(raw.get("version") or ""), source, True)
    kind, runtime = str(raw.get("type") or ""), str(raw.get("runtime") or "")
    if not kind:
        raise PluginError("%s: `type` missing (cli/v1, getter/v1 or postrenderer/v1)" % source)
    if not runtime:
        raise PluginError("%s: `runtime` missing (subprocess or extism/v1)" % source)
    if kind not in _CONFIG_FIELDS:
        raise PluginError("%s: unknown plugin type %r; Helm v4 knows cli/v1, getter/v1 and postrenderer/v1"
                          % (source, kind))
    config = raw.get("config") or {}
    runtime_config = raw.get("runtimeConfig") or {}
    if not isinstance(config, dict) or not isinstance(runtime_config, dict):
        raise PluginError("%s: config and runtimeConfig must be maps" % source)
    _unknown(config, _CONFIG_FIELDS[kind], "config (type %s)" % kind, source)
    fields = dict(name=name, version=str(raw["version"]), type=kind, runtime=runtime, api_version="v1",
                  directory=directory, description=str(config.get("shortHelp") or config.get("usage") or ""),
                  protocols=[str(p) for p in config.get("protocols") or []])
    if runtime == "subprocess":
        _unknown(runtime_config, _SUBPROCESS_FIELDS, "runtimeConfig (runtime subprocess)", source)
        fields["platform_command"] = _commands(runtime_config.get("platformCommand"), "platformCommand", source)
        hooks = runtime_config.get("platformHooks") or {}
        fields["platform_hooks"] = {str(k): _commands(v, "platformHooks.%s" % k, source) for k, v in hooks.items()}
        fields["expand_hook_args"] = bool(runtime_config.get("expandHook"))
        fields["protocol_commands"] = [
            {"protocols": [str(p) for p in pc.get("protocols") or []],
             "platformCommand": _commands(pc.get("platformCommand"), "protocolCommands.platformCommand", source)}
            for pc in runtime_config.get("protocolCommands") or [] if isinstance(pc, dict)]
    return Plugin(**fields)


def _load_legacy(raw: dict, source: str, directory: str) -> Plugin:
    name = str(raw.get("name") or "")
    if not _VALID_NAME.match(name):
        raise PluginError("%s: invalid plugin name %r: must contain only a-z, A-Z, 0-9, _ and -" % (source, name))
    _check_version(str(raw.get("version") or ""), source, False)
    if raw.get("platformCommand") and raw.get("command"):
        raise PluginError("%s: both platformCommand and command are set; keep one" % source)
    if raw.get("platformHooks") and raw.get("hooks"):
        raise PluginError("%s: both platformHooks and hooks are set; keep one" % source)
    downloaders = raw.get("downloaders") or []
    for i, downloader in enumerate(downloaders):
        if not isinstance(downloader, dict) or not downloader.get("command"):
            raise PluginError("%s: downloader %d has empty command" % (source, i))
        if not downloader.get("protocols"):
            raise PluginError("%s: downloader %d has no protocols" % (source, i))
    command = _commands(raw.get("platformCommand"), "platformCommand", source) or \
        _legacy_command(str(raw.get("command") or ""))
    hooks = {str(k): _commands(v, "platformHooks.%s" % k, source) for k, v in (raw.get("platformHooks") or {}).items()}
    for event, text in (raw.get("hooks") or {}).items():
        hooks[str(event)] = [{"os": "", "arch": "", "command": "sh", "args": ["-c", str(text)]}]
    protocols, protocol_commands = [], []
    for downloader in downloaders:
        schemes = [str(p) for p in downloader["protocols"]]
        protocols += schemes
        protocol_commands.append({"protocols": schemes, "platformCommand": _legacy_command(str(downloader["command"]))})
    kind = "getter/v1" if downloaders else "cli/v1"
    return Plugin(name=name, version=str(raw.get("version") or ""), type=kind, runtime="subprocess",
                  api_version="legacy", directory=directory, description=str(raw.get("usage") or ""),
                  platform_command=command, platform_hooks=hooks, protocols=protocols,
                  protocol_commands=protocol_commands, expand_hook_args=True)


def load_plugin(directory: str) -> Plugin:
    """The plugin in ``directory`` (its plugin.yaml). Raises PluginError naming the file and the problem."""
    source = os.path.join(directory, PLUGIN_FILE)
    try:
        with open(source, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError as exc:
        raise PluginError("failed to read plugin at %s: %s; a plugin directory must hold plugin.yaml"
                          % (source, exc.strerror or exc)) from None
    try:
        raw = aliases.load(text, SafeLoader)
    except yaml.YAMLError as exc:
        raise PluginError("%s: not valid YAML: %s" % (source, exc)) from None
    if not isinstance(raw, dict):
        raise PluginError("%s: expected a map with name, version, type and runtime" % source)
    api_version = raw.get("apiVersion")
    if api_version in (None, ""):
        return _load_legacy(raw, source, os.path.abspath(directory))
    if api_version == "v1":
        return _load_v1(raw, source, os.path.abspath(directory))
    raise PluginError("%s: invalid plugin apiVersion: %r (Helm v4 knows v1, or none for legacy plugins)"
                      % (source, api_version))


def list_plugins(plugins_dir: str) -> list:
    """Plugins of ``plugins_dir`` (``<dir>/*/plugin.yaml``, sorted by directory) that load; others are skipped,
    as Helm skips them. Returns :class:`Plugin` objects."""
    out = []
    try:
        names = sorted(os.listdir(plugins_dir))
    except OSError:
        return out
    for name in names:
        if name.startswith(".helmkit-"):
            continue  # a plugin being unpacked by install.py, not installed yet
        directory = os.path.join(plugins_dir, name)
        if os.path.isfile(os.path.join(directory, PLUGIN_FILE)):
            try:
                out.append(load_plugin(directory))
            except PluginError:
                continue
    return out


def find_plugin(plugins_dir: str, name: str, kind=None):
    """The installed plugin called ``name`` (of type ``kind`` when given), or None."""
    for plugin in list_plugins(plugins_dir):
        if plugin.name == name and (kind is None or plugin.type == kind):
            return plugin
    return None
