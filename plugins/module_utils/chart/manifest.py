"""Rendered templates -> manifests and hooks, as Helm v4's pkg/release/v1/util does it.

* :func:`split_manifests` is ``SplitManifests``: documents separated by ``---`` (regex ``(?:^|\\s*\\n)---\\s*``),
  leading whitespace trimmed, empty documents dropped; a document keeps its trailing newline only when it is last.
* :func:`sort_manifests` is ``SortManifests``: files in path order, partials and blank files skipped, each document's
  head (apiVersion, kind, metadata.name/annotations) parsed; documents with a ``helm.sh/hook`` annotation become
  :class:`Hook` records (unknown hook events skip the document), the rest :class:`Manifest` records; both are then
  stably sorted by kind in ``INSTALL_ORDER`` (unknown kinds last, alphabetically).
* :func:`build_manifest` joins manifests as the release stores them: ``"---\\n# Source: <path>\\n<content>\\n"``.
"""
from __future__ import annotations

import re

from ..gocompat.strconv import format_float
from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import ChartError
from ..yaml import aliases
from ..yaml.errors import go_yaml_error_text, utf8_problem as _utf8_problem
from ..yaml.load import GoYamlLoader

HOOK_ANNOTATION = "helm.sh/hook"
HOOK_WEIGHT_ANNOTATION = "helm.sh/hook-weight"
HOOK_DELETE_ANNOTATION = "helm.sh/hook-delete-policy"
HOOK_OUTPUT_LOG_ANNOTATION = "helm.sh/hook-output-log-policy"
NOTES_SUFFIX = "NOTES.txt"

HOOK_EVENTS = {
    "pre-install": "pre-install", "post-install": "post-install", "pre-delete": "pre-delete",
    "post-delete": "post-delete", "pre-upgrade": "pre-upgrade", "post-upgrade": "post-upgrade",
    "pre-rollback": "pre-rollback", "post-rollback": "post-rollback", "test": "test", "test-success": "test",
}

INSTALL_ORDER = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
    "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
    "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
    "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
    "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
)
UNINSTALL_ORDER = (
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "Ingress", "IngressClass",
    "Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler", "Deployment", "ReplicaSet",
    "ReplicationController", "Pod", "DaemonSet", "RoleBindingList", "RoleBinding", "RoleList", "Role",
    "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole", "CustomResourceDefinition",
    "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap", "SecretList", "Secret",
    "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange", "ResourceQuota", "NetworkPolicy",
    "Namespace", "PriorityClass",
)

# Go regexp: \s is [\t\n\f\r ]; ^ without (?m) is the start of the text.
_SEPARATOR = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")
_GO_SPACE = "\t\n\v\f\r \x85\xa0"


class Manifest(object):
    """One non-hook document: ``name`` (template path), ``content`` (document text), ``head`` (dict with
    ``apiVersion``, ``kind``, ``metadata`` {``name``, ``annotations``}), plus ``kind``/``api_version``/
    ``object_name`` shortcuts."""

    __slots__ = ("name", "content", "head")

    def __init__(self, name: str, content: str, head: dict):
        self.name = name
        self.content = content
        self.head = head

    @property
    def kind(self) -> str:
        return self.head.get("kind", "")

    @property
    def api_version(self) -> str:
        return self.head.get("apiVersion", "")

    @property
    def object_name(self) -> str:
        return (self.head.get("metadata") or {}).get("name", "")

    def __repr__(self):
        return "Manifest(%r, %s/%s)" % (self.name, self.kind, self.object_name)


class Hook(object):
    """A hook as Helm stores it (release.Hook): ``name``, ``kind``, ``path``, ``manifest``, ``events`` (list of
    event names), ``weight`` (int), ``delete_policies`` and ``output_log_policies`` (lists of lower-case strings).
    ``last_run`` is filled by the release layer. ``to_record()`` gives the JSON dict in Go field order."""

    __slots__ = ("name", "kind", "path", "manifest", "events", "weight", "delete_policies", "output_log_policies",
                 "last_run")

    def __init__(self, name, kind, path, manifest, events, weight, delete_policies, output_log_policies):
        self.name = name
        self.kind = kind
        self.path = path
        self.manifest = manifest
        self.events = events
        self.weight = weight
        self.delete_policies = delete_policies
        self.output_log_policies = output_log_policies
        self.last_run = {"phase": ""}

    def to_record(self) -> dict:
        """JSON shape of release.Hook: name, kind, path, manifest, events, last_run, weight (omitted when 0),
        delete_policies, output_log_policies (omitted when empty)."""
        record = {"name": self.name, "kind": self.kind, "path": self.path, "manifest": self.manifest,
                  "events": list(self.events), "last_run": dict(self.last_run)}
        if self.weight:
            record["weight"] = self.weight
        record["delete_policies"] = list(self.delete_policies)
        if self.output_log_policies:
            record["output_log_policies"] = list(self.output_log_policies)
        return record

    def __repr__(self):
        return "Hook(%r, %s, %s)" % (self.path, self.kind, ",".join(self.events))


def split_manifests(text: str) -> list:
    """Split a rendered template into its YAML documents (Helm's SplitManifests), in order."""
    text = text.lstrip(_GO_SPACE)
    docs = []
    for doc in _SEPARATOR.split(text):
        if doc == "":
            continue
        docs.append(doc.lstrip(_GO_SPACE))
    return docs


