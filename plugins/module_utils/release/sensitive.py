"""``sensitive_values``: value paths whose contents must never appear in a task's output.

A module registers what :func:`sensitive_strings` returns as no-log values, so Ansible masks every occurrence in the
result (``values``, ``manifest``, diffs, errors, warnings) and in the logged invocation. A value leaves a template in
more forms than its raw text, and each is registered:

* escaped as the template functions escape it, inside a longer string too (the escapes work character by
  character): Go JSON (``toJson``: ``"`` ``\\`` ``&`` ``<`` ``>`` U+2028/9 and control characters; ``toRawJson``
  without the HTML ones), Go's ``%q`` (``quote``, ``printf "%q"``), YAML single quotes (``''``) and double quotes
  (``toYaml``), URL encoding (``urlquery``: ``+`` for space; path escaping: ``%20``), ``html`` and ``js``; and any
  two of them in a row (``toJson`` of a ``quote``d value ...);
* base64 (``b64enc``) of each of those forms, and base64 twice (release records, ``b64enc | b64enc``).

A value inside a longer string that is then base64-encoded (a DSN ``postgres://u:PASSWORD@db`` in a Secret's
``data``) cannot be listed in advance: :func:`enclosing_strings` finds the base64 runs of the task's output (also
URL-encoded or ``js``-escaped runs: ``b64enc | urlquery``), decodes them (twice, for base64 of base64) and returns
each run whose text holds one of the forms, for the module to register too. Nor can a value that ``toYaml``
folded: go-yaml breaks a long scalar at a space past column 80, replacing that space with a line break and the
indentation (and, in a double-quoted scalar, a ``\\`` before a following space); :func:`folded_strings` finds the
forms broken that way (also with the line break JSON-escaped, ``toJson`` of a ``toYaml``). :func:`output_strings`
applies both to every string of a task's result.
"""
from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import quote, quote_plus

from ..engine.builtins import html, js
from ..engine.gofmt import go_quote
from ..engine.gojson import to_json
from ..errors import HelmkitError, ValuesError
from ..yaml.emit_v2 import dump
from ..yaml.load import load_values


def _split(path: str) -> list:
    if not isinstance(path, str) or not path.strip() or path.startswith(".") or path.endswith(".") or ".." in path:
        raise ValuesError("sensitive_values: %r is not a value path; give dotted keys such as db.password"
                          % (path,))
    return path.split(".")


def _leaves(value) -> list:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool):
        return []
    return [value if isinstance(value, str) else str(value)]


_DUMP_FOLD = re.compile(r"\n *(?:\\(?= ))?")


def _yaml_double(text: str) -> str:
    try:
        dumped = dump(text)
    except HelmkitError:  # a value go-yaml cannot write has no YAML form to mask
        return text
    if not (dumped.startswith('"') and dumped.endswith('"')):
        return text
    # unfolded: go-yaml broke the scalar at a space past column 80 (a line break, the indentation, and a "\\" when
    # a space follows); the form is the scalar on one line, and folded_strings finds it folded anywhere
    return _DUMP_FOLD.sub(" ", dumped[1:-1])


#: Escapes a template applies character by character, so a value escaped inside a longer string reads the same.
_ESCAPES = (
    lambda text: to_json(text)[1:-1],                       # toJson, mustToJson, toPrettyJson
    lambda text: to_json(text, escape_html=False)[1:-1],    # toRawJson
    lambda text: go_quote(text)[1:-1],                      # quote, printf "%q"
    lambda text: text.replace("'", "''"),                   # YAML single-quoted scalar
    _yaml_double,                                           # YAML double-quoted scalar (toYaml)
    lambda text: quote_plus(text, safe=""),                 # urlquery, url.QueryEscape
    lambda text: quote(text, safe=""),                      # url.PathEscape
    lambda text: quote(text, safe="/:@"),                   # a path or userinfo escaped less strictly
    html,
    js,
)


