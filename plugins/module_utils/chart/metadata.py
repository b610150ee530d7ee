"""Chart.yaml: parsing into Helm's ``chart.Metadata`` shape and validation (pkg/chart/v2/metadata.go).

Metadata is kept as a dict with Helm's JSON field names in Go struct order, empty fields omitted, exactly as the
release record serialises it. ``template_view`` gives the map templates see as ``.Chart`` in Helm v4 (Go field
names, plus ``IsRoot``).
"""
from __future__ import annotations

import re

from ..libraries import yaml  # PyYAML, guarded once in libraries.py
from ..errors import ChartError, ValuesError
from ..gocompat.strconv import format_float
from ..semver import SemverError, parse_version
from ..yaml.aliases import check_document
from ..yaml.errors import GoYamlError, go_yaml_error_text
from ..yaml.load import GoYamlLoader, decode_utf8, load_go_yaml

# (json name, Go field name, kind) in chart.Metadata struct order.
METADATA_FIELDS = (
    ("name", "Name", "str"), ("home", "Home", "str"), ("sources", "Sources", "strlist"),
    ("version", "Version", "str"), ("description", "Description", "str"), ("keywords", "Keywords", "strlist"),
    ("maintainers", "Maintainers", "maintainers"), ("icon", "Icon", "str"), ("apiVersion", "APIVersion", "str"),
    ("condition", "Condition", "str"), ("tags", "Tags", "str"), ("appVersion", "AppVersion", "str"),
    ("deprecated", "Deprecated", "bool"), ("annotations", "Annotations", "strmap"),
    ("kubeVersion", "KubeVersion", "str"), ("dependencies", "Dependencies", "dependencies"),
    ("type", "Type", "str"),
)
MAINTAINER_FIELDS = (("name", "Name", "str"), ("email", "Email", "str"), ("url", "URL", "str"))
DEPENDENCY_FIELDS = (
    ("name", "Name", "str"), ("version", "Version", "str"), ("repository", "Repository", "str"),
    ("condition", "Condition", "str"), ("tags", "Tags", "strlist"), ("enabled", "Enabled", "bool"),
    ("import-values", "ImportValues", "any"), ("alias", "Alias", "str"),
)
_ALWAYS_KEPT = {("dependency", "repository")}  # `json:"repository"` has no omitempty
_ALIAS = re.compile(r"^[a-zA-Z0-9_-]+$")


def as_string(value, where: str) -> str:
    # sigs.k8s.io/yaml turns scalars into strings when the Go field is a string.
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value, 32)
    raise ChartError("%s: expected a string, got %s" % (where, type(value).__name__))


def _convert(value, kind: str, where: str):
    if kind == "str":
        return as_string(value, where)
    if kind == "bool":
        if value is None:
            return False
        if not isinstance(value, bool):
            raise ChartError("%s: expected true or false, got %r" % (where, value))
        return value
    if kind == "strlist":
        if value is None:
            return []
        if not isinstance(value, list):
            raise ChartError("%s: expected a list of strings" % where)
        return [as_string(v, where) for v in value]
    if kind == "strmap":
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ChartError("%s: expected a map of strings" % where)
        return {as_string(k, where): as_string(v, "%s.%s" % (where, k)) for k, v in value.items()}
    if kind in ("maintainers", "dependencies"):
        if value is not None and not isinstance(value, list):
            raise ChartError("%s: expected a list" % where)
        for item in value or []:
            if item is None:
                raise ChartError("%s: validation: %s must not contain empty or null nodes; remove the empty entry"
                                 % (where, kind))
        if kind == "maintainers":
            fields, label = MAINTAINER_FIELDS, "maintainer"
        else:
            fields, label = DEPENDENCY_FIELDS, "dependency"
        return [go_struct(item, fields, "%s[%d]" % (where, i), label) for i, item in enumerate(value or [])]
    return value


