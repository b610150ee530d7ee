"""Client-side-apply (CSA) -> server-side-apply (SSA) migration of managed fields, as Helm v4 does it.

Helm 3 (and Helm v4 with ``--server-side=false``) writes objects with create/three-way-merge patches, which the API
server records in ``metadata.managedFields`` as ``operation: Update`` entries of the manager ``helm``. A later
server-side apply by ``helm`` is a *different* owner (``operation: Apply``): fields that the new chart drops are still
owned by the old Update entry, so the API server keeps them for good (kubernetes/kubernetes#99003).

Helm v4 therefore, on the first server-side upgrade of a release whose current revision was written with client-side
apply (``apply_method`` empty or ``csa``), rewrites each object's managed fields before applying
(``pkg/kube/client.go: upgradeClientSideFieldManager`` with client-go's ``util/csaupgrade``): the Update entries of
the CSA manager are merged into the Apply entry of the SSA manager (or become it), without the
``kubectl.kubernetes.io/last-applied-configuration`` annotation, and the new list is written with a JSON patch that
also pins ``resourceVersion``. The next apply then owns, and prunes, what the old revision set.
"""
from __future__ import annotations

import copy

from ..errors import KubeError
from ..kube.client import ApiError
from ..kube.csa_apply import ClientSideApplier
from ..kube.objects import describe, parse_manifest

JSON_PATCH = "application/json-patch+json"
LAST_APPLIED = "f:kubectl.kubernetes.io/last-applied-configuration"


SERVER_SIDE_CHOICES = ("auto", "true", "false")
FORCE_REPLACE_WITH_SSA = "invalid operation: cannot use server-side apply and force replace together"


def server_side_apply(option: str, previous=None) -> bool:
    """Whether a write applies server-side (Helm v4 ``pkg/action/upgrade.go: getUpgradeServerSideValue``):
    ``option`` ``"true"``/``"false"`` decide; ``"auto"`` follows ``previous`` (the release upgraded: server-side
    when it recorded ``apply_method: ssa``), and is server-side for an install (``previous`` None), as Helm v4's
    install. Raises ValueError for another option."""
    if option not in SERVER_SIDE_CHOICES:
        raise ValueError("server_side must be one of %s, got %r" % (", ".join(SERVER_SIDE_CHOICES), option))
    if option == "auto":
        return previous is None or not wrote_client_side(previous)
    return option == "true"


def apply_method(server_side: bool) -> str:
    """The release record's ``apply_method`` (Helm v4 ``determineReleaseSSApplyMethod``): ``ssa`` or ``csa``."""
    return "ssa" if server_side else "csa"


def client_side_applier(applier, originals=(), force_replace: bool = False):
    """A :class:`~..kube.csa_apply.ClientSideApplier` with ``applier``'s client, release, field manager and dry
    run; ``originals`` are the previous revision's objects (the three-way patch's original)."""
    return ClientSideApplier(applier.client, applier.release_name, applier.namespace, applier.field_manager,
                             applier.dry_run, force_replace, originals)


def wrote_client_side(release) -> bool:
    """True when ``release`` (record.Release) was written with client-side apply: Helm 3 records have no
    ``apply_method``, Helm v4 writes ``csa`` (``pkg/action/upgrade.go: isReleaseApplyMethodClientSideApply``)."""
    return (release.record.get("apply_method") or "csa") == "csa"


def _union(left: dict, right: dict) -> dict:
    """Union of two ``fieldsV1`` trees (nested dicts; a leaf is ``{}``)."""
    out = copy.deepcopy(left)
    for key, value in (right or {}).items():
        out[key] = _union(out.get(key) or {}, value or {})
    return out