_YAML_SINGLE = _ESCAPES[3]
#: The escapes that change base64 text ("+", "/", "=").
_BASE64_ESCAPES = (_ESCAPES[5], _ESCAPES[6], js)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogateescape")).decode("ascii")


_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]+")


def _forms(text: str) -> set:
    """``text``, its escaped forms (one or two escapes in a row), each of those once more in YAML quotes (the
    result, a diff or ``-v`` output shows a manifest as YAML, quoting a value that a template already escaped
    twice: ``toJson | quote`` shown single-quoted), base64 of the one- and two-escape forms, and base64 twice of
    ``text``. A value with line breaks (newline, U+0085, U+2028/9) also gives the forms of each line: a YAML scalar
    breaks there and indents the next line by its nesting."""
    escaped = set()
    for piece in [text] + (_LINE_BREAKS.split(text) if _LINE_BREAKS.search(text) else []):
        escaped.add(piece)
        for first in _ESCAPES:
            once = first(piece)
            escaped.add(once)
            for second in _ESCAPES:
                escaped.add(second(once))
    found = set(escaped)
    for form in escaped:
        found.add(_YAML_SINGLE(form))
        found.add(_yaml_double(form))
    encoded = {_b64(form) for form in escaped} | {_b64(_b64(text))}
    found |= encoded
    for form in encoded:  # base64 escaped after: b64enc | urlquery, b64enc | js ("+", "/", "=" change)
        found.update(escape(form) for escape in _BASE64_ESCAPES)
    return {form for form in found if len(form) >= 4}


#: A base64 run, its "+", "/" and "=" possibly URL-encoded (``%2B``) or ``js``-escaped (``\\u003D``).
_BASE64_RUN = re.compile(r"(?:[A-Za-z0-9+/_-]|%2[BbFf]){8,}(?:=|%3[Dd]|\\u003[Dd]){0,2}")
_RUN_ESCAPES = re.compile(r"%2[BbFf]|%3[Dd]|\\u003[Dd]")
_RUN_CHARS = {"%2b": "+", "%2f": "/", "%3d": "=", "\\u003d": "="}


def _decoded(run: str) -> list:
    """Texts a base64 run can stand for: decoded at each of the four alignments (a run may start with a character
    of the text before it), standard and URL-safe alphabets; undecodable ones are left out."""
    texts = []
    if "%" in run or "\\" in run:
        run = _RUN_ESCAPES.sub(lambda match: _RUN_CHARS[match.group(0).lower()], run)
    body = run.rstrip("=")
    for start in range(4):
        part = body[start:]
        if len(part) < 8:
            break
        pad = -len(part) % 4
        candidate = part + "=" * pad if pad < 3 else part[:-1]  # 4n+1 characters: the last one is not the text's
        for alphabet in (None, b"-_"):
            try:
                raw = base64.b64decode(candidate, altchars=alphabet, validate=True)
            except (binascii.Error, ValueError):
                continue
            texts.append(raw.decode("utf-8", "surrogateescape"))
    return texts


def enclosing_strings(text: str, forms, depth: int = 2, _patterns=None) -> set:
    """The base64 runs in ``text`` (a task's output as text) whose decoded text holds one of ``forms`` (the
    strings :func:`sensitive_strings` returned), as it is or folded by go-yaml (``toYaml | b64enc``), looking
    ``depth`` levels deep (base64 of base64). These are base64 of a longer string that contains a sensitive value,
    such as a DSN in a Secret's ``data``; the module registers them as no-log values too. Returns a set of str
    (empty when ``forms`` is empty)."""
    forms = [form for form in forms if form]
    found = set()
    if not forms or not text:
        return found
    patterns = _fold_patterns(forms) if _patterns is None else _patterns
    for match in _BASE64_RUN.finditer(text):
        run = match.group(0)
        if run in found:
            continue
        for decoded in _decoded(run):
            if any(form in decoded for form in forms) or _folds(decoded, patterns) or (
                    depth > 1 and enclosing_strings(decoded, forms, depth - 1, patterns)):
                found.add(run)
                break
    return found


