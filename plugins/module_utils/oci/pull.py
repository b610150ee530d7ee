"""``helm pull oci://...``: resolve a tag, digest or version constraint, fetch and verify the chart layer.

Helm v4 (pkg/registry/client.go ``Pull``, pkg/downloader/chart_downloader.go) accepts ``oci://host/path/name``
with a ``:tag``, an ``@sha256:`` digest or a ``version`` (exact or a constraint resolved against the tag list,
``GetTagMatchingVersionOrConstraint``). The manifest must have Helm's config media type and a chart layer; the
layer's bytes must hash to its digest. Archives are cached by their SHA-256 in the same content-addressed cache
as repository charts (``<repository cache>/helmkit/charts/<hex>.tgz``), so a cached layer is not downloaded
again.
"""
from __future__ import annotations

import json
import os

from ..errors import RegistryError
from ..repo.config import atomic_write
from ..repo.fetch import read_chart_metadata
from ..transport import sha256_file
from .client import DOCKER_LIST, OCI_INDEX
from .push import CHART_LAYER_MEDIA_TYPE, CONFIG_MEDIA_TYPE
from .reference import nearest_tags_text, parse_reference, select_tag, tag_to_version

__all__ = ["PulledChart", "pull_chart", "resolve_reference"]


class PulledChart(object):
    """A pulled chart: ``path`` (cached .tgz), ``name``, ``version``, ``digest`` (hex SHA-256 of the .tgz),
    ``manifest_digest`` (``sha256:...``), ``ref`` (``oci://host/repo:tag@digest``), ``downloaded`` (bool)."""

    __slots__ = ("path", "name", "version", "digest", "manifest_digest", "ref", "downloaded")

    def __init__(self, path, name, version, digest, manifest_digest, ref, downloaded):
        self.path = path
        self.name = name
        self.version = version
        self.digest = digest
        self.manifest_digest = manifest_digest
        self.ref = ref
        self.downloaded = downloaded


def resolve_reference(client, ref_text, version=None, devel=False):
    """``(OCIReference, reference to fetch)``: the tag or digest to pull for ``ref_text`` and ``version``.

    A ref with a digest is pulled by digest; with a tag, by that tag (a ``version`` that names another version is
    an error); otherwise ``version`` (exact or constraint, "" = highest release) is matched against the tags.
    """
    ref = parse_reference(ref_text)
    if ref.digest:
        return ref, ref.digest
    if ref.tag:
        if version and tag_to_version(ref.tag) != version and ref.tag != version:
            raise RegistryError('%s names tag "%s" but version "%s" was requested; give one of them'
                                % (ref_text, ref.tag, version))
        return ref, ref.tag
    tags = client.tags(ref.repository)
    if not tags:
        raise RegistryError("%s: the registry has no tags for this chart (is the name right? was it pushed?)"
                            % ref_text)
    tag = select_tag(tags, version, ref_text, devel=devel)
    return ref.with_tag(tag), tag


def _describe(manifest, media_type):
    if media_type in (OCI_INDEX, DOCKER_LIST) or "manifests" in manifest:
        return "an image index (a multi-platform container image), not a Helm chart"
    config_type = (manifest.get("config") or {}).get("mediaType", "none")
    layers = ", ".join(layer.get("mediaType", "?") for layer in manifest.get("layers") or []) or "no layers"
    if "image.config" in config_type or "container.image" in config_type:
        return "a container image (config %s; layers %s), not a Helm chart" % (config_type, layers)
    return "an OCI artifact with config %s and layers %s, not a Helm chart" % (config_type, layers)


def pull_chart(client, ref_text, version=None, devel=False, cache_dir=None, destination=None):
    """Pull the chart ``ref_text`` through ``client`` (a RegistryClient for its host).

    ``cache_dir``: the content-addressed cache directory (required). ``destination``: also copy the archive there
    as ``<name>-<version>.tgz`` (Helm's file name). Returns a :class:`PulledChart`. Raises RegistryError: tag
    not found (with the nearest tags), a manifest that is not a Helm chart (saying what it is), a layer whose
    bytes do not match its digest (nothing is kept).
    """
    ref, reference = resolve_reference(client, ref_text, version, devel)
    found = client.get_manifest(ref.repository, reference)
    if found is None:
        if ref.digest:
            raise RegistryError("%s: no manifest with digest %s in the registry" % (ref_text, ref.digest))
        tags = client.tags(ref.repository)
        raise RegistryError('%s: tag "%s" not found; %s' % (ref_text, reference, nearest_tags_text(tags, reference)))
    data, media_type, manifest_digest = found
    try:
        manifest = json.loads(data.decode("utf-8"))
    except ValueError:
        raise RegistryError("%s: the registry's manifest is not JSON" % ref_text)
    config = manifest.get("config") or {}
    layers = [layer for layer in manifest.get("layers") or [] if layer.get("mediaType") == CHART_LAYER_MEDIA_TYPE]
    if config.get("mediaType") != CONFIG_MEDIA_TYPE or len(layers) != 1:
        raise RegistryError("%s is %s" % (ref_text, _describe(manifest, media_type)))
    layer_digest = layers[0].get("digest", "")
    if not layer_digest.startswith("sha256:"):
        raise RegistryError("%s: chart layer digest %r is not a sha256 digest" % (ref_text, layer_digest))
    hex_digest = layer_digest[len("sha256:"):]
    path = os.path.join(cache_dir, hex_digest + ".tgz")
    downloaded = False
    if not (os.path.isfile(path) and sha256_file(path) == hex_digest):
        blob = client.get_blob(ref.repository, layer_digest)
        atomic_write(path, blob, mode=0o644)
        downloaded = True
    meta = client.get_config(ref.repository, config.get("digest", "")) if downloaded else None
    name = (meta or {}).get("name") or ref.name
    chart_version = (meta or {}).get("version") or (tag_to_version(ref.tag) if ref.tag else "")
    if meta is None and not chart_version:
        name, chart_version = read_chart_metadata(path)
    if destination:
        with open(path, "rb") as fh:
            atomic_write(os.path.join(destination, "%s-%s.tgz" % (name, chart_version)), fh.read(), mode=0o644)
    full_ref = "oci://%s/%s%s@%s" % (ref.host, ref.repository, ":" + ref.tag if ref.tag else "", manifest_digest)
    return PulledChart(path, name, chart_version, hex_digest, manifest_digest, full_ref, downloaded)
