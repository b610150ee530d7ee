"""docs/discovering-charts.md stays true (issue 18, done-when): one section and one example per discovery lookup, every
example valid YAML, and every keyword an example passes is an option the lookup documents (its own or a doc
fragment's). The behaviour behind each example is tested against local servers: test_helm_search.py,
test_oci_tags.py, test_helm_search_hub.py, test_helm_catalog.py."""
from __future__ import annotations

import importlib
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(ROOT, "docs", "discovering-charts.md")
LOOKUPS = ("helm_search", "helm_oci_tags", "helm_search_hub", "helm_catalog")


def _text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _documented_options(name):
    """Options of lookup ``name``: its DOCUMENTATION plus the doc fragments it extends."""
    source = _text(os.path.join(ROOT, "plugins", "lookup", name + ".py"))
    doc = yaml.safe_load(source.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])
    options = set(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment") or []:
        parts = fragment.split(".")   # helmkit.core.<module>[.<variable>]
        variable = parts[3].upper() if len(parts) > 3 else "DOCUMENTATION"
        frag = importlib.import_module("ansible_collections.helmkit.core.plugins.doc_fragments." + parts[2])
        text = getattr(frag.ModuleDocFragment, variable)
        options |= set((yaml.safe_load(text) or {}).get("options") or {})
    return options


def _examples():
    page = _text(PAGE)
    return page, re.findall(r"```yaml\n(.*?)```", page, re.S)


@pytest.mark.parametrize("name", LOOKUPS)
def test_each_lookup_has_a_section_and_an_example(name):
    page, blocks = _examples()
    assert re.search(r"^## .*`%s`" % name, page, re.M), "no section for %s" % name
    calls = [b for b in blocks if "'helmkit.core.%s'" % name in b]
    assert len(calls) == 1, "one example for %s, found %d" % (name, len(calls))


def test_examples_are_yaml_and_use_documented_options():
    _page, blocks = _examples()
    assert len(blocks) == len(LOOKUPS)
    checked = set()
    for block in blocks:
        tasks = yaml.safe_load(block)
        assert isinstance(tasks, list) and tasks[0].get("name")
        for name, arguments in re.findall(r"query\('helmkit\.core\.(\w+)',(.*?)\)\s*(?:\||\}\})", block, re.S):
            used = set(re.findall(r"(\w+)=", arguments))
            checked |= used
            unknown = used - _documented_options(name)
            assert not unknown, "%s example passes undocumented options %s" % (name, sorted(unknown))
    assert {"version_from", "version_to", "max_results", "values"} <= checked   # the scan sees the keywords
