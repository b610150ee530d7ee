"""The stored form of parse trees: plain tuples and lists that :mod:`marshal` writes and reads back in C, and that the
closure compiler (:mod:`.compiler`) reads directly, so a later process renders without parsing and without building
node objects.

A node is ``(tag, pos, tree reference, slots...)``: ``tag`` is its class's index (:data:`TAGS`), the slots follow in
the order of :mod:`.nodes`' ``__slots__`` (:func:`field_index`), nested nodes are forms, lists stay lists, and the
tree reference is always :data:`TREE_REF` (a tree's form holds only that tree's nodes). The fast parser
(:mod:`.fastparse`) builds forms directly (a ``ListNode``'s form is a list: its position is set when the next item
is reached); trees from the full parser are encoded (:func:`tree_form`). :func:`form_node` rebuilds the node of a
form, for error messages (text and position) and for whoever asks a :class:`FormTree` for its ``root``.
"""
from __future__ import annotations

from . import nodes as nd

_TREE, _TUPLE, _UNSET = -1, -2, -3

_CLASSES = sorted((obj for obj in vars(nd).values() if isinstance(obj, type) and issubclass(obj, nd.Node)),
                  key=lambda cls: cls.__name__)
_INDEX = {cls: i for i, cls in enumerate(_CLASSES)}
_SLOTS = []
for _cls in _CLASSES:
    _names = []
    for _base in reversed(_cls.__mro__):
        _names.extend(_base.__dict__.get("__slots__", ()))
    _SLOTS.append(tuple(_names))
_Tree = nd.Tree
_SCALAR_SET = frozenset((str, int, float, bool, complex, type(None)))
_UNSET_ITEM = (-3,)


class Unencodable(Exception):
    pass


class _Encoders(dict):
    """Encoder by class (:func:`_make_encoder` for node classes, lists and tuples); a value of any other class
    cannot be stored."""

    def __missing__(self, cls):
        raise Unencodable()


_ENC = _Encoders()
_NAME_LISTS = frozenset((("FieldNode", "ident"), ("VariableNode", "ident"), ("ChainNode", "field")))
TREE_REF = _TREE_REF = (_TREE, 0)  # a tree's form refers only to that tree (form_node resolves it)


def _encode(value):
    """The stored form of ``value`` (a node, a list or tuple of them, or a scalar)."""
    return value if value.__class__ in _SCALAR_SET else _ENC[value.__class__](value)


def _encode_list(value):
    return [v if v.__class__ in _SCALAR_SET else _ENC[v.__class__](v) for v in value]


def _encode_tuple(value):
    return (_TUPLE,) + tuple(_encode(v) for v in value)


def _encode_generic(value):
    """A node some of whose slots were never set: those become _UNSET_ITEM."""
    index = _INDEX[value.__class__]
    out = [index]
    for slot in _SLOTS[index]:
        try:
            item = getattr(value, slot)
        except AttributeError:
            out.append(_UNSET_ITEM)
            continue
        out.append(_TREE_REF if item.__class__ is _Tree else _encode(item))
    return tuple(out)


def _make_encoder(index, slots):
    """An encoder for one node class: straight-line attribute reads, each slot's value encoded by its class's
    encoder directly (see :func:`_make_decoder`). This runs once per node of every tree a first process stores."""
    reads = ", ".join("obj.%s" % slot for slot in slots)
    lines = ["def encode(obj):",
             "    try:",
             "        %s = %s%s" % (", ".join("a%d" % i for i in range(len(slots))) or "_", reads or "()",
                                    "," if len(slots) == 1 else ""),
             "    except AttributeError:",
             "        return _encode_generic(obj)"]
    parts = ["%d" % index]
    for i, slot in enumerate(slots):
        if slot == "tree":
            parts.append("_TREE_REF")
        elif (_CLASSES[index].__name__, slot) in _NAME_LISTS:
            parts.append("a%d" % i)  # a list of strings, never changed after parsing: shared, not copied
        else:
            parts.append("a{0} if a{0}.__class__ in _SCALAR_SET else _ENC[a{0}.__class__](a{0})".format(i))
    lines.append("    return (%s,)" % ", ".join(parts))
    scope = {"_ENC": _ENC, "_encode_generic": _encode_generic, "_SCALAR_SET": _SCALAR_SET, "_TREE_REF": _TREE_REF}
    exec(compile("\n".join(lines), "<treecache %s>" % _CLASSES[index].__name__, "exec"), scope)  # noqa: S102
    return scope["encode"]


_ENC.update((cls, _make_encoder(i, slots)) for i, (cls, slots) in enumerate(zip(_CLASSES, _SLOTS)))
_ENC[list] = _encode_list
_ENC[tuple] = _encode_tuple


