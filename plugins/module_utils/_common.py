"""Ansible glue shared by helmkit.core's modules.

This is the only module_utils file that imports Ansible. Below it, the engine is plain Python.
"""
from __future__ import annotations

import re
import traceback

# First: in an AnsiballZ run, importing it caches module_utils' compiled code across runs (see _bytecache.py).
from . import _bytecache  # noqa: F401  pylint: disable=unused-import
from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: F401  pylint: disable=unused-import

from .errors import HelmkitError
from .libraries import MissingLibraryError
from .report import routed
from .transport import url_secrets
from .args_common import (  # noqa: F401  pylint: disable=unused-import
    BINARY_PATH_ARG_SPEC, CHART_SOURCE_ARG_SPEC, CHART_VALUES_ARG_SPEC, HELM_PLUGINS_ARG_SPEC, KUBE_AUTH_ARG_SPEC, KUBE_AUTH_UNUSED_ARG_SPEC,
    REGISTRY_ARG_SPEC, REPO_AUTH_ARG_SPEC)

_INSECURE_OPTIONS = ("insecure_skip_tls_verify", "insecure")


def _warn_insecure(module) -> None:
    """One warning per task when an option turns TLS certificate verification off (it is on by default)."""
    names = [name for name in _INSECURE_OPTIONS if (module.params or {}).get(name) is True]
    if names:
        module.warn("TLS certificate verification is turned off (%s=true): the server's identity is not checked, "
                    "so credentials and charts can be intercepted. Give its CA with ca_file instead." % names[0])


def run_module(module, action):
    """Run ``action(module) -> dict`` and exit the module with its result.

    What the domain reports (``report.py``: undecodable release records, drift, a missing provenance file, the OCI
    layer's log lines with secrets masked) becomes the task's warnings (``module.warn``) or debug output
    (``module.debug``): one channel. A :class:`HelmkitError` fails the task with its message only. A Python package
    that is not installed (:class:`MissingLibraryError`, see ``libraries.py``) fails it with Ansible's ``missing_required_lib`` message and
    the ImportError's traceback in ``exception``. Any other exception is a bug in helmkit: the task fails with a
    short message, and the traceback goes to ``exception`` (shown with -vvv), never to the message. A
    HelmkitError's ``result`` dict (a failure after a write: ``changed``, ``status``) joins the failed result.
    """
    _warn_insecure(module)
    no_log_values = getattr(module, "no_log_values", None)
    if no_log_values is not None:  # a token in a repository URL's userinfo (https://TOKEN@host/) is a secret too
        no_log_values.update(url_secrets([value for value in (module.params or {}).values() if isinstance(value, str)]))
    try:
        with routed(lambda text: module.warn(valid_text(text)), getattr(module, "debug", None)):
            result = action(module)
    except MissingLibraryError as exc:
        module.fail_json(msg="%s (%s)" % (missing_required_lib(exc.package), exc.reason), exception=exc.import_traceback)
    except HelmkitError as exc:  # an error after a write carries changed/status in ``result`` (ReleaseFailedError)
        module.fail_json(msg=valid_text(str(exc)), **valid_text(getattr(exc, "result", None) or {}))
    except Exception as exc:  # pragma: no cover - a bug; keep the traceback out of the message
        module.fail_json(msg="helmkit internal error: %s: %s" % (type(exc).__name__, valid_text(str(exc))),
                         exception=traceback.format_exc())
    module.exit_json(**valid_text(result))


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(value):
    """``value`` (str, or dicts/lists/tuples of them) with every surrogate escape replaced by U+FFFD.

    Rendered text holds an invalid UTF-8 byte (``{{ "héllo" | trunc 2 }}``, ``b64dec``) as a surrogate escape;
    module results are JSON for the controller, so such bytes become U+FFFD as Go's encoding/json writes them.
    Other values are returned unchanged.
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) is not None else value
    if isinstance(value, dict):
        return {key: valid_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [valid_text(item) for item in value]
    return value
