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
``import kubernetes.dynamic`` work as well (they import the submodule through ``__path__``). ``kubernetes.client``
is made the same way (before 37.0 its ``__init__.py`` imports every API class and model: about 600 modules, 0.1 s).
``__version__`` and ``__project__`` are set at once (the release string read from ``kubernetes/client/__init__.py``)
so a version check costs nothing. When ``kubernetes`` was already imported, it is used as it is.

Releases: requirements.txt allows 29.0.0 up. Before 37.0 (the older OpenAPI generator) ``RESTClientObject.request``
raises ApiException for any answer outside 2xx and preloads the body; ``RESTClientObject`` here is then a subclass
with 37.0's contract (every answer back unread; see ``_current_rest_client``). Before 36.0 ``auth_settings()``
reads ``api_key["authorization"]``, from 36.0 ``api_key["BearerToken"]``: ``API_KEY`` names the one this release
reads. SOCKS proxies need 37.0 (earlier releases' pool manager has none). tests/unit/kube/test_k8s_lite.py checks
these contracts against the installed release.

Exports: ``HAS_KUBERNETES``, ``Configuration``, ``RESTClientObject``, ``ApiException``, ``API_KEY`` and ``VERSION``
(the package's version, or None when it is missing).
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
import threading

_LOCK = threading.RLock()


def _completing_getattr(module):
    """The PEP 562 ``__getattr__`` of a stand-in package (``kubernetes`` or ``kubernetes.client``): run the real
    ``__init__.py`` once, then answer from the completed module. While it runs (its ``from . import x`` asks the
    module for ``x``) and after, a missing name is an AttributeError; when it fails (a submodule's dependency
    missing), the ImportError reaches the caller, as the import would have raised it, and the next access tries
    again."""
    state = {"phase": "stand-in"}

    def missing(name):
        return AttributeError("module %r has no attribute %r" % (module.__name__, name))

    def __getattr__(name):
        if name.startswith("__") or state["phase"] == "complete":
            raise missing(name)
        with _LOCK:  # another thread waits here until the run is over; the running thread re-enters (RLock)
            if state["phase"] == "running":
                raise missing(name)
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
            raise missing(name) from None

    return __getattr__


def _stand_in(name):
    """Put package ``name``'s module in sys.modules made from its real spec, its ``__init__.py`` not executed (see
    the module docstring); returns it. Raises ImportError when the package is missing."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ImportError("No module named %r" % name)
    module = importlib.util.module_from_spec(spec)
    module.__getattr__ = _completing_getattr(module)
    sys.modules[name] = module
    return module


_VERSION_LINE = re.compile(r"""^__version__ = ["']([^"']+)["']""", re.M)


def _client_package():
    """``kubernetes.client`` as a stand-in too: releases before 37.0 import every API class and model (about 600
    modules, 0.1 s of CPU) in its ``__init__.py``. ``__version__`` is read from that file's text (the release
    string it would set); when it cannot be read there, the package is imported as usual."""
    client = _stand_in("kubernetes.client")
    try:
        with open(client.__file__, encoding="utf-8") as handle:
            found = _VERSION_LINE.search(handle.read())
    except (OSError, TypeError, ValueError):
        found = None
    if not found:  # pragma: no cover - no release so far lacks the line
        del sys.modules["kubernetes.client"]
        return importlib.import_module("kubernetes.client")
    client.__version__ = found.group(1)
    return client


def _install_parent():
    """Put the ``kubernetes`` package module in sys.modules without running its ``__init__.py`` (see the module
    docstring); does nothing when it is imported already. Raises ImportError when the package is missing."""
    with _LOCK:
        if "kubernetes" in sys.modules:
            return
        module = _stand_in("kubernetes")
        try:
            client = _client_package()
        except BaseException:
            sys.modules.pop("kubernetes.client", None)
            del sys.modules["kubernetes"]
            raise
        module.client = client
        module.__project__ = "kubernetes"
        if client.__dict__.get("__version__"):
            module.__version__ = client.__version__


class _Response:
    """What ``RESTClientObject.request`` returns from 37.0 on (``kubernetes.client.rest.RESTResponse``), over an
    unread urllib3 response: ``status``, ``reason``, ``response`` (the urllib3 response, for streams), ``read()``
    (the body, bytes), ``headers`` and ``getheader(name, default=None)``."""

    def __init__(self, response):
        self.response = response
        self.status = response.status
        self.reason = response.reason
        self.data = None

    def read(self) -> bytes:
        if self.data is None:
            self.data = self.response.data
        return self.data

    @property
    def headers(self):
        return self.response.headers

    def getheader(self, name, default=None):
        return self.response.headers.get(name, default)


def _current_rest_client(base):
    """``base`` (the package's RESTClientObject) when it has 37.0's request contract, else a subclass with it.

    Releases 29-36 (the older OpenAPI generator) take ``request(method, url, query_params, headers, body,
    post_params, _preload_content, _request_timeout)``, raise ApiException for every status outside 2xx, return a
    preloaded (in 29, decoded) body, and have no ``close()``; kube/client.py needs every answer back as it came (a
    404, a 409, a 401 to refresh on, a 3xx not to follow) and streams. The subclass keeps the package's pool manager
    (TLS, CA, client certificate, proxy and ``no_proxy``, ``retries``, ``tls_server_name``) and sends through it as
    37.0's ``request`` does: a JSON body (``json.dumps``), a timeout in seconds or (connect, read), unread answers,
    an SSL failure as ``ApiException(status=0)``."""
    code = base.request.__code__
    if "_preload_content" not in code.co_varnames[:code.co_argcount]:
        return base

    class RESTClientObject(base):  # pylint: disable=redefined-outer-name
        """The package's RESTClientObject with 37.0's ``request`` and ``close`` (see ``_current_rest_client``)."""

        def request(self, method, url, headers=None, body=None, _request_timeout=None):  # pylint: disable=W0221
            timeout = None
            if isinstance(_request_timeout, (int, float)) and _request_timeout:
                timeout = urllib3.Timeout(total=_request_timeout)
            elif isinstance(_request_timeout, tuple) and len(_request_timeout) == 2:
                timeout = urllib3.Timeout(connect=_request_timeout[0], read=_request_timeout[1])
            data = body if body is None or isinstance(body, (str, bytes)) else json.dumps(body)
            try:
                response = self.pool_manager.request(method.upper(), url, body=data, headers=headers or {},
                                                     timeout=timeout, preload_content=False)
            except urllib3.exceptions.SSLError as exc:
                raise ApiException(status=0, reason="%s\n%s" % (type(exc).__name__, exc)) from None
            return _Response(response)

        def close(self):
            self.pool_manager.clear()

    return RESTClientObject


def _api_key_name(configuration_class) -> str:
    """The ``Configuration.api_key`` entry that ``auth_settings()`` sends as the Authorization header:
    ``"BearerToken"`` from 36.0 on (which also honour the older name), ``"authorization"`` before."""
    probe = configuration_class()
    probe.api_key = {"BearerToken": "probe"}
    return "BearerToken" if probe.auth_settings() else "authorization"


try:  # The kubernetes package is a runtime requirement; keep the import error readable when it is missing.
    _install_parent()
    import urllib3  # a dependency of the package's rest.py; _current_rest_client's subclass sends through it
    Configuration = importlib.import_module("kubernetes.client.configuration").Configuration
    ApiException = importlib.import_module("kubernetes.client.exceptions").ApiException
    RESTClientObject = _current_rest_client(importlib.import_module("kubernetes.client.rest").RESTClientObject)
    API_KEY = _api_key_name(Configuration)
    VERSION = getattr(sys.modules["kubernetes.client"], "__version__", None)
    HAS_KUBERNETES = True
except ImportError:  # pragma: no cover - depends on the host
    HAS_KUBERNETES = False
    Configuration = RESTClientObject = VERSION = None
    API_KEY = "BearerToken"

    class ApiException(Exception):  # pylint: disable=function-redefined
        """Stand-in so ``except ApiException`` clauses stay valid without the package."""
