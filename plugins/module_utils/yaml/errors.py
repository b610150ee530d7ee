"""YAML errors with go-yaml's texts: the exception types and the one translation of PyYAML (libyaml) errors.

* :class:`GoYamlError` -- YAML could not be produced or parsed; its message is go-yaml's / sigs.k8s.io/yaml's.
* :class:`AliasError` -- a document refused by go-yaml's alias guards (yaml/aliases.py), a ``yaml.YAMLError``.
* :class:`GoDecodeError` -- a document the Go-semantics loader (yaml/decode.py) refuses, a ``yaml.YAMLError``.
* :func:`go_yaml_error_text` -- a PyYAML error worded as go-yaml v2's ``parser.fail`` words it.
* :func:`utf8_problem` -- go-yaml's reader check of UTF-8 input.
"""
from __future__ import annotations

import re

from ..errors import HelmkitError
from ..libraries import HAS_YAML, yaml  # PyYAML, guarded once in libraries.py


class GoYamlError(HelmkitError):
    """YAML could not be produced or parsed; the message is go-yaml's / sigs.k8s.io/yaml's text."""


class AliasError(yaml.MarkedYAMLError if HAS_YAML else Exception):
    """A document refused by go-yaml's alias guards. ``problem`` is go-yaml's text without ``yaml:`` (``anchor 'a'
    value contains itself``, ``document contains excessive aliasing: ...``); ``str()`` is the same text."""

    def __init__(self, problem: str):
        if HAS_YAML:
            super().__init__(problem=problem)
        else:  # pragma: no cover - no YAML, nothing to guard
            super().__init__(problem)
        self.problem = problem

    def __str__(self):
        return self.problem


class GoDecodeError(yaml.MarkedYAMLError if HAS_YAML else Exception):
    """A document go-yaml v2 or sigs.k8s.io/yaml refuses while decoding (yaml/decode.py): ``problem`` (also
    ``str()``) is Go's text as it follows ``error converting YAML to JSON: `` (``yaml: cannot decode !!str `x` as a
    !!int``, ``yaml: invalid map key: ...``, ``unsupported map key of type: ...``); ``fix`` is the change to
    suggest to a user, or None."""

    def __init__(self, problem: str, fix: str = None):
        if HAS_YAML:
            super().__init__(problem=problem)
        else:  # pragma: no cover - no YAML, nothing to decode
            super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self):
        return self.problem


_ALIAS_NAME = re.compile(r"\*([0-9A-Za-z_-]+)")


def go_yaml_error_text(exc, text: str = None) -> str:
    """A PyYAML (libyaml) error ``exc`` worded as go-yaml v2 words it: ``yaml: line N: <problem>`` (str).

    go-yaml v2 (yaml.go ``parser.fail``) reports the problem mark's 0-based line for parser errors, one more for
    scanner errors, the context mark's line when the problem is on line 0, and no line when both are 0. An
    undefined alias is the composer's ``unknown anchor 'name' referenced`` (the name read from ``text``, the
    document the error came from, at the problem mark), a reader error is ``control characters are not allowed``
    (readerc.go) and a bad merge value ``map merge requires map or sequence of maps as the value`` (decode.go).
    A :class:`GoDecodeError` carries Go's text already. Never raises."""
    if isinstance(exc, GoDecodeError):
        return exc.problem
    if HAS_YAML and isinstance(exc, yaml.reader.ReaderError):
        return "yaml: control characters are not allowed"
    problem = getattr(exc, "problem", None) or "unknown problem parsing YAML content"
    if problem.startswith("expected a mapping or list of mappings for merging") or \
            problem.startswith("expected a mapping for merging"):
        return "yaml: map merge requires map or sequence of maps as the value"
    problem_mark = getattr(exc, "problem_mark", None)
    if problem.startswith("found undefined alias") and problem_mark is not None and text is not None:
        match = _ALIAS_NAME.match(text, problem_mark.index)
        if match:
            return "yaml: unknown anchor '%s' referenced" % match.group(1)
    context_mark = getattr(exc, "context_mark", None)
    line = 0
    if problem_mark is not None and problem_mark.line != 0:
        line = problem_mark.line + (1 if isinstance(exc, yaml.scanner.ScannerError) else 0)
    elif context_mark is not None and context_mark.line != 0:
        line = context_mark.line
    return "yaml: %s%s" % ("line %d: " % line if line else "", problem)


def utf8_problem(data: bytes):
    """go-yaml's reader check (readerc.go yaml_parser_update_buffer) of UTF-8 input ``data`` (bytes): its message
    for the first bad sequence (``invalid leading UTF-8 octet`` ...), or None. Only called for text that holds
    invalid UTF-8 (a cut multi-byte character, b64dec, a values file or Chart.yaml in another encoding)."""
    i, size = 0, len(data)
    while i < size:
        octet = data[i]
        if octet < 0x80:
            i += 1
            continue
        if octet & 0xE0 == 0xC0:
            width, value = 2, octet & 0x1F
        elif octet & 0xF0 == 0xE0:
            width, value = 3, octet & 0x0F
        elif octet & 0xF8 == 0xF0:
            width, value = 4, octet & 0x07
        else:
            return "invalid leading UTF-8 octet"
        if i + width > size:
            return "incomplete UTF-8 octet sequence"
        for k in range(1, width):
            if data[i + k] & 0xC0 != 0x80:
                return "invalid trailing UTF-8 octet"
            value = (value << 6) | (data[i + k] & 0x3F)
        if value < (0x80, 0x800, 0x10000)[width - 2]:
            return "invalid length of a UTF-8 sequence"
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            return "invalid Unicode character"
        i += width
    return None
