"""Task glue of ``helm_registry_login`` and of the kubernetes.core-compatible ``helm_registry_auth``: log in to or
out of an OCI registry from a module's params (``oci/credentials.py``, ``oci/client.py``)."""
from __future__ import annotations

from .errors import HelmkitError
from .oci import credentials as creds
from .oci.client import RegistryClient


def registry_login(params: dict, check_mode: bool) -> dict:
    """``helm registry login`` / ``logout`` for ``params`` (host, state, username, password, registry_config,
    insecure, plain_http, ca_file, cert_file, key_file). Returns ``{changed, registry_config, host}``. Logging in
    checks the credentials against the registry first. Raises :class:`HelmkitError` (missing credentials, a
    registry that refuses them)."""
    host = creds.normalize_host(params["host"])
    path = params.get("registry_config") or creds.helm_registry_config_path()
    result = dict(changed=False, registry_config=path, host=host)
    if params.get("state", "present") == "absent":
        result["changed"] = creds.remove_login(path, host, check_mode=check_mode)
        return result
    if not params.get("username") or not params.get("password"):
        raise HelmkitError("state=present needs username and password")
    credential = creds.Credential(params["username"], params["password"], source="the username/password options")
    with RegistryClient(host, credential, plain_http=params.get("plain_http"),
                        insecure_skip_tls_verify=params.get("insecure"), ca_file=params.get("ca_file"),
                        cert_file=params.get("cert_file"), key_file=params.get("key_file")) as client:
        client.ping()
    result["changed"] = creds.write_login(path, host, params["username"], params["password"], check_mode=check_mode)
    return result
