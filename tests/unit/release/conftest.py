"""A fresh Kubernetes API emulator per test (it starts in well under a second), for the release tests."""
import os
import sys

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from kubeapi.fixture import KubeAPIServer  # noqa: E402


@pytest.fixture
def emulator():
    """A running emulator (``KubeAPIServer``: ``.kubeconfig``, ``.url``, ``.request_log()``)."""
    with KubeAPIServer(ready_delay=0.05) as api:
        yield api
