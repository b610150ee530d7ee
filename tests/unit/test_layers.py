"""The package layers of plugins/module_utils have no import cycles (issue 14): every import, including those inside
functions, between the domain packages counts. A new cycle between chart, repo, oci, source, release, kube or engine
fails here with the path that closes it."""
from __future__ import annotations

import ast
import os

MODULE_UTILS = os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "module_utils")
PACKAGES = ("engine", "chart", "repo", "oci", "kube", "source", "release")


def _package_of(path):
    rel = os.path.relpath(path, MODULE_UTILS).split(os.sep)
    return rel[0] if len(rel) > 1 else None


def _imported_packages(path):
    """The module_utils packages ``path`` imports (relative imports resolved against its own location)."""
    rel = os.path.relpath(path, MODULE_UTILS).split(os.sep)[:-1]  # the package path of the module
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = rel[:len(rel) - (node.level - 1)] if node.level > 1 else rel
                target = base + (node.module.split(".") if node.module else [])
                if not target and node.names:
                    target = [node.names[0].name]
            elif node.module and ".plugins.module_utils." in node.module:
                target = node.module.split(".plugins.module_utils.", 1)[1].split(".")
            else:
                continue
            if target:
                found.add(target[0])
    return found


def import_graph():
    graph = dict((p, set()) for p in PACKAGES)
    for root, _dirs, files in os.walk(MODULE_UTILS):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            package = _package_of(path)
            if package not in graph:
                continue
            for target in _imported_packages(path):
                if target in graph and target != package:
                    graph[package].add(target)
    return graph


def find_cycle(graph):
    """A list of packages forming a cycle (first == last), or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, stack)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def test_no_cycle_between_domain_packages():
    graph = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between packages: %s" % " -> ".join(cycle)


def test_chart_is_the_pure_chart_model_and_source_sits_above_the_transports():
    graph = import_graph()
    assert not graph["chart"] & {"repo", "oci", "source", "release", "kube"}, graph["chart"]
    assert not graph["repo"] & {"oci", "source", "release"}, graph["repo"]
    assert not graph["oci"] & {"source", "release"}, graph["oci"]
    assert "release" not in graph["source"], graph["source"]


def test_the_checker_sees_a_cycle():
    """The check itself can fail: a graph with a cycle is reported."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
