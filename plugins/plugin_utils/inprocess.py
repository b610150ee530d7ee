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

An ``async`` task forks a job process from this one (imports already done: a loop's items share the worker), which
writes the job file that ``async_status`` reads, in ``async_wrapper``'s format and place (``ansible_async_dir``,
``~`` expanded), and is killed after the ``async`` seconds with ``Timeout exceeded``, as ``async_wrapper`` does.

Used only when it cannot change behaviour: connection ``local``, no ``become``, and the task's
Python interpreter is the controller's own (``ansible_python_interpreter`` resolves to ``sys.executable``: the same
packages; implicit localhost sets exactly that), on ansible-core 2.19 or later (:func:`missing_apis`; older cores run
the module as AnsiballZ). ``HELMKIT_IN_PROCESS=0`` on the controller turns it off.

The process running the plays imports the module's code when it loads the action plugin (:func:`preload`), so
every task's worker, forked from it afterwards, finds it imported.

The collection's Python files are imported through Ansible's collection loader, which compiles every file on every
import; :func:`cache_bytecode` gives that loader the module bytecode cache (``module_utils/_bytecache.py``).
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import io
import inspect
import json
import multiprocessing
import os
import secrets
import signal
import sys
import time
import traceback

from ansible import constants as C
from ansible import context
from ansible.module_utils import basic
from ansible.module_utils.json_utils import _filter_non_json_lines
from ansible.plugins.action import ActionBase
from ansible.vars.clean import remove_internal_keys

try:  # ansible-core 2.19+; on older cores the module runs as AnsiballZ (see missing_apis)
    from ansible.module_utils import _internal
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:
    _internal = Direction = get_module_encoder = None

from ansible_collections.helmkit.core.plugins.module_utils import _bytecache
from ansible_collections.helmkit.core.plugins.module_utils.privatecache import switched_off

_PREFIX = "ansible_collections.helmkit.core.plugins."


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


def on_controller(action) -> bool:
    """Whether ``action``'s task runs on the controller as this account: connection ``local``, no ``become``, and
    ``HELMKIT_IN_PROCESS`` not turned off (files the task's module would read or write are this process's)."""
    if switched_off("HELMKIT_IN_PROCESS"):
        return False
    connection = action._connection
    if getattr(connection, "transport", None) != "local" or getattr(connection, "_remote_is_local", False):
        return False
    return not (action._play_context.become or getattr(connection, "become", None) is not None)


def missing_apis() -> list:
    """What this ansible-core lacks of the in-process run's needs (names; empty on 2.19+). The run needs
    ``ansible.module_utils._internal.is_controller`` (warnings go into the result as on a managed host),
    ``ansible.module_utils.common.json.get_module_encoder`` and ``Direction`` (the arguments encoded as the AnsiballZ
    wrapper encodes them), ``ansible.module_utils.basic._ANSIBLE_PROFILE`` (how AnsibleModule decodes them) and
    ``ActionBase._parse_returned_data(res, profile)``; all came with ansible-core 2.19."""
    missing = []
    if _internal is None or not hasattr(_internal, "is_controller"):
        missing.append("ansible.module_utils._internal.is_controller")
    if get_module_encoder is None or Direction is None:
        missing.append("ansible.module_utils.common.json.get_module_encoder")
    if not hasattr(basic, "_ANSIBLE_PROFILE"):
        missing.append("ansible.module_utils.basic._ANSIBLE_PROFILE")
    try:
        parameters = inspect.signature(ActionBase._parse_returned_data).parameters
    except (TypeError, ValueError):
        parameters = {}
    if "profile" not in parameters:
        missing.append("ActionBase._parse_returned_data(res, profile)")
    return missing


def usable(action, task_vars: dict) -> bool:
    """Whether ``action``'s task can run its module in this process (see the module docstring); False on an
    ansible-core without the APIs it needs (:func:`missing_apis`), whose tasks run the module as AnsiballZ."""
    return on_controller(action) and not missing_apis() and _same_python(task_interpreter(action, task_vars))


def _controller_main_process() -> bool:
    """Whether this is the process of an Ansible command line that runs plays (``ansible-playbook``, ``ansible``:
    its arguments parsed into ``context.CLIARGS``, the task queue manager imported), not a worker it forked nor
    another program importing the plugin (a test run, ``ansible-doc``, sanity tests)."""
    return multiprocessing.parent_process() is None and bool(context.CLIARGS) \
        and "ansible.executor.task_queue_manager" in sys.modules


