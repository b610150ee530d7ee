"""``helm show chart|values|readme|crds|all``: a chart's definition, default values, README and CRDs.

Behaviour follows Helm v4 ``pkg/action/show.go``: the chart is located like ``helm pull`` (``source/locate.py``: paths,
``repo/chart``, a name with ``repo_url``, .tgz URLs, ``oci://``) and loaded with the chart loader, then:

* ``chart``: Chart.yaml as Helm re-marshals its metadata (sigs.k8s.io/yaml: sorted keys, empty fields left out);
* ``values``: the raw ``values.yaml`` text (comments kept);
* ``readme``: the first file named README, README.md or README.txt (any case) at the chart root;
* ``crds``: every ``crds/*.yaml|yml|json`` of the chart and its subcharts, each preceded by ``---`` unless it
  starts with one;
* ``all``: those four joined with ``---`` lines exactly as ``helm show all`` prints them.
"""
from __future__ import annotations
from ..yaml.emit_v2 import marshal
from ..errors import RepositoryError
from .locate import load
from .options import SourceOptions


__all__ = ["FORMATS", "show_chart", "render_show"]

FORMATS = ("all", "chart", "values", "readme", "crds")
_README_NAMES = ("readme.md", "readme.txt", "readme")
_MANIFEST_EXTENSIONS = (".yaml", ".yml", ".json")


def _readme(chart):
    for f in chart.files:
        if f.name.lower() in _README_NAMES:
            return f
    return None


def _crds(chart):
    """Helm's ``CRDObjects``: this chart's ``crds/`` manifests, then each subchart's, depth first."""
    found = [f for f in chart.files if f.name.startswith("crds/") and f.name.lower().endswith(_MANIFEST_EXTENSIONS)]
    for dep in chart.dependencies:
        found.extend(_crds(dep))
    return found


def _text(data):
    return data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else str(data)


def render_show(chart, output="all"):
    """The text ``helm show <output>`` prints for a loaded chart (``chart/loader.py: Chart``)."""
    parts = []
    if output in ("chart", "all"):
        parts.append(marshal(chart.metadata) + "\n")
    if output in ("values", "all") and chart.values is not None:
        if output == "all":
            parts.append("---\n")
        if chart.raw_values is not None:
            parts.append(_text(chart.raw_values) + "\n")
    if output in ("readme", "all"):
        readme = _readme(chart)
        if readme is not None:
            if output == "all":
                parts.append("---\n")
            parts.append(_text(readme.data) + "\n")
    if output in ("crds", "all"):
        for crd in _crds(chart):
            if not crd.data.startswith(b"---"):
                parts.append("---\n")
            parts.append(_text(crd.data) + "\n")
    return "".join(parts)


def show_chart(chart_ref, output="all", options=None, repo_url=None, **source_options):
    """Locate and load ``chart_ref`` and describe it like ``helm show``.

    ``output``: one of :data:`FORMATS`. ``options``: a ``SourceOptions`` (or its fields as keyword arguments:
    ``version``, credentials, TLS, ``devel``, ...); ``repo_url``: the repository URL for a chart name. Returns a
    dict: ``output`` (Helm's text), ``chart`` (Chart.yaml metadata as a dict), ``values`` (raw values.yaml text, ""
    when absent), ``readme`` (text, "" when absent), ``crds`` (list of ``{"name": path in chart, "content":
    text}``), ``name``, ``version``, ``digest``, ``url``, ``repository``. Raises RepositoryError/RegistryError/
    ChartError.
    """
    if output not in FORMATS:
        raise RepositoryError("output %r is not one of %s" % (output, ", ".join(FORMATS)))
    options = (options or SourceOptions()).copy(**source_options) if source_options else options
    chart, located = load(chart_ref, options, repo_url)
    readme = _readme(chart)
    return {
        "output": render_show(chart, output),
        "chart": chart.metadata,
        "values": _text(chart.raw_values) if chart.raw_values is not None else "",
        "readme": _text(readme.data) if readme is not None else "",
        "crds": [{"name": f.name, "content": _text(f.data)} for f in _crds(chart)],
        "name": located.name, "version": located.version, "digest": located.digest, "url": located.url,
        "repository": located.repository,
    }
