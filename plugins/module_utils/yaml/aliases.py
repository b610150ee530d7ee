"""go-yaml's alias guards, the one implementation for every YAML entry point (issue 20).

go-yaml refuses a recursive alias (``a: &a [*a]``: "anchor 'a' value contains itself") and a document whose
aliases expand it far beyond its text ("document contains excessive aliasing", the billion-laughs bomb). PyYAML
does neither: it builds the recursive structure, and shares aliased nodes, so the bomb costs nothing until the
first walk over it (JSON conversion, a merge, a deep copy, ``toYaml``), which then never ends.

:func:`load` and :func:`load_all` are ``yaml.load``/``yaml.load_all`` followed by :func:`check_aliases` on each
document; every module that parses YAML from outside (values, Chart.yaml, indexes, provenance files, manifests,
plugin.yaml, kubeconfigs, repositories.yaml) goes through them or through :func:`check_aliases`. The guard raises
:class:`AliasError` (yaml/errors.py), a ``yaml.YAMLError``, so each caller's own YAML-error handling words it with the
file's name; :func:`check_document` raises :class:`GoYamlError` with go-yaml's ``yaml:`` text instead.

Limit: ``HELMKIT_MAX_YAML_NODES`` (default 1,000,000 values once aliases are expanded; docs/limits.md); a caller may
pass a larger ``limit`` (a repository index holds up to 10,000,000).
"""
from __future__ import annotations

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..transport import env_limit
from .errors import AliasError, GoYamlError
from .safe import SafeLoader

DEFAULT_MAX_YAML_NODES = 1000000


def max_yaml_nodes() -> int:
    """Values a YAML document may hold once its aliases are expanded (``HELMKIT_MAX_YAML_NODES`` or 1,000,000)."""
    return env_limit("HELMKIT_MAX_YAML_NODES", DEFAULT_MAX_YAML_NODES)


def excessive_aliasing(limit: int = None) -> str:
    """go-yaml's words for an alias bomb, with helmkit's limit and how to raise it (no ``yaml:`` prefix)."""
    return ("document contains excessive aliasing: more than %d values once its aliases are expanded (an alias "
            "bomb?); if the document really is that large, raise the limit with the environment variable "
            "HELMKIT_MAX_YAML_NODES" % (limit or max_yaml_nodes()))


def self_containing_anchor(text) -> str:
    """The name of the first anchor in ``text`` whose alias appears inside its own node (``a: &a [*a]``), or "".
    Walks the parser's events (no construction), so it is safe on any document."""
    open_anchors = []
    try:
        for event in yaml.parse(text, Loader=SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_anchors.append(event.anchor)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                open_anchors.pop()
            elif isinstance(event, yaml.AliasEvent) and event.anchor in open_anchors:
                return event.anchor
    except yaml.YAMLError:
        return ""
    return ""


def _has_alias(text) -> bool:
    return (b"*" if isinstance(text, bytes) else "*") in text


def check_aliases(value, text, limit: int = None) -> None:
    """Raise :class:`AliasError` when the decoded document ``value`` (parsed from ``text``, str or bytes) contains
    itself through an alias, or holds more than ``limit`` values (default :func:`max_yaml_nodes`) once its
    aliases are expanded. Containers and scalars count one each; map keys are not counted.

    A document whose text has no ``*`` has no alias and costs nothing. The size of each shared (aliased) container
    is measured once and counted at each use, so the check is linear in the document's text however large its
    expansion; the walk keeps its own stack (no recursion limit)."""
    if _has_alias(text):
        _walk(value, text, limit or max_yaml_nodes())


def check_document(value, text) -> None:
    """:func:`check_aliases` with the default limit, raising GoYamlError with go-yaml's text: ``yaml: anchor 'a'
    value contains itself`` for a recursive alias, and Go's "excessive aliasing" (naming HELMKIT_MAX_YAML_NODES)
    for an alias bomb. For sigs.k8s.io/yaml's callers (values, Chart.yaml, ``fromYaml``)."""
    try:
        check_aliases(value, text)
    except AliasError as exc:
        raise GoYamlError("yaml: %s" % exc.problem) from None


def _walk(value, text, limit: int) -> None:
    sizes = {}  # id(container) -> values it holds expanded, once measured
    on_path = set()
    partial = [0]  # values counted so far inside each container on the path (the first: the document)
    total = 0  # values counted so far in the whole document, expanded
    stack = [(value, False)]
    while stack:
        node, done = stack.pop()
        if done:  # every item of ``node`` is counted: fold its size into its parent's
            on_path.discard(id(node))
            size = partial.pop()
            sizes[id(node)] = size
            partial[-1] += size
            continue
        if not isinstance(node, (dict, list)):
            size = 1
        elif id(node) in sizes:
            size = sizes[id(node)]
        elif id(node) in on_path:
            raise AliasError("anchor '%s' value contains itself" % self_containing_anchor(text))
        else:
            on_path.add(id(node))
            partial.append(1)
            total += 1
            stack.append((node, True))
            stack.extend((item, False) for item in (node.values() if isinstance(node, dict) else node))
            size = 0
        if size:
            partial[-1] += size
            total += size
        if total > limit:
            raise AliasError(excessive_aliasing(limit))


def load(text, Loader, limit: int = None):  # pylint: disable=invalid-name
    """``yaml.load(text, Loader=Loader)`` and :func:`check_aliases` of the result. Raises ``yaml.YAMLError``
    (:class:`AliasError` for the guards)."""
    value = yaml.load(text, Loader=Loader)
    check_aliases(value, text, limit)
    return value


def load_all(text, Loader, limit: int = None):  # pylint: disable=invalid-name
    """The documents of ``text`` as a list, each checked by :func:`check_aliases`. Raises ``yaml.YAMLError``."""
    documents = list(yaml.load_all(text, Loader=Loader))
    for value in documents:
        check_aliases(value, text, limit)
    return documents