def preload(module_fqn: str, names=()) -> bool:
    """Import module ``module_fqn`` and ``names`` (under ``ansible_collections.helmkit.core.plugins.``) in the
    process running the plays, when the action plugin is loaded there; returns whether it did.

    Ansible's strategies (linear, free, host_pinned; ad-hoc ``ansible`` runs a linear play) load a task's action
    plugin class in that process before forking the task's worker, so every worker inherits the imports instead of
    paying them (podinfo's install task with wait: 0.30 s became 0.13 s). Not done in a worker (nothing to share), with
    ``HELMKIT_IN_PROCESS=0``, or on an ansible-core without the in-process run. Importing has no effect but the
    imports: no thread, socket or file is left open, no signal handler set (tests/unit/test_inprocess_rules.py
    checks), so forking afterwards is safe. Nothing the module's path imports is bound at import time to
    ``ansible.module_utils._internal.is_controller`` (only ``common.json``'s legacy encoder would be, which it does
    not use), so the imports are those a worker would make. A failed import is left for the task to meet and
    report.

    Then every object of the process is moved to the collector's permanent generation (``gc.freeze()``, Python's
    advice before forking workers): otherwise each full collection of the process running the plays, and of every
    worker forked from it, walks the imports' 70,000 objects again, and a worker's walk also writes to their pages
    (copy-on-write). Measured A/B (docs/engine.md, 2026-12-06 third session): without it the preload cost an
    unchanged podinfo play 0.04 s of CPU more than no preload; with it 0.05 s less. Cyclic garbage that exists at
    that moment is never collected (the process is as long-lived as its playbook run)."""
    if switched_off("HELMKIT_IN_PROCESS") or not _controller_main_process() or missing_apis():
        return False
    cache_bytecode()
    try:  # not in _module_context: the strategy's results thread reads os.environ and is_controller meanwhile
        with _no_cycle_collection():  # about 475 modules: the collector's passes meanwhile find nothing to free
            importlib.import_module(module_fqn)
            for name in names:
                importlib.import_module(_PREFIX + name)
        gc.freeze()  # see the docstring
    except Exception:  # pylint: disable=broad-except  # the task imports it again and reports what fails
        return False
    return True


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
    sys.meta_path.insert(0, _CollectionCodeCache(_bytecache.cached_code))


@contextlib.contextmanager
def _module_context(environment: dict):
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


def _prepare(action, module_name: str, module_args: dict, task_vars: dict) -> tuple:
    """(encoded parameters, task environment) as ``_execute_module`` would send them."""
    args = dict(module_args)
    action._update_module_args(module_name, args, task_vars)
    encoder = get_module_encoder(_PROFILE, Direction.CONTROLLER_TO_MODULE)
    params = json.dumps({"ANSIBLE_MODULE_ARGS": args}, cls=encoder).encode("utf-8")
    environment = {}
    action._compute_environment_string(environment)
    cache_bytecode()
    return params, environment


@contextlib.contextmanager
def _no_cycle_collection():
    """Run without the cyclic garbage collector; restored afterwards.

    A module run allocates hundreds of thousands of objects that live until it ends (imports, a chart's parse trees
    and compiled templates, the render), so the collector's passes move survivors and find next to nothing. For an
    unchanged kube-prometheus-stack task that was 0.05-0.09 s of CPU through ``ansible-playbook`` (A/B in one run)
    and 0.2-0.3 s of a module run in a fresh process, for no memory (the same peak RSS with and without).
    Reference counting frees what it always frees; cyclic garbage waits until the collector is back on, after the
    module returns (the worker exits soon after; a loop's next item starts with it on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _call_main(module_fqn: str, params: bytes, environment: dict) -> tuple:
    """Run the module's ``main()``; returns (exit code, what it printed)."""
    out = io.StringIO()
    code = 0
    with _module_context(environment), _no_cycle_collection():
        basic._ANSIBLE_ARGS = params
        basic._ANSIBLE_PROFILE = _PROFILE
        try:
            with contextlib.redirect_stdout(out):
                importlib.import_module(module_fqn).main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            basic._ANSIBLE_ARGS = None
            basic._ANSIBLE_PROFILE = None
    return code, out.getvalue()


_PROFILE = "legacy"


