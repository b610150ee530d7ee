"""Fixtures for the chart-source tests: tests/helpers/repofixtures.py."""
from tests.helpers.repofixtures import fast_backoff, helm_home, pki, repo  # noqa: F401  pylint: disable=unused-import
