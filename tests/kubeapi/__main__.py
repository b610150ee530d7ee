"""``python -m kubeapi`` (with tests/ on PYTHONPATH) or ``python tests/kubeapi/__main__.py``."""
from __future__ import annotations

import os
import sys

if __package__ in (None, ""):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from kubeapi.app import main
else:
    from .app import main

if __name__ == "__main__":
    sys.exit(main())
