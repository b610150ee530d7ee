"""Installing and removing plugins in Helm's plugin directory, so that the helm CLI sees them
(internal/plugin/installer: local_installer.go, http_installer.go, extractor.go).

- a local directory holding plugin.yaml is linked: ``<plugins>/<directory name>`` is a symlink to it, as Helm does;
- a ``.tgz``/``.tar.gz`` (a local file or an http(s) URL) is unpacked, with bounded size and no entry escaping the
  plugin's directory, into ``<plugins>/<plugin name>``;
- any other URL (or scp-like address) is a git repository, cloned (vcs.py, dulwich) at the tag, branch, commit or
  semver constraint ``version`` into ``<plugins>/<last segment of the URL>``, with its ``.git`` as Helm leaves it;
- the plugin's ``install`` hook (``update`` when replacing, ``delete`` before removal) runs as Helm runs it.

Everything is checked (manifest loaded, runtime known) before the plugin directory is touched, and a new plugin is
moved into place with one rename, so a failure leaves the directory as it was.
"""
from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import zlib

from ..repo.index import http_get
from .manifest import PLUGIN_FILE, PluginError, find_plugin, load_plugin
from .run import execute, prepare
from .vcs import clone, install_name, is_vcs_source

MAX_ARCHIVE_BYTES = 512 << 20
MAX_ENTRIES = 20000


def _is_archive(source: str) -> bool:
    return source.lower().endswith((".tgz", ".tar.gz"))


def _is_url(source: str) -> bool:
    return "://" in source


def _download(url: str, timeout: float) -> bytes:
    return http_get(url, timeout=timeout, what="plugin")


def _extract(data: bytes, target: str, origin: str) -> None:
    """Unpack a gzip tar into ``target``: regular files and directories only, no absolute or ``..`` paths,
    at most MAX_ARCHIVE_BYTES decompressed and MAX_ENTRIES entries. Raises PluginError naming ``origin``."""
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for count, member in enumerate(tar, 1):
                if count > MAX_ENTRIES:
                    raise PluginError("%s has more than %d entries; not a plugin archive" % (origin, MAX_ENTRIES))
                name = member.name.lstrip("./") if member.name.startswith("./") else member.name
                parts = [p for p in name.split("/") if p not in ("", ".")]
                if name.startswith("/") or ".." in parts:
                    raise PluginError("%s: entry %r would be written outside the plugin directory"
                                      % (origin, member.name))
                if not parts:
                    continue
                path = os.path.join(target, *parts)
                if member.isdir():
                    os.makedirs(path, exist_ok=True)
                    continue
                if not member.isfile():
                    raise PluginError("%s: entry %r is a link or special file; plugin archives may hold only files "
                                      "and directories" % (origin, member.name))
                total += member.size
                if total > MAX_ARCHIVE_BYTES:
                    raise PluginError("%s is larger than %d MiB decompressed" % (origin, MAX_ARCHIVE_BYTES >> 20))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as out:
                    shutil.copyfileobj(tar.extractfile(member), out)
                os.chmod(path, 0o755 if member.mode & 0o111 else 0o644)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise PluginError("%s is not a plugin archive (.tgz): %s" % (origin, exc)) from None


def _plugin_root(directory: str) -> str:
    """The directory holding plugin.yaml: the archive's top or its single top-level directory."""
    if os.path.isfile(os.path.join(directory, PLUGIN_FILE)):
        return directory
    entries = [e for e in os.listdir(directory) if os.path.isdir(os.path.join(directory, e))]
    for entry in sorted(entries):
        if os.path.isfile(os.path.join(directory, entry, PLUGIN_FILE)):
            return os.path.join(directory, entry)
    raise PluginError("no plugin.yaml found in the archive; a plugin archive holds plugin.yaml at its top or in its "
                      "single top-level directory")


def _run_hook(plugin, event: str, timeout: float) -> None:
    commands = plugin.platform_hooks.get(event)
    if not commands:
        return
    argv, env = prepare(plugin, commands, (), plugin.expand_hook_args)
    try:
        execute(plugin, argv, env, b"", timeout)
    except PluginError as exc:
        raise PluginError("plugin %s hook of %r failed: %s" % (event, plugin.name, exc)) from None


def _remove(path: str) -> None:
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def _stage_git(source: str, plugins_dir: str, version, timeout: float):
    """Clone ``source`` at ``version`` into a private directory inside ``plugins_dir``; ``(plugin, staging)``."""
    os.makedirs(plugins_dir, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".helmkit-plugin-", dir=plugins_dir)
    try:
        root = os.path.join(staging, install_name(source))
        clone(source, root, version, timeout)
        if not os.path.isfile(os.path.join(root, PLUGIN_FILE)):
            raise PluginError("plugin metadata (plugin.yaml) missing: the git repository %s holds no plugin.yaml at "
                              "its top%s" % (source, " at version %s" % version if version else ""))
        plugin = load_plugin(root)
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return plugin, staging