def _without_last_applied(fields: dict) -> dict:
    out = copy.deepcopy(fields or {})
    annotations = (out.get("f:metadata") or {}).get("f:annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        del annotations[LAST_APPLIED]
        if set(annotations) <= {"."}:
            del out["f:metadata"]["f:annotations"]
        if not out["f:metadata"]:
            del out["f:metadata"]
    return out


def _is_csa(entry: dict, managers) -> bool:
    return (entry.get("operation") == "Update" and entry.get("manager") in managers
            and not entry.get("subresource"))


def upgraded_managed_fields(entries: list, csa_managers, ssa_manager: str):
    """The managedFields list with the Update entries of ``csa_managers`` (set of names) merged into the Apply
    entry of ``ssa_manager``; None when there is nothing to migrate (client-go ``csaupgrade.UpgradeManagedFields``).

    ``entries``: the object's ``metadata.managedFields`` (list of dicts). The first CSA entry becomes the Apply
    entry when ``ssa_manager`` has none; the others are merged into it and dropped.
    """
    result = copy.deepcopy(list(entries or []))
    changed = False
    for manager in sorted(csa_managers):
        csa_index = next((i for i, e in enumerate(result) if _is_csa(e, {manager})), None)
        if csa_index is None:
            continue
        changed = True
        csa = result[csa_index]
        ssa_index = next((i for i, e in enumerate(result) if e.get("manager") == ssa_manager
                          and e.get("operation") == "Apply" and not e.get("subresource")), None)
        if ssa_index is None:
            converted = dict(csa, manager=ssa_manager, operation="Apply",
                             fieldsV1=_without_last_applied(csa.get("fieldsV1")))
            result[csa_index] = converted
            continue
        ssa = result[ssa_index]
        ssa["fieldsV1"] = _without_last_applied(_union(ssa.get("fieldsV1") or {}, csa.get("fieldsV1") or {}))
        del result[csa_index]
    return result if changed else None


def migration_patch(live: dict, csa_managers, ssa_manager: str):
    """The JSON patch (list) that rewrites ``live``'s managed fields, or None (client-go
    ``csaupgrade.UpgradeManagedFieldsPatch``: replace managedFields, pin resourceVersion)."""
    meta = live.get("metadata") or {}
    upgraded = upgraded_managed_fields(meta.get("managedFields"), csa_managers, ssa_manager)
    if upgraded is None:
        return None
    return [{"op": "replace", "path": "/metadata/managedFields", "value": upgraded},
            {"op": "replace", "path": "/metadata/resourceVersion", "value": meta.get("resourceVersion")}]


def migrate_release(applier, release, csa_managers=None) -> list:
    """Migrate the managed fields of every object of ``release``'s manifest that still exists.

    ``applier`` is a :class:`~..kube.apply.Applier` (its ``field_manager`` is the SSA manager and, as in Helm v4,
    the CSA manager too unless ``csa_managers`` names others; its ``dry_run`` adds ``dryRun=All``). Returns the
    migrated objects as ``namespace/Kind/name`` strings. A 409 (the object changed meanwhile) is retried once with
    the fresh object, as client-go's ``RetryOnConflict``. Raises :class:`KubeError` naming the object.
    """
    managers = set(csa_managers or (applier.field_manager,))
    migrated = []
    for obj in parse_manifest(release.manifest or "", source="release %s revision %d manifest"
                              % (release.name, release.version)):
        try:
            obj = applier.normalise(obj)
        except Exception:  # pylint: disable=broad-except  # a kind the server no longer serves
            continue
        for attempt in (1, 2):
            live = applier.get(obj)
            patch = migration_patch(live, managers, applier.field_manager) if live is not None else None
            if patch is None:
                break
            query = [("fieldManager", applier.field_manager)]
            if applier.dry_run:
                query.insert(0, ("dryRun", "All"))
            try:
                applier.client.request("PATCH", applier.path(obj), query=query, body=patch, content_type=JSON_PATCH)
            except ApiError as exc:
                if exc.status == 409 and attempt == 1:
                    continue
                raise KubeError("cannot migrate the client-side-apply managed fields of %s: %s"
                                % (describe(obj), exc.message)) from None
            meta = obj.get("metadata") or {}
            migrated.append("%s/%s/%s" % (meta.get("namespace") or "", obj.get("kind"), meta.get("name")))
            break
    return migrated
