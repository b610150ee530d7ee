"""Helm's own pure template functions (helm.sh/helm/v4 pkg/engine/funcs.go).

``funcs()`` returns toYaml, mustToYaml, toYamlPretty, fromYaml, fromYamlArray, toJson, mustToJson, fromJson,
fromJsonArray, toToml, mustToToml and fromToml. The context-bound functions (include, tpl, required, fail, lookup)
are closures made per render in ``helm.py``. ``sprig_json_funcs()`` gives Sprig's JSON encoders (toPrettyJson,
toRawJson and their must- forms) built on the same Go-compatible encoder, for use where Sprig's set lacks them.

Behaviour follows funcs.go: the plain forms swallow errors (toYaml/toJson print "", fromYaml/fromJson put the error
text under the "Error" key, the *Array forms return ``[error text]``); the must- forms fail the template with the
encoder's message.
"""
from __future__ import annotations

import math
from decimal import Decimal

from . import goyaml
from .errors import FuncError

_MAP_TYPE = "map[string]interface {}"
_SLICE_TYPE = "[]interface {}"


def to_yaml(value) -> str:
    """toYaml: sigs.k8s.io/yaml Marshal without the final newline; "" when the value cannot be marshalled."""
    try:
        return goyaml.dump(value)
    except goyaml.GoYamlError:
        return ""


def must_to_yaml(value) -> str:
    """mustToYaml: like toYaml, but raises FuncError (Go's marshal error text) instead of printing ""."""
    try:
        return goyaml.dump(value)
    except goyaml.GoYamlError as exc:
        raise FuncError(str(exc))


def to_yaml_pretty(value) -> str:
    """toYamlPretty: go-yaml v3 Encoder with SetIndent(2), no final newline; "" on error."""
    try:
        return goyaml.marshal_pretty(value)
    except (goyaml.GoYamlError, goyaml.GoJsonError):
        return ""


def _kind_name(value) -> str:
    """encoding/json's name of a JSON value's kind in UnmarshalTypeError ("array", "object", "number", ...)."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _unmarshal_yaml(text: str, want_map: bool):
    data = goyaml.unmarshal(text)
    if data is None:
        return {} if want_map else []
    if want_map and not isinstance(data, dict):
        raise goyaml.GoYamlError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
                                 "value of type %s" % (_kind_name(data), _MAP_TYPE))
    if not want_map and not isinstance(data, list):
        raise goyaml.GoYamlError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
                                 "value of type %s" % (_kind_name(data), _SLICE_TYPE))
    return data


def from_yaml(text) -> dict:
    """fromYaml: the first YAML document as a dict (numbers are floats); {"Error": message} when it is not a
    mapping or not YAML."""
    try:
        return _unmarshal_yaml(_as_text(text), True)
    except goyaml.GoYamlError as exc:
        return {"Error": str(exc)}


def from_yaml_array(text) -> list:
    """fromYamlArray: the first YAML document as a list; [message] when it is not a sequence or not YAML."""
    try:
        return _unmarshal_yaml(_as_text(text), False)
    except goyaml.GoYamlError as exc:
        return [str(exc)]


def to_json(value) -> str:
    """toJson: Go json.Marshal (sorted keys, HTML-escaped); "" when the value cannot be encoded."""
    try:
        return goyaml.to_json(value)
    except goyaml.GoJsonError:
        return ""


def must_to_json(value) -> str:
    """mustToJson: like toJson but raises FuncError with Go's encoder message."""
    try:
        return goyaml.to_json(value)
    except goyaml.GoJsonError as exc:
        raise FuncError(str(exc))


def _unmarshal_json(text: str, want_map: bool):
    """json.Unmarshal into a map / slice: (value or None for JSON null, first decode error or None)."""
    errors = []
    data = goyaml.from_json(text, errors)
    if data is not None:
        if want_map and not isinstance(data, dict):
            raise goyaml.GoJsonError("json: cannot unmarshal %s into Go value of type %s" % (
                _kind_name(data), _MAP_TYPE))
        if not want_map and not isinstance(data, list):
            raise goyaml.GoJsonError("json: cannot unmarshal %s into Go value of type %s" % (
                _kind_name(data), _SLICE_TYPE))
    return data, (errors[0] if errors else None)


def from_json(text) -> dict:
    """fromJson: a JSON object as a dict (numbers are floats); {"Error": message} otherwise. JSON null gives a
    nil map (None), as json.Unmarshal leaves it."""
    try:
        data, error = _unmarshal_json(_as_text(text), True)
    except goyaml.GoJsonError as exc:
        return {"Error": str(exc)}
    if error is not None:
        data = {} if data is None else data
        data["Error"] = error
    return data


def from_json_array(text) -> list:
    """fromJsonArray: a JSON array as a list; [message] otherwise (JSON null gives a nil slice, None)."""
    try:
        data, error = _unmarshal_json(_as_text(text), False)
    except goyaml.GoJsonError as exc:
        return [str(exc)]
    return [error] if error is not None else data


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    raise FuncError("wrong type for value; expected string; got %s" % _go_type(value))


def _go_type(value) -> str:
    from .gotypes import go_type_name
    return go_type_name(value)


# --- TOML (github.com/BurntSushi/toml) -----------------------------------------------------------------------------

