"""Plans for check mode and diff mode: what an install or upgrade would create, change or delete, and why.

Every object the chart renders is sent as a server-side apply with ``dryRun=All`` under the task's field manager
(the server validates it, runs admission and defaulting, and stores nothing). The answer is compared with the live
object after both are reduced to what a person edits: ``managedFields``, ``resourceVersion``, ``uid``,
``generation``, ``creationTimestamp`` and ``status`` are removed (as ``kubectl diff`` hides them). Objects of the last
revision the new manifest drops are planned for deletion unless ``helm.sh/resource-policy: keep``.

Secrets are masked like ``kubectl diff`` (``staging/src/k8s.io/kubectl/pkg/cmd/diff/diff.go: Masker``): every
``data``/``stringData`` value becomes ``***``, and a key whose value changes shows ``*** (before)`` and
``*** (after)``.

Only GET requests and ``dryRun=All`` writes are sent. When the release is unchanged
(``actions.is_unchanged``: same chart, same values, same manifest, all objects live) only GETs are sent.
"""
from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from typing import Optional

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import HelmkitError, ReleaseError
from ..kube.apply import Applier
from ..kube.objects import as_go_json, identity, keeps_resource, parse_manifest
from ..yaml.safe import SafeDumper
from . import actions
from .hooks import ordered_hooks
from .record import PENDING_STATUSES, STATUS_UNINSTALLED, Release, hook_record, sorted_map
from .storage import ReleaseStorage

_DROPPED_METADATA = ("managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink")


def comparable(obj: dict) -> dict:
    """Copy of a live or dry-run object without server bookkeeping (managedFields, resourceVersion, uid,
    generation, creationTimestamp, selfLink, status); None stays None."""
    if obj is None:
        return None
    result = copy.deepcopy(obj)
    result.pop("status", None)
    meta = result.get("metadata") or {}
    for key in _DROPPED_METADATA:
        meta.pop(key, None)
    return result


def mask_secrets(before: dict, after: dict):
    """Mask Secret ``data``/``stringData`` values in copies of ``before`` and ``after`` (either may be None), as
    ``kubectl diff`` does: equal values become ``***``, changed ones ``*** (before)`` / ``*** (after)``.
    Returns ``(before, after)``; objects of other kinds come back unchanged."""
    kind = (before or after or {}).get("kind")
    if kind != "Secret":
        return before, after
    before, after = copy.deepcopy(before), copy.deepcopy(after)
    for field in ("data", "stringData"):
        old = (before or {}).get(field) or {}
        new = (after or {}).get(field) or {}
        for key in set(old) | set(new):
            changed = key in old and key in new and old[key] != new[key]
            if key in old:
                old[key] = "*** (before)" if changed else "***"
            if key in new:
                new[key] = "*** (after)" if changed else "***"
    return before, after


def to_yaml(obj) -> str:
    """Block YAML of ``obj`` with sorted keys (empty text for None), the text diffs are made of."""
    if obj is None:
        return ""
    return yaml.dump(obj, Dumper=SafeDumper, default_flow_style=False, sort_keys=True, allow_unicode=True)


def unified_diff(before: str, after: str, before_name: str, after_name: str) -> str:
    """``diff -u`` of two texts, labelled ``before_name``/``after_name``; empty when they are equal."""
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), before_name, after_name)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def changed_paths(before, after, prefix: str = "") -> list:
    """JSON pointers (RFC 6901) of the leaves that differ between ``before`` and ``after`` (dicts, lists, scalars),
    sorted; a key present on one side only is reported at its own pointer."""
    if isinstance(before, dict) and isinstance(after, dict):
        paths = []
        for key in sorted(set(before) | set(after)):
            pointer = prefix + "/" + str(key).replace("~", "~0").replace("/", "~1")
            if key not in before or key not in after:
                paths.append(pointer)
            else:
                paths.extend(changed_paths(before[key], after[key], pointer))
        return paths
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        paths = []
        for index, (left, right) in enumerate(zip(before, after)):
            paths.extend(changed_paths(left, right, "%s/%d" % (prefix, index)))
        return paths
    return [] if before == after else [prefix or "/"]


