"""Values coalescing and dependency processing as Helm v4.2 does it.

Sources: pkg/chart/common/util/coalesce.go (CoalesceValues, MergeValues, CoalesceTables, globals) and
pkg/chart/v2/util/dependencies.go (ProcessDependenciesWithMerge: aliases, ``condition``, ``tags``, removal of
disabled subcharts, ``import-values``).

Rules: user values win over chart defaults; maps merge, scalars and lists replace; a user ``null`` deletes the key
(coalescing only; merging keeps nulls); ``null`` in chart defaults never reaches templates; ``global`` is pushed down
into every subchart's values; a subchart's values live under its name (or alias) in the parent.
"""
from __future__ import annotations

import copy

from ..errors import ValuesError
from ..semver import SemverError, parse_constraint

GLOBAL_KEY = "global"


def deep_copy(values):
    """Copy a values tree (dicts and lists; scalars are immutable)."""
    if isinstance(values, dict):
        return {k: deep_copy(v) for k, v in values.items()}
    if isinstance(values, list):
        return [deep_copy(v) for v in values]
    return values


def coalesce_values(chart, values=None) -> dict:
    """Helm's CoalesceValues: ``values`` (user values, not modified) over the chart's and subcharts' defaults.

    Returns a new dict. Raises ValuesError when a subchart's key holds a non-map value.
    """
    return _coalesce(chart, deep_copy(values or {}), "", False)


def merge_values(chart, values=None) -> dict:
    """Helm's MergeValues: like :func:`coalesce_values` but ``null`` values are kept."""
    return _coalesce(chart, deep_copy(values or {}), "", True)


def coalesce_tables(dst: dict, src: dict) -> dict:
    """Helm's CoalesceTables: merge ``src`` into ``dst`` (modified and returned); ``dst`` wins."""
    return _coalesce_tables(dst, src, False)


def _coalesce(chart, dest: dict, prefix: str, merge: bool) -> dict:
    _coalesce_chart_values(chart, dest, merge)
    return _coalesce_deps(chart, dest, prefix, merge)


def _coalesce_deps(chart, dest: dict, prefix: str, merge: bool) -> dict:
    for sub in chart.dependencies:
        name = sub.name
        if name not in dest:
            dest[name] = {}
        elif not isinstance(dest[name], dict):
            raise ValuesError("type mismatch on %s: %s; values for subchart %r must be a map"
                              % (name, _go_bool_verb(dest[name]), name))
        sub_values = dest[name]
        sub_prefix = name if not prefix else prefix + "." + chart.name
        _coalesce_globals(sub_values, dest)
        dest[name] = _coalesce(sub, sub_values, sub_prefix, merge)
    return dest


def _go_bool_verb(value) -> str:
    # fmt's %t on a non-bool prints %!t(type=value); keep the message recognisable without Go's exact form.
    if isinstance(value, bool):
        return "true" if value else "false"
    return "%%!t(%s=%s)" % (type(value).__name__, value)


def _coalesce_globals(dest: dict, src: dict) -> None:
    """Copy the parent's ``global`` map into the subchart's values; the parent's globals win."""
    if GLOBAL_KEY not in dest:
        dest_globals = {}
    elif isinstance(dest[GLOBAL_KEY], dict):
        dest_globals = dest[GLOBAL_KEY]
    else:
        return
    if GLOBAL_KEY not in src:
        src_globals = {}
    elif isinstance(src[GLOBAL_KEY], dict):
        src_globals = src[GLOBAL_KEY]
    else:
        return
    for key, value in src_globals.items():
        if isinstance(value, dict):
            copied = dict(value)
            if key not in dest_globals:
                dest_globals[key] = copied
            elif isinstance(dest_globals[key], dict):
                _coalesce_tables(copied, dest_globals[key], True)
                dest_globals[key] = copied
        elif isinstance(dest_globals.get(key), dict):
            continue
        else:
            dest_globals[key] = value
    dest[GLOBAL_KEY] = dest_globals


def _copy_without_nils(values: dict) -> dict:
    """``deep_copy(values)`` without null-valued keys in any of its maps, in one walk (Helm's coalesce drops them
    from a default it does not merge; lists are copied as they are, their maps keeping their nulls)."""
    return {key: _copy_without_nils(value) if isinstance(value, dict) else deep_copy(value)
            for key, value in values.items() if value is not None}


