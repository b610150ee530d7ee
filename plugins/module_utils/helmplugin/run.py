"""Running subprocess plugins the way Helm v4 does (internal/plugin/runtime_subprocess*.go, subprocess_commands.go).

The command is the ``platformCommand`` entry for this OS and architecture (an exact os+arch match, else the os with
no arch, else the entry with neither); ``$VAR``/``${VAR}`` in it (and in its args) are expanded from the
environment plus ``HELM_PLUGIN_NAME`` and ``HELM_PLUGIN_DIR``; extra arguments are appended. No shell is involved.

- post-renderer (``postrenderer/v1``): manifest on stdin, the new manifest on stdout;
- getter (``getter/v1``, and legacy ``downloaders``): the command for the URL's scheme gets
  ``certFile keyFile caFile URL`` appended and prints the content on stdout.

A plugin whose runtime is ``extism/v1`` (WebAssembly) cannot run here: :class:`PluginError` names it and its runtime.
"""
from __future__ import annotations

import os
import platform
import re
import subprocess
import sys

from .manifest import PluginError, list_plugins
from .paths import plugins_directory

DEFAULT_TIMEOUT = 300.0
_GOARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386",
           "i686": "386", "armv7l": "arm", "ppc64le": "ppc64le", "s390x": "s390x"}
_VAR = re.compile(r"\$(\{([^}]*)\}|([A-Za-z0-9_]+))")


def _goos() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    return {"darwin": "darwin", "win32": "windows"}.get(sys.platform, sys.platform)


def _goarch() -> str:
    return _GOARCH.get(platform.machine().lower(), platform.machine().lower())


def expand(text: str, env: dict) -> str:
    """Go's os.Expand over ``env``: ``$NAME`` and ``${NAME}`` become the value ("" when unset)."""
    return _VAR.sub(lambda m: env.get(m.group(2) if m.group(2) is not None else m.group(3), ""), text)


def select_command(commands: list):
    """The platformCommand entry for this machine, or None (Helm's getPlatformCommand)."""
    goos, goarch = _goos(), _goarch()
    exact = os_only = default = None
    for cmd in commands:
        if cmd["os"].lower() == goos:
            if cmd["arch"].lower() == goarch and exact is None:
                exact = cmd
            elif not cmd["arch"] and os_only is None:
                os_only = cmd
        elif not cmd["os"] and not cmd["arch"] and default is None:
            default = cmd
    return exact or os_only or default


def _check_runtime(plugin) -> None:
    if plugin.runtime == "subprocess":
        return
    if plugin.runtime == "extism/v1":
        raise PluginError("plugin %r (%s) uses the runtime extism/v1 (WebAssembly), which helmkit cannot run: no "
                          "WebAssembly runtime library is available to it. Use a plugin with runtime subprocess, or "
                          "run this one with the helm CLI" % (plugin.name, plugin.directory))
    raise PluginError("plugin %r (%s) has the unsupported runtime %r; helmkit runs subprocess plugins"
                      % (plugin.name, plugin.directory, plugin.runtime))


def prepare(plugin, commands: list, extra_args=(), expand_args: bool = True):
    """``(argv, env)`` to run ``plugin`` with ``commands`` (its platformCommand list). Raises PluginError."""
    _check_runtime(plugin)
    env = dict(os.environ)
    env["HELM_PLUGIN_NAME"] = plugin.name
    env["HELM_PLUGIN_DIR"] = plugin.directory
    cmd = select_command(commands)
    if cmd is None or not cmd["command"]:
        raise PluginError("plugin %r has no command for %s/%s (platformCommand in %s)"
                          % (plugin.name, _goos(), _goarch(), os.path.join(plugin.directory, "plugin.yaml")))
    args = [expand(a, env) if expand_args else a for a in cmd["args"]]
    return [expand(cmd["command"], env)] + args + [str(a) for a in extra_args], env


def execute(plugin, argv: list, env: dict, stdin: bytes = b"", timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Run ``argv`` for ``plugin``; return its stdout. Raises PluginError quoting its stderr when it exits non-zero,
    cannot start, or runs longer than ``timeout`` seconds."""
    try:
        proc = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                              timeout=float(timeout), check=False)
    except subprocess.TimeoutExpired:
        raise PluginError("plugin %r did not finish within %gs" % (plugin.name, timeout)) from None
    except OSError as exc:
        raise PluginError("plugin %r: cannot run %s: %s; check the command in its plugin.yaml"
                          % (plugin.name, argv[0], exc.strerror or exc)) from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise PluginError("plugin %r exited with error (exit status %d): %s"
                          % (plugin.name, proc.returncode, stderr or "(no error output)"))
    return proc.stdout


def post_render(plugin, manifest: str, args=(), timeout: float = DEFAULT_TIMEOUT) -> str:
    """Pipe ``manifest`` through a ``postrenderer/v1`` plugin (Helm v4 ``--post-renderer NAME``); its output."""
    if plugin.type != "postrenderer/v1":
        raise PluginError("plugin %r is of type %s, not postrenderer/v1; it cannot post-render"
                          % (plugin.name, plugin.type))
    argv, env = prepare(plugin, plugin.platform_command, args)
    return execute(plugin, argv, env, manifest.encode("utf-8"), timeout).decode("utf-8", "replace")


class Getter(object):
    """A getter plugin serving one URL scheme; :meth:`fetch` downloads through it."""

    def __init__(self, plugin, scheme: str):
        self.plugin = plugin
        self.scheme = scheme

    def fetch(self, url: str, cert_file=None, key_file=None, ca_file=None, timeout: float = DEFAULT_TIMEOUT) -> bytes:
        """The bytes the plugin prints for ``url``. Raises PluginError (with the plugin's stderr on failure)."""
        commands = self.plugin.platform_command
        for entry in self.plugin.protocol_commands:
            if self.scheme in entry["protocols"] and entry["platformCommand"]:
                commands = entry["platformCommand"]
                break
        argv, env = prepare(self.plugin, commands, [cert_file or "", key_file or "", ca_file or "", url],
                            expand_args=True)
        return execute(self.plugin, argv, env, b"", timeout)


def getter_for_scheme(scheme: str, plugins_dir=None):
    """The installed getter plugin serving URL scheme ``scheme`` (e.g. ``"s3"``) as a :class:`Getter`, or None.

    ``plugins_dir`` defaults to Helm's (paths.plugins_directory). This is the one entry point the chart-source layer
    uses for schemes other than http(s) and oci: ``getter = getter_for_scheme(scheme)``, then
    ``getter.fetch(url, cert_file, key_file, ca_file)`` returns the archive bytes.
    """
    for plugin in list_plugins(plugins_dir or plugins_directory()):
        if plugin.type == "getter/v1" and scheme in plugin.protocols:
            return Getter(plugin, scheme)
    return None
