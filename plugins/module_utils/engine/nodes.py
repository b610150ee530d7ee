"""Parse tree nodes of Go's text/template (text/template/parse/node.go).

Every node has ``pos`` (offset of its first character in the template text) and, through ``tree``, the template
text and parse name used by error messages. ``str(node)`` is Go's ``Node.String()``, which execution errors quote as
``at <...>``.
"""
from __future__ import annotations

from .gofmt import go_quote


class Tree(object):
    """One parsed template: ``name`` (template name), ``parse_name`` (file it was parsed from), ``text`` (that
    file's whole text), ``root`` (ListNode), ``form`` (the root as plain tuples, see engine/treecache.py)."""

    __slots__ = ("name", "parse_name", "text", "root", "form", "compiled")

    def __init__(self, name: str, parse_name: str, text: str) -> None:
        self.name = name
        self.parse_name = parse_name
        self.text = text
        self.root = None
        self.form = None  # the root's stored form (engine/treecache.py tree_form), what the compiler reads
        self.compiled = None

    def location(self, pos: int) -> str:
        """Go's ErrorContext location ``PARSENAME:LINE:COL`` (COL counts bytes from the line start, from 0)."""
        text = self.text[:pos]
        nl = text.rfind("\n")
        line = 1 + text.count("\n")
        if nl < 0:
            col = len(text.encode("utf-8", "surrogatepass"))
        else:
            col = len(text[nl + 1:].encode("utf-8", "surrogatepass"))
        return "%s:%d:%d" % (self.parse_name, line, col)


class Node(object):
    """Base of all nodes."""

    __slots__ = ("pos", "tree")

    def __init__(self, tree: Tree, pos: int) -> None:
        self.tree = tree
        self.pos = pos


class ListNode(Node):
    """A sequence of nodes (``nodes``)."""

    __slots__ = ("nodes",)

    def __init__(self, tree, pos) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.nodes = []

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    """Plain text outside actions (``text``)."""

    __slots__ = ("text",)

    def __init__(self, tree, pos, text: str) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.text = text

    def __str__(self) -> str:
        return self.text


class PipeNode(Node):
    """``decl`` (VariableNodes), ``is_assign`` (``=`` rather than ``:=``), ``cmds`` (CommandNodes), ``line``."""

    __slots__ = ("line", "is_assign", "decl", "cmds")

    def __init__(self, tree, pos, line: int) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line
        self.is_assign = False
        self.decl = []
        self.cmds = []

    def __str__(self) -> str:
        text = ""
        if self.decl:
            text = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return text + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    """``{{pipeline}}``: prints the pipeline's value unless it declares variables."""

    __slots__ = ("line", "pipe")

    def __init__(self, tree, pos, line: int, pipe: PipeNode) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line
        self.pipe = pipe

    def __str__(self) -> str:
        return "{{%s}}" % self.pipe


class CommandNode(Node):
    """One command of a pipeline: ``args`` (the first is the function, field or operand)."""

    __slots__ = ("args",)

    def __init__(self, tree, pos) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.args = []

    def __str__(self) -> str:
        parts = []
        for arg in self.args:
            if isinstance(arg, PipeNode):
                parts.append("(" + str(arg) + ")")
            else:
                parts.append(str(arg))
        return " ".join(parts)


class IdentifierNode(Node):
    """A function name (``ident``)."""

    __slots__ = ("ident",)

    def __init__(self, tree, pos, ident: str) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.ident = ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    """``$x.a.b``: ident is ["$x", "a", "b"]."""

    __slots__ = ("ident",)

    def __init__(self, tree, pos, name: str) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.ident = name.split(".")

    def __str__(self) -> str:
        return ".".join(self.ident)


class DotNode(Node):
    """``.``, the cursor."""

    __slots__ = ()

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    """The untyped ``nil``."""

    __slots__ = ()

    def __str__(self) -> str:
        return "nil"


