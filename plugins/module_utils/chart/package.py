"""``helm package``: write a chart as Helm v4's reproducible ``<name>-<version>.tgz``.

Helm v4 (pkg/chart/v2/util/save.go ``Save``/``writeTarContents``) writes, for the chart and then each subchart
under ``<chart>/charts/``: ``Chart.yaml`` re-marshalled from the metadata with sigs.k8s.io/yaml, ``Chart.lock``
(API v2 only) re-marshalled, ``values.yaml`` as is, ``values.schema.json``, the templates and the other files in
load order. Every entry is a regular file, mode 0644, uid/gid 0, no user names, modification time that of the
file it came from (Chart.yaml's for Chart.yaml, the lock's ``generated`` for Chart.lock), rounded to the second as
Go's tar writer does for its default format (USTAR; a long ASCII name split into prefix and name; PAX when a name is
not ASCII or cannot be split). The tar stream ends with two zero blocks. The gzip header carries Helm's extra field
and the comment ``Helm``, no modification time, OS 255.

The archive is byte-identical to ``helm package``'s: the tar writer's ``Write`` calls go through
``gocompat.flate.gzip_member``, which writes Go's compress/flate DEFLATE bytes (pure Python, about 1 MB of tar per
second). The one thing Helm does not keep stable is the order of sibling subcharts (Go map order, random per run);
they are written here in the order the chart loader gives.
"""
from __future__ import annotations

import datetime
import os
import re
import tarfile
import zlib

from ..errors import ChartError
from ..gocompat.flate import gzip_header, gzip_member, gzip_trailer
from ..yaml.emit_v2 import marshal
from .loader import ChartFile, ZERO_TIME, load_chart
from .metadata import DEPENDENCY_FIELDS

__all__ = ["package_chart", "archive_bytes", "tar_stream", "tar_writes"]

_HEADER_EXTRA = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo="
_BLOCK = 512


def _seconds(modtime) -> int:
    """Go's ``ModTime.Round(time.Second)`` as Unix seconds; the zero time means "now" like Helm."""
    if modtime is None or modtime == ZERO_TIME:
        modtime = datetime.datetime.now(datetime.timezone.utc)
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    delta = modtime - epoch
    seconds = delta.days * 86400 + delta.seconds
    return seconds + (1 if delta.microseconds >= 500000 else 0)


def _go_header(block: bytes) -> bytes:
    """Go's tar writer fills devmajor/devminor with octal zeros for every entry (Python leaves them empty on
    newer versions); set them and recompute the checksum (sum of the bytes with the checksum field as spaces)."""
    block = bytearray(block)
    block[329:345] = b"0000000\0" * 2
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def _split_ustar(name: str):
    """Go's ``splitUSTARPath``: split a long ASCII name at the last "/" that leaves a prefix of at most 155 and a
    name of at most 100 bytes. Returns ``(prefix, name)`` or None."""
    if len(name) <= 100 or not name.isascii():
        return None
    length = len(name)
    if length > 156:
        length = 156
    elif name[length - 1] == "/":
        length -= 1
    i = name.rfind("/", 0, length)
    if i <= 0 or len(name) - i - 1 > 100 or len(name) - i - 1 == 0 or i > 155:
        return None
    return name[:i], name[i + 1:]


def _octal(value: int, width: int) -> bytes:
    """Go tar's ``formatOctal``: zero-padded octal digits and a NUL in a ``width``-byte field."""
    return b"%0*o\0" % (width - 1, value)


def _to_ascii(raw: bytes) -> bytes:
    """Go tar's ``toASCII``: the name without its non-ASCII characters (and NULs)."""
    return bytes(b for b in raw if 0 < b < 0x80)


def _raw_block(name: bytes, mode: int, size: int, mtime: int, flag: bytes, devices: bool) -> bytes:
    """A USTAR-magic header block as Go's tar writer fills it: name (cut to 100 bytes; a cut name loses its trailing
    "/", Go's ``formatString``), mode,
    uid/gid 0, size, mtime, type flag, magic ``ustar\0`` version ``00``, empty user/group names, device numbers
    as octal zeros when ``devices`` (the main header; Go's ``writeRawFile`` leaves them empty), and the checksum."""
    block = bytearray(_BLOCK)
    if len(name) > 100:
        name = name[:100].rstrip(b"/")
    block[0:len(name)] = name
    block[100:108] = _octal(mode, 8)
    block[108:116] = block[116:124] = _octal(0, 8)
    block[124:136] = _octal(size, 12)
    block[136:148] = _octal(mtime, 12)
    block[156:157] = flag
    block[257:265] = b"ustar\x0000"
    if devices:
        block[329:337] = block[337:345] = _octal(0, 8)
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def _pax_record(key: str, value: bytes) -> bytes:
    """Go's ``formatPAXRecord``: ``"<size> <key>=<value>\n"`` where size counts its own digits."""
    body = b" " + key.encode("ascii") + b"=" + value + b"\n"
    size = len(body) + 1
    while len(str(size)) + len(body) != size:
        size = len(str(size)) + len(body)
    return str(size).encode("ascii") + body


