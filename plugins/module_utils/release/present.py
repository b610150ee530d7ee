"""helm_release's ``state=present`` around the release actions: plan-time validation, values input (values file
contents from the action plugin, ``set_values``), ``post_renderer``, check mode and diff mode plans, and drift.

No Ansible imports: the module passes its ``params`` dict and flags in, and gets the task result dict back.

* Validation before any request (seed 000's plan-time validation): a chart directory without ``Chart.yaml``, an
  ``oci://`` chart without a version, a ``timeout`` that is not a duration, a ``drift_ignore`` entry that is not a
  JSON pointer, a ``post_renderer`` binary that does not exist.
* ``set_values``: ``[{value: "a.b=c", value_type: raw|string|json|file|literal}]``, applied after the values
  files and ``release_values`` as Helm applies ``--set-json``, ``--set``, ``--set-string``, ``--set-file`` and
  ``--set-literal`` (``pkg/cli/values/options.go: MergeValues``: by kind in that order, each into the same map).
* check mode: ``actions.ensure_present`` with ``dryRun=All``; when it would change anything, ``diff.plan_release``
  says which objects would be created, changed or deleted and why.
* diff mode: the plan is computed before the action, and returned as Ansible diffs (values, then objects).
* drift (``detect``/``correct``/``ignore``) is checked only when the release is otherwise unchanged.
"""
from __future__ import annotations

import os

from ..errors import HelmkitError, ValuesError
# parse_timeout is re-exported: modules and release_task read durations through present.parse_timeout
from ..gocompat.duration import parse_timeout  # noqa: F401  pylint: disable=unused-import

# diff and drift (kube, PyYAML) are imported where used.


def validate(params: dict) -> None:
    """Plan-time checks of helm_release ``params`` (dict) before any request; raises :class:`HelmkitError`."""
    parse_timeout(params.get("timeout"))
    from .drift import validate_ignore
    validate_ignore(params.get("drift_ignore"))
    ref = params.get("chart_ref") or ""
    if params.get("state", "present") != "present":
        return
    local = os.path.expanduser(ref)
    if not params.get("chart_repo_url") and os.path.isdir(local) \
            and not os.path.isfile(os.path.join(local, "Chart.yaml")):
        raise HelmkitError("chart_ref %s is a directory without Chart.yaml; point it at the chart's directory (the "
                           "one holding Chart.yaml) or at a packaged .tgz" % ref)
    if ref.startswith("oci://") and params.get("require_chart_version"):  # opt-in; Helm installs the latest tag
        tail = ref[len("oci://"):].rsplit("/", 1)[-1]
        if not params.get("chart_version") and ":" not in tail and "@" not in tail:
            raise HelmkitError("chart_ref %s is an OCI chart without a version: set chart_version (or add :<tag> or "
                               "@sha256:<digest> to the reference) so that every run installs the same chart" % ref)
    renderer = params.get("post_renderer")
    if renderer:
        from .postrender import _binary
        _binary(renderer.get("binary_path"))
        parse_timeout(renderer.get("timeout"), "post_renderer.timeout")


# pkg/cli/values/options.go: MergeValues parses --set-json, then --set, --set-string, --set-file, --set-literal,
# each kind in the order given, every one into the same map (so "a[1]=x" edits the list "a={p,q}" made).
_SET_ORDER = ("json", "raw", "string", "file", "literal")


def _set_parser(value_type: str):
    from ..chart import setvalues
    return {"raw": setvalues.parse_set, "string": setvalues.parse_set_string, "json": setvalues.parse_set_json,
            "file": setvalues.parse_set_file, "literal": setvalues.parse_set_literal}[value_type]


def collect_values(params: dict) -> dict:
    """User values from ``params``: values files (``values_files_contents`` read on the controller by the action
    plugin, or ``values_files`` read here), then ``release_values``, then ``set_values`` in order.

    Raises :class:`ValuesError` naming the file or the ``set_values`` entry.
    """
    from ..chart.goyamlload import load_values, merge_maps, to_json_values

    merged = {}
    for entry in params.get("values_files_contents") or []:
        if entry.get("content") is None:  # not found on the controller: read it on the managed host
            from .inputs import collect_values as read_files, missing_values_file
            if entry.get("searched") is not None and missing_values_file(entry["path"]):
                raise ValuesError(missing_values_file(entry["path"], entry["searched"]))
            merged = merge_maps(merged, read_files([entry["path"]], None))
        else:
            merged = merge_maps(merged, load_values(entry["content"].encode("utf-8"), source=entry["path"]))
    if not params.get("values_files_contents"):
        from .inputs import collect_values as read_files
        merged = read_files(params.get("values_files"), None)
    release_values = params.get("release_values")
    if release_values:
        if not isinstance(release_values, dict):
            raise ValuesError("release_values must be a mapping of values, got %s" % type(release_values).__name__)
        merged = merge_maps(merged, to_json_values(release_values))
    items = list(enumerate(params.get("set_values") or []))
    items.sort(key=lambda pair: _SET_ORDER.index(pair[1].get("value_type") or "raw"))
    for index, item in items:
        parser = _set_parser(item.get("value_type") or "raw")
        try:
            merged = parser(item["value"], into=merged)
        except ValuesError as exc:
            raise ValuesError("set_values[%d] (value_type %s): %s" % (index, item.get("value_type") or "raw", exc)) \
                from None
    return merged


