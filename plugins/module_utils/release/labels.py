"""Release labels as Helm v4 keeps them (``pkg/action/upgrade.go: mergeCustomLabels``, ``pkg/storage/driver``).

Release labels are stored only as labels of the release Secrets, next to Helm's system labels. On upgrade the
given labels are merged over the last revision's, and a label whose value is the string ``"null"`` (or None) is
removed. A system label name is refused with Helm's message.
"""
from __future__ import annotations

from ..errors import ReleaseError

#: ``driver.GetSystemLabels()``: names Helm reserves on release Secrets.
SYSTEM_LABELS = ("name", "owner", "status", "version", "createdAt", "modifiedAt")


def validate_labels(labels) -> dict:
    """Return ``labels`` as a str -> str dict (None values kept as removals). Raises :class:`ReleaseError` when a
    name is one of :data:`SYSTEM_LABELS` (Helm: ``user supplied labels contains system reserved label name``)."""
    result = {}
    for key, value in (labels or {}).items():
        if key in SYSTEM_LABELS:
            raise ReleaseError("user supplied labels contains system reserved label name %r. System labels: [%s]; "
                               "rename the label" % (key, " ".join(SYSTEM_LABELS)))
        result[str(key)] = None if value is None else str(value)
    return result


def release_labels(previous, given) -> dict:
    """The labels of a new revision: ``given`` merged over ``previous`` (both dicts or None); values None or
    ``"null"`` remove a label, as Helm's ``mergeCustomLabels``."""
    merged = dict(previous or {})
    merged.update(validate_labels(given))
    return {key: value for key, value in merged.items() if value is not None and value != "null"}
