"""YAML loaders, each built once on PyYAML's C loader (yaml/safe.py), and Helm's values loading.

* :class:`GoYamlLoader` -- the one Go-semantics loader (yaml/decode.py): what Helm gets from sigs.k8s.io/yaml over
  go-yaml v2 for ``values.yaml``, ``fromYaml``, Chart.yaml, manifests and charts' YAML files. Plain scalars resolve
  as go-yaml v2's ``resolve.go`` does (yaml/resolve.py): ``y``/``Y``/``n``/``N`` are booleans, ``1e3`` is a float,
  ``0777`` is octal, ``08`` is the float 8, ``1:20`` (sexagesimal) and timestamps stay strings; unknown tags decode
  by kind; map keys are their JSON strings.
* :class:`IndexLoader` -- a repository index: scalars stay the strings Helm's Go struct fields see (``version:
  1.10`` is "1.10", ``created`` its text); only booleans stay typed (pkg/repo/index.go).
* ``SafeLoader`` / ``SafeDumper`` -- plain YAML 1.1 (yaml/safe.py), for files Helm reads into typed structs
  (repositories.yaml, kubeconfigs, plugin.yaml, provenance) and for the diff's YAML.
* :func:`load_values` -- Helm's ``LoadValues``: after the JSON round trip every number is a float64 (Python
  ``float``) and map keys are strings (``on: x`` gives the key ``"true"``).

Only scalar resolution and the final conversion are ours; PyYAML's C parser does the parsing.
"""
from __future__ import annotations

import math

from ..errors import ValuesError
from ..gocompat.strconv import format_float
from ..libraries import HAS_YAML, yaml  # PyYAML, guarded once in libraries.py
from ..transport import env_limit
from .aliases import check_document, excessive_aliasing, load as load_checked, max_yaml_nodes
from .decode import GoYamlLoader, json_key
from .errors import GoDecodeError, GoYamlError, utf8_problem
from .safe import SafeLoader

__all__ = ["GoYamlLoader", "IndexLoader", "load_go_yaml", "load_values",
           "to_json_values", "json_trip", "JsonTripError", "merge_maps", "decode_utf8", "max_values_bytes", "json_key"]

DEFAULT_MAX_VALUES_BYTES = 32 * 1024 * 1024


def max_values_bytes() -> int:
    """The values-document size limit in bytes (``HELMKIT_MAX_VALUES_BYTES`` or 32 MiB; docs/limits.md)."""
    return env_limit("HELMKIT_MAX_VALUES_BYTES", DEFAULT_MAX_VALUES_BYTES)


class JsonTripError(Exception):
    """What sigs.k8s.io/yaml's YAML -> JSON trip refuses: ``kind`` is ``"key"`` (``value`` is a map key that
    :func:`json_key` cannot name: nil, a list, a mapping) or ``"value"`` (``value`` is a NaN or infinite float,
    which encoding/json refuses). Each caller words it for its reader (:func:`to_json_values`, fromYaml)."""

    def __init__(self, kind: str, value):
        super(JsonTripError, self).__init__(kind, value)
        self.kind = kind
        self.value = value


