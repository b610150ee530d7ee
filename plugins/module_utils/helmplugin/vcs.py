"""Plugins from git repositories, as Helm v4's VCS installer fetches them (internal/plugin/installer/
vcs_installer.go, installer.go ``NewForSource``), through dulwich (pure-Python git): no git binary is needed.

- A source is a git repository when it is a URL (``https://``, ``http://``, ``git://``, ``ssh://``, ``file://``) or
  an scp-like ``user@host:path`` that is not a ``.tgz``/``.tar.gz`` archive URL (Helm's HTTP installer takes
  those; an existing local path is Helm's local installer);
- ``version`` is resolved as Helm's ``solveVersion``: empty means the default branch as cloned; a reference of the
  repository (a tag, a branch, a commit id or its prefix of 7 or more hex digits) is taken as is; anything else is a
  Masterminds semver constraint matched against the tags that parse as semantic versions, highest first (``v1.2.3``
  included); none matching is ``requested version "X" does not exist for plugin "URL"``;
- the repository is cloned with its history (``.git`` kept, as Helm copies the clone into the plugin directory, so
  ``helm plugin update`` can pull it later) into a staging directory, checked out at that reference, and installed
  under the last path segment of the source (Helm's ``filepath.Base(source)``).

A clone whose checkout holds a symbolic link pointing outside it is refused. Git operations run under one deadline
(``timeout``). No Ansible imports.
"""
from __future__ import annotations

import io
import os
import re

from ..libraries import import_library
from ..semver import SemverError, parse_constraint, parse_version
from ..transport import Deadline, redact_url, run_with_deadline
from .manifest import PluginError

__all__ = ["is_vcs_source", "install_name", "resolve_version", "clone"]

_SCP = re.compile(r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:[^/]")
_SCHEMES = ("https://", "http://", "git://", "ssh://", "file://", "git+ssh://")
_HEX = re.compile(r"^[0-9a-fA-F]{7,40}$")


def is_vcs_source(source: str) -> bool:
    """True when Helm would give ``source`` to its VCS installer: a URL or scp-like address that is not an archive
    URL and not an existing local path."""
    lowered = source.lower()
    if lowered.endswith((".tgz", ".tar.gz")):
        return False
    return lowered.startswith(_SCHEMES) or bool(_SCP.match(source))


def install_name(source: str) -> str:
    """The directory a git plugin gets in the plugin directory: the source's last path segment (Helm's
    ``filepath.Base``), e.g. ``helm-diff`` for ``https://github.com/databus23/helm-diff``."""
    path = source.rstrip("/").split("?", 1)[0]
    base = re.split(r"[/:]", path)[-1]
    if base in ("", ".", ".."):
        raise PluginError("plugin_path %s has no last path segment to name the plugin directory after" %
                          redact_url(source))
    return base


def _dulwich():
    porcelain = import_library("dulwich.porcelain", "dulwich")  # optional: dulwich (only a git plugin source)
    return porcelain, import_library("dulwich.repo", "dulwich").Repo  # optional: dulwich (only a git plugin source)


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _remote_refs(porcelain, url: str) -> dict:
    """``{ref name (str): sha (str)}`` of the remote (``git ls-remote``), peeled tags as ``refs/tags/X^{}``."""
    result = porcelain.ls_remote(url)
    refs = getattr(result, "refs", result)
    return dict((_text(name), _text(sha)) for name, sha in refs.items() if sha is not None)


def resolve_version(refs: dict, version, url: str):
    """``(ref name or None, commit sha or None)`` for ``version`` against the remote's ``refs`` (see the module
    docstring). ``(None, None)``: the default branch. Raises PluginError for an invalid constraint or none
    matching."""
    if not version:
        return None, None
    for prefix in ("refs/tags/", "refs/heads/"):
        if prefix + version in refs:
            name = prefix + version
            return name, refs.get(name + "^{}", refs[name])
    if _HEX.match(version):
        matches = sorted(set(sha for sha in refs.values() if sha.lower().startswith(version.lower())))
        if len(matches) == 1:
            return None, matches[0]
        if not matches:
            return None, version.lower()  # a commit not at a ref's tip: looked up after the clone
    try:
        constraint = parse_constraint(version)
    except SemverError as exc:
        raise PluginError("plugin_version %r is neither a reference of %s nor a version constraint: %s"
                          % (version, redact_url(url), exc)) from None
    candidates = []
    for name in refs:
        if name.startswith("refs/tags/") and not name.endswith("^{}"):
            tag = name[len("refs/tags/"):]
            try:
                candidates.append((parse_version(tag), tag))
            except SemverError:
                continue
    for parsed, tag in sorted(candidates, key=lambda pair: pair[0], reverse=True):
        if constraint.check(parsed):
            name = "refs/tags/" + tag
            return name, refs.get(name + "^{}", refs[name])
    raise PluginError('requested version "%s" does not exist for plugin "%s"' % (version, redact_url(url)))


def _check_links(root: str, source: str) -> None:
    real_root = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):
        if ".git" in dirs and folder == root:
            dirs.remove(".git")
        for name in dirs + files:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if target != real_root and not target.startswith(real_root + os.sep):
                    shown = (redact_url(source), os.path.relpath(path, root), os.readlink(path))
                    raise PluginError("plugin repository %s holds %s, a symbolic link pointing outside the plugin "
                                      "(%s); refusing to install it" % shown)


def clone(source: str, target: str, version=None, timeout: float = 300.0) -> dict:
    """Clone the git repository ``source`` into the (new, empty or missing) directory ``target`` and check out
    ``version`` (see the module docstring). Returns ``{"ref": ref name or None, "commit": sha}``. Raises
    PluginError naming the source (unreachable, no such version, a link escaping the checkout, the deadline)."""
    porcelain, Repo = _dulwich()
    deadline = Deadline(timeout)

    def work():
        try:
            refs = _remote_refs(porcelain, source)
        except Exception as exc:  # dulwich raises many types (HangupException, GitProtocolError, OSError, ...)
            raise PluginError("cannot read the git repository %s: %s" % (redact_url(source), _reason(exc))) from None
        ref, sha = resolve_version(refs, version, source)
        try:
            repo = porcelain.clone(source, target, checkout=True, errstream=io.BytesIO())
        except Exception as exc:
            raise PluginError("cannot clone the git repository %s: %s" % (redact_url(source), _reason(exc))) \
                from None
        try:
            if sha is not None:
                try:
                    commit = repo[sha.encode("ascii")] if len(sha) == 40 else None
                except KeyError:
                    commit = None
                if commit is None:
                    found = [oid for oid in repo.object_store if oid.decode("ascii").startswith(sha)]
                    if len(found) != 1:
                        raise PluginError('requested version "%s" does not exist for plugin "%s"'
                                          % (version, redact_url(source)))
                    sha = found[0].decode("ascii")
                porcelain.reset(repo, "hard", sha.encode("ascii"))
            head = repo.head().decode("ascii")
        finally:
            repo.close()
        _check_links(target, source)
        return {"ref": ref, "commit": head}

    return run_with_deadline(work, deadline, lambda: PluginError(
        "fetching the plugin repository %s took longer than %ss (timeout); raise timeout if the repository is large "
        "or the link slow" % (redact_url(source), ("%g" % deadline.seconds))))


def _reason(exc) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:300] if text else type(exc).__name__
