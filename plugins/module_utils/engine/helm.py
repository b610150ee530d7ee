"""Helm's engine.Render on top of the Go template engine (helm.sh/helm/v4 pkg/engine/engine.go).

:func:`render` takes every template of a chart tree (subcharts included) with the context each one sees, parses them
all into one shared :class:`TemplateSet` and executes the non-partial ones, as Helm's ``renderWithReferences`` does:

* parse and execution order is Helm's ``sortTemplates``: deepest path first, then reverse lexical order, so a
  parent chart's ``define`` overrides a subchart's, and templates that mutate ``.Values`` (istio's zzz_profile.yaml)
  run before the ones that read it;
* ``.Template`` (``Name``, ``BasePath``) is set on the template's context just before it runs (the context dict is
  shared by all templates of one chart, as in Helm);
* partials (base name starting with ``_``) are parsed but not returned; ``<no value>`` is removed from the output;
  ``missingkey=zero`` unless ``strict``;
* the late-bound functions are closures over the set being executed: ``include`` (recursion limit per name),
  ``tpl`` (clone of the current set, the text parsed as template ``gotpl``), ``required``, ``fail``, ``lookup``;
  ``getHostByName`` returns "" (Helm's engine has DNS lookups off);
* errors are rewritten the way Helm does it: ``parse error at (NAME:LINE): msg`` (cleanupParseError),
  ``execution error at (NAME:LINE:COL): msg`` for ``required``/``fail`` (cleanupExecError), and Helm v4's
  multi-line trace for nested template errors (reformatExecErrorMsg).
"""
from __future__ import annotations

import posixpath
import re
import sys

from . import helmfuncs
from ..errors import HelmkitError
from .errors import FuncError, TemplateError, TemplateExecError, TemplateParseError
from .gofmt import go_quote
from .gotypes import go_type_name
from .limits import budget_scope, check_deadline, grow
from .runtime import EngineScope
from .sprig import FUNCS
from .template import TemplateSet

__all__ = ["RenderTemplate", "RenderError", "render", "sort_templates", "cleanup_parse_error",
           "cleanup_exec_error"]

ROOT_NAME = "gotpl"
RECURSION_MAX = 1000
_WARN_START = "HELM_ERR_START"
_WARN_END = "HELM_ERR_END"
_WARN_RE = re.compile(_WARN_START + "(.*)" + _WARN_END, re.S)
# Nested include/tpl calls recurse in Python; a render raises the interpreter's limit to this (3.11+ keeps Python
# frames off the C stack, so a high limit is safe there; older interpreters get a modest one).
_RECURSION_LIMIT = 30000 if sys.version_info >= (3, 11) else 5000


_STRING_ANY = ("string", "interface {}")


class RenderError(TemplateError):
    """A chart's templates failed to parse or execute; the message is Helm's (see module docstring)."""


class RenderTemplate(object):
    """One template to render.

    ``name`` is Helm's template path ("mychart/charts/sub/templates/x.yaml"), ``source`` its text, ``context`` the
    dict the template executes against ("Values", "Release", "Chart", "Capabilities", "Files", "Subcharts"; render
    adds "Template"), ``base_path`` the chart's templates directory ("mychart/templates").
    """

    __slots__ = ("name", "source", "context", "base_path")

    def __init__(self, name: str, source: str, context: dict, base_path: str = "") -> None:
        self.name = name
        self.source = source
        self.context = context
        self.base_path = base_path or posixpath.dirname(name)

    def __repr__(self) -> str:
        return "RenderTemplate(name=%r, base_path=%r)" % (self.name, self.base_path)


def sort_templates(names) -> list:
    """Helm's sortTemplates: deepest path (most "/") first; equal depth in reverse lexical (byte) order."""
    return sorted(names, key=lambda name: (name.count("/"), name.encode("utf-8", "surrogatepass")), reverse=True)


def _warn_wrap(message: str) -> str:
    return _WARN_START + message + _WARN_END


