"""YAML loading with the semantics Helm gets from sigs.k8s.io/yaml over go-yaml v2.

Helm reads ``values.yaml`` with ``sigs.k8s.io/yaml``: go-yaml v2 decodes the document, the result is converted to
JSON and decoded again into ``map[string]interface{}``. So, unlike PyYAML:

* plain scalars resolve as go-yaml v2's ``resolve.go`` does: ``y``/``Y``/``n``/``N`` are booleans, ``1e3`` is a
  float, ``0777`` is octal, ``08`` is the float 8, ``1:20`` (sexagesimal) and timestamps stay strings;
* every number becomes a float64 (Python ``float``) after the JSON round trip;
* map keys become strings (``on: x`` gives the key ``"true"``).

PyYAML's C parser (``yaml.CSafeLoader``) does the parsing; only scalar resolution and the final conversion are ours.
"""
from __future__ import annotations

import decimal
import math
import re

from ..gocompat import yamlalias
from ..libraries import HAS_YAML, yaml  # PyYAML, guarded once in libraries.py
from ..engine.goyaml import GoYamlError, check_aliases
from ..engine.limits import max_values_bytes, max_yaml_nodes, yaml_nodes_message
from ..errors import ValuesError
from ..gocompat.yamlscalar import resolve_plain as resolve_scalar

_PLAIN_TAG = "tag:helmkit:plain"


def resolve_plain(text: str):
    """A plain (unquoted, untagged) scalar's value as go-yaml v2 decodes it into ``interface{}``: None, bool, int,
    float or the text itself (timestamps stay strings). The resolver is gocompat/yamlscalar.py's."""
    return resolve_scalar(text)[1]


class GoYamlLoader(yaml.CSafeLoader if HAS_YAML else object):
    """CSafeLoader whose implicit resolution follows go-yaml v2 instead of PyYAML's YAML 1.1 table."""


if HAS_YAML:
    GoYamlLoader.yaml_implicit_resolvers = {}
    GoYamlLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])
    GoYamlLoader.add_implicit_resolver(_PLAIN_TAG, re.compile(r"(?s).*"), None)


def _construct_plain(loader, node):
    return resolve_plain(loader.construct_scalar(node))


def _construct_timestamp_as_string(loader, node):
    return loader.construct_scalar(node)


def _construct_unknown(loader, suffix, node):
    # go-yaml v2 decodes values with unknown (local) tags by their node kind.
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


if HAS_YAML:
    GoYamlLoader.add_constructor(_PLAIN_TAG, _construct_plain)
    GoYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_string)
    GoYamlLoader.add_multi_constructor("!", _construct_unknown)


def go_format_float(value: float, bits: int = 64) -> str:
    """strconv.FormatFloat(value, 'g', -1, bits): shortest digits; exponent form when exp < -4 or exp >= 6."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = repr(value) if bits == 64 else repr(float("%.8g" % value))
    dec = decimal.Decimal(text).normalize()
    sign, digit_tuple, exp = dec.as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    point = len(digits) + exp  # digits before the decimal point (Go's digs.dp)
    sci = point - 1
    prefix = "-" if sign else ""
    if sci < -4 or sci >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (prefix, body, "-" if sci < 0 else "+", abs(sci))
    if point <= 0:
        return prefix + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return prefix + digits + "0" * (point - len(digits))
    return prefix + digits[:point] + "." + digits[point:]


def _key_string(key) -> str:
    # sigs.k8s.io/yaml convertToJSONableObject: keys are formatted by their Go type.
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return go_format_float(key)
    if key is None:
        raise ValuesError("error converting YAML to JSON: unsupported map key of type: <nil>; quote the key "
                          "(\"null\": ...) to use it as a string")
    raise ValuesError("unsupported map key %r: keys must be scalars" % (key,))


MAX_CONVERTED_NODES = 1_000_000  # the default of HELMKIT_MAX_YAML_NODES (engine/limits.py)


def to_json_values(value, _budget=None):
    """Convert a decoded YAML value as the YAML -> JSON -> interface{} round trip does.

    dict keys become strings, every int becomes a float, lists and dicts are converted recursively. Aliases are
    expanded (as the JSON round trip does); a document whose expansion exceeds HELMKIT_MAX_YAML_NODES raises
    ValuesError, like go-yaml's "document contains excessive aliasing" guard against alias bombs.
    """
    if _budget is None:
        _budget = [max_yaml_nodes()]
    _budget[0] -= 1
    if _budget[0] < 0:
        raise ValuesError(yaml_nodes_message())
    if isinstance(value, dict):
        return {_key_string(k): to_json_values(v, _budget) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_values(v, _budget) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        raise ValuesError("error converting YAML to JSON: json: unsupported value: %s; quote it to use it as a "
                          "string" % go_format_float(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def load_go_yaml(data, source: str = "values"):
    """Parse one YAML document with go-yaml v2 resolution; returns the raw Python value (ints stay ints).

    Raises ValuesError naming ``source`` and the line on a syntax error.
    """
    try:
        return yamlalias.load(data, GoYamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = " line %d column %d" % (mark.line + 1, mark.column + 1) if mark else ""
        raise ValuesError("cannot parse %s:%s: %s; fix the YAML syntax" % (source, where, exc.problem)) from None
    except yaml.YAMLError as exc:
        raise ValuesError("cannot parse %s: %s; fix the YAML syntax" % (source, exc)) from None


def go_yaml_error_text(exc, text: str = None) -> str:
    """A PyYAML (libyaml) error worded as go-yaml v2 words it: ``yaml: line N: <problem>``.

    go-yaml v2 (yaml.go ``parser.fail``) reports the problem mark's 0-based line for parser errors, one more for
    scanner errors, the context mark's line when the problem is on line 0, and no line when both are 0.
    """
    problem = getattr(exc, "problem", None) or str(exc)
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    if "undefined alias" in problem and mark is not None and text is not None:
        found = re.match(r"\*([^\s,\[\]{}]+)", text[mark.index:])
        if found:  # go-yaml's composer names the anchor and gives no line
            return "yaml: unknown anchor '%s' referenced" % found.group(1)
    line = 0
    if mark is not None and mark.line != 0:
        line = mark.line + (1 if isinstance(exc, yaml.scanner.ScannerError) else 0)
    elif context is not None:
        line = context.line
    return "yaml: %s%s" % ("line %d: " % line if line else "", problem)


def utf8_problem(data: bytes):
    """go-yaml's reader check (readerc.go yaml_parser_update_buffer) of UTF-8 input: its message for the first
    bad sequence, or None. Only called for text that holds invalid UTF-8 (a cut multi-byte character, b64dec, a
    values file or Chart.yaml in another encoding)."""
    i, size = 0, len(data)
    while i < size:
        octet = data[i]
        if octet < 0x80:
            i += 1
            continue
        if octet & 0xE0 == 0xC0:
            width, value = 2, octet & 0x1F
        elif octet & 0xF0 == 0xE0:
            width, value = 3, octet & 0x0F
        elif octet & 0xF8 == 0xF0:
            width, value = 4, octet & 0x07
        else:
            return "invalid leading UTF-8 octet"
        if i + width > size:
            return "incomplete UTF-8 octet sequence"
        for k in range(1, width):
            if data[i + k] & 0xC0 != 0x80:
                return "invalid trailing UTF-8 octet"
            value = (value << 6) | (data[i + k] & 0x3F)
        if value < (0x80, 0x800, 0x10000)[width - 2]:
            return "invalid length of a UTF-8 sequence"
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            return "invalid Unicode character"
        i += width
    return None


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
            check_aliases(doc, data, source)
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
