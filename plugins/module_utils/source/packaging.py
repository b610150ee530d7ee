"""``helm package``: a chart directory into ``<name>-<version>.tgz``, optionally signed (``<archive>.prov``).

Steps, as Helm v4's pkg/action/package.go: ``dependency_update`` first (source/deps), every dependency must then be in
charts/; ``version``/``app_version`` override Chart.yaml; the archive is chart/package.py's (Helm's tar stream and
gzip header); with ``sign`` the provenance file is made by repo/sign.py. Everything is computed before anything is
written; files are written through a temporary file in the destination and renamed, so a failure leaves nothing
half-written. An archive already holding the same bytes (and, when signing, a provenance file that verifies with the
same key) is left alone: ``changed`` is false.
"""
from __future__ import annotations

import hashlib
import os
import tempfile

from ..chart.package import package_bytes
from ..errors import ChartError, HelmkitError
from ..repo.config import atomic_write
from ..repo.provenance import verify_provenance
from ..repo.sign import sign_archive
from ..semver import SemverError, parse_version
from .deps.manager import prepare_chart_directory

__all__ = ["package"]


def _check_version(option: str, value):
    if value:
        try:
            parse_version(value)
        except (SemverError, ValueError):
            raise ChartError("%s %r is not a valid semantic version; use a version like 1.2.3" % (option, value)) \
                from None


def _same_file(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _prov_still_valid(prov_path: str, archive: bytes, file_name: str, keyring: str, key: str) -> bool:
    try:
        with open(prov_path, "rb") as handle:
            prov = handle.read()
        result = verify_provenance(prov, file_name, hashlib.sha256(archive).hexdigest(), keyring)
    except (OSError, HelmkitError):
        return False
    return any(key in uid for uid in result.signed_by)


def _write(path: str, data: bytes, mtime=None) -> None:
    atomic_write(path, data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def package(chart_path: str, destination: str = ".", version=None, app_version=None, dependency_update=False,
            sign=False, key=None, keyring=None, passphrase_file=None, check_mode=False,
            dependency_options=None) -> dict:
    """Package (and sign) the chart directory ``chart_path`` into ``destination``.

    Returns ``{"changed": bool, "path": archive path, "provenance": .prov path or None, "name", "version",
    "sha256"}``. Raises ChartError (not a chart directory, missing dependencies, bad version, unwritable
    destination) or RepositoryError (keyring, key, passphrase, dependency download).
    """

    if not os.path.isfile(os.path.join(chart_path, "Chart.yaml")):
        raise ChartError("%s is not a chart directory: it has no Chart.yaml; give the directory that holds the "
                         "chart's Chart.yaml" % chart_path)
    _check_version("version", version)
    if sign and not (key and keyring):
        raise ChartError("sign: true needs key (the signing key's name or e-mail) and keyring (a secret keyring)")
    with tempfile.TemporaryDirectory(prefix="helmkit-package-") as scratch:
        path, _deps = prepare_chart_directory(chart_path, dependency_update, dependency_options, check_mode, scratch)
        chart, file_name, data, mtime = package_bytes(path, version, app_version)
    target = os.path.join(destination, file_name)
    prov_path = target + ".prov" if sign else None
    prov = None
    archive_same = _same_file(target, data)
    prov_same = not sign or (archive_same and _prov_still_valid(prov_path, data, file_name, keyring, key))
    if sign and not prov_same:
        prov = sign_archive(data, file_name, chart.metadata, key, keyring, passphrase_file)
    changed = not (archive_same and prov_same)
    if changed and not check_mode:
        try:
            os.makedirs(destination, exist_ok=True)
        except OSError as exc:
            raise ChartError("cannot create destination %s: %s" % (destination, exc.strerror or exc)) from None
        if not archive_same:
            _write(target, data, mtime)
        if prov is not None:
            _write(prov_path, prov)
    return {"changed": changed, "path": target, "provenance": prov_path, "name": chart.name,
            "version": chart.metadata.get("version", ""), "sha256": hashlib.sha256(data).hexdigest()}
