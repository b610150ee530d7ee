"""genPrivateKey "dsa" gives a DSA key in its traditional PEM form, as Sprig does, without the
CryptographyDeprecationWarning that cryptography 51 prints for DSA (issue 21: no such warning from our own use)."""
from __future__ import annotations

import warnings

from tests.helpers import ourrender


def test_dsa_key_without_deprecation_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = ourrender.render_helm_cases(
            {"dsa": '{{ genPrivateKey "dsa" | trunc 31 }}|{{ genPrivateKey "ed25519" | trunc 27 }}'}, {})
    assert out["dsa"] == "-----BEGIN DSA PRIVATE KEY-----|-----BEGIN PRIVATE KEY-----"
    assert [str(w.message) for w in caught if "DSA" in str(w.message)] == []