def _toml_normalize(value):
    """funcs.go normalizeForTOML: whole-number floats within int64 become ints."""
    if isinstance(value, dict):
        return dict((k, _toml_normalize(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_toml_normalize(v) for v in value]
    if isinstance(value, float) and not (math.isnan(value) or math.isinf(value)) and value == math.trunc(value) \
            and -(1 << 63) <= value < (1 << 63):
        return int(value)
    return value


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif code < 0x20 or code == 0x7F:
            out.append("\\u%04X" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return _toml_string(key)


def _toml_float(value: float) -> str:
    """BurntSushi/toml: strconv.FormatFloat(f, 'f', -1, 64) with ".0" added to whole numbers; nan/inf words."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if "." in text else text + ".0"


def _toml_value(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _toml_float(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join("%s = %s" % (_toml_key(k), _toml_value(value[k])) for k in sorted(value)
                                if value[k] is not None) + "}"
    raise goyaml.GoJsonError("toml: cannot encode a value of type %s" % _go_type(value))


def _is_table(value) -> bool:
    return isinstance(value, dict)


def _is_table_array(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml_table(table: dict, path: list, indent: str, out: list) -> None:
    keys = sorted(table)
    for key in keys:
        value = table[key]
        if value is None or _is_table(value) or _is_table_array(value):
            continue
        out.append("%s%s = %s\n" % (indent, _toml_key(key), _toml_value(value)))
    for key in keys:
        value = table[key]
        sub = path + [key]
        if _is_table(value):
            out.append("%s%s[%s]\n" % ("\n" if len(sub) == 1 else "", indent, ".".join(_toml_key(k) for k in sub)))
            _toml_table(value, sub, indent + "  ", out)
        elif _is_table_array(value):
            for item in value:
                out.append("%s%s[[%s]]\n" % ("\n" if len(sub) == 1 else "", indent,
                                              ".".join(_toml_key(k) for k in sub)))
                _toml_table(item, sub, indent + "  ", out)


def _encode_toml(value) -> str:
    value = value  # Helm v4.2 has no normalizeForTOML: float64 9 prints as 9.0
    if not isinstance(value, dict):
        raise goyaml.GoJsonError("toml: top-level values must be Go maps or structs")
    out = []
    _toml_table(value, [], "", out)
    text = "".join(out)
    return text[1:] if text.startswith("\n") else text


def to_toml(value) -> str:
    """toToml: BurntSushi/toml Encoder output (tables sorted, nested tables indented two spaces); the error
    text when the value cannot be encoded."""
    try:
        return _encode_toml(value)
    except goyaml.GoJsonError as exc:
        return str(exc)


def must_to_toml(value) -> str:
    """mustToToml: like toToml but raises FuncError on error."""
    try:
        return _encode_toml(value)
    except goyaml.GoJsonError as exc:
        raise FuncError(str(exc))


def from_toml(text) -> dict:
    """fromToml: a TOML document as a dict; {"Error": message} when it cannot be parsed.

    Parsing uses the standard library's ``tomllib`` (Python 3.11+); on older Pythons the result is the Error map.
    """
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python < 3.11
        return {"Error": "fromToml needs Python 3.11 or later (tomllib)"}
    try:
        return tomllib.loads(_as_text(text))
    except tomllib.TOMLDecodeError as exc:
        return {"Error": "toml: %s" % exc}


_ANY = ("interface {}",)
_STRING = ("string",)


def _typed(fn, go_args):
    """A copy of ``fn`` whose Go parameter types (``go_args``, read by the template executor) are declared."""
    def wrapper(value):
        return fn(value)
    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.go_args = go_args
    return wrapper


def funcs() -> dict:
    """Helm's pure template functions by name (pkg/engine/funcs.go funcMap, without the late-bound ones).

    Each callable takes one argument and carries ``go_args`` (its Go parameter type), so the executor reports
    Go's "wrong type for value; expected string; got int" for e.g. ``fromYaml 1``.
    """
    table = {
        "toYaml": to_yaml,
        "mustToYaml": must_to_yaml,
        "toYamlPretty": to_yaml_pretty,
        "fromYaml": from_yaml,
        "fromYamlArray": from_yaml_array,
        "toJson": to_json,
        "mustToJson": must_to_json,
        "fromJson": from_json,
        "fromJsonArray": from_json_array,
        "toToml": to_toml,
        "mustToToml": must_to_toml,
        "fromToml": from_toml,
    }
    strings = ("fromYaml", "fromYamlArray", "fromJson", "fromJsonArray", "fromToml")
    return dict((name, _typed(fn, _STRING if name in strings else _ANY)) for name, fn in table.items())


def _to_pretty_json(value) -> str:
    try:
        return goyaml.to_json(value, indent="  ")
    except goyaml.GoJsonError:
        return ""


def _must_to_pretty_json(value) -> str:
    try:
        return goyaml.to_json(value, indent="  ")
    except goyaml.GoJsonError as exc:
        raise FuncError(str(exc))


def _to_raw_json(value) -> str:
    try:
        return goyaml.to_json(value, escape_html=False)
    except goyaml.GoJsonError:
        return ""


def _must_to_raw_json(value) -> str:
    try:
        return goyaml.to_json(value, escape_html=False)
    except goyaml.GoJsonError as exc:
        raise FuncError(str(exc))


def sprig_json_funcs() -> dict:
    """Sprig's JSON encoders (toPrettyJson, mustToPrettyJson, toRawJson, mustToRawJson) on the Go-compatible
    encoder; ``helm.py`` uses them only where Sprig's FUNCS does not define these names."""
    return {
        "toPrettyJson": _to_pretty_json,
        "mustToPrettyJson": _must_to_pretty_json,
        "toRawJson": _to_raw_json,
        "mustToRawJson": _must_to_raw_json,
    }
