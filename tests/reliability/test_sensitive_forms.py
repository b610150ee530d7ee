"""``sensitive_values`` masks every form a value takes when it leaves a template (issue 20, finding 6).

A chart renders one sensitive value through the functions charts use (toJson, toRawJson, toPrettyJson, quote,
squote, toYaml, b64enc of the value and of a DSN holding it, b64enc twice, urlquery, html, js, printf %q and their
combinations: base64 then URL-encoded or js-escaped, URL-encoded then base64, toYaml folded at column 80 and then
JSON-escaped, indented or base64-encoded). Five values: hostile characters, plain, one whose base64 is full of "+"
and "/" (which urlquery escapes), and two long ones that toYaml folds (single- and double-quoted). The manifest is
checked as helm_release masks it (release/sensitive.py: the forms registered as no-log values, plus what
``output_strings`` finds in the output: the base64 runs that enclose a form and the folded forms, masked with
Ansible's own ``remove_values``). The oracle works the other way round: it unescapes once, decodes (base64 at every
alignment, twice), unescapes again (JSON, Go %q, YAML, URL, HTML) and looks for the value, so it does not share
the masking code's list of forms. Playbook runs then check the returned manifest, the diff, the -vvv output and the
registered results of a real install.
"""
import base64
import binascii
import html
import json
import os
import re
import warnings
from urllib.parse import unquote, unquote_plus

import pytest
import yaml
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
from ansible_collections.helmkit.core.plugins.module_utils.release.sensitive import (output_strings,
                                                                                     sensitive_strings)

from tests.helpers.reliabilitycharts import chart_dir

pytestmark = pytest.mark.secret

#: Registered with the session's leak scan (tests/helpers/leakscan.py) by name.
FORMS_PASSWORD = "Pw\"7&<q>'r s/t+u:v\u2028w"
PLAIN_SECRET = "plainS3cretValue9"
#: Long values with spaces, which toYaml folds past column 80: one single-quoted (": " and "'" rule out a plain
#: scalar), one double-quoted (U+FEFF is not printable for go-yaml), folded at a double space ("\\ " follows).
FOLDED_SINGLE_SECRET = "it's a long: pass phrase of many words that toYaml folds once it runs past column eighty"
FOLDED_DOUBLE_SECRET = ('Pw\ufeff"' + "a" * 60 + "  b <c> & d e f g h i j k l m n o p q r s t u v w x y z, folded "
                        "twice over and again at column eighty")
#: A value whose base64 is full of "+" and "/", which urlquery turns into %2B and %2F, cutting the base64 runs.
BASE64_URL_SECRET = "?>~?>~?>~ pass?>~"
SECRETS = {"base64 with + and /": BASE64_URL_SECRET, "hostile characters": FORMS_PASSWORD, "plain": PLAIN_SECRET,
           "folded single-quoted": FOLDED_SINGLE_SECRET, "folded double-quoted": FOLDED_DOUBLE_SECRET}

FORMS = {
    "raw": "{{ .Values.db.password }}",
    "toJson": "{{ .Values.db | toJson }}",
    "toRawJson": "{{ .Values.db | toRawJson }}",
    "toPrettyJson": "{{ .Values.db | toPrettyJson }}",
    "quote": "{{ .Values.db.password | quote }}",
    "squote": "{{ .Values.db.password | squote }}",
    "printf-q": '{{ printf "%q" .Values.db.password }}',
    "toYaml": "{{ .Values.db | toYaml }}",
    "toYaml-nested": "{{ dict \"cfg\" (dict \"dsn\" (printf \"pg://app:%s@db\" .Values.db.password)) | toYaml }}",
    "b64enc": "{{ .Values.db.password | b64enc }}",
    "b64enc-twice": "{{ .Values.db.password | b64enc | b64enc }}",
    "b64enc-dsn": '{{ printf "postgres://app:%s@db:5432/app?sslmode=require" .Values.db.password | b64enc }}',
    "b64enc-dsn-twice": '{{ printf "postgres://app:%s@db/app" .Values.db.password | b64enc | b64enc }}',
    "b64enc-json": "{{ .Values.db | toJson | b64enc }}",
    "urlquery": "{{ .Values.db.password | urlquery }}",
    "urlquery-dsn": '{{ printf "postgres://app:%s@db" (.Values.db.password | urlquery) }}',
    "quote-toJson": "{{ .Values.db | toJson | quote }}",
    "toJson-toYaml": "{{ dict \"config\" (.Values.db | toYaml) | toJson }}",
    "html": "{{ .Values.db.password | html }}",
    "js": "{{ .Values.db.password | js }}",
    "b64enc-urlquery": "{{ .Values.db.password | b64enc | urlquery }}",
    "b64enc-dsn-urlquery": '{{ printf "postgres://app:%s@db/app?x=1" .Values.db.password | b64enc | urlquery }}',
    "urlquery-dsn-b64enc": '{{ printf "postgres://app:%s@db" (.Values.db.password | urlquery) | b64enc }}',
    "b64enc-js": "{{ .Values.db.password | b64enc | js }}",
    "b64enc-twice-urlquery": "{{ .Values.db.password | b64enc | b64enc | urlquery }}",
    "toYaml-deep": "{{ dict \"a\" (dict \"b\" (dict \"c\" (dict \"pw\" .Values.db.password))) | toYaml }}",
    "toYaml-nindent": "spec:\n  config:{{ .Values.db | toYaml | nindent 4 }}",
    "toJson-toYaml-nested": "{{ dict \"cfg\" (dict \"dsn\" (printf \"pg://app:%s@db\" .Values.db.password)) | toYaml "
                            "| toJson }}",
    "toYaml-b64enc": "{{ .Values.db | toYaml | b64enc }}",
}

