"""When and how long :class:`~.client.KubeClient` retries a request, like client-go's ``rest.Request``.

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

import time

from ..transport import parse_retry_after

IDEMPOTENT_METHODS = ("GET", "HEAD", "PUT", "DELETE", "PATCH")
#: HTTP statuses worth another attempt: throttled, or the server (or a proxy before it) briefly unavailable.
RETRY_STATUSES = (429, 500, 502, 503, 504)


class RetryPolicy:
    """How often and how long to retry.

    ``attempts`` (int, total tries per request, default 5); ``base`` (seconds of the first backoff, doubled each
    time, default 0.25); ``cap`` (longest backoff, seconds, default 8); ``max_retry_after`` (longest wait a server's
    ``Retry-After`` may ask for, seconds, default 30); ``request_timeout`` (seconds a request may take before it
    counts as failed, default 60); ``sleep`` (the function that waits, replaceable in tests).
    """

    def __init__(self, attempts: int = 5, base: float = 0.25, cap: float = 8.0, max_retry_after: float = 30.0,
                 request_timeout: float = 60.0, sleep=time.sleep):
        self.attempts = max(1, int(attempts))
        self.base = float(base)
        self.cap = float(cap)
        self.max_retry_after = float(max_retry_after)
        self.request_timeout = request_timeout
        self.sleep = sleep

    def backoff(self, attempt: int, retry_after=None) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based); ``retry_after`` is the header's text."""
        seconds = parse_retry_after(retry_after)
        if seconds is not None:
            return min(seconds, self.max_retry_after)
        return min(self.cap, self.base * (2 ** (attempt - 1)))

    def may_retry_status(self, method: str, status: int) -> bool:
        """Whether an answer with HTTP ``status`` to ``method`` may be sent again."""
        if status not in RETRY_STATUSES:
            return False
        return status == 429 or method.upper() in IDEMPOTENT_METHODS

    @staticmethod
    def may_retry_connection(method: str) -> bool:
        """Whether ``method`` may be sent again after the connection failed (reset, timeout) without an answer."""
        return method.upper() in IDEMPOTENT_METHODS


def describe_attempts(server: str, method: str, path: str, attempts: int, last_error: str) -> str:
    """The give-up message: ``<server>: <METHOD> <path> failed after N attempts: <last error>``."""
    return "Kubernetes API server at %s: %s %s failed after %d attempt%s: %s" % (
        server, method.upper(), path, attempts, "" if attempts == 1 else "s", last_error)
