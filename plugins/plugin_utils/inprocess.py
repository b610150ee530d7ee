# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Run a helmkit module inside the action plugin's worker process when the task runs on the controller.

A task whose connection is ``local`` (``hosts: localhost``, ``delegate_to: localhost``, ``connection: local``) runs
its module on the controller anyway. The normal path builds the AnsiballZ payload (Ansible parses and zips the 2 MB
of module_utils, about 1 s of CPU per ``ansible-playbook`` run), writes it, starts a second Python, which imports
Ansible's module_utils and ours from the zip. Here the module's ``main()`` is called in the worker process that
Ansible forked for this task (it exits after the task, so nothing the module does to the process -- imports,
``os.environ``, the working directory -- reaches another task). See docs/engine.md ("Module start-up").

What the module sees is what the AnsiballZ wrapper gives it: the arguments go through Ansible's controller-to-module
JSON encoder and AnsibleModule decodes them (``_ansible_check_mode``, ``_ansible_diff``, ``_ansible_no_log`` ... from
``ActionBase._update_module_args``); its result is the JSON it prints, decoded with the module-to-controller decoder,
as ``_execute_module`` does. While it runs, ``ansible.module_utils._internal.is_controller`` is False, so warnings and
deprecations go into the result as on a managed host. The task's ``environment`` is applied to ``os.environ``.

Used only when it cannot change behaviour: connection ``local``, no ``become``, not ``async``, and the task's
Python interpreter is the controller's own (``ansible_python_interpreter`` resolves to ``sys.executable``: the same
packages; implicit localhost sets exactly that). ``HELMKIT_IN_PROCESS=0`` on the controller turns it off.

The collection's Python files are imported through Ansible's collection loader, which compiles every file on every
import; :func:`cache_bytecode` gives that loader the module bytecode cache (``module_utils/_bytecache.py``).
"""
from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys

_PREFIX = "ansible_collections.helmkit.core.plugins."
_OFF = ("0", "off", "false", "no")


def _same_python(interpreter) -> bool:
    """Whether ``interpreter`` is this process's Python with the same packages: the same executable in the same
    directory (a virtual environment's ``bin/python`` links to its base interpreter, whose packages differ, so the
    final link is not followed for the directory)."""
    if not interpreter:
        return False
    mine, theirs = os.path.abspath(sys.executable), os.path.abspath(str(interpreter))
    try:
        return os.path.realpath(os.path.dirname(mine)) == os.path.realpath(os.path.dirname(theirs)) \
            and os.path.samefile(mine, theirs)
    except OSError:
        return False


def task_interpreter(action, task_vars: dict):
    """The Python interpreter the task's module would run with (str), or None when it is not known without
    running interpreter discovery (``auto``, not yet discovered)."""
    from ansible import constants as C  # pylint: disable=import-outside-toplevel

    variables = task_vars
    if action._task.delegate_to:
        variables = (task_vars.get("ansible_delegated_vars") or {}).get(action._task.delegate_to) or task_vars
    value = variables.get("ansible_python_interpreter")
    if value is None:
        value = C.config.get_config_value("INTERPRETER_PYTHON", variables=variables)
    try:
        value = action._templar.template(value)
    except Exception:  # pylint: disable=broad-except  # not resolvable here: leave it to the normal path
        return None
    value = str(value or "").strip()
    if not value or value.startswith("auto"):
        value = ((variables.get("ansible_facts") or {}).get("discovered_interpreter_python") or "")
    return value or None


def usable(action, task_vars: dict) -> bool:
    """Whether ``action``'s task can run its module in this process (see the module docstring)."""
    if os.environ.get("HELMKIT_IN_PROCESS", "").strip().lower() in _OFF:
        return False
    connection = action._connection
    if getattr(connection, "transport", None) != "local" or getattr(connection, "_remote_is_local", False):
        return False
    if action._task.async_val or action._play_context.become or getattr(connection, "become", None) is not None:
        return False
    return _same_python(task_interpreter(action, task_vars))


class _CollectionCodeCache(object):
    """Meta-path finder giving this collection's files, found by Ansible's collection loader, code objects from the
    bytecode cache instead of compiling them on every import."""

    def __init__(self, cached_code):
        self._cached_code = cached_code

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(_PREFIX):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not (spec.origin or "").endswith(".py") or not hasattr(loader, "get_source"):
            return spec
        cached_code = self._cached_code

        def get_code(name, _loader=loader, _origin=spec.origin):
            source = _loader.get_source(name)
            if source is None:
                return None
            if isinstance(source, str):
                source = source.encode("utf-8")
            return cached_code(source, _origin)

        loader.get_code = get_code  # the collection loader's exec_module calls self.get_code
        return spec

    @staticmethod
    def invalidate_caches():
        return None


def cache_bytecode() -> None:
    """Put :class:`_CollectionCodeCache` first on ``sys.meta_path`` (idempotent)."""
    if any(isinstance(finder, _CollectionCodeCache) for finder in sys.meta_path):
        return
    from ansible_collections.helmkit.core.plugins.module_utils import _bytecache  # pylint: disable=import-outside-toplevel
    sys.meta_path.insert(0, _CollectionCodeCache(_bytecache.cached_code))


@contextlib.contextmanager
def _module_context(environment: dict):
    from ansible.module_utils import _internal  # pylint: disable=import-outside-toplevel

    saved_environ = dict(os.environ)
    saved_controller = _internal.is_controller
    saved_cwd = os.getcwd()
    os.environ.update({str(key): str(value) for key, value in (environment or {}).items()})
    _internal.is_controller = False
    try:
        yield
    finally:
        _internal.is_controller = saved_controller
        os.environ.clear()
        os.environ.update(saved_environ)
        try:
            os.chdir(saved_cwd)
        except OSError:
            pass


def run(action, module_name: str, module_fqn: str, module_args: dict, task_vars: dict) -> dict:
    """Run module ``module_fqn`` (``ansible_collections....modules.NAME``, whose ``main()`` builds an
    AnsibleModule) with ``module_args`` in this process; returns the task result as ``_execute_module`` does."""
    from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.common.json import Direction, get_module_encoder  # pylint: disable=import-outside-toplevel
    from ansible.vars.clean import remove_internal_keys  # pylint: disable=import-outside-toplevel

    args = dict(module_args)
    action._update_module_args(module_name, args, task_vars)
    profile = "legacy"
    encoder = get_module_encoder(profile, Direction.CONTROLLER_TO_MODULE)
    params = json.dumps({"ANSIBLE_MODULE_ARGS": args}, cls=encoder).encode("utf-8")
    environment = {}
    action._compute_environment_string(environment)
    cache_bytecode()
    out = io.StringIO()
    code = 0
    with _module_context(environment):
        basic._ANSIBLE_ARGS = params
        basic._ANSIBLE_PROFILE = profile
        try:
            with contextlib.redirect_stdout(out):
                importlib.import_module(module_fqn).main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            basic._ANSIBLE_ARGS = None
            basic._ANSIBLE_PROFILE = None
    action._used_interpreter = sys.executable
    data = action._parse_returned_data({"rc": code, "stdout": out.getvalue(), "stderr": ""}, profile)
    data.pop("_ansible_suppress_tmpdir_delete", None)
    remove_internal_keys(data)
    return data
