"""Paths of the shared chart corpus (../shared/charts), for chart tests."""
from __future__ import annotations

import glob
import json
import os


SHARED = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared"))
CHARTS_DIR = os.path.join(SHARED, "charts")
CORPUS = sorted(glob.glob(os.path.join(CHARTS_DIR, "*.tgz")))


def corpus_manifest():
    with open(os.path.join(CHARTS_DIR, "manifest.json")) as handle:
        return json.load(handle)


