"""engine/tomlparse.py (fromToml on Python 3.9/3.10): the same values as the standard library's tomllib, and an
error wherever tomllib refuses a document."""
from __future__ import annotations

import sys

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.engine import helmfuncs, tomlparse

tomllib = pytest.importorskip("tomllib")  # the reference; the venv is Python 3.11+

VALID = [
    "",
    "# only a comment\n",
    'a = 1\nb = "x"\nc = true\nd = false\n',
    "bare-key_1 = 1\n\"quoted key\" = 2\n'literal key' = 3\n",
    "a.b.c = 1\na.b.d = 2\n a . e = 3 # spaces around dots\n",
    "[t]\nx = 1\n[t.u]\ny = 2\n[\"q t\".'v']\nz = 3\n",
    "[[arr]]\nname = 'a'\n[[arr]]\nname = 'b'\n[arr.sub]\nk = 1\n[[arr.list]]\nn = 1\n",
    "ints = [0, +1, -1, 1_000, 0xDEAD_beef, 0o755, 0b1101]\n",
    "floats = [1.0, -0.5, 3.14e2, 1e-3, 6.626E-34, 1_000.5, inf, -inf, +inf]\n",
    'esc = "tab\\there \\"q\\" back\\\\slash \\u00e9 \\U0001F600 \\b\\f\\r\\n"\n',
    "lit = 'C:\\Users\\no escapes'\n",
    'ml = """\nline1\nline2 \\\n    continued\n"""\n',
    'ml2 = """ends with quotes"""""\n',
    "mll = '''\nraw \\n text\n  kept'''\n",
    "mll2 = '''two quotes'''''\n",
    "odt = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00.999999-07:00\nodt3 = 1979-05-27 07:32:00+01:30\n",
    "ldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00.5\n",
    "arr = [\n  1, # comment\n  2,\n]\nnested = [[1, 2], ['a', \"b\"], [{x = 1}]]\nempty = []\n",
    "inline = { a = 1, b.c = 'x', d = { e = [1] } }\nempty = {}\n",
    "[a]\n[a.b]\n[a.c]\nk = 1\n",
    "x = 1\r\ny = 2\r\n",
    "k = \"\" # empty\nl = ''\n",
    "[dotted]\na.b = 1\n[dotted.c]\nd = 2\n",
]

INVALID = [
    "a = 1\na = 2\n", "[t]\n[t]\n", "a = 1\n[a]\n", "a = \n", "= 1\n", "a = 01\n", "a = 1.\n", "a = .5\n",
    "a = 1__0\n", "a = +0x1\n", 'a = "unterminated\n', "a = 'unterminated\n", "a = [1, 2\n", "a = {x = 1,}\n",
    "a = {x = 1}\n[a]\n", "a = {x = 1}\na.y = 2\n", 'a = "\\q"\n', "a = 1 b = 2\n", "[[a]]\n[a]\n",
    "a = [1]\n[[a]]\n", "a = 2000-13-01\n", "a = 25:00:00\n", "a = truely\n", '"""k""" = 1\n', "[t\n",
    "a.b = 1\na = 2\n", 'a = "\\uD800"\n', "a = nul\x00\n",
]


@pytest.mark.parametrize("text", VALID)
def test_same_values_as_tomllib(text):
    assert tomlparse.loads(text) == tomllib.loads(text)


@pytest.mark.parametrize("text", INVALID)
def test_invalid_documents_are_refused_like_tomllib(text):
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    with pytest.raises(tomlparse.TomlDecodeError, match=r"\(at line \d+\)"):
        tomlparse.loads(text)


def test_from_toml_uses_the_reader_without_tomllib(monkeypatch):
    monkeypatch.setitem(sys.modules, "tomllib", None)  # what Python 3.9/3.10 look like: import fails
    out = helmfuncs.from_toml("[server]\nport = 8080\nwhen = 1979-05-27\nname = 'x'\n")
    assert out["server"]["port"] == 8080 and out["server"]["name"] == "x"
    assert helmfuncs.to_json(out) == '{"server":{"name":"x","port":8080,"when":"1979-05-27T00:00:00Z"}}'
    error = helmfuncs.from_toml("a = = 1")
    assert list(error) == ["Error"] and error["Error"].startswith("toml: ")
