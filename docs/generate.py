#!/usr/bin/env python
"""Generate docs/modules/*.md, one page per module, plugin and role, from their own documentation.

The documentation is read through ``ansible-doc --json`` (so doc fragments are merged exactly as Ansible merges them)
from the collection tree ``.tree`` (``make tree``). Usage, from the repository root:

    .venv/bin/python docs/generate.py           # write docs/modules/
    .venv/bin/python docs/generate.py --check   # exit 1 and name the stale pages when docs/modules/ is out of date

Pages: ``<name>.md`` for modules, ``<name>_<type>.md`` for other plugins (``helm_release_lookup.md``) and
``<name>_role.md`` for roles; ``README.md`` indexes them.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "modules")
COLLECTION = "helmkit.core"
PLUGIN_DIRS = (("module", "modules"), ("lookup", "lookup"), ("inventory", "inventory"), ("filter", "filter"))
TYPE_TITLES = {"module": "module", "lookup": "lookup plugin", "inventory": "inventory plugin",
               "filter": "filter plugin", "role": "role"}

_MARKUP = re.compile(r"\b(C|O|V|E|RV|M|P|I|B|U|L)\(((?:[^()]|\([^()]*\))*)\)")


def markup(text) -> str:
    """Ansible doc markup (C(), O(), V(), M(), L(), ...) as Markdown."""
    def repl(match):
        kind, body = match.group(1), match.group(2)
        if kind in ("C", "O", "V", "E", "RV"):
            return "`%s`" % body
        if kind == "M":
            return "[%s](%s.md)" % (body, body.rsplit(".", 1)[-1])
        if kind == "P":
            name, _sep, ptype = body.partition("#")
            return "[%s](%s_%s.md)" % (name, name.rsplit(".", 1)[-1], ptype)
        if kind == "I":
            return "*%s*" % body
        if kind == "B":
            return "**%s**" % body
        if kind == "U":
            return "<%s>" % body
        title, _sep, url = body.partition(",")
        return "[%s](%s)" % (title.strip(), url.strip())
    if isinstance(text, list):
        text = " ".join(str(item) for item in text)
    return _MARKUP.sub(repl, str(text or "")).replace("|", "\\|").replace("\n", " ")


def ansible_doc(kind: str, names: list) -> dict:
    """``ansible-doc --json`` for ``names`` of plugin type ``kind``; raises SystemExit on warnings or errors."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1")
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "--json", "-t", kind] + names
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or "WARNING" in proc.stderr or "ERROR" in proc.stderr:
        raise SystemExit("ansible-doc -t %s failed:\n%s" % (kind, proc.stderr))
    return json.loads(proc.stdout)


def _default(spec: dict) -> str:
    if "default" not in spec or spec.get("default") is None:
        return "**required**" if spec.get("required") else ""
    return "`%s`" % json.dumps(spec["default"])


def options_table(options: dict, prefix: str = "") -> list:
    """Rows of the options table, sub-options as ``parent.child`` (``parent[].child`` for lists)."""
    rows = []
    for name in sorted(options or {}):
        spec = options[name] or {}
        label = prefix + name
        aliases = spec.get("aliases") or []
        kind = spec.get("type", "str")
        if spec.get("elements"):
            kind = "list / %s" % spec["elements"]
        text = markup(spec.get("description"))
        if spec.get("choices"):
            text += " Choices: %s." % ", ".join("`%s`" % c for c in spec["choices"])
        if aliases:
            text += " Aliases: %s." % ", ".join("`%s`" % a for a in aliases)
        env = [item.get("name") for item in spec.get("env") or []]
        if env:
            text += " Environment: %s." % ", ".join("`%s`" % e for e in env)
        rows.append("| `%s` | %s | %s | %s |" % (label, kind, _default(spec), text))
        sub = spec.get("suboptions") or spec.get("options")
        if sub:
            rows.extend(options_table(sub, label + ("[]." if spec.get("type") == "list" else ".")))
    return rows


def returns_table(returns: dict, prefix: str = "") -> list:
    rows = []
    for name in sorted(returns or {}):
        spec = returns[name] or {}
        label = prefix + name
        kind = spec.get("type", "")
        if spec.get("elements"):
            kind = "%s / %s" % (kind, spec["elements"])
        cells = (label, kind, markup(spec.get("returned", "")), markup(spec.get("description")))
        rows.append("| `%s` | %s | %s | %s |" % cells)
        if spec.get("contains"):
            rows.extend(returns_table(spec["contains"], label + ("[]." if spec.get("type") == "list" else ".")))
    return rows


def _section(title: str, lines: list) -> list:
    return ["", "## " + title, ""] + lines if lines else []


