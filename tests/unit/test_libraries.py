"""plugins/module_utils/libraries.py: module_utils import without PyYAML/httpx/kubernetes and fail clearly on use.

ansible-test's import sanity test imports every module_utils file with no third-party packages; these tests run the
same check in a subprocess whose importer refuses those packages, so a new unguarded import fails here first.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

from ansible_collections.helmkit.core.plugins.module_utils import _common
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
from ansible_collections.helmkit.core.plugins.module_utils.libraries import (
    MissingLibraryError, import_library, missing_library)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Runs in a child interpreter: refuse the third-party packages, then import what argv names and run a snippet.
_CHILD = r"""
import importlib, os, sys
BLOCKED = {"yaml", "_yaml", "httpx", "kubernetes", "urllib3"}

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError("No module named %r" % name, name=name)
        return None

sys.meta_path.insert(0, Refuse())
sys.path.insert(0, sys.argv[1])
plugins = os.path.join(sys.argv[1], "ansible_collections", "helmkit", "core", "plugins")
failed = []
for sub in ("module_utils", "modules"):
    for dirpath, dirs, files in os.walk(os.path.join(plugins, sub)):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(files):
            if name.endswith(".py"):
                rel = os.path.relpath(os.path.join(dirpath, name), plugins)[:-3].replace(os.sep, ".")
                module = "ansible_collections.helmkit.core.plugins." + rel.replace(".__init__", "")
                try:
                    importlib.import_module(module)
                except Exception as exc:
                    failed.append("%s: %s: %s" % (module, type(exc).__name__, exc))
print("\n".join(failed) or "all imported")
exec(sys.argv[2])
"""


def _run_without_libraries(snippet: str) -> str:
    tree = os.path.join(ROOT, ".tree")
    proc = subprocess.run([sys.executable, "-c", _CHILD, tree, snippet], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_every_module_utils_and_module_imports_without_third_party_packages():
    out = _run_without_libraries("")
    lines = out.splitlines()
    # oci/ is guarded by its own owner; everything else must import (ansible-test sanity --test import).
    failures = [line for line in lines if line != "all imported" and ".module_utils.oci." not in line]
    assert failures == []


def test_using_yaml_without_pyyaml_names_the_package():
    snippet = r"""
from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
from ansible_collections.helmkit.core.plugins.module_utils.yaml.unmarshal import unmarshal
from ansible_collections.helmkit.core.plugins.module_utils.libraries import MissingLibraryError
for call in (lambda: unmarshal("a: 1"), lambda: load_values("a: 1", "values.yaml")):
    try:
        call()
    except MissingLibraryError as exc:
        print("ERROR", exc.package, "|", exc)
"""
    out = _run_without_libraries(snippet)
    errors = [line for line in out.splitlines() if line.startswith("ERROR ")]
    assert len(errors) == 2
    for line in errors:
        assert line.startswith("ERROR PyYAML |")
        assert "pip install PyYAML" in line
        assert "No module named 'yaml'" in line


def _stand_in():
    try:
        importlib.import_module("not_a_real_package_helmkit")
    except ImportError:
        return missing_library("not-a-real-package")
    raise AssertionError("not_a_real_package_helmkit is not expected to be installed")


def test_missing_library_stand_in():
    stand_in = _stand_in()
    with pytest.raises(MissingLibraryError) as err:
        stand_in.load("x")
    assert isinstance(err.value, HelmkitError)
    assert err.value.package == "not-a-real-package"
    assert "not_a_real_package_helmkit" in err.value.reason
    assert "not_a_real_package_helmkit" in err.value.import_traceback
    with pytest.raises(MissingLibraryError):
        stand_in.unavailable("stream")
    assert not hasattr(stand_in, "__deepcopy__")


def test_import_library_returns_the_module_or_names_the_package():
    assert import_library("json.decoder", "json") is importlib.import_module("json.decoder")
    with pytest.raises(MissingLibraryError) as err:
        import_library("not_a_real_package_helmkit.sub", "not-a-real-package")
    assert err.value.package == "not-a-real-package"
    assert "pip install not-a-real-package" in str(err.value)

    class TemplateError(HelmkitError):
        pass

    with pytest.raises(TemplateError, match="helmkit.core needs the Python package not-a-real-package"):
        import_library("not_a_real_package_helmkit", "not-a-real-package", TemplateError)


class _Module:
    """The parts of AnsibleModule that run_module uses; fail_json/exit_json stop like Ansible's."""

    params = {}

    def __init__(self):
        self.result = None

    def warn(self, text):
        raise AssertionError(text)

    def fail_json(self, **kwargs):
        self.result = dict(kwargs, failed=True)
        raise SystemExit(1)

    def exit_json(self, **kwargs):
        self.result = kwargs
        raise SystemExit(0)


def test_run_module_reports_a_missing_library_like_missing_required_lib():
    def action(module):
        raise MissingLibraryError("PyYAML", "ModuleNotFoundError: No module named 'yaml'", "Traceback ...")

    module = _Module()
    with pytest.raises(SystemExit):
        _common.run_module(module, action)
    assert module.result["failed"] is True
    assert module.result["msg"].startswith("Failed to import the required Python library (PyYAML)")
    assert "No module named 'yaml'" in module.result["msg"]
    assert module.result["exception"] == "Traceback ..."
