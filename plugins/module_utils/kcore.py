"""kubernetes.core compatibility: kubernetes.core 6.x's option names, defaults and return keys for the Helm modules,
translated to and from the native modules' task layer (``release_task.py``, ``release/query.py``,
``registry_task.py``). Plain Python, no Ansible import: the modules ``helm``, ``helm_info`` and
``helm_registry_auth`` only declare these specs and call these functions.

What lives here is translation only (names, defaults, the equivalent ``helm`` command line, Helm's printed text);
every behaviour stays in the native code path.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import shlex
import shutil
import tempfile

from .args_common import BINARY_PATH_ARG_SPEC, KUBE_AUTH_CHART_ARG_SPEC
from .errors import HelmkitError
from .repo.config import entry_http_options, helm_paths, load_repository_file
from .repo.index import update_index_cache
from .yaml.load import load_values

# kubernetes.core's doc fragment helm_common_options: binary_path plus the connection options, which are the native
# modules' (args_common.KUBE_AUTH_CHART_ARG_SPEC, the same names and meaning) so that they resolve through the one
# path of kube/config.py (options, K8S_AUTH_*, HELM_KUBE*, kubeconfig). kubeconfig also takes kubernetes.core's
# alias kubeconfig_path. validate_certs stays unset when not given: kubernetes.core documents a default of true but
# only acts on false (its module_utils/helm.py), so an unset option lets the kubeconfig's insecure-skip-tls-verify
# stand, as there.
KCORE_CONNECTION = ("kubeconfig", "context", "host", "api_key", "ca_cert", "validate_certs")
COMMON_ARG_SPEC = dict((name, dict(KUBE_AUTH_CHART_ARG_SPEC[name])) for name in KCORE_CONNECTION)
COMMON_ARG_SPEC["kubeconfig"]["aliases"] = ["kubeconfig_path"]
COMMON_ARG_SPEC.update(BINARY_PATH_ARG_SPEC)

# kubernetes.core.helm's own options (kubernetes.core 6.x), with its defaults.
HELM_ARG_SPEC = dict(
    chart_ref=dict(type="path"),
    chart_repo_url=dict(type="str"),
    chart_version=dict(type="str"),
    dependency_update=dict(type="bool", default=False, aliases=["dep_up"]),
    release_name=dict(type="str", required=True, aliases=["name"]),
    release_namespace=dict(type="str", required=True, aliases=["namespace"]),
    release_state=dict(type="str", default="present", choices=["present", "absent"], aliases=["state"]),
    release_values=dict(type="dict", default={}, aliases=["values"]),
    values_files=dict(type="list", default=[], elements="str"),
    update_repo_cache=dict(type="bool", default=False),
    set_values=dict(type="list", elements="dict", options=dict(
        value=dict(type="str", required=True),
        value_type=dict(type="str", default="raw", choices=["raw", "string", "json", "file", "literal"]))),
    disable_hook=dict(type="bool", default=False),
    force=dict(type="bool", default=False),
    purge=dict(type="bool", default=True),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="str"),
    timeout=dict(type="str"),
    atomic=dict(type="bool", default=False),
    create_namespace=dict(type="bool", default=False),
    post_renderer=dict(type="str"),
    replace=dict(type="bool", default=False),
    skip_crds=dict(type="bool", default=False),
    history_max=dict(type="int"),
    reuse_values=dict(type="bool"),
    reset_values=dict(type="bool", default=True),
    reset_then_reuse_values=dict(type="bool", default=False),
    take_ownership=dict(type="bool", default=False),
    skip_schema_validation=dict(type="bool", default=False),
    server_side=dict(type="str", default="auto", choices=["auto", "true", "false"]),
    insecure_skip_tls_verify=dict(type="bool", default=False, aliases=["skip_tls_certs_check"]),
    plain_http=dict(type="bool", default=False),
)

HELM_INFO_STATES = ["all", "deployed", "failed", "pending", "superseded", "uninstalled", "uninstalling"]

HELM_INFO_ARG_SPEC = dict(
    release_name=dict(type="str", required=True, aliases=["name"]),
    release_namespace=dict(type="str", required=True, aliases=["namespace"]),
    release_state=dict(type="list", default=[], elements="str", choices=HELM_INFO_STATES),
    get_all_values=dict(type="bool", default=False),
)

REGISTRY_AUTH_ARG_SPEC = dict(
    BINARY_PATH_ARG_SPEC,
    host=dict(type="str", required=True, aliases=["registry_url"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    username=dict(type="str", aliases=["repo_username"]),
    password=dict(type="str", no_log=True, aliases=["repo_password"]),
    key_file=dict(type="path"),
    cert_file=dict(type="path"),
    ca_file=dict(type="path"),
    insecure=dict(type="bool", default=False),
    plain_http=dict(type="bool", default=False),
    registry_config=dict(type="path"),
)

BINARY_PATH_WARNING = ("binary_path is ignored: helmkit.core runs no helm binary (the release is rendered and applied "
                       "in Python)")
WAIT_TIMEOUT_DEPRECATION = "wait_timeout is deprecated (as in kubernetes.core): use timeout instead"
NO_DEPENDENCIES_WARNING = ("There is no dependencies block defined in Chart.yaml. Dependency update will not be "
                           "performed. Please consider add dependencies block or disable dependency_update to "
                           "remove this warning.")
MASK = "********"


def warn_binary_path(params: dict, warn) -> None:
    """The one treatment of kubernetes.core's ``binary_path`` (args_common.BINARY_PATH_ARG_SPEC): when ``params``
    set it, ``warn(text)`` reports :data:`BINARY_PATH_WARNING`; nothing else reads it."""
    if params.get("binary_path"):
        warn(BINARY_PATH_WARNING)


# -- connection ------------------------------------------------------------------------------------------------------

def connection_options(params: dict) -> dict:
    """The native connection options (args_common.KUBE_AUTH_CHART_ARG_SPEC's names) for an adapter's ``params``:
    kubernetes.core's six are passed as they are, the others unset; ``KubeClient.from_options`` resolves them
    (kube/config.py), with the ``K8S_AUTH_*`` and ``HELM_KUBE*`` variables and the kubeconfig behind them."""
    return dict((name, params.get(name) if name in KCORE_CONNECTION else None) for name in KUBE_AUTH_CHART_ARG_SPEC)


# -- helm ------------------------------------------------------------------------------------------------------------

def values_mode(params: dict) -> dict:
    """Native values-mode flags from kubernetes.core's: ``reset_values`` (default true) wins over ``reuse_values``,
    which wins over ``reset_then_reuse_values``, as Helm resolves ``--reset-values --reuse-values`` and as
    kubernetes.core documents ("ignored when reset_values is true")."""
    if params.get("reset_values"):
        return {"reset_values": True, "reuse_values": False, "reset_then_reuse_values": False}
    if params.get("reuse_values"):
        return {"reset_values": False, "reuse_values": True, "reset_then_reuse_values": False}
    return {"reset_values": False, "reuse_values": False,
            "reset_then_reuse_values": bool(params.get("reset_then_reuse_values"))}


# kubernetes.core.helm option -> helm_release option of the same meaning (values copied as they are).
HELM_RENAMES = {
    "release_name": "release_name", "release_namespace": "release_namespace", "release_state": "state",
    "chart_ref": "chart_ref", "chart_repo_url": "chart_repo_url", "chart_version": "chart_version",
    "dependency_update": "dependency_update", "release_values": "release_values", "values_files": "values_files",
    "set_values": "set_values", "disable_hook": "disable_hooks", "wait": "wait", "atomic": "atomic",
    "create_namespace": "create_namespace", "skip_crds": "skip_crds", "take_ownership": "take_ownership",
    "skip_schema_validation": "skip_schema_validation",
    "kubeconfig": "kubeconfig", "context": "context", "host": "host", "api_key": "api_key", "ca_cert": "ca_cert",
}

# kubernetes.core.helm options translated by code (release_params below), with what they become: the migration
# document's tables print these texts.
HELM_TRANSLATED = {
    "purge": "keep_history (inverted: purge=false is keep_history=true)",
    "timeout": "timeout (Helm's 5m0s when not given)",
    "wait_timeout": "timeout, when timeout is not given; deprecation warning",
    "history_max": "max_history (Helm's 10 when not given)",
    "reset_values": "the values mode (reset wins over reuse, as Helm does)",
    "reuse_values": "the values mode (ignored when reset_values is true)",
    "reset_then_reuse_values": "the values mode (ignored when reset_values or reuse_values is true)",
    "post_renderer": "post_renderer.binary_path",
    "force": "force_replace (Helm v4's --force-replace: existing objects replaced whole, client-side apply only)",
    "server_side": "server_side (Helm v4's --server-side; false, or auto on a client-side release: client-side "
                   "apply; true on a client-side release: managed fields migrated)",
    "validate_certs": "validate_certs; unset when not given, so the kubeconfig's insecure-skip-tls-verify stands "
                      "(kubernetes.core acts only on false)",
    "binary_path": "ignored; warning",
    "replace": "accepted; an uninstalled release's name is reused anyway",
    "update_repo_cache": "helm repo update of every repository first",
    "insecure_skip_tls_verify": "chart source option, passed by name",
    "plain_http": "chart source option, passed by name",
}


def release_params(params: dict, native_defaults: dict, warn) -> dict:
    """helm_release's ``params`` for kubernetes.core.helm's ``params`` (both dicts): :data:`HELM_RENAMES` copied,
    :data:`HELM_TRANSLATED` translated. ``native_defaults`` are helm_release's defaults
    (``release_task.release_defaults()``); ``warn(text)`` reports a warning. ``force`` and ``server_side`` become
    the release options ``force_replace`` and ``server_side`` (Helm v4's flags, ``release/actions.py``)."""
    warn_binary_path(params, warn)
    out = dict(native_defaults)
    out.update({native: params.get(name) for name, native in HELM_RENAMES.items()})
    out.update(connection_options(params))
    out["release_values"] = out["release_values"] or {}
    out["values_files"] = out["values_files"] or []
    out.update(keep_history=not params.get("purge", True), force_replace=bool(params.get("force")),
               server_side=params.get("server_side") or "auto",
               post_renderer={"binary_path": params["post_renderer"], "args": [], "timeout": 60}
               if params.get("post_renderer") else None)
    timeout = params.get("timeout")
    if timeout is None:
        timeout = params.get("wait_timeout")
    if timeout is not None:
        out["timeout"] = timeout
    if params.get("history_max") is not None:
        out["max_history"] = params["history_max"]
    out.update(values_mode(params))
    # chart-source options the native modules take on another branch (CHART_SOURCE_ARG_SPEC): passed by name
    for name in ("insecure_skip_tls_verify", "plain_http"):
        out[name] = params.get(name)
    ref = params.get("chart_ref") or ""
    if ref.startswith("oci://") and is_localhost(ref):  # Helm 3's resolver speaks plain HTTP to localhost
        out["plain_http"] = True
    return out


def _quote(value) -> str:
    return shlex.quote(str(value))


_SET_FLAGS = {"raw": "--set", "string": "--set-string", "json": "--set-json", "file": "--set-file",
              "literal": "--set-literal"}


def _values_words(values_files, inline_values, set_values) -> list:
    """The values flags of the equivalent helm command line (list of str): ``--values=FILE`` per values file,
    ``--values=<release_values>`` standing for inline values (never printed), then each ``set_values`` item as
    ``--set``/``--set-string``/``--set-json``/``--set-file``/``--set-literal`` by its ``value_type``."""
    words = ["--values=%s" % _quote(path) for path in values_files or []]
    if inline_values:
        words.append("--values=<release_values>")
    for item in set_values or []:
        words.append("%s %s" % (_SET_FLAGS[item.get("value_type") or "raw"], _quote(item["value"])))
    return words


def helm_command(params: dict) -> str:
    """The ``helm`` command line kubernetes.core.helm would run for ``params``, for reference (``command``).
    Values given inline are shown as a values file, ``--set`` values as given (secrets among them are masked by the
    module's no_log values), and the API token as ``********``."""
    words = ["helm"]
    if params.get("release_state") == "absent":
        words += ["uninstall", "--namespace=%s" % params["release_namespace"]]
        if not params.get("purge", True):
            words.append("--keep-history")
        if params.get("disable_hook"):
            words.append("--no-hooks")
        if params.get("wait"):
            words.append("--wait")
        return " ".join(words + [_quote(params["release_name"])])
    words += ["install" if params.get("replace") else "upgrade", "--namespace=%s" % params["release_namespace"]]
    if not params.get("replace"):
        words.append("-i")
        if params.get("reset_values"):
            words.append("--reset-values")
        elif params.get("reuse_values"):
            words.append("--reuse-values")
        elif params.get("reset_then_reuse_values"):
            words.append("--reset-then-reuse-values")
    flags = (("create_namespace", "--create-namespace"), ("dependency_update", "--dependency-update"),
             ("wait", "--wait"), ("atomic", "--atomic"), ("force", "--force-replace"), ("replace", "--replace"),
             ("disable_hook", "--no-hooks"), ("skip_crds", "--skip-crds"), ("take_ownership", "--take-ownership"),
             ("skip_schema_validation", "--skip-schema-validation"),
             ("insecure_skip_tls_verify", "--insecure-skip-tls-verify"), ("plain_http", "--plain-http"))
    words += [flag for name, flag in flags if params.get(name)]
    timeout = params.get("timeout") or params.get("wait_timeout")
    if timeout:
        words.append("--timeout=%s" % _quote(timeout))
    if params.get("server_side") in ("true", "false"):
        words.append("--server-side=%s" % params["server_side"])
    for name, flag in (("chart_version", "--version"), ("chart_repo_url", "--repo"),
                       ("post_renderer", "--post-renderer"), ("history_max", "--history-max")):
        if params.get(name) is not None:
            words.append("%s=%s" % (flag, _quote(params[name])))
    words += _values_words(params.get("values_files"), params.get("release_values"), params.get("set_values"))
    words += [_quote(params["release_name"]), _quote(params.get("chart_ref") or "")]
    return " ".join(words)


def _ansic(rfc3339: str) -> str:
    """Go's ``time.ANSIC`` layout of an RFC 3339 time, as ``helm status`` prints LAST DEPLOYED (local time)."""
    try:
        moment = datetime.datetime.strptime((rfc3339 or "")[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return rfc3339 or ""
    local = moment.replace(tzinfo=datetime.timezone.utc).astimezone()
    return "%s %2d %s" % (local.strftime("%a %b"), local.day, local.strftime("%H:%M:%S %Y"))


def helm_stdout(output: dict, params: dict, installed: bool) -> str:
    """The text ``helm upgrade -i`` / ``helm uninstall`` prints for this result (``stdout``); "" when nothing was
    done (kubernetes.core runs no install when the release is up to date)."""
    status = output.get("status") or {}
    name = params["release_name"]
    if params.get("release_state") == "absent":
        return 'release "%s" uninstalled\n' % name if output.get("changed") else ""
    if not output.get("changed") or not status:
        return ""
    if installed:
        head = 'Release "%s" does not exist. Installing it now.\n' % name
    else:
        head = 'Release "%s" has been upgraded. Happy Helming!\n' % name
    lines = [head + "NAME: %s" % name, "LAST DEPLOYED: %s" % _ansic(status.get("updated")),
             "NAMESPACE: %s" % status.get("namespace"), "STATUS: %s" % status.get("status"),
             "REVISION: %s" % status.get("revision"), "DESCRIPTION: %s" % status.get("description"),
             "TEST SUITE: None"]
    notes = output.get("notes")
    if notes:
        lines += ["NOTES:", notes.rstrip("\n")]
    return "\n".join(lines) + "\n"


def status_compat(status: dict, values) -> dict:
    """kubernetes.core's ``status`` (``helm list`` fields plus ``values``) from the native summary: adds
    ``appversion`` beside ``app_version`` and the release's user-supplied ``values``."""
    out = dict(status)
    out["appversion"] = status.get("app_version", "")
    out["values"] = values if values is not None else {}
    return out


def update_repositories(timeout: int = 120) -> list:
    """``helm repo update``: download the index of every repository of Helm's repositories.yaml into Helm's
    repository cache (kubernetes.core's ``update_repo_cache``). Returns the names updated; raises
    :class:`~.errors.RepositoryError` naming the repository that failed."""
    paths = helm_paths()
    names = []
    for entry in load_repository_file(paths.repository_config).repositories:
        update_index_cache(paths.repository_cache, entry.name, entry.url, **entry_http_options(entry, timeout))
        names.append(entry.name)
    return names


def has_dependencies(chart_ref: str) -> bool:
    """True when the local chart directory ``chart_ref`` declares dependencies (Chart.yaml, or requirements.yaml
    for apiVersion v1 charts); True for anything that is not a local directory (nothing to warn about)."""
    path = os.path.expanduser(chart_ref or "")
    if not os.path.isdir(path):
        return True
    for name in ("Chart.yaml", "requirements.yaml"):
        try:
            with open(os.path.join(path, name), "rb") as handle:
                data = load_values(handle.read(), source=name) or {}
        except (OSError, HelmkitError):
            continue
        if data.get("dependencies"):
            return True
    return False


@contextlib.contextmanager
def prepared_chart(chart_ref: str, repo_url, dependency_update: bool, check_mode: bool, warn):
    """Context manager giving the chart reference to load: with ``dependency_update`` on a local chart directory,
    the directory after ``helm dependency update`` (a temporary copy in check mode, removed on exit;
    ``source/deps/manager.py``); a chart without dependencies gets kubernetes.core's warning instead."""
    local = os.path.expanduser(chart_ref or "")
    if repo_url or not dependency_update or not os.path.isdir(local):
        yield chart_ref
        return
    if not has_dependencies(local):
        warn(NO_DEPENDENCIES_WARNING)
        yield chart_ref
        return
    from .source.deps.manager import prepare_chart_directory  # deferred: speed: only dependency_update loads it
    scratch = tempfile.mkdtemp(prefix="helmkit-template-deps-") if check_mode else None
    try:
        path, _result = prepare_chart_directory(local, True, check_mode=check_mode, scratch=scratch)
        yield path
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def template_command(params: dict) -> str:
    """The ``helm template`` command line for helm_template's ``params``, for reference (``command``)."""
    words = ["helm", "template", _quote(params.get("release_name") or "release-name"),
             _quote(params.get("chart_ref") or ""), "--namespace=%s" % _quote(params.get("release_namespace"))]
    for name, flag in (("chart_version", "--version"), ("chart_repo_url", "--repo"),
                       ("output_dir", "--output-dir"), ("kube_version", "--kube-version")):
        if params.get(name):
            words.append("%s=%s" % (flag, _quote(params[name])))
    flags = (("include_crds", "--include-crds"), ("skip_tests", "--skip-tests"), ("disable_hook", "--no-hooks"),
             ("dependency_update", "--dependency-update"), ("is_upgrade", "--is-upgrade"),
             ("insecure_skip_tls_verify", "--insecure-skip-tls-verify"), ("plain_http", "--plain-http"))
    words += [flag for name, flag in flags if params.get(name)]
    words += ["--show-only=%s" % _quote(item) for item in params.get("show_only") or []]
    words += ["--api-versions=%s" % _quote(item) for item in params.get("api_versions") or []]
    words += _values_words(params.get("values_files"), params.get("values"), params.get("set_values"))
    return " ".join(words)


# -- helm_info -------------------------------------------------------------------------------------------------------

def info_statuses(states: list) -> list:
    """Native status filter for kubernetes.core.helm_info's ``release_state``: ``all`` is every status,
    ``pending`` the three pending ones, none at all ``helm list``'s default (deployed and failed)."""
    states = list(states or [])
    if not states:
        return ["deployed", "failed"]
    if "all" in states:
        return []
    out = []
    for state in states:
        out += ["pending-install", "pending-upgrade", "pending-rollback"] if state == "pending" else [state]
    return out


def info_status(data: dict) -> dict:
    """kubernetes.core.helm_info's ``status`` from ``release/query.py``'s release data."""
    keys = ("name", "namespace", "revision", "status", "chart", "app_version", "updated", "description", "values",
            "manifest", "notes", "hooks")
    out = {key: data.get(key) for key in keys}
    out["appversion"] = data.get("app_version", "")
    return out


# -- helm_registry_auth ----------------------------------------------------------------------------------------------

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_localhost(host: str) -> bool:
    """True for a registry on the local host (``localhost[:port]``, ``127.0.0.1[:port]``, ``[::1][:port]``), which
    Helm 3's resolver (containerd's ``docker.MatchLocalhost``) speaks to over plain HTTP."""
    text = (host or "").split("://", 1)[-1].split("/", 1)[0]
    if text.startswith("["):
        name = text[:text.find("]") + 1]
    else:
        name = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    return name.lower() in _LOCAL_HOSTS


def registry_params(params: dict, warn) -> dict:
    """``registry_task.registry_login``'s params for kubernetes.core.helm_registry_auth's; a registry on localhost
    gets plain HTTP (see :func:`is_localhost`)."""
    warn_binary_path(params, warn)
    out = dict(params)
    out["plain_http"] = bool(params.get("plain_http")) or is_localhost(params["host"])
    return out


def registry_command(params: dict) -> str:
    """The ``helm registry login``/``logout`` command line kubernetes.core would run, password masked."""
    if params.get("state") == "absent":
        return "helm registry logout %s" % _quote(params["host"])
    words = ["helm", "registry", "login", _quote(params["host"])]
    if params.get("username"):
        words.append("--username=%s" % _quote(params["username"]))
    if params.get("password"):
        words.append("--password-stdin")
    for name, flag in (("cert_file", "--cert-file"), ("key_file", "--key-file"), ("ca_file", "--ca-file")):
        if params.get(name):
            words.append("%s=%s" % (flag, _quote(params[name])))
    if params.get("insecure"):
        words.append("--insecure")
    if params.get("plain_http"):
        words.append("--plain-http")
    return " ".join(words)


# What the options of helm_info and helm_registry_auth become (the migration document's tables print these texts).
HELM_INFO_TRANSLATED = {
    "release_name": "release_name", "release_namespace": "release_namespace (one namespace)",
    "release_state": "status (all: any status; pending: the three pending-* statuses; none: deployed or failed)",
    "get_all_values": "all_values", "kubeconfig": "kubeconfig", "context": "context", "host": "host",
    "api_key": "api_key", "ca_cert": "ca_cert", "validate_certs": HELM_TRANSLATED["validate_certs"],
    "binary_path": HELM_TRANSLATED["binary_path"],
}

REGISTRY_AUTH_TRANSLATED = {
    "host": "host", "state": "state", "username": "username", "password": "password", "key_file": "key_file",
    "cert_file": "cert_file", "ca_file": "ca_file", "insecure": "insecure",
    "plain_http": "plain_http (always for a registry on localhost, as Helm 3's resolver)",
    "registry_config": "registry_config", "binary_path": HELM_TRANSLATED["binary_path"],
}