def json_trip(value, budget=None):
    """The one YAML -> JSON -> ``interface{}`` round trip of sigs.k8s.io/yaml (yaml.go: yamlToJSON, then
    encoding/json into ``interface{}``), for a decoded YAML value.

    Map keys become strings (:func:`json_key`), every int becomes a float, bytes become text, lists and maps are
    converted recursively (aliases expanded, as the JSON text holds them). ``budget`` (a one-item list of nodes
    still allowed, or None for no limit) bounds that expansion: past it raises ValuesError with go-yaml's
    "document contains excessive aliasing". Raises :class:`JsonTripError` for a key or value JSON cannot hold."""
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValuesError("yaml: " + excessive_aliasing())
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            text = json_key(key)
            if text is None:
                raise JsonTripError("key", key)
            out[text] = json_trip(item, budget)
        return out
    if isinstance(value, list):
        return [json_trip(item, budget) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        raise JsonTripError("value", value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def to_json_values(value):
    """A decoded values document as Helm's values loading sees it (:func:`json_trip`), with the node bound of
    HELMKIT_MAX_YAML_NODES against alias bombs. Raises ValuesError: a nil or collection map key, a NaN or
    infinite number (each with the fix to make), excessive aliasing."""
    try:
        return json_trip(value, [max_yaml_nodes()])
    except JsonTripError as exc:
        if exc.kind == "value":
            raise ValuesError("error converting YAML to JSON: json: unsupported value: %s; quote it to use it as a "
                              "string" % format_float(exc.value)) from None
        if exc.value is None:
            raise ValuesError("error converting YAML to JSON: unsupported map key of type: <nil>; quote the key "
                              "(\"null\": ...) to use it as a string") from None
        raise ValuesError("unsupported map key %r: keys must be scalars" % (exc.value,)) from None


def load_go_yaml(data, source: str = "values"):
    """Parse one YAML document with go-yaml v2 resolution; returns the raw Python value (ints stay ints).

    Raises ValuesError naming ``source`` and the line on a syntax error.
    """
    try:
        return load_checked(data, GoYamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = " line %d column %d" % (mark.line + 1, mark.column + 1) if mark else ""
        raise ValuesError("cannot parse %s:%s: %s; fix the YAML syntax" % (source, where, exc.problem)) from None
    except yaml.YAMLError as exc:
        raise ValuesError("cannot parse %s: %s; fix the YAML syntax" % (source, exc)) from None


def decode_utf8(data, what: str) -> str:
    """``data`` (bytes or str) as text; bytes that are not UTF-8 raise ValuesError with go-yaml's reader message
    (``yaml: invalid leading UTF-8 octet``), as Helm refuses them, naming ``what`` and suggesting the fix."""
    if not isinstance(data, bytes):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problem = utf8_problem(data)
        if problem is None:
            return data.decode("utf-8", "replace")
        raise ValuesError("cannot load %s: error converting YAML to JSON: yaml: %s; save it as UTF-8"
                          % (what, problem)) from None


def load_values(data, source: str = "values.yaml") -> dict:
    """Load a values document as Helm does (``LoadValues``): a dict with string keys and float numbers.

    Multiple YAML documents are merged in order (later documents win at top level, as Helm's LoadValues).
    An empty document gives ``{}``. Raises ValuesError when the document is not a map.
    """
    if len(data) > max_values_bytes():
        raise ValuesError("%s is %d bytes, over helmkit's limit of %d for a values document; split it, or raise the "
                          "limit with the environment variable HELMKIT_MAX_VALUES_BYTES"
                          % (source, len(data), max_values_bytes()))
    data = decode_utf8(data, source)
    if data.startswith("\ufeff"):
        data = data[1:]
    result = {}
    try:
        docs = list(yaml.load_all(data, Loader=GoYamlLoader))
    except GoDecodeError as exc:
        raise ValuesError("cannot load %s: error converting YAML to JSON: %s%s"
                          % (source, exc.problem, "; " + exc.fix if exc.fix else "")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = " line %d" % (mark.line + 1) if mark else ""
        raise ValuesError("cannot parse %s:%s: %s; fix the YAML syntax" % (source, where, exc.problem)) from None
    except yaml.YAMLError as exc:
        raise ValuesError("cannot parse %s: %s; fix the YAML syntax" % (source, exc)) from None
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise ValuesError("%s: expected a map of values at top level, got %s; put values under keys"
                              % (source, type(doc).__name__))
        try:
            check_document(doc, data)
            converted = to_json_values(doc)
        except GoYamlError as exc:
            raise ValuesError("cannot load %s: error converting YAML to JSON: %s" % (source, exc)) from None
        except ValuesError as exc:
            raise ValuesError("cannot load %s: %s" % (source, exc)) from None
        result = merge_maps(result, converted)
    return result


def merge_maps(base: dict, override: dict) -> dict:
    """Deep-merge ``override`` into a copy of ``base`` (Helm's MergeMaps): maps merge, anything else replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_maps(out[key], value)
        else:
            out[key] = value
    return out


class IndexLoader(SafeLoader if HAS_YAML else object):
    """The C safe loader that keeps scalars as Helm's string fields see them.

    Helm unmarshals the index into Go structs whose version fields are strings, so ``version: 1.10`` is "1.10"
    and ``created: 2024-01-01T00:00:00Z`` is the text itself; only booleans (``deprecated``) stay typed.
    """


if HAS_YAML:
    IndexLoader.yaml_implicit_resolvers = dict(
        (first, [(tag, regexp) for tag, regexp in resolvers
                 if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float", "tag:yaml.org,2002:int")])
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    )
