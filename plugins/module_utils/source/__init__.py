"""Where charts come from: one reference parser, one set of options, one ``locate`` (see locate.py)."""
from __future__ import annotations