def _leaf_texts(value) -> list:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _leaf_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _leaf_texts(item)]
    if value is None or isinstance(value, bool):
        return []
    return [value if isinstance(value, str) else str(value)]


def vault_strings(params: dict) -> set:
    """Strings the module registers as no-log values: every value (of at least 4 characters) of the values files
    that were Ansible Vault-encrypted on the controller, as text, base64 and base64 twice (Secret data and release
    records), so that decrypted values never show in results, diffs or errors. Empty when no file was encrypted."""
    import base64

    from ..chart.goyamlload import load_values

    found = set()
    for entry in params.get("values_files_contents") or []:
        if not entry.get("vault") or entry.get("content") is None:
            continue
        for text in _leaf_texts(load_values(entry["content"].encode("utf-8"), source=entry["path"])):
            if len(text) < 4:
                continue
            once = base64.b64encode(text.encode("utf-8")).decode("ascii")
            found.update((text, once, base64.b64encode(once.encode("ascii")).decode("ascii")))
    return found


def wrap_render(render, params: dict):
    """``render`` with ``post_renderer`` applied when ``params`` has one (``release/postrender.py``)."""
    renderer = params.get("post_renderer")
    if not renderer:
        return render
    from .postrender import with_post_renderer
    return with_post_renderer(render, renderer["binary_path"], renderer.get("args") or [],
                              parse_timeout(renderer.get("timeout", 60), "post_renderer.timeout"))


def _drift(client, release, params: dict, check_mode: bool, output: dict, warnings: list) -> None:
    mode = params.get("drift") or "ignore"
    if mode == "ignore" or release is None or release.status != "deployed":
        return
    from . import drift as release_drift
    found = release_drift.detect(client, release, params.get("field_manager") or "helm",
                                 params.get("drift_ignore") or [])
    output["drift"] = [item.as_dict() for item in found]
    if not found:
        return
    if mode == "detect":
        warnings.extend("drift: %s" % item.describe() for item in found)
        return
    if not check_mode:
        release_drift.correct(client, release, found, params.get("field_manager") or "helm")
    output["changed"] = True
    output["drift_corrected"] = True


def plan_inputs(client, options, chart, values: dict, params: dict) -> tuple:
    """``(chart, values)`` an upgrade renders with under the task's values mode (``reuse_values``,
    ``reset_then_reuse_values``; ``release/reuse.py``), so that a plan shows what the run will do."""
    from . import reuse
    from .storage import ReleaseStorage

    mode = reuse.choose_mode(params.get("reuse_values"), params.get("reset_values"),
                             params.get("reset_then_reuse_values"))
    if mode not in ("reuse_values", "reset_then_reuse_values"):
        return chart, values
    history = ReleaseStorage(client, options.namespace, options.storage_driver).history(options.name)
    return reuse.upgrade_inputs(chart, history, values, mode)


def _plan(client, options, chart, values: dict, render, params: dict):
    chart, values = plan_inputs(client, options, chart, values, params)
    from .diff import plan_release
    return plan_release(client, options, chart, values, render)


def run(client, options, chart, values: dict, render, params: dict, ensure_present, check_mode: bool = False,
        diff_mode: bool = False) -> dict:
    """Install, upgrade or plan release ``options`` and return the task result.

    ``ensure_present`` is ``actions.ensure_present`` (passed in so that the action stays the one the module
    imports). Result keys: ``changed``, ``status`` (the release summary), ``manifest``, ``notes``, ``plan`` (check
    or diff mode: ``diff.Plan.summary()``), ``diff`` (diff mode: list of Ansible diffs), ``drift`` (drift
    detect/correct: list of drifted objects), ``warnings``.
    """
    plan = None
    if diff_mode and not check_mode:
        plan = _plan(client, options, chart, values, render, params)
    result = ensure_present(client, options, chart, values, render)
    if check_mode and result.changed:
        plan = _plan(client, options, chart, values, render, params)
    output = {"changed": result.changed, "warnings": []}
    if result.release is not None:
        output["status"] = result.release.summary()
    output["manifest"] = result.manifest
    output["notes"] = result.notes
    if plan is not None:
        output["plan"] = plan.summary()
        if diff_mode:
            output["diff"] = plan.ansible_diffs()
    elif check_mode:
        output["plan"] = {"action": "none", "revision": result.release.version if result.release else 0,
                          "create": [], "change": [], "delete": [], "objects": [], "values_changed": False}
    if not result.changed:
        _drift(client, result.release, params, check_mode, output, output["warnings"])
    if not output["warnings"]:
        del output["warnings"]
    return output