def go_struct(raw, fields, where: str, kind: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ChartError("%s: expected a map" % where)
    out = {}
    for json_name, _go, field_kind in fields:
        if json_name not in raw:
            if (kind, json_name) in _ALWAYS_KEPT:
                out[json_name] = ""
            continue
        value = _convert(raw[json_name], field_kind, "%s.%s" % (where, json_name))
        if value in ("", [], {}, False, None) and (kind, json_name) not in _ALWAYS_KEPT:
            continue
        out[json_name] = value
    return out


def parse_metadata(data, source: str = "Chart.yaml") -> dict:
    """Parse Chart.yaml bytes into Metadata (JSON names, struct order, empty fields omitted).

    Unknown fields are ignored, like sigs.k8s.io/yaml. An empty ``apiVersion`` becomes ``v1`` (loader behaviour).
    Raises ChartError naming ``source`` on bad YAML or field types.
    """
    try:
        data = decode_utf8(data, "Chart.yaml")
    except ValuesError as exc:
        raise ChartError("%s: %s" % (source, exc)) from None
    try:
        raw = yaml.load(data, Loader=GoYamlLoader)
    except yaml.YAMLError as exc:  # Helm's wording (sigs.k8s.io/yaml over go-yaml v2), then where and a fix
        raise ChartError("%s: cannot load Chart.yaml: error converting YAML to JSON: %s; fix the YAML syntax"
                         % (source, go_yaml_error_text(exc, data))) from None
    try:
        check_document(raw, data)
    except GoYamlError as exc:
        raise ChartError("%s: cannot load Chart.yaml: error converting YAML to JSON: %s" % (source, exc)) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ChartError("%s: expected a map at top level" % source)
    raw = {as_string(k, source): v for k, v in raw.items()}
    meta = go_struct(raw, METADATA_FIELDS, source, "metadata")
    if not meta.get("apiVersion"):
        meta = _with_api_version(meta, "v1")
    return meta


def _with_api_version(meta: dict, api_version: str) -> dict:
    out = {}
    for json_name, _go, _kind in METADATA_FIELDS:
        if json_name == "apiVersion":
            out[json_name] = api_version
        elif json_name in meta:
            out[json_name] = meta[json_name]
    return out


def apply_requirements(meta: dict, data, source: str) -> dict:
    """Merge a v1 chart's requirements.yaml ``dependencies`` into metadata (loader: unmarshal into Metadata)."""
    raw = load_go_yaml(data.decode("utf-8", "replace") if isinstance(data, bytes) else data, source) or {}
    if not isinstance(raw, dict):
        raise ChartError("%s: expected a map at top level" % source)
    deps = _convert(raw.get("dependencies"), "dependencies", source + ".dependencies")
    out = {}
    for json_name, _go, _kind in METADATA_FIELDS:
        if json_name == "dependencies":
            if deps:
                out[json_name] = deps
        elif json_name in meta:
            out[json_name] = meta[json_name]
    return out


def sanitize_string(text: str) -> str:
    """Helm's sanitizeString: every Unicode space becomes " ", other non-printable characters are dropped."""
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif ch.isprintable():
            out.append(ch)
    return "".join(out)


_SANITIZED = ("name", "description", "home", "icon", "condition", "tags", "appVersion", "kubeVersion")
_SANITIZED_LISTS = ("sources", "keywords")
_SANITIZED_MAINTAINER = ("name", "email", "url")
_SANITIZED_DEPENDENCY = ("name", "version", "repository", "condition", "alias")


def _sanitize(meta: dict) -> None:
    for key in _SANITIZED:
        if key in meta:
            meta[key] = sanitize_string(meta[key])
    for key in _SANITIZED_LISTS:
        if key in meta:
            meta[key] = [sanitize_string(v) for v in meta[key]]
    for maintainer in meta.get("maintainers", []):
        for key in _SANITIZED_MAINTAINER:
            if key in maintainer:
                maintainer[key] = sanitize_string(maintainer[key])
    for dep in meta.get("dependencies", []):
        for key in _SANITIZED_DEPENDENCY:
            if key in dep:
                dep[key] = sanitize_string(dep[key])
        if "tags" in dep:
            dep["tags"] = [sanitize_string(t) for t in dep["tags"]]


def _valid_semver(version: str) -> bool:
    try:
        parse_version(version)
    except (SemverError, ValueError):
        return False
    return True


def validate_metadata(meta: dict, source: str = "Chart.yaml") -> None:
    """Helm's Metadata.Validate: sanitises text fields in place (spaces for whitespace, non-printables dropped),
    then checks name, version (Masterminds semver), apiVersion, type and dependency aliases.

    Raises ChartError with Helm's wording ("validation: chart.metadata.name is required") plus the file.
    """
    _sanitize(meta)
    where = "%s: validation: " % source
    if not meta.get("apiVersion"):
        raise ChartError(where + "chart.metadata.apiVersion is required")
    if not meta.get("name"):
        raise ChartError(where + "chart.metadata.name is required; add `name:` to Chart.yaml")
    name = meta["name"]
    if "/" in name or "\\" in name or name in (".", ".."):
        raise ChartError(where + "chart.metadata.name %r is invalid; use a plain name" % name)
    if not meta.get("version"):
        raise ChartError(where + "chart.metadata.version is required; add `version:` to Chart.yaml")
    if not _valid_semver(meta["version"]):
        raise ChartError(where + "chart.metadata.version %r is invalid; use a semantic version like 1.2.3"
                         % meta["version"])
    kind = meta.get("type", "")
    if kind not in ("", "application", "library"):
        raise ChartError(where + "chart.metadata.type must be application or library")
    seen = {}
    for dep in meta.get("dependencies", []):
        alias = dep.get("alias", "")
        if alias and not _ALIAS.match(alias):
            raise ChartError(where + "dependency %r has disallowed characters in the alias" % dep.get("name", ""))
        key = alias or dep.get("name", "")
        if key in seen:
            raise ChartError(where + "more than one dependency with name or alias %r" % key)
        seen[key] = True


def template_view(meta: dict, is_root: bool) -> dict:
    """The map templates see as ``.Chart`` in Helm v4: Go field names, every field present, plus IsRoot."""
    view = {}
    for json_name, go_name, kind in METADATA_FIELDS:
        value = meta.get(json_name)
        if kind == "maintainers":
            value = [_struct_view(m, MAINTAINER_FIELDS) for m in (value or [])]
        elif kind == "dependencies":
            value = [_struct_view(d, DEPENDENCY_FIELDS) for d in (value or [])]
        elif value is None:
            value = _zero(kind)
        view[go_name] = value
    view["IsRoot"] = is_root
    return view


def _struct_view(data: dict, fields) -> dict:
    view = {}
    for json_name, go_name, kind in fields:
        value = data.get(json_name)
        if value is None:
            value = [] if json_name == "import-values" else _zero(kind)
        view[go_name] = value
    return view


def _zero(kind: str):
    return {"str": "", "bool": False, "strlist": [], "strmap": {}, "maintainers": [], "dependencies": []}.get(kind)
