"""Sprig's crypto family is imported only when a template calls one of its functions (engine/sprig/lazy.py)."""
from __future__ import annotations

import subprocess
import sys

from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import RenderTemplate, render
from ansible_collections.helmkit.core.plugins.module_utils.engine.sprig import FUNCS, crypto, lazy


def _render(text):
    return render([RenderTemplate("c/templates/x.yaml", text, {})])["c/templates/x.yaml"]


def test_lazy_names_are_the_crypto_family():
    assert set(lazy.CRYPTO_NAMES) == set(crypto.FUNCS)
    for name in lazy.CRYPTO_NAMES:
        assert isinstance(FUNCS[name], lazy.LazyFunc)
        assert FUNCS[name].go_args == crypto.FUNCS[name].go_args


def test_lazy_functions_render_and_check_arguments():
    assert _render('{{ htpasswd "u" "p" | hasPrefix "u:$2a$" }}') == "true"
    assert _render('{{ encryptAES "k" "hello" | decryptAES "k" }}') == "hello"
    for text, message in (('{{ genCA "x" }}', "wrong number of args for genCA: want 2 got 1"),
                          ('{{ randBytes "a" }}', "expected int")):
        try:
            _render(text)
        except Exception as exc:  # noqa: BLE001 - the engine's render error
            assert message in str(exc)
        else:
            raise AssertionError("no error for %s" % text)


def test_render_without_crypto_does_not_import_it():
    code = ("import sys\n"
            "from ansible_collections.helmkit.core.plugins.module_utils.engine.helm import RenderTemplate, render\n"
            "out = render([RenderTemplate('c/templates/x.yaml', '{{ upper \"a\" }}', {})])\n"
            "assert out['c/templates/x.yaml'] == 'A', out\n"
            "print(sorted(m for m in sys.modules if m.endswith('sprig.crypto') or m == 'cryptography'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