def plugin_page(kind: str, fqcn: str, data: dict) -> str:
    doc = data.get("doc") or {}
    lines = ["<!-- Generated by docs/generate.py from the plugin's documentation; do not edit. -->",
             "# %s (%s)" % (fqcn, TYPE_TITLES[kind]), "", markup(doc.get("short_description")) + "."]
    lines += _section("Description", ["- " + markup(item) for item in doc.get("description") or []])
    lines += _section("Requirements", ["- " + markup(item) for item in doc.get("requirements") or []])
    if doc.get("options"):
        lines += _section("Options", ["| option | type | default | description |", "|---|---|---|---|"]
                          + options_table(doc["options"]))
    attributes = doc.get("attributes") or {}
    lines += _section("Attributes", ["| attribute | support | description |", "|---|---|---|"] + [
        "| %s | %s | %s |" % (name, attributes[name].get("support", ""), markup(attributes[name].get("description")))
        for name in sorted(attributes)] if attributes else [])
    lines += _section("Notes", ["- " + markup(item) for item in doc.get("notes") or []])
    examples = (data.get("examples") or "").strip("\n")
    lines += _section("Examples", ["```yaml", examples, "```"] if examples else [])
    returns = data.get("return") or {}
    if returns:
        lines += _section("Return values", ["| key | type | returned | description |", "|---|---|---|---|"]
                          + returns_table(returns))
    return "\n".join(lines) + "\n"


def role_page(fqcn: str, data: dict) -> str:
    lines = ["<!-- Generated by docs/generate.py from meta/argument_specs.yml; do not edit. -->",
             "# %s (role)" % fqcn]
    for entry in sorted(data.get("entry_points") or {}):
        spec = data["entry_points"][entry]
        lines += ["", "## Entry point `%s`: %s" % (entry, markup(spec.get("short_description"))), ""]
        lines += ["- " + markup(item) for item in spec.get("description") or []]
        lines += ["", "| option | type | default | description |", "|---|---|---|---|"]
        lines += options_table(spec.get("options"))
    return "\n".join(lines) + "\n"


def collect() -> dict:
    """Every page as {file name: text}."""
    pages, index = {}, []
    for kind, folder in PLUGIN_DIRS:
        directory = os.path.join(ROOT, "plugins", folder)
        names = sorted(os.path.splitext(n)[0] for n in os.listdir(directory)
                       if n.endswith(".py") and not n.startswith("_")) if os.path.isdir(directory) else []
        if not names:
            continue
        docs = ansible_doc(kind, ["%s.%s" % (COLLECTION, name) for name in names])
        for name in names:
            fqcn = "%s.%s" % (COLLECTION, name)
            filename = "%s.md" % name if kind == "module" else "%s_%s.md" % (name, kind)
            pages[filename] = plugin_page(kind, fqcn, docs[fqcn])
            short = markup((docs[fqcn].get("doc") or {}).get("short_description"))
            index.append("| [%s](%s) | %s | %s |" % (fqcn, filename, TYPE_TITLES[kind], short))
    roles_dir = os.path.join(ROOT, "roles")
    roles = sorted(n for n in os.listdir(roles_dir)
                   if os.path.exists(os.path.join(roles_dir, n, "meta", "argument_specs.yml"))) \
        if os.path.isdir(roles_dir) else []
    if roles:
        docs = ansible_doc("role", ["%s.%s" % (COLLECTION, name) for name in roles])
        for name in roles:
            fqcn = "%s.%s" % (COLLECTION, name)
            pages["%s_role.md" % name] = role_page(fqcn, docs[fqcn])
            short = markup(docs[fqcn]["entry_points"]["main"].get("short_description"))
            index.append("| [%s](%s_role.md) | role | %s |" % (fqcn, name, short))
    pages["README.md"] = "\n".join([
        "<!-- Generated by docs/generate.py; do not edit. -->", "# helmkit.core reference", "",
        "One page per module, plugin and role, generated from their own documentation "
        "(`.venv/bin/python docs/generate.py`).", "",
        "| name | type | description |", "|---|---|---|"] + index) + "\n"
    return pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report pages that are missing or out of date")
    args = parser.parse_args(argv)
    pages = collect()
    stale = []
    existing = set(n for n in os.listdir(OUT) if n.endswith(".md")) if os.path.isdir(OUT) else set()
    for filename, text in sorted(pages.items()):
        path = os.path.join(OUT, filename)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current != text:
            stale.append(filename)
            if not args.check:
                os.makedirs(OUT, exist_ok=True)
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    extra = sorted(existing - set(pages))
    if args.check:
        if stale or extra:
            print("docs/modules is out of date (run .venv/bin/python docs/generate.py): %s"
                  % ", ".join(stale + ["%s (no such plugin)" % n for n in extra]))
            return 1
        return 0
    for name in extra:
        os.remove(os.path.join(OUT, name))
    print("wrote %d page(s) to docs/modules%s" % (len(stale), "; removed %s" % ", ".join(extra) if extra else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
