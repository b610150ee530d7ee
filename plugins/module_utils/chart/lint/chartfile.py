"""Helm v4's Chart.yaml lint rules (pkg/chart/v2/lint/rules/chartfile.go), in Helm's order and wording.

Chart.yaml is read the way Helm reads it: sigs.k8s.io/yaml (go-yaml v2 then encoding/json), so a number where a
string field is expected becomes that string, and a type check on the raw map names Go's type (``float64``).
"""
from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ...gocompat.strconv import go_quote
from ...libraries import yaml
from ...semver import SemverError, parse_constraint, parse_version
from ...yaml import aliases
from ...yaml.errors import go_yaml_error_text
from ...yaml.load import GoYamlLoader
from ..metadata import DEPENDENCY_FIELDS, MAINTAINER_FIELDS, METADATA_FIELDS, as_string
from .k8sdoc import json_kind as kind
from .support import ERROR, INFO, WARNING

_PRE_IDENT = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
_STRICT_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                            r"(?:-(%s(?:\.%s)*))?" % (_PRE_IDENT, _PRE_IDENT) +
                            r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_GO_TYPES = {"str": "string", "bool": "bool", "strlist": "[]string", "strmap": "map[string]string",
             "maintainers": "[]*v2.Maintainer", "dependencies": "[]*v2.Dependency"}


def go_type_name(value) -> str:
    """``fmt.Sprintf("%T")`` of a value after sigs.k8s.io/yaml turned it into JSON and back into Go."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    return "map[string]interface {}"


def json_kind(value) -> str:
    return kind(value)


def _typed(raw: dict, fields, struct: str) -> dict:
    """Fields of ``raw`` converted as encoding/json converts them into Helm's struct; raises ValueError (Go text)."""
    out = {}
    for json_name, _go, kind in fields:
        if json_name not in raw or raw[json_name] is None:
            continue
        value = raw[json_name]
        bad = None
        if kind == "str" and isinstance(value, (list, dict)):
            bad = value
        elif kind == "bool" and not isinstance(value, bool):
            bad = value
        elif kind in ("strlist", "maintainers", "dependencies") and not isinstance(value, list):
            bad = value
        elif kind == "strmap" and not isinstance(value, dict):
            bad = value
        if bad is not None:
            raise ValueError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go struct "
                             "field %s.%s of type %s" % (json_kind(bad), struct, json_name, _GO_TYPES[kind]))
        if kind == "str":
            value = as_string(value, json_name)
        elif kind == "strlist":
            value = [as_string(v, json_name) if not isinstance(v, (list, dict)) else "" for v in value]
        elif kind == "maintainers":
            value = [None if m is None else _typed(m if isinstance(m, dict) else {}, MAINTAINER_FIELDS, "Maintainer")
                     for m in value]
        elif kind == "dependencies":
            value = [None if d is None else _typed(d if isinstance(d, dict) else {}, DEPENDENCY_FIELDS, "Dependency")
                     for d in value]
        out[json_name] = value
    return out


def load_chartfile(path: str):
    """``(metadata, raw)`` of the Chart.yaml at ``path``; raises ValueError with Go's error text."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except IsADirectoryError:
        raise ValueError("read %s: is a directory" % path) from None
    except OSError as exc:
        raise ValueError("open %s: %s" % (path, (exc.strerror or str(exc)).lower())) from None
    try:
        raw = aliases.load(text, GoYamlLoader)
    except yaml.YAMLError as exc:
        raise ValueError("error converting YAML to JSON: %s" % go_yaml_error_text(exc, text)) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValueError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of "
                         "type v2.Metadata" % json_kind(raw))
    raw = {str(k): v for k, v in raw.items()}
    return _typed(raw, METADATA_FIELDS, "Metadata"), raw


def _unknown_field(raw: dict):
    known = {f[0].lower() for f in METADATA_FIELDS}
    for key in sorted(raw):
        if key.lower() not in known:
            return key
        nested = {"maintainers": MAINTAINER_FIELDS, "dependencies": DEPENDENCY_FIELDS}.get(key.lower())
        if nested and isinstance(raw[key], list):
            names = {f[0].lower() for f in nested}
            for item in raw[key]:
                for sub in sorted(item) if isinstance(item, dict) else ():
                    if str(sub).lower() not in names:
                        return sub
    return None


def is_request_url(text: str) -> bool:
    """govalidator.IsRequestURL: Go's url.ParseRequestURI accepts it and it has a scheme."""
    if not text or any(ord(c) < 0x20 or ord(c) == 0x7f for c in text):
        return False
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return not (" " in parts.netloc)


