"""Compare text/template parse trees node by node (used to check engine/fastparse.py against engine/parser.py)."""
from __future__ import annotations

from ansible_collections.helmkit.core.plugins.module_utils.engine import nodes as nd
from ansible_collections.helmkit.core.plugins.module_utils.engine import parser


def full_parse(name: str, text: str, has_function):
    """The full (state-function lexer + Go-port parser) result: ``{name: Tree}`` or the TemplateParseError."""
    try:
        return parser.Parser(name, text, has_function).parse()
    except Exception as exc:  # noqa: BLE001 - the caller compares error and result alike
        return exc


def tree_difference(a, b, path: str = "trees"):
    """None when ``a`` and ``b`` (tree sets, trees, nodes or values) are the same, else where they first differ.

    Nodes are compared slot by slot (positions, lines, texts, values, children); a node's ``tree`` by its name and
    parse name; ``compiled`` (set by the compiler) is ignored."""
    if isinstance(a, nd.Tree) and isinstance(b, nd.Tree):  # a Tree or a forms.FormTree (nodes built from its form)
        if (a.name, a.parse_name, a.text) != (b.name, b.parse_name, b.text):
            return "%s: tree %r/%r vs %r/%r" % (path, a.name, a.parse_name, b.name, b.parse_name)
        return tree_difference(a.root, b.root, path + ".root")
    if type(a) is not type(b):
        return "%s: %s vs %s" % (path, type(a).__name__, type(b).__name__)
    if isinstance(a, nd.Tree):
        if (a.name, a.parse_name, a.text) != (b.name, b.parse_name, b.text):
            return "%s: tree %r/%r vs %r/%r" % (path, a.name, a.parse_name, b.name, b.parse_name)
        return tree_difference(a.root, b.root, path + ".root")
    if isinstance(a, nd.Node):
        for cls in type(a).__mro__:
            for slot in cls.__dict__.get("__slots__", ()):
                unset = object()
                va, vb = getattr(a, slot, unset), getattr(b, slot, unset)
                if slot == "tree":
                    if (va.name, va.parse_name) != (vb.name, vb.parse_name):
                        return "%s.tree: %r vs %r" % (path, va.name, vb.name)
                    continue
                if (va is unset) != (vb is unset):
                    return "%s.%s: set on one side only" % (path, slot)
                found = tree_difference(va, vb, "%s.%s" % (path, slot))
                if found:
                    return found
        return None
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (path, len(a), len(b))
        for index, (x, y) in enumerate(zip(a, b)):
            found = tree_difference(x, y, "%s[%d]" % (path, index))
            if found:
                return found
        return None
    if isinstance(a, dict):
        if list(a) != list(b):
            return "%s: keys %s vs %s" % (path, list(a), list(b))
        for key in a:
            found = tree_difference(a[key], b[key], "%s[%r]" % (path, key))
            if found:
                return found
        return None
    if a == b and repr(a) == repr(b):
        return None
    return "%s: %r vs %r" % (path, a, b)