SECRET_MANIFEST = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: forms\ntype: Opaque\ndata:\n"
                   "  password: {{ .Values.db.password | b64enc }}\n"
                   "  dsn: {{ printf \"mysql://root:%s@tcp(db:3306)/app\" .Values.db.password | b64enc }}\n"
                   "stringData:\n  config.json: {{ .Values.db | toJson | quote }}\n")


# -- the oracle: can the secret be read back from the text? ------------------------------------------------------

_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _decodings(text, depth=2):
    yield text
    if depth == 0:
        return
    for run in _B64_RUN.findall(text):
        body = run.rstrip("=")
        for start in range(4):
            part = body[start:]
            for candidate in (part + "=" * (-len(part) % 4), part[:len(part) - len(part) % 4]):
                for alt in (None, b"-_"):
                    try:
                        decoded = base64.b64decode(candidate, altchars=alt, validate=True).decode("utf-8", "replace")
                    except (binascii.Error, ValueError):
                        continue
                    yield from _decodings(decoded, depth - 1)


def _yaml_strings(text):
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return
    stack = docs
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            yield item


def _backslashes(text):
    """``text`` with backslash escapes (\\", \\u003C, \\x41, \\') read as Python/JavaScript read them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "invalid escape sequence" for the others
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")


def _unescapings(text, depth=2):
    yield text
    if depth == 0:
        return
    views = [unquote_plus(text), unquote(text), html.unescape(text), text.replace("''", "'"), _backslashes(text)]
    for literal in _JSON_STRING.findall(text):
        try:
            views.append(json.loads(literal))
        except ValueError:
            pass
        views.append(_backslashes(literal))
    views.extend(_yaml_strings(text))
    for view in views:
        if view != text:
            yield from _unescapings(view, depth - 1)


def recoverable(text, secret):
    """Whether ``secret`` can be read back from ``text`` by decoding and unescaping it."""
    for outer in _unescapings(text, 1):  # an escape after base64 (b64enc | urlquery) comes off first
        for decoded in _decodings(outer):
            for view in _unescapings(decoded):
                if secret in view:
                    return True
    return False


def masked(text, values):
    """``text`` as helm_release returns it with ``sensitive_values: [db.password]``."""
    forms = sensitive_strings(values, ["db.password"])
    forms |= output_strings(text, forms)
    return remove_values(text, forms)


# -- the matrix --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """{(secret, form): (rendered text, masked text)} from one chart per secret, and Helm's render of it."""
    import helm_python

    out = {}
    for secret in SECRETS.values():
        root = tmp_path_factory.mktemp("forms")
        templates = {"%s.yaml" % name: "%s\n" % body for name, body in FORMS.items()}
        templates["secret.yaml"] = SECRET_MANIFEST
        path = chart_dir(root, templates, name="forms")
        values = {"db": {"password": secret, "user": "app"}}
        ours = render_chart(load_chart(path), values)
        helm = helm_python.Chart.load(path).render(values, name="release-name", namespace="default")
        assert ours == helm  # the forms are the ones Helm renders
        for name in list(FORMS) + ["secret"]:
            text = ours["forms/templates/%s.yaml" % name]
            out[(secret, name)] = (text, masked(text, values))
    return out


