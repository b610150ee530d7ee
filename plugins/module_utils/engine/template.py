"""TemplateSet: Go's *template.Template used as a named set of associated templates (text/template/template.go).

Helm builds one set per render: ``template.New("gotpl").Option("missingkey=zero").Funcs(m)`` and then
``t.New(file).Parse(text)`` for every file; every ``{{define}}`` joins the shared set (a later definition replaces an
earlier one unless the later one is empty) and files are executed with ``ExecuteTemplate``. Parsing is cached by
content (sha256 of name, text and function names) for the whole process (``caches.CACHES.parse_trees``); how a file is
parsed (fast path, on-disk tree cache, full parser) is decided by :func:`parsing.parse_file`. Compiled code is cached
on the parse trees, so a template is parsed and compiled once. A later process reads each file's trees in their
stored form (:mod:`.treecache`) and compiles them without parsing or building nodes.
"""
from __future__ import annotations

import hashlib

from ..caches import CACHES
from .builtins import BUILTINS
from .compiler import State, compile_tree, error_message
from .errors import TemplateExecError, TemplateParseError
from .forms import is_empty_tree
from .gofmt import go_quote
from .parsing import parse_file
from .runtime import EngineScope


def _parse_cached(name: str, text: str, func_names: frozenset, func_key: str, persist: bool = True) -> dict:
    """``{template name: Tree}`` of a file, from the process-wide cache or :func:`parsing.parse_file` (the on-disk
    cache of an earlier process, or a parse; ``persist=False`` leaves the disk alone). Raises TemplateParseError."""
    key = hashlib.sha256(("%s\0%s\0%s" % (func_key, name, text)).encode("utf-8", "surrogatepass")).hexdigest()
    trees = CACHES.parse_trees.get(key)
    if trees is None:
        # Parsing allocates many long-lived objects; the cyclic GC would rescan them over and over.
        with EngineScope():
            try:
                trees = parse_file(name, text, func_names.__contains__, key if persist else None)
            except TemplateParseError as exc:
                trees = exc
        CACHES.parse_trees[key] = trees
    if isinstance(trees, TemplateParseError):
        raise TemplateParseError(str(trees))
    return trees


class TemplateSet(object):
    """A set of named templates sharing functions and options.

    Args:
        funcs: name -> Python callable taking the evaluated arguments positionally (Go's FuncMap). Builtins
            (and, or, not, len, index, slice, print, printf, println, html, js, urlquery, call, eq, ne, lt, le,
            gt, ge) are always present; ``funcs`` may override them except and/or/call's short-circuiting.
        missingkey: "zero" (Helm's default; also "default"/"invalid") or "error" (Helm's strict mode).
        root_name: name of the set in "no template ... associated with template" errors (Helm's "gotpl").
    """

    def __init__(self, funcs: dict | None = None, missingkey: str = "zero", root_name: str = "gotpl") -> None:
        if missingkey not in ("zero", "default", "invalid", "error"):
            raise ValueError("unrecognized option missingkey=%s" % missingkey)
        self.funcs = dict(funcs or {})
        self.missingkey = missingkey
        self.root_name = root_name
        self._trees = {}
        self._names = None
        self._names_key = None

    def _func_names(self):
        if self._names is None:
            self._names = frozenset(self.funcs) | frozenset(BUILTINS)
            self._names_key = hashlib.sha256("\0".join(sorted(self._names)).encode("utf-8")).hexdigest()
        return self._names, self._names_key

    def add_funcs(self, funcs: dict) -> None:
        """Add or replace functions (Go's Funcs); affects templates added later and all executions."""
        self.funcs.update(funcs)
        self._names = None

    def add(self, name: str, text: str, persist: bool = True) -> None:
        """Parse ``text`` as template ``name`` (Go's t.New(name).Parse(text)); its {{define}}s join the set.
        ``persist=False``: the text is not a chart's file (``tpl``'s, which may come from values and hold
        secrets), so its trees are not read from or written to the on-disk cache.

        Raises TemplateParseError with Go's message (``template: NAME:LINE: ...``).
        """
        names, key = self._func_names()
        trees = _parse_cached(name, text, names, key, persist)
        for tname, tree in trees.items():
            if tname in self._trees and is_empty_tree(tree):
                continue
            self._trees[tname] = tree

    def has(self, name: str) -> bool:
        """Whether a template of that name is defined."""
        return name in self._trees

    def names(self) -> list:
        """Names of all templates in the set, sorted."""
        return sorted(self._trees)

    def lookup(self, name: str):
        """The parse tree of template ``name`` or None."""
        return self._trees.get(name)

    def clone(self) -> "TemplateSet":
        """A copy sharing parse trees; adding templates or functions to the copy leaves this set alone."""
        other = TemplateSet(self.funcs, self.missingkey, self.root_name)
        other._trees = dict(self._trees)
        return other

    def execute(self, name: str, data) -> str:
        """Execute template ``name`` with dot = ``data``; returns the output.

        Raises TemplateExecError with Go's message, e.g. ``template: FILE:1:3: executing "NAME" at <.x.y>:
        nil pointer evaluating interface {}.y``.
        """
        tree = self.lookup(name)
        if tree is None:
            raise TemplateExecError("template: no template %s associated with template %s"
                                    % (go_quote(name), go_quote(self.root_name)), name)
        state = State(self, self.funcs, name, data, self.missingkey == "error")
        try:
            with EngineScope():  # rendering allocates heavily next to a large live heap
                compile_tree(tree)(state, data)
        except RecursionError:
            raise TemplateExecError(error_message(state, None, "exceeded maximum template depth (100000)"), name)
        return "".join(state.out)
