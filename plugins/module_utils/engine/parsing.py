"""The one place that decides how a template file is parsed: on-disk stored form, fast path, or full parser.

:func:`parse_file` first asks :mod:`.treecache` for the stored form an earlier process left under the caller's
content key (one ``marshal.loads``: no parsing, no node objects); then tries :func:`fastparse.fast_parse` (the
one-pass parser of the syntax charts use, which builds the stored form directly); and last
:func:`parser.parse_full` (Go's lexer and parser, ported), which also produces every parse error, so errors keep
Go's text and line. Whatever parsed is stored for the next process. Both parsers use the same token table
(:mod:`.tokens`); the stored form is :mod:`.forms` (docs/engine.md, "render per later process -- the compiler reads
the stored form").
"""
from __future__ import annotations

from . import treecache
from .fastparse import fast_parse
from .parser import parse_full


def parse_file(name: str, text: str, has_function, cache_key: str | None = None) -> dict:
    """Parse ``text`` as template file ``name``.

    Args:
        name (str): the file's name (template name and error location). text (str): its text.
        has_function (callable str -> bool): which function names exist (Go's parse-time "function not defined").
        cache_key (str | None): the file's content key (:mod:`.template`'s sha256 of function names, name and
            text) to look up and store in the on-disk tree cache; None leaves the cache alone (a piece of a file).

    Returns:
        dict[str, nodes.Tree]: the file's own tree under ``name`` and one per ``{{define}}``/``{{block}}``.

    Raises:
        TemplateParseError: with Go's message (``template: NAME:LINE: ...``).
    """
    if cache_key is not None:
        trees = treecache.load(cache_key, text)  # an earlier process parsed this file already
        if trees is not None:
            return trees
    trees = fast_parse(name, text, has_function)
    if trees is None:
        trees = parse_full(name, text, has_function)
    if cache_key is not None:
        treecache.store(cache_key, trees)
    return trees
