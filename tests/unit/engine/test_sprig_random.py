"""Sprig's random, time and key/certificate functions: outputs differ per call, so the templates print
properties (length, alphabet, PEM type, certificate structure) that must come out the same as Helm v4's."""
from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.helpers import helmref, ourrender

FORMS = r"""{{ len (randAlphaNum 16) }}|{{ regexMatch "^[A-Za-z0-9]{16}$" (randAlphaNum 16) }}|{{ regexMatch "^[A-Za-z]{8}$" (randAlpha 8) }}|
{{ regexMatch "^[0-9]{5}$" (randNumeric 5) }}|{{ regexMatch "^[ -~]{40}$" (randAscii 40) }}|{{ randAlpha 0 }}
{{ len (randBytes 24) }}|{{ regexMatch "^[A-Za-z0-9+/]{32}$" (randBytes 24) }}|{{ randInt 3 4 }}|
{{ regexMatch "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" uuidv4 }}
{{ len (shuffle "abcdef") }}|{{ shuffle "aaa" }}|{{ sortAlpha (splitList "" (shuffle "dcba")) }}
{{ regexMatch "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)? [+-][0-9]{4} [A-Za-z0-9+-]+ m=\\+[0-9]+\\.[0-9]{9}$" (toString now) }}|
{{ $layout := "2006-01-02 15:04:05.999999999 -0700 MST" -}}
{{ regexMatch "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [+-][0-9]{4} [A-Za-z0-9+-]+$" (toString (now | date_modify "0s" | toString | toDate $layout)) }}|
{{ typeOf now }}|{{ now | date "2006" | len }}|{{ ago now }}|{{ durationRound now }}|{{ kindOf now }}|{{ now | unixEpoch | len }}|
{{ regexMatch "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" (htmlDate now) }}
{{ regexMatch "^u:\\$2a\\$10\\$[./A-Za-z0-9]{53}$" (htpasswd "u" "p") }}|{{ regexMatch "^\\$2a\\$10\\$[./A-Za-z0-9]{53}$" (bcrypt "secret") }}
{{ $k := genPrivateKey "ecdsa" }}{{ regexMatch "^-----BEGIN EC PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END EC PRIVATE KEY-----\n$" $k }}|{{ len $k }}
{{ $e := genPrivateKey "ed25519" }}{{ regexMatch "^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$" $e }}|{{ len $e }}
{{ $c := encryptAES "pw" "some text" }}{{ len $c }}|{{ decryptAES "pw" $c }}|{{ len (encryptAES "pw" "0123456789abcdef") }}
"""

CERTS = r"""{{ $ca := genCA "my-ca" 365 -}}
{{ $srv := genSignedCert "svc.example" (list "10.0.0.1" "::1") (list "a.example" "b.example") 30 $ca -}}
{{ $self := genSelfSignedCert "self" nil (list "s.example") 10 -}}
{{ $ca2 := genCAWithKey "ca2" 5 (genPrivateKey "ecdsa") -}}
{{ $srv2 := genSignedCertWithKey "two" nil nil 7 $ca2 (genPrivateKey "ed25519") -}}
{{ $self2 := genSelfSignedCertWithKey "self2" (list "127.0.0.1") nil 3 $ca.Key -}}
{{ $ca.Cert }}{{ $ca.Key }}{{ $srv.Cert }}{{ $srv.Key }}{{ $self.Cert }}{{ $self.Key -}}
{{ $ca2.Cert }}{{ $ca2.Key }}{{ $srv2.Cert }}{{ $srv2.Key }}{{ $self2.Cert }}{{ $self2.Key }}
{{- $b := buildCustomCert ($self.Cert | b64enc) ($self.Key | b64enc) }}{{ eq $b.Cert $self.Cert }}
"""


@pytest.fixture(scope="module")
def rendered():
    cases = {"forms": FORMS, "certs": CERTS}
    return helmref.render_cases(cases, {}), ourrender.render_helm_cases(cases, {})


def test_forms_match_helm(rendered):
    helm, ours = rendered
    assert ours["forms"].split("\n") == helm["forms"].split("\n")


def _pem_blocks(text: str) -> list:
    blocks, current = [], []
    for line in text.splitlines(True):
        current.append(line)
        if line.startswith("-----END "):
            blocks.append("".join(current))
            current = []
    return blocks


def _describe_key(pem: str):
    from cryptography.hazmat.primitives import serialization
    header = pem.splitlines()[0]
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return header, "rsa", key.key_size
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return header, "ec", key.curve.name
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return header, "ed25519", None


def _describe_cert(pem: str):
    cert = x509.load_pem_x509_certificate(pem.encode())
    extensions = []
    for ext in cert.extensions:
        value = ext.value
        if isinstance(value, x509.SubjectKeyIdentifier):
            value = len(value.digest)
        elif isinstance(value, x509.AuthorityKeyIdentifier):
            value = len(value.key_identifier)
        elif isinstance(value, x509.SubjectAlternativeName):
            value = (value.get_values_for_type(x509.DNSName), [str(ip) for ip in value.get_values_for_type(x509.IPAddress)])
        extensions.append((ext.oid.dotted_string, ext.critical, repr(value)))
    validity = cert.not_valid_after_utc - cert.not_valid_before_utc
    return {
        "version": cert.version, "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
        "serial_bits_max": cert.serial_number.bit_length() <= 128, "days": round(validity.total_seconds() / 86400),
        "sig": cert.signature_algorithm_oid.dotted_string, "extensions": sorted(extensions),
        "key": type(cert.public_key()).__mro__[1].__name__,
    }


def test_certificates_have_helms_form(rendered):
    helm, ours = rendered
    helm_blocks, our_blocks = _pem_blocks(helm["certs"]), _pem_blocks(ours["certs"])
    assert len(our_blocks) == len(helm_blocks) == 12
    for want, have in zip(helm_blocks, our_blocks):
        if "CERTIFICATE" in want.splitlines()[0]:
            assert _describe_cert(have) == _describe_cert(want)
        else:
            assert _describe_key(have) == _describe_key(want)
    assert helm["certs"].rstrip().endswith("true") and ours["certs"].rstrip().endswith("true")


def test_signed_certificate_verifies_against_its_ca(rendered):
    _unused, ours = rendered
    blocks = _pem_blocks(ours["certs"])
    ca = x509.load_pem_x509_certificate(blocks[0].encode())
    leaf = x509.load_pem_x509_certificate(blocks[2].encode())
    leaf.verify_directly_issued_by(ca)


def test_private_key_kinds():
    from ansible_collections.helmkit.core.plugins.module_utils.engine.sprig import FUNCS
    assert FUNCS["genPrivateKey"]("dsa").startswith("-----BEGIN DSA PRIVATE KEY-----\n")
    assert FUNCS["genPrivateKey"]("").startswith("-----BEGIN RSA PRIVATE KEY-----\n")