class ObjectChange:
    """One object in a plan.

    ``action``: ``"create"``, ``"change"``, ``"delete"`` or ``"none"``; ``object``: ``{apiVersion, kind, name,
    namespace}``; ``reason`` (str): why; ``fields`` (list of JSON pointers that change); ``before``/``after``
    (comparable objects, Secrets masked, None when absent).
    """

    def __init__(self, action: str, obj: dict, reason: str, before=None, after=None):
        meta = obj.get("metadata") or {}
        self.action = action
        self.object = {"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"), "name": meta.get("name"),
                       "namespace": meta.get("namespace") or ""}
        self.reason = reason
        self.fields = changed_paths(before, after) if before is not None and after is not None else []
        self.before, self.after = mask_secrets(before, after)

    @property
    def label(self) -> str:
        """``<kind>/<name>`` with ``<namespace>/`` in front for namespaced objects."""
        ns = self.object["namespace"]
        return "%s%s/%s" % (ns + "/" if ns else "", self.object["kind"], self.object["name"])

    def as_dict(self) -> dict:
        """The plan entry returned to the user: action, object, reason and, for changes, fields."""
        entry = {"action": self.action, "object": self.object, "reason": self.reason}
        if self.fields:
            entry["fields"] = self.fields
        return entry

    def ansible_diff(self) -> dict:
        """Ansible's diff dict (``before``/``after`` YAML texts with headers); Ansible prints it unified."""
        return {"before_header": "%s (live)" % self.label, "after_header": "%s (dry-run)" % self.label,
                "before": to_yaml(self.before), "after": to_yaml(self.after)}


@dataclass
class Plan:
    """What :func:`plan_release` found.

    ``changed`` (bool), ``action`` (``"install"``, ``"upgrade"`` or ``"none"``), ``revision`` (int, the revision an
    action would write), ``objects`` (list of :class:`ObjectChange`, unchanged ones included with action
    ``"none"``), ``values_before``/``values_after`` (user values, dicts), ``chart_before``/``chart_after``
    (``name-version`` strings, before is ``""`` on install), ``release`` (last stored Release or None), ``hooks``
    (``[{name, kind, event, weight}]``: the chart's hooks the action would run, in Helm's order).
    """

    action: str
    revision: int
    objects: list
    values_before: dict
    values_after: dict
    chart_before: str
    chart_after: str
    release: Optional[Release] = None
    hooks: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.action != "none"

    def _values_changed(self) -> bool:
        return sorted_map(self.values_before or {}) != sorted_map(self.values_after or {})

    def summary(self) -> dict:
        """``{action, revision, create, change, delete, objects, values_changed, chart}`` for the task result:
        ``create``/``change``/``delete`` are lists of object labels, ``objects`` the plan entries that change."""
        result = {"action": self.action, "revision": self.revision,
                  "values_changed": self._values_changed(),
                  "chart": {"before": self.chart_before, "after": self.chart_after}}
        for action in ("create", "change", "delete"):
            result[action] = [item.label for item in self.objects if item.action == action]
        result["objects"] = [item.as_dict() for item in self.objects if item.action != "none"]
        result["hooks"] = self.hooks
        return result

    def ansible_diffs(self) -> list:
        """Ansible diff dicts: the release values first (when they change), then each object that changes."""
        diffs = []
        if self._values_changed():
            before = "values (revision %d)" % self.release.version if self.values_before is not None else "values"
            diffs.append({"before_header": before,
                          "after_header": "values (revision %d)" % self.revision,
                          # values hold Go's float64 numbers: shown as the user wrote them (2, not 2.0)
                          "before": to_yaml(sorted_map(as_go_json(self.values_before or {}))),
                          "after": to_yaml(sorted_map(as_go_json(self.values_after or {})))})
        diffs.extend(item.ansible_diff() for item in self.objects if item.action != "none")
        return diffs

    def unified(self) -> str:
        """All changes as one ``diff -u`` text (values, then objects), for logs and tests."""
        return "".join(unified_diff(d["before"], d["after"], d["before_header"], d["after_header"])
                       for d in self.ansible_diffs())


def _chart_label(name: str, version: str) -> str:
    return "%s-%s" % (name, version) if name else ""


def _dry_run_change(applier: Applier, obj: dict) -> ObjectChange:
    live = applier.get(obj)
    try:
        answer = applier.apply(obj)
    except HelmkitError as exc:
        if "not found" in str(exc).lower() and live is None:
            return ObjectChange("create", obj, "new object (the server could not dry-run it: %s)" % exc,
                                None, comparable(obj))
        raise
    before, after = comparable(live), comparable(answer)
    if live is None:
        return ObjectChange("create", obj, "not in the cluster", None, after)
    if before == after:
        return ObjectChange("none", obj, "live object equals the dry-run result", before, after)
    return ObjectChange("change", obj, "live object differs from the dry-run result", before, after)


