"""Test-wide set-up: make `ansible_collections.helmkit.core` importable from this checkout."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TREE = os.path.join(ROOT, ".tree")
_link = os.path.join(TREE, "ansible_collections", "helmkit", "core")
if not os.path.islink(_link):
    os.makedirs(os.path.dirname(_link), exist_ok=True)
    os.symlink(ROOT, _link)
if TREE not in sys.path:
    sys.path.insert(0, TREE)
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", TREE)

SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
