"""The layer rules of plugins/module_utils (docs/architecture.md), read from the source with ``ast``:

    foundation (gocompat, yaml, errors, libraries, transport, semver, safepath, privatecache, caches, report,
    args_common)
      -> domain (engine, chart, repo, oci, kube, helmplugin)
      -> chart sources (source: Helm's getter and downloader over the repo, oci and plugin transports)
      -> release
      -> task glue (_common, release_task, registry_task, kcore, _bytecache)
      -> plugins (modules, lookup, inventory, action, filter)

A package may import its own layer or a lower one, never a higher one, and the packages may not import each other in
a cycle. Imports inside functions count too. The imports that break a rule today are listed in ALLOWED with the
reason; the list may only shrink: a new violation fails, and so does an entry that no longer exists.
"""
from __future__ import annotations

import ast
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "module_utils")
ABSOLUTE = "ansible_collections.helmkit.core.plugins."

LAYERS = {
    0: ("gocompat", "yaml", "errors", "libraries", "transport", "semver", "safepath", "privatecache", "caches",
        "report", "args_common"),
    1: ("engine", "chart", "repo", "oci", "kube", "helmplugin"),
    2: ("source",),
    3: ("release",),
    4: ("_common", "release_task", "registry_task", "kcore", "_bytecache"),
    5: ("modules", "lookup", "inventory", "action", "filter", "plugin_utils"),
}
LAYER_OF = {package: layer for layer, packages in LAYERS.items() for package in packages}
LAYER_NAMES = {0: "foundation", 1: "domain", 2: "chart sources", 3: "release", 4: "task glue", 5: "plugins"}

# (importing file relative to plugins/module_utils, imported module relative to plugins/) that break a rule today.
# Remove an entry when its import goes; never add one (move the code instead).
ALLOWED = set()


def _sources():
    for folder, _dirs, files in os.walk(ROOT):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, ROOT).replace(os.sep, "/"), path


def _package(parts):
    """The layer unit of a module path under plugins/: module_utils/<package>/... or modules, lookup, ..."""
    if parts[0] == "module_utils":
        return parts[1] if len(parts) > 1 else None
    return parts[0]


def _targets(rel: str, node):
    """Imported modules, as dotted paths relative to plugins/ (``module_utils.chart.loader``), of one import."""
    here = ["module_utils"] + rel[:-3].split("/")[:-1]
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return [n[len(ABSOLUTE):] for n in names if n.startswith(ABSOLUTE)]
    if node.level:
        if node.level - 1 > len(here):
            return []
        base = here[:len(here) - (node.level - 1)]
    elif node.module and node.module.startswith(ABSOLUTE):
        base = []
    else:
        return []
    module = node.module or ""
    if module.startswith(ABSOLUTE):
        module = module[len(ABSOLUTE):]
    stem = base + (module.split(".") if module else [])
    if node.module:
        return [".".join(stem)]
    return [".".join(stem + [alias.name]) for alias in node.names]  # from .. import engine


def _imports():
    """[(file, line, source package, target module, target package)] for every import between packages."""
    found = []
    for rel, path in _sources():
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        source = _package(["module_utils"] + rel[:-3].split("/"))
        if source == "__init__":
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(rel, node):
                package = _package(target.split("."))
                if package and package != source and package != "__init__":
                    found.append((rel, node.lineno, source, target, package))
    return found


IMPORTS = _imports()


def test_the_scan_sees_the_imports_it_must_judge():
    # guards the test itself: a broken resolver would find nothing and pass
    assert ("chart/loader.py", "module_utils.yaml.load") in {(f, t) for f, _l, _s, t, _p in IMPORTS}
    assert len(IMPORTS) > 200


def test_every_package_has_a_layer():
    unknown = sorted({"%s (imported by %s:%d)" % (p, f, line) for f, line, _s, _t, p in IMPORTS if p not in LAYER_OF}
                     | {"%s (%s)" % (s, f) for f, _l, s, _t, _p in IMPORTS if s not in LAYER_OF})
    assert not unknown, ("packages without a layer; add each to LAYERS in tests/unit/test_layers.py and to "
                         "docs/architecture.md: %s" % ", ".join(unknown))


def _layer(package):
    return LAYER_OF.get(package, -1)


def test_no_upward_import():
    broken = []
    for rel, line, source, target, package in IMPORTS:
        if _layer(package) > _layer(source) and (rel, target) not in ALLOWED:
            low, high = _layer(source), _layer(package)
            broken.append("plugins/module_utils/%s:%d imports %s: %s (%s, layer %d) may not import %s (%s, layer %d);"
                          " move the code down a layer"
                          % (rel, line, target, source, LAYER_NAMES.get(low), low, package, LAYER_NAMES.get(high), high))
    assert not broken, "upward imports:\n" + "\n".join(broken)


def _cycle(graph):
    """One cycle of package names in ``graph`` ({package: {package: [import sites]}}), or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_no_new_cycle_between_packages():
    graph = {}
    for rel, line, source, target, package in IMPORTS:
        if (rel, target) not in ALLOWED:
            graph.setdefault(source, {}).setdefault(package, []).append("plugins/module_utils/%s:%d imports %s"
                                                                        % (rel, line, target))
    cycle = _cycle(graph)
    if cycle:
        sites = ["  %s -> %s: %s" % (a, b, "; ".join(graph[a][b])) for a, b in zip(cycle, cycle[1:])]
        pytest.fail("new import cycle between packages %s; break one of these imports (move the code to a lower "
                    "package):\n%s" % (" -> ".join(cycle), "\n".join(sites)))


def test_allow_list_only_shrinks():
    present = {(rel, target) for rel, _l, _s, target, _p in IMPORTS}
    stale = sorted("%s imports %s" % entry for entry in ALLOWED - present)
    assert not stale, ("these ALLOWED entries in tests/unit/test_layers.py no longer exist; delete them so the "
                       "rule holds again:\n" + "\n".join(stale))


@pytest.mark.parametrize("graph,expected", [
    ({"a": {"b": []}, "b": {"c": []}}, None),
    ({"a": {"b": []}, "b": {"a": []}}, ["a", "b", "a"]),
    ({"a": {"b": []}, "b": {"c": []}, "c": {"b": []}}, ["b", "c", "b"]),
])
def test_cycle_finder(graph, expected):
    assert _cycle(graph) == expected
