"""A streaming reader specialised to the layout Helm writes for ``index.yaml``.

Helm (``pkg/repo/index.go`` ``IndexFile.WriteFile`` through sigs.k8s.io/yaml, go-yaml) and chart-releaser write
every repository index the same way::

    apiVersion: v1
    entries:
      <chart>:
      - <key>: <value>        # one version starts, keys at column 4
        <key>:                # nested values on deeper lines, sequences at column 4 ("    - x")
        ...
    generated: "..."

Building Python objects for every annotation, maintainer and dependency is what makes a full YAML parse of a
4 MB index slow and memory hungry. :func:`scan_index` walks the bytes line by line and keeps only the fields
:class:`~.index.ChartVersion` reads (:data:`FIELDS`). Single-line plain scalars and simple quoted strings are taken
directly; anything else of a kept field (multi-line text, block scalars, escapes, booleans, nulls, flow collections)
is handed to PyYAML's C loader in one batch, so YAML semantics decide every non-trivial value. Anything outside
the expected layout (comments, tabs, CRLF, flow-style entries, anchors on versions, JSON) returns None and the
caller falls back to the full loader: this reader is a speed path, never a second YAML dialect.
"""
from __future__ import annotations

import io
import re

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..yaml import aliases
from ..yaml.load import IndexLoader

__all__ = ["FIELDS", "scan_index"]

# ChartVersion fields kept from each version mapping.
FIELDS = frozenset(["name", "version", "digest", "created", "deprecated", "apiVersion", "appVersion",
                    "description", "keywords", "urls"])
_BFIELDS = dict((f.encode("ascii"), f) for f in FIELDS)

_KEY_LINE = re.compile(rb"^    ([A-Za-z0-9_][A-Za-z0-9_.\-/]*):(?: (.*))?$")
_ITEM_START = re.compile(rb"^  - ([A-Za-z0-9_][A-Za-z0-9_.\-/]*):(?: (.*))?$")
_CHART_LINE = re.compile(rb"^  ([A-Za-z0-9_][A-Za-z0-9_.\-]*):(?: (\[\]))?$")
_TOP_LINE = re.compile(rb"^[A-Za-z0-9_][A-Za-z0-9_.\-]*:")
# Plain scalars that PyYAML's resolvers could type (bool, null, merge, value) or that need its grammar.
_TYPED = frozenset(["true", "false", "yes", "no", "on", "off", "null", "~", "<<", "="])
_SPECIAL_FIRST = frozenset("&*!|>{}[],#%@`?:-'\" ")


class _Unusual(Exception):
    """The bytes leave the layout this reader understands; use the full loader."""


def _plain(raw):
    """The string value of a one-line scalar ``raw`` (bytes after ``key: ``), or None when YAML must decide."""
    if not raw:
        return None
    first = raw[:1]
    if first == b'"':
        if len(raw) >= 2 and raw.endswith(b'"') and b"\\" not in raw and b'"' not in raw[1:-1]:
            return raw[1:-1].decode("utf-8")
        return None
    if first == b"'":
        if len(raw) >= 2 and raw.endswith(b"'") and b"'" not in raw[1:-1]:
            return raw[1:-1].decode("utf-8")
        return None
    if first.decode("latin-1") in _SPECIAL_FIRST or b" #" in raw or b": " in raw or raw.endswith((b":", b" ")):
        return None
    text = raw.decode("utf-8")
    if text.lower() in _TYPED:
        return None
    return text


class _Version(object):
    """One version mapping being read: kept fields so far, and the lines of the field being continued."""

    __slots__ = ("meta", "key", "head", "lines")

    def __init__(self):
        self.meta = {}
        self.key = None
        self.head = None
        self.lines = None


def scan_index(data, fields=None):
    """``(top, entries)`` read from index bytes in Helm's layout, or None when the caller must use a YAML loader.

    ``fields``: the version fields to keep (default :data:`FIELDS`; the catalog adds ``icon``, ``maintainers``...).

    ``top``: the mapping of top-level keys other than ``entries`` (``apiVersion``, ``generated``, ...), parsed by
    PyYAML. ``entries``: chart name -> list of version mappings holding only :data:`FIELDS`, in file order, with
    the same Python values the C safe loader without int/float/timestamp resolvers gives. Never raises for bad
    input: malformed YAML also returns None so that the full loader reports it with a line number.
    """
    if not data or b"\r" in data or b"\t" in data or data.lstrip()[:1] in (b"{", b"["):
        return None
    bfields = _BFIELDS if fields is None else dict((f.encode("ascii"), f) for f in fields)
    try:
        return _scan(data, bfields)
    except (_Unusual, UnicodeDecodeError, yaml.YAMLError, ValueError, KeyError, IndexError, TypeError):
        return None


