"""Render a chart like Helm v4: the public chart API of helmkit.core.

Pipeline (Helm's ``action.Install``/``helm template`` order)::

    load_chart -> process_dependencies (aliases, condition/tags, import-values)
               -> coalesce_values -> schema validation -> template contexts -> engine.helm.render
               -> (render_release only) NOTES extraction, SortManifests, manifest string

:func:`render_chart` returns what Helm's ``engine.Render`` returns; :func:`render_release` what the release layer
stores and applies. Neither touches a cluster (``lookup`` gives empty results unless a lookup callable is given).
"""
from __future__ import annotations

import importlib
import json
import re

from ..engine.helm import RenderTemplate, render
from ..engine.runtime import EngineScope
from ..errors import ChartError, HelmkitError, ValuesError
from ..gocompat.regexp import RegexpError, compile_go
from ..libraries import MissingLibraryError, import_library
from ..semver import SemverError, parse_constraint
from . import loadcache
from .context import Capabilities, chart_context, release_object
from .loader import Chart, load_chart
from .manifest import Manifest, build_manifest, extract_notes, sort_manifests
from .values import coalesce_values, process_dependencies


class RenderedRelease(object):
    """Result of :func:`render_release`.

    Attributes:
        manifest (str): non-hook documents exactly as Helm stores the release manifest
            (``"---\\n# Source: <path>\\n<doc>\\n"`` each, in install order, CRDs and NOTES excluded).
        manifests (list[Manifest]): those documents in install (kind) order.
        hooks (list[Hook]): hook documents, kind-sorted as Helm stores them.
        notes (str): the top chart's rendered NOTES.txt (plus subcharts' with ``subchart_notes``).
        crds (list[Manifest]): ``crds/`` files of the chart and its enabled subcharts (name = full path).
        chart (Chart): the chart after dependency processing (what Helm stores in the release).
        config (dict): the user-supplied values.
        values (dict): the coalesced values the templates saw.
        files (dict[str, str]): every rendered template (engine output, NOTES included).
    """

    def __init__(self, manifest, manifests, hooks, notes, crds, chart, config, values, files):
        self.manifest = manifest
        self.manifests = manifests
        self.hooks = hooks
        self.notes = notes
        self.crds = crds
        self.chart = chart
        self.config = config
        self.values = values
        self.files = files


def _as_chart(chart) -> Chart:
    if isinstance(chart, Chart):
        return chart
    return load_chart(chart)


def validate_values_schema(chart: Chart, values: dict) -> None:
    """Check ``values`` against ``values.schema.json`` of the chart and, recursively, of each subchart.

    Helm does this on install and template (pkg/chart/common/util/jsonschema.go ``ValidateAgainstSchema``).
    Uses the ``jsonschema`` package, imported only when a chart ships a schema, and only when no earlier run found
    the same values valid against the same schemas (:func:`.loadcache.known_valid`: importing jsonschema costs
    more than many a whole render).
    Raises ValuesError listing every chart and violation, or ChartError when a schema is not valid JSON.
    """
    checks = []
    _schema_checks(chart, values, checks)
    if not checks:
        return
    key = loadcache.schema_verdict_key([(sub.full_path(), sub.schema, sub_values) for sub, sub_values in checks])
    if loadcache.known_valid(key):
        return
    problems = []
    for sub, sub_values in checks:
        _collect_schema_problems(sub, sub_values, problems)
    if problems:
        raise ValuesError("values don't meet the specifications of the schema(s) in the following chart(s):\n"
                          + "".join(problems))
    loadcache.remember_valid(key)


def _schema_checks(chart: Chart, values: dict, out: list) -> None:
    """``(chart, its values)`` for the chart and each subchart (depth first) that ships a schema."""
    if chart.schema:
        out.append((chart, values))
    for sub in chart.dependencies:
        sub_values = values.get(sub.name)
        _schema_checks(sub, sub_values if isinstance(sub_values, dict) else {}, out)