def _coalesce_chart_values(chart, dest: dict, merge: bool) -> None:
    """Helm's coalesceValues: the chart's defaults under ``dest``. Helm deep-copies the chart's values first so
    that coalescing (which inserts and changes default maps) never changes the chart; here each default is copied
    when it is used, so a default that ``dest`` overrides or deletes is not copied at all, and the nulls of a
    default that coalescing cleans are dropped by the copy itself. The chart's values are never changed and
    ``dest`` holds only new maps and lists, as with Helm's copy."""
    defaults = chart.values or {}
    sub_names = {sub.name for sub in chart.dependencies}
    for key, default in defaults.items():
        if key in dest:
            value = dest[key]
            if value is None and not merge:
                del dest[key]
            elif isinstance(value, dict) and isinstance(default, dict):
                if merge or key in sub_names:
                    _coalesce_tables(value, deep_copy(default), True)
                else:
                    _coalesce_tables(value, _copy_without_nils(default), False)
        elif merge:
            dest[key] = deep_copy(default)
        elif isinstance(default, dict):
            dest[key] = _copy_without_nils(default)
        elif default is not None:
            dest[key] = deep_copy(default)


def _coalesce_tables(dst, src, merge: bool):
    if src is None:
        return dst
    if dst is None:
        return src
    src_non_nil = {k for k, v in src.items() if v is not None}
    for key, value in dst.items():
        if value is None:
            src[key] = None
    for key, value in src.items():
        present = key in dst
        current = dst.get(key)
        if present and not merge and current is None and key in src_non_nil:
            del dst[key]
        elif not present:
            dst[key] = value
        elif isinstance(value, dict):
            if isinstance(current, dict):
                _coalesce_tables(current, value, merge)
    return dst


# ---------------------------------------------------------------------------------------------------------------
# Dependencies (pkg/chart/v2/util/dependencies.go)


def clone_chart_tree(chart):
    """Copy a Chart's tree so dependency processing can change metadata and subcharts freely. The values are
    shared, not copied: nothing changes a chart's values in place (dependency processing replaces them, and every
    coalescing copies them before it changes anything: :func:`_coalesce_chart_values`), so the copy would only
    cost time; tests/unit/chart/test_values.py renders templates that ``set``/``unset``/``merge`` into
    ``.Values`` and checks the loaded chart is unchanged."""
    new = copy.copy(chart)
    new.metadata = deep_copy(chart.metadata)  # plain data from Chart.yaml
    new.dependencies = []
    for sub in chart.dependencies:
        new.add_dependency(clone_chart_tree(sub))
    return new


def _compatible(constraint: str, version: str) -> bool:
    # IsCompatibleRange: a constraint or version that does not parse is "not compatible".
    try:
        return parse_constraint(constraint).check(version)
    except (SemverError, ValueError, TypeError):
        return False


def _alias_dependency(charts, dep: dict):
    for candidate in charts:
        if candidate.name != dep.get("name"):
            continue
        if not _compatible(dep.get("version", ""), candidate.metadata.get("version", "")):
            continue
        aliased = copy.copy(candidate)
        aliased.metadata = deep_copy(candidate.metadata)
        if dep.get("alias"):
            aliased.metadata["name"] = dep["alias"]
        return aliased
    return None


def path_value(values: dict, path: str):
    """Helm's Values.PathValue: the non-map value at dotted ``path``; raises KeyError when there is none."""
    parts = path.split(".")
    table = values
    for part in parts[:-1]:
        if not isinstance(table, dict) or not isinstance(table.get(part), dict):
            raise KeyError(path)
        table = table[part]
    key = parts[-1]
    if isinstance(table, dict) and key in table and not isinstance(table[key], dict):
        return table[key]
    raise KeyError(path)


def table(values: dict, path: str) -> dict:
    """Helm's Values.Table: the map at dotted ``path``; raises KeyError when it is missing or not a map."""
    current = values
    for part in path.split("."):
        if not isinstance(current, dict) or not isinstance(current.get(part), dict):
            raise KeyError(path)
        current = current[part]
    return current


def _process_tags(deps, cvals: dict) -> None:
    try:
        tags = table(cvals, "tags")
    except KeyError:
        return
    for dep in deps:
        has_true = has_false = False
        for tag in dep.get("tags", []):
            value = tags.get(tag)
            if isinstance(value, bool):
                if value:
                    has_true = True
                else:
                    has_false = True
        if not has_true and has_false:
            dep["enabled"] = False
        elif has_true or (not has_true and not has_false):
            dep["enabled"] = True


