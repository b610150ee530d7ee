"""Client-side apply and force-replace, the update strategies Helm v4 uses when server-side apply is off.

Helm v4 (``pkg/kube/client.go``) with ``--server-side=false`` (or ``auto`` on a release written with client-side
apply) creates a missing object with ``POST ?fieldManager=<manager>`` (``createResource``) and updates an existing
one with a patch computed from the previous revision's object, the new one and the live one
(``patchResourceClientSide``/``createPatch``, see :mod:`.threeway`); no patch is sent when it is empty. With
``--force-replace`` an existing object is instead replaced whole: ``PUT ?fieldManager=<manager>&fieldValidation=
Strict`` with the live ``resourceVersion`` (``replaceResource``, cli-runtime ``Helper.Replace(overwrite=true)``);
an error (an immutable field, say) fails with ``failed to replace object: ...`` and nothing is re-created, as in
Helm v4.
"""
from __future__ import annotations

import copy

from ..errors import KubeError
from .apply import Applier
from .client import ApiError
from .objects import identity, with_ownership
from .threeway import MERGE_PATCH, STRATEGIC_MERGE_PATCH, OpenAPISchemas, is_typed, merge_patch, \
    three_way_strategic


class ClientSideApplier(Applier):
    """An :class:`~.apply.Applier` whose :meth:`apply` is Helm v4's client-side update instead of server-side apply.

    ``ClientSideApplier(client, release_name, namespace, field_manager="helm", dry_run=False, force_replace=False,
    originals=())``: ``originals`` are the previous revision's objects (parsed and normalised), the "original" of
    the three-way patch; an object not among them (adopted, or new) uses itself, so nothing is deleted from it.
    ``force_replace`` replaces existing objects whole (``--force-replace``). Deletes, reads and the namespace are
    the base class's.
    """

    def __init__(self, client, release_name: str, namespace: str, field_manager: str = "helm",
                 dry_run: bool = False, force_replace: bool = False, originals=()):
        super().__init__(client, release_name, namespace, field_manager, False, dry_run)
        self.force_replace = bool(force_replace)
        self.originals = dict((identity(obj), obj) for obj in originals or ())
        self.schemas = OpenAPISchemas(client)

    def _query(self, validation: bool = False):
        query = [("fieldManager", self.field_manager)]
        if validation:
            query.append(("fieldValidation", "Strict"))
        if self.dry_run:
            query.insert(0, ("dryRun", "All"))
        return query

    def apply(self, obj: dict, owned: bool = True) -> dict:
        """Create ``obj`` when it does not exist, else replace it (``force_replace``) or patch it; returns the
        object the server answered with (the live one when the patch was empty). Raises :class:`KubeError`."""
        body = with_ownership(obj, self.release_name, self.namespace) if owned else copy.deepcopy(obj)
        live = self.get(body)
        if live is None:
            return self.create(body)
        if self.force_replace:
            return self.replace(body, live)
        return self.patch(body, live)

    def create(self, body: dict) -> dict:
        """``POST`` ``body`` to its collection (Helm's createResource)."""
        meta = body.get("metadata") or {}
        path = self.client.path(body["apiVersion"], body["kind"], None, meta.get("namespace"))
        try:
            return self.client.request("POST", path, query=self._query(), body=body)
        except ApiError as exc:
            raise KubeError("failed to create %s: %s" % (self._what(body), exc.message)) from None

    def replace(self, body: dict, live: dict) -> dict:
        """``PUT`` ``body`` over ``live`` with the live ``resourceVersion`` (Helm's replaceResource)."""
        body = copy.deepcopy(body)
        meta = body.setdefault("metadata", {})
        if not meta.get("resourceVersion"):
            meta["resourceVersion"] = (live.get("metadata") or {}).get("resourceVersion")
        try:
            return self.client.request("PUT", self.path(body), query=self._query(validation=True), body=body)
        except ApiError as exc:
            raise KubeError("failed to replace object %s: %s" % (self._what(body), exc.message)) from None

    def patch(self, body: dict, live: dict) -> dict:
        """The client-side three-way patch of ``live`` towards ``body`` (Helm's patchResourceClientSide)."""
        original = self.originals.get(identity(body), body)
        if is_typed(body["apiVersion"]):
            schema = self.schemas.root(body["apiVersion"], body["kind"])
            patch, content_type = three_way_strategic(original, body, live, schema), STRATEGIC_MERGE_PATCH
        else:
            patch, content_type = merge_patch(original, body), MERGE_PATCH
        if not patch:
            return live
        try:
            return self.client.request("PATCH", self.path(body), query=self._query(), body=patch,
                                       content_type=content_type)
        except ApiError as exc:
            raise KubeError("cannot patch %s: %s" % (self._what(body), exc.message)) from None

    @staticmethod
    def _what(obj: dict) -> str:
        meta = obj.get("metadata") or {}
        return ("%s/%s %s, Kind=%s" % (meta.get("namespace") or "", meta.get("name"), obj.get("apiVersion"),
                                       obj.get("kind"))).lstrip("/")
