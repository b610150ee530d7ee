"""Third-party Python packages imported by module_utils, and what happens when one is not installed.

helmkit.core needs PyYAML, httpx and kubernetes on the host that runs a module (requirements.txt). A module_utils
file imports such a package inside ``try/except ImportError`` and sets ``HAS_<NAME>``; in the ``except`` branch it
binds the name to :func:`missing_library`'s stand-in, so the file still imports (``ansible-test sanity --test
import`` imports every file without third-party packages) and the first *use* raises :class:`MissingLibraryError`,
a :class:`HelmkitError` that names the pip package. ``_common.run_module`` turns it into Ansible's
``missing_required_lib`` message. Where a library is installed nothing changes: the name is the library itself.

PyYAML, which most files need, is imported that way once, here: ``from ..libraries import HAS_YAML, yaml``.
Other packages (httpx, kubernetes, oras, pysequoia) are guarded in the one file that uses them:

    try:
        import httpx
        HAS_HTTPX = True
    except ImportError:  # pragma: no cover - depends on the host
        httpx = missing_library("httpx")
        HAS_HTTPX = False

A package that only one path needs (httpx for a download, jsonschema for a chart with values.schema.json, dulwich
for a git plugin source) is imported where that path starts, through :func:`import_library`, with the reason on the
same line (tests/unit/test_imports.py holds the rule):

    jsonschema = import_library("jsonschema", "jsonschema")  # optional: jsonschema (only a chart with a schema)

The pattern follows Ansible's module guidelines ("Importing and using shared code": HAS_ flags and
``ansible.module_utils.basic.missing_required_lib``).
"""
from __future__ import annotations

import importlib
import sys
import traceback

from .errors import HelmkitError

__all__ = ["MissingLibraryError", "MissingLibrary", "missing_library", "import_library", "HAS_YAML", "yaml"]


class MissingLibraryError(HelmkitError):
    """A Python package helmkit.core needs is not installed for the interpreter running the module.

    Attributes: ``package`` (the pip distribution name, e.g. ``"PyYAML"``), ``reason`` (the ImportError's text) and
    ``import_traceback`` (the formatted traceback of that ImportError, str, for ``-vvv``).
    """

    def __init__(self, package: str, reason: str, import_traceback: str = ""):
        super().__init__("helmkit.core needs the Python package %s, which cannot be imported by %s (%s). Install it "
                         "on the host that runs the task: %s -m pip install %s"
                         % (package, sys.executable, reason, sys.executable, package))
        self.package = package
        self.reason = reason
        self.import_traceback = import_traceback


class MissingLibrary:
    """Stand-in for a module that failed to import: reading any public attribute raises MissingLibraryError.

    Build it with :func:`missing_library` inside the ``except ImportError`` branch. Attributes whose names start
    with ``__`` raise AttributeError as usual, so ``hasattr``/``copy``/``repr`` machinery keeps working.
    """

    __slots__ = ("package", "reason", "import_traceback")

    def __init__(self, package: str, reason: str, import_traceback: str = ""):
        self.package = package
        self.reason = reason
        self.import_traceback = import_traceback

    def error(self) -> MissingLibraryError:
        """The MissingLibraryError that using this library raises."""
        return MissingLibraryError(self.package, self.reason, self.import_traceback)

    def unavailable(self, *args, **kwargs):
        """A callable stand-in for a class or function built from the library: calling it raises the error."""
        raise self.error()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise self.error()

    def __repr__(self):
        return "<missing Python package %s>" % self.package


def missing_library(package: str) -> MissingLibrary:
    """The stand-in for ``package`` (pip name); call it in the ``except ImportError`` branch of the import.

    Records the ImportError being handled (its text and traceback) for the error message. Returns MissingLibrary.
    """
    error = sys.exc_info()[1]
    reason = "%s: %s" % (type(error).__name__, error) if error is not None else "not installed"
    return MissingLibrary(package, reason, traceback.format_exc() if error is not None else "")


def import_library(name: str, package: str, error=None):
    """Import the module ``name`` (dotted, e.g. ``"dulwich.porcelain"``) of the pip package ``package`` now.

    For a third-party package that only one path needs, imported where that path starts. Returns the module.
    Raises :class:`MissingLibraryError` naming ``package`` when it cannot be imported, or ``error(message)`` with
    the same message when ``error`` (an exception class, e.g. a template's FuncError) is given.
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        missing = missing_library(package).error()
    if error is None:
        raise missing
    raise error(str(missing))


try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - depends on the host; using yaml then raises MissingLibraryError
    yaml = missing_library("PyYAML")
    HAS_YAML = False
