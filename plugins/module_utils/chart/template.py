"""``helm template``: a chart rendered offline into the text Helm prints, the parsed objects, and output-dir files.

Behaviour follows Helm v4's ``pkg/cmd/template.go`` (stdout assembly, ``--show-only``, ``--skip-tests``,
``--output-dir`` hooks) and ``pkg/action/action.go`` ``renderResources`` (``--include-crds``, output-dir manifests):

* stdout is ``TrimSpace(release manifest) + "\\n"`` followed by every hook as ``"---\\n# Source: <path>\\n<doc>\\n"``
  (test hooks left out with ``skip_tests``); with ``include_crds`` the release manifest starts with the chart's and
  subcharts' ``crds/`` files, verbatim.
* ``show_only`` splits that text into documents (SplitManifests), keeps those whose first ``# Source: <chart>/<path>``
  matches one of the patterns (Go ``filepath.Match``), pattern by pattern, and prints each as ``"---\\n<doc>\\n"``.
* ``output_dir`` files are ``<dir>/<chart>/templates/x.yaml`` (the template's path): CRDs, then manifests, then
  hooks, each document ``"---\\n# Source: <path>\\n<doc>\\n"`` appended to its file.

Values are assembled as ``pkg/cli/values/options.go`` ``MergeValues`` does: values files in order, then ``values``
(a dict, like one more ``-f``), then ``set_values`` grouped by type in Helm's order (json, raw, string, file,
literal).
"""
from __future__ import annotations

import os
import re

from ..errors import ChartError, ValuesError
from ..gocompat.filepath import BadPattern, match
from ..yaml.load import load_go_yaml
from .context import Capabilities
from .manifest import split_manifests
from .render import crd_objects, render_release
from .uservalues import merge_values

# Go's unicode.IsSpace set, for strings.TrimSpace.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"
_SOURCE = re.compile(r"# Source: [^/\n]+/([^\n]+)")


class TemplateResult(object):
    """What :func:`template_chart` returns.

    Attributes:
        manifest (str): exactly what ``helm template`` prints on stdout (without output-dir).
        objects (list[dict]): every non-empty YAML document of ``manifest``, parsed (go-yaml v2 resolution).
        files (dict[str, str]): output-dir layout, ``{"<chart>/templates/x.yaml": file text}`` in write order.
        release (RenderedRelease): the rendering behind it (chart, values, hooks, notes...).
    """

    def __init__(self, manifest, objects, files, release):
        self.manifest = manifest
        self.objects = objects
        self.files = files
        self.release = release


def _trim_space(text: str) -> str:
    return text.strip(_GO_SPACE)


def _source_doc(path: str, content: str) -> str:
    return "---\n# Source: %s\n%s\n" % (path, content)


def is_test_hook(hook) -> bool:
    """Helm's isTestHook: the hook runs on the ``test`` event (``test-success`` is an alias of it)."""
    return "test" in hook.events


def _crd_text(rendered) -> str:
    return "".join(_source_doc(crd.name, crd.content) for crd in crd_objects(rendered.chart))


def stdout_text(rendered, include_crds: bool = False, skip_tests: bool = False, no_hooks: bool = False) -> str:
    """``helm template`` stdout for a RenderedRelease (``chart/render.py``), before ``--show-only``; ``no_hooks``
    leaves the hooks out (``--no-hooks``)."""
    manifest = (_crd_text(rendered) if include_crds else "") + rendered.manifest
    parts = [_trim_space(manifest) + "\n"]
    for hook in rendered.hooks:
        if no_hooks or (skip_tests and is_test_hook(hook)):
            continue
        parts.append(_source_doc(hook.path, hook.manifest))
    return "".join(parts)


def go_path_match(pattern: str, name: str) -> bool:
    """Go's ``path/filepath.Match`` (gocompat/filepath.py) as ``--show-only`` uses it: a malformed pattern matches
    nothing (Helm ignores the error)."""
    try:
        return match(pattern, name)
    except BadPattern:
        return False


def show_only_text(text: str, patterns) -> str:
    """Helm's ``--show-only``: the documents of ``text`` whose ``# Source`` path (without the chart name) matches
    each pattern in turn, printed ``"---\\n<doc>\\n"``. Raises ChartError ``could not find template <p> in chart``
    for a pattern that matches nothing."""
    docs = split_manifests(_trim_space(text))
    docs = [_trim_space(d) for d in docs]
    out = []
    for pattern in patterns:
        pattern = pattern.replace("\\", "/") if os.sep == "\\" else pattern
        missing = True
        for doc in docs:
            found = _SOURCE.search(doc)
            if not found or not go_path_match(pattern, found.group(1)):
                continue
            out.append("---\n%s\n" % doc)
            missing = False
        if missing:
            raise ChartError("could not find template %s in chart" % pattern)
    return "".join(out)


def output_dir_files(rendered, include_crds: bool = False, skip_tests: bool = False, no_hooks: bool = False) -> dict:
    """The files ``helm template --output-dir`` writes into an empty directory: ``{relative path: text}``
    (hooks left out with ``no_hooks``)."""
    files = {}

    def add(path, content):
        files[path] = files.get(path, "") + _source_doc(path, content)

    if include_crds:
        for crd in crd_objects(rendered.chart):
            add(crd.name, crd.content)
    for manifest in rendered.manifests:
        add(manifest.name, manifest.content)
    for hook in rendered.hooks:
        if not no_hooks and not (skip_tests and is_test_hook(hook)):
            add(hook.path, hook.manifest)
    return files


