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

import datetime
import math

from ..yaml import emit_v2, emit_v3
from ..yaml.errors import GoYamlError
from ..yaml.unmarshal import unmarshal
from . import fromtoml, gojson
from .errors import FuncError
from .gofmt import format_float_g
from .gotypes import go_type_name
from .limits import grow, node_tick

_MAP_TYPE = "map[string]interface {}"
_SLICE_TYPE = "[]interface {}"


def _yaml_text(value) -> str:
    """sigs.k8s.io/yaml Marshal without the final newline: encoding/json (gojson.jsonable), then go-yaml v2."""
    try:
        data = gojson.jsonable(value)
    except gojson.GoJsonError as exc:
        raise GoYamlError("error marshaling into JSON: %s" % exc) from None
    return emit_v2.dump(data)


def _pretty_node() -> None:
    node_tick("toYamlPretty")


def _pretty_string(size: int) -> None:
    grow("toYamlPretty", size)


def to_yaml(value) -> str:
    """toYaml: sigs.k8s.io/yaml Marshal without the final newline; "" when the value cannot be marshalled."""
    try:
        return _yaml_text(value)
    except GoYamlError:
        return ""


def must_to_yaml(value) -> str:
    """mustToYaml: like toYaml, but raises FuncError (Go's marshal error text) instead of printing ""."""
    try:
        return _yaml_text(value)
    except GoYamlError as exc:
        raise FuncError(str(exc))


def to_yaml_pretty(value) -> str:
    """toYamlPretty: go-yaml v3 Encoder with SetIndent(2), no final newline; "" on error."""
    try:
        return emit_v3.marshal_pretty(value, on_node=_pretty_node, on_string=_pretty_string)
    except (GoYamlError, gojson.GoJsonError):
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
    data = unmarshal(text)
    if data is None:
        return {} if want_map else []
    if want_map and not isinstance(data, dict):
        raise GoYamlError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
                          "value of type %s" % (_kind_name(data), _MAP_TYPE))
    if not want_map and not isinstance(data, list):
        raise GoYamlError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
                          "value of type %s" % (_kind_name(data), _SLICE_TYPE))
    return data


def from_yaml(text) -> dict:
    """fromYaml: the first YAML document as a dict (numbers are floats); {"Error": message} when it is not a
    mapping or not YAML."""
    try:
        return _unmarshal_yaml(_as_text(text), True)
    except GoYamlError as exc:
        return {"Error": str(exc)}


def from_yaml_array(text) -> list:
    """fromYamlArray: the first YAML document as a list; [message] when it is not a sequence or not YAML."""
    try:
        return _unmarshal_yaml(_as_text(text), False)
    except GoYamlError as exc:
        return [str(exc)]


def to_json(value) -> str:
    """toJson: Go json.Marshal (sorted keys, HTML-escaped); "" when the value cannot be encoded."""
    try:
        return gojson.to_json(value)
    except gojson.GoJsonError:
        return ""


def must_to_json(value) -> str:
    """mustToJson: like toJson but raises FuncError with Go's encoder message."""
    try:
        return gojson.to_json(value)
    except gojson.GoJsonError as exc:
        raise FuncError(str(exc))


def _unmarshal_json(text: str, want_map: bool):
    """json.Unmarshal into a map / slice: (value or None for JSON null, first decode error or None)."""
    errors = []
    data = gojson.from_json(text, errors)
    if data is not None:
        if want_map and not isinstance(data, dict):
            raise gojson.GoJsonError("json: cannot unmarshal %s into Go value of type %s" % (
                _kind_name(data), _MAP_TYPE))
        if not want_map and not isinstance(data, list):
            raise gojson.GoJsonError("json: cannot unmarshal %s into Go value of type %s" % (
                _kind_name(data), _SLICE_TYPE))
    return data, (errors[0] if errors else None)


def from_json(text) -> dict:
    """fromJson: a JSON object as a dict (numbers are floats); {"Error": message} otherwise. JSON null gives a
    nil map (None), as json.Unmarshal leaves it."""
    try:
        data, error = _unmarshal_json(_as_text(text), True)
    except gojson.GoJsonError as exc:
        return {"Error": str(exc)}
    if error is not None:
        data = {} if data is None else data
        data["Error"] = error
    return data


