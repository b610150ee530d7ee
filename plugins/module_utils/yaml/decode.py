"""The collection's one Go-semantics YAML loader, :class:`GoYamlLoader`: go-yaml v2 decoding a document into
``interface{}`` as sigs.k8s.io/yaml (``Unmarshal``, ``YAMLToJSON``) does it.

Helm reads every chart-side YAML text through that one function: values files (``LoadValues``), ``fromYaml`` /
``fromYamlArray``, Chart.yaml, requirements.lock / Chart.lock, the rendered manifests, and index.yaml for
``helm repo index``. So there is one loader, whoever calls it; what differs between callers is only the wording
of their errors (yaml/load.py's ``load_values``, yaml/unmarshal.py's ``unmarshal``) and the JSON trip that
follows (yaml/load.py's ``json_trip``).

go-yaml v2's decoding (gopkg.in/yaml.v2 decode.go, resolve.go), on PyYAML's C parser (yaml/safe.py):

* plain scalars resolve as resolve.go does (yaml/resolve.py): ``y``/``n`` are booleans, ``1e3`` a float, ``0777``
  octal, timestamps and ``1:20`` stay strings; quoted scalars are strings;
* ``<<`` is a merge only as a key; a plain ``<<`` value, a ``!!merge``-tagged value and any tag go-yaml cannot
  resolve (``!foo``, ``!!python/none``) decode by their node kind, a scalar as its text;
* explicit ``!!int``/``!!float``/``!!bool``/``!!null`` tags are checked (``cannot decode !!str `x` as a !!int``);
  ``!!binary`` decodes to text; ``!!str`` on a collection is ignored;
* map keys become their JSON object keys as they are read (:func:`json_key`; Python would take ``true`` and ``1``
  for one dict key): a nil or collection key is refused with Go's text.

A refusal raises :class:`~.errors.GoDecodeError`, a ``yaml.YAMLError`` like PyYAML's own, so every caller that
handles YAML errors handles these.
"""
from __future__ import annotations

import json

from ..gocompat.strconv import format_float
from ..libraries import HAS_YAML, yaml  # PyYAML, guarded once in libraries.py
from .errors import GoDecodeError
from .resolve import BOOL, FLOAT, INT, MERGE, NULL, STR, TIMESTAMP, resolve_plain
from .safe import SafeLoader

__all__ = ["GoYamlLoader", "json_key"]

_PLAIN_TAG = "tag:helmkit,2026:go-plain"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_FLOAT_KEY_WORDS = {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}
_TAG_NAMES = {STR: "str", INT: "int", FLOAT: "float", BOOL: "bool", NULL: "null", TIMESTAMP: "timestamp",
              MERGE: "merge"}


def json_key(key):
    """The JSON object key sigs.k8s.io/yaml (yaml.go convertToJSONableObject) makes of a decoded YAML map key:
    str as is, bool ``true``/``false``, int its decimal text, float ``strconv.FormatFloat(k, 'g', -1, 32)`` with
    ``.inf``/``-.inf``/``.nan`` for the special values (``3.14159265358979`` gives ``3.1415927``, ``1e300`` gives
    ``.inf``). None for nil and any other type, which sigs.k8s.io/yaml refuses: the caller words that error."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        text = format_float(key, 32)
        return _FLOAT_KEY_WORDS.get(text, text)
    return None


class _GoResolver(yaml.resolver.BaseResolver if HAS_YAML else object):
    """Every untagged plain scalar goes to go-yaml's resolve (yaml/resolve.py); quoted scalars are strings."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            if value == "<<":
                return _MERGE_TAG
            return _PLAIN_TAG
        return super(_GoResolver, self).resolve(kind, value, implicit)


