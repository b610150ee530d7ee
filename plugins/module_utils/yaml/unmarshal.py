"""sigs.k8s.io/yaml ``Unmarshal`` into ``interface{}``: what Helm's ``fromYaml`` and ``fromYamlArray`` return.

YAML 1.1 scalars resolve as go-yaml v2 does (yaml/resolve.py), then the JSON trip: every number becomes a
``float``, map keys strings. Parsing uses PyYAML's C parser; the errors carry go-yaml's texts (yaml/errors.py,
``error converting YAML to JSON: yaml: line N: ...``).
"""
from __future__ import annotations

import json

from ..gocompat.strconv import format_float
from ..libraries import HAS_YAML, yaml  # PyYAML, guarded once in libraries.py
from .aliases import check_document
from .errors import GoYamlError, go_yaml_error_text
from .load import JsonTripError, json_key, json_trip
from .resolve import BOOL, FLOAT, INT, MERGE, NULL, STR, TIMESTAMP, resolve_plain
from .safe import SafeLoader

__all__ = ["unmarshal", "UnmarshalLoader"]

_PLAIN_TAG = "tag:helmkit,2026:go-plain"


class _GoResolver(yaml.resolver.BaseResolver if HAS_YAML else object):
    """Every untagged plain scalar goes to go-yaml's resolve; quoted scalars are strings."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            if value == "<<":
                return "tag:yaml.org,2002:merge"
            return _PLAIN_TAG
        return super(_GoResolver, self).resolve(kind, value, implicit)


class _GoConstructor(yaml.constructor.SafeConstructor if HAS_YAML else object):
    """SafeConstructor with go-yaml v2's scalar meanings and its timestamps-stay-strings rule."""

    def construct_go_plain(self, node):
        kind, value = resolve_plain(node.value)
        if kind == MERGE:
            return node.value
        return value

    def construct_mapping(self, node, deep=False):
        """Keys become their JSON strings at once (Python would merge True with 1 and 1.0 as one dict key)."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, (yaml.MappingNode, yaml.SequenceNode)):
                raise GoYamlError("error converting YAML to JSON: yaml: invalid map key: %s"
                                  % _go_sharp(self._raw(key_node)))
            key = self.construct_object(key_node, deep=True)
            if key is None:
                value = self.construct_object(value_node, deep=True)
                raise GoYamlError("error converting YAML to JSON: unsupported map key of type: %%!s(<nil>), key: "
                                  "<nil>, value: %s" % ("<nil>" if value is None else _go_sharp(value)))
            mapping[_yaml_key_string(key)] = self.construct_object(value_node, deep=deep)
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
        shown = {STR: "str", INT: "int", FLOAT: "float", BOOL: "bool", NULL: "null", TIMESTAMP: "timestamp",
                 MERGE: "merge"}[kind]
        raise GoYamlError("error converting YAML to JSON: yaml: cannot decode !!%s `%s` as a !!%s" % (
            shown, node.value, {INT: "int", FLOAT: "float", BOOL: "bool", NULL: "null"}[want]))

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
        if isinstance(node, yaml.MappingNode):
            return self.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        return super(_GoConstructor, self).construct_yaml_str(node)


if HAS_YAML:
    _GoConstructor.add_constructor(_PLAIN_TAG, _GoConstructor.construct_go_plain)
    _GoConstructor.add_constructor("tag:yaml.org,2002:timestamp", _GoConstructor.construct_yaml_timestamp)
    _GoConstructor.add_constructor("tag:yaml.org,2002:binary", _GoConstructor.construct_yaml_binary)
    _GoConstructor.add_constructor("tag:yaml.org,2002:str", _GoConstructor.construct_yaml_str)
    _GoConstructor.add_constructor("tag:yaml.org,2002:int", _GoConstructor.construct_yaml_int)
    _GoConstructor.add_constructor("tag:yaml.org,2002:float", _GoConstructor.construct_yaml_float)
    _GoConstructor.add_constructor("tag:yaml.org,2002:bool", _GoConstructor.construct_yaml_bool)
    _GoConstructor.add_constructor("tag:yaml.org,2002:null", _GoConstructor.construct_yaml_null)


if HAS_YAML:
    class UnmarshalLoader(_GoConstructor, _GoResolver, SafeLoader):
        """The Go-semantics loader of ``fromYaml``: PyYAML's C parser (yaml/safe.py), go-yaml v2's scalar
        resolution (yaml/resolve.py), map keys turned into their JSON strings as they are read, explicit
        ``!!int``/``!!float``/``!!bool``/``!!null`` tags checked as go-yaml checks them."""
else:  # pragma: no cover - depends on the host; using it raises MissingLibraryError
    UnmarshalLoader = yaml.unavailable


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


def _to_json_value(value):
    """A go-yaml v2 decoded value -> what encoding/json hands back for it (sigs.k8s.io/yaml's JSON trip,
    :func:`load.json_trip`), with Go's error texts. Map keys are JSON strings already (``construct_mapping``)."""
    try:
        return json_trip(value)
    except JsonTripError as exc:
        if exc.kind == "key":
            _yaml_key_string(exc.value)  # raises Go's text for the key
        raise GoYamlError("error converting YAML to JSON: json: unsupported value: %s"
                          % format_float(exc.value)) from None  # encoding/json refuses NaN and infinities


def _yaml_key_string(key) -> str:
    text = json_key(key)
    if text is None:
        raise GoYamlError("error converting YAML to JSON: Unsupported map key of type: %s, key: %r" % (
            type(key).__name__, key))
    return text


def unmarshal(text: str):
    """sigs.k8s.io/yaml ``Unmarshal`` of the first YAML document into ``interface{}``.

    Returns dicts with string keys, lists, str, bool, None and float (every number). An empty document gives None.
    Raises GoYamlError ``error converting YAML to JSON: yaml: line N: ...`` for bad YAML and
    ``error converting YAML to JSON: json: unsupported value: NaN`` for values JSON cannot hold.
    """
    loader = UnmarshalLoader(text)
    try:
        try:
            node = loader.get_node() if loader.check_node() else None
            data = loader.construct_document(node) if node is not None else None
        except GoYamlError:
            raise
        except yaml.YAMLError as exc:
            raise GoYamlError("error converting YAML to JSON: %s" % go_yaml_error_text(exc, text))
        except (ValueError, TypeError, ArithmeticError) as exc:  # a value its explicit tag cannot hold
            raise GoYamlError("error converting YAML to JSON: yaml: %s" % exc)
    finally:
        loader.dispose()
    try:
        check_document(data, text)
    except GoYamlError as exc:
        raise GoYamlError("error converting YAML to JSON: %s" % exc)
    return _to_json_value(data)
