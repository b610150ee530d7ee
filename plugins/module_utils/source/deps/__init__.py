"""helm dependency update/build/list (see manager.py)."""
from __future__ import annotations