def _go_atoi(text) -> int:
    if not isinstance(text, str) or not re.match(r"^[+-]?[0-9]+$", text):
        return 0
    value = int(text)
    if value < -(1 << 63) or value >= (1 << 63):
        return 0
    return value


def _as_str(value) -> str:
    # sigs.k8s.io/yaml into a string field: scalars become their text.
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value, 32)
    return str(value)


def _go_bytes(text: str) -> bytes:
    """The bytes of a rendered Go string: invalid UTF-8 bytes are held as surrogate escapes (U+DC80..U+DCFF)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def parse_head(document: str, path: str) -> dict:
    """Parse a document's SimpleHead: apiVersion, kind, metadata.name and metadata.annotations.

    Raises ChartError "YAML parse error on <path>: ..." like Helm when the document is not valid YAML or not a map,
    or holds invalid UTF-8 (``{{ "héllo" | trunc 2 }}`` cuts a character: "yaml: invalid trailing UTF-8 octet").
    """
    if not document.isascii():
        try:
            document.encode("utf-8")
        except UnicodeEncodeError:
            problem = _utf8_problem(_go_bytes(document))
            if problem:
                raise ChartError("YAML parse error on %s: error converting YAML to JSON: yaml: %s"
                                 % (path, problem)) from None
    try:
        raw = aliases.load(document, GoYamlLoader)
    except yaml.YAMLError as exc:
        raise ChartError("YAML parse error on %s: error converting YAML to JSON: %s"
                         % (path, go_yaml_error_text(exc, document))) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ChartError("YAML parse error on %s: error unmarshaling JSON: cannot unmarshal %s into Go value of "
                         "type util.SimpleHead" % (path, "array" if isinstance(raw, list) else "string"))
    head = {}
    if "apiVersion" in raw:
        head["apiVersion"] = _as_str(raw["apiVersion"])
    if "kind" in raw:
        head["kind"] = _as_str(raw["kind"])
    metadata = raw.get("metadata")
    if isinstance(metadata, dict):
        annotations = metadata.get("annotations")
        head["metadata"] = {
            "name": _as_str(metadata.get("name")),
            "annotations": {str(k): _as_str(v) for k, v in annotations.items()} if isinstance(annotations, dict)
            else {},
        }
    return head


def _split_values(annotations: dict, key: str) -> list:
    if key not in annotations:
        return []
    return [part.strip().lower() for part in annotations[key].split(",")]


def _sort_by_kind(items, kind_of, ordering):
    index = {kind: i for i, kind in enumerate(ordering)}
    known = len(ordering)

    def key(item):
        kind = kind_of(item)
        if kind in index:
            return (0, index[kind], "")
        return (1, known, kind)
    return sorted(items, key=key)


def sort_manifests(files: dict, ordering=INSTALL_ORDER):
    """Helm's SortManifests over ``{template path: rendered text}`` -> ``(hooks, manifests)``, both kind-sorted.

    NOTES.txt must already be removed. Raises ChartError on a document that does not parse.
    """
    hooks = []
    generic = []
    for path in sorted(files):
        content = files[path]
        if path.rsplit("/", 1)[-1].startswith("_") or not content.strip():
            continue
        for document in split_manifests(content):
            head = parse_head(document, path)
            annotations = (head.get("metadata") or {}).get("annotations") or {}
            if HOOK_ANNOTATION not in annotations:
                generic.append(Manifest(path, document, head))
                continue
            events = []
            unknown = False
            for event in annotations[HOOK_ANNOTATION].split(","):
                event = event.strip().lower()
                if event not in HOOK_EVENTS:
                    unknown = True
                    break
                events.append(HOOK_EVENTS[event])
            if unknown:
                continue
            hooks.append(Hook(
                head["metadata"]["name"], head.get("kind", ""), path, document, events,
                _go_atoi(annotations.get(HOOK_WEIGHT_ANNOTATION, "")),
                _split_values(annotations, HOOK_DELETE_ANNOTATION),
                _split_values(annotations, HOOK_OUTPUT_LOG_ANNOTATION),
            ))
    return (_sort_by_kind(hooks, lambda h: h.kind, ordering),
            _sort_by_kind(generic, lambda m: m.kind, ordering))


def build_manifest(manifests) -> str:
    """The release's manifest string: ``"---\\n# Source: <name>\\n<content>\\n"`` for each manifest, in order."""
    return "".join("---\n# Source: %s\n%s\n" % (m.name, m.content) for m in manifests)


def extract_notes(files: dict, chart_name: str, subchart_notes: bool = False):
    """Remove every NOTES.txt from ``files`` (modified in place) and return the notes text.

    Only ``<chart>/templates/NOTES.txt`` counts unless ``subchart_notes``; several notes are joined with "\\n"
    (in template path order, where Helm's map order is random).
    """
    top = "%s/templates/%s" % (chart_name, NOTES_SUFFIX)
    notes = ""
    for path in sorted(k for k in files if k.endswith(NOTES_SUFFIX)):
        text = files.pop(path)
        if subchart_notes or path == top:
            if notes:
                notes += "\n"
            notes += text
    return notes