def from_json_array(text) -> list:
    """fromJsonArray: a JSON array as a list; [message] otherwise (JSON null gives a nil slice, None)."""
    try:
        data, error = _unmarshal_json(_as_text(text), False)
    except gojson.GoJsonError as exc:
        return [str(exc)]
    return [error] if error is not None else data


def _as_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    raise FuncError("wrong type for value; expected string; got %s" % _go_type(value))


def _go_type(value) -> str:
    return go_type_name(value)


# --- TOML (github.com/BurntSushi/toml) -----------------------------------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_TOML_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_TABLE, _ARRAY_TABLE, _OTHER = "table", "array-table", "other"


class _TomlError(Exception):
    """BurntSushi's tomlEncodeError: Encode returns it and toToml prints its text."""


def _toml_string(text: str) -> str:
    """writeQuoted: a basic string with BurntSushi's dblQuotedReplacer escapes."""
    out = ['"']
    for ch in text:
        esc = _TOML_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    """Key.maybeQuoted: bare when made of A-Za-z0-9_- only, else a quoted string."""
    if key and all(c in _TOML_BARE for c in key):
        return key
    return _toml_string(key)


def _toml_float(value: float) -> str:
    """BurntSushi/toml: strconv.FormatFloat(f, 'g', -1, 64), with ".0" added when that has no "." or exponent."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = format_float_g(value)
    return text if ("." in text or "e" in text) else text + ".0"


def _toml_type(value):
    """tomlTypeOfGo, reduced to what decides the layout: table, array of tables, or anything else (None: nil)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return _TABLE
    if isinstance(value, list):
        if not value:
            return _OTHER
        if any(item is None for item in value):
            raise _TomlError("toml: cannot encode array with nil element")
        return _ARRAY_TABLE if all(isinstance(item, dict) for item in value) else _OTHER
    return _OTHER


class _TomlEncoder(object):
    """BurntSushi/toml's Encoder (encode.go) for template values: tables indented two spaces per level."""

    def __init__(self) -> None:
        self.out = []
        self.wrote_nl = 0
        self.has_written = False

    def wf(self, text: str) -> None:
        self.out.append(text)
        self.wrote_nl = 0
        self.has_written = True

    def newline(self, count: int) -> None:
        """Make sure ``count`` newlines end the output (none at the top of the file)."""
        if not self.has_written:
            return
        missing = count - self.wrote_nl
        if missing > 0:
            self.out.append("\n" * missing)
            self.wrote_nl += missing

    def element(self, value) -> None:
        if value is True or value is False:
            self.wf("true" if value else "false")
        elif isinstance(value, str):
            self.wf(_toml_string(value))
        elif isinstance(value, int):
            self.wf(str(value))
        elif isinstance(value, float):
            self.wf(_toml_float(value))
        elif isinstance(value, list):
            _toml_type(value)  # refuses nil elements
            self.wf("[")
            for index, item in enumerate(value):
                self.element(item)
                if index != len(value) - 1:
                    self.wf(", ")
            self.wf("]")
        elif isinstance(value, dict):
            self.map(value, [], inline=True)
        else:
            raise _TomlError("toml: cannot encode a value of type %s" % _go_type(value))

    def encode(self, key: list, value) -> None:
        kind = _toml_type(value)
        if kind is None:
            return
        if kind == _TABLE:
            self.table(key, value)
        elif kind == _ARRAY_TABLE:
            self.array_of_tables(key, value)
        else:
            self.key_value(key, value)
            self.newline(1)

    def key_value(self, key: list, value) -> None:
        self.wf("%s%s = " % ("  " * (len(key) - 1), _toml_key(key[-1])))
        self.element(value)

    def table(self, key: list, value: dict) -> None:
        if len(key) == 1:
            self.newline(2)
        if key:
            self.wf("%s[%s]" % ("  " * (len(key) - 1), ".".join(_toml_key(k) for k in key)))
            self.newline(1)
        self.map(value, key, inline=False)

    def array_of_tables(self, key: list, value: list) -> None:
        for item in value:
            if item is None:
                continue
            self.newline(2)
            self.wf("%s[[%s]]" % ("  " * (len(key) - 1), ".".join(_toml_key(k) for k in key)))
            self.newline(1)
            if not isinstance(item, dict):
                raise _TomlError("toml: cannot encode a value of type %s" % _go_type(item))
            self.map(item, key, inline=False)

    def map(self, value: dict, key: list, inline: bool) -> None:
        direct = sorted((k for k in value if _toml_type(value[k]) not in (_TABLE, _ARRAY_TABLE)), key=_go_bytes)
        sub = sorted((k for k in value if _toml_type(value[k]) in (_TABLE, _ARRAY_TABLE)), key=_go_bytes)
        if inline:
            self.wf("{")
        for group, trailing in ((direct, bool(sub)), (sub, False)):
            for index, name in enumerate(group):
                item = value[name]
                if item is None:
                    continue
                if inline:
                    self.key_value([name], item)
                    if trailing or index != len(group) - 1:
                        self.wf(", ")
                else:
                    self.encode(key + [name], item)
        if inline:
            self.wf("}")