def _stage(source: str, plugins_dir: str, timeout: float, version=None):
    """``(plugin, staged path or None, link target or None)``: the plugin from ``source``, loaded and checked.
    Archives are unpacked (git repositories cloned at ``version``) into a private directory inside ``plugins_dir``
    (removed by the caller)."""
    if not _is_url(source) and os.path.isdir(source):
        plugin = load_plugin(source)
        return plugin, None, os.path.abspath(source)
    if not os.path.exists(source) and is_vcs_source(source):
        plugin, staging = _stage_git(source, plugins_dir, version, timeout)
        return plugin, staging, None
    if not _is_archive(source):
        raise PluginError("plugin_path %s is neither a plugin directory, a .tgz archive (local or http(s) URL) nor a "
                          "git repository URL" % source)
    if _is_url(source):
        data = _download(source, timeout)
    else:
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise PluginError("cannot read plugin archive %s: %s" % (source, exc.strerror or exc)) from None
    os.makedirs(plugins_dir, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".helmkit-plugin-", dir=plugins_dir)
    try:
        _extract(data, staging, source)
        root = _plugin_root(staging)
        plugin = load_plugin(root)
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return plugin, staging, None


def _target_name(plugin, link_target, git_source) -> str:
    """The plugin's directory name: a linked directory's own name, a git source's last segment, else its name."""
    if link_target:
        return os.path.basename(link_target.rstrip(os.sep))
    return install_name(git_source) if git_source else plugin.name


def _place(plugin, staging, link_target, plugins_dir: str, replace_path=None, git_source=None) -> str:
    path = os.path.join(plugins_dir, _target_name(plugin, link_target, git_source))
    if replace_path:
        _remove(replace_path)
    if os.path.lexists(path):
        raise PluginError("cannot install plugin %r: %s already exists; remove it first (state: absent)"
                          % (plugin.name, path))
    try:
        os.makedirs(plugins_dir, exist_ok=True)
        if link_target:
            os.symlink(link_target, path)
        else:
            os.rename(os.path.join(staging, install_name(git_source)) if git_source else _plugin_root(staging), path)
    except OSError as exc:
        raise PluginError("cannot install plugin %r into %s: %s; make the plugin directory writable or set "
                          "plugins_directory" % (plugin.name, plugins_dir, exc.strerror or exc)) from None
    return path


def install(source: str, plugins_dir: str, state: str = "present", version=None, check_mode: bool = False,
            timeout: float = 300.0, name=None) -> dict:
    """Install the plugin at ``source`` (directory, .tgz, http(s) URL of a .tgz, or git repository URL) into
    ``plugins_dir``.

    ``state``: ``present`` leaves an installed plugin of that name alone (unless ``version`` is given and differs);
    ``latest`` replaces it when ``source`` holds another version (a git source is fetched again each time, at its
    default branch or the highest tag matching ``version``). For a git source ``version`` is Helm's
    ``--version``: a tag, branch, commit or semver constraint of the repository. Returns ``{"changed", "plugin":
    {...}}``. Raises PluginError (bad manifest, unknown runtime, name clash, failing hook, unreadable source).
    """
    git = not os.path.exists(source) and is_vcs_source(source)
    plugin, staging, link_target = _stage(source, plugins_dir, timeout, version if git else None)
    try:
        if name and plugin.name != name:
            raise PluginError("plugin_path %s holds the plugin %r, not %r" % (source, plugin.name, name))
        if git:  # plugin_version chose the reference; what it checked out is compared with what is installed
            version = plugin.version if version else None
        elif version and plugin.version != version:
            raise PluginError("plugin_path %s holds %r version %s, not the plugin_version %s asked for"
                              % (source, plugin.name, plugin.version or "(none)", version))
        installed = find_plugin(plugins_dir, plugin.name)
        if installed is not None:
            same = plugin.version == installed.version
            if state == "present" and (version is None or same) or state == "latest" and same:
                return {"changed": False, "plugin": installed.as_dict()}
        if check_mode:
            return {"changed": True, "plugin": dict(plugin.as_dict(), path=os.path.join(
                plugins_dir, _target_name(plugin, link_target, source if git else None)))}
        replace = installed.directory if installed is not None else None
        path = _place(plugin, staging, link_target, plugins_dir, os.path.join(plugins_dir, os.path.basename(
            replace)) if replace else None, source if git else None)
        placed = load_plugin(path)
        try:
            _run_hook(placed, "update" if replace else "install", timeout)
        except PluginError:
            _remove(path)
            raise
        return {"changed": True, "plugin": placed.as_dict()}
    finally:
        if staging:
            shutil.rmtree(staging, ignore_errors=True)


def uninstall(name: str, plugins_dir: str, check_mode: bool = False, timeout: float = 300.0) -> dict:
    """Remove the plugin ``name`` (running its ``delete`` hook first). Returns ``{"changed", "plugin"}``."""
    plugin = find_plugin(plugins_dir, name)
    if plugin is None:
        return {"changed": False, "plugin": None}
    if not check_mode:
        _run_hook(plugin, "delete", timeout)
        _remove(os.path.join(plugins_dir, os.path.basename(plugin.directory)))
    return {"changed": True, "plugin": plugin.as_dict()}
