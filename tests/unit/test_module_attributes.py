"""Sanity-style check (issue 21): every module declares the attributes check_mode, diff_mode and action_group, and
what they say matches the code: check_mode support agrees with AnsibleModule(supports_check_mode=...), diff_mode
support 'full' only where the module produces a diff, and action_group membership matches meta/runtime.yml."""
from __future__ import annotations

import ast
import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(ROOT, "plugins", "modules")
NAMES = sorted(f[:-3] for f in os.listdir(MODULES) if f.endswith(".py") and not f.startswith("_"))


def documentation(source: str) -> dict:
    for node in ast.parse(source).body:
        targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if isinstance(node, ast.Assign) and targets == ["DOCUMENTATION"]:
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION")


def attributes(doc: dict) -> dict:
    """The module's attributes as ansible-doc shows them: its own, plus those of the doc fragments it extends
    (plugins/doc_fragments/<name>.py, ``DOCUMENTATION`` or the named variable)."""
    attrs = {}
    for fragment in doc.get("extends_documentation_fragment") or []:
        parts = fragment.split(".")  # helmkit.core.<module>[.<variable>]
        with open(os.path.join(ROOT, "plugins", "doc_fragments", parts[2] + ".py")) as handle:
            text = handle.read()
        variable = parts[3].upper() if len(parts) > 3 else "DOCUMENTATION"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [variable]:
                attrs.update(yaml.safe_load(node.value.value).get("attributes") or {})
    attrs.update(doc.get("attributes") or {})
    return attrs


def supports_check_mode(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "AnsibleModule":
            for kw in node.keywords:
                if kw.arg == "supports_check_mode":
                    return bool(ast.literal_eval(kw.value))
            return False
    raise AssertionError("no AnsibleModule(...) call")


def test_every_module_is_checked():
    """The parametrized tests below cover exactly the modules of meta/runtime.yml's helm action group."""
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        group = yaml.safe_load(handle)["action_groups"]["helm"]
    assert NAMES and sorted(group) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_attributes(name):
    with open(os.path.join(MODULES, name + ".py")) as f:
        source = f.read()
    attrs = attributes(documentation(source))
    assert {"check_mode", "diff_mode", "action_group"} <= set(attrs), "%s: attributes %s" % (name, sorted(attrs))
    for key, attr in attrs.items():
        assert attr.get("support") in ("full", "partial", "none", "N/A"), (name, key, attr)
        assert attr.get("description"), (name, key)
    assert (attrs["check_mode"]["support"] != "none") == supports_check_mode(source), name
    for task in ("release_task", "registry_task"):  # task glue shared by a native module and its adapter
        if "module_utils.%s import" % task in source:
            with open(os.path.join(ROOT, "plugins", "module_utils", task + ".py")) as f:
                source += f.read()
    produces_diff = "_diff" in source or "\"diff\"" in source or "'diff'" in source
    if attrs["diff_mode"]["support"] in ("full", "partial"):
        assert produces_diff, "%s declares diff_mode support but never builds a diff" % name
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as f:
        groups = yaml.safe_load(f)["action_groups"]
    member = [group for group, names in groups.items() if name in names]
    assert attrs["action_group"]["membership"] == ["helmkit.core.%s" % g for g in member] == ["helmkit.core.helm"]


class _Captured(Exception):
    pass


def argument_spec(name, monkeypatch):
    """The argument_spec that module ``name``'s main() hands to AnsibleModule (dict)."""
    import importlib
    module = importlib.import_module("ansible_collections.helmkit.core.plugins.modules." + name)
    seen = {}

    def capture(**kwargs):
        seen.update(kwargs)
        raise _Captured()
    monkeypatch.setattr(module, "AnsibleModule", capture)
    with pytest.raises(_Captured):
        module.main()
    return seen["argument_spec"]


@pytest.mark.parametrize("name", NAMES)
def test_no_no_log_warning(name, monkeypatch):
    """ansible-core warns 'Module did not set no_log for X' on every run for an option whose name looks like a
    secret (PASSWORD_MATCH) and that does not say no_log (helm_dependency's pass_credentials did)."""
    from ansible.module_utils.basic import PASSWORD_MATCH
    unset = []
    for option, spec in argument_spec(name, monkeypatch).items():
        for label in [option] + list(spec.get("aliases") or []):
            if spec.get("no_log") is None and PASSWORD_MATCH.search(label):
                unset.append(label)
    assert unset == [], "%s: no_log not set for %s" % (name, unset)
