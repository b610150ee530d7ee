"""Paths and the chart repository server shared by the repository tests (imported by name, not via conftest)."""
from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.helpers.chartrepo import ChartRepoServer, make_test_pki  # noqa: E402,F401  pylint: disable=unused-import

SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
PODINFO = os.path.join(SHARED, "charts", "podinfo-6.14.1.tgz")
REDIS = os.path.join(SHARED, "charts", "redis-23.1.1.tgz")
NGINX = os.path.join(SHARED, "charts", "ingress-nginx-4.15.1.tgz")
