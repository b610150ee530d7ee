"""Sprig's crypto and security functions (Masterminds/sprig/v3 crypto.go).

Hashes, derivePassword (scrypt + HMAC, deterministic) and randBytes use only the standard library. Keys,
certificates and AES need the ``cryptography`` package, bcrypt/htpasswd need ``bcrypt`` (or the standard ``crypt``
module with bcrypt support). This family is imported only when a template first calls one of its functions
(lazy.py), so the optional packages are imported here at the top, guarded the libraries.py way, and a function that
needs a missing one raises a FuncError naming the package. Output has Helm's form: PEM blocks of the same types, RSA
4096 for genPrivateKey, RSA 2048 for certificates, X.509 v3 with Sprig's key usages, "$2a$10$" bcrypt hashes.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import os
import secrets
import struct
import warnings

from ...libraries import MissingLibraryError, missing_library
from ..errors import FuncError
from ..gofmt import format_value
from ..gotypes import go_type_name
from ._base import ArgTypeError, INT, STRING, go_func
from .encoding import CorruptInput, b64_error, go_b64decode

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization as ser
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.utils import CryptographyDeprecationWarning
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - depends on the host; _need_cryptography() then raises FuncError
    x509 = hashes = ser = dsa = ec = ed25519 = rsa = missing_library("cryptography")
    Cipher = algorithms = modes = CryptographyDeprecationWarning = ExtendedKeyUsageOID = NameOID = x509
    HAS_CRYPTOGRAPHY = False

try:
    import bcrypt as bcrypt_lib
    HAS_BCRYPT = True
except ImportError:  # pragma: no cover - depends on the host; the crypt module may stand in
    bcrypt_lib = missing_library("bcrypt")
    HAS_BCRYPT = False

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt as crypt_lib  # the standard library's, removed in Python 3.13
except ImportError:  # pragma: no cover - Python 3.13+ or a host without it
    crypt_lib = missing_library("crypt")

SLICE = "[]interface {}"
CERT = "sprig.certificate"

_SEED = b"com.lyndir.masterpassword"
_TEMPLATES = {
    "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
    "long": ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
             "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
             "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
             "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
             "CvccCvcvCvccno"],
    "medium": ["CvcnoCvc", "CvcCvcno"],
    "short": ["Cvcn"],
    "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
    "pin": ["nnnn"],
}
_CHARS = {
    "V": "AEIOU", "C": "BCDFGHJKLMNPQRSTVWXYZ", "v": "aeiou", "c": "bcdfghjklmnpqrstvwxyz",
    "A": "AEIOUBCDFGHJKLMNPQRSTVWXYZ", "a": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
    "n": "0123456789", "o": "@&%?,=[]_:-+*$#!'^~;()/.",
    "x": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
}


def _need_cryptography():
    if not HAS_CRYPTOGRAPHY:
        raise FuncError("this function needs the Python package 'cryptography' on the host that renders "
                        "templates; install it with: pip install cryptography")


@go_func("uint32", STRING, STRING, STRING, STRING)
def derivePassword(counter, password_type, password, user, site):
    """Master Password algorithm: scrypt(password, seed+user) keyed HMAC-SHA256 over seed+site+counter picks a
    template of ``password_type`` (maximum, long, medium, short, basic, pin) and its characters."""
    templates = _TEMPLATES.get(password_type)
    if templates is None:
        return "cannot find password template %s" % password_type
    user_b, site_b = user.encode("utf-8"), site.encode("utf-8")
    salt = _SEED + struct.pack(">I", len(user_b)) + user_b
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=32768, r=8, p=2, dklen=64, maxmem=1 << 27)
    message = _SEED + struct.pack(">I", len(site_b)) + site_b + struct.pack(">I", counter & 0xFFFFFFFF)
    seed = hmac.new(key, message, hashlib.sha256).digest()
    template = templates[seed[0] % len(templates)]
    return "".join(_CHARS[c][seed[i + 1] % len(_CHARS[c])] for i, c in enumerate(template))


@go_func(INT)
def randBytes(count):
    """Sprig randBytes: ``count`` random bytes, base64-encoded."""
    if count < 0:
        raise FuncError("runtime error: makeslice: len out of range")
    return base64.b64encode(os.urandom(count)).decode("ascii")


def _bcrypt_hash(password: bytes) -> str:
    if HAS_BCRYPT:
        hashed = bcrypt_lib.hashpw(password, bcrypt_lib.gensalt(rounds=10, prefix=b"2a"))
        return hashed.decode("ascii")
    try:
        hashed = crypt_lib.crypt(password.decode("utf-8", "surrogateescape"),
                                 crypt_lib.mksalt(crypt_lib.METHOD_BLOWFISH, rounds=1 << 10))
    except (MissingLibraryError, AttributeError, OSError):
        hashed = None
    if not hashed or not hashed.startswith("$2"):
        raise FuncError("bcrypt and htpasswd need the Python package 'bcrypt' on the host that renders "
                        "templates; install it with: pip install bcrypt")
    return "$2a$" + hashed[4:]


@go_func(STRING)
def bcrypt(s):
    """Sprig bcrypt: a "$2a$10$..." bcrypt hash of the string."""
    data = s.encode("utf-8", "surrogateescape")
    if len(data) > 72:
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
    return _bcrypt_hash(data)


@go_func(STRING, STRING)
def htpasswd(username, password):
    """Sprig htpasswd: "user:<bcrypt hash>"; a username with ':' gives "invalid username: ..."."""
    if ":" in username:
        return "invalid username: %s" % username
    return "%s:%s" % (username, bcrypt(password))


# Keys ------------------------------------------------------------------------------------------------------------

def _pem_for_key(key) -> str:
    # RSA, ECDSA and DSA keys in their traditional PEM forms, ed25519 in PKCS#8, as Sprig's pemBlockForKey. The DSA
    # class is not named: cryptography 51 warns (CryptographyDeprecationWarning) on every access to it.
    if isinstance(key, ed25519.Ed25519PrivateKey):
        fmt = ser.PrivateFormat.PKCS8
    else:
        fmt = ser.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(ser.Encoding.PEM, fmt, ser.NoEncryption()).decode("ascii")


def _rsa_key(bits: int):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _dsa_key():
    """A 2048-bit DSA private key, only for a chart that asks ``genPrivateKey "dsa"`` (Sprig's DSA). cryptography 51
    deprecates DSA with a warning on every use; the chart's request is honoured without printing it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)
        return dsa.generate_private_key(key_size=2048)


@go_func(STRING)
def genPrivateKey(kind):
    """Sprig genPrivateKey: a PEM private key; kind "rsa" (4096 bits, default), "dsa", "ecdsa" (P-256) or
    "ed25519"; any other kind gives "Unknown type KIND"."""
    if kind not in ("", "rsa", "dsa", "ecdsa", "ed25519"):
        return "Unknown type " + kind
    _need_cryptography()
    if kind in ("", "rsa"):
        key = _rsa_key(4096)
    elif kind == "dsa":
        key = _dsa_key()
    elif kind == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = ed25519.Ed25519PrivateKey.generate()
    return _pem_for_key(key)


def _parse_private_key(pem: str):
    text = pem.strip()
    if "-----BEGIN" not in text:
        raise FuncError("no PEM data in input")
    kind = text.split("-----BEGIN ", 1)[1].split("-----", 1)[0]
    if kind != "PRIVATE KEY" and not kind.endswith(" PRIVATE KEY"):
        raise FuncError("no private key data in PEM block of type %s" % kind)
    try:
        return ser.load_pem_private_key(pem.encode("ascii", "replace"), password=None)
    except (ValueError, TypeError) as exc:
        raise FuncError("decoding PEM: %s" % exc)


# Certificates ----------------------------------------------------------------------------------------------------

class Certificate(object):
    """Sprig's certificate struct: ``.Cert`` and ``.Key`` hold PEM text."""

    go_type = "sprig.certificate"
    go_kind = "struct"

    def __init__(self, cert: str, key: str) -> None:
        self.Cert = cert
        self.Key = key

    def __str__(self) -> str:
        return "{%s %s}" % (self.Cert, self.Key)


def _str_list(values, what: str) -> list:
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        raise ArgTypeError("wrong type for value; expected []interface {}; got %s" % go_type_name(values), 1)
    out = []
    for v in values:
        if not isinstance(v, str):
            raise FuncError(what % format_value(v))
        out.append(v)
    return out


def _ips(values) -> list:
    out = []
    for text in _str_list(values, "error parsing ip: %s is not a string"):
        try:
            out.append(ipaddress.ip_address(text))
        except ValueError:
            raise FuncError("error parsing ip: %s" % text)
    return out


def _build_cert(cn: str, ips: list, dns: list, days: int, key, issuer_cert, issuer_key, is_ca: bool) -> Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]) if cn else x509.Name([])
    builder = (x509.CertificateBuilder()
               .serial_number(secrets.randbits(128) or 1)
               .subject_name(subject)
               .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
               .public_key(key.public_key())
               .not_valid_before(now)
               .not_valid_after(now + datetime.timedelta(days=days)))
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
        key_agreement=False, key_cert_sign=is_ca, crl_sign=False, encipher_only=False, decipher_only=False),
        critical=True)
    builder = builder.add_extension(x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    builder = builder.add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    if is_ca:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    if issuer_cert is not None:
        try:
            ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier(ski.digest, None, None), critical=False)
        except x509.ExtensionNotFound:
            pass
    names = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ip) for ip in ips]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    signer = issuer_key if issuer_key is not None else key
    algorithm = None if isinstance(signer, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    cert = builder.sign(signer, algorithm)
    return Certificate(cert.public_bytes(ser.Encoding.PEM).decode("ascii"), _pem_for_key(key))


def _ca(cn, days, key) -> Certificate:
    return _build_cert(cn, [], [], days, key, None, None, True)


@go_func(STRING, INT)
def genCA(cn, days):
    """Sprig genCA: a self-signed CA certificate with a new RSA 2048 key, valid ``days`` days."""
    _need_cryptography()
    return _ca(cn, days, _rsa_key(2048))


def _given_key(key_pem: str):
    try:
        return _parse_private_key(key_pem)
    except FuncError as exc:
        raise FuncError("parsing private key: %s" % exc)


@go_func(STRING, INT, STRING)
def genCAWithKey(cn, days, key_pem):
    """Sprig genCAWithKey: genCA with the given PEM private key."""
    _need_cryptography()
    return _ca(cn, days, _given_key(key_pem))


def _self_signed(cn, ips, dns, days, key) -> Certificate:
    return _build_cert(cn, _ips(ips), _str_list(dns, "error processing alternate dns name: %s is not a string"),
                       days, key, None, None, False)


@go_func(STRING, SLICE, SLICE, INT)
def genSelfSignedCert(cn, ips, dns, days):
    """Sprig genSelfSignedCert CN IPS DNSNAMES DAYS: a self-signed server/client certificate (RSA 2048)."""
    _need_cryptography()
    return _self_signed(cn, ips, dns, days, _rsa_key(2048))


@go_func(STRING, SLICE, SLICE, INT, STRING)
def genSelfSignedCertWithKey(cn, ips, dns, days, key_pem):
    """Sprig genSelfSignedCertWithKey: genSelfSignedCert with the given PEM private key."""
    _need_cryptography()
    return _self_signed(cn, ips, dns, days, _given_key(key_pem))


def _signed(cn, ips, dns, days, ca, key) -> Certificate:
    if not isinstance(ca, Certificate):
        raise ArgTypeError("wrong type for value; expected sprig.certificate; got %s"
                           % ("interface {}" if ca is None else go_type_name(ca)), 4)
    ip_list = _ips(ips)
    dns_list = _str_list(dns, "error processing alternate dns name: %s is not a string")
    try:
        issuer_cert = x509.load_pem_x509_certificate(ca.Cert.encode("ascii", "replace"))
    except ValueError as exc:
        raise FuncError("error parsing certificate: decodedSignerCert.Bytes: %s" % exc)
    try:
        issuer_key = _parse_private_key(ca.Key)
    except FuncError as exc:
        raise FuncError("error parsing private key: %s" % exc)
    return _build_cert(cn, ip_list, dns_list, days, key, issuer_cert, issuer_key, False)


@go_func(STRING, SLICE, SLICE, INT, CERT)
def genSignedCert(cn, ips, dns, days, ca):
    """Sprig genSignedCert CN IPS DNSNAMES DAYS CA: a certificate with a new RSA 2048 key signed by CA."""
    _need_cryptography()
    return _signed(cn, ips, dns, days, ca, _rsa_key(2048))


@go_func(STRING, SLICE, SLICE, INT, CERT, STRING)
def genSignedCertWithKey(cn, ips, dns, days, ca, key_pem):
    """Sprig genSignedCertWithKey: genSignedCert with the given PEM private key."""
    _need_cryptography()
    return _signed(cn, ips, dns, days, ca, _given_key(key_pem))


@go_func(STRING, STRING)
def buildCustomCert(b64cert, b64key):
    """Sprig buildCustomCert: a certificate struct from base64-encoded PEM certificate and key (validated)."""
    _need_cryptography()
    try:
        cert = go_b64decode(b64cert.encode("utf-8", "surrogateescape"))
    except CorruptInput:
        raise FuncError("unable to decode base64 certificate")
    try:
        key = go_b64decode(b64key.encode("utf-8", "surrogateescape"))
    except CorruptInput:
        raise FuncError("unable to decode base64 private key")
    if b"-----BEGIN" not in cert:
        raise FuncError("unable to decode certificate")
    try:
        x509.load_pem_x509_certificate(cert)
    except ValueError as exc:
        raise FuncError("error parsing certificate: decodedCert.Bytes: %s" % exc)
    try:
        _parse_private_key(key.decode("utf-8", "replace"))
    except FuncError as exc:
        raise FuncError("error parsing private key: %s" % exc)
    return Certificate(cert.decode("utf-8", "replace"), key.decode("utf-8", "replace"))


# AES -------------------------------------------------------------------------------------------------------------

def _aes_key(password: str) -> bytes:
    return (password.encode("utf-8") + b"\0" * 32)[:32]


@go_func(STRING, STRING)
def encryptAES(password, plaintext):
    """Sprig encryptAES: AES-256-CBC with the password zero-padded to 32 bytes, PKCS#7 padding, random IV
    prepended, base64-encoded; "" for an empty plaintext."""
    if plaintext == "":
        return ""
    _need_cryptography()
    content = plaintext.encode("utf-8", "surrogateescape")
    pad = 16 - len(content) % 16
    content += bytes([pad]) * pad
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(content) + enc.finalize()).decode("ascii")


