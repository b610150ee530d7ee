"""Our side of the template-case comparisons with Helm (tests/helpers/helmref.py): the same cases, rendered by our
engine under the names Helm gives them (helmref.case_name), with the values Helm hands to templates.

* :func:`render_cases` / :func:`case_error`: our TemplateSet alone (Go text/template plus the functions given), the
  way Helm's engine drives it; errors in the form Helm v4 prints them.
* :func:`render_helm_cases` / :func:`helm_case_error`: engine/helm.py ``render`` (Sprig and Helm's own functions).
"""
from __future__ import annotations

import codecs
import json
import re

from ansible_collections.helmkit.core.plugins.module_utils.engine.errors import TemplateError, TemplateParseError
from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import RenderTemplate, render
from ansible_collections.helmkit.core.plugins.module_utils.engine.template import TemplateSet
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError

from tests.helpers.helmref import CHART, NAMESPACE, RELEASE, case_name


def go_values(values: dict | None) -> dict:
    """Values as Helm hands them to templates: every number a float64 (JSON round trip)."""
    return json.loads(json.dumps(values or {}), parse_int=float)


def _data(values):
    return {"Values": go_values(values), "Release": {"Name": RELEASE, "Namespace": NAMESPACE}}


def render_cases(cases: dict, values: dict | None = None, funcs: dict | None = None) -> dict:
    """Render ``{case: text}`` with our TemplateSet the way Helm's engine does (one set, files added in Helm's
    order, "<no value>" stripped); returns ``{case: output or TemplateError}``."""
    ts = TemplateSet(funcs)
    for case in sorted(cases, reverse=True):
        ts.add(case_name(case), cases[case])
    out = {}
    for case in cases:
        name = case_name(case)
        try:
            template = {"Name": name, "BasePath": CHART + "/templates"}
            out[case] = ts.execute(name, dict(_data(values), Template=template))
        except TemplateError as exc:
            out[case] = exc
        else:
            out[case] = out[case].replace("<no value>", "")
    return out


def case_error(case: str, text: str, values: dict | None = None, partials: dict | None = None) -> str:
    """Our TemplateSet's error for one failing case, in the form Helm v4 prints it ("" when it renders)."""
    ts = TemplateSet()
    files = {case: text}
    files.update(partials or {})
    try:
        for name in sorted(files, reverse=True):
            ts.add(case_name(name), files[name])
        for name in sorted(files, reverse=True):
            ts.execute(case_name(name), _data(values))
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
    if "error calling" in message:
        return message
    match = re.match(r'template: (\S+): executing ("(?:[^"\\]|\\.)*") at <(.*?)>: (.*)\Z', message, re.S)
    if not match:
        return message
    location, name, context, text = match.groups()
    return ("%s\n  executing %s at <%s>:\n    %s" % (location, name, context, text)).rstrip()


def render_helm_cases(cases: dict, values: dict | None = None) -> dict:
    """``{case: our output}`` rendered by engine/helm.py ``render`` (Sprig and Helm's functions), as text that
    compares with helm_python's (invalid UTF-8 bytes as U+FFFD, per byte)."""
    context = dict(_data(values), Chart={"Name": CHART}, Capabilities={}, Files={}, Subcharts={})
    templates = [RenderTemplate(case_name(case), text, context, CHART + "/templates")
                 for case, text in cases.items()]
    rendered = render(templates)
    return {case: _as_helm_python_text(rendered[case_name(case)]) for case in cases}


def helm_case_error(case: str, text: str, values: dict | None = None) -> str:
    """engine/helm.py's error message for one failing case ("" when it renders)."""
    try:
        render_helm_cases({case: text}, values)
    except HelmkitError as exc:
        return str(exc)
    return ""


def _per_byte_replace(exc):
    return "\ufffd" * (exc.end - exc.start), exc.end


codecs.register_error("go-replace", _per_byte_replace)


def _as_helm_python_text(text: str) -> str:
    # Our strings keep Go's raw bytes as surrogate escapes; Helm's text reaches helm_python with every invalid
    # byte turned into U+FFFD (Go's JSON encoding). Compare the same bytes the same way.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "go-replace")
