"""sigs.k8s.io/yaml ``Unmarshal`` into ``interface{}``: what Helm's ``fromYaml`` and ``fromYamlArray`` return.

The document is decoded by the one Go-semantics loader (yaml/decode.py, the same as values files: Helm calls the
same sigs.k8s.io/yaml function for both), then the JSON trip: every number becomes a ``float``. Only the wording is
``fromYaml``'s own: the errors carry go-yaml's texts (yaml/errors.py, ``error converting YAML to JSON: yaml: line N:
...``), which Helm puts in the result's ``Error`` key.
"""
from __future__ import annotations

from ..gocompat.strconv import format_float
from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from .aliases import check_document
from .decode import GoYamlLoader
from .errors import GoYamlError, go_yaml_error_text
from .load import JsonTripError, json_trip

__all__ = ["unmarshal"]


def _to_json_value(value):
    """A decoded value -> what encoding/json hands back for it (sigs.k8s.io/yaml's JSON trip,
    :func:`load.json_trip`), with Go's error text. Map keys are JSON strings already (yaml/decode.py), so only a
    NaN or infinite number is refused."""
    try:
        return json_trip(value)
    except JsonTripError as exc:
        raise GoYamlError("error converting YAML to JSON: json: unsupported value: %s"
                          % format_float(exc.value)) from None


def unmarshal(text: str):
    """sigs.k8s.io/yaml ``Unmarshal`` of the first YAML document into ``interface{}``.

    Returns dicts with string keys, lists, str, bool, None and float (every number). An empty document gives None.
    Raises GoYamlError ``error converting YAML to JSON: yaml: line N: ...`` for bad YAML and
    ``error converting YAML to JSON: json: unsupported value: NaN`` for values JSON cannot hold.
    """
    loader = GoYamlLoader(text)
    try:
        try:
            node = loader.get_node() if loader.check_node() else None
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:  # GoDecodeError included: go_yaml_error_text keeps its text
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
