"""Real Helm v4 (helm_python) as the reference for Masterminds/semver behaviour, through Sprig in templates.

Tests only. Each query renders a tiny chart whose templates call ``semverCompare`` / ``semver``; Sprig calls
Masterminds/semver/v3 exactly as Helm does, so the answers are Helm's own.
"""
from __future__ import annotations

import os
import tempfile

import helm_python

_COMPARE = (
    '{{- range .Values.cases }}\n'
    '{{ semverCompare .c .v }}\n'
    '{{- end }}\n'
)
_PARSE = (
    '{{- range .Values.cases }}{{ $v := semver .v }}\n'
    '{{ $v.Major }}|{{ $v.Minor }}|{{ $v.Patch }}|{{ $v.Prerelease }}|{{ $v.Metadata }}|'
    '{{ $v.Original }}|{{ $v.String }}\n'
    '{{- end }}\n'
)
_ORDER = (
    '{{- range .Values.cases }}\n'
    '{{ (semver .a).Compare (semver .b) }}\n'
    '{{- end }}\n'
)


class HelmSemver(object):
    """Ask real Helm how Masterminds/semver answers; errors come back as their message string."""

    def __init__(self, directory=None):
        self._dir = directory or tempfile.mkdtemp(prefix="helm-semver-")
        self._charts = {}
        for name, body in (("compare", _COMPARE), ("parse", _PARSE), ("order", _ORDER)):
            root = os.path.join(self._dir, name)
            os.makedirs(os.path.join(root, "templates"))
            with open(os.path.join(root, "Chart.yaml"), "w") as fh:
                fh.write("apiVersion: v2\nname: %s\nversion: 0.1.0\n" % name)
            with open(os.path.join(root, "templates", "t.yaml"), "w") as fh:
                fh.write(body)
            self._charts[name] = helm_python.Chart.load(root)

    def _render(self, name, cases):
        out = self._charts[name].render({"cases": cases}, name="x", namespace="d")
        lines = list(out.values())[0].split("\n")[1:]
        return lines[:len(cases)]

    def _batch(self, name, cases):
        """Render all cases at once; fall back to one by one when one of them makes Helm fail."""
        try:
            return self._render(name, cases)
        except helm_python.HelmError:
            results = []
            for case in cases:
                try:
                    results.extend(self._render(name, [case]))
                except helm_python.HelmError as exc:
                    results.append("ERROR: " + str(exc).split("error calling semver", 1)[-1].split(": ", 1)[-1])
            return results

    def compare(self, pairs):
        """[(constraint, version)] -> list of True/False or "ERROR: message"."""
        res = self._batch("compare", [{"c": c, "v": v} for c, v in pairs])
        return [{"true": True, "false": False}.get(r, r) for r in res]

    def parse(self, versions):
        """[version] -> list of (major, minor, patch, pre, metadata, original, string) or "ERROR: message"."""
        res = self._batch("parse", [{"v": v} for v in versions])
        out = []
        for r in res:
            if r.startswith("ERROR: "):
                out.append(r)
            else:
                parts = r.split("|")
                out.append((int(parts[0]), int(parts[1]), int(parts[2])) + tuple(parts[3:]))
        return out

    def order(self, pairs):
        """[(a, b)] -> list of -1/0/1."""
        return [int(r) for r in self._batch("order", [{"a": a, "b": b} for a, b in pairs])]