#: Where go-yaml folded a scalar (a space became a line break and the indentation, then a "\\" when the next
#: character is a space), the line break possibly JSON-escaped once or twice (toJson of a toYaml).
_FOLD = r"(?:\r?\n|\\n|\\\\n) *\\{0,2}"


def _fold_patterns(forms) -> list:
    """A regex for each form of ``forms`` that holds a space: the form with each space either kept or folded. Each
    starts with a literal, which ``re`` finds at the speed of a substring search."""
    folding = sorted({form for form in forms if " " in form.strip(" ")}, key=len, reverse=True)
    return [re.compile(("(?: |%s)" % _FOLD).join(re.escape(part) for part in form.split(" "))) for form in folding]


def _folds(text: str, patterns) -> set:
    if not patterns or ("\n" not in text and "\\n" not in text):
        return set()
    return {match.group(0) for pattern in patterns for match in pattern.finditer(text)
            if "\n" in match.group(0) or "\\n" in match.group(0)}


def folded_strings(text: str, forms) -> set:
    """The places in ``text`` where one of ``forms`` (the strings :func:`sensitive_strings` returned) appears folded
    by go-yaml at column 80 (see the module docstring), exactly as they read there, for the module to register as
    no-log values. Returns a set of str (empty when ``text`` has no line break or no form has a space). Each
    pattern is a chain of literals, so matching is linear in ``text``."""
    return _folds(text or "", _fold_patterns(form for form in forms if form))


def output_strings(output, forms) -> set:
    """:func:`enclosing_strings` and :func:`folded_strings` of every string in ``output`` (a task's result: str,
    or dicts and lists of them; other leaves are read as ``str()``), for the module to register as no-log values
    beside ``forms``. Returns a set of str."""
    forms = [form for form in forms if form]
    found = set()
    if not forms:
        return found
    patterns = _fold_patterns(forms)
    stack = [output]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif item is not None and not isinstance(item, (bool, int, float)):
            text = item if isinstance(item, str) else str(item)
            found |= enclosing_strings(text, forms, _patterns=patterns)
            found |= _folds(text, patterns)
    return found


def sensitive_strings(values: dict, paths) -> set:
    """Strings to mask for ``paths`` (list of dotted value paths, e.g. ``["db.password", "tls"]``) in ``values``
    (the merged user values, dict): every leaf under each path that exists, in every form listed in the module
    docstring (raw, escaped once or twice, base64 of each, base64 twice).
    Paths that do not exist are ignored. Raises :class:`ValuesError` for a malformed path. Strings shorter than
    4 characters are left out (masking them would garble unrelated output)."""
    found = set()
    for path in paths or ():
        node = values
        for key in _split(path):
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                break
        for leaf in _leaves(node):
            if len(leaf) >= 4:
                found |= _forms(leaf)
    return found


def stored_sensitive_strings(history: list, paths) -> set:
    """:func:`sensitive_strings` of every stored revision's user values (``config``) in ``history`` (list of
    ``record.Release``), since a values diff or a rollback shows earlier revisions' values."""
    found = set()
    for release in history:
        found |= sensitive_strings(release.config or {}, paths)
    return found


def _leaf_texts(value) -> list:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _leaf_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _leaf_texts(item)]
    if value is None or isinstance(value, bool):
        return []
    return [value if isinstance(value, str) else str(value)]


def vault_strings(files) -> set:
    """Strings to register as no-log values for the values files (``inputs.ValuesFile``) that were Ansible
    Vault-encrypted on the controller: each of their values of at least 4 characters, as text, base64 and base64
    twice (Secret data and release records), so that decrypted values never show in results, diffs or errors.
    Empty when no file was encrypted."""
    found = set()
    for entry in files:
        if not entry.vault or entry.content is None:
            continue
        for text in _leaf_texts(load_values(entry.content.encode("utf-8"), source=entry.path)):
            if len(text) < 4:
                continue
            once = base64.b64encode(text.encode("utf-8")).decode("ascii")
            found.update((text, once, base64.b64encode(once.encode("ascii")).decode("ascii")))
    return found