@pytest.mark.parametrize("secret", list(SECRETS))
@pytest.mark.parametrize("form", list(FORMS) + ["secret"])
def test_every_rendered_form_is_masked(rendered, form, secret):
    secret = SECRETS[secret]
    text, after = rendered[(secret, form)]
    assert recoverable(text, secret), "the oracle cannot find the value in %r: the case proves nothing" % text
    assert not recoverable(after, secret), after


def test_masking_leaves_unrelated_text_alone(rendered):
    text, after = rendered[(PLAIN_SECRET, "b64enc-dsn")]
    assert after == "********\n", after
    text, after = rendered[(PLAIN_SECRET, "secret")]
    assert "kind: Secret" in after and "name: forms" in after


# -- a real install: returned manifest, diff, -vvv output, registered results ------------------------------------

@pytest.fixture(scope="module", params=["hostile characters", "folded double-quoted"])
def forms_run(request, kubeapi, tmp_path_factory):
    """A playbook run installing the forms chart with one of the values (the folded one checks what helm_release
    itself registers from its result: release_task.py, output_strings)."""
    from .test_secrets import _playbook

    password = SECRETS[request.param]

    tmp_path = tmp_path_factory.mktemp("forms-run")
    with open(kubeapi.kubeconfig) as handle:
        kubeconfig = yaml.safe_load(handle)
    defines = "".join('{{ define "form.%s" }}%s{{ end }}' % (name, body) for name, body in FORMS.items())
    data = "".join('  %s: {{ include "form.%s" . | quote }}\n' % (name, name) for name in FORMS)
    templates = {"_forms.tpl": defines, "secret.yaml": SECRET_MANIFEST,
                 "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: forms\ndata:\n" + data}
    chart = chart_dir(tmp_path, templates, name="forms")
    release = {"release_name": "forms", "release_namespace": "rel-forms", "create_namespace": True,
               "chart_ref": chart, "kubeconfig": "{{ kubeconfig_data }}",
               "values": {"db": {"password": "{{ db_password }}", "user": "app"}},
               "sensitive_values": ["db.password"]}
    tasks = [
        {"name": "check and diff", "check_mode": True, "helmkit.core.helm_release": release, "register": "planned"},
        {"name": "install", "helmkit.core.helm_release": release, "register": "installed"},
        {"name": "upgrade with a new password",
         "helmkit.core.helm_release": dict(release, values={"db": {"password": "{{ db_password }}-2"}}),
         "register": "upgraded"},
        {"name": "a template error printing the value", "ignore_errors": True, "register": "failed",
         "helmkit.core.helm_release": dict(release, values={"db": {"password": "{{ db_password }}"},
                                                            "boom": True})},
        {"name": "uninstall", "helmkit.core.helm_release": dict(release, state="absent")},
        {"name": "results", "copy": {"content": "{{ [planned, installed, upgraded, failed] | to_json }}",
                                     "dest": str(tmp_path / "results.json")}},
    ]
    with open(os.path.join(chart, "templates", "fail.yaml"), "w") as handle:
        handle.write('{{ if .Values.boom }}{{ fail (printf "bad dsn %s" (printf "u:%s@db" .Values.db.password '
                     '| b64enc)) }}{{ end }}\n')
    proc = _playbook(tmp_path, tasks, {"kubeconfig_data": kubeconfig, "db_password": password})
    text = proc.stdout + proc.stderr
    for name in ("ansible.log", "results.json"):
        if (tmp_path / name).exists():
            text += (tmp_path / name).read_text(errors="replace")
    return {"text": text, "results": tmp_path / "results.json", "password": password}


def test_playbook_results_are_complete(forms_run):
    assert forms_run["results"].exists(), forms_run["text"][-3000:]
    planned, installed, upgraded, failed = json.loads(forms_run["results"].read_text())
    assert installed.get("changed") and upgraded.get("changed"), (installed, upgraded)
    assert "kind: Secret" in installed["manifest"] and planned.get("diff")
    assert failed.get("failed") and "bad dsn" in failed.get("msg", ""), failed


@pytest.mark.parametrize("secret", ["password", "upgraded password"])
def test_no_form_of_the_value_in_any_output(forms_run, secret):
    value = forms_run["password"] + ("-2" if secret == "upgraded password" else "")
    assert len(forms_run["text"]) > 2000
    assert not recoverable(forms_run["text"], value)
