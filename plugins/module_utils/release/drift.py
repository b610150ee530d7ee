"""Drift: manual edits of a release's managed fields since its last revision, found and optionally undone.

For each object of the deployed revision's manifest, the stored object is sent as a forced server-side apply with
``dryRun=All`` under the task's field manager. The answer is what the object would look like with the release's
fields put back; any leaf where it differs from the live object (both without managedFields, resourceVersion,
status, ...) is a drifted field. Fields nobody in the release manages (added by controllers or other managers) do not
differ, because a dry-run apply leaves them alone. A deleted object is drift too.

``correct`` re-applies the drifted objects (forced, as Flux's helm-controller does with ``driftDetection.mode:
enabled``) and writes no release record: the revision still describes the cluster.

``drift_ignore`` takes JSON pointers (RFC 6901), such as ``/spec/replicas``; a pointer ignores that field and
everything below it. ``Kind/name:/pointer`` limits a pointer to one object.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import HelmkitError, KubeError
from ..kube.apply import Applier
from ..kube.objects import describe
from ..kube.parallel import map_bounded
from .actions import release_objects
from .diff import changed_paths, comparable

MODES = ("detect", "correct", "ignore")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document, pointer: str):
    """Value at JSON pointer ``pointer`` in ``document``, or None when a step is missing."""
    current = document
    tokens = pointer.split("/")[1:] if pointer not in ("", "/") else []
    for token in tokens:
        token = _unescape(token)
        if isinstance(current, dict):
            current = current.get(token)
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return None
    return current


def _ignored(obj: dict, path: str, ignore: list) -> bool:
    meta = obj.get("metadata") or {}
    for rule in ignore or []:
        target, _sep, pointer = rule.rpartition(":") if ":/" in rule else ("", "", rule)
        if target and target != "%s/%s" % (obj.get("kind"), meta.get("name")):
            continue
        pointer = pointer.rstrip("/")
        if path == pointer or path.startswith(pointer + "/") or not pointer:
            return True
    return False


def validate_ignore(ignore: list) -> None:
    """Raise :class:`HelmkitError` naming the entry of ``drift_ignore`` that is not a JSON pointer."""
    for rule in ignore or []:
        pointer = rule.rpartition(":")[2] if ":/" in rule else rule
        if not isinstance(rule, str) or not pointer.startswith("/"):
            raise HelmkitError("drift_ignore entry %r is not a JSON pointer: write it like /spec/replicas (or "
                               "Deployment/web:/spec/replicas for one object)" % (rule,))


@dataclass
class Drift:
    """One drifted object: ``object`` (the desired object dict), ``missing`` (bool), ``fields`` (list of
    ``{path, live, desired}``), ``desired`` (the stored object to re-apply)."""

    object: dict
    fields: list
    missing: bool = False

    def as_dict(self) -> dict:
        """``{object: {apiVersion, kind, name, namespace}, missing, fields}`` for the task result."""
        meta = self.object.get("metadata") or {}
        return {"object": {"apiVersion": self.object.get("apiVersion"), "kind": self.object.get("kind"),
                           "name": meta.get("name"), "namespace": meta.get("namespace") or ""},
                "missing": self.missing, "fields": self.fields}

    def describe(self) -> str:
        if self.missing:
            return "%s was deleted" % describe(self.object)
        return "%s: %s" % (describe(self.object), ", ".join(
            "%s is %s, release has %s" % (f["path"], _short(f["live"]), _short(f["desired"])) for f in self.fields))


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _masked(obj: dict, path: str, value):
    if obj.get("kind") == "Secret" and path.startswith(("/data/", "/stringData/")) and value is not None:
        return "***"
    return value


def _object_drift(applier: Applier, obj: dict, ignore: list):
    live = applier.get(obj)
    if live is None:
        return Drift(obj, [], missing=True)
    try:
        answer = applier.apply(obj)
    except KubeError as exc:
        raise KubeError("cannot check %s for drift: %s" % (describe(obj), exc)) from None
    before, after = comparable(live), comparable(answer)
    fields = []
    for path in changed_paths(before, after):
        if _ignored(obj, path, ignore):
            continue
        fields.append({"path": path, "live": _masked(obj, path, resolve_pointer(before, path)),
                       "desired": _masked(obj, path, resolve_pointer(after, path))})
    return Drift(obj, fields) if fields else None


def detect(client, release, field_manager: str = "helm", ignore: list = None) -> list:
    """Drifted objects of ``release`` (a deployed ``Release``), as a list of :class:`Drift` in manifest order.

    Sends GETs and forced ``dryRun=All`` applies only, for several objects at a time (``kube/parallel.py:
    map_bounded``; each object's GET and apply stay in order). Raises :class:`KubeError` when the server rejects
    the stored object: that of the first such object in manifest order, whatever the threads' timing.
    """
    validate_ignore(ignore)
    applier = Applier(client, release.name, release.namespace, field_manager, force_conflicts=True, dry_run=True)
    found = map_bounded(lambda obj: _object_drift(applier, obj, ignore), release_objects(applier, release))
    return [drift for drift in found if drift is not None]


def correct(client, release, drifts: list, field_manager: str = "helm") -> int:
    """Re-apply each drifted object of ``release`` (forced server-side apply, no release record written).

    Returns the number of objects applied. Raises :class:`KubeError` naming the object the server rejects.
    """
    applier = Applier(client, release.name, release.namespace, field_manager, force_conflicts=True)
    for drift in drifts:
        applier.apply(drift.object)
    return len(drifts)
