"""Compile text/template parse trees to Python closures and run them with Go's exec.go semantics.

``compile_tree(tree)`` turns a :class:`nodes.Tree` into ``run(state, dot)`` (cached on the tree, and trees are
cached by content in template.py, so a template is parsed and compiled once per process). ``State`` holds what Go's
``state`` holds: the template set, the variable stack, the executing template's name and the template depth.

Semantics follow text/template/exec.go: pipelines pass the previous command's value as the last argument, ``and``/
``or`` short-circuit, ``range`` iterates lists, maps (sorted keys) and ints, ``break``/``continue``, variables are
scoped by ``if``/``with``/``range``, ``template`` calls start a fresh variable scope, a nil action result prints
``<no value>``, and every error is a TemplateExecError in Go's format
``template: FILE:LINE:COL: executing "NAME" at <NODE>: MESSAGE``.
"""
from __future__ import annotations

import inspect
import weakref

from ..caches import CACHES
from . import nodes as nd
from . import forms
from .builtins import BUILTINS
from .errors import FuncError, TemplateExecError
from .gofmt import format_value, go_quote
from .gotypes import go_type_name, truth
from .limits import check_deadline, max_output_bytes, output_limit_message
from .runtime import EngineScope

MAX_EXEC_DEPTH = 100000
_LEN = BUILTINS["len"]
MISSING = object()  # Go's missingVal: no value piped into a command

# The stored form of parse trees (forms.tree_form) the compiler reads: a node is a tuple (tag, pos, tree index,
# then its slots in nodes.py's order); these name the tags and the indexes of the slots read here.
_TAG, _FIELD_AT = forms.TAGS, forms.field_index
_ACTION, _BOOL, _BREAK, _CHAIN, _COMMAND, _CONTINUE, _DOT, _FIELD, _IDENTIFIER, _IF, _LIST, _NIL, _NUMBER, _PIPE, \
    _RANGE, _STRING, _TEMPLATE, _TEXT, _VARIABLE, _WITH = (_TAG[cls] for cls in (
        nd.ActionNode, nd.BoolNode, nd.BreakNode, nd.ChainNode, nd.CommandNode, nd.ContinueNode, nd.DotNode,
        nd.FieldNode, nd.IdentifierNode, nd.IfNode, nd.ListNode, nd.NilNode, nd.NumberNode, nd.PipeNode, nd.RangeNode,
        nd.StringNode, nd.TemplateNode, nd.TextNode, nd.VariableNode, nd.WithNode))
_CONSTANTS = frozenset((_DOT, _BOOL, _STRING, _NUMBER, _NIL))
_IDENT = _FIELD_AT(nd.FieldNode, "ident")
if not _IDENT == _FIELD_AT(nd.VariableNode, "ident") == _FIELD_AT(nd.IdentifierNode, "ident"):
    raise AssertionError("engine/forms.py: field, variable and identifier forms keep their name in different slots")
_LIST_NODES = _FIELD_AT(nd.ListNode, "nodes")
_TEXT_TEXT = _FIELD_AT(nd.TextNode, "text")
_ACTION_PIPE = _FIELD_AT(nd.ActionNode, "pipe")
_BRANCH_PIPE, _BRANCH_LIST, _BRANCH_ELSE = (_FIELD_AT(nd.IfNode, slot) for slot in ("pipe", "list", "else_list"))
if not all((_FIELD_AT(cls, "pipe"), _FIELD_AT(cls, "list"), _FIELD_AT(cls, "else_list"))
           == (_BRANCH_PIPE, _BRANCH_LIST, _BRANCH_ELSE) for cls in (nd.RangeNode, nd.WithNode)):
    raise AssertionError("engine/forms.py: if, range and with forms keep pipe, list and else in different slots")
_TEMPLATE_NAME, _TEMPLATE_PIPE = _FIELD_AT(nd.TemplateNode, "name"), _FIELD_AT(nd.TemplateNode, "pipe")
_PIPE_IS_ASSIGN, _PIPE_DECL, _PIPE_CMDS = (_FIELD_AT(nd.PipeNode, slot) for slot in ("is_assign", "decl", "cmds"))
_COMMAND_ARGS = _FIELD_AT(nd.CommandNode, "args")
_CHAIN_NODE, _CHAIN_FIELD = _FIELD_AT(nd.ChainNode, "node"), _FIELD_AT(nd.ChainNode, "field")
_BOOL_TRUE = _FIELD_AT(nd.BoolNode, "true")
_STRING_TEXT = _FIELD_AT(nd.StringNode, "text")
_NUMBER_TEXT, _NUMBER_VALUE, _NUMBER_IS_INT, _NUMBER_IS_FLOAT, _NUMBER_INT_VALUE, _NUMBER_FLOAT_VALUE = (
    _FIELD_AT(nd.NumberNode, slot) for slot in ("text", "value", "is_int", "is_float", "int_value", "float_value"))


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class State(object):
    """Execution state: ``ts`` (TemplateSet), ``funcs``, ``out`` (list of str), ``vars`` (list of [name, value]),
    ``name`` (executing template), ``depth``, ``missing_error`` (missingkey=error)."""

    __slots__ = ("ts", "funcs", "out", "vars", "name", "depth", "missing_error", "ticks", "counted", "size")

    def __init__(self, ts, funcs, name: str, data, missing_error: bool) -> None:
        self.ts = ts
        self.funcs = funcs
        self.out = []
        self.vars = [["$", data]]
        self.name = name
        self.depth = 0
        self.missing_error = missing_error
        self.ticks = 0  # range iterations, for the output-size check (engine/limits.py)
        self.counted = 0  # chunks of ``out`` already added to ``size``
        self.size = 0


