"""``python -m kubeapi`` (with tests/ on PYTHONPATH) or ``python tests/kubeapi/__main__.py``."""
from __future__ import annotations

import os
import sys

if __package__ in (None, ""):
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    sys.path.insert(0, os.path.dirname(_here))
    from kubeapi.app import main
else:
    from .app import main

if __name__ == "__main__":
    sys.exit(main())
