"""Imports sit at the top of their file (issue 17, item 5), read from the source with ``ast``.

An import inside a function is allowed only when it says why on its own line:

* ``# deferred: <reason>`` -- one of our modules (or an Ansible API of a newer core) that only one path needs, so
  that the other paths do not pay for it (e.g. an unchanged helm_release never imports the OCI client, Sprig's crypto
  family or the dependency manager; docs/engine.md, "Imports");
* ``# optional: <package> (<why>)`` -- a third-party package imported where the one path that needs it starts,
  through ``libraries.import_library`` (the one guard: a missing package raises MissingLibraryError naming it).

A function-level ``import`` statement of a third-party package fails even with a marker: it goes through
``import_library``, whose calls inside functions need the ``optional`` marker too. An import inside a function never
breaks a cycle: move the code instead (tests/unit/test_layers.py holds who may import whom).
"""
from __future__ import annotations

import ast
import os
import re
import sys

import pytest

PLUGINS = os.path.join(os.path.dirname(__file__), "..", "..", "plugins")
OWN = "ansible_collections.helmkit."
MARKER = re.compile(r"#\s*(deferred|optional):(.*)")
OPTIONAL = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*\((.*\S.*)\)")

# Function-level imports without a marker that are tolerated: none. (file relative to plugins/, line text) -> count.
# The list may only shrink: an entry that no longer exists fails too.
OWNED_ELSEWHERE = {
}


def _sources():
    for root, _dirs, files in os.walk(PLUGINS):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(root, name)
                yield os.path.relpath(path, PLUGINS).replace(os.sep, "/"), path


def _function_level(tree):
    """(node, kind) for every import statement and ``import_library(...)`` call inside a function."""
    found = []

    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append((child, "import"))
            elif in_function and isinstance(child, ast.Call) and _called_name(child.func) == "import_library":
                found.append((child, "library"))
            walk(child, inside)

    walk(tree, False)
    return found


def _called_name(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_own(node) -> bool:
    return isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith(OWN))


def _is_third_party(node) -> bool:
    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]
    if _is_own(node):
        return False
    return any(name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "ansible"
               for name in names)


def problems_of(text: str, rel: str = "<text>") -> list:
    """The rule's complaints about the source ``text`` (list of "file:line: what" strings), owned files aside."""
    lines = text.splitlines()
    complaints = []
    for node, kind in _function_level(ast.parse(text)):
        statement = lines[node.lineno - 1].strip()
        if (rel, statement) in OWNED_ELSEWHERE:
            continue
        where = "%s:%d: %s" % (rel, node.lineno, statement)
        comment = " ".join(lines[node.lineno - 1:node.end_lineno])
        marker = MARKER.search(comment)
        if kind == "import" and _is_third_party(node):
            complaints.append("%s: a third-party package is imported through libraries.import_library with "
                              "'# optional: <package> (<why>)'" % where)
        elif marker is None:
            complaints.append("%s: an import inside a function needs '# deferred: <reason>' (one of our modules "
                              "that only one path needs) or goes to the top of the file" % where)
        elif not re.sub(r"#.*", "", marker.group(2)).strip():
            complaints.append("%s: the '%s:' marker gives no reason" % (where, marker.group(1)))
        elif kind == "library" and (marker.group(1) != "optional" or not OPTIONAL.match(marker.group(2))):
            complaints.append("%s: import_library inside a function is marked '# optional: <package> (<why>)'"
                              % where)
    return complaints


def test_imports_inside_functions_say_why():
    complaints = []
    for rel, path in _sources():
        with open(path, encoding="utf-8") as handle:
            complaints.extend(problems_of(handle.read(), rel))
    assert not complaints, "\n".join(complaints)


def test_the_list_of_files_owned_elsewhere_only_shrinks():
    counts = {}
    for rel, path in _sources():
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        lines = text.splitlines()
        for node, _kind in _function_level(ast.parse(text)):
            key = (rel, lines[node.lineno - 1].strip())
            if key in OWNED_ELSEWHERE:
                counts[key] = counts.get(key, 0) + 1
    stale = dict((key, n) for key, n in OWNED_ELSEWHERE.items() if counts.get(key, 0) != n)
    assert not stale, "OWNED_ELSEWHERE no longer matches the tree (remove or correct these): %r" % stale


@pytest.mark.parametrize("source, complaint", [
    ("def f():\n    from .x import y\n", "needs '# deferred: <reason>'"),
    ("def f():\n    from .x import y  # deferred:\n", "gives no reason"),
    ("def f():\n    from .x import y  # deferred:   # pylint: disable=import-outside-toplevel\n", "gives no reason"),
    ("def f():\n    import json\n", "needs '# deferred: <reason>'"),
    ("def f():\n    import httpx  # optional: httpx (downloads)\n", "through libraries.import_library"),
    ("def f():\n    m = import_library('httpx', 'httpx')\n", "needs '# deferred: <reason>'"),
    ("def f():\n    m = import_library('httpx', 'httpx')  # optional: httpx\n", "is marked '# optional:"),
    ("def f():\n    m = import_library('httpx', 'httpx')  # deferred: speed\n", "is marked '# optional:"),
    ("class C:\n    def f(self):\n        def g():\n            from . import z\n", "needs '# deferred"),
])
def test_the_rule_fails_on(source, complaint):
    found = problems_of(source)
    assert len(found) == 1 and complaint in found[0], found


@pytest.mark.parametrize("source", [
    "from .x import y\n\n\ndef f():\n    return y\n",
    "def f():\n    from .x import y  # deferred: speed: only the OCI path needs it\n",
    "def f():\n    from .x import (  # deferred: speed: only lint: true\n        a, b)\n",
    "def f():\n    m = libraries.import_library('jsonschema', 'jsonschema')  # optional: jsonschema (a schema)\n",
    "try:\n    import oras\nexcept ImportError:\n    oras = missing_library('oras')\n",
])
def test_the_rule_accepts(source):
    assert problems_of(source) == []