def _check_output(state: State, node) -> None:
    """Add the output written since the last check to ``state.size``; fail past the output limit. Called every
    1024 range iterations, so a loop printing a gigabyte stops early at a cost linear in the output."""
    out = state.out
    state.size += sum(len(chunk) for chunk in out[state.counted:])
    state.counted = len(out)
    if state.size > max_output_bytes():
        fail(state, node, output_limit_message(state.size))
    try:
        check_deadline()
    except FuncError as exc:
        fail(state, node, str(exc))


def error_message(state: State, node, message: str) -> str:
    """Go's state.errorf text for an error at ``node``."""
    if node is None:
        return "template: %s: %s" % (state.name, message)
    node = _node_of(node)
    where = node.tree.location(node.pos)
    return "template: %s: executing %s at <%s>: %s" % (where, go_quote(state.name), node, message)


def _node_of(at):
    """The node of an error location: a ``(form, tree)`` pair (:meth:`_Compiler.at`) is rebuilt into a node of
    :mod:`.nodes` (its text and position for the message); a node is itself."""
    if at.__class__ is tuple:
        return forms.form_node(at[0], at[1])
    return at


def fail(state: State, node, message: str):
    """Raise TemplateExecError for ``node`` (a node or a ``(form, tree)`` pair) with Go's message."""
    line = col = 0
    if node is not None:
        node = _node_of(node)
        line_text, col_text = node.tree.location(node.pos).rsplit(":", 2)[1:]
        line, col = int(line_text), int(col_text)
    raise TemplateExecError(error_message(state, node, message), state.name, line, col)


# -- function arity -----------------------------------------------------------------------------------------------

def arity(fn):
    """(minimum args, maximum args or None when variadic) of a Python callable; cached per function."""
    key = getattr(fn, "__func__", fn)
    bound = key is not fn
    try:
        result = CACHES.arities.get(key)
    except TypeError:  # not weak-referenceable (a C function): compute every time
        result = None
        key = None
    if result is None:
        result = _compute_arity(key if key is not None else fn)
        if key is not None:
            CACHES.arities[key] = result
    if bound:
        low, high = result
        return max(low - 1, 0), (None if high is None else max(high - 1, 0))
    return result


