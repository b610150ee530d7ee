"""API errors as real ``metav1.Status`` objects (k8s.io/apimachinery/pkg/api/errors/errors.go wording)."""
from __future__ import annotations


class ApiError(Exception):
    """An error the server answers with a Status body.

    Args: code (HTTP status), reason (StatusReason, e.g. 'NotFound'), message, details (dict or None).
    """

    def __init__(self, code, reason, message, details=None):
        Exception.__init__(self, message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self):
        """The Status object (dict) for the response body."""
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message, "reason": self.reason}
        if self.details is not None:
            body["details"] = self.details
        body["code"] = self.code
        return body


def qualified(resource):
    """'deployments.apps' / 'secrets': the group-qualified resource name used in messages."""
    return resource.plural + ("." + resource.group if resource.group else "")


def _details(resource, name, kind=None):
    d = {"name": name}
    if resource.group:
        d["group"] = resource.group
    d["kind"] = kind or resource.plural
    return d


def not_found(resource, name):
    """404 NotFound: deployments.apps "x" not found."""
    return ApiError(404, "NotFound", '%s "%s" not found' % (qualified(resource), name), _details(resource, name))


def already_exists(resource, name):
    """409 AlreadyExists: secrets "x" already exists."""
    return ApiError(409, "AlreadyExists", '%s "%s" already exists' % (qualified(resource), name),
                    _details(resource, name))


def conflict(resource, name, why):
    """409 Conflict: Operation cannot be fulfilled on deployments.apps "x": <why>."""
    return ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": %s' % (qualified(resource), name,
                                                                                       why),
                    _details(resource, name))


def invalid(resource, name, causes):
    """422 Invalid. causes: [(field, reason like 'FieldValueRequired', message like 'Required value')]."""
    group_kind = resource.kind + ("." + resource.group if resource.group else "")
    text = "; ".join("%s: %s" % (f, m) for f, _unused, m in causes)
    if len(causes) > 1:
        text = "[" + ", ".join("%s: %s" % (f, m) for f, _unused, m in causes) + "]"
    details = _details(resource, name, resource.kind)
    details["causes"] = [{"reason": r, "message": m, "field": f} for f, r, m in causes]
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s' % (group_kind, name, text), details)


def bad_request(message):
    """400 BadRequest with the given message."""
    return ApiError(400, "BadRequest", message)


def namespace_not_found(name):
    """404 for a write into a namespace that does not exist."""
    return ApiError(404, "NotFound", 'namespaces "%s" not found' % name, {"name": name, "kind": "namespaces"})


def resource_not_found():
    """404 for an unknown path."""
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})
