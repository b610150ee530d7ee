"""User values as Helm's ``MergeValues`` builds them (``pkg/cli/values/options.go``): the one home of "values files,
then a values mapping, then the ``--set`` variants", for every module that takes them (helm_release through
``release/inputs.py``; helm_template, helm_lint and the helm_template lookup through ``chart/template.py``).

Helm reads each ``-f`` file in order and deep-merges it (``mergeMaps``), then parses ``--set-json``, ``--set``,
``--set-string``, ``--set-file`` and ``--set-literal`` - each kind in the order given - into the same map, so
``a[1]=x`` edits the list that ``a={p,q}`` made. helmkit's values mapping option (``values``, ``release_values``) is
merged after the files, like one more file.
"""
from __future__ import annotations

import os

from ..errors import ValuesError
from ..yaml.load import load_values, merge_maps, to_json_values
from .setvalues import parse_set, parse_set_file, parse_set_json, parse_set_literal, parse_set_string

# Helm's MergeValues order of the --set kinds, by helmkit's value_type names.
SET_VALUE_TYPES = ("json", "raw", "string", "file", "literal")
_SET_PARSERS = {"json": parse_set_json, "raw": parse_set, "string": parse_set_string, "literal": parse_set_literal}


def merge_values(documents=(), values=None, set_values=(), values_option: str = "values",
                 set_option: str = "set_values") -> dict:
    """The user values of values files, a values mapping and ``--set`` variants, merged in Helm's order.

    Args:
        documents: ``(source, data)`` pairs in order: a values file's name (str, named in YAML errors) and its text
            (bytes); a generator reads each file when its turn comes.
        values (dict | None): merged after the files; ``values_option`` is its option's name in errors.
        set_values (list): ``{"value": "a.b=c", "value_type": json|raw|string|file|literal}`` (``value_type``
            defaults to ``raw``), applied by kind in :data:`SET_VALUE_TYPES` order, each kind in list order;
            ``set_option`` is the option's name in errors. ``file`` reads the named local file (``~`` expanded).

    Returns: dict of user values. Raises :class:`ValuesError` naming the file, the option
    (``release_values must be a mapping of keys to values, got list``) or the entry by option, index and kind
    (``set_values[2] (value_type raw): failed parsing --set data ...``).
    """
    merged = {}
    for source, data in documents:
        merged = merge_maps(merged, load_values(data, source=source))
    if values:
        if not isinstance(values, dict):
            raise ValuesError("%s must be a mapping of keys to values, got %s" % (values_option, type(values).__name__))
        merged = merge_maps(merged, to_json_values(values))
    items = list(set_values or ())
    for index, item in enumerate(items):
        kind = (item.get("value_type") or "raw") if isinstance(item, dict) else None
        if kind not in SET_VALUE_TYPES or not isinstance(item.get("value"), str):
            raise ValuesError("%s[%d] must be {value: 'key=value', value_type: one of %s}"
                              % (set_option, index, ", ".join(SET_VALUE_TYPES)))
    ordered = sorted(enumerate(items), key=lambda pair: SET_VALUE_TYPES.index(pair[1].get("value_type") or "raw"))
    for index, item in ordered:
        kind = item.get("value_type") or "raw"
        try:
            if kind == "file":
                merged = parse_set_file(item["value"], into=merged, read_file=_read_set_file)
            else:
                merged = _SET_PARSERS[kind](item["value"], into=merged)
        except ValuesError as exc:
            raise ValuesError("%s[%d] (value_type %s): %s" % (set_option, index, kind, exc)) from None
    return merged


def _read_set_file(path: str) -> str:
    """A ``--set-file`` file's text (UTF-8, undecodable bytes replaced), ``~`` expanded as the shell does for helm."""
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError as exc:
        raise ValuesError("cannot read --set-file %s: %s" % (path, exc.strerror or exc)) from None
