"""``helm push CHART.tgz oci://host/path``: the manifest Helm writes, and its upload.

Helm v4 (pkg/registry/client.go ``Push``, pkg/registry/chart.go ``generateOCIAnnotations``,
pkg/pusher/ocipusher.go) stores a chart as an OCI image manifest (no ``mediaType`` field) whose config blob is
``json.Marshal(chart.Metadata)`` with media type ``application/vnd.cncf.helm.config.v1+json``, whose first layer
is the archive (``application/vnd.cncf.helm.chart.content.v1.tar+gzip``) and, when ``CHART.tgz.prov`` exists
beside it, a second layer with the provenance file. The manifest's annotations come from Chart.yaml:
description, title (name), version, url (home), created (the archive's modification time, RFC 3339), source
(sources[0]), authors (maintainers as ``Name (email), ...``) plus every Chart.yaml annotation except title and
version. The tag is the version with ``+`` replaced by ``_``.
"""
from __future__ import annotations

import datetime
import os

from ..chart.loader import load_archive
import json
from ..errors import ChartError, RegistryError
from .client import OCI_MANIFEST, sha256_digest
from .reference import parse_reference, version_to_tag

__all__ = ["CONFIG_MEDIA_TYPE", "CHART_LAYER_MEDIA_TYPE", "PROV_LAYER_MEDIA_TYPE", "HelmArtifact",
           "build_artifact", "push_artifact", "created_time"]

CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json"
CHART_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
PROV_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.provenance.v1.prov"
_IMMUTABLE = ("org.opencontainers.image.version", "org.opencontainers.image.title")


class HelmArtifact(object):
    """Everything uploaded for one chart: ``config`` (bytes), ``chart`` (bytes), ``prov`` (bytes or None),
    ``manifest`` (bytes), ``digest`` (the manifest's ``sha256:...``), ``metadata`` (Chart.yaml dict), ``tag``."""

    __slots__ = ("config", "chart", "prov", "manifest", "digest", "metadata", "tag")

    def __init__(self, config, chart, prov, manifest, metadata):
        self.config = config
        self.chart = chart
        self.prov = prov
        self.manifest = manifest
        self.digest = sha256_digest(manifest)
        self.metadata = metadata
        self.tag = version_to_tag(metadata.get("version", ""))


def created_time(path) -> str:
    """RFC 3339 (seconds, local offset, ``Z`` for UTC) of the file's modification time, as Go formats
    ``stat.ModTime().Format(time.RFC3339)``."""
    stamp = datetime.datetime.fromtimestamp(int(os.stat(path).st_mtime)).astimezone()
    text = stamp.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _add(out, key, value):
    if value and str(value).strip():
        out[key] = value


def oci_annotations(meta, created) -> dict:
    """The manifest annotations Helm derives from Chart.yaml ``meta`` and the ``created`` timestamp (str)."""
    out = {}
    _add(out, "org.opencontainers.image.description", meta.get("description"))
    _add(out, "org.opencontainers.image.title", meta.get("name"))
    _add(out, "org.opencontainers.image.version", meta.get("version"))
    _add(out, "org.opencontainers.image.url", meta.get("home"))
    _add(out, "org.opencontainers.image.created", created)
    if meta.get("sources"):
        _add(out, "org.opencontainers.image.source", meta["sources"][0])
    maintainers = meta.get("maintainers") or []
    if maintainers:
        parts = []
        for m in maintainers:
            text = m.get("name") or ""
            if m.get("email"):
                text += " (%s)" % m["email"]
            parts.append(text)
        _add(out, "org.opencontainers.image.authors", ", ".join(parts))
    for key, value in (meta.get("annotations") or {}).items():
        if key not in _IMMUTABLE:
            out[key] = value
    return out


