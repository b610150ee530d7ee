"""Helm v4's Secret and ConfigMap storage drivers (``pkg/storage/driver/secrets.go``, ``cfgmaps.go``) over a
:class:`~..kube.client.KubeClient`.

Each revision is a Secret ``sh.helm.release.v1.<name>.v<revision>`` of type ``helm.sh/release.v1`` whose
``data.release`` is :func:`~.codec.encode_release` of the record (base64 once more, as Secret data is), or, with the
``configmap`` driver (``HELM_DRIVER=configmap``), a ConfigMap of the same name, without a type, whose
``data.release`` is the encoded text itself. Both drivers write the same labels. Labels: ``name``, ``owner=helm``, ``status``,
``version`` and ``createdAt`` (on create) or ``modifiedAt`` (on update, an unconditional PUT). Custom labels of the
release are applied over ``createdAt``/``modifiedAt``, and a release loaded from storage carries its stored
``modifiedAt`` as such a label: the quirk that keeps ``modifiedAt`` at its first stored value (see
``../shared/reference/helm-v4-wire.md``).
"""
from __future__ import annotations

import base64
import os
import time

from ..errors import ReleaseError
from ..kube.client import ApiError
from .codec import decode_release, encode_release
from .record import STATUS_DEPLOYED, Release

SECRET_TYPE = "helm.sh/release.v1"
OWNER = "helm"
_SYSTEM_LABELS = ("name", "owner", "status", "version", "createdAt")
DRIVERS = ("secret", "configmap")
# HELM_DRIVER spellings Helm accepts for the two Kubernetes drivers (pkg/cli: "" and the plural forms too)
_DRIVER_NAMES = {"": "secret", "secret": "secret", "secrets": "secret", "configmap": "configmap",
                 "configmaps": "configmap"}


def resolve_driver(value=None) -> str:
    """The storage driver to use: ``value`` when given, else ``$HELM_DRIVER``, else ``secret`` (Helm's default).

    Accepts Helm's spellings (``secret``/``secrets``/``configmap``/``configmaps``, any case) and returns
    ``"secret"`` or ``"configmap"``. Raises ReleaseError for Helm's other drivers (``memory``, ``sql``) and
    unknown names, naming where the value came from.
    """
    source = "storage_driver"
    if value is None:
        value, source = os.environ.get("HELM_DRIVER", ""), "HELM_DRIVER"
    driver = _DRIVER_NAMES.get(str(value).strip().lower())
    if driver is None:
        raise ReleaseError("storage driver %r is not supported (set by %s): use secret or configmap, Helm's "
                           "Kubernetes storage drivers" % (value, source))
    return driver


def secret_name(release_name: str, version: int) -> str:
    """Storage key of a revision: ``sh.helm.release.v1.<name>.v<version>``."""
    return "sh.helm.release.v1.%s.v%d" % (release_name, int(version))


