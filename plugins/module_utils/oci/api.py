"""One-call entry points for the OCI transport (source/locate.py) and helm_push: open a client with the credential
chain, pull a chart, push a chart (a directory is packaged first, reproducibly). Kubernetes-Secret credentials
are read by source/credentials.py and passed in as ``credential``.
"""
from __future__ import annotations

import os
import tempfile

from ..chart.loader import load_archive
from ..chart.package import package_chart
from ..errors import ChartError
from ..repo.config import helm_paths
from ..repo.fetch import chart_cache_dir
from ..repo.sign import sign_archive
from .client import DEFAULT_TIMEOUT, RegistryClient
from .credentials import resolve_credentials
from .pull import pull_chart
from .push import build_artifact, created_time, push_artifact, read_archive_for_push
from .reference import parse_reference

__all__ = ["open_client", "pull", "push"]


def open_client(host, username=None, password=None, token=None, registry_config_path=None, credential=None,
                plain_http=False, insecure_skip_tls_verify=False, ca_file=None, cert_file=None, key_file=None,
                timeout=DEFAULT_TIMEOUT, env=None):
    """A :class:`RegistryClient` for ``host`` whose credentials come from ``credential`` (a Credential, e.g. from
    a Kubernetes Secret) or else the chain of :func:`~.credentials.resolve_credentials`. Raises RegistryError."""
    if credential is None:
        credential = resolve_credentials(host, username, password, token, registry_config_path, env=env)
    return RegistryClient(host, credential, plain_http=plain_http, insecure_skip_tls_verify=insecure_skip_tls_verify,
                          ca_file=ca_file, cert_file=cert_file, key_file=key_file, timeout=timeout)


def pull(ref, version=None, devel=False, repository_cache=None, destination=None, **options):
    """Pull ``oci://host/path/name[:tag|@digest]`` (``version``: exact or constraint) into the chart cache.

    ``repository_cache`` defaults to Helm's (HELM_REPOSITORY_CACHE...). ``options`` are :func:`open_client`'s.
    Returns a :class:`~.pull.PulledChart`. Raises RegistryError.
    """
    parsed = parse_reference(ref)
    cache = chart_cache_dir(helm_paths(repository_cache=repository_cache).repository_cache)
    with open_client(parsed.host, **options) as client:
        return pull_chart(client, ref, version=version, devel=devel, cache_dir=cache, destination=destination)


def push(chart_path, remote, check_mode=False, sign=None, **options):
    """Push a chart ``.tgz`` (with its ``.prov`` when present) or a chart directory (packaged first with
    :func:`~..chart.package.package_chart`) to ``remote`` (``oci://host/path``).

    ``sign``: ``{"key", "keyring", "passphrase_file"}`` to sign the archive first (repo/sign.py) and push that
    provenance layer instead of a ``.prov`` file beside it; nothing is written on disk.

    Returns ``{"ref", "digest", "changed"}`` (see :func:`~.push.push_artifact`). Raises ChartError for a path that
    is not a chart, RegistryError for registry failures.
    """
    target = parse_reference(remote, require_name=False)
    if os.path.isdir(chart_path):
        if not os.path.isfile(os.path.join(chart_path, "Chart.yaml")):
            raise ChartError("%s is not a chart directory: it has no Chart.yaml (give a chart directory or a .tgz)"
                             % chart_path)
        with tempfile.TemporaryDirectory(prefix="helmkit-package-") as tmp:
            archive = package_chart(chart_path, tmp)
            data, prov = read_archive_for_push(archive)
            artifact = build_artifact(data, created_time(archive), _signed(data, archive, sign, prov),
                                      origin=chart_path)
    elif os.path.isfile(chart_path):
        data, prov = read_archive_for_push(chart_path)
        artifact = build_artifact(data, created_time(chart_path), _signed(data, chart_path, sign, prov),
                                  origin=chart_path)
    else:
        raise ChartError("chart %s not found: give a chart directory or a .tgz file" % chart_path)
    with open_client(target.host, **options) as client:
        return push_artifact(client, remote, artifact, check_mode=check_mode)


def _signed(data, archive_path, sign, prov):
    """The provenance bytes to push: a new signature when ``sign`` is given, else the ``.prov`` file read."""
    if not sign:
        return prov
    chart = load_archive(data, archive_path)
    return sign_archive(data, os.path.basename(archive_path), chart.metadata, sign["key"], sign["keyring"],
                        sign.get("passphrase_file"))