def _collect_schema_problems(chart: Chart, values: dict, problems: list) -> None:
    try:
        schema = json.loads(chart.schema)
    except ValueError as exc:
        raise ChartError("%s: values.schema.json is not valid JSON: %s" % (chart.full_path(), exc)) from None
    errors = schema_errors(schema, values, chart.full_path())
    if errors:
        problems.append("%s:\n%s\n" % (chart.name, "\n".join(errors)))


def schema_errors(schema, values, where: str) -> list:
    """Violations of ``values`` as the lines Helm v4 prints (santhosh-tekuri/jsonschema v6 ``ValidationError``).

    v6 nests errors the way it validates: every instance location whose validation failed in more than one way is
    a ``- at '<loc>': validation failed`` group with its causes indented below it; a location that failed in one
    way is a single line. At one location, object keywords (min/maxProperties, required) come first, then the
    properties in the values' order (Helm's order is Go's random map order), then additionalProperties, then the
    rest. ``type``, ``const`` and ``enum`` stop the validation of their location, as in v6.
    """
    try:
        jsonschema = import_library("jsonschema", "jsonschema")  # optional: jsonschema (only a chart with a schema)
    except MissingLibraryError as exc:
        raise ChartError("%s ships values.schema.json: %s" % (where, exc)) from None
    if not isinstance(schema, dict):
        return []
    validator_class = _linear_time(jsonschema, jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft7Validator))
    root = _SchemaNode()
    for error in _checked_errors(jsonschema, validator_class, schema, values, where):
        node = root
        for part in error.absolute_path:
            node = node.children.setdefault(part, _SchemaNode())
        node.errors.append(error)
    lines = []
    for location, message, depth in root.causes(values, ""):
        lines.append("%s- at '%s': %s" % ("  " * depth, location, message))
    return lines


def _checked_errors(jsonschema, validator_class, schema: dict, values, where: str) -> list:
    """``iter_errors`` as a list; a schema that cannot be applied becomes a ValuesError worded as Helm's is (its
    validator compiles the schema first): a ``$ref`` cycle, a ``$ref`` that does not resolve (helmkit does not
    load files or URLs named by a schema, so a chart cannot make it read ``/etc/passwd``), or a schema that is
    not valid against its metaschema."""
    header = "values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n" % where
    try:
        return list(validator_class(schema).iter_errors(values))
    except RecursionError:
        raise ValuesError(header + "- at '': a $ref in values.schema.json leads back to itself, causing a reference "
                                   "cycle; point it at a schema that does not refer to itself") from None
    except jsonschema.exceptions.SchemaError as exc:
        raise ValuesError(header + "values.schema.json is not valid against its metaschema: %s" % exc.message) \
            from None
    except HelmkitError:  # a pattern Go refuses (_schema_search)
        raise
    except Exception as exc:  # referencing.exceptions.Unresolvable, and TypeErrors on keywords of the wrong type
        if "Unresolvable" in [kind.__name__ for kind in type(exc).__mro__]:
            raise ValuesError(header + "failing loading %s: helmkit resolves $ref only inside values.schema.json "
                                       "(files and URLs are not loaded); inline the referenced schema"
                              % _quote(str(getattr(exc, "ref", "")) or str(exc))) from None
        try:
            validator_class.check_schema(schema)
        except jsonschema.exceptions.SchemaError as bad:
            raise ValuesError(header + "values.schema.json is not valid against its metaschema: %s at '/%s'"
                              % (bad.message, "/".join(str(p) for p in bad.absolute_path))) from None
        raise ValuesError(header + "values.schema.json cannot be applied: %s: %s" % (type(exc).__name__, exc)) \
            from None


_LINEAR = {}


