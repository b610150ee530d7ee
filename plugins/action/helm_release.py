# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Action plugin for helmkit.core.helm_release: reads ``values_files`` on the controller, and runs the module in
this process when the task runs on the controller (``plugin_utils/inprocess.py``).

Each ``values_files`` entry is looked up like a role's or playbook's ``files/`` (``ActionBase._find_needle``) and read
through the DataLoader, which decrypts Ansible Vault files with the play's vault secrets. The texts go to the module
as ``values_files_contents`` (``content`` is ``no_log``; ``vault`` marks encrypted files, whose values the module
masks in all output); the module parses them with Helm's YAML rules. An entry not found on the controller is left
for the module to read on the managed host.
"""
from __future__ import annotations

from ansible.errors import AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

from ansible_collections.helmkit.core.plugins.plugin_utils import inprocess


_MODULE_FQN = "ansible_collections.helmkit.core.plugins.modules.helm_release"
# What an install, upgrade or unchanged run imports where used (module_utils keeps imports lazy so that each path
# pays only for its own): imported in the process running the plays when it loads this plugin (PRELOAD, below), and
# once per worker before an async loop forks its jobs (ASYNC_PRELOAD, inprocess.start_async).
PRELOAD = ("module_utils.release_task", "module_utils.release.actions", "module_utils.release.unchanged",
           "module_utils.release.recovery", "module_utils.release.diff", "module_utils.kube.client",
           "module_utils.chart.render", "module_utils.source.options", "module_utils.source.locate")
ASYNC_PRELOAD = PRELOAD + ("module_utils.source.deps.manager",)

# Each task's worker is forked from the process running the plays after that process loaded this class, so the
# workers of every helm_release task inherit these imports instead of paying them (docs/engine.md, "Module start-up").
inprocess.preload(_MODULE_FQN, PRELOAD)


class ActionModule(ActionBase):
    """Run helm_release with values files read (and Vault-decrypted) on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def _read_values_file(self, path):
        """Return ``{"path", "content", "vault"}`` for a controller file (``vault``: it was Vault-encrypted),
        ``{"path", "searched"}`` (the controller paths searched) when it is not on the controller."""
        try:
            found = self._find_needle("files", path)
        except AnsibleFileNotFound as exc:  # the module reads it on the managed host, or says where both looked
            return {"path": path, "searched": [to_text(p) for p in (getattr(exc, "paths", None) or [])]}
        try:
            data, show = self._loader._get_file_contents(found)
        except AnsibleError as exc:
            raise AnsibleError("cannot read values file %s: %s" % (path, to_text(exc)))
        return {"path": path, "content": to_text(data, errors="surrogate_or_strict"), "vault": not show}

    @staticmethod
    def _set_values_error(items):
        """The error for ``set_values`` entries that are not ``{value: ...}`` mappings (a bare ``key=value`` string
        is the common mistake, which Ansible's own check reports as "missing required arguments: value"), or None.
        """
        if items is None:
            return None
        entries = [items] if isinstance(items, (str, dict)) else items
        if not isinstance(entries, list):
            return None
        for index, item in enumerate(entries):
            if isinstance(item, dict) and "value" in item:
                continue
            if isinstance(item, str):
                shown = '"%s"' % item
            elif isinstance(item, dict):
                shown = "a mapping without 'value' (keys: %s)" % ", ".join(sorted(to_text(key) for key in item))
            else:
                shown = "a %s" % type(item).__name__
            example = item if isinstance(item, str) and "=" in item else "replicaCount=3"
            return ("set_values[%d] is %s; each entry is a mapping whose 'value' holds what helm --set takes, for "
                    "example: set_values: [{value: \"%s\"}] (add value_type: string, json, file or literal for "
                    "--set-string, --set-json, --set-file or --set-literal)" % (index, shown, example))
        return None

    def run(self, tmp=None, task_vars=None):
        """Read ``values_files`` here, then execute the module with ``values_files_contents`` (``async`` tasks are
        wrapped as ``ansible.builtin.normal`` wraps them)."""
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        problem = self._set_values_error(args.get("set_values"))
        if problem:
            result.update(failed=True, msg=problem)
            return result
        files = args.get("values_files") or []
        if isinstance(files, str):
            files = [files]
        if files and "values_files_contents" not in args:
            try:
                args["values_files_contents"] = [self._read_values_file(to_text(path)) for path in files]
            except AnsibleError as exc:
                result.update(failed=True, msg=to_text(exc.message if hasattr(exc, "message") else exc))
                return result
            args.pop("values_files", None)
        module_name = self._task.resolved_action or "helmkit.core.helm_release"
        if inprocess.usable(self, task_vars):  # on the controller: no AnsiballZ payload, no second Python
            if self._task.async_val:
                started = inprocess.start_async(self, module_name, _MODULE_FQN, args, task_vars, ASYNC_PRELOAD)
                return merge_hash(result, started)
            return merge_hash(result, inprocess.run(self, module_name, _MODULE_FQN, args, task_vars))
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(
            module_name=module_name, module_args=args, task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
