"""go-yaml v2's output of JSON data: what Helm's ``toYaml`` prints (sigs.k8s.io/yaml ``Marshal``, go-yaml v2).

``sigs.k8s.io/yaml.Marshal`` writes the value with Go's ``encoding/json`` first (map keys become strings, numbers
are formatted by encoding/json), reads the JSON back with go-yaml v2 (so a number is an ``int`` when its JSON text
parses as one, else a ``float64``) and prints that with go-yaml v2 (yaml/emit.py: block style, indent 2, lines folded
at column 80). The encoding/json half for template values is engine/gojson.py's ``jsonable``; this module is the
rest, for data already in JSON's shape.

Quoting follows gopkg.in/yaml.v2 encode.go stringv: a string is quoted when go-yaml would resolve it to a non-string
(yaml/resolve.py), or when it looks like a base-60 float.
"""
from __future__ import annotations

import math
import re

from ..gocompat.strconv import format_float, format_json_float
from .emit import PLAIN, Emitter, Map, Scalar, TreeBuilder, sorted_keys, string_scalar, yaml_float
from .errors import GoYamlError
from .resolve import INT, MERGE, STR, looks_base60, resolve_plain

__all__ = ["marshal", "dump", "needs_quotes"]


def needs_quotes(text: str) -> bool:
    """encode.go stringv: whether go-yaml v2 writes the string ``text`` quoted, because its resolver would read the
    plain text as another type (``yes``, ``1e3``, ``~``) or it looks like a base-60 float (``1:20``)."""
    kind, _unused = resolve_plain(text)
    if kind not in (STR, MERGE):
        return True
    return looks_base60(text)


def _json_number_node(text: str) -> Scalar:
    """A JSON number as go-yaml v2 reads it back (int if ParseInt/ParseUint accept it, else float64)."""
    kind, value = resolve_plain(text)
    if kind == INT:
        return Scalar(str(value), PLAIN)
    return Scalar(yaml_float(float(text)), PLAIN)


# Characters go-yaml's reader refuses in its input (readerc.go); encoding/json leaves them unescaped.
_YAML_FORBIDDEN = re.compile("[\x7f-\x84\x86-\x9f\ufffe\uffff]")
_NEL_RUN = re.compile(" *\x85(?: *\x85)* *")


def _fold_nel(match) -> str:
    breaks = match.group().count("\x85")
    return " " if breaks == 1 else "\n" * (breaks - 1)


def _json_string_roundtrip(text: str) -> str:
    """A string after encoding/json wrote it and go-yaml read it back as a double-quoted scalar.

    encoding/json leaves U+0085 (NEL) unescaped and YAML folds that line break like a newline in a quoted scalar;
    lone surrogates (invalid UTF-8 in Go) become U+FFFD.
    """
    if _YAML_FORBIDDEN.search(text):
        raise GoYamlError("error converting JSON to YAML: yaml: control characters are not allowed")
    if "\x85" in text:
        text = _NEL_RUN.sub(_fold_nel, text)
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _string_node(text: str) -> Scalar:
    text = _json_string_roundtrip(text)
    return string_scalar(text, needs_quotes)


class _JsonTree(TreeBuilder):
    """JSON data -> emitter tree, as go-yaml v2 sees the JSON text of ``value`` (numbers read back from their JSON
    text, map keys strings in go-yaml v2's order)."""

    def string(self, value: str) -> Scalar:
        return _string_node(value)

    def integer(self, value: int) -> Scalar:
        return _json_number_node(str(value))

    def floating(self, value: float) -> Scalar:
        if math.isnan(value) or math.isinf(value):
            raise GoYamlError("error marshaling into JSON: json: unsupported value: %s" % format_float(value))
        return _json_number_node(format_json_float(value))

    def mapping(self, value: dict) -> Map:
        mapping = _string_keys(value)
        build = self.build
        return Map((_string_node(key), build(mapping[key])) for key in sorted_keys(mapping))

    def other(self, value):
        raise GoYamlError("error marshaling into JSON: json: unsupported type: %s" % type(value).__name__)


_JSON_TREE = _JsonTree()


def _string_keys(mapping: dict) -> dict:
    """``mapping`` with encoding/json's map keys: strings as they are, integers as their decimal text."""
    if all(isinstance(key, str) for key in mapping):
        return mapping
    out = {}
    for key, item in mapping.items():
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise GoYamlError("error marshaling into JSON: json: unsupported type: map[interface {}]interface {}")
        out[str(key)] = item
    return out


def marshal(data) -> str:
    """sigs.k8s.io/yaml ``Marshal`` of JSON data: the YAML text (str), ending in a newline.

    ``data`` is what encoding/json hands over: dicts with string (or integer) keys, lists, str, int, float, bool,
    None; engine/gojson.py's ``jsonable`` turns template values into that. Raises GoYamlError with Go's text for
    NaN/Inf (``error marshaling into JSON: json: unsupported value: NaN``), other types, and strings go-yaml's
    reader refuses (``error converting JSON to YAML: yaml: control characters are not allowed``).
    """
    return Emitter().emit_document(_JSON_TREE.build(data))


def dump(data) -> str:
    """Helm's ``toYaml`` of JSON data: :func:`marshal` without its final newline (pkg/engine/funcs.go toYAML).

    Raises GoYamlError as :func:`marshal` does (``toYaml`` itself then prints "").
    """
    text = marshal(data)
    return text[:-1] if text.endswith("\n") else text