def _schema_search(expected, text) -> bool:
    """Whether the schema regex ``expected`` (a ``pattern`` or a ``patternProperties`` key) matches somewhere in
    ``text``, by Go's regexp on RE2 (gocompat/regexp.py): linear time. Raises ChartError for a pattern Go
    refuses."""
    try:
        return compile_go(expected, must=True).search(text) is not None
    except RegexpError as exc:
        raise ChartError("values.schema.json: pattern %s is not a valid regular expression: %s"
                         % (_quote(expected), exc)) from None


class _GoPatterns(object):
    """Stands for the ``re`` module inside jsonschema's keyword helpers, whose ``search`` evaluates the
    ``patternProperties`` that ``additionalProperties`` and ``unevaluatedProperties`` skip (jsonschema's
    ``find_additional_properties``, ``find_evaluated_property_keys_by_schema``): ``search`` is
    :func:`_schema_search`; everything else is Python's ``re``."""

    def search(self, expected, text, flags=0):  # pylint: disable=unused-argument
        return _schema_search(expected, text) or None

    def __getattr__(self, name):
        return getattr(re, name)


#: jsonschema's modules that call ``re.search`` with a schema's patterns, across its 3.x and 4.x layouts.
_PATTERN_MODULES = ("_utils", "_keywords", "_legacy_keywords", "_validators", "_legacy_validators")


def _route_library_patterns(jsonschema) -> None:
    """Make jsonschema's own helpers match every schema pattern on RE2 (see :class:`_GoPatterns`). The keywords
    that name a pattern themselves (``pattern``, ``patternProperties``) are replaced in :func:`_linear_time`; the
    ones that look at ``patternProperties`` of the schema beside them (``additionalProperties``,
    ``unevaluatedProperties``) go through the library's helpers, so the helpers' ``re`` is replaced. Only schema
    patterns go through ``re.search`` there; the library's own fixed regexes are compiled objects."""
    for name in _PATTERN_MODULES:
        try:
            module = importlib.import_module("jsonschema." + name)
        except ImportError:
            continue
        if getattr(module, "re", None) is not None and not isinstance(module.re, _GoPatterns):
            module.re = _GoPatterns()


def _linear_time(jsonschema, validator_class):
    """``validator_class`` with every schema pattern (``pattern``, ``patternProperties``, and the
    ``patternProperties`` that ``additionalProperties``/``unevaluatedProperties`` consult) checked by Go's regexp
    on RE2 (:func:`_schema_search`), as Helm's validator does: linear time, so a hostile pattern cannot hang an
    install as Python's backtracking ``re`` would, and Go's syntax (``\\d`` ASCII-only, ``$`` at the very end)."""
    if validator_class not in _LINEAR:
        _route_library_patterns(jsonschema)

        def pattern(validator, expected, instance, _schema):
            if validator.is_type(instance, "string") and isinstance(expected, str) \
                    and not _schema_search(expected, instance):
                yield jsonschema.ValidationError("%r does not match %r" % (instance, expected))

        def pattern_properties(validator, patterns, instance, _schema):
            if not validator.is_type(instance, "object"):
                return
            for expected, subschema in patterns.items():
                for key, item in instance.items():
                    if _schema_search(expected, key):
                        yield from validator.descend(item, subschema, path=key, schema_path=expected)

        _LINEAR[validator_class] = jsonschema.validators.extend(
            validator_class, {"pattern": pattern, "patternProperties": pattern_properties})
    return _LINEAR[validator_class]


_STOPPING = ("type", "const", "enum")
_FIRST = ("minProperties", "maxProperties", "required", "dependencies", "minItems", "maxItems", "uniqueItems")
_AFTER_PROPERTIES = ("additionalProperties", "additionalItems", "contains")


