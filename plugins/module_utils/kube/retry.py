"""When and how long :class:`~.client.KubeClient` retries a request, like client-go's ``rest.Request``; the
policy itself (:class:`RetryPolicy`) is the one all HTTP clients share, in ``transport/retry.py``.

client-go (``k8s.io/client-go/rest/request.go`` and ``with_retry.go``) retries a request that got 429 Too Many
Requests or a 5xx with a ``Retry-After`` header (up to ``maxRetries``, honouring the header's seconds), and retries
connection resets only for idempotent requests (``GET``). helmkit does the same, with exponential backoff when the
server sends no ``Retry-After``, and also retries the requests that are idempotent *as helmkit sends them*:

* ``GET``, ``HEAD``; ``PUT`` (a whole object, so sending it twice leaves the same object); ``DELETE`` (a second one
  answers 404, which callers treat as done); ``PATCH`` (server-side apply: the same configuration twice is a no-op).
* ``POST`` (create) is never repeated blindly after a lost answer: the client first reads the object back
  (see ``KubeClient._recover_create``). A 429 answer means the server refused it unprocessed, so it is retried.

Errors that give up name the server, the request and the number of attempts.
"""
from __future__ import annotations

from ..transport.retry import IDEMPOTENT_METHODS, RETRY_STATUSES, RetryPolicy  # noqa: F401  pylint: disable=unused-import


def describe_attempts(server: str, method: str, path: str, attempts: int, last_error: str) -> str:
    """The give-up message: ``<server>: <METHOD> <path> failed after N attempts: <last error>``."""
    return "Kubernetes API server at %s: %s %s failed after %d attempt%s: %s" % (
        server, method.upper(), path, attempts, "" if attempts == 1 else "s", last_error)
