"""Parse only the entries a chart needs from a large repository index.

A dependency update needs the versions of a few charts, but a repository index can hold thousands (grafana's is
4 MB; parsing all of it is most of the time ``helm dependency update`` spends, helm #9865). Indexes are block
YAML whose ``entries`` mapping has one key per chart at a fixed indentation. :func:`partial_index` finds those
keys by indentation, parses only the wanted charts' blocks with the C loader and hands them to
``repo/index.py: parse_index`` (same validation and sorting as a full parse). YAML guarantees that no line inside
an entry's block starts at the entries' own indentation (block and flow scalars continue deeper), so the split is
exact; anything that is not this layout (JSON, flow style, tabs, no ``apiVersion``) returns None and the caller
parses the whole file.
"""
from __future__ import annotations

import re

from ...repo.index import parse_index

__all__ = ["partial_index", "index_chart_names"]

_ENTRIES = re.compile(br"^entries:[ \t]*(?:#.*)?\r?$", re.M)
_API_VERSION = re.compile(br"^apiVersion:[ \t]*\S", re.M)
_KEY = re.compile(br"^( +)([^\s#\-][^\r\n]*?|'[^'\r\n]*'|\"[^\"\r\n]*\"):[ \t]*(?:#[^\r\n]*)?\r?$")


def _unquote(key):
    if len(key) >= 2 and key[:1] == key[-1:] and key[:1] in (b"'", b'"'):
        key = key[1:-1]
    return key.decode("utf-8")


def _entry_spans(data):
    """``[(chart name, start, end)]`` byte spans of the ``entries`` children, or None when the layout is not the
    plain block form."""
    match = _ENTRIES.search(data)
    if not match or not _API_VERSION.search(data):
        return None
    pos = match.end() + 1
    spans, indent = [], None
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end + 1
        line = data[pos:end]
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            pos = end
            continue
        if line[:1] not in (b" ", b"-"):
            break                                   # next top-level key: the entries block ended
        width = len(line) - len(line.lstrip(b" "))
        if b"\t" in line[:width + 1] or line[:1] == b"-":
            return None
        if indent is None:
            indent = width
        if width < indent:
            return None
        if width == indent and line[width:width + 2] not in (b"- ", b"-\n", b"-\r"):
            key = _KEY.match(line.rstrip(b"\n"))
            if key is None or len(key.group(1)) != indent:
                return None
            if spans:
                spans[-1][2] = pos
            spans.append([_unquote(key.group(2)), pos, None])
        pos = end
    if spans:
        spans[-1][2] = pos
    return [tuple(s) for s in spans]


def index_chart_names(data):
    """Sorted chart names of an index without parsing it; None when the layout is not recognised."""
    spans = _entry_spans(data)
    return None if spans is None else sorted(set(name for name, _s, _e in spans))


def partial_index(data, names, source="index.yaml"):
    """An :class:`~..repo.index.IndexFile` holding only the charts ``names`` (others are absent), or None when the
    index is not in the plain block layout. Raises RepositoryError like ``parse_index`` for invalid blocks."""
    spans = _entry_spans(data)
    if spans is None:
        return None
    wanted = set(names)
    parts = [data[start:end] for name, start, end in spans if name in wanted]
    body = b"apiVersion: v1\nentries:\n" + b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts)
    if not parts:
        body = b"apiVersion: v1\nentries: {}\n"
    return parse_index(body, source=source)