class _SchemaNode(object):
    """Errors found at one instance location and the child locations below it."""

    def __init__(self):
        self.errors = []
        self.children = {}

    def causes(self, instance, location: str, depth: int = 0):
        """(location, message, depth) lines for the causes at this location, v6 order."""
        stopping = [e for e in self.errors if e.validator in _STOPPING]
        if stopping:
            first = min(stopping, key=lambda e: _STOPPING.index(e.validator))
            return [(location, _schema_message(first), depth)]
        items = [[(location, _schema_message(e), depth)] for e in self.errors if e.validator in _FIRST]
        for key in _child_order(instance, self.children):
            child = self.children[key]
            child_location = "%s/%s" % (location, str(key).replace("~", "~0").replace("/", "~1"))
            child_instance = _child(instance, key)
            sub = child.causes(child_instance, child_location, depth + 1)
            if child.count_causes() > 1:
                items.append([(child_location, "validation failed", depth)] + sub)
            else:
                items.append([(loc, msg, d - 1) for loc, msg, d in sub])
        items += [[(location, _schema_message(e), depth)] for e in self.errors if e.validator in _AFTER_PROPERTIES]
        items += [[(location, _schema_message(e), depth)] for e in self.errors
                  if e.validator not in _FIRST + _AFTER_PROPERTIES]
        return [line for item in items for line in item]

    def count_causes(self) -> int:
        if any(e.validator in _STOPPING for e in self.errors):
            return 1
        return len(self.errors) + len(self.children)


def _child_order(instance, children: dict):
    if isinstance(instance, dict):
        return [k for k in instance if k in children]
    return sorted(children, key=lambda k: (not isinstance(k, int), k if isinstance(k, int) else str(k)))


def _child(instance, key):
    try:
        return instance[key]
    except (KeyError, IndexError, TypeError):
        return None


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _quote(value) -> str:
    """v6's display of a value: strings in single quotes (Go-quoted inside), anything else as JSON."""
    if isinstance(value, str):
        inner = json.dumps(value, ensure_ascii=False)[1:-1].replace('\\"', '"').replace("'", "\\'")
        return "'%s'" % inner
    return json.dumps(value, separators=(",", ":"))


def _schema_message(error) -> str:
    """The wording of santhosh-tekuri/jsonschema v6 (Helm v4's validator) for the common keywords."""
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return "got %s, want %s" % (_json_type(instance), " or ".join(str(w) for w in wanted))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                "minItems", "maxItems", "minProperties", "maxProperties", "multipleOf"):
        got = len(instance) if kind.endswith(("Length", "Items", "Properties")) else instance
        return "%s: got %s, want %s" % (kind, _plain_number(got), _plain_number(expected))
    if kind == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return "missing propert%s %s" % ("y" if len(missing) == 1 else "ies",
                                         ", ".join("'%s'" % name for name in missing))
    if kind == "enum":
        return "value must be one of %s" % ", ".join(_quote(v) for v in expected)
    if kind == "const":
        return "value must be %s" % _quote(expected)
    if kind == "pattern":
        return "%s does not match pattern %s" % (_quote(instance), _quote(expected))
    if kind == "additionalProperties" and isinstance(instance, dict):
        extra = sorted(k for k in instance if k not in (error.schema.get("properties") or {}))
        return "additional properties %s not allowed" % ", ".join("'%s'" % k for k in extra)
    return error.message


def _plain_number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _render_templates(chart: Chart, values: dict, release: dict, capabilities, strict: bool, lookup,
                      lint: bool = False):

    templates = []
    _collect_templates(chart, chart_context(chart, values, release, capabilities), templates, RenderTemplate)
    return render(templates, strict=strict, lookup=lookup, lint=lint)


def _collect_templates(chart: Chart, context: dict, out: list, factory) -> None:
    base = chart.full_path()
    library = chart.metadata.get("type") == "library"
    for template in chart.templates:
        if library and not template.name.rsplit("/", 1)[-1].startswith("_"):
            continue  # isTemplateValid: library charts contribute partials only
        out.append(factory(name="%s/%s" % (base, template.name), source=template.data.decode("utf-8", "replace"),
                           context=context, base_path="%s/templates" % base))
    for sub in chart.dependencies:
        _collect_templates(sub, context["Subcharts"][sub.name], out, factory)


