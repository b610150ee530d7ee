"""The shared chart corpus (../shared/charts, ../shared/indexes beside the checkout): the one home of its paths (the
charts, their values files and Helm's expected output), its manifest, and the `.Values` Helm v4 gives a corpus
chart's templates. The conformance harness, the benchmarks and the tests all take the paths from here."""
from __future__ import annotations

import glob
import json
import os


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
CHARTS_DIR = os.path.join(SHARED, "charts")
INDEXES_DIR = os.path.join(SHARED, "indexes")
PODINFO = os.path.join(CHARTS_DIR, "podinfo-6.14.1.tgz")
REDIS = os.path.join(CHARTS_DIR, "redis-23.1.1.tgz")
NGINX = os.path.join(CHARTS_DIR, "ingress-nginx-4.15.1.tgz")
CORPUS = sorted(glob.glob(os.path.join(CHARTS_DIR, "*.tgz")))
VALUES_DIR = os.path.join(CHARTS_DIR, "values")
EXPECTED_DIR = os.path.join(CHARTS_DIR, "expected")


def corpus_manifest() -> list:
    """manifest.json: one dict a chart (``name``, ``version``, ``tgz``, ``deps``, ``expected``, ...)."""
    with open(os.path.join(CHARTS_DIR, "manifest.json")) as handle:
        return json.load(handle)


def values_path(name: str, variant: str = "default"):
    """The values file of chart ``name``'s ``variant`` (``default``: values/<name>.yaml, ``alt``:
    values/<name>-alt.yaml), or None when the corpus has none (the chart's own values only)."""
    path = os.path.join(VALUES_DIR, "%s%s.yaml" % (name, "" if variant == "default" else "-alt"))
    return path if os.path.exists(path) else None


def values_text(name: str, variant: str = "default"):
    """The text of :func:`values_path`, or None."""
    path = values_path(name, variant)
    if path is None:
        return None
    with open(path) as handle:
        return handle.read()


def expected_path(name: str, variant: str = "default") -> str:
    """Helm v4's render of chart ``name`` with ``variant``'s values: expected/<name>.<variant>.json."""
    return os.path.join(EXPECTED_DIR, "%s.%s.json" % (name, variant))


# Helm renders deeper paths first, so this probe sees .Values before any template can `set` into them.
VALUES_PROBE = "/".join(["zz"] * 12) + "/helmkit-values-probe.txt"


def _add_to_archive(data: bytes, name: str, text: str) -> bytes:
    import io
    import tarfile
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as src, tarfile.open(fileobj=out, mode="w:gz") as dst:
        top = None
        for member in src.getmembers():
            top = top or member.name.split("/")[0]
            dst.addfile(member, src.extractfile(member) if member.isreg() else None)
        info = tarfile.TarInfo("%s/templates/%s" % (top, name))
        payload = text.encode()
        info.size = len(payload)
        dst.addfile(info, io.BytesIO(payload))
    return out.getvalue()


def helm_rendered_values(chart_path: str, user=None) -> dict:
    """The `.Values` Helm v4 gives the top chart's templates (rendered with helm_python through a probe template)."""
    import helm_python
    if os.path.isdir(chart_path):
        probe = os.path.join(chart_path, "templates", VALUES_PROBE)
        os.makedirs(os.path.dirname(probe), exist_ok=True)
        with open(probe, "w") as handle:
            handle.write("{{ .Values | toJson }}")
        try:
            chart = helm_python.Chart.load(chart_path)
            name = chart.name
            rendered = chart.render(user, name="test-release", namespace="test-ns")
        finally:
            os.remove(probe)
    else:
        with open(chart_path, "rb") as handle:
            data = _add_to_archive(handle.read(), VALUES_PROBE, "{{ .Values | toJson }}")
        chart = helm_python.Chart.load_archive(data)
        name = chart.name
        rendered = chart.render(user, name="test-release", namespace="test-ns")
    return json.loads(rendered["%s/templates/%s" % (name, VALUES_PROBE)])