def _go_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _encode_toml(value) -> str:
    """toml.NewEncoder(b).Encode(value) output; raises FuncError for nil (Go panics there), _TomlError else."""
    if value is None:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    encoder = _TomlEncoder()
    if isinstance(value, dict):
        encoder.encode([], value)
    else:
        encoder.element(value)
    return "".join(encoder.out)


def to_toml(value) -> str:
    """toToml: BurntSushi/toml Encoder output (tables sorted, nested tables indented two spaces); the error
    text when the value cannot be encoded."""
    try:
        return _encode_toml(value)
    except _TomlError as exc:
        return str(exc)


def must_to_toml(value) -> str:
    """mustToToml: like toToml but raises FuncError on error."""
    try:
        return _encode_toml(value)
    except _TomlError as exc:
        raise FuncError(str(exc))


def from_toml(text) -> dict:
    """fromToml: a TOML document as a dict; ``{"Error": message}`` with BurntSushi/toml's message when it cannot be
    decoded (helm.sh/helm/v4 pkg/engine/funcs.go fromTOML). Decoding is :func:`fromtoml.decode` (tomllib/tomli)."""
    try:
        return _toml_times(fromtoml.decode(_as_text(text)))
    except fromtoml.TomlError as exc:
        return {"Error": str(exc)}


class TomlTime(object):
    """A TOML date-time as BurntSushi decodes it (Go ``time.Time``): toJson writes RFC 3339, printing uses Go's
    ``Time.String`` layout."""

    go_type = "time.Time"

    def __init__(self, value) -> None:
        self.value = value

    def go_json(self) -> str:
        value = self.value
        if isinstance(value, datetime.datetime):
            text = value.isoformat()
            offset = value.utcoffset()
            if offset is not None and offset == datetime.timedelta(0):
                text = text[:-6] + "Z"
            return text
        if isinstance(value, datetime.date):
            return value.isoformat() + "T00:00:00Z"
        return "0000-01-01T%sZ" % value.isoformat()

    def __str__(self) -> str:
        value = self.value
        if isinstance(value, datetime.datetime):
            offset = value.utcoffset()
            if offset is None or offset == datetime.timedelta(0):
                return value.strftime("%Y-%m-%d %H:%M:%S") + _fraction(value) + " +0000 UTC"
            zone = value.strftime("%z")
            return value.strftime("%Y-%m-%d %H:%M:%S") + _fraction(value) + " %s %s" % (zone, zone)
        return self.go_json()


def _fraction(value) -> str:
    return ("." + ("%06d" % value.microsecond).rstrip("0")) if value.microsecond else ""


def _toml_times(value):
    if isinstance(value, dict):
        return dict((k, _toml_times(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_toml_times(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return TomlTime(value)
    return value


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
        return gojson.to_json(value, indent="  ")
    except gojson.GoJsonError:
        return ""


def _must_to_pretty_json(value) -> str:
    try:
        return gojson.to_json(value, indent="  ")
    except gojson.GoJsonError as exc:
        raise FuncError(str(exc))


def _to_raw_json(value) -> str:
    try:
        return gojson.to_json(value, escape_html=False)
    except gojson.GoJsonError:
        return ""


def _must_to_raw_json(value) -> str:
    try:
        return gojson.to_json(value, escape_html=False)
    except gojson.GoJsonError as exc:
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
