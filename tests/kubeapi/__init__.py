"""kubeapi: a Kubernetes API server emulator for helmkit.core's TESTS (never shipped).

See README.md. Start it with ``python -m kubeapi --kubeconfig PATH`` (``tests/`` on PYTHONPATH) or use
``kubeapi.fixture.KubeAPIServer`` from tests.
"""
from __future__ import annotations
