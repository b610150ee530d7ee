"""go-yaml v3's output of template values: what Helm's ``toYamlPretty`` prints (pkg/engine/funcs.go toYAMLPretty:
a gopkg.in/yaml.v3 ``Encoder`` with ``SetIndent(2)``).

Unlike ``toYaml`` there is no JSON trip: go-yaml v3 encodes the Go values directly (ints stay ints, keys keep their
types and only string keys are sorted), block sequences under a key are indented and long lines are not folded.
Quoting follows yaml.v3 encode.go stringv: quoted when go-yaml v3's resolver would read the text as another type,
when it is one of YAML 1.1's old booleans (``yes``, ``off``) or looks like a base-60 float.
"""
from __future__ import annotations

from .emit import Emitter, Map, Scalar, TreeBuilder, sorted_keys_v3, string_scalar
from .errors import GoYamlError
from .resolve import STR, looks_base60, resolve_kind_v3

__all__ = ["marshal_pretty", "needs_quotes_v3"]

_OLD_BOOLS = frozenset(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off",
                        "OFF"))


def needs_quotes_v3(text: str) -> bool:
    """yaml.v3 encode.go stringv: whether go-yaml v3 writes the string ``text`` quoted (another type to its
    resolver, a YAML 1.1 boolean word, or a base-60 float look-alike)."""
    if resolve_kind_v3(text) != STR:
        return True
    if text in _OLD_BOOLS:
        return True
    return looks_base60(text)


def _type_label(value) -> str:
    go_type = getattr(type(value), "go_type", None)
    return go_type if isinstance(go_type, str) else type(value).__name__


def _ignore(*_args) -> None:
    return None


class _NativeTree(TreeBuilder):
    """Python value -> emitter tree as go-yaml v3 encodes Go values, charging the caller's work meter."""

    def __init__(self, on_node, on_string) -> None:
        self.on_node = on_node or _ignore
        self.on_string = on_string or _ignore

    def string(self, value: str) -> Scalar:
        self.on_string(len(value))
        return string_scalar(value, needs_quotes_v3, v3=True)

    def mapping(self, value: dict) -> Map:
        self.on_node()
        keys = list(value)
        if all(isinstance(k, str) for k in keys):
            keys = sorted_keys_v3(keys)
        build = self.build
        return Map((build(k), build(value[k])) for k in keys)

    def sequence(self, value) -> list:
        self.on_node()
        return TreeBuilder.sequence(self, value)

    def other(self, value):
        if isinstance(value, (bytes, bytearray)):
            return self.build(bytes(value).decode("utf-8", "replace"))
        converter = getattr(value, "go_json", None)
        if callable(converter):
            return self.build(converter())
        raise GoYamlError("cannot marshal type: %s" % _type_label(value))


def marshal_pretty(value, on_node=None, on_string=None) -> str:
    """Helm's ``toYamlPretty`` (go-yaml v3 Encoder, SetIndent(2)): YAML text (str) without the final newline.

    ``value``: plain data, or the engine's Go-value stand-ins (an object with ``go_json()`` is encoded as what that
    returns). ``on_node()`` is called for each map and list and ``on_string(length)`` for each string, so the
    caller can charge a work budget (engine/limits.py); either may raise to stop the walk. Raises GoYamlError
    ``cannot marshal type: T`` for values go-yaml cannot encode.
    """
    tree = _NativeTree(on_node, on_string).build(value)
    text = Emitter(indent_sequences=True, width=None).emit_document(tree)
    return text[:-1] if text.endswith("\n") else text
