"""Which of a release's objects no longer exist, in few requests: one LIST per kind and namespace, not one GET each.

The unchanged check of ``helm_release`` (``release/actions.py: is_unchanged``) needs to know that every object of
the stored manifest still exists. kube-prometheus-stack has 115 objects in 15 kinds-and-namespaces (35
PrometheusRules, 32 ConfigMaps in one namespace): 115 GETs then cost more than the rest of the check.
:func:`missing_objects` groups the objects by ``(apiVersion, kind, namespace)``; a group of one object is read with
one GET, a larger group with one LIST of the collection, asking for metadata only (``Accept:
application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io``, with plain JSON as the fallback for servers or
aggregated APIs that cannot give it: client-go's metadata client and ``kubectl get -o name`` ask the same way) and at
most :data:`LIST_PAGE` items (a namespace with thousands of ConfigMaps is not read whole).

The answer stays exactly what one GET per object gives: a LIST is only ever evidence that an object *exists* (its
name is in the collection, read without ``resourceVersion``, so as current as a GET). Every object it does not
show -- deleted, not on the first page, or the LIST refused (a user who may ``get`` but not ``list``, HTTP 403; any
other error status) -- is read with its own GET, whose 404 is the only thing that makes an object missing, and whose
other errors are raised as before. Requests run concurrently on a bounded pool (``kube/parallel.py:
map_bounded``, sharing the client's urllib3 connection pool, which is thread-safe); the error raised is that of
the first object in manifest order, so it does not depend on thread timing.
"""
from __future__ import annotations

from .client import ApiError
from .parallel import DEFAULT_WORKERS, map_bounded

LIST_PAGE = 500
METADATA_LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"


def _key(obj: dict) -> tuple:
    meta = obj.get("metadata") or {}
    return obj["apiVersion"], obj["kind"], meta.get("namespace") or ""


def _groups(objects: list) -> list:
    """``[[object, ...], ...]``: ``objects`` grouped by apiVersion, kind and namespace, in first-seen order."""
    groups = {}
    for obj in objects:
        groups.setdefault(_key(obj), []).append(obj)
    return list(groups.values())


def listed_names(client, api_version: str, kind: str, namespace: str):
    """The names in the first page (at most :data:`LIST_PAGE`) of the collection of ``kind`` in ``namespace`` ("" or
    None: cluster-scoped), as a set; None when the server refused the LIST (any error status: the caller reads the
    objects one by one instead). Raises :class:`~.client.KubeError` when the server cannot be reached, as a GET
    would."""
    path = client.path(api_version, kind, None, namespace or None)
    try:
        answer = client.request("GET", path, query=[("limit", str(LIST_PAGE))], accept=METADATA_LIST_ACCEPT)
    except ApiError:
        return None
    items = answer.get("items") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        return None
    return {(item.get("metadata") or {}).get("name") for item in items if isinstance(item, dict)}


def missing_objects(applier, objects: list, workers: int = DEFAULT_WORKERS) -> list:
    """The objects of ``objects`` (dicts with ``apiVersion``, ``kind`` and ``metadata.name``, namespaces already
    normalised by ``Applier.normalise``) that do not exist, in ``objects`` order: what ``[o for o in objects if
    applier.get(o) is None]`` gives, in one request per kind and namespace when nothing is missing (see the module
    docstring). Raises the :class:`~.client.KubeError` of the first object (in order) whose GET failed other than
    with 404, or that of the first LIST that could not reach the server."""
    groups = _groups(objects)
    listed = [group for group in groups if len(group) > 1]
    names = dict(zip(map(id, listed), map_bounded(lambda group: listed_names(
        applier.client, *_key(group[0])), listed, workers)))
    unconfirmed = []
    for group in groups:
        found = names.get(id(group))
        unconfirmed.extend(obj for obj in group
                           if found is None or (obj.get("metadata") or {}).get("name") not in found)
    order = {id(obj): index for index, obj in enumerate(objects)}
    unconfirmed.sort(key=lambda obj: order[id(obj)])  # GET errors are raised for the first object in manifest order
    exists = map_bounded(lambda obj: applier.get(obj) is not None, unconfirmed, workers)
    return [obj for obj, there in zip(unconfirmed, exists) if not there]
