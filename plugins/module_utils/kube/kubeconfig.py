"""Reading kubeconfig files by client-go's loading rules (``tools/clientcmd``), without the ``kubernetes`` package.

What it does (client-go's ``ClientConfigLoadingRules.Load`` and ``DirectClientConfig``):

* Several files (``KUBECONFIG`` joined by ``:``) merge: files that do not exist are skipped; for ``clusters``,
  ``users`` and ``contexts`` the first file that defines a name wins, whole (a later file's entry of the same name
  is ignored, even its fields the first one lacks); ``current-context`` is the first non-empty one.
* Relative paths (``certificate-authority``, ``client-certificate``, ``client-key``, ``tokenFile``, an ``exec``
  command with a path separator) are resolved against the directory of the file that defined that cluster or user
  (``ResolveLocalPaths``); a kubeconfig given as data (a dict or YAML text) has no file, so they are taken as they
  are (relative to the working directory).
* The context is the one asked for, else ``current-context``; it names a cluster (required) and a user.

Where the ``kubernetes`` package's ``KubeConfigLoader``/``KubeConfigMerger`` differ, we follow client-go (what
kubectl and Helm do): its merge keeps the *last* file's ``current-context`` (client-go: the first), resolves a
user's client certificate against the *cluster's* file (client-go: the user's) and treats a context whose user is
not defined as having no user (client-go: ``user "x" was not found for context "y"``, an error here too).

Errors are :class:`KubeError` naming the file(s) (or "(given as data)") and the option at fault.
"""
from __future__ import annotations

import base64
import binascii
import os

from ..errors import KubeError
from ..yaml import aliases
from ..yaml.safe import SafeLoader

SECTIONS = ("clusters", "users", "contexts")
# option of a stanza -> the kind of path client-go resolves against the stanza's file (GetClusterFileReferences,
# GetAuthInfoFileReferences).
CLUSTER_PATHS = ("certificate-authority",)
USER_PATHS = ("client-certificate", "client-key", "tokenFile")


def is_content(text: str) -> bool:
    """True when ``text`` is kubeconfig content (YAML), not a path."""
    return "\n" in text or text.lstrip().startswith(("apiVersion", "{", "clusters", "kind:"))


def load_yaml(text):
    """A kubeconfig (text or an open file) parsed, with go-yaml's alias guards (yaml/aliases.py)."""
    if hasattr(text, "read"):
        text = text.read()
    return aliases.load(text, SafeLoader)


class Stanza:
    """One named cluster, user or context: ``name``, ``value`` (its inner dict), ``origin`` (the file that defined
    it, or None for data)."""

    def __init__(self, name, value, origin):
        self.name = name
        self.value = value if isinstance(value, dict) else {}
        self.origin = origin

    def get(self, key, default=None):
        """The stanza's ``key`` (None/default when unset)."""
        return self.value.get(key, default)

    def path(self, key):
        """The file named by ``key`` resolved as client-go does (against the stanza's file's directory), or None."""
        value = self.value.get(key)
        if not value:
            return None
        value = str(value)
        if self.origin and not os.path.isabs(value):
            value = os.path.join(os.path.dirname(os.path.abspath(self.origin)), value)
        return os.path.normpath(value)

    def base_directory(self):
        """The directory relative paths of this stanza are resolved against ('' for data)."""
        return os.path.dirname(os.path.abspath(self.origin)) if self.origin else ""


class Kubeconfig:
    """The merge of one or more kubeconfig documents: ``clusters``/``users``/``contexts`` ({name: Stanza}),
    ``current_context`` (str or None) and ``where`` (the files joined by ``:``, or ``"(given as data)"``)."""

    def __init__(self, where):
        self.where = where
        self.clusters = {}
        self.users = {}
        self.contexts = {}
        self.current_context = None

    def add(self, document, origin):
        """Merge ``document`` (a dict) read from ``origin``: names already defined are kept (first wins)."""
        label = origin or self.where
        for section in SECTIONS:
            entries = document.get(section) or []
            if not isinstance(entries, list):
                raise KubeError("kubeconfig %s: %s must be a list of {name: ..., %s: {...}}"
                                % (label, section, section[:-1]))
            found = getattr(self, section)
            for entry in entries:
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
                    raise KubeError("kubeconfig %s: every entry of %s needs a name" % (label, section))
                if entry["name"] not in found:
                    found[entry["name"]] = Stanza(entry["name"], entry.get(section[:-1]), origin)
        if not self.current_context and isinstance(document.get("current-context"), str):
            self.current_context = document["current-context"] or None


def kubeconfig_paths(kubeconfig=None, environ=None, default="~/.kube/config") -> list:
    """The kubeconfig files to read: ``kubeconfig``, else ``KUBECONFIG`` (``:``-joined), else ~/.kube/config."""
    environ = os.environ if environ is None else environ
    path = kubeconfig or environ.get("KUBECONFIG") or default
    return [os.path.expanduser(p) for p in str(path).split(os.pathsep) if p]


