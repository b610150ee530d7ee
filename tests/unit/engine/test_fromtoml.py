"""engine/fromtoml.py: fromToml decodes through tomllib/tomli and answers with BurntSushi/toml's values and error
texts, compared with real Helm (helm_python) in one render."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import fromtoml, helmfuncs

from tests.helpers import helmref

# Documents whose decoding or error Helm and we must agree on: one per error kind fromtoml maps, plus values.
DOCUMENTS = [
    "a = ", "a = 1\na = 2", "[t]\n[t]", 'a = "unterminated', "a = 1 b = 2", "= 1", "a = 1979-13-27", "a = [1,",
    "a = {b = 1", "x", "a = tru", "a = 1_", "a = 'x\n'", 'a = "\\q"', "a = 99999999999999999999", "a = 1.",
    "\ta = 1\nb", "a = 1\n\n\nb = ", "a = []\n[[a]]", "[s]\nport = tru", "[s]\nx = 1\nx = 2",
    "[s]\nl = [1, 2, 99999999999999999999]", "a = {b = 1, c = tru}", "[s.t]\nk = ",
    "a = -9223372036854775808\nb = 9223372036854775807", 'k."dotted key" = "v"\n[[arr]]\nq = true',
]
# Known differences, left as they are: BurntSushi's lexer reports '0x' as "not a hexadecimal number: '0x\x00'"
# and an unclosed table name one line later; tomli's wording is kept for those.


def test_from_toml_matches_helm():
    cases = {"t%d.yaml" % i: "{{ toJson (fromToml (index .Values.docs %d)) }}" % i for i in range(len(DOCUMENTS))}
    helm = helmref.render_cases(cases, values={"docs": DOCUMENTS})
    mismatches = [(doc, helm["t%d.yaml" % i], helmfuncs.to_json(helmfuncs.from_toml(doc)))
                  for i, doc in enumerate(DOCUMENTS)
                  if helm["t%d.yaml" % i] != helmfuncs.to_json(helmfuncs.from_toml(doc))]
    assert mismatches == []


def test_int64_limits_are_go_s():
    assert fromtoml.decode("a = 9223372036854775807") == {"a": 9223372036854775807}
    with pytest.raises(fromtoml.TomlError, match="9223372036854775808 is out of range for int64"):
        fromtoml.decode("a = 9223372036854775808")


def _decoded(doc):
    try:
        return fromtoml.decode(doc)
    except fromtoml.TomlError as exc:
        return str(exc)


def test_tomli_gives_the_same_results_as_tomllib(monkeypatch):
    """Python 3.9/3.10 decode with tomli (PyPI), 3.11+ with tomllib: the results and messages are the same."""
    import tomli
    import tomllib  # the test suite runs on Python 3.11+
    monkeypatch.setattr(fromtoml, "_toml", tomllib)
    expected = [_decoded(doc) for doc in DOCUMENTS]
    monkeypatch.setattr(fromtoml, "_toml", tomli)
    assert [_decoded(doc) for doc in DOCUMENTS] == expected