class ReleaseStorage:
    """Read and write one namespace's Helm release Secrets (or ConfigMaps).

    ``ReleaseStorage(client, namespace, driver="secret")``; ``driver`` goes through :func:`resolve_driver`
    (``None`` reads ``$HELM_DRIVER``). Every write goes through :meth:`create`, :meth:`update` or :meth:`delete`;
    ``writes`` counts them. Errors are :class:`ReleaseError` with Helm's wording (``create: failed to create: ...``).
    """

    def __init__(self, client, namespace: str, driver: str = "secret"):
        self.client = client
        self.namespace = namespace
        self.driver = resolve_driver(driver)
        self.writes = 0

    def _collection(self) -> str:
        return "/api/v1/namespaces/%s/%ss" % (self.namespace, self.driver)

    def _secret(self, release: Release, stamp_label: str) -> dict:
        labels = {stamp_label: str(int(time.time()))}
        labels.update(release.labels)
        labels.update({"name": release.name, "owner": OWNER, "status": release.status,
                       "version": str(release.version)})
        metadata = {"name": secret_name(release.name, release.version), "namespace": self.namespace,
                    "labels": labels}
        text = encode_release(release.record)
        if self.driver == "configmap":
            return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {"release": text}}
        data = base64.b64encode(text.encode("ascii")).decode("ascii")
        return {"apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": SECRET_TYPE,
                "data": {"release": data}}

    def create(self, release: Release) -> None:
        """POST the revision's Secret (``createdAt`` label). Raises ReleaseError if it exists or the API fails."""
        self.writes += 1
        try:
            self.client.request("POST", self._collection(), body=self._secret(release, "createdAt"))
        except ApiError as exc:
            if exc.status == 409:
                raise ReleaseError("create: failed to create: release %s revision %d already exists in namespace %s"
                                   % (release.name, release.version, self.namespace)) from None
            if exc.status == 404 and (exc.details or {}).get("kind") == "namespaces":
                # Helm says "create: failed to create: namespaces "x" not found": one plain sentence instead
                error = ReleaseError('release %s: namespace "%s" does not exist; create it first, or set '
                                     "create_namespace: true" % (release.name, self.namespace))
                error.helm_message = 'create: failed to create: namespaces "%s" not found' % self.namespace
                raise error from None
            raise ReleaseError("create: failed to create: %s" % exc.message) from None

    def update(self, release: Release) -> None:
        """PUT the revision's Secret unconditionally (``modifiedAt`` label, ``createdAt`` dropped)."""
        self.writes += 1
        body = self._secret(release, "modifiedAt")
        try:
            self.client.request("PUT", "%s/%s" % (self._collection(), body["metadata"]["name"]), body=body)
        except ApiError as exc:
            raise ReleaseError("update: failed to update: %s" % exc.message) from None

    def delete(self, release_name: str, version: int) -> None:
        """DELETE one revision's Secret; a missing one is not an error."""
        self.writes += 1
        try:
            self.client.request("DELETE", "%s/%s" % (self._collection(), secret_name(release_name, version)))
        except ApiError as exc:
            if exc.status != 404:
                raise ReleaseError("delete: failed to delete %s: %s"
                                   % (secret_name(release_name, version), exc.message)) from None

    def _decode(self, obj: dict) -> Release:
        meta = obj.get("metadata") or {}
        where = "%s %s/%s" % (self.driver, meta.get("namespace"), meta.get("name"))
        payload = (obj.get("data") or {}).get("release")
        if not payload:
            raise ReleaseError("%s holds no data.release; it is not a Helm release record" % where)
        if self.driver == "secret":
            payload = base64.b64decode(payload)
        record = decode_release(payload, where=where)
        labels = {k: v for k, v in (meta.get("labels") or {}).items() if k not in _SYSTEM_LABELS}
        return Release(record, labels)

    def get(self, release_name: str, version: int):
        """Return revision ``version`` of ``release_name`` (:class:`Release`), or None when it does not exist."""
        try:
            secret = self.client.request("GET", "%s/%s" % (self._collection(), secret_name(release_name, version)))
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise ReleaseError("get: failed to get %s: %s"
                               % (secret_name(release_name, version), exc.message)) from None
        return self._decode(secret)

    def history(self, release_name: str) -> list:
        """Every stored revision of ``release_name``, oldest first (list of :class:`Release`)."""
        try:
            listing = self.client.request("GET", self._collection(),
                                          query=[("labelSelector", "name=%s,owner=%s" % (release_name, OWNER))])
        except ApiError as exc:
            if exc.status == 404:  # the namespace does not exist (yet)
                return []
            raise ReleaseError("query: failed to query with labels: %s" % exc.message) from None
        releases = [self._decode(item) for item in listing.get("items") or []
                    if self.driver == "configmap" or item.get("type", SECRET_TYPE) == SECRET_TYPE]
        return sorted(releases, key=lambda rel: rel.version)

    def last(self, release_name: str):
        """The highest revision of ``release_name`` or None."""
        history = self.history(release_name)
        return history[-1] if history else None

    @staticmethod
    def last_deployed(history: list):
        """The highest revision in ``history`` whose status is deployed, or None."""
        deployed = [rel for rel in history if rel.status == STATUS_DEPLOYED]
        return deployed[-1] if deployed else None

    def prune(self, history: list, max_history: int) -> list:
        """Delete the oldest revisions so that at most ``max_history - 1`` remain before a new one is created.

        Mirrors Helm's ``Storage.removeLeastRecent``: the last deployed revision is never removed. ``max_history``
        0 or less keeps everything. Returns the revisions deleted.
        """
        if not max_history or max_history <= 0:
            return []
        keep_deployed = self.last_deployed(history)
        candidates = [rel for rel in history if rel is not keep_deployed]
        excess = len(history) - (max_history - 1)
        removed = []
        for rel in candidates[:max(0, excess)]:
            self.delete(rel.name, rel.version)
            removed.append(rel)
        return removed


#: The historic name: most callers predate the ConfigMap driver.
SecretStorage = ReleaseStorage