@go_func(STRING, STRING)
def decryptAES(password, crypt_text):
    """Sprig decryptAES: the inverse of encryptAES. Raises FuncError for bad base64 or short input."""
    err = b64_error(crypt_text)
    if err:
        raise FuncError(err)
    data = go_b64decode(crypt_text.encode("utf-8", "surrogateescape"))
    if len(data) < 16:
        raise FuncError("ciphertext too short")
    if len(data) % 16:
        raise FuncError("crypto/cipher: input not full blocks")
    _need_cryptography()
    dec = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(data[:16])).decryptor()
    plain = dec.update(data[16:]) + dec.finalize()
    if not plain:
        return ""
    cut = plain[-1]
    if cut > len(plain):
        raise FuncError("runtime error: slice bounds out of range")
    return plain[:len(plain) - cut].decode("utf-8", "surrogateescape")


FUNCS = {
    "bcrypt": bcrypt, "htpasswd": htpasswd, "genPrivateKey": genPrivateKey, "derivePassword": derivePassword,
    "buildCustomCert": buildCustomCert, "genCA": genCA, "genCAWithKey": genCAWithKey,
    "genSelfSignedCert": genSelfSignedCert, "genSelfSignedCertWithKey": genSelfSignedCertWithKey,
    "genSignedCert": genSignedCert, "genSignedCertWithKey": genSignedCertWithKey,
    "encryptAES": encryptAES, "decryptAES": decryptAES, "randBytes": randBytes,
}