class FieldNode(Node):
    """``.a.b``: ident is ["a", "b"]."""

    __slots__ = ("ident",)

    def __init__(self, tree, pos, text: str) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.ident = text[1:].split(".")

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    """``(pipe).a.b`` or ``$x.a`` where the term is not a field/variable: ``node`` then ``field`` names."""

    __slots__ = ("node", "field")

    def __init__(self, tree, pos, node) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.node = node
        self.field = []

    def add(self, field: str) -> None:
        if not field or field[0] != ".":
            raise ValueError("no dot in field")
        field = field[1:]
        if field == "":
            raise ValueError("empty field")
        self.field.append(field)

    def __str__(self) -> str:
        if isinstance(self.node, PipeNode):
            text = "(" + str(self.node) + ")"
        else:
            text = str(self.node)
        return text + "".join("." + f for f in self.field)


class BoolNode(Node):
    """``true`` or ``false``."""

    __slots__ = ("true",)

    def __init__(self, tree, pos, true: bool) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.true = true

    def __str__(self) -> str:
        return "true" if self.true else "false"


class NumberNode(Node):
    """A number constant. ``value`` is the int or float the executor uses (Go's idealConstant), ``text`` its
    source; ``is_int``/``is_float`` as in Go."""

    __slots__ = ("text", "value", "is_int", "is_float", "is_complex", "int_value", "float_value")

    def __init__(self, tree, pos, text: str) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.text = text
        self.value = None
        self.is_int = self.is_float = self.is_complex = False
        self.int_value = 0
        self.float_value = 0.0

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    """A string literal: ``quoted`` as written, ``text`` unquoted."""

    __slots__ = ("quoted", "text")

    def __init__(self, tree, pos, quoted: str, text: str) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.quoted = quoted
        self.text = text

    def __str__(self) -> str:
        return self.quoted


class EndNode(Node):
    """``{{end}}`` (parser-internal)."""

    __slots__ = ()

    def __str__(self) -> str:
        return "{{end}}"


class ElseNode(Node):
    """``{{else}}`` (parser-internal)."""

    __slots__ = ("line",)

    def __init__(self, tree, pos, line: int) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line

    def __str__(self) -> str:
        return "{{else}}"


class BranchNode(Node):
    """Common part of if/range/with: ``pipe``, ``list``, ``else_list`` (or None)."""

    __slots__ = ("line", "pipe", "list", "else_list")
    keyword = ""

    def __init__(self, tree, pos, line, pipe, list_, else_list) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line
        self.pipe = pipe
        self.list = list_
        self.else_list = else_list

    def __str__(self) -> str:
        text = "{{%s %s}}%s" % (self.keyword, self.pipe, self.list)
        if self.else_list is not None:
            text += "{{else}}%s" % self.else_list
        return text + "{{end}}"


class IfNode(BranchNode):
    """``{{if}}``; ``{{else if}}`` is an IfNode alone in ``else_list``."""

    __slots__ = ()
    keyword = "if"


class RangeNode(BranchNode):
    """``{{range}}``."""

    __slots__ = ()
    keyword = "range"


class WithNode(BranchNode):
    """``{{with}}``; ``{{else with}}`` is a WithNode alone in ``else_list``."""

    __slots__ = ()
    keyword = "with"


class TemplateNode(Node):
    """``{{template "name" pipeline}}`` (also what ``{{block}}`` leaves in place)."""

    __slots__ = ("line", "name", "pipe")

    def __init__(self, tree, pos, line: int, name: str, pipe) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line
        self.name = name
        self.pipe = pipe

    def __str__(self) -> str:
        if self.pipe is None:
            return "{{template %s}}" % go_quote(self.name)
        return "{{template %s %s}}" % (go_quote(self.name), self.pipe)


class BreakNode(Node):
    """``{{break}}`` inside range."""

    __slots__ = ("line",)

    def __init__(self, tree, pos, line: int) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line

    def __str__(self) -> str:
        return "{{break}}"


class ContinueNode(Node):
    """``{{continue}}`` inside range."""

    __slots__ = ("line",)

    def __init__(self, tree, pos, line: int) -> None:
        self.tree = tree  # Node.__init__ inlined: nodes are made by the hundred thousand
        self.pos = pos
        self.line = line

    def __str__(self) -> str:
        return "{{continue}}"


def is_empty_tree(node) -> bool:
    """Go's parse.IsEmptyTree: true when the node holds nothing but white space text."""
    if node is None:
        return True
    if isinstance(node, ListNode):
        return all(is_empty_tree(n) for n in node.nodes)
    if isinstance(node, TextNode):
        return node.text.strip(" \t\r\n\v\f\x85\xa0") == ""
    return False
