"""The parts of the ``kubernetes`` package kube/ sends requests with, imported without the package's eager
``kubernetes/__init__.py``.

Why: ``import kubernetes`` runs ``kubernetes/__init__.py``, which imports ``client``, ``config`` (oauthlib,
requests, the pydantic-based ApiClient, dateutil), ``dynamic``, ``watch``, ``stream``, ``utils``,
``leaderelection`` and ``informer`` whichever submodule is asked for: about 0.13 s of CPU and 400 modules, paid by
every task's forked worker, every async job and the helm_releases inventory. kube/ needs three submodules:
``kubernetes.client.configuration`` (Configuration: TLS, proxy and auth settings), ``kubernetes.client.rest``
(RESTClientObject: the urllib3 pool, proxies including SOCKS and ``no_proxy``) and ``kubernetes.client.exceptions``
(ApiException). Those cost about 0.04 s (docs/engine.md, "a lighter kubernetes import").

How: when ``kubernetes`` is not in ``sys.modules`` yet, the package module is created from its real spec
(``importlib.util.module_from_spec``: the same ``__path__``, ``__file__``, ``__spec__`` and loader) *without
executing* ``__init__.py``, and put in ``sys.modules``; submodules then import as usual. So that anyone importing
``kubernetes`` later in the same process (kubernetes.core's modules or inventory, a filter, a test) gets what the
real package gives, the module carries a PEP 562 ``__getattr__``: the first attribute it does not have yet
(``kubernetes.config``, ``kubernetes.dynamic``, ``kubernetes.watch``...) runs the real ``__init__.py`` in that same
module, once, under a lock, and the attribute is then looked up again. ``from kubernetes import config`` and
``import kubernetes.dynamic`` work as well (they import the submodule through ``__path__``). ``__version__`` and
``__project__`` are set at once (from ``kubernetes.client.__version__``, the same release string) so a version
check costs nothing. When ``kubernetes`` was already imported, it is used as it is.

Exports: ``HAS_KUBERNETES``, ``Configuration``, ``RESTClientObject``, ``ApiException`` and ``VERSION`` (the package's version, or None when it is missing).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading

_LOCK = threading.RLock()


def _completing_getattr(module):
    """The PEP 562 ``__getattr__`` of the stand-in package: run the real ``kubernetes/__init__.py`` once, then
    answer from the completed module. While it runs (its ``from . import x`` asks the module for ``x``) and after,
    a missing name is an AttributeError; when it fails (a submodule's dependency missing), the ImportError reaches
    the caller, as ``import kubernetes`` would have raised it, and the next access tries again."""
    state = {"phase": "stand-in"}

    def __getattr__(name):
        if name.startswith("__") or state["phase"] == "complete":
            raise AttributeError("module 'kubernetes' has no attribute %r" % name)
        with _LOCK:  # another thread waits here until the run is over; the running thread re-enters (RLock)
            if state["phase"] == "running":
                raise AttributeError("module 'kubernetes' has no attribute %r" % name)
            if state["phase"] == "stand-in":
                state["phase"] = "running"
                try:
                    module.__spec__.loader.exec_module(module)
                except BaseException:
                    state["phase"] = "stand-in"
                    raise
                state["phase"] = "complete"
        try:
            return module.__dict__[name]
        except KeyError:
            raise AttributeError("module 'kubernetes' has no attribute %r" % name) from None

    return __getattr__


def _install_parent():
    """Put the ``kubernetes`` package module in sys.modules without running its ``__init__.py`` (see the module
    docstring); does nothing when it is imported already. Raises ImportError when the package is missing."""
    with _LOCK:
        if "kubernetes" in sys.modules:
            return
        spec = importlib.util.find_spec("kubernetes")
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            raise ImportError("No module named 'kubernetes'")
        module = importlib.util.module_from_spec(spec)
        module.__getattr__ = _completing_getattr(module)
        sys.modules["kubernetes"] = module
        try:
            client = importlib.import_module("kubernetes.client")
        except BaseException:
            del sys.modules["kubernetes"]
            raise
        module.client = client
        module.__project__ = "kubernetes"
        if getattr(client, "__version__", None):
            module.__version__ = client.__version__


try:  # The kubernetes package is a runtime requirement; keep the import error readable when it is missing.
    _install_parent()
    Configuration = importlib.import_module("kubernetes.client.configuration").Configuration
    ApiException = importlib.import_module("kubernetes.client.exceptions").ApiException
    RESTClientObject = importlib.import_module("kubernetes.client.rest").RESTClientObject
    VERSION = getattr(sys.modules["kubernetes.client"], "__version__", None)
    HAS_KUBERNETES = True
except ImportError:  # pragma: no cover - depends on the host
    HAS_KUBERNETES = False
    Configuration = RESTClientObject = VERSION = None

    class ApiException(Exception):  # pylint: disable=function-redefined
        """Stand-in so ``except ApiException`` clauses stay valid without the package."""