def _compute_arity(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return 0, None
    low = high = 0
    for param in sig.parameters.values():
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            high += 1
            if param.default is param.empty:
                low += 1
        elif param.kind == param.VAR_POSITIONAL:
            return low, None
    return low, high


def check_arity(state, node, name: str, fn, nargs: int, piped: bool) -> None:
    """Go evalCall's argument count check; ``nargs`` excludes a piped final value."""
    low, high = arity(fn)
    message = _arity_message(name, low, high, nargs, piped)
    if message is not None:
        fail(state, node, message)


def _arity_message(name: str, low: int, high, nargs: int, piped: bool):
    """Go evalCall's argument count error for ``nargs`` arguments (plus a piped one), or None."""
    num_in = nargs + (1 if piped else 0)
    if high is None:
        if num_in < low:
            return "wrong number of args for %s: want at least %d got %d" % (name, low, nargs)
    elif num_in < low or num_in > high:
        return "wrong number of args for %s: want %d got %d" % (name, high, num_in)
    return None


def call_function(state, node, name: str, fn, argv):
    """Call ``fn(*argv)``; any exception becomes ``error calling NAME: MESSAGE`` at ``node``."""
    try:
        return fn(*argv)
    except (_Break, _Continue, RecursionError):
        raise
    except Exception as exc:  # functions report failure by raising; Go wraps the error the same way
        fail(state, node, "error calling %s: %s" % (name, _exc_text(exc)))


def _exc_text(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = str(exc.args[0])
    return text or type(exc).__name__


# -- printing -----------------------------------------------------------------------------------------------------

def print_value(value) -> str:
    """How an action prints its value: nil -> "<no value>", strings as they are, others with %v."""
    if value.__class__ is str:
        return value
    if value is None:
        return "<no value>"
    return format_value(value)


# -- compiler -----------------------------------------------------------------------------------------------------

def compile_tree(tree):
    """Compile (once) and return ``run(state, dot)`` for a parse tree. The compiler reads the tree's stored form
    (:func:`forms.tree_form`: plain tuples, what a later process loads from disk without building nodes)."""
    run = tree.compiled
    if run is None:
        with EngineScope():  # compiling allocates many long-lived closures; see runtime.py
            run = _Compiler(tree).list(forms.tree_form(tree), False)
        tree.compiled = run
    return run


def last_at(form):
    """The node (stored form) Go's state would point at after evaluating ``form`` (used for errors raised after a
    pipeline, e.g. "range can't iterate over ...")."""
    tag = form[0]
    if tag == _PIPE:
        cmds = form[_PIPE_CMDS]
        return last_at(cmds[-1]) if cmds else form
    if tag == _COMMAND:
        args = form[_COMMAND_ARGS]
        first = args[0]
        tag = first[0]
        if tag == _IDENTIFIER:
            return last_at(args[-1]) if len(args) > 1 else first
        if tag == _PIPE or tag == _CHAIN:
            return last_at(first)
        return first
    if tag == _CHAIN:
        return last_at(form[_CHAIN_NODE])
    return form


class _Compiler(object):
    """Builds closures from a tree's stored form (tuples: see :mod:`.forms`); ``dot_iface`` tells whether dot
    is an interface {} value (inside range), which only changes error texts ("nil pointer evaluating interface
    {}.x", "can't evaluate field x in type interface {}"). ``iface_vars`` names the range element variables in
    scope: like dot there, they hold interface {} values. Closures that may fail keep ``(form, tree)`` pairs
    (:meth:`at`), from which :func:`fail` rebuilds the node only when an error is raised."""

    def __init__(self, tree) -> None:
        self.tree = tree
        self.iface_vars = []

    def at(self, form):
        """The error location of ``form``: a ``(form, tree)`` pair, turned into a node by :func:`fail`."""
        return (form, self.tree)

    # statements ----------------------------------------------------------------------------------------------
    def list(self, node, dot_iface: bool):
        ops = []
        for child in node[_LIST_NODES]:
            if child[0] == _TEXT:
                if ops and ops[-1].__class__ is str:
                    ops[-1] = ops[-1] + child[_TEXT_TEXT]
                else:
                    ops.append(child[_TEXT_TEXT])
            else:
                ops.append(self.statement(child, dot_iface))
        ops = tuple(ops)
        if len(ops) == 1 and ops[0].__class__ is str:
            text = ops[0]

            def run_text(state, dot):
                state.out.append(text)
            return run_text

        def run_list(state, dot):
            out = state.out
            for op in ops:
                if op.__class__ is str:
                    out.append(op)
                else:
                    op(state, dot)
        return run_list

    def statement(self, node, dot_iface):
        tag = node[0]
        if tag == _ACTION:
            return self.action(node, dot_iface)
        if tag == _IF:
            return self.if_with(node, dot_iface, False)
        if tag == _WITH:
            return self.if_with(node, dot_iface, True)
        if tag == _RANGE:
            return self.range_(node, dot_iface)
        if tag == _TEMPLATE:
            return self.template(node, dot_iface)
        if tag == _BREAK:
            def run_break(state, dot):
                raise _Break()
            return run_break
        if tag == _CONTINUE:
            def run_continue(state, dot):
                raise _Continue()
            return run_continue
        if tag == _LIST:
            return self.list(node, dot_iface)
        raise AssertionError("unknown node %r" % node)  # pragma: no cover

    def action(self, node, dot_iface):
        pipe = self.pipe(node[_ACTION_PIPE], dot_iface)
        if node[_ACTION_PIPE][_PIPE_DECL]:
            def run_decl(state, dot):
                pipe(state, dot)
            return run_decl

        def run_action(state, dot):
            value = pipe(state, dot)
            if value.__class__ is str:
                state.out.append(value)
            else:
                state.out.append(print_value(value))
        return run_action

    def deferred(self, node, dot_iface, extra_iface_vars=()):
        """A function compiling the branch body ``node`` when called: if/with/range compile a body when it first
        runs, since charts are full of bodies a given values set never enters. The body sees the range element
        variables in scope here (``extra_iface_vars`` adds the branch's own)."""
        iface_vars = self.iface_vars + list(extra_iface_vars)

        tree = self.tree

        def compile_body():
            compiler = _Compiler(tree)
            compiler.iface_vars = iface_vars
            return compiler.list(node, dot_iface)
        return compile_body

    def if_with(self, node, dot_iface, is_with):
        pipe = self.pipe(node[_BRANCH_PIPE], dot_iface)
        compile_body = self.deferred(node[_BRANCH_LIST], False if is_with else dot_iface)
        else_list = node[_BRANCH_ELSE]
        compile_else = self.deferred(else_list, dot_iface) if else_list is not None else None
        body = else_body = None

        def run_if_with(state, dot):
            nonlocal body, else_body
            mark = len(state.vars)
            value = pipe(state, dot)
            if truth(value):
                if body is None:
                    body = compile_body()
                body(state, value if is_with else dot)
            elif compile_else is not None:
                if else_body is None:
                    else_body = compile_else()
                else_body(state, dot)
            del state.vars[mark:]
        return run_if_with

    def range_(self, node, dot_iface):
        pipe_form = node[_BRANCH_PIPE]
        pipe = self.pipe(pipe_form, dot_iface)
        decl = pipe_form[_PIPE_DECL]
        elem_var = [decl[-1][_IDENT][0]] if decl else []
        # elements of []interface {} and map values are interfaces; bodies are compiled when first run
        compile_body = self.deferred(node[_BRANCH_LIST], True, elem_var)
        bodies = []
        compile_int_body = self.deferred(node[_BRANCH_LIST], False)  # ranging over an int gives a concrete int dot
        int_body = []
        else_list = node[_BRANCH_ELSE]
        compile_else = self.deferred(else_list, dot_iface) if else_list is not None else None
        else_bodies = []
        ndecl = len(decl)
        is_assign = pipe_form[_PIPE_IS_ASSIGN]
        names = [v[_IDENT][0] for v in decl]
        at = self.at(last_at(pipe_form))

        def one(state, mark, index, elem, body):
            if ndecl:
                if is_assign:
                    _set_var(state, at, names[0], index if ndecl > 1 else elem)
                    if ndecl > 1:
                        _set_var(state, at, names[1], elem)
                else:
                    state.vars[mark - 1][1] = elem
                    if ndecl > 1:
                        state.vars[mark - 2][1] = index
            try:
                body(state, elem)
            except _Continue:
                pass
            del state.vars[mark:]
            state.ticks += 1
            if not state.ticks & 1023:
                _check_output(state, at)

        def run_range(state, dot):
            mark0 = len(state.vars)
            value = pipe(state, dot)
            mark = len(state.vars)
            try:
                if isinstance(value, (list, tuple)):
                    if value:
                        body = bodies[0] if bodies else _first(bodies, compile_body)
                        for i, elem in enumerate(tuple(value)):  # Go ranges over the length it started with
                            one(state, mark, i, elem, body)
                        return
                elif isinstance(value, dict):
                    if value:
                        body = bodies[0] if bodies else _first(bodies, compile_body)
                        # Go (fmtsort) snapshots sorted keys and values before the first iteration.
                        for key, elem in [(key, value[key]) for key in _sorted_keys(value)]:
                            one(state, mark, key, elem, body)
                        return
                elif isinstance(value, int) and not isinstance(value, bool):
                    if ndecl > 1:
                        fail(state, at, "can't use %s to iterate over more than one variable"
                             % format_value(value))
                    if value > 0:
                        body = int_body[0] if int_body else _first(int_body, compile_int_body)
                        for i in range(value):
                            one(state, mark, None, i, body)
                        return
                elif value is not None:
                    fail(state, at, "range can't iterate over %s" % format_value(value))
                if compile_else is not None:
                    (else_bodies[0] if else_bodies else _first(else_bodies, compile_else))(state, dot)
            except _Break:
                pass
            finally:
                del state.vars[mark0:]
        return run_range

    def template(self, node, dot_iface):
        pipe = self.pipe(node[_TEMPLATE_PIPE], dot_iface) if node[_TEMPLATE_PIPE] is not None else None
        name = node[_TEMPLATE_NAME]
        node = self.at(node)

        def run_template(state, dot):
            tree = state.ts.lookup(name)
            if tree is None:
                fail(state, node, "template %s not defined" % go_quote(name))
            if state.depth >= MAX_EXEC_DEPTH:
                fail(state, node, "exceeded maximum template depth (%d)" % MAX_EXEC_DEPTH)
            try:
                check_deadline()  # a {{ template }} fan-out recurses 2^depth times (engine/limits.py)
            except FuncError as exc:
                fail(state, node, str(exc))
            value = pipe(state, dot) if pipe is not None else None
            run = compile_tree(tree)
            saved_vars, saved_name = state.vars, state.name
            state.vars = [["$", value]]
            state.name = name
            state.depth += 1
            try:
                run(state, value)
            except RecursionError:
                state.vars, state.name = saved_vars, saved_name
                fail(state, node, "exceeded maximum template depth (%d)" % MAX_EXEC_DEPTH)
            finally:
                state.depth -= 1
                state.vars, state.name = saved_vars, saved_name
        return run_template

    # pipelines and commands -------------------------------------------------------------------------------------
    def pipe(self, node, dot_iface):
        cmds = tuple(self.command(c, dot_iface, node, i) for i, c in enumerate(node[_PIPE_CMDS]))
        names = [v[_IDENT][0] for v in node[_PIPE_DECL]]
        if not names and len(cmds) == 1:
            return cmds[0]  # a command closure run with (state, dot) has nothing piped into it
        is_assign = node[_PIPE_IS_ASSIGN]
        at = self.at(last_at(node))

        def run_pipe(state, dot):
            value = MISSING
            for cmd in cmds:
                value = cmd(state, dot, value)
            for name in names:
                if is_assign:
                    _set_var(state, at, name, value)
                else:
                    state.vars.append([name, value])
            return value
        return run_pipe

    def command(self, cmd, dot_iface, pipe_node, index: int):
        """Closure ``(state, dot, final=MISSING) -> value`` for command ``index`` of ``pipe_node``; ``final`` is
        the value piped in from the previous command."""
        first = cmd[_COMMAND_ARGS][0]
        tag = first[0]
        if tag == _FIELD:
            return self.field_command(cmd, first, dot_iface)
        if tag == _CHAIN:
            return self.chain_command(cmd, first, dot_iface)
        if tag == _IDENTIFIER:
            return self.function_command(cmd, first, dot_iface)
        if tag == _PIPE:
            pipe = self.pipe(first, dot_iface)
            nargs = len(cmd[_COMMAND_ARGS])
            tree = self.tree

            def run_paren(state, dot, final=MISSING):
                if nargs > 1 or final is not MISSING:
                    at = pipe_node if index == 0 else last_at(pipe_node[_PIPE_CMDS][index - 1])
                    fail(state, (at, tree), "can't give argument to non-function %s" % _node_of((first, tree)))
                return pipe(state, dot)
            return run_paren
        if tag == _VARIABLE:
            return self.variable_command(cmd, first, dot_iface)
        return self.literal_command(cmd, first)

    def literal_command(self, cmd, first):
        nargs = len(cmd[_COMMAND_ARGS])
        at = self.at(first)
        if first[0] == _NIL:
            def run_nil(state, dot, final=MISSING):
                if nargs > 1 or final is not MISSING:
                    fail(state, at, "can't give argument to non-function %s" % _node_of(at))
                fail(state, at, "nil is not a command")
            return run_nil
        value_of = self.constant(first)

        def run_literal(state, dot, final=MISSING):
            if nargs > 1 or final is not MISSING:
                fail(state, at, "can't give argument to non-function %s" % _node_of(at))
            return value_of(state, dot)
        return run_literal

    def constant(self, node):
        """Closure for a literal or dot: (state, dot) -> value."""
        tag = node[0]
        if tag == _DOT:
            return lambda state, dot: dot
        if tag == _BOOL:
            value = node[_BOOL_TRUE]
        elif tag == _STRING:
            value = node[_STRING_TEXT]
        elif tag == _NUMBER:
            value = node[_NUMBER_VALUE]
            if value is None:
                at = self.at(node)

                def overflow(state, dot):
                    fail(state, at, "%s overflows int" % node[_NUMBER_TEXT])
                return overflow
        elif tag == _NIL:
            value = None
        else:  # pragma: no cover
            raise AssertionError(node)
        return lambda state, dot: value

    def arg(self, node, dot_iface):
        """Closure evaluating one argument (Go evalArg for an interface{} parameter)."""
        tag = node[0]
        if tag in _CONSTANTS:
            return self.constant(node)
        if tag == _FIELD:
            cmd = self.field_command(None, node, dot_iface)
        elif tag == _VARIABLE:
            cmd = self.variable_command(None, node, dot_iface)
        elif tag == _CHAIN:
            cmd = self.chain_command(None, node, dot_iface)
        elif tag == _IDENTIFIER:
            cmd = self.function_command(None, node, dot_iface)
        elif tag == _PIPE:
            return self.pipe(node, dot_iface)
        else:  # pragma: no cover
            raise AssertionError(node)
        return cmd  # run with (state, dot): nothing piped in

    def field_command(self, cmd, field, dot_iface):
        idents = tuple(field[_IDENT])
        args = tuple(self.arg(a, dot_iface) for a in cmd[_COMMAND_ARGS][1:]) if cmd is not None else ()
        return _field_chain_runner(self.at(field), idents, args, dot_iface, lambda state, dot: dot)

    def variable_command(self, cmd, var, dot_iface):
        name = var[_IDENT][0]
        idents = tuple(var[_IDENT][1:])
        args = tuple(self.arg(a, dot_iface) for a in cmd[_COMMAND_ARGS][1:]) if cmd is not None else ()
        nargs = len(args)
        var = self.at(var)

        def get(state, dot):
            for entry in reversed(state.vars):
                if entry[0] == name:
                    return entry[1]
            fail(state, var, "undefined variable: %s" % name)

        if not idents:
            def run_var(state, dot, final=MISSING):
                value = get(state, dot)
                if nargs > 0 or final is not MISSING:
                    fail(state, var, "can't give argument to non-function %s" % _node_of(var))
                return value
            return run_var
        return _field_chain_runner(var, idents, args, False, get)

    def chain_command(self, cmd, chain, dot_iface):
        if chain[_CHAIN_NODE][0] == _NIL:
            at = self.at(chain)

            def run_nil_chain(state, dot, final=MISSING):
                fail(state, at, "indirection through explicit nil in %s" % _node_of(at))
            return run_nil_chain
        receiver = self.arg(chain[_CHAIN_NODE], dot_iface)
        args = tuple(self.arg(a, dot_iface) for a in cmd[_COMMAND_ARGS][1:]) if cmd is not None else ()
        # Go's state points at the last node evaluated for the chain's operand when a field fails.
        return _field_chain_runner(self.at(last_at(chain[_CHAIN_NODE])), tuple(chain[_CHAIN_FIELD]), args, False,
                                   receiver)

    def function_command(self, cmd, ident, dot_iface):
        name = ident[_IDENT]
        arg_nodes = cmd[_COMMAND_ARGS][1:] if cmd is not None else []
        args = tuple(self.arg(a, dot_iface) for a in arg_nodes)
        nargs = len(args)
        err_node = self.at(cmd if cmd is not None else ident)
        iface_vars = self.iface_vars
        iface_args = frozenset(i for i, a in enumerate(arg_nodes) if a[0] == _VARIABLE and len(a[_IDENT]) == 1
                               and a[_IDENT][0] in iface_vars) if iface_vars else _NO_INDEXES
        builtin = BUILTINS.get(name)

        # Go's len sees an untyped nil (nil literal, variable or pipeline result) differently from a nil
        # interface taken from a map: the first panics inside reflect, the second is a "nil pointer".
        first = arg_nodes[0] if arg_nodes else None
        len_of_invalid = name == "len" and (first is None or first[0] == _NIL or first[0] == _PIPE or (
            first[0] == _VARIABLE and len(first[_IDENT]) == 1))

        ident = self.at(ident)
        site = _CallSite(name, ident, err_node, arg_nodes, args, dot_iface, iface_args, self.tree)

        def _call(state, dot, final, fn):
            known = site.known
            plan = known[1] if known is not None and known[0]() is fn else site.prepare(fn)
            message = plan[final is not MISSING]
            if message is not None:
                fail(state, ident, message)
            steps = plan[2]
            if steps is None:
                argv = [a(state, dot) for a in args]
                if final is not MISSING:
                    argv.append(final)
            else:
                argv = _typed_argv(state, dot, steps, final, plan[3], plan[4])
            if len_of_invalid and fn is _LEN and len(argv) == 1 and argv[0] is None:
                fail(state, err_node, "error calling len: reflect: call of reflect.Value.Type on zero Value")
            return call_function(state, err_node, name, fn, argv)

        if name in ("and", "or"):
            want = name == "or"

            def run_and_or(state, dot, final=MISSING):
                fn = state.funcs.get(name)
                if fn is not None:
                    return _call(state, dot, final, fn)
                if nargs == 0 and final is MISSING:
                    fail(state, ident, "wrong number of args for %s: want at least 1 got 0" % name)
                value = None
                for arg in args:
                    value = arg(state, dot)
                    if truth(value) == want:
                        return value
                if final is not MISSING:
                    value = final
                return value
            return run_and_or

        if name == "call":
            callee_at = self.at(arg_nodes[0]) if arg_nodes else None

            def run_call(state, dot, final=MISSING):
                fn = state.funcs.get(name)
                if fn is not None:
                    return _call(state, dot, final, fn)
                if nargs == 0 and final is MISSING:
                    fail(state, ident, "wrong number of args for call: want at least 1 got 0")
                argv = [a(state, dot) for a in args]
                if final is not MISSING:
                    argv.append(final)
                target = argv[0]
                if target is None:
                    fail(state, err_node, "error calling call: call of nil")
                if not callable(target):
                    # Go names a piped callee by reflect.Value.String(): the text of a string, else "<int Value>"
                    name_shown = str(_node_of(callee_at)) if arg_nodes else (
                        target if isinstance(target, str) else "<%s Value>" % go_type_name(target))
                    fail(state, err_node, "error calling call: non-function %s of type %s"
                         % (name_shown, go_type_name(target)))
                check_arity(state, ident, str(_node_of(callee_at)) if arg_nodes else "", target, len(argv) - 1,
                            False)
                return call_function(state, err_node, "call", target, argv[1:])
            return run_call

        def run_function(state, dot, final=MISSING):
            fn = state.funcs.get(name, builtin)
            if fn is None:
                fail(state, ident, "%s is not a defined function" % go_quote(name))
            return _call(state, dot, final, fn)
        return run_function


_NILABLE_PREFIXES = ("[]", "map[", "*", "interface", "func")


def _can_be_nil(typ: str) -> bool:
    return typ.startswith(_NILABLE_PREFIXES)


def _param_type(types, index: int, fixed: int, variadic: bool):
    if variadic and index >= fixed:
        return types[fixed] if fixed < len(types) else None
    return types[index] if index < len(types) else None


def _literal_value(node, typ: str):
    """Go evalBool/evalString/evalInteger/evalFloat: ``(value, None)`` for a literal argument (a ``(form, tree)``
    pair) of a typed parameter, or ``(None, error message)``."""
    form, _tree = node
    tag = form[0]
    if typ == "bool":
        if tag == _BOOL:
            return form[_BOOL_TRUE], None
        return None, "expected bool; found %s" % _node_of(node)
    if typ == "string":
        if tag == _STRING:
            return form[_STRING_TEXT], None
        return None, "expected string; found %s" % _node_of(node)
    if typ in ("int", "int64", "int32", "int8", "int16"):
        if tag == _NUMBER and form[_NUMBER_IS_INT]:
            return form[_NUMBER_INT_VALUE], None
        return None, "expected integer; found %s" % _node_of(node)
    if typ in ("float64", "float32"):
        if tag == _NUMBER and form[_NUMBER_IS_FLOAT]:
            return form[_NUMBER_FLOAT_VALUE], None
        return None, "expected float; found %s" % _node_of(node)
    if typ.startswith("uint"):
        if tag == _NUMBER and form[_NUMBER_IS_INT] and form[_NUMBER_INT_VALUE] >= 0:
            return form[_NUMBER_INT_VALUE], None
        return None, "expected unsigned integer; found %s" % _node_of(node)
    return None, "can't handle %s for arg of type %s" % (_node_of(node), typ)


def _validate(state, node, value, typ: str, from_interface: bool = False, map_entry: bool = False):
    """Go validateType: a computed value for a typed parameter. ``from_interface``: the value is still an
    interface {} (a map entry or a function result), so a nil is a nil interface rather than no value.
    ``map_entry``: the value is a field of a map (``.Values.x``, ``$v.x``, ``(.Values).x``): a nil there is a
    valid nil ``interface {}``, which Go assigns to no typed parameter, not even a map, slice or pointer."""
    if value is None:
        if map_entry:
            fail(state, node, "wrong type for value; expected %s; got interface {}" % typ)
        if _can_be_nil(typ):
            return None
        if from_interface:
            fail(state, node, "wrong type for value; expected %s; got interface {}" % typ)
        fail(state, node, "invalid value; expected %s" % typ)
    actual = go_type_name(value)
    if actual != typ and not typ.startswith("interface"):
        fail(state, node, "wrong type for value; expected %s; got %s" % (typ, actual))
    return value


_EVAL, _CONST, _FAIL, _CHECK = range(4)
_NO_INDEXES = frozenset()
# Python classes whose Go type name (gotypes.go_type_name) is fixed: a value of exactly one of these classes fits a
# parameter of that type without the full check (_validate).
_EXACT_TYPES = {str: "string", int: "int", float: "float64", dict: "map[string]interface {}",
                list: "[]interface {}", tuple: "[]interface {}"}


class _CallSite(object):
    """What one function call in a template needs to know about the function it calls, worked out when the site
    first runs with that function and kept while the same function object is called there (a weak reference: a
    render's ``include`` closure must not outlive the render): Go's argument count check (evalCall) and how each
    argument is evaluated for the function's Go parameter types (evalArg: ``fn.go_args``)."""

    __slots__ = ("name", "ident", "err_node", "arg_nodes", "args", "dot_iface", "iface_args", "tree", "known")

    def __init__(self, name, ident, err_node, arg_nodes, args, dot_iface, iface_args, tree) -> None:
        self.name = name
        self.ident = ident
        self.err_node = err_node
        self.arg_nodes = arg_nodes
        self.args = args
        self.dot_iface = dot_iface
        self.iface_args = iface_args
        self.tree = tree
        self.known = None  # (weak reference to the function, its plan): one attribute, so threads see a pair

    def prepare(self, fn):
        """``(arity error without a piped value or None, with one or None, argument steps or None, type of a
        piped value or None, node a piped value's type error points at)`` for ``fn``; remembered for ``fn``."""
        low, high = arity(fn)
        nargs = len(self.args)
        if low <= nargs and (high is None or nargs + 1 <= high):
            messages = (None, None)
        else:
            messages = tuple(_arity_message(self.name, low, high, nargs, piped) for piped in (False, True))
        types = getattr(fn, "go_args", None)
        if types is None:
            plan = messages + (None, None, None)
        else:
            variadic = high is None
            steps = tuple(self._step(i, node, _param_type(types, i, low, variadic))
                          for i, node in enumerate(self.arg_nodes))
            final_type = _param_type(types, nargs, low, variadic)
            final_at = (last_at(self.arg_nodes[-1]), self.tree) if self.arg_nodes else self.ident
            plan = messages + (steps, final_type, final_at)
        try:
            self.known = (weakref.ref(fn), plan)
        except TypeError:  # not weak-referenceable (a C function): worked out on every call
            pass
        return plan

    def _step(self, i, node, typ):
        """Go evalArg for argument ``i`` of parameter type ``typ``: ``(kind, closure or value, node, type,
        from_interface, map_entry)``."""
        arg = self.args[i]
        if typ is None or typ.startswith("interface"):
            return (_EVAL, arg, None, None, False, False)
        tag = node[0]
        at = (node, self.tree)
        if tag == _NIL:
            if not _can_be_nil(typ):
                return (_FAIL, None, at, "cannot assign nil to %s" % typ, False, False)
            return (_CONST, None, None, None, False, False)
        if tag == _BOOL or tag == _STRING or tag == _NUMBER:
            value, message = _literal_value(at, typ)
            if message is not None:
                return (_FAIL, None, at, message, False, False)
            return (_CONST, value, None, None, False, False)
        # evalPipeline unwraps interfaces; a bare variable holds an unwrapped value too.
        unwrapped = tag == _PIPE or (tag == _VARIABLE and len(node[_IDENT]) == 1)
        # A field (Go evalFieldNode/evalChainNode/evalVariableNode with fields) keeps the map's interface {}.
        map_entry = tag == _FIELD or tag == _CHAIN or (tag == _VARIABLE and len(node[_IDENT]) > 1) or (
            self.dot_iface and tag == _DOT) or i in self.iface_args
        return (_CHECK, arg, (last_at(node), self.tree), typ, not unwrapped, map_entry)


def _typed_argv(state, dot, steps, final, final_type, final_at) -> list:
    """The argument list of a call to a function with Go parameter types, by its site's steps
    (:meth:`_CallSite._step`); Go's "expected string; found 1" / "wrong type for value; expected string; got int"
    errors, raised in argument order."""
    argv = []
    for kind, arg, node, typ, from_interface, map_entry in steps:
        if kind is _CHECK:
            value = arg(state, dot)
            if _EXACT_TYPES.get(value.__class__) != typ:
                value = _validate(state, node, value, typ, from_interface, map_entry)
            argv.append(value)
        elif kind is _EVAL:
            argv.append(arg(state, dot))
        elif kind is _CONST:
            argv.append(arg)
        else:
            fail(state, node, typ)
    if final is not MISSING:
        if final_type is not None:
            if _EXACT_TYPES.get(final.__class__) != final_type:
                final = _validate(state, final_at, final, final_type)
        argv.append(final)
    return argv


def _first(cell: list, make):
    """``cell[0]``, made by ``make()`` and stored on first use (lazily compiled range bodies)."""
    if not cell:
        cell.append(make())
    return cell[0]


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError:
        return list(mapping)


def _set_var(state, node, name, value):
    for entry in reversed(state.vars):
        if entry[0] == name:
            entry[1] = value
            return
    fail(state, node, "undefined variable: %s" % name)


def _field_chain_runner(node, idents, args, first_iface, receiver_of):
    """Closure for ``.a.b.c args...`` starting from ``receiver_of(state, dot)`` (Go evalFieldChain)."""
    last = len(idents) - 1
    nargs = len(args)
    if nargs == 0 and last == 0:
        name0 = idents[0]

        def run_field1(state, dot, final=MISSING):
            receiver = receiver_of(state, dot)
            if receiver.__class__ is dict and final is MISSING:
                value = receiver.get(name0, MISSING)
                if value is not MISSING:
                    return value
            return eval_field(state, node, name0, receiver, first_iface, (), final, dot)
        return run_field1

    def run_fields(state, dot, final=MISSING):
        receiver = receiver_of(state, dot)
        iface = first_iface
        for i in range(last):
            name = idents[i]
            if receiver.__class__ is dict:
                value = receiver.get(name, MISSING)
                if value is not MISSING:
                    receiver = value
                    iface = True
                    continue
            was_map = isinstance(receiver, dict)
            receiver = eval_field(state, node, name, receiver, iface, (), MISSING, dot)
            iface = was_map
        return eval_field(state, node, idents[last], receiver, iface, args, final, dot)
    return run_fields


def eval_field(state, node, name, receiver, iface, args, final, dot):
    """Go evalField: method call, object attribute, or map key ``name`` on ``receiver``."""
    if receiver is None:
        if iface:
            fail(state, node, "nil pointer evaluating interface {}.%s" % name)
        if state.missing_error:
            fail(state, node, "nil data; no entry for key %s" % go_quote(name))
        return None
    has_args = bool(args) or final is not MISSING
    cls = receiver.__class__
    if cls is not dict and name[:1].isupper():
        attr = getattr(cls, name, MISSING)
        if attr is MISSING and not isinstance(receiver, dict):
            attr = getattr(receiver, name, MISSING)
            if attr is not MISSING and not callable(attr):
                if has_args:
                    fail(state, node, "%s has arguments but cannot be invoked as function" % name)
                return attr
        if attr is not MISSING:
            if callable(attr) and not isinstance(attr, type):
                method = getattr(receiver, name)
                check_arity(state, node, name, method, len(args), final is not MISSING)
                argv = [a(state, dot) for a in args]
                if final is not MISSING:
                    argv.append(final)
                return call_function(state, node, name, method, argv)
            if has_args:
                fail(state, node, "%s has arguments but cannot be invoked as function" % name)
            return getattr(receiver, name)
    if isinstance(receiver, dict):
        if has_args:
            fail(state, node, "%s is not a method but has arguments" % name)
        value = receiver.get(name, MISSING)
        if value is MISSING:
            if state.missing_error:
                fail(state, node, "map has no entry for key %s" % go_quote(name))
            return None
        return value
    type_name = "interface {}" if iface else go_type_name(receiver)
    fail(state, node, "can't evaluate field %s in type %s" % (name, type_name))