def _prepare(chart, values, kube_version, api_versions, skip_schema_validation=False):
    loaded = _as_chart(chart)
    user = values or {}
    if not isinstance(user, dict):
        raise ValuesError("values must be a map of keys to values, got %s" % type(user).__name__)
    processed = process_dependencies(loaded, user)
    coalesced = coalesce_values(processed, user)
    if not skip_schema_validation:  # Helm v4's --skip-schema-validation
        validate_values_schema(processed, coalesced)
    capabilities = Capabilities(kube_version, api_versions)
    return processed, user, coalesced, capabilities


def render_chart(chart, values=None, release_name="release-name", namespace="default", revision=1,
                 is_upgrade=False, kube_version=None, api_versions=None, skip_schema_validation=False) -> dict:
    """Render every template of a chart, like Helm v4's ``engine.Render`` after ``helm template`` set-up.

    Args:
        chart: a chart directory path, a ``.tgz`` path, the ``.tgz`` bytes, or a loaded :class:`Chart`.
        values (dict | None): user values (already parsed; numbers as Helm sees them, e.g. from
            ``yaml/load.py load_values``), coalesced over the chart's defaults.
        release_name, namespace (str): ``.Release.Name`` / ``.Release.Namespace``.
        revision (int): ``.Release.Revision``. is_upgrade (bool): ``.Release.IsUpgrade`` (IsInstall is the negation).
        kube_version (str | None): ``.Capabilities.KubeVersion`` (default v1.36.0, Helm v4.2.3's offline default).
        api_versions (list[str] | None): extra ``.Capabilities.APIVersions`` entries.
        skip_schema_validation (bool): do not check the values against ``values.schema.json`` (Helm v4's
            ``--skip-schema-validation``, action.Install/Upgrade ``SkipSchemaValidation``).

    Returns:
        dict[str, str]: ``{"<chart>/templates/<file>": text}`` for every non-partial template of the chart and its
        enabled subcharts (``<chart>/charts/<sub or alias>/templates/...``), NOTES.txt included, as Helm's engine
        returns them (``<no value>`` removed). Library charts contribute no output.

    Raises (all HelmkitError subclasses, with messages for people):
        ChartError: the chart cannot be loaded or is invalid.
        engine.errors.TemplateError: a template fails to parse or execute; the text is Helm's
            (``template: <chart>/templates/x.yaml:3:5: executing ...``).
        ValuesError: values are malformed or violate ``values.schema.json``.
    """
    with EngineScope():  # loading and coalescing allocate as heavily as rendering: GC paused (engine/runtime.py)
        processed, _user, coalesced, capabilities = _prepare(chart, values, kube_version, api_versions,
                                                             skip_schema_validation)
        release = release_object(release_name, namespace, revision, is_upgrade)
        return _render_templates(processed, coalesced, release, capabilities, False, None)


def render_for_lint(processed: Chart, coalesced: dict, namespace: str, kube_version=None) -> dict:
    """Helm's lint render (rules/template.go): release ``test-release`` in ``namespace``, the engine's LintMode
    (``required``/``fail`` do not stop it), of a chart whose dependencies and values are already processed,
    coalesced and schema-checked. Returns what :func:`render_chart` returns; raises TemplateError."""
    with EngineScope():
        release = release_object("test-release", namespace, 1, False)
        return _render_templates(processed, coalesced, release, Capabilities(kube_version, None), False, None, True)


def crd_objects(chart: Chart) -> list:
    """``crds/*.yaml|yml|json`` of the chart then of its subcharts (Helm's CRDObjects); Manifest.name is
    ``<chart full path>/crds/<file>``."""
    out = []
    for f in chart.files:
        if f.name.startswith("crds/") and f.name.lower().rsplit(".", 1)[-1] in ("yaml", "yml", "json") \
                and "." in f.name.rsplit("/", 1)[-1]:
            out.append(Manifest("%s/%s" % (chart.full_path(), f.name), f.data.decode("utf-8", "replace"), {}))
    for sub in chart.dependencies:
        out.extend(crd_objects(sub))
    return out


