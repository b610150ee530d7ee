"""Load a chart from a directory, a ``.tgz`` file or ``.tgz`` bytes, like Helm's pkg/chart/v2/loader.

``load_chart(source) -> Chart``. Archives are read in memory with Helm's safety rules (archive.go): no absolute
paths, no ``..``, no links or devices, at most 20 MiB per entry and 100 MiB in total once decompressed; the
top-level directory is stripped and a UTF-8 BOM is removed from every file. Directories honour ``.helmignore``.
"""
from __future__ import annotations

import datetime
import gzip
import io
import os
import posixpath
import re
import tarfile
import zlib

from ..errors import ChartError
from .goyamlload import load_go_yaml, load_values
from .ignore import IgnoreRules
from .metadata import apply_requirements, parse_metadata, validate_metadata

MAX_FILE_SIZE = 20 * 1024 * 1024
MAX_ARCHIVE_SIZE = 100 * 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
_DRIVE_PATH = re.compile(r"^[a-zA-Z]:/")
ZERO_TIME = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)


def _utc(nanoseconds) -> datetime.datetime:
    """An aware UTC datetime for a time in nanoseconds since the epoch (microsecond precision kept)."""
    seconds, nanos = divmod(int(nanoseconds), 1_000_000_000)
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).replace(microsecond=nanos // 1000)


class ChartFile:
    """One file of a chart: ``name`` (chart-relative, '/'-separated), ``data`` (bytes), ``modtime`` (aware UTC)."""

    __slots__ = ("name", "data", "modtime")

    def __init__(self, name: str, data: bytes, modtime=None):
        self.name = name
        self.data = data
        self.modtime = modtime or ZERO_TIME

    def __repr__(self):
        return "ChartFile(%r, %d bytes)" % (self.name, len(self.data))


class Chart:
    """A loaded chart (Helm's ``chart.Chart``).

    Attributes: ``metadata`` (dict, Chart.yaml with Helm's JSON names), ``lock`` (dict or None: Chart.lock or
    requirements.lock), ``values`` (dict: values.yaml with Helm's float numbers), ``raw_values`` (bytes or None),
    ``schema`` (bytes or None: values.schema.json), ``schema_modtime``, ``modtime``, ``templates`` and ``files``
    (lists of ChartFile; files are everything that is not Chart.yaml, values.yaml, the schema, a template or a
    subchart), ``dependencies`` (list of Chart, sorted by name) and ``parent`` (Chart or None).
    """

    def __init__(self):
        self.metadata = {}
        self.lock = None
        self.values = {}
        self.raw_values = None
        self.values_modtime = ZERO_TIME
        self.schema = None
        self.schema_modtime = ZERO_TIME
        self.modtime = ZERO_TIME
        self.templates = []
        self.files = []
        self.dependencies = []
        self.parent = None

    @property
    def name(self) -> str:
        return self.metadata.get("name", "")

    def is_root(self) -> bool:
        return self.parent is None

    def full_path(self) -> str:
        """Chart path as Helm's engine names templates: ``top/charts/sub`` (ChartFullPath)."""
        if self.parent is None:
            return self.name
        return "%s/charts/%s" % (self.parent.full_path(), self.name)

    def add_dependency(self, child: "Chart") -> None:
        child.parent = self
        self.dependencies.append(child)

    def set_dependencies(self, children) -> None:
        self.dependencies = []
        for child in children:
            self.add_dependency(child)

    def crd_files(self) -> list:
        """Files under ``crds/`` of this chart (not subcharts), Helm's CRDObjects order."""
        return [f for f in self.files if f.name.startswith("crds/")]

    def __repr__(self):
        return "Chart(%r, %s)" % (self.name, self.metadata.get("version"))


def load_chart(source) -> Chart:
    """Load a chart.

    ``source``: a directory path, a ``.tgz`` path (str or os.PathLike), or the ``.tgz`` archive as bytes.
    Returns a :class:`Chart` with its subcharts loaded recursively from ``charts/``.
    Raises ChartError naming the file or archive entry when the chart is missing, unsafe or invalid.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return load_archive(bytes(source), "<archive bytes>")
    path = os.fspath(source)
    if os.path.isdir(path):
        return load_directory(path)
    if not os.path.exists(path):
        raise ChartError("chart %s not found: give a chart directory, a .tgz file or archive bytes" % path)
    with open(path, "rb") as handle:
        data = handle.read()
    return load_archive(data, path)


def _read_members(data: bytes, origin: str):
    try:
        raw = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    except (OSError, EOFError, zlib.error) as exc:
        raise ChartError("%s is not a valid chart archive: %s" % (origin, exc)) from None
    if len(raw) > MAX_ARCHIVE_SIZE + 1024 * 1024:
        raise ChartError("%s: archive is larger than the %d MiB Helm accepts once decompressed"
                         % (origin, MAX_ARCHIVE_SIZE >> 20))
    try:
        return tarfile.open(fileobj=io.BytesIO(raw), mode="r:")
    except tarfile.TarError as exc:
        raise ChartError("%s is not a valid chart archive: %s" % (origin, exc)) from None


def read_archive(data: bytes, origin: str = "<archive bytes>") -> list:
    """Extract a chart archive in memory into ChartFiles with the top-level directory stripped.

    Raises ChartError naming the offending entry for unsafe paths, links, devices or sizes over Helm's limits.
    """
    files = []
    total = 0
    with _read_members(data, origin) as tar:
        try:
            members = tar.getmembers()
        except tarfile.TarError as exc:
            raise ChartError("%s is not a valid chart archive: %s" % (origin, exc)) from None
        for member in members:
            if member.isdir() or member.type in (tarfile.XHDTYPE, tarfile.XGLTYPE):
                continue
            entry = member.name
            if not member.isreg():
                raise ChartError("%s: entry %r is a link or special file; chart archives may only hold regular "
                                 "files" % (origin, entry))
            _check_entry(entry, origin)
            parts = entry.replace("\\", "/").split("/")
            if parts[0] == "Chart.yaml":
                raise ChartError("%s: chart yaml not in base directory (entry %r); package the chart in a "
                                 "top-level directory" % (origin, entry))
            name = posixpath.normpath("/".join(parts[1:])) if len(parts) > 1 else ""
            if not name or name == ".":
                raise ChartError("%s: entry %r is outside the chart's top-level directory" % (origin, entry))
            if name.startswith(".."):
                raise ChartError("%s: entry %r references a parent directory" % (origin, entry))
            if member.size > MAX_FILE_SIZE:
                raise ChartError("%s: entry %r is %d bytes, over the %d MiB limit per file"
                                 % (origin, entry, member.size, MAX_FILE_SIZE >> 20))
            total += member.size
            if total > MAX_ARCHIVE_SIZE:
                raise ChartError("%s: decompressed size exceeds %d MiB at entry %r"
                                 % (origin, MAX_ARCHIVE_SIZE >> 20, entry))
            content = tar.extractfile(member).read()
            if content.startswith(_UTF8_BOM):
                content = content[3:]
            modtime = _utc(member.mtime * 1_000_000_000)
            files.append(ChartFile(name, content, modtime))
    if not files:
        raise ChartError("%s: no files in chart archive" % origin)
    return files


def _check_entry(entry: str, origin: str) -> None:
    normal = entry.replace("\\", "/")
    if normal.startswith("/") or _DRIVE_PATH.match(normal):
        raise ChartError("%s: entry %r is an absolute path; refusing to load" % (origin, entry))
    if ".." in normal.split("/"):
        raise ChartError("%s: entry %r references a parent directory; refusing to load" % (origin, entry))


def load_archive(data: bytes, origin: str = "<archive bytes>") -> Chart:
    """Load a chart from ``.tgz`` bytes (``origin`` names it in errors)."""
    return load_files(read_archive(data, origin), origin)


def load_directory(path: str) -> Chart:
    """Load a chart directory, skipping what ``.helmignore`` (plus Helm's default ``templates/.?*``) excludes."""
    top = os.path.abspath(path)
    rules = IgnoreRules()
    ignore_file = os.path.join(top, ".helmignore")
    if os.path.isfile(ignore_file):
        with open(ignore_file, encoding="utf-8", errors="replace") as handle:
            rules = IgnoreRules(handle.read())
    files = []
    _walk_directory(top, "", rules, files)
    return load_files(files, path)


def _walk_directory(directory: str, prefix: str, rules, out: list) -> None:
    """Helm's sympath.Walk order: entries of each directory in lexical order, descending into a directory where
    it sorts (so ``a/x`` comes before ``b.txt``); symbolic links are followed."""
    for entry in sorted(os.listdir(directory)):
        full = os.path.join(directory, entry)
        rel = prefix + entry
        if os.path.isdir(full):
            if not rules.ignore(rel, True):
                _walk_directory(full, rel + "/", rules, out)
            continue
        if rules.ignore(rel, False):
            continue
        if not os.path.isfile(full):
            raise ChartError("cannot load irregular file %s: charts may only hold regular files" % full)
        with open(full, "rb") as handle:
            content = handle.read()
        if content.startswith(_UTF8_BOM):
            content = content[3:]
        modtime = _utc(os.stat(full).st_mtime_ns)
        out.append(ChartFile(rel, content, modtime))


def load_files(files: list, origin: str = "chart") -> Chart:
    """Build a Chart from chart-relative ChartFiles (Helm's loader.LoadFiles); loads subcharts recursively."""
    chart = Chart()
    by_name = {f.name: f for f in files}
    chart_yaml = by_name.get("Chart.yaml")
    if chart_yaml is None:
        raise ChartError("%s: Chart.yaml file is missing; a chart needs Chart.yaml at its top level" % origin)
    chart.metadata = parse_metadata(chart_yaml.data, "%s: Chart.yaml" % origin)
    chart.modtime = chart_yaml.modtime
    is_v1 = chart.metadata.get("apiVersion") == "v1"
    subcharts = {}
    for f in files:
        name = f.name
        if name == "Chart.yaml":
            continue
        if name == "Chart.lock" or name == "requirements.lock":
            if name == "Chart.lock" or is_v1 or chart.lock is None:
                chart.lock = _load_lock(f, origin)
            if name == "requirements.lock" and is_v1:
                chart.files.append(f)
        elif name == "values.yaml":
            chart.raw_values = f.data
            chart.values_modtime = f.modtime
            chart.values = load_values(f.data, "%s: values.yaml" % origin)
        elif name == "values.schema.json":
            chart.schema = f.data
            chart.schema_modtime = f.modtime
        elif name == "requirements.yaml":
            chart.metadata = apply_requirements(chart.metadata, f.data, "%s: requirements.yaml" % origin)
            if is_v1:
                chart.files.append(f)
        elif name.startswith("templates/"):
            chart.templates.append(f)
        elif name.startswith("charts/"):
            if name.endswith(".prov"):
                chart.files.append(f)
                continue
            rest = name[len("charts/"):]
            sub_name = rest.split("/", 1)[0]
            subcharts.setdefault(sub_name, []).append(f)
        else:
            chart.files.append(f)
    validate_metadata(chart.metadata, "%s: Chart.yaml" % origin)
    for sub_name in sorted(subcharts):
        if sub_name[:1] in ("_", "."):
            continue
        sub_files = subcharts[sub_name]
        where = "%s: charts/%s" % (origin, sub_name)
        if sub_name.endswith(".tgz"):
            if len(sub_files) != 1 or sub_files[0].name != "charts/" + sub_name:
                raise ChartError("%s: error unpacking subchart tar: expected a single file" % where)
            sub = load_archive(sub_files[0].data, where)
        else:
            prefix = "charts/%s/" % sub_name
            inner = [ChartFile(f.name[len(prefix):], f.data, f.modtime) for f in sub_files if f.name.startswith(prefix)]
            sub = load_files(inner, where)
        chart.add_dependency(sub)
    chart.dependencies.sort(key=lambda c: c.name)
    return chart


def _load_lock(f: ChartFile, origin: str):
    lock = load_go_yaml(f.data.decode("utf-8", "replace"), "%s: %s" % (origin, f.name))
    if lock is not None and not isinstance(lock, dict):
        raise ChartError("%s: %s must be a map" % (origin, f.name))
    return lock
