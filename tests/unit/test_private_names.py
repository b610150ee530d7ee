"""No file imports another file's private name (issue 17: "no private names imported across files").

A name that starts with ``_`` is its module's own business; a name another file needs is public, with a docstring.
Read from the source with ``ast``, over plugins/ (modules, lookups, inventory and module_utils); importing a
private *module* (``from . import _bytecache``) is allowed, a private function, class or constant is not.
"""
from __future__ import annotations

import ast
import os

PLUGINS = os.path.join(os.path.dirname(__file__), "..", "..", "plugins")
ABSOLUTE = "ansible_collections.helmkit.core.plugins."

# (importing file relative to plugins/, private name) that still cross a file; the list may only shrink, and is
# empty: a name another file needs is public.
ALLOWED = set()


def _module_dir(path: str, node, root: str) -> str:
    """The directory or module path an ImportFrom names, relative to the importing file."""
    if node.level:
        base = os.path.dirname(path)
        for _step in range(node.level - 1):
            base = os.path.dirname(base)
        return os.path.join(base, *(node.module.split(".") if node.module else []))
    return os.path.join(root, *node.module[len(ABSOLUTE):].split("."))


def _private_imports(root=PLUGINS):
    """[(file relative to ``root``, private name, line)] for every private name imported from another file."""
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read(), path)
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom):
                    continue
                if not node.level and not (node.module or "").startswith(ABSOLUTE):
                    continue
                target = _module_dir(path, node, root)
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    is_module = (os.path.isfile(os.path.join(target, alias.name + ".py"))
                                 or os.path.isdir(os.path.join(target, alias.name)))
                    if private and not is_module:
                        found.append((os.path.relpath(path, root).replace(os.sep, "/"), alias.name, node.lineno))
    return found


def test_the_scan_finds_private_names_and_spares_private_modules(tmp_path):
    package = tmp_path / "module_utils"
    package.mkdir()
    (package / "a.py").write_text("def _helper():\n    pass\n")
    (package / "_cache.py").write_text("")
    (package / "b.py").write_text("from .a import _helper\nfrom . import _cache\n")
    assert _private_imports(str(tmp_path)) == [("module_utils/b.py", "_helper", 1)]


def test_no_private_name_crosses_a_file():
    found = _private_imports()
    new = ["plugins/%s:%d imports the private name %s; make it public (no underscore, with a docstring) or move the "
           "code" % (f, line, n) for f, n, line in found if (f, n) not in ALLOWED]
    assert not new, "\n".join(new)
    stale = sorted(ALLOWED - {(f, n) for f, n, _l in found})
    assert not stale, "remove from ALLOWED, the import is gone: %s" % stale