def _scan(data, bfields):
    top_lines = []
    entries = {}
    snippets = []      # YAML text of kept fields that need the real loader
    targets = []       # (meta dict, key) for each snippet, in order
    versions = None    # the current chart's list
    current = None     # the current _Version
    in_entries = False
    seen_entries = False

    def finish_field(version):
        if version is None or version.key is None:
            return
        if version.lines or version.head is None:
            snippets.append(b"  - " + version.key + b":" + (b" " + version.head if version.head else b"") + b"\n"
                            + b"".join(version.lines or ()))
            targets.append((version.meta, bfields[version.key]))
        else:
            value = _plain(version.head)
            if value is None:
                snippets.append(b"  - " + version.key + b": " + version.head + b"\n")
                targets.append((version.meta, bfields[version.key]))
            else:
                version.meta[bfields[version.key]] = value
        version.key = None

    for line in io.BytesIO(data):
        if not line.endswith(b"\n"):
            line += b"\n"
        body = line[:-1]
        stripped = body.lstrip(b" ")
        if (stripped[:1] == b"#" and len(body) - len(stripped) < 4) or body.startswith((b"---", b"...")):
            raise _Unusual()  # a comment or document marker outside a version's fields
        if not in_entries:
            if body == b"entries:":
                if seen_entries:
                    raise _Unusual()
                in_entries = seen_entries = True
                continue
            if body.startswith(b"entries:"):
                raise _Unusual()
            top_lines.append(line)
            continue
        if not body:  # blank line: only meaningful inside a multi-line value
            if current is not None and current.key is not None:
                current.lines = (current.lines or []) + [line]
            continue
        if body[:1] != b" ":
            finish_field(current)
            current = versions = None
            if not _TOP_LINE.match(body):
                raise _Unusual()
            in_entries = False
            top_lines.append(line)
            continue
        if body.startswith(b"    "):
            if current is None:
                raise _Unusual()
            fifth = body[4:5]
            if fifth == b" " or (fifth == b"-" and body[5:6] in (b" ", b"")):
                match = None  # continuation of the current key: deeper lines, or "    - item" sequences
            else:
                match = _KEY_LINE.match(body)
                if match is None:
                    raise _Unusual()  # a quoted or unusual key, or a comment, at the fields' indentation
            if match is None:
                if current.key is not None:
                    if current.lines is None:
                        current.lines = []
                    current.lines.append(line)
                continue
            finish_field(current)
            if match.group(1) in bfields:
                current.key, current.head, current.lines = match.group(1), match.group(2), None
            continue
        match = _ITEM_START.match(body)
        if match is not None:
            if versions is None:
                raise _Unusual()
            finish_field(current)
            current = _Version()
            versions.append(current.meta)
            if match.group(1) in bfields:
                current.key, current.head = match.group(1), match.group(2)
            continue
        match = _CHART_LINE.match(body)
        if match is None:
            raise _Unusual()
        finish_field(current)
        current = None
        name = match.group(1).decode("utf-8")
        if name in entries:
            raise _Unusual()
        versions = entries[name] = []
    finish_field(current)
    if not seen_entries:
        raise _Unusual()
    top = aliases.load(b"".join(top_lines) or b"{}", IndexLoader) or {}
    if not isinstance(top, dict):
        raise _Unusual()
    if snippets:
        _apply_snippets(snippets, targets)
    return top, entries


def _apply_snippets(snippets, targets, batch=256):
    """Parse the deferred fields, ``batch`` at a time, each batch one YAML document (a sequence of one-key
    mappings), and store the values. Batches bound the memory PyYAML's node graph takes."""
    for start in range(0, len(snippets), batch):
        values = aliases.load(b"".join(snippets[start:start + batch]), IndexLoader)
        part = targets[start:start + batch]
        if not isinstance(values, list) or len(values) != len(part):
            raise _Unusual()
        for (meta, key), item in zip(part, values):
            if not isinstance(item, dict) or len(item) != 1:
                raise _Unusual()
            meta[key] = item[key]