def _process_conditions(deps, cvals: dict, path: str) -> None:
    for dep in deps:
        for condition in dep.get("condition", "").strip().split(","):
            if not condition:
                continue
            try:
                value = path_value(cvals, path + condition)
            except KeyError:
                continue
            if isinstance(value, bool):
                dep["enabled"] = value
                break


def _process_enabled(chart, values: dict, path: str) -> None:
    deps_meta = chart.metadata.get("dependencies")
    if not deps_meta:
        return
    kept = []
    for existing in chart.dependencies:
        if any(existing.name == dep.get("name") and _compatible(dep.get("version", ""),
                                                                existing.metadata.get("version", ""))
               for dep in deps_meta):
            continue
        kept.append(existing)
    for dep in deps_meta:
        aliased = _alias_dependency(chart.dependencies, dep)
        if aliased is not None:
            kept.append(aliased)
        if dep.get("alias"):
            dep["name"] = dep["alias"]
    chart.set_dependencies(kept)
    for dep in deps_meta:
        dep["enabled"] = True
    cvals = coalesce_values(chart, values)
    _process_tags(deps_meta, cvals)
    _process_conditions(deps_meta, cvals, path)
    removed = {dep.get("name", "") for dep in deps_meta if not dep.get("enabled")}
    subs = [c for c in chart.dependencies if c.name not in removed]
    chart.metadata["dependencies"] = [dep for dep in deps_meta if dep.get("name", "") not in removed]
    for sub in subs:
        _process_enabled(sub, cvals, path + sub.name + ".")
    chart.set_dependencies(subs)


def _path_to_map(path: str, data: dict) -> dict:
    if path == ".":
        return data
    out = data
    for part in reversed(path.split(".")):
        out = {part: out}
    return out


def _trim_nils(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = _trim_nils(value) if isinstance(value, dict) else value
    return out


def _under_parent(parent: str):
    """import-values child/parent form: a function placing the found child value at ``parent``."""
    def mapped(found):
        return _path_to_map(parent, found)
    return mapped


def _as_is(found):
    """import-values string form: the exported map is merged as it is."""
    return found


def _process_import_values(chart, merge: bool) -> None:
    deps_meta = chart.metadata.get("dependencies")
    if not deps_meta:
        return
    cvals = merge_values(chart, None) if merge else coalesce_values(chart, None)
    imported = {}
    for dep in deps_meta:
        normalised = []
        for item in dep.get("import-values") or []:
            if isinstance(item, dict):
                child = _go_sprint(item.get("child"))
                parent = _go_sprint(item.get("parent"))
                normalised.append({"child": child, "parent": parent})
                source_path = dep.get("name", "") + "." + child
                mapped = _under_parent(parent)
            elif isinstance(item, str):
                child = "exports." + item
                normalised.append({"child": child, "parent": "."})
                source_path = dep.get("name", "") + "." + child
                mapped = _as_is
            else:
                continue
            try:
                found = deep_copy(table(cvals, source_path))
            except KeyError:
                continue
            imported = _coalesce_tables(imported, mapped(found), merge)
        if "import-values" in dep:
            dep["import-values"] = normalised
    if merge:
        chart.values = _coalesce_tables(deep_copy(cvals), imported, True)
    else:
        chart.values = _coalesce_tables(_trim_nils(cvals), imported, False)


def _go_sprint(value) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _process_imports_recursive(chart, merge: bool) -> None:
    for sub in chart.dependencies:
        _process_imports_recursive(sub, merge)
    _process_import_values(chart, merge)


def process_dependencies(chart, values=None, merge: bool = True):
    """Helm's ProcessDependenciesWithMerge on a copy of ``chart``; returns the processed copy.

    Applies aliases, ``tags`` and ``condition`` (first resolvable path wins; conditions override tags), removes
    disabled subcharts from both ``dependencies`` and ``metadata["dependencies"]`` (recursively, with paths like
    ``sub.cond`` for nested charts), then ``import-values`` bottom-up. ``values`` are the user values.
    """
    processed = clone_chart_tree(chart)
    _process_enabled(processed, values or {}, "")
    _process_imports_recursive(processed, merge)
    return processed
