"""The option tables of docs/migrating-from-kubernetes-core.md, derived from the modules' argument specs so that
the document cannot drift from the code (tests/unit/test_kcore_doc.py compares them).

    .venv/bin/python -m tests.helpers.kcoredoc --write     # rewrite the generated tables in the document

Each table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``. For the adapters (``helm``,
``helm_info``, ``helm_registry_auth``) the rows are the adapter's own options (kubernetes.core's interface) and what
each becomes (``module_utils/kcore.py``). For the native modules that also serve kubernetes.core's names
(``helm_repository``, ``helm_pull``, ``helm_template``), the rows are kubernetes.core 6.x's documented options
(:data:`KCORE_INTERFACES`) and the native option that takes each name, with type and default compared.
"""
import importlib
import os
import re
import sys
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "migrating-from-kubernetes-core.md")
PACKAGE = "ansible_collections.helmkit.core.plugins"


def _o(type_, default=None, aliases=(), required=False):
    return {"type": type_, "default": default, "aliases": list(aliases), "required": required}


# kubernetes.core 6.x's documented options of the modules whose kubernetes.core names the native modules take.
KCORE_INTERFACES = {
    "helm_repository": {
        "binary_path": _o("path"), "repo_name": _o("str", aliases=["name"], required=True),
        "repo_url": _o("str", aliases=["url"]), "repo_username": _o("str", aliases=["username"]),
        "repo_password": _o("str", aliases=["password"]), "repo_state": _o("str", "present", ["state"]),
        "pass_credentials": _o("bool", False), "force_update": _o("bool", False, ["force"]),
    },
    "helm_pull": {
        "binary_path": _o("path"), "chart_ref": _o("str", required=True), "chart_version": _o("str"),
        "repo_url": _o("str", aliases=["url", "chart_repo_url"]), "untar_chart": _o("bool", False),
        "destination": _o("path", required=True), "verify_chart": _o("bool", False),
        "verify_chart_keyring": _o("path"), "provenance": _o("bool", False), "chart_devel": _o("bool", False),
        "chart_ca_cert": _o("path"), "chart_ssl_cert_file": _o("path"), "chart_ssl_key_file": _o("path"),
        "username": _o("str", aliases=["repo_username"]), "password": _o("str", aliases=["repo_password"]),
        "pass_credentials": _o("bool", False), "skip_tls_certs_check": _o("bool", False),
        "plain_http": _o("bool", False),
    },
    "helm_template": {
        "binary_path": _o("path"), "chart_ref": _o("path", required=True), "chart_repo_url": _o("str"),
        "chart_version": _o("str"), "dependency_update": _o("bool", False, ["dep_up"]),
        "disable_hook": _o("bool", False), "include_crds": _o("bool", False), "insecure_registry": _o("bool", False),
        "output_dir": _o("path"), "plain_http": _o("bool", False), "release_name": _o("str", aliases=["name"]),
        "release_namespace": _o("str"), "release_values": _o("dict", {}, ["values"]), "set_values": _o("list"),
        "show_only": _o("list"), "skip_tests": _o("bool", False), "update_repo_cache": _o("bool", False),
        "values_files": _o("list", []),
    },
}


def module_spec(name: str) -> dict:
    """The argument spec module ``name`` gives AnsibleModule (its main() is run with AnsibleModule replaced)."""
    module = importlib.import_module("%s.modules.%s" % (PACKAGE, name))
    captured = {}

    class _Stop(Exception):
        pass

    def fake(argument_spec, **_kwargs):
        captured.update(argument_spec)
        raise _Stop()

    with mock.patch.object(module, "AnsibleModule", side_effect=fake):
        try:
            module.main()
        except _Stop:
            pass
    return captured


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "`%s`" % str(value).lower()
    if isinstance(value, (list, dict)):
        return "`%s`" % (value,) if value != [] else "`[]`"
    return "`%s`" % value


def _aliases(spec: dict) -> str:
    return ", ".join("`%s`" % alias for alias in spec.get("aliases") or [])


def adapter_table(spec: dict, renames: dict, translated: dict) -> str:
    """Rows of an adapter's options: name, aliases, type, default, choices, what it becomes here."""
    lines = ["| kubernetes.core option | aliases | type | default | choices | in helmkit.core |",
             "|---|---|---|---|---|---|"]
    for name in sorted(spec):
        option = spec[name]
        if name in renames:
            target = "`%s`" % renames[name]
        elif name in translated:
            target = translated[name]
        else:
            raise KeyError("option %s of the adapter is neither renamed nor translated in kcore.py" % name)
        default = "required" if option.get("required") else _cell(option.get("default"))
        choices = ", ".join("`%s`" % c for c in option.get("choices") or [])
        row = (name, _aliases(option), option.get("type", "str"), default, choices, target)
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % row)
    return "\n".join(lines)


