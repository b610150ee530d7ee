"""Test helper for the Sprig tests: render template cases with real Helm v4 (helm_python) and with our engine
(engine/helm.py ``render``, i.e. our TemplateSet with sprig.FUNCS plus Helm's own functions).

Each case becomes one template file ``c/templates/<case>.txt``; outputs are compared per case.
"""
from __future__ import annotations

import codecs
import os
import tempfile

import helm_python

CHART = "c"
_CHART_YAML = "apiVersion: v2\nname: c\nversion: 0.1.0\n"


def _name(case: str) -> str:
    return "%s/templates/%s.txt" % (CHART, case)


def helm_outputs(cases: dict, values: dict) -> dict:
    """{case: Helm's output} for templates that all render."""
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, CHART)
        os.makedirs(os.path.join(root, "templates"))
        with open(os.path.join(root, "Chart.yaml"), "w") as handle:
            handle.write(_CHART_YAML)
        for case, text in cases.items():
            with open(os.path.join(root, "templates", case + ".txt"), "w", encoding="utf-8") as handle:
                handle.write(text)
        rendered = helm_python.Chart.load(root).render(values, name="release-name", namespace="default")
    return {case: rendered[_name(case)] for case in cases}


def helm_error(case: str, text: str, values: dict) -> str:
    """Helm's error message for one failing template ("" when it renders)."""
    try:
        helm_outputs({case: text}, values)
    except helm_python.HelmError as exc:
        return str(exc)
    return ""


def go_values(values: dict) -> dict:
    """Values as Helm hands them to templates (JSON round trip: every number a float64)."""
    import json
    return json.loads(json.dumps(values), parse_int=float)


def our_outputs(cases: dict, values: dict) -> dict:
    """{case: our output} rendered by engine.helm.render."""
    from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import RenderTemplate, render

    context = {"Values": go_values(values), "Release": {"Name": "release-name", "Namespace": "default"},
               "Chart": {"Name": CHART}, "Capabilities": {}, "Files": {}, "Subcharts": {}}
    templates = [RenderTemplate(_name(case), text, context, CHART + "/templates") for case, text in cases.items()]
    rendered = render(templates)
    return {case: _as_helm_python_text(rendered[_name(case)]) for case in cases}


def _per_byte_replace(exc):
    return "\ufffd" * (exc.end - exc.start), exc.end


codecs.register_error("go-replace", _per_byte_replace)


def _as_helm_python_text(text: str) -> str:
    # Our strings keep Go's raw bytes as surrogate escapes; Helm's text reaches helm_python with every invalid
    # byte turned into U+FFFD (Go's JSON encoding). Compare the same bytes the same way.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "go-replace")


def our_error(case: str, text: str, values: dict) -> str:
    """Our error message for one failing template ("" when it renders)."""
    from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
    try:
        our_outputs({case: text}, values)
    except HelmkitError as exc:
        return str(exc)
    return ""