class _GoConstructor(yaml.constructor.SafeConstructor if HAS_YAML else object):
    """SafeConstructor with go-yaml v2's decoding (see the module's docstring)."""

    def construct_go_plain(self, node):
        return resolve_plain(node.value)[1]

    def construct_by_kind(self, node):
        """A value whose tag go-yaml cannot resolve (``!foo``, ``!!python/none``, a ``<<`` or ``!!merge`` value):
        decoded by its node kind, a scalar as its text (decode.go: unresolvable tags keep the text)."""
        if isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        return node.value

    def construct_mapping(self, node, deep=False):
        """Keys become their JSON strings at once (Python would merge True with 1 and 1.0 as one dict key)."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, (yaml.MappingNode, yaml.SequenceNode)):
                raise GoDecodeError("yaml: invalid map key: %s" % _go_sharp(self._raw(key_node)))
            key = self.construct_object(key_node, deep=True)
            if key is None:
                value = self.construct_object(value_node, deep=True)
                raise GoDecodeError("unsupported map key of type: %%!s(<nil>), key: <nil>, value: %s"
                                    % ("<nil>" if value is None else _go_sharp(value)),
                                    'quote the key ("null": ...) to use it as a string')
            text = json_key(key)
            if text is None:
                raise GoDecodeError("Unsupported map key of type: %s, key: %r" % (type(key).__name__, key))
            mapping[text] = self.construct_object(value_node, deep=deep)
        return mapping

    def _raw(self, node):
        """A collection node as go-yaml decodes it into interface{} (keys not turned into strings), for messages."""
        if isinstance(node, yaml.MappingNode):
            return [(self._raw(k), self._raw(v)) for k, v in node.value]
        if isinstance(node, yaml.SequenceNode):
            return _RawList(self._raw(item) for item in node.value)
        if node.tag == _PLAIN_TAG:
            return resolve_plain(node.value)[1]
        return node.value

    def construct_yaml_timestamp(self, node):
        return node.value

    def _explicit(self, node, want: str):
        """A scalar with an explicit !!int/!!float/!!bool/!!null tag: go-yaml resolves the text and refuses
        a mismatch ("cannot decode !!str `x` as a !!int")."""
        kind, value = resolve_plain(node.value)
        if kind == want or (want == FLOAT and kind == INT):
            return float(value) if want == FLOAT else value
        raise GoDecodeError("yaml: cannot decode !!%s `%s` as a !!%s"
                            % (_TAG_NAMES[kind], node.value, _TAG_NAMES[want]))

    def construct_yaml_int(self, node):
        return self._explicit(node, INT)

    def construct_yaml_float(self, node):
        return self._explicit(node, FLOAT)

    def construct_yaml_bool(self, node):
        return self._explicit(node, BOOL)

    def construct_yaml_null(self, node):
        return self._explicit(node, NULL)

    def construct_yaml_binary(self, node):
        return super(_GoConstructor, self).construct_yaml_binary(node).decode("utf-8", "replace")

    def construct_yaml_str(self, node):
        """!!str on a collection: go-yaml decodes the collection into interface{} and ignores the tag."""
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.construct_by_kind(node)
        return super(_GoConstructor, self).construct_yaml_str(node)


if HAS_YAML:
    for _tag, _method in ((_PLAIN_TAG, _GoConstructor.construct_go_plain),
                          (_MERGE_TAG, _GoConstructor.construct_by_kind),
                          (None, _GoConstructor.construct_by_kind),
                          ("tag:yaml.org,2002:timestamp", _GoConstructor.construct_yaml_timestamp),
                          ("tag:yaml.org,2002:binary", _GoConstructor.construct_yaml_binary),
                          ("tag:yaml.org,2002:str", _GoConstructor.construct_yaml_str),
                          ("tag:yaml.org,2002:int", _GoConstructor.construct_yaml_int),
                          ("tag:yaml.org,2002:float", _GoConstructor.construct_yaml_float),
                          ("tag:yaml.org,2002:bool", _GoConstructor.construct_yaml_bool),
                          ("tag:yaml.org,2002:null", _GoConstructor.construct_yaml_null)):
        _GoConstructor.add_constructor(_tag, _method)

    class GoYamlLoader(_GoConstructor, _GoResolver, SafeLoader):
        """The Go-semantics loader (see the module's docstring): PyYAML's C parser (yaml/safe.py), go-yaml v2's
        decoding, map keys as their JSON strings. Raises ``yaml.YAMLError`` (:class:`~.errors.GoDecodeError` for
        what go-yaml or sigs.k8s.io/yaml refuse)."""
else:  # pragma: no cover - depends on the host; using it raises MissingLibraryError
    GoYamlLoader = yaml.unavailable


class _RawList(list):
    """A decoded YAML sequence (as opposed to the pair list that stands for a raw mapping in messages)."""


def _go_sharp(value) -> str:
    """Go's %#v of a decoded YAML value (used in go-yaml's "invalid map key" message)."""
    if isinstance(value, _RawList):
        return "[]interface {}{" + ", ".join(_go_sharp(v) for v in value) + "}"
    if isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value) and value:
        return "map[interface {}]interface {}{" + ", ".join(
            "%s:%s" % (_go_sharp(k), _go_sharp(v)) for k, v in value) + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp(v) for v in value) + "}"
    if isinstance(value, dict):
        return "map[interface {}]interface {}{" + ", ".join(
            "%s:%s" % (_go_sharp(k), _go_sharp(v)) for k, v in value.items()) + "}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "interface {}(nil)"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float):
        return format_float(value)
    return str(value)
