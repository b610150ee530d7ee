"""Kubernetes object-name validation as Helm's lint applies it (template.go ``validateMetadataName``).

The rules and wording are k8s.io/apimachinery's (pkg/util/validation ``IsDNS1123Subdomain``, ``IsDNS1035Label``,
``IsDNS1123Label``, pkg/api/validate/content ``IsPathSegmentName``) and field.Error's ``Invalid value`` format.
"""
from __future__ import annotations

import re

from ...gocompat.strconv import go_quote

_SUBDOMAIN_FMT = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_LABEL_FMT = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1035_FMT = r"[a-z]([-a-z0-9]*[a-z0-9])?"


def _regex_error(message: str, fmt: str, *examples) -> str:
    # apimachinery RegexError, including its doubled space before "or" when there are several examples
    if not examples:
        return "%s (regex used for validation is '%s')" % (message, fmt)
    parts = "".join("%s'%s', " % (" or " if i else "", ex) for i, ex in enumerate(examples))
    return "%s (e.g. %sregex used for validation is '%s')" % (message, parts, fmt)


def _check(name: str, max_len: int, fmt: str, message: str, examples) -> list:
    errs = []
    if len(name.encode("utf-8")) > max_len:
        errs.append("must be no more than %d characters" % max_len)
    if not re.fullmatch(fmt, name):
        errs.append(_regex_error(message, fmt, *examples))
    return errs


def dns1123_subdomain(name: str) -> list:
    return _check(name, 253, _SUBDOMAIN_FMT, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                  "characters, '-' or '.', and must start and end with an alphanumeric character", ("example.com",))


def dns1123_label(name: str) -> list:
    return _check(name, 63, _LABEL_FMT, "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                  "characters or '-', and must start and end with an alphanumeric character", ("my-name", "123-abc"))


def dns1035_label(name: str) -> list:
    return _check(name, 63, _DNS1035_FMT, "a DNS-1035 label must consist of lower case alphanumeric characters or "
                  "'-', start with an alphabetic character, and end with an alphanumeric character",
                  ("my-name", "abc-123"))


def path_segment_name(name: str) -> list:
    if name in (".", ".."):
        return ["may not be '%s'" % name]
    return ["may not contain '%s'" % bad for bad in ("/", "%") if bad in name]


_BY_KIND = {
    "service": dns1035_label,
    "namespace": dns1123_label,
    "serviceaccount": dns1123_subdomain,
    "certificatesigningrequest": lambda _name: [],
    "role": path_segment_name, "clusterrole": path_segment_name,
    "rolebinding": path_segment_name, "clusterrolebinding": path_segment_name,
}


def metadata_name_problem(kind: str, name: str):
    """Helm's warning text for an object name the kind does not allow, or None.

    ``kind`` is the object's kind (any case), ``name`` its ``metadata.name`` ("" when absent).
    """
    errors = _BY_KIND.get(kind.lower(), dns1123_subdomain)(name)
    if not errors:
        return None
    quoted = go_quote(name)
    items = ["metadata.name: Invalid value: %s: %s" % (quoted, e) for e in errors]
    text = items[0] if len(items) == 1 else "[%s]" % ", ".join(items)
    return "object name does not conform to Kubernetes naming requirements: %s: %s" % (quoted, text)
