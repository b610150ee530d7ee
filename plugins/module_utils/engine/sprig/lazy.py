"""Sprig families imported when a template first calls one of their functions.

A render that never calls ``genCA``, ``bcrypt``, ``encryptAES``... (an unchanged release of most charts) does not
import ``crypto.py`` (nor what it pulls in). :class:`LazyFunc` stands in the function map for one function: the
compiler reads its arity (``__signature__``) and Go types (``go_args``...) only when a template calls it, and that
first access imports the family. The names are listed here because listing them must not import the family;
tests/unit/engine/test_sprig_lazy.py checks that they are exactly the family's ``FUNCS``.
"""
from __future__ import annotations

import inspect

CRYPTO_NAMES = ("bcrypt", "htpasswd", "genPrivateKey", "derivePassword", "buildCustomCert", "genCA", "genCAWithKey",
                "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
                "encryptAES", "decryptAES", "randBytes")


def _crypto():
    from . import crypto  # deferred: speed: a render calling no crypto function never imports it (static, so AnsiballZ ships it)
    return crypto


FAMILIES = {"crypto": _crypto}


class LazyFunc(object):
    """A Sprig function of family ``family`` (a key of :data:`FAMILIES`) named ``name``, imported on first use;
    behaves as the function itself (call, ``go_params``, ``go_variadic``, ``go_args``, signature)."""

    __slots__ = ("family", "name", "_target", "__weakref__")

    def __init__(self, family: str, name: str):
        self.family = family
        self.name = name
        self._target = None

    def target(self):
        """The real function (imports the family once)."""
        if self._target is None:
            self._target = FAMILIES[self.family]().FUNCS[self.name]
        return self._target

    def __call__(self, *args):
        return self.target()(*args)

    @property
    def go_params(self):
        return self.target().go_params

    @property
    def go_variadic(self):
        return self.target().go_variadic

    @property
    def go_args(self):
        return self.target().go_args

    @property
    def __signature__(self):
        return inspect.signature(self.target())

    @property
    def __name__(self):
        return self.name

    def __repr__(self):
        return "<lazy sprig function %s>" % self.name


def lazy_funcs(family: str, names) -> dict:
    """``{name: LazyFunc(family, name)}`` for ``names``."""
    return {name: LazyFunc(family, name) for name in names}
