"""Kubeconfig users with an ``auth-provider`` (oidc, and the removed gcp/azure providers): loaded by the
``kubernetes`` package's ``KubeConfigLoader``, which refreshes OIDC tokens (and writes them back with
``persist_config``).

Only these users need ``kubernetes.config`` (oauthlib, requests, the pydantic ApiClient: about 0.1 s of imports),
so kube/config.py imports this module only for them; every other user is read by kube/kubeconfig.py. The loader
keeps ``tokenFile``, ``exec`` and username/password users to kube/credentials.py (re-read, refreshed, clear errors)
in case an auth-provider entry leaves the token to them.
"""
from __future__ import annotations

import os

from ..errors import KubeError
from .credentials import Credential, ExecCredential, FileToken, basic_credential
from .kubeconfig import is_content, kubeconfig_paths, load_yaml
from .k8s_lite import HAS_KUBERNETES

if HAS_KUBERNETES:
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger
else:  # pragma: no cover - depends on the host
    KubeConfigLoader = object

    class ConfigException(Exception):  # pylint: disable=function-redefined
        """Stand-in when the package is missing (never raised)."""


class _Loader(KubeConfigLoader):
    """The package's KubeConfigLoader, with ``tokenFile``, ``exec`` and basic users left to kube/credentials.py."""

    credential = None
    exec_cert = None

    def _load_user_token(self):
        if "tokenFile" in self._user and not self._user.safe_get("token"):
            path = os.path.join(self._get_base_path(self._user.path), self._user["tokenFile"])
            self.credential = FileToken(path, "the tokenFile of kubeconfig user %r" % self.user_name())
            return True
        found = super()._load_user_token()
        if found:
            self.credential = Credential(self.token.split(" ", 1)[1], "kubeconfig user %r" % self.user_name())
        return found

    def _load_from_exec_plugin(self):
        if "exec" not in self._user:
            return None
        spec = self._user["exec"].value
        self.credential = ExecCredential(spec if isinstance(spec, dict) else {}, self.user_name(),
                                         self._get_base_path(self._user.path))
        self.exec_cert = self.credential.start()
        return True

    def _load_user_pass_token(self):
        if "username" in self._user and "password" in self._user:
            self.credential = basic_credential(self._user["username"], self._user["password"],
                                               "kubeconfig user %r" % self.user_name())
            return True
        return None

    def user_name(self) -> str:
        """The name of the context's user ('?' when it names none)."""
        return self._current_context["context"].safe_get("user") or "?"


def load(kubeconfig, context, persist, configuration):
    """Load ``kubeconfig`` (a path, ``:``-joined paths, a dict or YAML text) into ``configuration`` (a
    kubernetes.client.Configuration) with the package's loader; returns the loaded ``_Loader`` (``credential``,
    ``exec_cert``, ``user_name()``). Raises KubeError for the package's ConfigException."""
    try:
        if isinstance(kubeconfig, dict):
            loader = _Loader(config_dict=kubeconfig, active_context=context, config_base_path=None)
        elif isinstance(kubeconfig, str) and is_content(kubeconfig):
            loader = _Loader(config_dict=load_yaml(kubeconfig), active_context=context, config_base_path=None)
        else:
            merger = KubeConfigMerger(os.pathsep.join(kubeconfig_paths(kubeconfig)))
            if merger.config is None:
                raise KubeError("kubeconfig file %s holds no configuration" % os.pathsep.join(
                    kubeconfig_paths(kubeconfig)))
            loader = _Loader(config_dict=merger.config, active_context=context, config_base_path=None,
                             config_persister=merger.save_changes if persist else None)
        loader.load_and_set(configuration)
    except ConfigException as exc:
        raise KubeError("invalid kubeconfig%s: %s" % (" (context %r)" % context if context else "", exc)) from None
    return loader
