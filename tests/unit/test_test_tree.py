"""The test tree keeps its own rules (issue 17 item 9): tests/unit mirrors plugins/module_utils, test files have
unique names, helpers are imported with their package prefix (``tests.helpers``) and no test module edits sys.path
(tests/conftest.py and tests/unit/conftest.py set it up once)."""
from __future__ import annotations

import ast
import os
from collections import defaultdict

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
MODULE_UTILS = os.path.join(ROOT, "plugins", "module_utils")
#: Where sys.path is set up for the whole run; every other test module relies on it.
PATH_SETUP = {os.path.join("tests", "conftest.py"), os.path.join("tests", "unit", "conftest.py")}
#: Top-level names that test code may import from tests/ itself: the package prefix and the emulator.
ALLOWED_LOCAL = {"tests", "kubeapi"}
#: Folder names that are also third-party packages the tests import by that name: tests/unit/yaml mirrors
#: module_utils/yaml, and ``import yaml`` is PyYAML (a regular package wins over a folder without __init__.py).
THIRD_PARTY = {"yaml"}


def _python_files():
    for root, dirs, files in os.walk(TESTS):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")) and d not in ("fixtures", "charts"))
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(root, name)


def _is_test_code(path):
    name = os.path.basename(path)
    return name.startswith("test_") or name == "conftest.py"


def _local_names():
    """Top-level names a bare import could resolve to inside tests/ (modules and packages of every folder)."""
    names = set()
    for root, dirs, files in os.walk(TESTS):
        names.update(d for d in dirs if not d.startswith("."))
        names.update(f[:-3] for f in files if f.endswith(".py") and f != "__init__.py")
    return names - ALLOWED_LOCAL - THIRD_PARTY


def test_unit_folders_mirror_module_utils():
    unit = os.path.join(TESTS, "unit")
    stray = []
    for root, dirs, files in os.walk(unit):
        dirs[:] = [d for d in dirs if not d.startswith((".", "__"))]
        rel = os.path.relpath(root, unit)
        if rel != "." and any(f.startswith("test_") for f in files) \
                and not os.path.isdir(os.path.join(MODULE_UTILS, rel)):
            stray.append(rel)
    assert not stray, "tests/unit folders with no plugins/module_utils package of the same path: %s" % stray


def test_no_two_test_files_share_a_name():
    seen = defaultdict(list)
    for path in _python_files():
        if os.path.basename(path).startswith("test_"):
            seen[os.path.basename(path)].append(os.path.relpath(path, ROOT))
    assert not {name: paths for name, paths in seen.items() if len(paths) > 1}


@pytest.mark.parametrize("path", [p for p in _python_files() if _is_test_code(p)],
                         ids=lambda p: os.path.relpath(p, TESTS))
def test_imports_have_their_package_prefix_and_sys_path_is_left_alone(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    local = _local_names()
    bare = []
    path_edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bare += [alias.name for alias in node.names if alias.name.split(".")[0] in local]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in local:
                bare.append(node.module)
        elif isinstance(node, ast.Attribute) and node.attr in ("insert", "append", "extend") \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "path" \
                and isinstance(node.value.value, ast.Name) and node.value.value.id == "sys":
            path_edits.append(node.lineno)
    assert not bare, "import these with their package prefix (tests.helpers...): %s" % bare
    if os.path.relpath(path, ROOT) not in PATH_SETUP:
        assert not path_edits, "sys.path edited at lines %s; tests/conftest.py sets it up" % path_edits
