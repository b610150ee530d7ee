"""Rendered manifests read as Helm's lint reads them: k8s.io/apimachinery's ``YAMLOrJSONDecoder`` into Helm's
``k8sYamlStruct`` (apiVersion, kind, metadata.name/namespace), with the error texts of sigs.k8s.io/yaml and Go's
encoding/json.

Document splitting is apimachinery's ``YAMLReader``: a line starting with ``---`` ends a document; anything but spaces
or a comment after it is an error. Keys match struct fields case-insensitively, as encoding/json does.
"""
from __future__ import annotations

import json

from ...libraries import yaml
from ...yaml import aliases
from ...yaml.errors import go_yaml_error_text
from ...yaml.load import GoYamlLoader
from ..metadata import as_string


class DocError(Exception):
    """A document that is not a Kubernetes object; ``str()`` is Helm's text (without ``unable to parse YAML: ``)."""


def _split(text: str):
    buffer = []
    for line in text.splitlines(True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise DocError("invalid Yaml document separator: %s" % rest)
            if buffer:
                yield "".join(buffer)
                buffer = []
            continue
        buffer.append(line)
    if buffer:
        yield "".join(buffer)


def json_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _field(mapping: dict, name: str):
    """encoding/json's key match: the exact name first, else a case-insensitive one (the last such key wins)."""
    if name in mapping:
        return True, mapping[name]
    found, value = False, None
    for key, item in mapping.items():
        if isinstance(key, str) and key.lower() == name.lower():
            found, value = True, item
    return found, value


def _string_field(mapping: dict, name: str, struct: str, path: str) -> str:
    found, value = _field(mapping, name)
    if not found or value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return as_string(value, name)  # sigs.k8s.io/yaml turns a scalar into the string a string field wants
    if not isinstance(value, str):
        raise DocError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct field "
                       "%s.%s of type string" % (json_kind(value), struct, path))
    return value


def to_struct(value):
    """A decoded document as ``{"apiVersion", "kind", "name", "namespace"}``, or None for an empty document.

    Raises DocError with Go's unmarshal error when a field has the wrong type or the document is not a map.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DocError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of "
                       "type rules.k8sYamlStruct" % json_kind(value))
    out = {"apiVersion": _string_field(value, "apiVersion", "k8sYamlStruct", "apiVersion"),
           "kind": _string_field(value, "Kind", "k8sYamlStruct", "Kind")}
    found, meta = _field(value, "Metadata")
    meta = meta if found and meta is not None else {}
    if not isinstance(meta, dict):
        raise DocError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct field "
                       "k8sYamlStruct.Metadata of type rules.k8sYamlMetadata" % json_kind(meta))
    out["namespace"] = _string_field(meta, "Namespace", "k8sYamlMetadata", "Metadata.Namespace")
    out["name"] = _string_field(meta, "Name", "k8sYamlMetadata", "Metadata.Name")
    return out


def _load_yaml(chunk: str):
    try:
        return aliases.load(chunk, GoYamlLoader)
    except yaml.YAMLError as exc:
        raise DocError("error converting YAML to JSON: %s" % go_yaml_error_text(exc, chunk)) from None


def iter_objects(text: str):
    """Yield each document of ``text`` as :func:`to_struct` gives it (None for empty documents).

    Stops with DocError at the first document that cannot be decoded, as Helm's decoder does. Input whose first
    non-space character is ``{`` is read as a stream of JSON values, as apimachinery sniffs it.
    """
    if text.lstrip().startswith("{"):
        decoder, pos, stripped = json.JSONDecoder(), 0, text.strip()
        while pos < len(stripped):
            try:
                value, end = decoder.raw_decode(stripped, pos)
            except ValueError as exc:
                raise DocError(str(exc)) from None
            yield to_struct(value)
            pos = end
            while pos < len(stripped) and stripped[pos].isspace():
                pos += 1
        return
    for chunk in _split(text):
        yield to_struct(_load_yaml(chunk))


def first_document(text: str):
    """The first YAML document of ``text`` parsed (sigs.k8s.io/yaml ``Unmarshal``), or raise DocError."""
    for chunk in _split(text):
        return _load_yaml(chunk)
    return None