def _is_partial(name: str) -> bool:
    return posixpath.basename(name).startswith("_")


# ---------------------------------------------------------------------------------------------------------------
# Error rewriting (engine.go cleanupParseError / cleanupExecError / reformatExecErrorMsg)
# ---------------------------------------------------------------------------------------------------------------

def cleanup_parse_error(filename: str, message: str) -> str:
    """``parse error at (LOCATION): LAST-PART`` from Go's ``template: LOCATION: ...: msg`` parse error text."""
    tokens = message.split(": ")
    if len(tokens) == 1:
        return "parse error in (%s): %s" % (filename, message)
    return "parse error at (%s): %s" % (tokens[1], tokens[-1])


def cleanup_exec_error(filename: str, message: str) -> str:
    """Helm's rewrite of a template execution error message.

    ``required``/``fail`` messages (wrapped in HELM_ERR_START/END) become ``execution error at (LOC): msg``; errors
    whose whole cause chain is template errors become Helm v4's indented trace; anything else is kept as is.
    """
    tokens = message.split(": ", 2)
    if len(tokens) != 3:
        return "execution error in (%s): %s" % (filename, message)
    warn = _WARN_RE.search(tokens[2])
    if warn:
        return "execution error at (%s): %s" % (tokens[1], warn.group(1))
    trace = _reformat_trace(message)
    return message if trace is None else trace


def _parse_traceable(text: str):
    """One error of the chain -> (location, executed function, message), or None if it is not a template error."""
    prefix = "template: "
    if not text.startswith(prefix):
        return None
    remainder = text[len(prefix):]
    if remainder.startswith("no template "):
        return ("", "", text)
    marker = ': executing "'
    at = remainder.find(marker)
    if at >= 0:
        location = remainder[:at]
        after = remainder[at + len(marker):]
        quote = after.find('"')
        if quote < 0:
            return None
        func_name = after[:quote]
        after = after[quote + 1:]
        if not after.startswith(" at <"):
            return None
        after = after[len(" at <"):]
        end = after.find(">: ")
        if end < 0:
            return None
        context = after[:end]
        error = after[end + 3:]
        cut = error.find(" template:")
        if cut >= 0:
            error = error[:cut]
        return (location, 'executing "%s" at <%s>:' % (func_name, context), error)
    colon = remainder.find(": ")
    if colon < 0:
        return None
    return (remainder[:colon], "", remainder[colon + 2:])


def _error_chain(message: str) -> list:
    """The texts of Go's wrapped error chain for an execution error, rebuilt from its message.

    An ExecError wraps ``fmt.Errorf("...: error calling FUNC: %w", err)``, so the function's own error follows the
    first ``error calling FUNC: `` of the message; plain template errors end the chain.
    """
    chain = [message]
    current = message
    for _i in range(100):
        match = re.match(r'template: .*?: executing ".*?" at <.*?>: error calling [^:\s]+: ', current, re.S)
        if not match:
            break
        current = current[match.end():]
        chain.append(current)
    else:
        return []
    return chain


def _reformat_trace(message: str):
    entries = []
    chain = _error_chain(message)
    if not chain:
        return None
    for text in chain:
        entry = _parse_traceable(text)
        if entry is None:
            return None
        if not entries or entries[-1] != entry:
            entries.append(entry)
    out = []
    for location, executed, error in entries:
        if location:
            out.append("%s\n  " % location)
        if executed:
            out.append("%s\n    " % executed)
        if error:
            out.append("%s\n" % error)
    return "".join(out).strip()


# ---------------------------------------------------------------------------------------------------------------
# The render
# ---------------------------------------------------------------------------------------------------------------

def _template_set_class():
    return TemplateSet


def _sprig_funcs() -> dict:
    funcs = dict(FUNCS)
    funcs.pop("env", None)
    funcs.pop("expandenv", None)
    return funcs