def run(action, module_name: str, module_fqn: str, module_args: dict, task_vars: dict) -> dict:
    """Run module ``module_fqn`` (``ansible_collections....modules.NAME``, whose ``main()`` builds an
    AnsibleModule) with ``module_args`` in this process; returns the task result as ``_execute_module`` does."""

    params, environment = _prepare(action, module_name, module_args, task_vars)
    code, printed = _call_main(module_fqn, params, environment)
    action._used_interpreter = sys.executable
    data = action._parse_returned_data({"rc": code, "stdout": printed, "stderr": ""}, _PROFILE)
    data.pop("_ansible_suppress_tmpdir_delete", None)
    remove_internal_keys(data)
    return data


def _write_job(path: str, info: dict) -> None:
    temp = path + ".tmp"
    with open(temp, "w") as handle:
        handle.write(json.dumps(info))
    os.rename(temp, path)


def _job_result(code: int, printed: str) -> dict:
    """The module's result as ``async_wrapper`` stores it: its JSON, or a failure saying what it printed."""

    try:
        filtered, _warnings = _filter_non_json_lines(printed)
        result = json.loads(filtered)
        if isinstance(result, dict):
            return result
    except ValueError:
        pass
    return {"failed": True, "rc": code, "msg": "the module printed no result", "data": printed[-2000:]}


def _job(job_path: str, jid: str, module_fqn: str, params: bytes, environment: dict) -> None:
    try:
        code, printed = _call_main(module_fqn, params, environment)
        _write_job(job_path, _job_result(code, printed))
    except BaseException:  # pylint: disable=broad-except  # the job file must say why
        _write_job(job_path, {"failed": True, "msg": traceback.format_exc(), "ansible_job_id": jid})


def _watch(job_path: str, jid: str, limit: int, module_fqn: str, params: bytes, environment: dict) -> None:
    """In the detached watcher: fork the job, kill it after ``limit`` seconds (0: none) as async_wrapper does."""
    job = os.fork()
    if job == 0:
        os.setpgid(0, 0)
        _job(job_path, jid, module_fqn, params, environment)
        os._exit(0)  # pylint: disable=protected-access
    deadline = time.monotonic() + limit if limit > 0 else None
    while os.waitpid(job, os.WNOHANG) == (0, 0):
        if deadline is not None and time.monotonic() >= deadline:
            try:
                os.killpg(job, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(job, 0)
            _write_job(job_path, {"msg": "Timeout exceeded", "failed": True, "child_pid": job})
            return
        time.sleep(0.05)


def start_async(action, module_name: str, module_fqn: str, module_args: dict, task_vars: dict,
                preload=()) -> dict:
    """Start module ``module_fqn`` as an async job of this controller; returns what ``async_wrapper`` returns
    (``started``, ``finished``, ``ansible_job_id``, ``results_file``) for ``async_status`` to poll.

    ``preload``: names under ``ansible_collections.helmkit.core.plugins.`` (``module_utils.release_task``) that the
    module imports where used; they are imported here, once per worker, so that each forked job does not import
    them again (a loop of async releases: about 0.3 s of CPU per job)."""
    params, environment = _prepare(action, module_name, module_args, task_vars)
    with _module_context({}):  # once per worker: the jobs are forked with everything imported
        importlib.import_module(module_fqn)
        for name in preload:
            importlib.import_module(_PREFIX + name)
    async_dir = os.path.expanduser(str(action.get_shell_option("async_dir", default="~/.ansible_async")))
    os.makedirs(async_dir, exist_ok=True)
    jid = "j%d.%d" % (secrets.randbelow(999999999999), os.getpid())
    job_path = os.path.join(async_dir, jid)
    _write_job(job_path, {"started": True, "finished": False, "ansible_job_id": jid})
    limit = int(action._task.async_val or 0)
    sys.stdout.flush()
    sys.stderr.flush()
    first = os.fork()
    if first == 0:  # detach: a new session, no terminal, the watcher orphaned to init at once
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for descriptor in (0, 1, 2):
                os.dup2(null, descriptor)
            if os.fork() == 0:
                _watch(job_path, jid, limit, module_fqn, params, environment)
        finally:
            os._exit(0)  # pylint: disable=protected-access
    os.waitpid(first, 0)
    action._used_interpreter = sys.executable
    return {"failed": False, "started": True, "finished": False, "ansible_job_id": jid, "results_file": job_path,
            "changed": True}
