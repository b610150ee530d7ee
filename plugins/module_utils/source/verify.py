"""Fetch a chart's provenance file and verify the chart with it: what ``--verify`` adds to ``helm pull``,
``helm dependency build/update`` and ``helm install`` (Helm pkg/downloader/chart_downloader.go ``DownloadTo`` with
``VerifyAlways``, ``VerifyChart``).

Where the provenance file comes from:

* a chart repository: ``<chart URL>.prov``, with the same credentials and TLS options as the chart; a missing
  file is an error (Helm's ``failed to fetch provenance "<url>.prov"``);
* an OCI registry: the manifest's provenance layer (media type
  ``application/vnd.cncf.helm.chart.provenance.v1.prov``; Helm's OCI getter for ``<ref>.prov``), read from the
  manifest digest that was pulled;
* a local archive: ``<archive>.prov`` beside it.

The file name checked against the provenance ``files`` entry is the download URL's base name, and
``<name>-<version>.tgz`` for OCI (Helm names the file that way before calling ``VerifyChart``).
"""
from __future__ import annotations

import json

from ..errors import HelmkitError, RegistryError, RepositoryError
from ..oci.reference import parse_reference
from ..repo.index import http_get, redact_url
from ..repo.provenance import verify_provenance
from ..transport import sha256_file

__all__ = ["PROV_LAYER_MEDIA_TYPE", "fetch_http_provenance", "fetch_oci_provenance", "read_local_provenance",
           "fetch_for", "verify_chart"]

PROV_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.provenance.v1.prov"


def fetch_http_provenance(url, http_options):
    """The bytes of ``<url>.prov``. ``http_options``: :func:`~.index.http_get` keyword arguments (credentials, TLS,
    timeout; ``credentials_url`` is honoured). Raises RepositoryError naming the provenance URL (redacted)."""
    options = dict(http_options or {})
    options.pop("what", None)
    try:
        return http_get(url + ".prov", what="provenance file", **options)
    except RepositoryError as exc:
        hint = ""
        if " 404 " in str(exc):
            hint = ("; the repository publishes no provenance file for this chart (it was not signed), so it "
                    "cannot be verified")
        raise RepositoryError('failed to fetch provenance "%s": %s%s' % (redact_url(url + ".prov"), exc, hint))


def fetch_oci_provenance(pulled_ref, **client_options):
    """The provenance layer of the chart manifest ``pulled_ref`` (``oci://host/repo[:tag]@sha256:...``, as
    ``PulledChart.ref`` gives it). ``client_options``: :func:`~..oci.api.open_client`'s. Raises RepositoryError
    when the manifest has no provenance layer (the chart was pushed without its .prov), RegistryError for
    registry failures."""
    from ..oci.api import open_client  # deferred: speed: only an oci:// chart imports the OCI client (oras)
    ref = parse_reference(pulled_ref)
    reference = ref.digest or ref.tag
    with open_client(ref.host, **client_options) as client:
        found = client.get_manifest(ref.repository, reference)
        if found is None:
            raise RegistryError('failed to fetch provenance for "%s": the manifest is gone from the registry'
                                % pulled_ref)
        try:
            manifest = json.loads(found[0].decode("utf-8"))
        except ValueError:
            raise RegistryError('failed to fetch provenance for "%s": the manifest is not JSON' % pulled_ref)
        layers = [layer for layer in manifest.get("layers") or [] if layer.get("mediaType") == PROV_LAYER_MEDIA_TYPE]
        if not layers:
            raise RepositoryError('failed to fetch provenance for "%s": the chart in the registry has no provenance '
                                  "layer (%s); it was pushed without a .prov file, so it cannot be verified. Ask "
                                  "its publisher to sign it, or set verify: false" % (pulled_ref, PROV_LAYER_MEDIA_TYPE))
        return client.get_blob(ref.repository, layers[0]["digest"])


def read_local_provenance(archive_path):
    """The bytes of ``<archive_path>.prov``; RepositoryError when it is missing (Helm's "could not load provenance
    file")."""
    path = archive_path + ".prov"
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except (IOError, OSError) as exc:
        raise RepositoryError("could not load provenance file %s: %s; a local chart archive is verified with the "
                              ".prov file beside it (helm package --sign writes it)" % (path, exc.strerror or exc))


def fetch_for(chart_label, fetch, *args, **kwargs):
    """``fetch(*args, **kwargs)`` (one of the fetch functions above) with a failure reported as "verifying
    <chart_label> failed: <cause>" (a RepositoryError)."""
    try:
        return fetch(*args, **kwargs)
    except HelmkitError as exc:
        raise RepositoryError("verifying %s failed: %s" % (chart_label, exc))


def verify_chart(archive_path, file_name, prov_data, keyring, chart_label, prov_label, sha256_hex=None):
    """Verify the archive ``archive_path`` (saved under ``file_name``) with the provenance bytes ``prov_data``.

    ``chart_label`` names the chart in messages (e.g. ``chart "podinfo" 6.14.1``), ``prov_label`` where the
    provenance file came from. ``sha256_hex``: the archive's SHA-256 when already known. Returns
    ``Verification.as_dict()`` (signed_by, fingerprint, signing_key, file_hash, file_name, keyring, text).
    Raises RepositoryError "verifying <chart> failed: <cause>".
    """
    digest = sha256_hex or sha256_file(archive_path)
    try:
        return verify_provenance(prov_data, file_name, digest, keyring, source=prov_label).as_dict()
    except HelmkitError as exc:
        raise RepositoryError("verifying %s failed: %s" % (chart_label, exc))
