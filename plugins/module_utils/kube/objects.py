"""Kubernetes objects as plain dicts: parsing manifests, identity and Helm's ownership metadata.

Helm builds its resource list from the release manifest (``kube.Client.Build``) and marks every object with the
label ``app.kubernetes.io/managed-by: Helm`` and the annotations ``meta.helm.sh/release-name`` and
``meta.helm.sh/release-namespace`` (``pkg/action/validate.go: setMetadataVisitor``). An object that already exists
without that metadata for this release cannot be adopted (``checkOwnership``).
"""
from __future__ import annotations

import base64
import copy

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import KubeError
from ..yaml import aliases
from ..yaml.load import GoYamlLoader

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_HELM = "Helm"
RELEASE_NAME_ANNOTATION = "meta.helm.sh/release-name"
RELEASE_NAMESPACE_ANNOTATION = "meta.helm.sh/release-namespace"
RESOURCE_POLICY_ANNOTATION = "helm.sh/resource-policy"


def _as_json(value):
    """What sigs.k8s.io/yaml's YAML -> JSON step gives: string keys, floats with integral values as Go's encoder
    prints them (``1.0`` becomes ``1``), everything else unchanged."""
    if isinstance(value, dict):
        return {_key(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def as_go_json(value):
    """``value`` (decoded YAML/JSON: dicts, lists, scalars) as Go's JSON encoder prints it: string keys, and a float
    with an integral value as an int (``2.0`` -> ``2``), as ``helm get values`` shows values that went through
    Go's float64. Used to show values to people (diffs); returns new containers, ``value`` is not changed."""
    return _as_json(value)


def _key(key) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return key if isinstance(key, str) else str(_as_json(key))


def parse_manifest(text: str, source: str = "manifest") -> list:
    """Parse a multi-document manifest into a list of object dicts, skipping empty documents.

    Scalars resolve as go-yaml v2 does (``yaml/load.py``), as in Helm's YAML -> JSON conversion.

    Raises :class:`KubeError` naming ``source`` and the line when a document is not valid YAML or not an object
    with apiVersion, kind and metadata.name.
    """
    try:
        documents = [_as_json(doc) for doc in aliases.load_all(text, GoYamlLoader) if doc is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = " line %d" % (mark.line + 1) if mark is not None else ""
        raise KubeError("%s%s: cannot parse YAML: %s" % (source, where, getattr(exc, "problem", exc))) from None
    objects = []
    for doc in documents:
        if not isinstance(doc, dict):
            raise KubeError("%s: a document is not a Kubernetes object (got %s)" % (source, type(doc).__name__))
        if not doc.get("apiVersion") or not doc.get("kind"):
            raise KubeError("%s: an object is missing apiVersion or kind: %s" % (source, _describe(doc)))
        if not (doc.get("metadata") or {}).get("name"):
            raise KubeError("%s: a %s has no metadata.name" % (source, doc.get("kind")))
        objects.append(doc)
    return objects


def _describe(doc) -> str:
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return "%s/%s" % (doc.get("kind") or "?", meta.get("name") or "?")


def identity(obj: dict) -> tuple:
    """``(apiVersion group, kind, namespace, name)`` identifying ``obj`` across API versions (Helm's comparison)."""
    api_version = obj.get("apiVersion", "")
    group = api_version.split("/")[0] if "/" in api_version else ""
    meta = obj.get("metadata") or {}
    return group, obj.get("kind"), meta.get("namespace") or "", meta.get("name")


def describe(obj: dict) -> str:
    """Human reference to ``obj``: ``Kind "name" in namespace "ns"`` (Helm's resourceString)."""
    meta = obj.get("metadata") or {}
    return '%s "%s" in namespace "%s"' % (obj.get("kind"), meta.get("name"), meta.get("namespace") or "")


def with_ownership(obj: dict, release_name: str, release_namespace: str) -> dict:
    """Return a copy of ``obj`` with Helm's managed-by label and release annotations merged in."""
    result = copy.deepcopy(obj)
    meta = result.setdefault("metadata", {})
    labels = meta.get("labels") or {}
    labels[MANAGED_BY_LABEL] = MANAGED_BY_HELM
    meta["labels"] = labels
    annotations = meta.get("annotations") or {}
    annotations[RELEASE_NAME_ANNOTATION] = release_name
    annotations[RELEASE_NAMESPACE_ANNOTATION] = release_namespace
    meta["annotations"] = annotations
    return result


def fold_string_data(obj: dict) -> dict:
    """``obj`` with a v1 Secret's ``stringData`` merged into ``data`` (base64), as the API server stores it
    (``Convert_v1_Secret_To_core_Secret``: stringData wins over data for the same key); other objects unchanged.

    ``stringData`` is write-only: the server never returns it, so a field manager that applied it owns a field the
    live object lacks, and any *other* manager applying the same key is in conflict with it even for the same value
    (kubernetes/website#42603; Helm v4's ``helm_python`` applies as "python", the helm CLI as "helm"). Applying
    ``data`` instead owns what the server keeps: another manager's ``stringData`` or equal ``data`` never conflicts,
    and a key dropped from the chart is removed from the Secret. Returns a new dict when it changes anything; the
    release's manifest keeps the chart's ``stringData`` as rendered.
    """
    string_data = obj.get("stringData")
    if obj.get("kind") != "Secret" or obj.get("apiVersion") != "v1" or not isinstance(string_data, dict) \
            or not isinstance(obj.get("data") or {}, dict) or not all(isinstance(v, str) for v in string_data.values()):
        return obj  # not a Secret, or one the server rejects as it is (its error must stay the server's)
    result = dict(obj)
    del result["stringData"]
    data = dict(result.get("data") or {})
    for key, value in string_data.items():
        data[key] = base64.b64encode(value.encode("utf-8")).decode("ascii")
    result["data"] = data
    return result


def _require(mapping: dict, key: str, value: str):
    current = (mapping or {}).get(key)
    if current is None:
        return 'missing key "%s": must be set to "%s"' % (key, value)
    if current != value:
        return 'key "%s" must equal "%s": current value is "%s"' % (key, value, current)
    return None


def ownership_error(existing: dict, release_name: str, release_namespace: str):
    """Helm's ``checkOwnership``: None when ``existing`` belongs to this release, else the reason (str)."""
    meta = existing.get("metadata") or {}
    problems = []
    problem = _require(meta.get("labels"), MANAGED_BY_LABEL, MANAGED_BY_HELM)
    if problem:
        problems.append("label validation error: " + problem)
    for key, value in ((RELEASE_NAME_ANNOTATION, release_name), (RELEASE_NAMESPACE_ANNOTATION, release_namespace)):
        problem = _require(meta.get("annotations"), key, value)
        if problem:
            problems.append("annotation validation error: " + problem)
    if not problems:
        return None
    return "invalid ownership metadata; " + "; ".join(problems)


def keeps_resource(obj: dict) -> bool:
    """Whether ``obj`` carries ``helm.sh/resource-policy: keep`` (never deleted by upgrade or uninstall)."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return str(annotations.get(RESOURCE_POLICY_ANNOTATION, "")).strip().lower() == "keep"
