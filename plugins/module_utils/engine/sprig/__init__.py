"""Sprig v3 functions as Helm v4 ships them: Masterminds/sprig/v3 TxtFuncMap() without ``env``/``expandenv``.

``FUNCS`` maps every template function name (aliases and ``must*`` variants included) to a Python callable that
takes the evaluated arguments positionally and returns a Python stand-in for the Go result (see
docs/architecture.md). Functions raise ``FuncError`` (``ArgTypeError`` for an argument of the wrong Go type).
Each callable carries ``go_params`` (Go types of its fixed parameters) and ``go_variadic`` (type of a trailing
``...T`` or None). Helm's own functions (toYaml, toJson, fromJson, include, tpl, required, lookup, ...) are added
on top of this map by engine/helmfuncs.py and engine/helm.py and override the Sprig ones of the same name.
"""
from __future__ import annotations

from . import (conversion, dates, defaults, dicts, encoding, lists, math, network, paths, regex, reflect, semver,
               strings, textcase)
from ._base import ArgTypeError
from .lazy import CRYPTO_NAMES, lazy_funcs

FUNCS: dict = {}
for _family in (strings, textcase, conversion, math, defaults, encoding, lists, dicts, reflect, regex, semver,
                dates, paths, network):
    FUNCS.update(_family.FUNCS)
FUNCS.update(lazy_funcs("crypto", CRYPTO_NAMES))  # imported when a template first calls one (sprig/lazy.py)

__all__ = ["FUNCS", "ArgTypeError"]
