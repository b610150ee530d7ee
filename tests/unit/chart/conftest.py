"""Shared fixtures for chart pipeline tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def make_chart(tmp_path):
    """Write a chart directory from {relative path: text} and return its path."""
    def _make(files: dict, name: str = "mychart"):
        root = tmp_path / name
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text)
        return str(root)
    return _make