def _pax_writes(name: str, size: int, mtime: int) -> list:
    """Go's ``writePAXHeader`` for a name USTAR cannot hold (non-ASCII, or too long to split): the extended header
    ``<dir>/PaxHeaders.0/<file>`` (type ``x``) with the ``path`` record, its padding, then the main header whose
    name is the ASCII part of the name. Four ``Write`` calls, as Go makes them."""
    raw = name.encode("utf-8", "surrogateescape")
    head, _sep, tail = raw.rpartition(b"/")
    pax_name = (head + b"/PaxHeaders.0/" if head else b"PaxHeaders.0/") + tail
    records = _pax_record("path", raw)
    pax_name = _to_ascii(pax_name)[:100].rstrip(b"/")  # writeRawFile
    return [_raw_block(pax_name, 0, len(records), 0, b"x", False), records,
            b"\0" * ((-len(records)) % _BLOCK), _raw_block(_to_ascii(raw), 0o644, size, mtime, b"0", True)]


def _entry(name: str, data: bytes, modtime):
    """One tar entry as Go's tar writer writes it: ``(header writes, body)``. A USTAR entry is one 512-byte header
    write (a long ASCII name split into prefix and name); a PAX entry is four writes (:func:`_pax_writes`). The
    body's padding is written by the next header (or ``Close``), see :func:`tar_writes`."""
    if not name.isascii() or (len(name) > 100 and not _split_ustar(name)):
        return _pax_writes(name, len(data), _seconds(modtime)), data
    split = _split_ustar(name)
    info = tarfile.TarInfo(split[1] if split else name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = _seconds(modtime)
    info.uname = info.gname = ""
    header = info.tobuf(tarfile.USTAR_FORMAT, "ascii", "strict")
    if split:
        block = bytearray(header)
        block[345:500] = split[0].encode("ascii").ljust(155, b"\0")
        header = bytes(block)
    return [_go_header(header)], data


_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$")


def _parse_generated(value):
    """``(RFC3339Nano text as Go re-formats it, aware datetime rounded to the second)`` or ``(None, None)``."""
    if isinstance(value, datetime.datetime):
        value = value.isoformat()
    match = _RFC3339.match(str(value or ""))
    if not match:
        return None, None
    day, clock, fraction, zone = match.groups()
    fraction = (fraction or "").rstrip("0")
    zone = "Z" if zone in ("Z", "z", "+00:00", "-00:00") else zone
    text = "%sT%s%s%s" % (day, clock, "." + fraction if fraction else "", zone)
    base = datetime.datetime.fromisoformat("%sT%s%s" % (day, clock, "+00:00" if zone == "Z" else zone))
    if fraction and int(fraction.ljust(9, "0")) >= 500000000:
        base += datetime.timedelta(seconds=1)
    return text, base


def _lock_document(lock: dict):
    """Chart.lock as Helm's ``chart.Lock`` struct marshals it, and its ``generated`` time (aware datetime or
    None)."""
    text, when = _parse_generated(lock.get("generated"))
    deps = []
    for dep in lock.get("dependencies") or []:
        out = {}
        for json_name, _go, _kind in DEPENDENCY_FIELDS:
            value = (dep or {}).get(json_name)
            if value or json_name == "repository":
                out[json_name] = value if value is not None else ""
        deps.append(out)
    doc = {"generated": text or "0001-01-01T00:00:00Z", "digest": str(lock.get("digest") or ""),
           "dependencies": deps}
    return doc, when


def _chart_entries(chart, prefix: str, out: list) -> None:
    base = prefix + chart.name
    meta = dict(chart.metadata)
    if meta.get("apiVersion") == "v1":
        meta.pop("dependencies", None)
    out.append(_entry(base + "/Chart.yaml", marshal(meta).encode("utf-8"), chart.modtime))
    if meta.get("apiVersion") == "v2" and chart.lock is not None:
        doc, when = _lock_document(chart.lock)
        out.append(_entry(base + "/Chart.lock", marshal(doc).encode("utf-8"), when))
    values = next((f for f in _raw_files(chart) if f.name == "values.yaml"), None)
    if values is not None:
        out.append(_entry(base + "/values.yaml", values.data, values.modtime))
    if chart.schema is not None:
        out.append(_entry(base + "/values.schema.json", chart.schema, chart.schema_modtime))
    for f in list(chart.templates) + list(chart.files):
        out.append(_entry(base + "/" + f.name, f.data, f.modtime))
    for dep in chart.dependencies:
        _chart_entries(dep, base + "/charts/", out)


def _raw_files(chart):
    raw = getattr(chart, "raw_files", None)
    if raw is not None:
        return raw
    if chart.raw_values is None:
        return []
    return [ChartFile("values.yaml", chart.raw_values, getattr(chart, "values_modtime", None) or chart.modtime)]


def tar_writes(chart) -> list:
    """The ``Write`` calls Helm's tar writer makes on its gzip writer for a loaded chart, in order (list of bytes):
    per entry the padding of the previous body, the header write(s) and the body; at ``Close`` the last padding
    and two zero blocks (Go archive/tar ``Writer.Flush``/``Close``). Their concatenation is the tar stream."""
    entries = []
    _chart_entries(chart, "", entries)
    writes = []
    pad = 0
    for headers, body in entries:
        if pad:
            writes.append(b"\0" * pad)
        writes.extend(headers)
        writes.append(body)
        pad = (-len(body)) % _BLOCK
    if pad:
        writes.append(b"\0" * pad)
    writes.extend([b"\0" * _BLOCK, b"\0" * _BLOCK])
    return writes


def tar_stream(chart) -> bytes:
    """The uncompressed tar stream Helm writes for a loaded chart (see the module docstring)."""
    return b"".join(tar_writes(chart))


def archive_bytes(chart, exact: bool = True) -> bytes:
    """The archive ``helm package`` writes for a loaded chart: the tar writes through Go's gzip writer at
    DefaultCompression (gocompat.flate), with Helm's extra field and comment ``Helm``, no name, no time.

    ``exact=False`` compresses the same tar stream with zlib instead (about 50 times faster, same gzip header, other
    DEFLATE bytes): for archives that only this process reads back, such as the one lint checks."""
    writes = tar_writes(chart)
    if exact:
        return gzip_member(writes, extra=_HEADER_EXTRA, comment="Helm")
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = b"".join(compressor.compress(chunk) for chunk in writes) + compressor.flush()
    return gzip_header(extra=_HEADER_EXTRA, comment="Helm") + body + gzip_trailer(writes)


def package_bytes(path, version=None, app_version=None):
    """``(chart, file name, archive bytes, newest modification time in seconds)`` for the chart at ``path``, with
    ``version``/``app_version`` overriding Chart.yaml's as ``helm package --version/--app-version`` do. Nothing is
    written. Raises ChartError (no Chart.yaml, invalid chart)."""
    chart = load_chart(path)
    if version:
        chart.metadata["version"] = version
    if app_version:
        chart.metadata["appVersion"] = app_version
    newest = max([_seconds(chart.modtime)] + [_seconds(f.modtime) for f in chart.templates + chart.files])
    return chart, "%s-%s.tgz" % (chart.name, chart.metadata.get("version", "")), archive_bytes(chart), newest


def package_chart(path, destination, version=None, app_version=None) -> str:
    """Package the chart directory (or archive) ``path`` into ``destination/<name>-<version>.tgz``.

    ``version``/``app_version`` override Chart.yaml's like ``helm package --version/--app-version``. The file's
    modification time is set to the newest modification time inside the chart, so that pushing the same chart
    twice gives the same ``org.opencontainers.image.created`` annotation and manifest digest. Returns the
    archive's path. Raises ChartError (no Chart.yaml, invalid chart, unwritable destination).
    """
    chart, file_name, data, newest = package_bytes(path, version, app_version)
    target = os.path.join(destination, file_name)
    try:
        os.makedirs(destination, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
        os.utime(target, (newest, newest))
    except OSError as exc:
        raise ChartError("cannot write chart archive %s: %s" % (target, exc.strerror))
    return target
