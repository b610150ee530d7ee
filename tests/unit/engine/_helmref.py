"""Reference renders from real Helm v4 (helm_python) for engine tests.

``helm_render_many(cases, values)`` writes one throw-away chart with one template file per case and renders it with
Helm in a single call; ``helm_render_error(text, values)`` renders one template that is expected to fail and returns
Helm's error message. Template names are ``mychart/templates/<case>.yaml`` as Helm names them.
"""
from __future__ import annotations

import os
import tempfile

import helm_python

CHART_NAME = "mychart"
_CHART_YAML = "apiVersion: v2\nname: %s\nversion: 0.1.0\n" % CHART_NAME


def template_name(case: str) -> str:
    """Helm's name of the template file written for ``case``."""
    return "%s/templates/%s.yaml" % (CHART_NAME, case)


def _write_chart(root: str, files: dict) -> None:
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as handle:
        handle.write(_CHART_YAML)
    for case, text in files.items():
        with open(os.path.join(root, "templates", case + ".yaml"), "w", encoding="utf-8") as handle:
            handle.write(text)


def helm_render_many(cases: dict, values: dict | None = None) -> dict:
    """Render every ``{case: template text}`` with Helm in one chart; returns ``{case: output}``.

    Raises helm_python's HelmRenderError if any case fails (use helm_render_error for failing cases).
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, CHART_NAME)
        _write_chart(root, cases)
        chart = helm_python.Chart.load(root)
        rendered = chart.render(values or {}, name="release-name", namespace="default")
    return {case: rendered[template_name(case)] for case in cases}


def helm_render_error(case: str, text: str, values: dict | None = None, partials: dict | None = None) -> str:
    """Render one template with Helm and return its error message ("" if it rendered)."""
    files = {case: text}
    files.update(partials or {})
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, CHART_NAME)
        _write_chart(root, files)
        try:
            chart = helm_python.Chart.load(root)
            chart.render(values or {}, name="release-name", namespace="default")
        except helm_python.HelmError as exc:
            return str(exc)
    return ""


# -- our side ------------------------------------------------------------------------------------------------------

def go_values(values: dict | None) -> dict:
    """Values as Helm hands them to templates: numbers become float64 (JSON round trip)."""
    import json
    return json.loads(json.dumps(values or {}), parse_int=float)


def ours_render_many(cases: dict, values: dict | None = None, funcs: dict | None = None) -> dict:
    """Render ``{case: text}`` with our TemplateSet the way Helm's engine does (one set, files added in Helm's
    order, "<no value>" stripped); returns ``{case: output or TemplateError message}``."""
    from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateError
    from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet

    ts = TemplateSet(funcs)
    data = {"Values": go_values(values), "Release": {"Name": "release-name", "Namespace": "default"}}
    for case in sorted(cases, reverse=True):
        ts.add(template_name(case), cases[case])
    out = {}
    for case in cases:
        name = template_name(case)
        try:
            out[case] = ts.execute(name, dict(data, Template={"Name": name,
                                                              "BasePath": CHART_NAME + "/templates"}))
        except TemplateError as exc:
            out[case] = exc
        else:
            out[case] = out[case].replace("<no value>", "")
    return out


def ours_error(case: str, text: str, values: dict | None = None, partials: dict | None = None) -> str:
    """Our error for one failing template, in the form Helm v4 prints it ("" if it rendered)."""
    from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import (
        TemplateError, TemplateParseError)
    from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet

    ts = TemplateSet()
    files = {case: text}
    files.update(partials or {})
    data = {"Values": go_values(values), "Release": {"Name": "release-name", "Namespace": "default"}}
    try:
        for name in sorted(files, reverse=True):
            ts.add(template_name(name), files[name])
        for name in sorted(files, reverse=True):
            ts.execute(template_name(name), data)
    except TemplateParseError as exc:
        return helm_parse_error(str(exc))
    except TemplateError as exc:
        return helm_exec_error(str(exc))
    return ""


def helm_parse_error(message: str) -> str:
    """Helm's cleanupParseError applied to a Go parse error."""
    tokens = message.split(": ")
    return "parse error at (%s): %s" % (tokens[1], tokens[-1])


def helm_exec_error(message: str) -> str:
    """How Helm v4 prints a Go execution error: "error calling" errors as they are, others on three lines."""
    import re
    if "error calling" in message:
        return message
    match = re.match(r'template: (\S+): executing ("(?:[^"\\]|\\.)*") at <(.*?)>: (.*)\Z', message, re.S)
    if not match:
        return message
    location, name, context, text = match.groups()
    return ("%s\n  executing %s at <%s>:\n    %s" % (location, name, context, text)).rstrip()
