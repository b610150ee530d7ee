"""One retry policy for every client that speaks HTTP: repositories (repo/index.py), registries (oci/client.py)
and the Kubernetes API (kube/client.py).

A request that got 429 Too Many Requests or a 5xx, or lost its connection, is sent again after a pause: the
server's ``Retry-After`` seconds when it sent one (capped), else an exponential back-off (``base`` doubled per
attempt, capped). client-go does the same (``k8s.io/client-go/rest/request.go``, ``with_retry.go``), as do
oras-go's retrying transport and Helm's repository getter behind a proxy. Which requests may be repeated is the
policy's too: only idempotent ones after a lost answer (see :meth:`RetryPolicy.may_retry_connection`). Each client
keeps its own numbers (how many attempts, how long a pause) in one :class:`RetryPolicy` instance, which tests may
change; the rules are written once, here.
"""
from __future__ import annotations

import time

from . import parse_retry_after

__all__ = ["RetryPolicy", "IDEMPOTENT_METHODS", "RETRY_STATUSES"]


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
