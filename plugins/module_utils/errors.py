"""Errors raised by helmkit.core's engine.

Every error meant for a person derives from :class:`HelmkitError`. Its ``str()`` is the whole message: what went
wrong, where (file, line, field), what was expected and, where one exists, a fix. Modules turn these into a failed
task with that message and no traceback (see ``_common.py``).
"""
from __future__ import annotations


class HelmkitError(Exception):
    """Base class of all errors that are reported to the user as they are.

    ``helm_message`` (class attribute, None by default; set on an instance where it differs) is the text the helm
    CLI prints for the same failure, after ``Error: ``: the kubernetes.core adapters put it in ``stderr``, where
    playbooks written for kubernetes.core match it, while ``msg`` keeps the message for people.
    """

    helm_message = None


class ChartError(HelmkitError):
    """A chart could not be loaded, validated or rendered."""


class ValuesError(HelmkitError):
    """User-supplied values are malformed (bad YAML, bad --set syntax, schema violation)."""


class RepositoryError(HelmkitError):
    """A chart repository could not be read or did not hold the requested chart."""


class RegistryError(HelmkitError):
    """An OCI registry refused or failed a request."""


class KubeError(HelmkitError):
    """The Kubernetes API refused or failed a request, or could not be reached."""


class ReleaseError(HelmkitError):
    """A release action failed; the release record says what happened."""


class ReleaseFailedError(ReleaseError):
    """A release action (install, upgrade, rollback) failed after it stored its revision, now marked ``failed``
    with Helm's description (the message). ``release`` is that revision (``release/record.py``'s Release);
    ``result`` holds what the task result must say besides the message: ``changed`` True (something was written)
    and ``status`` (the revision's summary: name, namespace, revision, status, ...)."""

    def __init__(self, message: str, release=None):
        super().__init__(message)
        self.release = release

    @property
    def result(self) -> dict:
        out = {"changed": True}
        if self.release is not None:
            out["status"] = self.release.summary()
        return out