def go_marshal(value, struct_paths=()) -> bytes:
    """Go's ``json.Marshal`` bytes for ``value``: no spaces, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    Dicts are Go maps (keys sorted) except the top-level dict and those reached through a key in
    ``struct_paths`` (a list of them), which are structs written in insertion order.
    """
    def order(item, is_struct):
        if isinstance(item, dict):
            keys = list(item) if is_struct else sorted(item)
            return dict((k, order(item[k], k in struct_paths)) for k in keys)
        if isinstance(item, list):
            return [order(x, is_struct) for x in item]
        return item

    text = json.dumps(order(value, True), ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text.encode("utf-8")


_METADATA_STRUCTS = ("maintainers", "dependencies")
_MANIFEST_STRUCTS = ("config", "layers")


def _descriptor(media_type, data):
    return {"mediaType": media_type, "digest": sha256_digest(data), "size": len(data)}


def build_artifact(chart_bytes, created, prov_bytes=None, origin="chart archive") -> HelmArtifact:
    """Build Helm's config blob and manifest for the chart archive ``chart_bytes``.

    ``created``: the ``org.opencontainers.image.created`` value (str; see :func:`created_time`). Raises
    ChartError when the archive is not a valid chart.
    """
    meta = load_archive(chart_bytes, origin).metadata
    config = go_marshal(meta, _METADATA_STRUCTS)
    layers = [_descriptor(CHART_LAYER_MEDIA_TYPE, chart_bytes)]
    if prov_bytes is not None:
        layers.append(_descriptor(PROV_LAYER_MEDIA_TYPE, prov_bytes))
    manifest = {"schemaVersion": 2, "config": _descriptor(CONFIG_MEDIA_TYPE, config), "layers": layers,
                "annotations": dict(sorted(oci_annotations(meta, created).items()))}
    return HelmArtifact(config, chart_bytes, prov_bytes, go_marshal(manifest, _MANIFEST_STRUCTS), meta)


def _same_content(existing_manifest: bytes, artifact: HelmArtifact) -> bool:
    try:
        existing = json.loads(existing_manifest.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    if not isinstance(existing, dict):
        return False
    ours = json.loads(artifact.manifest.decode("utf-8"))
    return (existing.get("config") == ours["config"] and existing.get("layers") == ours["layers"])


def push_artifact(client, remote, artifact, check_mode=False) -> dict:
    """Upload ``artifact`` to ``remote`` (``oci://host/path``; the chart name is appended like Helm does).

    ``client``: a :class:`~.client.RegistryClient` for the remote's host. When the tag already holds a manifest
    with the same config and layers nothing is uploaded (``changed`` False, the stored digest reported). Returns
    ``{"ref": "oci://host/path/name:tag", "digest": "sha256:...", "changed": bool}``. Raises RegistryError.
    """
    base = parse_reference(remote, require_name=False)
    if base.tag or base.digest:
        raise RegistryError('push destination "%s" must not have a tag or digest: the tag comes from the chart '
                            'version (give oci://host/path)' % remote)
    name = artifact.metadata.get("name", "")
    repository = "%s/%s" % (base.repository, name) if base.repository else name
    ref = "oci://%s/%s:%s" % (base.host, repository, artifact.tag)
    existing = client.get_manifest(repository, artifact.tag)
    if existing is not None and _same_content(existing[0], artifact):
        return {"ref": ref, "digest": existing[2], "changed": False}
    if check_mode:
        return {"ref": ref, "digest": artifact.digest, "changed": True}
    client.push_blob(repository, artifact.config)
    client.push_blob(repository, artifact.chart)
    if artifact.prov is not None:
        client.push_blob(repository, artifact.prov)
    digest = client.put_manifest(repository, artifact.tag, artifact.manifest, OCI_MANIFEST)
    if digest != artifact.digest:
        raise RegistryError("registry %s stored %s as %s but the manifest sent has digest %s"
                            % (base.host, ref, digest, artifact.digest))
    return {"ref": ref, "digest": digest, "changed": True}


def read_archive_for_push(path):
    """``(chart bytes, prov bytes or None)`` of a .tgz and its ``.prov`` sibling. Raises ChartError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise ChartError("cannot read chart archive %s: %s" % (path, exc.strerror))
    prov = None
    if os.path.isfile(path + ".prov"):
        with open(path + ".prov", "rb") as fh:
            prov = fh.read()
    return data, prov
