"""Label and field selectors as the apiserver parses them (k8s.io/apimachinery/pkg/labels/selector.go,
pkg/fields/selector.go): ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a``, ``!a``.
"""
from __future__ import annotations

import re


class SelectorError(ValueError):
    """The selector string cannot be parsed; the message is the apiserver's kind of message."""


_SET = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s*(?:(notin|in)\s*\(([^)]*)\)|(==|=|!=)\s*([A-Za-z0-9._-]*))?\s*$")


def _split(text):
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def parse_label_selector(text):
    """Parse a label selector string into a list of (key, op, values) requirements.

    op is one of '=', '!=', 'in', 'notin', 'exists', '!exists'. Raises SelectorError.
    """
    reqs = []
    for part in _split(text or ""):
        m = _SET.match(part)
        if not m:
            raise SelectorError("unable to parse requirement: %r" % part.strip())
        neg, key, setop, setvals, op, val = m.groups()
        if neg:
            if setop or op:
                raise SelectorError("unable to parse requirement: %r" % part.strip())
            reqs.append((key, "!exists", []))
        elif setop:
            reqs.append((key, setop, [v.strip() for v in setvals.split(",") if v.strip()]))
        elif op:
            reqs.append((key, "!=" if op == "!=" else "=", [val]))
        else:
            reqs.append((key, "exists", []))
    return reqs


def match_labels(reqs, labels):
    """True when a label map (dict or None) satisfies every requirement from parse_label_selector."""
    labels = labels or {}
    for key, op, values in reqs:
        present = key in labels
        value = labels.get(key)
        if op == "=" and not (present and value == values[0]):
            return False
        if op == "!=" and present and value == values[0]:
            return False
        if op == "in" and not (present and value in values):
            return False
        if op == "notin" and present and value in values:
            return False
        if op == "exists" and not present:
            return False
        if op == "!exists" and present:
            return False
    return True


# Field selectors each kind supports besides metadata.name and metadata.namespace (the registries'
# GetAttrs / AddFieldLabelConversionFunc in pkg/registry and pkg/apis/*/v1/conversion.go).
SUPPORTED_FIELDS = {
    "Pod": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"},
    "Secret": {"type"},
    "Event": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
              "reportingComponent", "source", "type"},
    "Namespace": {"status.phase"},
    "Node": {"spec.unschedulable"},
    "ReplicaSet": {"status.replicas"},
    "ReplicationController": {"status.replicas"},
    "Job": {"status.successful"},
    "Service": {"spec.clusterIP", "spec.type"},
    "CertificateSigningRequest": {"spec.signerName"},
}


def check_field_selector(kind, reqs):
    """Raise SelectorError('field label not supported: X') for fields the kind cannot select on."""
    allowed = {"metadata.name", "metadata.namespace"} | SUPPORTED_FIELDS.get(kind, set())
    for path, _unused, _unused2 in reqs:
        field = ".".join(path)
        if field not in allowed:
            raise SelectorError('field label not supported: %s' % field)


def parse_field_selector(text):
    """Parse a field selector into [(field path tuple, op, value)]; op '=' or '!='.

    Any dotted path parses; check_field_selector() says whether a kind supports it. Raises SelectorError.
    """
    reqs = []
    for part in _split(text or ""):
        m = re.match(r"^\s*([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not m:
            raise SelectorError("invalid selector: '%s'; can't understand '%s'" % (text, part.strip()))
        field, op, value = m.groups()
        reqs.append((tuple(field.split(".")), "!=" if op == "!=" else "=", value))
    return reqs


def match_fields(reqs, obj):
    """True when obj (dict) satisfies every field requirement."""
    for path, op, value in reqs:
        cur = obj
        for part in path:
            cur = cur.get(part) if isinstance(cur, dict) else None
        text = "" if cur is None else (str(cur).lower() if isinstance(cur, bool) else str(cur))
        if (text == value) != (op == "="):
            return False
    return True


def selector_from_label_selector_object(sel):
    """metav1.LabelSelector dict (matchLabels/matchExpressions) -> requirements list; None matches nothing."""
    if sel is None:
        return None
    reqs = [(k, "=", [v]) for k, v in (sel.get("matchLabels") or {}).items()]
    ops = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!exists"}
    for expr in sel.get("matchExpressions") or []:
        reqs.append((expr.get("key"), ops.get(expr.get("operator"), "in"), expr.get("values") or []))
    return reqs