def is_url(text: str) -> bool:
    """govalidator.IsURL for the shapes charts use: no white space, a host, an optional scheme."""
    if not text or len(text) >= 2083 or len(text) <= 3 or text.startswith(".") or re.search(r"\s", text):
        return False
    candidate = text if "://" in text else "http://" + text
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return False
    return bool(host) and not host.startswith(".")


def _version_problem(version: str):
    if not version:
        return "version is required"
    try:
        parsed = parse_version(version)
    except (SemverError, ValueError):
        return "version '%s' is not a valid SemVer" % version
    if not parse_constraint(">0.0.0-0").check(parsed):
        return "version %s is less than or equal to 0.0.0-0" % version
    return None


def _maintainer_problem(maintainers):
    for m in maintainers:
        if m is None:
            return "a maintainer entry is empty"
        name = m.get("name", "")
        if not name:
            return "each maintainer requires a name"
        if m.get("email") and not _EMAIL.match(m["email"]):
            return "invalid email '%s' for maintainer '%s'" % (m["email"], name)
        if m.get("url") and not is_url(m["url"]):
            return "invalid url '%s' for maintainer '%s'" % (m["url"], name)
    return None


def _api_version_problem(api_version: str):
    if not api_version:
        return 'apiVersion is required. The value must be either "v1" or "v2"'
    if api_version not in ("v1", "v2"):
        return "apiVersion '%s' is not valid. The value must be either \"v1\" or \"v2\"" % api_version
    return None


def _name_problem(name: str):
    if not name:
        return "name is required"
    if os.path.basename(name.rstrip("/")) != name or name.endswith("/"):
        return "chart name %s is invalid" % _quote(name)
    return None


def _quote(text: str) -> str:
    return go_quote(text)


def _type_problem(raw: dict, key: str):
    if key in raw and go_type_name(raw[key]) != "string":
        return "%s should be of type string but it's of type %s" % (key, go_type_name(raw[key]))
    return None


def lint_chartfile(linter) -> None:
    """Run the Chart.yaml rules on ``linter.chart_dir`` (Helm's ``rules.Chartfile``)."""
    name = "Chart.yaml"
    path = os.path.join(linter.chart_dir, name)
    linter.run(ERROR, name, "should be a file, not a directory" if os.path.isdir(path) else None)
    try:
        meta, raw = load_chartfile(path)
    except ValueError as exc:
        linter.run(ERROR, name, "unable to parse YAML\n\t%s" % exc)
        return
    unknown = _unknown_field(raw)
    if unknown is not None:
        linter.run(WARNING, name, "failed to strictly parse chart metadata file\n\terror unmarshaling JSON: while "
                                  "decoding JSON: json: unknown field \"%s\"" % unknown)
    api_version = meta.get("apiVersion", "")
    linter.run(ERROR, name, _name_problem(meta.get("name", "")))
    linter.run(ERROR, name, _api_version_problem(api_version))
    linter.run(ERROR, name, _type_problem(raw, "version"))
    linter.run(ERROR, name, _version_problem(meta.get("version", "")))
    linter.run(ERROR, name, _type_problem(raw, "appVersion"))
    linter.run(ERROR, name, _maintainer_problem(meta.get("maintainers", [])))
    bad_sources = [s for s in meta.get("sources", []) if not is_request_url(s)]
    linter.run(ERROR, name, "invalid source URL '%s'" % bad_sources[0] if bad_sources else None)
    icon = meta.get("icon", "")
    linter.run(INFO, name, None if icon else "icon is recommended")
    linter.run(ERROR, name, "invalid icon URL '%s'" % icon if icon and not is_request_url(icon) else None)
    linter.run(ERROR, name, "chart type is not valid in apiVersion '%s'. It is valid in apiVersion 'v2'" % api_version
               if meta.get("type") and api_version != "v2" else None)
    linter.run(ERROR, name, "dependencies are not valid in the Chart file with apiVersion '%s'. They are valid in "
                            "apiVersion 'v2'" % api_version if meta.get("dependencies") and api_version != "v2"
               else None)
    version = meta.get("version", "")
    linter.run(WARNING, name, None if _STRICT_SEMVER.match(version) else
               "version '%s' is not a valid SemVerV2" % version)
