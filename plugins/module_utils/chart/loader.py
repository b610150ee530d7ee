"""Load a chart from a directory, a ``.tgz`` file or ``.tgz`` bytes, like Helm's pkg/chart/v2/loader.

``load_chart(source) -> Chart``. Archives are read in memory with Helm's safety rules (archive.go): no absolute
paths, no ``..``, no links or devices, at most 5 MiB per entry and 100 MiB in total once decompressed; the
top-level directory is stripped and a UTF-8 BOM is removed from every file. Directories honour ``.helmignore``.

The 100 MiB are one budget for the whole chart tree (an :class:`ArchiveBudget`): subchart archives inside the
archive spend from it too, so nesting cannot multiply the limit, and nesting is at most ``HELMKIT_MAX_CHART_DEPTH``
levels deep. The limits are configurable (docs/limits.md): ``HELMKIT_MAX_ARCHIVE_BYTES``,
``HELMKIT_MAX_ARCHIVE_FILE_BYTES``, ``HELMKIT_MAX_CHART_DEPTH``.
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
from ..gocompat.strconv import go_quote
from ..transport import env_limit, limit_message
from ..yaml.load import load_go_yaml, load_values
from . import loadcache
from .ignore import IgnoreRules
from .metadata import apply_requirements, parse_metadata, validate_metadata

MAX_FILE_SIZE = 5 * 1024 * 1024  # Helm v4.2 MaxDecompressedFileSize
MAX_ARCHIVE_SIZE = 100 * 1024 * 1024  # Helm v4.2 MaxDecompressedChartSize
MAX_CHART_DEPTH = 20  # subchart levels; the deepest chart of the corpus has 2
MAX_IGNORE_FILE_SIZE = 1024 * 1024
_TAR_SLACK = 64 * 1024  # end-of-archive blocks and record padding beyond the entries' own bytes
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


class ArchiveBudget:
    """What a chart tree may still decompress: ``remaining`` bytes (``HELMKIT_MAX_ARCHIVE_BYTES``, default
    100 MiB, Helm's ``MaxDecompressedChartSize``), shared by an archive and every subchart archive inside it;
    ``file_limit`` per entry (``HELMKIT_MAX_ARCHIVE_FILE_BYTES``, default Helm's 5 MiB) and ``max_depth`` levels of
    nested charts (``HELMKIT_MAX_CHART_DEPTH``, default 20). Read from the environment when created."""

    __slots__ = ("limit", "remaining", "file_limit", "max_depth")

    def __init__(self):
        self.limit = env_limit("HELMKIT_MAX_ARCHIVE_BYTES", MAX_ARCHIVE_SIZE)
        self.remaining = self.limit
        self.file_limit = env_limit("HELMKIT_MAX_ARCHIVE_FILE_BYTES", MAX_FILE_SIZE)
        self.max_depth = env_limit("HELMKIT_MAX_CHART_DEPTH", MAX_CHART_DEPTH)

    def too_large(self, origin, how, entry):
        return ChartError("%s: decompressed chart is larger than the maximum size %d (decompressed size %s %s at "
                          "entry %r; subchart archives count towards the same total); %s"
                          % (origin, self.limit, how, _size_text(self.limit), entry, _raise_hint(
                              "HELMKIT_MAX_ARCHIVE_BYTES")))

    def check_depth(self, depth, where):
        if depth > self.max_depth:
            raise ChartError("%s: %s" % (where, limit_message("the chart nests subcharts %d levels deep, which"
                                                              % depth, self.max_depth, "HELMKIT_MAX_CHART_DEPTH",
                                                              "levels")))


def _raise_hint(env_name):
    return ("if the chart is genuine, raise the limit with the environment variable %s on the host that runs the "
            "module (see docs/limits.md)" % env_name)


class _CappedStream:
    """The decompressed archive stream, refused once more than ``cap`` bytes were inflated: tar headers the reader
    handles itself (pax and GNU long-name records, whose announced size is read in one go) cannot inflate a gzip
    bomb past the budget before an entry is looked at. ``read`` never asks the decompressor for more than it may
    still give."""

    def __init__(self, raw, cap, budget, origin):
        self._raw = raw
        self._left = cap
        self._budget = budget
        self._origin = origin

    def read(self, size=-1):
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        data = self._raw.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise self._budget.too_large(self._origin, "exceeds", "(tar headers)")
        return data


def _open_stream(data: bytes, origin: str, budget):
    """A streaming tar reader over the (gzip-compressed) archive: members are decompressed as they are read, so
    an entry is refused on its header's size before any of its data is inflated, and the whole stream is capped at
    twice what the budget has left (room for every entry's header and padding; a stream of a million empty
    entries stops there too) plus the tar end blocks: bounded memory and time."""
    source = io.BytesIO(data)
    if data[:2] == b"\x1f\x8b":
        source = _CappedStream(gzip.GzipFile(fileobj=source, mode="rb"), 2 * budget.remaining + _TAR_SLACK,
                               budget, origin)
    try:
        return tarfile.open(fileobj=source, mode="r|")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise ChartError("%s is not a valid chart archive: %s" % (origin, exc)) from None


def iter_archive(data: bytes, origin: str = "<archive bytes>", budget=None):
    """Yield ``(member, name, content)`` for each regular file of a chart archive, checked as Helm v4's
    ``LoadArchiveFiles`` (pkg/chart/loader/archive) checks entries, in its order and with its messages (prefixed by
    ``origin`` and the entry): content outside the base directory, a parent-directory reference, a drive path, the
    total decompressed size (``MAX_ARCHIVE_SIZE``, 100 MiB) and the size of one file (``MAX_FILE_SIZE``, 5 MiB in
    Helm v4.2), judged on each tar header before the entry is inflated. Stricter than Helm, absolute entries and
    links or special files are refused too. ``name`` has the top-level directory stripped; ``content`` is the
    entry's bytes as stored (BOM kept). ``budget``: the :class:`ArchiveBudget` of the chart tree (a new one when
    None), spent by every entry read. Raises ChartError naming the entry; an archive without files is an error.
    """
    budget = budget or ArchiveBudget()
    found = False
    tar = _open_stream(data, origin, budget)
    try:
        while True:
            try:
                member = tar.next()
            except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                raise ChartError("%s is not a valid chart archive: %s" % (origin, exc)) from None
            if member is None:
                break
            if member.isdir() or member.type in (tarfile.XHDTYPE, tarfile.XGLTYPE):
                continue
            name = _entry_name(member, origin)
            if member.size > budget.remaining:
                raise budget.too_large(origin, "exceeds", member.name)
            if member.size > budget.file_limit:
                raise ChartError("%s: decompressed chart file %s is larger than the maximum file size %d (the entry "
                                 "is over the %s per-file limit Helm accepts); %s"
                                 % (origin, go_quote(member.name), budget.file_limit, _size_text(budget.file_limit),
                                    _raise_hint("HELMKIT_MAX_ARCHIVE_FILE_BYTES")))
            try:
                content = tar.extractfile(member).read(member.size)
            except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                raise ChartError("%s is not a valid chart archive: %s" % (origin, exc)) from None
            budget.remaining -= len(content)
            if len(content) < member.size or budget.remaining <= 0:
                raise budget.too_large(origin, "reaches", member.name)
            found = True
            yield member, name, content
    finally:
        tar.close()
    if not found:
        raise ChartError("%s: no files in chart archive" % origin)


def read_archive(data: bytes, origin: str = "<archive bytes>", budget=None) -> list:
    """Extract a chart archive in memory into ChartFiles with the top-level directory stripped (a UTF-8 BOM at the
    start of a file is dropped, as Helm does). Entry checks and errors: :func:`iter_archive`. A later process reads
    the same archive's files from :mod:`.loadcache` instead."""
    budget = budget or ArchiveBudget()
    entries = loadcache.load(data, budget)  # read by an earlier process under the same limits
    if entries is None:
        before = budget.remaining
        entries = _archive_entries(data, origin, budget)
        loadcache.store(data, budget, before - budget.remaining, entries)
    return _chart_files(entries)


def _archive_entries(data: bytes, origin: str, budget) -> list:
    """``[(name, content, mtime seconds), ...]`` of the archive's files, BOMs dropped (:func:`iter_archive`)."""
    entries = []
    for member, name, content in iter_archive(data, origin, budget):
        if content.startswith(_UTF8_BOM):
            content = content[3:]
        entries.append((name, content, member.mtime))
    return entries


def _chart_files(entries) -> list:
    times = {}  # the entries of an archive mostly share one mtime
    out = []
    for name, content, mtime in entries:
        modtime = times.get(mtime)
        if modtime is None:
            modtime = times[mtime] = _utc(mtime * 1_000_000_000)
        out.append(ChartFile(name, content, modtime))
    return out


def _size_text(size: int) -> str:
    return "%d MiB" % (size >> 20) if size >= 1 << 20 else "%d bytes" % size


def _entry_name(member, origin: str) -> str:
    """The chart-relative name of a regular-file entry (top directory stripped), or ChartError (Helm's text)."""
    entry = member.name
    if not member.isreg():
        raise ChartError("%s: entry %r is a link or special file; chart archives may only hold regular "
                         "files" % (origin, entry))
    normal = entry.replace("\\", "/")
    if normal.startswith("/") or _DRIVE_PATH.match(normal):
        raise ChartError("%s: entry %r is an absolute path; refusing to load" % (origin, entry))
    parts = normal.split("/")
    name = posixpath.normpath("/".join(parts[1:])) if len(parts) > 1 else "."
    if name == ".":
        raise ChartError("%s: chart illegally contains content outside the base directory: %s; package the chart "
                         "in a top-level directory" % (origin, go_quote(entry)))
    if name.startswith("..") or ".." in parts:
        raise ChartError("%s: entry %r: chart illegally references parent directory; refusing to load"
                         % (origin, entry))
    if _DRIVE_PATH.match(name):
        raise ChartError("%s: entry %r: chart contains illegally named files" % (origin, entry))
    if parts[0] == "Chart.yaml":
        raise ChartError("%s: chart yaml not in base directory (entry %r); package the chart in a "
                         "top-level directory" % (origin, entry))
    return name


def load_archive(data: bytes, origin: str = "<archive bytes>", budget=None, depth: int = 0) -> Chart:
    """Load a chart from ``.tgz`` bytes (``origin`` names it in errors). ``budget``/``depth``: those of the
    enclosing chart when this archive is a subchart (see :class:`ArchiveBudget`).

    A chart's top level (depth 0, fresh budget) comes from :mod:`.loadcache` when this process or an earlier one
    loaded the same bytes under the same limits: the whole loaded tree (parsed Chart.yaml, lock, values, files and
    subcharts), rebuilt as new objects, so nothing is read, inflated or parsed again and the caller owns what it
    gets. Only a load that succeeded is kept: an archive that fails fails the same way every time."""
    budget = budget or ArchiveBudget()
    if depth or budget.remaining != budget.limit:
        return load_files(read_archive(data, origin, budget), origin, budget, depth)
    key = loadcache.tree_key(data, budget)
    cached = loadcache.load_tree(key)
    if cached is not None and cached[0] < budget.remaining:
        try:
            chart = _unpack_chart(cached[1], {})
        except (ValueError, TypeError):  # a well-hashed entry of another shape: load and store it again
            chart = None
        if chart is not None:
            budget.remaining -= cached[0]
            return chart
    chart = load_files(_chart_files(_archive_entries(data, origin, budget)), origin, budget, depth, False)
    loadcache.store_tree(key, budget.limit - budget.remaining, _pack_chart(chart))
    return chart


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_MICROSECOND = datetime.timedelta(microseconds=1)


def _pack_chart(chart: Chart) -> tuple:
    """A loaded chart tree as plain data for :mod:`.loadcache` (``marshal``); times as microseconds since the
    epoch (a ChartFile's modtime has microsecond precision, so the round trip is exact). Every attribute of a
    Chart except ``parent`` (rebuilt from the tree) is packed: tests/unit/chart/test_loadcache.py checks it."""
    return (chart.metadata, chart.lock, chart.values, chart.raw_values, _micros(chart.values_modtime), chart.schema,
            _micros(chart.schema_modtime), _micros(chart.modtime), _pack_files(chart.templates),
            _pack_files(chart.files), [_pack_chart(sub) for sub in chart.dependencies])


def _pack_files(files) -> list:
    return [(f.name, f.data, _micros(f.modtime)) for f in files]


def _micros(moment) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _unpack_chart(packed, times: dict) -> Chart:
    """The Chart tree :func:`_pack_chart` packed (``times``: microseconds -> datetime, shared by the tree)."""
    (metadata, lock, values, raw_values, values_modtime, schema, schema_modtime, modtime, templates, files,
     dependencies) = packed
    chart = Chart()
    chart.metadata = metadata
    chart.lock = lock
    chart.values = values
    chart.raw_values = raw_values
    chart.values_modtime = _time(values_modtime, times)
    chart.schema = schema
    chart.schema_modtime = _time(schema_modtime, times)
    chart.modtime = _time(modtime, times)
    chart.templates = [ChartFile(name, data, _time(micros, times)) for name, data, micros in templates]
    chart.files = [ChartFile(name, data, _time(micros, times)) for name, data, micros in files]
    for sub in dependencies:
        chart.add_dependency(_unpack_chart(sub, times))
    return chart


def _time(micros: int, times: dict) -> datetime.datetime:
    moment = times.get(micros)
    if moment is None:
        moment = times[micros] = _EPOCH + micros * _MICROSECOND
    return moment


def chart_yaml_bytes(data: bytes, origin: str = "<archive bytes>") -> bytes:
    """The top-level ``Chart.yaml`` of a chart archive, read as a stream with :func:`iter_archive`'s checks and
    limits and without inflating anything after it (Helm archives put it first). Raises ChartError when the
    archive is unsafe, over a limit, or has no Chart.yaml."""
    for _member, name, content in iter_archive(data, origin):
        if name == "Chart.yaml":
            return content[3:] if content.startswith(_UTF8_BOM) else content
    raise ChartError("%s: Chart.yaml file is missing; a chart archive needs <chart>/Chart.yaml" % origin)


def load_directory(path: str) -> Chart:
    """Load a chart directory, skipping what ``.helmignore`` (plus Helm's default ``templates/.?*``) excludes."""
    top = os.path.abspath(path)
    rules = _ignore_rules(top)
    files = []
    _walk_directory(top, "", rules, files)
    return load_files(files, path)


def _ignore_rules(top: str):
    """The chart's ``.helmignore`` rules. A ``.helmignore`` that is a link leaving the chart is refused (as every
    other link out of it is), so no file outside the chart is read or quoted in an error; one that is not a regular
    file or is over 1 MiB is refused too."""
    ignore_file = os.path.join(top, ".helmignore")
    if os.path.islink(ignore_file):
        _check_link(ignore_file, os.path.realpath(top))
    if not os.path.lexists(ignore_file):
        return IgnoreRules()
    if not os.path.isfile(ignore_file):
        raise ChartError("%s is not a regular file; a .helmignore must be a text file of patterns" % ignore_file)
    if os.path.getsize(ignore_file) > MAX_IGNORE_FILE_SIZE:
        raise ChartError("%s is larger than %s; a .helmignore is a short list of patterns"
                         % (ignore_file, _size_text(MAX_IGNORE_FILE_SIZE)))
    with open(ignore_file, encoding="utf-8", errors="replace") as handle:
        return IgnoreRules(handle.read())


def _walk_directory(directory: str, prefix: str, rules, out: list, top=None, seen=()) -> None:
    """Helm's sympath.Walk order: entries of each directory in lexical order, descending into a directory where
    it sorts (so ``a/x`` comes before ``b.txt``). Symbolic links are followed as Helm does, but (stricter than Helm)
    only when they resolve inside the chart directory; a link that leaves it, or a directory link loop, is refused
    with a ChartError naming the link."""
    top = top or os.path.realpath(directory)
    seen = seen or (top,)
    for entry in sorted(os.listdir(directory)):
        full = os.path.join(directory, entry)
        rel = prefix + entry
        if os.path.islink(full):
            _check_link(full, top)
        if os.path.isdir(full):
            if not rules.ignore(rel, True):
                real = os.path.realpath(full)
                if real in seen:
                    raise ChartError("symbolic link %s makes a loop (it points to %s, a directory that contains it); "
                                     "remove the link" % (full, real))
                _walk_directory(full, rel + "/", rules, out, top, seen + (real,))
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


def _check_link(path: str, top: str) -> None:
    real = os.path.realpath(path)
    if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
        raise ChartError("symbolic link %s points to %s, outside the chart directory %s; refusing to load it (copy "
                         "the file into the chart instead)" % (path, real, top))


def load_files(files: list, origin: str = "chart", budget=None, depth: int = 0, cache_values: bool = True) -> Chart:
    """Build a Chart from chart-relative ChartFiles (Helm's loader.LoadFiles); loads subcharts recursively, at
    most ``HELMKIT_MAX_CHART_DEPTH`` levels, subchart archives spending from ``budget`` (an :class:`ArchiveBudget`
    shared by the whole tree; a new one when None). ``cache_values``: parsed ``values.yaml`` documents may come
    from (and go to) :func:`.loadcache.values` (False when the whole tree is being cached)."""
    budget = budget or ArchiveBudget()
    budget.check_depth(depth, origin)
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
            if cache_values:
                chart.values = loadcache.values(f.data, lambda: load_values(f.data, "%s: values.yaml" % origin))
            else:
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
            sub = load_files(read_archive(sub_files[0].data, where, budget), where, budget, depth + 1, cache_values)
        else:
            prefix = "charts/%s/" % sub_name
            inner = [ChartFile(f.name[len(prefix):], f.data, f.modtime) for f in sub_files if f.name.startswith(prefix)]
            sub = load_files(inner, where, budget, depth + 1, cache_values)
        chart.add_dependency(sub)
    chart.dependencies.sort(key=lambda c: c.name)
    return chart


def _load_lock(f: ChartFile, origin: str):
    lock = load_go_yaml(f.data.decode("utf-8", "replace"), "%s: %s" % (origin, f.name))
    if lock is not None and not isinstance(lock, dict):
        raise ChartError("%s: %s must be a map" % (origin, f.name))
    return lock
