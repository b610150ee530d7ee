"""Is a deployed release already what the task's inputs give? Decided with one render per run.

The check renders the new inputs *as the next revision* (``.Release.Revision`` = last + 1, ``IsUpgrade`` true):
exactly the render an upgrade needs, so a changed release does not render twice. The result is compared with the
stored revision's manifest and hooks (:func:`same_hooks`: exact up to each hook's own name; the values were
compared before rendering). The stored revision is never
rendered again -- unless the templates can see the difference: a chart that prints ``.Release.Revision``, or
branches on ``.Release.IsInstall``/``IsUpgrade`` while the stored revision was an install, is rendered *as the stored
revision* instead, as before, so it stays unchanged when nothing else changed. That is found by a conservative scan of the templates (and, when a template
calls ``tpl``, of the chart's files and the values, where ``tpl`` text comes from): any use of ``Release`` other
than ``.Release.Name``, ``.Release.Namespace`` or ``.Release.Service`` counts.

The liveness check (every object of the manifest still exists) needs each object's identity only, not the 650 kB
of YAML of a large chart parsed again on every run: :func:`object_identities` keeps them in the user's cache keyed by
the manifest's hash.

Everything else stays live and exact: ``lookup`` reads the cluster and ``.Capabilities`` are the cluster's
(``release/clustercaps.py``), so a chart whose output depends on them renders what an upgrade would.
"""
from __future__ import annotations

import hashlib
import json
import re

from .. import privatecache
from ..kube.objects import parse_manifest
from .record import hook_record

_SEES_REVISION = re.compile(rb"Revision|IsUpgrade|IsInstall|\bRelease\b(?!\.(?:Name|Namespace|Service)\b)")
_SEES_NUMBER = re.compile(rb"Revision|\bRelease\b(?!\.(?:Name|Namespace|Service|IsUpgrade|IsInstall)\b)")
_TPL = re.compile(rb"\btpl\b")
_HOOK_FIELDS = ("kind", "path", "events", "weight", "delete_policies")


def _charts(chart):
    stack = [chart]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.dependencies or [])


def _data(item) -> bytes:
    data = getattr(item, "data", b"")
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def sees_revision(chart, values: dict, number_only: bool = False) -> bool:
    """Whether ``chart`` (with subcharts) may render differently for another ``.Release.Revision``/``IsUpgrade``/
    ``IsInstall`` (see module docstring); with ``number_only``, for another ``.Release.Revision`` alone (charts that
    only branch on ``IsInstall``/``IsUpgrade``: kube-prometheus-stack, Bitnami's common). False negatives are
    impossible for templates; ``tpl`` sources are the chart's files and values (user ``values`` and every chart's
    defaults)."""
    pattern = _SEES_NUMBER if number_only else _SEES_REVISION
    uses_tpl = False
    for current in _charts(chart):
        for template in current.templates or []:
            text = _data(template)
            if pattern.search(text):
                return True
            uses_tpl = uses_tpl or bool(_TPL.search(text))
    if not uses_tpl:
        return False
    texts = [json.dumps(values or {}, default=str).encode("utf-8")]
    for current in _charts(chart):
        texts.append(json.dumps(current.values or {}, default=str).encode("utf-8"))
        texts.extend(_data(item) for item in current.files or [])
    return any(pattern.search(text) for text in texts)


_NAME_MARK = "\0name\0"


def _hook_key(record: dict) -> tuple:
    fields = tuple(json.dumps(record.get(field) or None, sort_keys=True) for field in _HOOK_FIELDS)  # omitted == empty
    name = record.get("name") or ""
    manifest = record.get("manifest") or ""
    return fields + (manifest.replace(name, _NAME_MARK) if name else manifest,)


def same_hooks(rendered_hooks, stored_hooks) -> bool:
    """Whether the rendered hooks are the stored ones, in any order: the same templates (path) giving the same
    kinds for the same events, weights and delete policies, and the same manifests up to each hook's own name.

    Exact but for the name: a hook's manifest with every occurrence of its name replaced by a mark must be the
    stored one's, so the two can differ only in the name (the mark is not text a manifest holds). Helm itself
    has no "unchanged" (``helm upgrade`` always writes a revision); this is helmkit's rule. A hook is not an object
    of the release: it is created when its event runs (an upgrade runs only ``pre-upgrade``/``post-upgrade``
    hooks; ``test`` hooks only ``helm test``) and deleted by its policy, so its name identifies one run. Charts
    commonly name hooks with a random suffix (``randAlphaNum``: podinfo's test pods, which would otherwise make
    every such release change on every run). Any other difference -- a random password or a ``lookup`` result in a
    hook's body, another image -- makes the release change and upgrade, as a difference in the manifest does."""
    mine = sorted(_hook_key(hook_record(hook)) for hook in rendered_hooks or [])
    theirs = sorted(_hook_key(record) for record in stored_hooks or [])
    return mine == theirs


def render_for_check(last, chart, config: dict, render, rendered_as_upgrade: bool):
    """The render to compare with revision ``last``: as the next revision when that cannot differ from rendering
    ``last`` again (the chart cannot see the revision number, and it cannot see the install/upgrade flag or ``last``
    was itself rendered as an upgrade) -- the render an upgrade reuses; else as ``last`` itself
    (``rendered_as_upgrade``: how ``last`` was rendered). Returns ``RenderedRelease``."""
    if sees_revision(chart, config, number_only=rendered_as_upgrade):
        return render(chart, config, revision=last.version, is_upgrade=rendered_as_upgrade)
    return render(chart, config, revision=last.version + 1, is_upgrade=True)


_IDS_HEADER = b"helmkit-manifest-ids-1\0"
_IDS_CACHE = privatecache.PrivateCache(("helmkit", "manifests"), 2000)


def _identity(obj: dict) -> dict:
    meta = obj.get("metadata") or {}
    kept = {"name": meta.get("name")}
    if meta.get("namespace"):
        kept["namespace"] = meta["namespace"]
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": kept}


def object_identities(manifest: str, source: str = "manifest") -> list:
    """``[{"apiVersion", "kind", "metadata": {"name"[, "namespace"]}}]`` of each object of ``manifest`` (str), in
    order: what :func:`kube.objects.parse_manifest` gives, reduced to the identity (a fresh list of fresh dicts).

    Kept in ``${XDG_CACHE_HOME:-~/.cache}/helmkit/manifests/<sha256 of the manifest>`` (``privatecache``: 0700,
    owner checked, digest-checked entries, at most 2000, pruned once per process): identities only -- kinds, names and namespaces, never an
    object's content. A miss (or an unusable cache directory) parses the manifest. Raises what ``parse_manifest``
    raises for an invalid manifest."""
    text = manifest if isinstance(manifest, str) else str(manifest)
    key = hashlib.sha256(_IDS_HEADER + text.encode("utf-8", "surrogatepass")).hexdigest()
    body = _IDS_CACHE.read(key, _IDS_HEADER)
    if body is not None:
        try:
            cached = json.loads(body.decode("utf-8"))
        except ValueError:
            cached = None
        if isinstance(cached, list):
            return cached
    identities = [_identity(obj) for obj in parse_manifest(text, source=source)]
    _IDS_CACHE.write(key, json.dumps(identities).encode("utf-8"), _IDS_HEADER)
    return identities
