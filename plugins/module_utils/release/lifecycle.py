"""helm_release's lifecycle options and its ``absent`` and ``rollback`` states, without Ansible imports.

The module passes its ``params`` dict; these functions return the task result dict. Options (Helm's names):
``description``, ``labels``, ``disable_hooks``, ``reuse_values``/``reset_values``/``reset_then_reuse_values``,
``take_ownership``, ``cleanup_on_fail``, ``atomic`` (alias ``rollback_on_failure``), ``skip_crds``/``crds``,
``revision`` (rollback), ``keep_history`` and ``cascade`` (absent).
"""
from __future__ import annotations

# The rest of the release package is imported where used.


def options_kwargs(params: dict) -> dict:
    """Keyword arguments for :class:`~.actions.ReleaseOptions` from the module's ``params``. Raises
    :class:`~..errors.ValuesError` when more than one of the values modes is set."""
    from . import reuse
    reuse.choose_mode(params.get("reuse_values"), params.get("reset_values"), params.get("reset_then_reuse_values"))
    return dict(description=params.get("description"), labels=params.get("labels"),
                disable_hooks=params.get("disable_hooks"), reset_values=params.get("reset_values"),
                take_ownership=params.get("take_ownership"), cleanup_on_fail=params.get("cleanup_on_fail"),
                crds="skip" if params.get("skip_crds") else (params.get("crds") or "create_replace"),
                storage_driver=params.get("storage_driver"))


class PresentAction:
    """The ``ensure_present`` callable handed to ``present.run``: recovery and ``atomic``; :meth:`inputs` applies
    the values mode first.

    Call as ``ensure_present(client, options, chart, values, render)``. After the call, ``recovered`` holds the
    recovery report (dict) or None.
    """

    def __init__(self, params: dict):
        from . import reuse
        self.mode = reuse.choose_mode(params.get("reuse_values"), params.get("reset_values"),
                                      params.get("reset_then_reuse_values"))
        self.atomic = bool(params.get("atomic"))
        self.recovered = None

    def inputs(self, client, options, chart, values: dict) -> tuple:
        """``(chart, values)`` to install or upgrade with under the values mode (``release/reuse.py``); call it
        once, before the action and any check/diff plan, so that both see the same inputs."""
        from . import reuse
        from .storage import ReleaseStorage
        if self.mode not in ("reuse_values", "reset_then_reuse_values"):
            return chart, values
        history = ReleaseStorage(client, options.namespace, options.storage_driver).history(options.name)
        return reuse.upgrade_inputs(chart, history, values, self.mode)

    def __call__(self, client, options, chart, values, render):
        from . import recovery
        result = recovery.ensure_present_recovering(client, options, chart, values, render,
                                                    atomic=self.atomic and not options.dry_run)
        self.recovered = result.recovered
        return result


def atomic_failure(exc) -> dict:
    """Task result for a failed action that ``atomic`` undid (a :class:`~.recovery.AtomicError`): ``failed``,
    ``msg``, ``changed`` (something was written), ``status`` of the rollback revision when there is one, ``atomic``
    (``rollback``/``uninstall``)."""
    output = {"failed": True, "changed": True, "msg": str(exc), "atomic": exc.undo}
    if exc.release is not None:
        output["status"] = exc.release.summary()
    return output


def absent(client, options, params: dict, diff_mode: bool = False) -> dict:
    """``state=absent``: uninstall with ``keep_history``, ``wait``, ``cascade``, ``disable_hooks``. In check mode
    (``options.dry_run``) the result's ``plan`` lists what would be deleted (``uninstall.uninstall_plan``: objects,
    hooks, release records, each ``{kind, namespace, name}``), and with ``diff_mode`` the ``diff`` shows it."""
    from .uninstall import uninstall
    result = uninstall(client, options, keep_history=bool(params.get("keep_history")),
                       cascade=params.get("cascade") or "background")
    output = {"changed": result.changed}
    if result.release is not None:
        output["status"] = result.release.summary()
    if result.kept:
        output["kept"] = result.kept
        output["info"] = result.info
    if result.plan is not None:
        output["plan"] = dict(result.plan, action=result.action, revision=result.release.version)
        if diff_mode:
            output["diff"] = _absent_diff(result.release, result.plan)
    return output


def _absent_diff(release, plan: dict) -> dict:
    """An Ansible diff of an uninstall: before, what would be deleted (objects, hooks, release records) and what
    is kept; after, only what is kept."""
    from .diff import to_yaml
    deleted = {key: plan[key] for key in ("objects", "hooks", "records") if plan[key]}
    kept = {"kept": plan["kept"]} if plan["kept"] else None
    return {"before_header": "release %s (revision %d)" % (release.name, release.version),
            "after_header": "release %s uninstalled" % release.name,
            "before": to_yaml(dict(deleted, **(kept or {}))), "after": to_yaml(kept) if kept else ""}


def rolled_back(client, options, params: dict) -> dict:
    """``state=rollback``: roll back to ``revision`` (0: the previous one)."""
    from .rollback import rollback
    result = rollback(client, options, revision=params.get("revision") or 0)
    output = {"changed": result.changed, "manifest": result.manifest, "notes": result.notes}
    if result.release is not None:
        output["status"] = result.release.summary()
    output["rollback_to"] = result.target.version
    return output
