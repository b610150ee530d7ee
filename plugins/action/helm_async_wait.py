# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Action plugin for helmkit.core.helm_async_wait: wait for an ``async`` job and return its result as
``ansible.builtin.async_status`` returns it once finished.

On the controller (connection ``local``, no ``become``: the job file is this account's) the job file is read here,
a few times a second, with the module's own reader (``plugins/modules/helm_async_wait.py``): no module run per
poll. Elsewhere, one run of the module on the managed host waits. ``HELMKIT_IN_PROCESS=0`` always runs the module.
The job directory is the ``async_dir`` option or, as async_status's action plugin finds it, the ``async_dir`` shell
option (``~`` expanded for the remote user), and the job's result is decoded as a module's output is.
"""
from __future__ import annotations

import json
import os

from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys

from ansible_collections.helmkit.core.plugins.modules import helm_async_wait as waiter
from ansible_collections.helmkit.core.plugins.plugin_utils import inprocess

_ARGS = {
    "jid": {"type": "str", "required": True},
    "timeout": {"type": "int", "default": 3600},
    "cleanup": {"type": "bool", "default": False},
    "async_dir": {"type": "path"},
}


class ActionModule(ActionBase):
    """Wait for one async job, reading its job file here when the task runs on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        """Return the finished job's result merged into async_status's keys (``started``, ``finished``,
        ``ansible_job_id``, ``results_file``, empty ``stdout``/``stderr``)."""
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        spec = dict(_ARGS)
        for name in self._task.args:  # the group's Kubernetes options (module_defaults): accepted, unused
            if name not in spec and not name.startswith("_"):
                spec[name] = {"type": "raw"}
        validation, args = self.validate_argument_spec(argument_spec=spec)
        del validation
        jid = args["jid"]
        async_dir = self._remote_expand_user(
            args["async_dir"] or self.get_shell_option("async_dir", default="~/.ansible_async"))
        path = self._connection._shell.join_path(async_dir, jid)
        result.update(started=True, finished=False, ansible_job_id=jid, results_file=path, stdout="", stderr="",
                      stdout_lines=[], stderr_lines=[])
        if inprocess.on_controller(self):
            waited = self._wait_here(path, jid, args)
        else:
            module_args = dict((name, value) for name, value in self._task.args.items())
            module_args["async_dir"] = async_dir
            waited = self._execute_module(module_name="helmkit.core.helm_async_wait", module_args=module_args,
                                          task_vars=task_vars)
        result = merge_hash(result, waited)
        for flag in ("started", "finished"):
            result[flag] = bool(result.get(flag))
        return result

    def _wait_here(self, path: str, jid: str, args: dict) -> dict:
        """Wait for the job in this process; the job's result decoded as ``_execute_module`` decodes a module's."""
        timeout = args["timeout"]
        try:
            data = waiter.wait_for_job(path, jid, timeout)
        except FileNotFoundError:
            return {"failed": True, "msg": "could not find job", "started": True, "finished": True}
        except (OSError, ValueError) as exc:
            return {"failed": True, "msg": to_text(exc), "started": True, "finished": True}
        if data is None:
            return waiter.timed_out(jid, path, timeout)
        if args["cleanup"]:
            os.unlink(path)
        response = {"rc": 0, "stdout": json.dumps(data), "stderr": ""}
        try:
            decoded = self._parse_returned_data(response, "legacy")
        except TypeError:  # ansible-core before 2.19: no serialization profiles
            decoded = self._parse_returned_data(response)  # pylint: disable=no-value-for-parameter
        remove_internal_keys(decoded)
        return decoded
