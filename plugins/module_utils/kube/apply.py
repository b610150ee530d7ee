"""Server-side apply, ownership checks and deletes, the way Helm v4 talks to the API.

Helm v4 applies every object with ``PATCH <object>?fieldManager=<manager>&fieldValidation=Strict&force=<bool>`` and
``Content-Type: application/apply-patch+yaml`` with a JSON body (``pkg/kube/client.go``), deletes with
``propagationPolicy: Background`` and, before an install, refuses objects that exist without its ownership metadata
(``pkg/action/install.go: existingResourceConflict``). See ``../shared/reference/helm-v4-wire.md``.
"""
from __future__ import annotations

from ..errors import KubeError
from .client import ApiError
from .objects import describe, fold_string_data, ownership_error, with_ownership
from .wait import poll_until

APPLY_CONTENT_TYPE = "application/apply-patch+yaml"


class Applier:
    """Apply and delete a release's objects through a :class:`~.client.KubeClient`.

    ``Applier(client, release_name, namespace, field_manager="helm", force_conflicts=False, dry_run=False)``.
    With ``dry_run`` every write carries ``dryRun=All``: the server validates it and stores nothing.
    ``calls`` counts write requests sent (PATCH/DELETE), for callers that report them.
    """

    def __init__(self, client, release_name: str, namespace: str, field_manager: str = "helm",
                 force_conflicts: bool = False, dry_run: bool = False):
        self.client = client
        self.release_name = release_name
        self.namespace = namespace
        self.field_manager = field_manager or "helm"
        self.force_conflicts = bool(force_conflicts)
        self.dry_run = bool(dry_run)

    # -- identity ------------------------------------------------------------------------------------------------

    def normalise(self, obj: dict) -> dict:
        """Put the release namespace on namespaced objects that have none and drop it from cluster-scoped ones."""
        meta = obj.setdefault("metadata", {})
        if self.client.is_namespaced(obj["apiVersion"], obj["kind"]):
            if not meta.get("namespace"):
                meta["namespace"] = self.namespace
        else:
            meta.pop("namespace", None)
        return obj

    def path(self, obj: dict) -> str:
        """URL path of ``obj`` (its namespace already normalised)."""
        meta = obj.get("metadata") or {}
        return self.client.path(obj["apiVersion"], obj["kind"], meta.get("name"), meta.get("namespace"))

    # -- reads ---------------------------------------------------------------------------------------------------

    def get(self, obj: dict):
        """Return the live object for ``obj`` (dict), or None when it does not exist."""
        try:
            return self.client.request("GET", self.path(obj))
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise KubeError("cannot read %s: %s" % (describe(obj), exc.message)) from None

    def check_adoptable(self, objects: list, action: str = "install") -> None:
        """GET each object; raise :class:`KubeError` with Helm's message when one exists but is not ours.

        Helm: ``Unable to continue with install: <Kind> "<name>" in namespace "<ns>" exists and cannot be imported
        into the current release: invalid ownership metadata; ...``.
        """
        for obj in objects:
            live = self.get(obj)
            if live is None:
                continue
            problem = ownership_error(live, self.release_name, self.namespace)
            if problem:
                raise KubeError("Unable to continue with %s: %s exists and cannot be imported into the current "
                                "release: %s. Delete it, or label it app.kubernetes.io/managed-by=Helm and annotate "
                                "it meta.helm.sh/release-name=%s and meta.helm.sh/release-namespace=%s to adopt it."
                                % (action, describe(obj), problem, self.release_name, self.namespace))

    # -- writes --------------------------------------------------------------------------------------------------

    def _write_query(self, force: bool = None):
        query = [("fieldManager", self.field_manager), ("fieldValidation", "Strict"),
                 ("force", self.force_conflicts if force is None else force)]
        if self.dry_run:
            query.insert(0, ("dryRun", "All"))
        return query

    def apply(self, obj: dict, owned: bool = True) -> dict:
        """Server-side apply ``obj``; returns the object the server answered with.

        ``owned`` adds Helm's ownership label and annotations first. Raises :class:`KubeError` naming the object;
        a 409 conflict explains ``force_conflicts`` and ``field_manager``. A Secret's ``stringData`` is sent as
        ``data`` (objects.fold_string_data: no conflict with another manager over a write-only field).
        """
        body = fold_string_data(with_ownership(obj, self.release_name, self.namespace) if owned else obj)
        try:
            return self.client.request("PATCH", self.path(body), query=self._write_query(), body=body,
                                       content_type=APPLY_CONTENT_TYPE)
        except ApiError as exc:
            raise self._apply_error(body, exc) from None

    def _apply_error(self, obj, exc) -> KubeError:
        api_version = obj.get("apiVersion", "")
        what = "%s/%s %s, Kind=%s" % ((obj.get("metadata") or {}).get("namespace") or "",
                                      (obj.get("metadata") or {}).get("name"), api_version, obj.get("kind"))
        message = "server-side apply failed for object %s: %s" % (what.lstrip("/"), exc.message)
        if exc.status == 409:
            message += (". Another field manager owns these fields (this task applies as field_manager=%r). "
                        "Set force_conflicts=true to take them over, or set field_manager to the manager that "
                        "owns them (the helm CLI uses \"helm\"; an embedded Helm uses its program's name)."
                        % self.field_manager)
        return KubeError(message)

    def apply_namespace(self, name: str) -> dict:
        """Create or keep namespace ``name`` with Helm's exact SSA body (``create_namespace``)."""
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"labels": {"name": name}, "name": name},
                "spec": {}, "status": {}}
        try:
            return self.client.request("PATCH", "/api/v1/namespaces/%s" % name, query=self._write_query(),
                                       body=body, content_type=APPLY_CONTENT_TYPE)
        except ApiError as exc:
            raise self._apply_error(body, exc) from None

    def delete(self, obj: dict) -> bool:
        """Delete ``obj`` with ``propagationPolicy: Background``; returns False when it was already gone."""
        query = [("dryRun", "All")] if self.dry_run else []
        try:
            self.client.request("DELETE", self.path(obj), query=query,
                                body={"kind": "DeleteOptions", "apiVersion": "v1",
                                      "propagationPolicy": "Background"})
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise KubeError("cannot delete %s: %s" % (describe(obj), exc.message)) from None
        return True

    def delete_all(self, objects: list, timeout: float) -> list:
        """Delete ``objects`` in reverse order, then wait up to ``timeout`` seconds until they are gone.

        Returns the objects that a DELETE was sent for. Raises :class:`KubeError` naming objects still present.
        """
        deleted = [obj for obj in reversed(objects) if self.delete(obj)]
        if not self.dry_run:
            self.wait_gone(deleted, timeout)
        return deleted

    def wait_gone(self, objects: list, timeout: float) -> None:
        """Wait up to ``timeout`` seconds until every object in ``objects`` is gone (GET gives 404)."""
        pending = poll_until(objects, lambda obj: self.get(obj) is None, timeout)
        if pending:
            raise KubeError("timed out after %gs waiting for deletion of: %s"
                            % (timeout, ", ".join(describe(obj) for obj in pending)))