def read(kubeconfig, paths) -> Kubeconfig:
    """The merged :class:`Kubeconfig` of ``kubeconfig`` (a dict, or YAML text), else of the files ``paths`` (those
    that exist, in order). Raises KubeError (not a mapping, no file, malformed sections) or yaml.YAMLError."""
    if isinstance(kubeconfig, dict) or (isinstance(kubeconfig, str) and is_content(kubeconfig)):
        document = kubeconfig if isinstance(kubeconfig, dict) else load_yaml(kubeconfig)
        if not isinstance(document, dict):
            raise KubeError("kubeconfig: the given text is not a kubeconfig (expected a YAML mapping)")
        merged = Kubeconfig("(given as data)")
        merged.add(document, None)
        return merged
    merged = Kubeconfig(os.pathsep.join(paths))
    loaded = False
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, "rb") as handle:
            document = load_yaml(handle)
        if document is None:
            continue  # client-go: an empty file is an empty config
        if not isinstance(document, dict):
            raise KubeError("kubeconfig file %s is not a kubeconfig (expected a YAML mapping)" % path)
        merged.add(document, path)
        loaded = True
    if not loaded:
        raise KubeError("kubeconfig file %s holds no configuration" % merged.where)
    return merged


class Selection:
    """What a context selects: ``context`` (name), ``namespace``, ``cluster`` (Stanza), ``user`` (Stanza or None),
    ``user_name`` (str or None) and ``where`` (the kubeconfig, for messages)."""

    def __init__(self, merged, context):
        self.where = merged.where
        self.context = context
        stanza = merged.contexts[context]
        self.namespace = stanza.get("namespace") or None
        cluster_name = stanza.get("cluster")
        if not cluster_name:
            raise KubeError("kubeconfig %s: context %r names no cluster; set its context.cluster to one of: %s"
                            % (self.where, context, ", ".join(sorted(merged.clusters)) or "none"))
        if cluster_name not in merged.clusters:
            raise KubeError("kubeconfig %s: cluster %r was not found for context %r; its clusters are: %s"
                            % (self.where, cluster_name, context, ", ".join(sorted(merged.clusters)) or "none"))
        self.cluster = merged.clusters[cluster_name]
        self.user_name = stanza.get("user") or None
        if self.user_name and self.user_name not in merged.users:
            raise KubeError("kubeconfig %s: user %r was not found for context %r; its users are: %s"
                            % (self.where, self.user_name, context, ", ".join(sorted(merged.users)) or "none"))
        self.user = merged.users.get(self.user_name) if self.user_name else None


def select(merged: Kubeconfig, context=None) -> Selection:
    """The :class:`Selection` of context ``context`` (else the current-context). Raises KubeError naming the file
    and the contexts there are when it is missing, or when its cluster or user is not defined."""
    name = context or merged.current_context
    names = ", ".join(sorted(merged.contexts)) or "none"
    if not name:
        raise KubeError("kubeconfig %s sets no current-context and no context was given; its contexts are: %s. Set "
                        "context (or K8S_AUTH_CONTEXT) to one of them" % (merged.where, names))
    if name not in merged.contexts:
        if context:
            raise KubeError("kubeconfig %s has no context %r; its contexts are: %s. Set context to one of them, or "
                            "leave it unset for the kubeconfig's current-context" % (merged.where, context, names))
        raise KubeError("kubeconfig %s: its current-context %r is not one of its contexts (%s). Set context to one "
                        "of them, or fix current-context" % (merged.where, name, names))
    return Selection(merged, name)


def file_or_data(stanza: Stanza, key: str, write, what: str):
    """The file for option ``key`` of ``stanza``: ``<key>-data`` (base64) when set, written with ``write(bytes)``
    (a private temporary file; returns its path), else the file ``key`` resolved against the stanza's file. None
    when neither is set. Raises KubeError naming the stanza and option (bad base64, file not found)."""
    data = stanza.get(key + "-data")
    if data:
        try:
            raw = base64.b64decode(str(data), validate=False)
        except (binascii.Error, ValueError):
            raise KubeError("kubeconfig %s %r: %s-data is not valid base64" % (what, stanza.name, key)) from None
        return write(raw)
    path = stanza.path(key)
    if path and not os.path.isfile(path):
        raise KubeError("kubeconfig %s %r: %s file %s not found%s" % (
            what, stanza.name, key, path, " (relative paths are resolved against %s)" % stanza.origin
            if stanza.origin and not os.path.isabs(str(stanza.get(key))) else ""))
    return path


__all__ = ["Kubeconfig", "Selection", "Stanza", "file_or_data", "is_content", "kubeconfig_paths", "load_yaml",
           "read", "select"]