class _Renderer(object):
    """The state one render shares between its closures: the set stack, include counts, the tpl cache."""

    def __init__(self, strict: bool, lookup, max_include_depth: int, lint: bool = False) -> None:
        self.strict = strict
        self.lint = lint
        self.lookup_fn = lookup
        self.max_include_depth = max_include_depth
        self.included = {}
        self.stack = []
        self.tpl_cache = {}
        funcs = _sprig_funcs()
        for name, fn in helmfuncs.sprig_json_funcs().items():
            funcs.setdefault(name, fn)
        funcs.update(helmfuncs.funcs())
        funcs.update(self._closures())
        self.funcs = funcs
        self.root = _template_set_class()(funcs, missingkey="error" if strict else "zero")

    def _closures(self) -> dict:
        """Plain functions with Go's signatures (arity from the Python signature, types in ``go_args``)."""

        def include(name, data):
            return self.include(name, data)

        def tpl(text, values):
            return self.tpl(text, values)

        def required(warn, value):
            return self.required(warn, value)

        def fail(message):
            return self.fail(message)

        def lookup(api_version, kind, namespace, name):
            return self.lookup(api_version, kind, namespace, name)

        def getHostByName(name):  # noqa: N802 - Go's name
            return ""

        for fn, args in ((include, _STRING_ANY), (tpl, _STRING_ANY), (required, _STRING_ANY), (fail, ("string",)),
                         (lookup, ("string",) * 4), (getHostByName, ("string",))):
            fn.go_args = args
        return {"include": include, "tpl": tpl, "required": required, "fail": fail, "lookup": lookup,
                "getHostByName": getHostByName}

    # -- the late-bound functions ----------------------------------------------------------------------------
    def include(self, name, data):
        """include NAME DATA: execute a named template of the current set; nested more than 1000 deep per
        name is an error ("rendering template has a nested reference name: NAME: unable to execute template")."""
        if not isinstance(name, str):
            raise FuncError("wrong type for value; expected string; got %s" % _type_name(name))
        check_deadline()
        count = self.included.get(name)
        if count is not None:
            if count > self.max_include_depth:
                raise FuncError("rendering template has a nested reference name: %s: unable to execute template"
                                % name)
            self.included[name] = count + 1
        else:
            self.included[name] = 1
        try:
            current = self.stack[-1]
            if not current.has(name):
                raise FuncError("template: no template %s associated with template %s" % (
                    go_quote(name), go_quote(ROOT_NAME)))
            out = current.execute(name, data)
            grow("include", len(out))
            return out
        finally:
            self.included[name] -= 1

    def tpl(self, text, values):
        """tpl TEXT VALUES: parse TEXT as template "gotpl" in a clone of the current set and execute it."""
        if not isinstance(text, str):
            raise FuncError("wrong type for value; expected string; got %s" % _type_name(text))
        if "{{" not in text:
            return text.replace("<no value>", "")
        check_deadline()
        parent = self.stack[-1]
        key = (id(parent), text)
        clone = self.tpl_cache.get(key)
        if clone is None:
            clone = parent.clone()
            try:
                clone.add(ROOT_NAME, text, persist=False)  # values text: never written to disk
            except TemplateParseError as exc:
                raise FuncError("cannot parse template %s: %s" % (go_quote(text), exc))
            self.tpl_cache[key] = clone
        self.stack.append(clone)
        try:
            out = clone.execute(ROOT_NAME, values)
        except TemplateExecError as exc:
            raise FuncError("error during tpl function execution for %s: %s" % (go_quote(text), exc))
        finally:
            self.stack.pop()
        grow("tpl", len(out))
        return out.replace("<no value>", "")

    def required(self, warn, value):
        """required MSG VALUE: VALUE, or an error carrying MSG when VALUE is nil or ""."""
        if not isinstance(warn, str):
            raise FuncError("wrong type for value; expected string; got %s" % _type_name(warn))
        if value is None or (isinstance(value, str) and value == ""):
            if self.lint:
                return ""
            raise FuncError(_warn_wrap(warn))
        return value

    def fail(self, message):
        """fail MSG: an error carrying MSG (in lint mode: nothing)."""
        if not isinstance(message, str):
            raise FuncError("wrong type for value; expected string; got %s" % _type_name(message))
        if self.lint:
            return ""
        raise FuncError(_warn_wrap(message))

    def lookup(self, api_version, kind, namespace, name):
        """lookup APIVERSION KIND NAMESPACE NAME: {} without a cluster, else what the injected lookup returns."""
        for arg in (api_version, kind, namespace, name):
            if not isinstance(arg, str):
                raise FuncError("wrong type for value; expected string; got %s" % _type_name(arg))
        if self.lookup_fn is None or self.lint:
            return {}
        try:
            found = self.lookup_fn(api_version, kind, namespace, name)
        except FuncError:
            raise
        except Exception as exc:  # a Kubernetes API failure: Go's lookup returns it as the function error
            raise FuncError(str(exc))
        return {} if found is None else found

    # -- parse and execute ----------------------------------------------------------------------------------
    def parse(self, templates: dict, order: list) -> None:
        for name in order:
            try:
                self.root.add(name, templates[name].source)
            except TemplateParseError as exc:
                raise RenderError(cleanup_parse_error(name, str(exc)))
            except HelmkitError:
                raise
            except Exception as exc:  # a parser failure: report it like Helm's recovered panic
                raise RenderError("rendering template failed: %s: %s (while parsing %s)"
                                  % (type(exc).__name__, exc, name)) from exc

    def execute(self, templates: dict, order: list) -> dict:
        rendered = {}
        self.stack.append(self.root)
        for name in order:
            if _is_partial(name):
                continue
            item = templates[name]
            item.context["Template"] = {"Name": name, "BasePath": item.base_path}
            try:
                out = self.root.execute(name, item.context)
            except TemplateExecError as exc:
                raise RenderError(cleanup_exec_error(name, str(exc)))
            except RecursionError:
                raise RenderError("rendering template failed: templates nest too deeply (include/tpl recursion) "
                                  "while rendering %s" % name)
            except HelmkitError:
                raise
            except Exception as exc:  # Helm recovers a panic the same way: "rendering template failed: ..."
                raise RenderError("rendering template failed: %s: %s (while rendering %s)"
                                  % (type(exc).__name__, exc, name)) from exc
            rendered[name] = out.replace("<no value>", "")
        self.stack.pop()
        return rendered