def _native_option(native: dict, names: list):
    for name in names:
        for option, spec in native.items():
            if name == option or name in (spec.get("aliases") or []):
                return option, spec
    return None, None


def native_table(module: str) -> str:
    """Rows of kubernetes.core's options of ``module`` and the native option that takes each name."""
    native = module_spec(module)
    lines = ["| kubernetes.core option | type | default | helmkit.core option | difference |",
             "|---|---|---|---|---|"]
    for name in sorted(KCORE_INTERFACES[module]):
        theirs = KCORE_INTERFACES[module][name]
        option, ours = _native_option(native, [name] + theirs["aliases"])
        default = "required" if theirs["required"] else _cell(theirs["default"])
        if option is None:
            diff = "not accepted on this branch"
            target = ""
        else:
            missing = [n for n in [name] + theirs["aliases"] if n != option and n not in (ours.get("aliases") or [])]
            notes = []
            if ours.get("type", "str") != theirs["type"]:
                notes.append("type `%s` here" % ours.get("type", "str"))
            ours_default = "required" if ours.get("required") else _cell(ours.get("default"))
            if ours_default != default and not (ours_default == "" and default in ("", "`[]`", "`{}`")):
                notes.append("default %s here" % (ours_default or "none"))
            if missing:
                notes.append("not accepted: %s" % ", ".join("`%s`" % n for n in missing))
            diff = "; ".join(notes) or "same"
            target = "`%s`" % option
        names = "`%s`" % name + ("" if not theirs["aliases"] else " (%s)" % ", ".join(
            "`%s`" % a for a in theirs["aliases"]))
        lines.append("| %s | %s | %s | %s | %s |" % (names, theirs["type"], default, target, diff))
    return "\n".join(lines)


def _text(description) -> str:
    if isinstance(description, list):
        description = " ".join(description)
    return re.sub(r"\b[A-Z]+\(([^)]*)\)", r"\1", str(description)).replace("|", "\\|")


def returns_table(module: str) -> str:
    """Rows of the return keys module ``module`` documents (its RETURN), ``status`` sub-keys included."""
    import yaml
    documented = yaml.safe_load(importlib.import_module("%s.modules.%s" % (PACKAGE, module)).RETURN)
    lines = ["| return key | type | returned | description |", "|---|---|---|---|"]
    for key in sorted(documented):
        item = documented[key]
        row = (key, item.get("type"), item.get("returned", ""), _text(item.get("description")))
        lines.append("| `%s` | %s | %s | %s |" % row)
        for sub in sorted(item.get("contains") or {}):
            inner = item["contains"][sub]
            row = (key, sub, inner.get("type"), item.get("returned", ""), _text(inner.get("description")))
            lines.append("| `%s.%s` | %s | %s | %s |" % row)
    return "\n".join(lines)


def tables() -> dict:
    """Every generated table of the document, by name."""
    from ansible_collections.helmkit.core.plugins.module_utils import kcore
    from ansible_collections.helmkit.core.plugins.module_utils.args_common import KUBE_AUTH_UNUSED_ARG_SPEC
    out = {
        "helm": adapter_table(module_spec("helm"), kcore.HELM_RENAMES, kcore.HELM_TRANSLATED),
        "helm_info": adapter_table(module_spec("helm_info"), {}, kcore.HELM_INFO_TRANSLATED),
        "helm_registry_auth": adapter_table(
            {k: v for k, v in module_spec("helm_registry_auth").items() if k not in KUBE_AUTH_UNUSED_ARG_SPEC},
            {}, kcore.REGISTRY_AUTH_TRANSLATED),
    }
    for module in KCORE_INTERFACES:
        out[module] = native_table(module)
    for module in ("helm", "helm_info", "helm_registry_auth"):
        out[module + "_returns"] = returns_table(module)
    return out


_SECTION = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def render(text: str) -> str:
    """``text`` with every generated section replaced by its table."""
    generated = tables()
    return _SECTION.sub(lambda m: m.group(1) + generated[m.group(2)] + "\n" + m.group(4), text)


def sections(text: str) -> dict:
    """The generated sections found in ``text``: name -> content."""
    return {m.group(2): m.group(3) for m in _SECTION.finditer(text)}


if __name__ == "__main__":
    with open(DOC) as handle:
        current = handle.read()
    updated = render(current)
    if "--write" in sys.argv:
        with open(DOC, "w") as handle:
            handle.write(updated)
    sys.exit(0 if updated == current or "--write" in sys.argv else 1)
