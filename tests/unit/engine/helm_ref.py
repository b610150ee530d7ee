"""Test helper: render small generated charts with real Helm v4 (helm_python) as the reference.

Used by the yaml / helmfuncs / helm render tests. Never imported by runtime code.
"""
from __future__ import annotations

import os
import tempfile

import helm_python

CHART_YAML = "apiVersion: v2\nname: %s\nversion: 0.1.0\n"


def write_chart(root: str, templates: dict, values_yaml: str = "", name: str = "c") -> str:
    """Write a chart named ``name`` under ``root`` with ``templates`` {relative path: text}; return its dir."""
    chart_dir = os.path.join(root, name)
    os.makedirs(os.path.join(chart_dir, "templates"), exist_ok=True)
    with open(os.path.join(chart_dir, "Chart.yaml"), "w") as handle:
        handle.write(CHART_YAML % name)
    with open(os.path.join(chart_dir, "values.yaml"), "w", encoding="utf-8") as handle:
        handle.write(values_yaml)
    for rel, text in templates.items():
        path = os.path.join(chart_dir, "templates", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return chart_dir


def helm_render(templates: dict, values_yaml: str = "", values=None, name: str = "c"):
    """Render with real Helm; returns {template path: text}, or raises helm_python.HelmError."""
    with tempfile.TemporaryDirectory() as root:
        chart_dir = write_chart(root, templates, values_yaml, name)
        return helm_python.Chart.load(chart_dir).render(values, name="test-release", namespace="test-ns")


def helm_error(templates: dict, values_yaml: str = "", values=None) -> str:
    """The error message real Helm gives for this chart (AssertionError if it renders)."""
    try:
        helm_render(templates, values_yaml, values)
    except helm_python.HelmError as exc:
        return str(exc)
    raise AssertionError("Helm rendered the chart without error")