def _check_kube_version(chart: Chart, capabilities) -> None:
    constraint = chart.metadata.get("kubeVersion")
    if not constraint:
        return
    try:
        ok = parse_constraint(constraint).check(capabilities.KubeVersion.Version)
    except (SemverError, ValueError):
        raise ChartError("%s: Chart.yaml kubeVersion %r is not a valid constraint" % (chart.name, constraint)) \
            from None
    if not ok:
        raise ChartError("chart requires kubeVersion: %s which is incompatible with Kubernetes %s"
                         % (constraint, capabilities.KubeVersion.Version))


def check_dependencies(chart: Chart) -> None:
    """Helm's action.CheckDependencies: every dependency declared in Chart.yaml must be present in charts/.

    Raises ChartError naming the missing ones (Helm: "found in Chart.yaml, but missing in charts/ directory").
    """
    present = {sub.name for sub in chart.dependencies}
    missing = [dep.get("name", "") for dep in chart.metadata.get("dependencies", [])
               if dep.get("name") not in present]
    if missing:
        raise ChartError("chart dependencies are missing; run dependency update/build first: found in Chart.yaml, "
                         "but missing in charts/ directory: %s" % ", ".join(missing))


def render_release(chart, values, *, release_name, namespace, revision, is_upgrade, capabilities=None,
                   lookup=None, subchart_notes=False, skip_schema_validation=False) -> RenderedRelease:
    """Render a chart for a release (Helm v4 ``action`` renderResources): manifests, hooks, notes, CRDs.

    Args:
        chart: path, ``.tgz`` bytes or loaded :class:`Chart`. values (dict | None): user values.
        release_name, namespace, revision, is_upgrade: the release being installed or upgraded.
        capabilities (Capabilities | None): from the cluster (defaults to Helm's offline capabilities).
        lookup (callable | None): the engine's ``lookup(apiVersion, kind, namespace, name) -> dict``.
        subchart_notes (bool): include subcharts' NOTES.txt (Helm's ``--render-subchart-notes``).
        skip_schema_validation (bool): values are not checked against ``values.schema.json`` (Helm v4's
            ``--skip-schema-validation``).

    Returns:
        RenderedRelease. Raises ChartError (library chart, missing dependency, kubeVersion mismatch, a document that is
        not YAML), engine.errors.TemplateError (template errors, Helm's text) and ValuesError (bad values or
        schema violations).
    """
    with EngineScope():  # GC paused while loading and rendering (engine/runtime.py)
        return _render_release(chart, values, release_name, namespace, revision, is_upgrade, capabilities, lookup,
                               subchart_notes, skip_schema_validation)


def _render_release(chart, values, release_name, namespace, revision, is_upgrade, capabilities, lookup,
                    subchart_notes, skip_schema_validation=False) -> RenderedRelease:
    loaded = _as_chart(chart)
    if loaded.metadata.get("type") == "library":
        raise ChartError("%s is a library chart; library charts are not installable. Use it as a dependency of "
                         "an application chart" % loaded.name)
    check_dependencies(loaded)
    processed, user, coalesced, default_caps = _prepare(loaded, values, None, None, skip_schema_validation)
    caps = capabilities or default_caps
    _check_kube_version(processed, caps)
    release = release_object(release_name, namespace, revision, is_upgrade)
    files = _render_templates(processed, coalesced, release, caps, False, lookup)
    remaining = dict(files)
    notes = extract_notes(remaining, processed.name, subchart_notes)
    hooks, manifests = sort_manifests(remaining)
    return RenderedRelease(build_manifest(manifests), manifests, hooks, notes, crd_objects(processed), processed,
                           user, coalesced, files)