def _decode(value, trees: list):
    if value.__class__ is list and value and value[0].__class__ is int:  # a ListNode built by the fast parser
        return _DECODERS[value[0]](value, trees)
    if value.__class__ is tuple:
        tag = value[0]
        if tag >= 0:
            return _DECODERS[tag](value, trees)
        if tag == _TUPLE:
            return tuple(_decode(v, trees) for v in value[1:])
        if tag == _TREE:
            return trees[value[1]]
        raise ValueError("bad tag %r" % (tag,))
    if value.__class__ is list:
        return [_decode(v, trees) if v.__class__ in _NESTED else v for v in value]
    return value


def _decode_generic(value, trees: list):
    """A node some of whose slots were never set (marked _UNSET_ITEM)."""
    cls = _CLASSES[value[0]]
    obj = cls.__new__(cls)
    for slot, item in zip(_SLOTS[value[0]], value[1:]):
        if item.__class__ is tuple and item[0] == _UNSET:
            continue
        setattr(obj, slot, _decode(item, trees))
    return obj


def _make_decoder(cls, slots):
    """A decoder for one node class with every slot set: straight-line attribute stores, about twice as fast as a
    setattr loop (this runs once per node of every template read from the cache). The generated source uses only
    the class's own slot names."""
    lines = ["def decode(value, trees):",
             "    if _UNSET_ITEM in value:",
             "        return _decode_generic(value, trees)",
             "    obj = _new(_cls)"]
    for i, slot in enumerate(slots, 1):
        lines.append("    item = value[%d]" % i)
        if slot == "tree":  # always (_TREE, index)
            lines.append("    obj.tree = trees[item[1]] if item.__class__ is tuple and item[0] == %d else item" % _TREE)
        else:
            lines.append("    obj.%s = _decode(item, trees) if item.__class__ in _NESTED else item" % slot)
    lines.append("    return obj")
    scope = {"_new": object.__new__, "_cls": cls, "_decode": _decode, "_decode_generic": _decode_generic,
             "_NESTED": _NESTED, "_UNSET_ITEM": _UNSET_ITEM}
    exec(compile("\n".join(lines), "<treecache %s>" % cls.__name__, "exec"), scope)  # noqa: S102
    return scope["decode"]


_NESTED = frozenset((tuple, list))
_DECODERS = [_make_decoder(cls, slots) for cls, slots in zip(_CLASSES, _SLOTS)]


TAGS = dict(_INDEX)  # node class -> the tag (first item) of its stored form


def field_index(cls, slot: str) -> int:
    """Where slot ``slot`` of a ``cls`` node is in its stored form (after the tag)."""
    return 1 + _SLOTS[_INDEX[cls]].index(slot)


class _SameTree(object):
    """Resolves every tree reference of a stored form to one tree: the nodes of a tree's form all belong to it."""

    __slots__ = ("tree",)

    def __init__(self, tree) -> None:
        self.tree = tree

    def __getitem__(self, _key):
        return self.tree


def tree_form(tree):
    """The stored form of ``tree``'s root, what the compiler reads: plain tuples and lists (a node is
    ``(tag, pos, tree reference, slots...)``, :data:`TAGS`, :func:`field_index`), encoded from the nodes once and
    kept on the tree, or loaded from disk by :func:`load` without building nodes."""
    form = tree.form
    if form is None:
        form = tree.form = _encode(tree.root)
    return form


def form_node(form, tree):
    """The node of :mod:`.nodes` that ``form`` (a node's stored form in ``tree``) stands for: error messages
    need its text and position."""
    return _decode(form, _SameTree(tree))


class FormTree(nd.Tree):
    """A tree read back from disk: the compiler reads its stored form; the nodes (``root``) are built from it only
    when something asks for them (a redefinition check, a test)."""

    __slots__ = ()

    @property
    def root(self):
        root = _ROOT.__get__(self)
        if root is None and self.form is not None:
            root = _decode(self.form, _SameTree(self))
            _ROOT.__set__(self, root)
        return root

    @root.setter
    def root(self, value):
        _ROOT.__set__(self, value)


_ROOT = nd.Tree.__dict__["root"]  # the slot behind FormTree.root


def stored_root(tree):
    """``tree``'s nodes if they have been built (tests: a later process builds none to render)."""
    return _ROOT.__get__(tree)


_LIST_TAG, _TEXT_TAG = _INDEX[nd.ListNode], _INDEX[nd.TextNode]


def is_empty_form(form) -> bool:
    """Go's parse.IsEmptyTree (:func:`nodes.is_empty_tree`) on a stored form: nothing but white space text."""
    if form is None:
        return True
    tag = form[0]
    if tag == _LIST_TAG:
        return all(is_empty_form(n) for n in form[3])
    if tag == _TEXT_TAG:
        return form[3].strip(" \t\r\n\v\f\x85\xa0") == ""
    return False


def is_empty_tree(tree) -> bool:
    """Go's parse.IsEmptyTree of ``tree``'s root, read from its stored form when it has one (no nodes built)."""
    if tree.form is not None:
        return is_empty_form(tree.form)
    return nd.is_empty_tree(tree.root)
