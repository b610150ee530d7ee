"""PyYAML's safe loader and dumper, chosen once: the C (libyaml) classes where PyYAML was built with them, else the
pure-Python ones (same results, slower). Every loader and dumper of the collection is built on these two.
"""
from __future__ import annotations

from ..libraries import HAS_YAML, yaml  # PyYAML, guarded once in libraries.py

#: ``yaml.CSafeLoader`` (libyaml's parser, PyYAML's safe constructor and YAML 1.1 resolver), or ``yaml.SafeLoader``.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if HAS_YAML else None
#: ``yaml.CSafeDumper``, or ``yaml.SafeDumper``.
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper) if HAS_YAML else None
