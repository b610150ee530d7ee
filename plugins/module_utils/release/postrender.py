"""Post-rendering: pipe the rendered manifest through a user program, as ``helm install --post-renderer`` does.

Helm (``pkg/postrender/exec.go`` in v3, the ``postrenderer/v1`` plugin type in v4) writes the release manifest (the
non-hook documents, hooks untouched) to the program's stdin and uses its stdout as the manifest it applies and
stores. The program runs without a shell, with ``args`` as its arguments, in the task's working directory, and must
exit 0 within ``timeout`` seconds and print something.

``binary_path`` may name an installed ``postrenderer/v1`` plugin, as Helm v4's ``--post-renderer NAME`` does
(helmplugin/run.py runs it); a bare name that is no such plugin is an executable looked up in PATH, a path is an
executable, as in Helm v3.
"""
from __future__ import annotations

import os
import subprocess

from ..errors import HelmkitError
from ..helmplugin.manifest import find_plugin
from ..helmplugin.paths import plugins_directory
from ..helmplugin.run import post_render

DEFAULT_TIMEOUT = 60.0


class PostRenderError(HelmkitError):
    """The post-renderer could not be run, failed, timed out or printed nothing."""


def resolve_binary(binary_path: str) -> str:
    """The post-renderer program ``binary_path`` names (``~`` expanded); a path must be an executable file. Raises
    :class:`PostRenderError` saying what to fix."""
    if not binary_path:
        raise PostRenderError("post_renderer.binary_path is required: the program that reads the manifest on stdin "
                              "and prints the modified manifest")
    path = os.path.expanduser(binary_path)
    if os.sep in path:
        if not os.path.isfile(path):
            raise PostRenderError("post_renderer binary %s not found; give the path of an executable" % binary_path)
        if not os.access(path, os.X_OK):
            raise PostRenderError("post_renderer binary %s is not executable; run chmod +x on it" % binary_path)
    return path


def _plugin(binary_path: str):
    """The installed postrenderer/v1 plugin called ``binary_path`` (a bare name), or None."""
    if not binary_path or os.sep in binary_path or (os.altsep and os.altsep in binary_path):
        return None
    return find_plugin(plugins_directory(), binary_path, "postrenderer/v1")


def run(manifest: str, binary_path: str, args=None, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ``binary_path args...`` with ``manifest`` (str) on stdin; return its stdout (str).

    Raises :class:`PostRenderError` when the program is missing or not executable, exits non-zero (its stderr is
    quoted, at most 2000 characters), runs longer than ``timeout`` seconds, or prints nothing. A plugin's errors
    (helmplugin.manifest.PluginError) name the plugin.
    """
    plugin = _plugin(binary_path)
    if plugin is not None:
        output = post_render(plugin, manifest, [str(arg) for arg in args or []], float(timeout))
        if not output.strip():
            raise PostRenderError("error while running post render on files: post-renderer plugin %s printed no "
                                  "manifest on stdout" % binary_path)
        return output
    command = [resolve_binary(binary_path)] + [str(arg) for arg in args or []]
    try:
        proc = subprocess.run(command, input=manifest.encode("utf-8"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=float(timeout), check=False)
    except subprocess.TimeoutExpired:
        raise PostRenderError("error while running post render on files: post_renderer %s did not finish within "
                              "%gs; raise post_renderer.timeout or fix the program" % (binary_path, timeout)) from None
    except OSError as exc:
        raise PostRenderError("error while running post render on files: cannot run %s: %s"
                              % (binary_path, exc.strerror or exc)) from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise PostRenderError("error while running post render on files: error while running command %s (exit "
                              "status %d). error output:\n%s" % (binary_path, proc.returncode, stderr))
    output = proc.stdout.decode("utf-8", "replace")
    if not output.strip():
        raise PostRenderError("error while running post render on files: post_renderer %s printed no manifest on "
                              "stdout" % binary_path)
    return output


def with_post_renderer(render, binary_path: str, args=None, timeout: float = DEFAULT_TIMEOUT):
    """Wrap an actions ``render(chart, values, revision, is_upgrade)`` callable so that its result's ``manifest``
    is replaced by the post-renderer's output (hooks, notes and CRDs unchanged). Errors as :func:`run`."""
    if _plugin(binary_path) is None:
        resolve_binary(binary_path)

    def render_and_post_render(chart, values, revision, is_upgrade):
        rendered = render(chart, values, revision=revision, is_upgrade=is_upgrade)
        rendered.manifest = run(rendered.manifest, binary_path, args, timeout)
        return rendered
    return render_and_post_render