def _type_name(value) -> str:
    return "interface {}" if value is None else go_type_name(value)


def render(templates, *, strict: bool = False, lookup=None, max_include_depth: int = RECURSION_MAX,
           lint: bool = False) -> dict:
    """Render a chart tree's templates as Helm's engine does.

    Args:
        templates: list of :class:`RenderTemplate` (names unique; a later duplicate replaces an earlier one).
        strict: ``missingkey=error`` instead of ``missingkey=zero`` (``helm lint --strict`` / ``--strict``).
        lookup: ``lookup(api_version, kind, namespace, name) -> dict`` for install mode; None gives Helm's
            offline behaviour (every lookup returns an empty map). Exceptions it raises fail the template.
        max_include_depth: how deep one template name may include itself (Helm: 1000).
        lint: Helm's LintMode: ``required`` with a missing value and ``fail`` print "" instead of failing, and
            ``lookup`` never contacts the cluster.

    Returns:
        {template name: rendered text} for every non-partial template (NOTES.txt included).

    Raises:
        RenderError: with Helm's message for parse and execution errors.
    """
    by_name = {}
    for item in templates:
        by_name[item.name] = item
    order = sort_templates(by_name)
    renderer = _Renderer(strict, lookup, max_include_depth, lint)
    with EngineScope(_RECURSION_LIMIT), budget_scope():  # GC paused, recursion limit raised; the render deadline
        renderer.parse(by_name, order)
        return renderer.execute(by_name, order)