def parse_objects(text: str) -> list:
    """Every non-empty YAML document of ``text`` as Python data (go-yaml v2 resolution, ints stay ints).
    Raises ValuesError naming the document's ``# Source`` when one is not valid YAML."""
    objects = []
    for doc in split_manifests(text):
        found = _SOURCE.search(doc)
        where = "rendered manifest" + (" %s" % found.group(0)[len("# Source: "):] if found else "")
        value = load_go_yaml(doc, where)
        if value is not None:
            objects.append(_plain_data(value))
    return objects


def _plain_data(value):
    """JSON-friendly data, as sigs.k8s.io/yaml would give it: ``!!binary`` decoded into a string, ``!!set`` a map of
    nulls, non-string keys as strings."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else _key_text(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {_key_text(k): None for k in value}
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return value


def _key_text(key) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def collect_values(values_files=(), values=None, set_values=(), read_file=None) -> dict:
    """User values as Helm's MergeValues builds them, for helm_template, helm_lint and the helm_template lookup
    (``chart/uservalues.py: merge_values``, the one home of the merge and of its error texts).

    Args:
        values_files (list[str]): YAML files, merged in order. values (dict | None): merged after them.
        set_values (list[dict]): ``{"value": "a.b=c", "value_type": raw|string|json|file|literal}``, applied grouped
            by type in Helm's order json, raw, string, file, literal (each group in list order).
        read_file (callable | None): ``read_file(path) -> bytes``, for values files (default: read local files).

    Returns: dict of user values. Raises ValuesError naming the file, the option or the set_values entry.
    """
    reader = read_file or _read_local
    return merge_values(((path, reader(path)) for path in values_files or ()), values, set_values)


def _read_local(path: str) -> bytes:
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ValuesError("cannot read %s: %s" % (path, exc.strerror or exc)) from None


def template_chart(chart, values=None, *, release_name="release-name", namespace="default", revision=1,
                   is_upgrade=False, kube_version=None, api_versions=None, include_crds=False, skip_tests=False,
                   show_only=None, no_hooks=False, skip_schema_validation=False) -> TemplateResult:
    """Render ``chart`` as ``helm template`` does.

    Args:
        chart: chart directory, ``.tgz`` path or bytes, or a loaded Chart. values (dict | None): user values
            (see :func:`collect_values`). release_name, namespace, revision, is_upgrade: ``.Release``.
        kube_version (str | None), api_versions (list[str] | None): ``.Capabilities`` (Helm's offline defaults
            plus these). include_crds, skip_tests, no_hooks, skip_schema_validation (bool), show_only
            (list[str] | None): Helm's flags.

    Returns: TemplateResult. Raises ChartError, ValuesError and engine template errors with Helm's messages.
    """
    capabilities = Capabilities(kube_version, api_versions)
    rendered = render_release(chart, values, release_name=release_name, namespace=namespace, revision=revision,
                              is_upgrade=is_upgrade, capabilities=capabilities,
                              skip_schema_validation=skip_schema_validation)
    text = stdout_text(rendered, include_crds, skip_tests, no_hooks)
    if show_only:
        text = show_only_text(text, show_only)
    return TemplateResult(text, parse_objects(text), output_dir_files(rendered, include_crds, skip_tests, no_hooks),
                          rendered)


def output_dir_diff(output_dir: str, files: dict, paths) -> list:
    """Ansible diff entries (``before``/``after`` text with headers) for ``paths`` of ``files`` against what
    ``output_dir`` holds now (a missing file is empty before). Call before :func:`sync_output_dir` writes."""
    out = []
    for rel in paths:
        target = os.path.join(os.path.abspath(output_dir), *rel.split("/"))
        try:
            with open(target, "rb") as handle:
                before = handle.read().decode("utf-8", "replace")
        except OSError:
            before = ""
        out.append({"before": before, "after": files[rel], "before_header": target, "after_header": target})
    return out


def sync_output_dir(output_dir: str, files: dict, check_mode: bool = False) -> list:
    """Make ``<output_dir>/<path>`` hold ``files[path]`` for each file; write only those whose bytes differ.

    Returns the sorted list of relative paths that changed (or would change, in check_mode). Other files in the
    directory are left alone (Helm does not remove them either). Raises ChartError when a file cannot be written.
    """
    top = os.path.abspath(output_dir)
    changed = []
    for rel, text in files.items():
        target = os.path.join(top, *rel.split("/"))
        if not os.path.abspath(target).startswith(top + os.sep):
            raise ChartError("refusing to write %s outside output_dir %s" % (rel, output_dir))
        data = text.encode("utf-8", "surrogateescape")  # the rendered bytes, as helm template --output-dir writes
        try:
            with open(target, "rb") as handle:
                if handle.read() == data:
                    continue
        except OSError:
            pass
        changed.append(rel)
        if check_mode:
            continue
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            tmp = target + ".helmkit-tmp"
            with open(tmp, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except OSError as exc:
            raise ChartError("cannot write %s: %s; check that output_dir %s is writable"
                             % (target, exc.strerror or exc, output_dir)) from None
    return sorted(changed)