def _normalised(applier: Applier, manifest: str):
    """``(objects, unknown)``: the manifest's objects with namespaces set, and those of kinds the server does not
    know yet (custom resources whose CRD this chart installs)."""
    known, unknown = [], []
    for obj in parse_manifest(manifest, source="manifest"):
        try:
            known.append(applier.normalise(obj))
        except HelmkitError:
            unknown.append(obj)
    return known, unknown


def plan_release(client, options, chart, values: dict, render, history: list = None) -> Plan:
    """Plan ``actions.ensure_present(client, options, chart, values, render)`` without storing anything.
    ``history``: the release's stored revisions as the caller read them this run (None: read here).

    ``options`` is an ``actions.ReleaseOptions`` (its ``dry_run`` is ignored: every write here is ``dryRun=All``).
    Returns a :class:`Plan`. Raises :class:`ReleaseError` for a release with an operation in progress,
    :class:`KubeError` when the server rejects an object (the message names it), render errors as raised.
    """
    storage = ReleaseStorage(client, options.namespace, options.storage_driver)
    applier = Applier(client, options.name, options.namespace, options.field_manager, options.force_conflicts,
                      dry_run=True)
    if history is None:
        history = storage.history(options.name)
    last = history[-1] if history else None
    values = values or {}
    if last is not None and last.status in PENDING_STATUSES:
        raise ReleaseError("another operation (install/upgrade/rollback) is in progress: release %s "
                           "revision %d is %s" % (options.name, last.version, last.status))
    installing = last is None or last.status == STATUS_UNINSTALLED
    if not installing:
        values = actions._upgrade_config(values, last, options)
    meta = chart.metadata or {}
    chart_after = _chart_label(meta.get("name", ""), meta.get("version", ""))
    chart_before = "" if installing else _chart_label(last.chart_name, last.chart_version)
    values_before = None if installing else (last.config or {})
    if not installing and actions.is_unchanged(applier, last, chart, values, render):
        return Plan("none", last.version, [], values_before, values, chart_before, chart_after, last)
    revision = last.version + 1 if last is not None else 1
    rendered = render(chart, values, revision=revision, is_upgrade=not installing)
    objects, unknown = _normalised(applier, rendered.manifest)
    namespace_missing = actions._namespace_missing(applier)
    changes = []
    for obj in objects:
        if namespace_missing and obj["metadata"].get("namespace") == options.namespace:
            changes.append(ObjectChange("create", obj, "namespace %s does not exist yet" % options.namespace,
                                        None, comparable(obj)))
        else:
            changes.append(_dry_run_change(applier, obj))
    for obj in unknown:
        changes.append(ObjectChange("create", obj, "kind %s/%s is not served yet (its CRD comes with the chart)"
                                    % (obj.get("apiVersion"), obj.get("kind")), None, comparable(obj)))
    if not installing:
        new_ids = {identity(obj) for obj in objects + unknown}
        current = storage.last_deployed(history) or last
        for obj in actions.release_objects(applier, current):
            if identity(obj) in new_ids:
                continue
            if keeps_resource(obj):
                changes.append(ObjectChange("none", obj, "dropped from the chart but kept "
                                            "(helm.sh/resource-policy: keep)"))
            elif applier.get(obj) is not None:
                changes.append(ObjectChange("delete", obj, "no longer in the chart's manifest",
                                            comparable(applier.get(obj)), None))
    action = "install" if installing else "upgrade"
    return Plan(action, revision, changes, values_before, values, chart_before, chart_after, last,
                _hooks(rendered, action))


def _hooks(rendered, action: str) -> list:
    """The rendered hooks that run for ``action``, per event (pre- then post-) in Helm's order (``hooks.py``), as
    ``{name, kind, event, weight}``."""
    records = [hook_record(hook) for hook in rendered.hooks or []]
    return [{"name": record.get("name"), "kind": record.get("kind"), "event": event,
             "weight": record.get("weight", 0)}
            for event in ("pre-" + action, "post-" + action) for record in ordered_hooks(records, event)]
