"""Hostile values, schemas, charts and release records (issue 20, Deliver 5): each ends in a HelmkitError with a
message for people, or in Helm's own result where Helm has one (compared with helm_python), never in a Python
exception. Release records are written the way Helm writes them (a release installed by helm_python, its record
edited and stored again, gzip and base64 as Helm encodes it)."""
import base64
import gzip
import json
import os
import subprocess
import zlib

import pytest
import yaml

from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import load_values
from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_archive, load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.setvalues import parse_set, parse_set_json
from ansible_collections.helmkit.core.plugins.module_utils.errors import (ChartError, RepositoryError,
                                                                          ValuesError)
from ansible_collections.helmkit.core.plugins.module_utils.release.inputs import collect_values
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import parse_index

from tests.helpers import helmref
from tests.helpers.reliabilitycharts import base_entries, chart_dir, clear_error, tgz

pytestmark = pytest.mark.bad_input
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
RECURSIVE = "a: &a\n  b: *a\n"
BOMB = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    "l%d: &l%d [%s]\n" % (i, i, ", ".join(["*l%d" % (i - 1)] * 9)) for i in range(1, 8))


def _chart(tmp_path, templates, values=None, chart_yaml=None, schema=None):
    path = chart_dir(tmp_path, templates, values)
    if chart_yaml is not None:
        with open(os.path.join(path, "Chart.yaml"), "w") as handle:
            handle.write(chart_yaml)
    if schema is not None:
        with open(os.path.join(path, "values.schema.json"), "w") as handle:
            handle.write(schema if isinstance(schema, str) else json.dumps(schema))
    return path


def _ours(path, values=None):
    return render_chart(load_chart(path), values)


def _helm(path, values=None):
    try:
        return helmref.render_chart(path, values)
    except Exception as exc:  # pylint: disable=broad-except
        # the message is what is compared
        return "error: %s" % exc


def _same_as_helm(path, values=None):
    ours = _ours(path, values)
    assert ours == _helm(path, values)
    return ours


# -- recursive aliases and alias bombs -----------------------------------------------------------------------------

def test_recursive_alias_in_values_yaml_is_helms_error(tmp_path):
    path = _chart(tmp_path, {"x.yaml": "{{ .Values.a }}"}, RECURSIVE)
    message, _unused = clear_error(_ours, path, expected=ValuesError)
    assert "anchor 'a' value contains itself" in message and "values.yaml" in message
    assert "anchor 'a' value contains itself" in _helm(path)


def test_recursive_alias_in_a_values_file_names_the_file(tmp_path):
    path = tmp_path / "hostile-values.yaml"
    path.write_text("list: &l [1, *l]\n")
    message, _unused = clear_error(collect_values, [str(path)], expected=ValuesError)
    assert "hostile-values.yaml" in message and "anchor 'l' value contains itself" in message


def test_recursive_alias_in_an_index_is_a_repository_error():
    data = b"apiVersion: v1\nentries:\n  app:\n  - &v\n    name: app\n    version: 1.0.0\n    urls: [*v]\n"
    message, _unused = clear_error(parse_index, data, expected=RepositoryError)
    assert "anchor 'v' value contains itself" in message


def test_the_index_alias_limit_follows_helmkit_max_yaml_nodes(monkeypatch):
    """An index may expand to 10 times HELMKIT_MAX_YAML_NODES: 9**5 = 59,049 values pass the default and are
    refused under a limit of 1,000 (10,000 for the index), with the variable named."""
    bomb = "".join("  " + line + "\n" for line in BOMB.splitlines()[:6])
    data = ("apiVersion: v1\nbomb:\n" + bomb + "entries:\n  app:\n  - name: app\n    version: 1.0.0\n"
            "    keywords: *l5\n").encode()
    assert parse_index(data).entries["app"][0].version == "1.0.0"
    monkeypatch.setenv("HELMKIT_MAX_YAML_NODES", "1000")
    message, _unused = clear_error(parse_index, data, expected=RepositoryError)
    assert "excessive aliasing" in message and "10000" in message and "HELMKIT_MAX_YAML_NODES" in message


def test_recursive_alias_in_chart_yaml_is_a_chart_error(tmp_path):
    path = _chart(tmp_path, {"x.yaml": "x"}, chart_yaml="apiVersion: v2\nname: hostile\nversion: 0.1.0\n"
                                                        "keywords: &k [a, *k]\n")
    message, _unused = clear_error(load_chart, path, expected=ChartError)
    assert "Chart.yaml" in message and "anchor 'k' value contains itself" in message


def test_alias_bomb_in_chart_yaml_is_refused(tmp_path):
    path = _chart(tmp_path, {"x.yaml": "x"}, chart_yaml="apiVersion: v2\nname: hostile\nversion: 0.1.0\n"
                                                        "annotations:\n" + "".join("  " + line + "\n"
                                                                                   for line in BOMB.splitlines()))
    message, _unused = clear_error(load_chart, path, expected=ChartError)
    assert "HELMKIT_MAX_YAML_NODES" in message


def test_recursive_alias_in_fromyaml_gives_helms_error_map(tmp_path):
    values = "doc: %s\n" % json.dumps(RECURSIVE)
    out = _same_as_helm(_chart(tmp_path, {"x.yaml": "{{ .Values.doc | fromYaml }}"}, values))
    assert "anchor 'a' value contains itself" in out["hostile/templates/x.yaml"]


def test_alias_bomb_in_fromyaml_is_stopped(tmp_path):
    values = "doc: %s\n" % json.dumps(BOMB)
    out = _ours(_chart(tmp_path, {"x.yaml": "{{ .Values.doc | fromYaml }}"}, values))
    assert "excessive aliasing" in out["hostile/templates/x.yaml"]
    assert "excessive aliasing" in _helm(_chart(tmp_path / "h", {"x.yaml": "{{ .Values.doc | fromYaml }}"},
                                                values))["hostile/templates/x.yaml"]


def test_raised_yaml_node_limit_lets_a_large_aliased_document_through(monkeypatch):
    text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\nl1: [%s]\n" % ", ".join(["*l0"] * 10)
    monkeypatch.setenv("HELMKIT_MAX_YAML_NODES", "50")
    message, _unused = clear_error(load_values, text, expected=ValuesError)
    assert "HELMKIT_MAX_YAML_NODES" in message
    monkeypatch.setenv("HELMKIT_MAX_YAML_NODES", "500")
    assert len(load_values(text)["l1"]) == 10


# -- values.schema.json --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("schema", [
    {"$ref": "#"},
    {"properties": {"a": {"$ref": "#/properties/a"}}},
    {"$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}}, "$ref": "#/$defs/x"},
], ids=["root", "property", "defs-loop"])
def test_self_referencing_schema_is_a_reference_cycle_error(tmp_path, schema):
    path = _chart(tmp_path, {"x.yaml": "x"}, "a: 1\n", schema=schema)
    message, _unused = clear_error(_ours, path, expected=ValuesError)
    assert "reference cycle" in message and "reference cycle" in _helm(path)


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "Chart.yaml", "http://127.0.0.1:9/schema.json"])
def test_a_ref_that_is_not_a_schema_is_refused_without_reading_it(tmp_path, ref):
    path = _chart(tmp_path, {"x.yaml": "x"}, "a: 1\n", schema={"$ref": ref})
    message, took = clear_error(_ours, path, expected=ValuesError)
    assert "failing loading" in message and ref in message and "root:" not in message
    assert took < 5


def test_a_schema_with_a_keyword_of_the_wrong_type_is_a_values_error(tmp_path):
    path = _chart(tmp_path, {"x.yaml": "x"}, "a: 1\n", schema={"type": 5})
    message, _unused = clear_error(_ours, path, expected=ValuesError)
    assert "metaschema" in message and "metaschema" in _helm(path)


# -- non-UTF-8 -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data,problem", [(b"a: \xff\xfeok\n", "invalid leading UTF-8 octet"),
                                          (b"a: caf\xe9", "incomplete UTF-8 octet sequence"),
                                          (b"a: \xc3x\n", "invalid trailing UTF-8 octet")])
def test_non_utf8_values_are_refused_as_helm_refuses_them(tmp_path, data, problem):
    path = _chart(tmp_path, {"x.yaml": "{{ .Values.a }}"}, data)
    message, _unused = clear_error(_ours, path, expected=ValuesError)
    assert problem in message and "values.yaml" in message
    assert problem in _helm(path)


def test_non_utf8_strings_from_templates_render_as_helm(tmp_path):
    """The bytes stay as they are (surrogate escapes); module results show them as U+FFFD, as Helm's JSON does."""
    from ansible_collections.helmkit.core.plugins.module_utils._common import valid_text
    path = _chart(tmp_path, {"x.yaml": "{{ .Values.a | b64dec }}|{{ .Values.a | b64dec | len }}"},
                  "a: %s\n" % base64.b64encode(b"\xff\xfeok").decode())
    assert valid_text(_ours(path)) == _helm(path)


def test_non_utf8_names_in_an_archive_render(tmp_path):
    name = b"hostile/templates/\xff\xfe.yaml".decode("utf-8", "surrogateescape")
    out = render_chart(load_archive(tgz(base_entries() + [(name, b"a: 1\n")])))
    assert list(out.values()) == ["a: 1\n"]


def test_non_utf8_chart_yaml_is_refused_as_helm_refuses_it(tmp_path):
    path = _chart(tmp_path, {"x.yaml": "{{ .Chart.Description }}"}, chart_yaml="")
    with open(os.path.join(path, "Chart.yaml"), "wb") as handle:
        handle.write(b"apiVersion: v2\nname: hostile\nversion: 0.1.0\ndescription: caf\xe9\n")
    message, _unused = clear_error(load_chart, path, expected=ChartError)
    assert "Chart.yaml" in message and "incomplete UTF-8 octet sequence" in message
    assert "incomplete UTF-8 octet sequence" in _helm(path)


# -- Chart.yaml and --set ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dependency", ["- version: 1.0.0\n  repository: https://charts.example\n",
                                        "- version: 1.0.0\n  condition: sub.enabled\n  alias: sub\n"],
                         ids=["no-name", "no-name-with-alias"])
def test_a_dependency_without_name_renders_as_helm(tmp_path, dependency):
    _same_as_helm(_chart(tmp_path, {"x.yaml": "{{ len .Chart.Dependencies }}"},
                         chart_yaml="apiVersion: v2\nname: hostile\nversion: 0.1.0\ndependencies:\n" + dependency))


@pytest.mark.parametrize("call", [
    lambda: parse_set_json("a=" + "[" * 100000 + "]" * 100000),
    lambda: parse_set_json("a=" + '{"a":' * 100000 + "1" + "}" * 100000),
    lambda: parse_set("a" + "[0]" * 100000 + "=1"),
    lambda: parse_set("a[%s]=1" % ("9" * 5000)),
], ids=["json-lists", "json-objects", "indexes", "index-of-5000-digits"])
def test_deep_or_huge_set_values_are_values_errors(call):
    message, took = clear_error(call, expected=ValuesError)
    assert "--set" in message and len(message) < 1000 and took < 10


# -- numbers over Python's 4,300-digit conversion limit ------------------------------------------------------------

DIGITS = "9" * 5000


@pytest.mark.parametrize("template,values", [
    ("{{ .Values.n }}|{{ kindOf .Values.n }}", "n: %s\n" % DIGITS),
    ("{{ atoi .Values.s }}|{{ int64 .Values.s }}|{{ int .Values.s }}|{{ toDecimal .Values.s }}", "s: '%s'\n" % DIGITS),
    ("{{ .Values.s | fromYaml | toJson }}", "s: 'n: %s'\n" % DIGITS),
    ("{{ .Values.s | fromJson | toJson }}", "s: '{\"n\": %s}'\n" % DIGITS),
    ("{{ .Values.s | fromYaml | toYaml }}", "s: 'n: -0x%s'\n" % ("f" * 5000)),
], ids=["values", "conversions", "fromYaml", "fromJson", "hex"])
def test_integers_over_4300_digits_render_as_helm(tmp_path, template, values):
    _same_as_helm(_chart(tmp_path, {"x.yaml": template}, values))


def test_an_integer_of_5000_digits_in_set_values_stays_a_string():
    assert parse_set("a=%s" % DIGITS) == {"a": DIGITS}


# -- a release record with a version that is not a number ----------------------------------------------------------

def _helm_secret(kubeconfig, namespace, name):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeconfig) as client:
        return client.request("GET", "/api/v1/namespaces/%s/secrets/sh.helm.release.v1.%s.v1" % (namespace, name))


def _store_edited(kubeconfig, namespace, source, name, edit):
    """Store a copy of Helm's record of ``source`` as release ``name``, with ``edit(record)`` applied, encoded as
    Helm encodes records (JSON, gzip, base64; base64 again by the Secret's data)."""
    secret = _helm_secret(kubeconfig, namespace, source)
    record = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(secret["data"]["release"]))))
    record["name"] = name
    edit(record)
    _store_gzipped(kubeconfig, namespace, secret, name, gzip.compress(json.dumps(record).encode()))


def _gzip_bomb(record, size):
    """Gzip of ``record`` (JSON) whose ``manifest`` is ``size`` spaces: about 1 KB per MiB inflated, compressed
    as a stream (never held whole)."""
    head, tail = json.dumps(dict(record, manifest="@")).encode().split(b'"@"')
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(head + b'"')]
    chunk = b" " * (1024 * 1024)
    for _unused in range(size // len(chunk)):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.compress(b'"' + tail))
    parts.append(compressor.flush())
    return b"".join(parts)


def _store_bomb(kubeconfig, namespace, source, name, size):
    secret = _helm_secret(kubeconfig, namespace, source)
    record = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(secret["data"]["release"]))))
    record["name"] = name
    _store_gzipped(kubeconfig, namespace, secret, name, _gzip_bomb(record, size))


def _store_gzipped(kubeconfig, namespace, secret, name, gzipped):
    """Store ``gzipped`` (a gzipped record) as release ``name``'s revision 1, labelled as Helm labels ``secret``."""
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    payload = base64.b64encode(base64.b64encode(gzipped)).decode()
    labels = dict(secret["metadata"]["labels"], name=name)
    body = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
            "metadata": {"name": "sh.helm.release.v1.%s.v1" % name, "labels": labels},
            "data": {"release": payload}}
    with KubeClient(kubeconfig) as client:
        client.request("POST", "/api/v1/namespaces/%s/secrets" % namespace, body=body)


@pytest.fixture(scope="module")
def bad_records(kubeapi, tmp_path_factory):
    namespace = "rel-badrec"
    chart = chart_dir(tmp_path_factory.mktemp("badrec"), {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                                                     "  name: {{ .Release.Name }}\n"}, name="rec")
    helm = helmref.config(kubeapi.kubeconfig, namespace)
    helm.install(chart, "good", {}, namespace=namespace, create_namespace=True)
    _store_edited(kubeapi.kubeconfig, namespace, "good", "wordy", lambda rec: rec.update(version="one"))
    _store_edited(kubeapi.kubeconfig, namespace, "good", "fraction", lambda rec: rec.update(version=1.5))
    _store_edited(kubeapi.kubeconfig, namespace, "good", "listy", lambda rec: rec.update(info=["deployed"]))
    # a gzip bomb: 160 KB of Secret data that inflates to 200 MiB, over the 128 MiB default of
    # HELMKIT_MAX_RELEASE_BYTES
    _store_bomb(kubeapi.kubeconfig, namespace, "good", "bomb", 200 * 1024 * 1024)
    yield {"kubeconfig": kubeapi.kubeconfig, "namespace": namespace}
    helm.uninstall("good")
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    with KubeClient(kubeapi.kubeconfig) as client:
        client.request("DELETE", "/api/v1/namespaces/%s" % namespace)


def _env():
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".tree"), ANSIBLE_NOCOLOR="1",
                ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
                ANSIBLE_PYTHON_INTERPRETER=os.path.join(BIN, "python"))


BAD_SECRETS = ("sh.helm.release.v1.wordy.v1", "sh.helm.release.v1.fraction.v1", "sh.helm.release.v1.listy.v1",
               "sh.helm.release.v1.bomb.v1")


def test_the_inventory_warns_about_each_bad_record_and_lists_the_rest(bad_records, tmp_path):
    config = tmp_path / "bad.helm_releases.yml"
    config.write_text(yaml.safe_dump({"plugin": "helmkit.core.helm_releases", "connections": [
        {"name": "lab", "kubeconfig": bad_records["kubeconfig"], "namespaces": [bad_records["namespace"]]}]}))
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "--list", "-i", str(config)], env=_env(),
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(json.loads(proc.stdout)["_meta"]["hostvars"]) == ["lab/rel-badrec/good"]
    stderr = " ".join(proc.stderr.split())
    for name in BAD_SECRETS:
        assert "skipped secret rel-badrec/%s" % name in stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_the_lookup_warns_about_each_bad_record_and_lists_the_rest(bad_records, tmp_path):
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"set_fact": {"found": "{{ query('helmkit.core.helm_release', namespace=%r, kubeconfig=%r) }}"
                               % (bad_records["namespace"], bad_records["kubeconfig"])}},
        {"copy": {"content": "{{ found | to_json }}", "dest": str(tmp_path / "found.json")}}]}]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           str(tmp_path / "play.yml")], env=_env(), cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=300, check=False)
    assert (tmp_path / "found.json").exists(), proc.stdout[-3000:]
    assert [rel["name"] for rel in json.loads((tmp_path / "found.json").read_text())] == ["good"]
    output = " ".join((proc.stdout + proc.stderr).split())
    assert "its version is \"one\", not a revision number" in output
    assert "HELMKIT_MAX_RELEASE_BYTES" in output
    for name in BAD_SECRETS:
        assert "skipped secret rel-badrec/%s" % name in output, output


def test_reading_a_bad_record_directly_is_a_release_error_naming_the_secret(bad_records):
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
    with KubeClient(bad_records["kubeconfig"]) as client:
        message, _unused = clear_error(SecretStorage(client, bad_records["namespace"]).history, "wordy",
                                       expected=ReleaseError)
    assert "sh.helm.release.v1.wordy.v1" in message and "version" in message


def test_a_gzip_bomb_record_is_refused_at_the_limit_naming_the_secret(bad_records, monkeypatch):
    """The record is inflated as a stream that stops at HELMKIT_MAX_RELEASE_BYTES: no 200 MiB string, no
    MemoryError, a ReleaseError naming the Secret and the limit."""
    from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient
    from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
    monkeypatch.setenv("HELMKIT_MAX_RELEASE_BYTES", str(8 * 1024 * 1024))
    with KubeClient(bad_records["kubeconfig"]) as client:
        message, took = clear_error(SecretStorage(client, bad_records["namespace"]).history, "bomb",
                                    expected=ReleaseError)
    assert "sh.helm.release.v1.bomb.v1" in message and "HELMKIT_MAX_RELEASE_BYTES" in message, message
    assert "8388608" in message and took < 10, (message, took)


# -- every YAML entry point has go-yaml's alias guards (yaml/aliases.py) -------------------------------------------

def _indented(text, spaces):
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


def _index_top(tmp_path, payload):
    """An index in Helm's layout with the payload among its top-level keys (the index scanner's ``top``)."""
    return parse_index(("apiVersion: v1\n" + payload + "entries:\n  app:\n  - name: app\n    version: 1.0.0\n"
                        "    urls:\n    - app-1.0.0.tgz\n").encode())


def _index_field(tmp_path, payload):
    """An index in Helm's layout with the payload in a kept version field (a deferred snippet of the scanner)."""
    from ansible_collections.helmkit.core.plugins.module_utils.repo.indexscan import scan_index
    data = ("apiVersion: v1\nentries:\n  app:\n  - name: app\n    version: 1.0.0\n    keywords:\n"
            + _indented(payload, 6) + "    urls:\n    - app-1.0.0.tgz\n").encode()
    assert scan_index(data) is None  # the scanner hands the document to the full loader, which reports it
    return parse_index(data)


def _manifest(tmp_path, payload):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.objects import parse_manifest
    return parse_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n" + _indented(payload, 2),
                          "hostile.yaml")


def _rendered(tmp_path, payload):
    """A rendered template read by Helm's SortManifests (install, upgrade, template with hooks): sigs.k8s.io/yaml
    decodes the whole document, so Helm gives go-yaml's error here too."""
    from ansible_collections.helmkit.core.plugins.module_utils.chart.manifest import sort_manifests
    return sort_manifests({"hostile/templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                                       "extra:\n" + _indented(payload, 2)})


def _provenance(tmp_path, payload):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.provenance import parse_provenance
    text = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\napiVersion: v2\nname: app\nversion: 1.0.0\n"
            + payload + "\n...\nfiles:\n  app-1.0.0.tgz: sha256:00\n-----BEGIN PGP SIGNATURE-----\n\nx\n"
            "-----END PGP SIGNATURE-----\n")
    return parse_provenance(text.encode(), "app-1.0.0.tgz.prov")


def _plugin(tmp_path, payload):
    from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.manifest import load_plugin
    (tmp_path / "plugin.yaml").write_text("name: hostile\nversion: 0.1.0\n" + payload)
    return load_plugin(str(tmp_path))


def _repositories(tmp_path, payload):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.config import load_repository_file
    (tmp_path / "repositories.yaml").write_text("apiVersion: ''\n" + payload + "repositories: []\n")
    return load_repository_file(str(tmp_path / "repositories.yaml"))


def _chart_metadata(tmp_path, payload):
    from ansible_collections.helmkit.core.plugins.module_utils.repo.fetch import read_chart_metadata
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n" + payload)
    return read_chart_metadata(str(tmp_path))


def _kubeconfig(tmp_path, payload):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.config import resolve_connection
    return resolve_connection({"kubeconfig": "apiVersion: v1\nkind: Config\n" + payload}, environ={})


ENTRY_POINTS = {"index-top": _index_top, "index-field": _index_field, "manifest": _manifest,
                "rendered-manifest": _rendered, "provenance": _provenance, "plugin.yaml": _plugin,
                "repositories.yaml": _repositories, "chart-metadata": _chart_metadata, "kubeconfig": _kubeconfig}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("payload", ["recursive", "bomb"])
def test_every_yaml_entry_point_refuses_recursive_aliases_and_alias_bombs(tmp_path, entry, payload):
    """Without the guard PyYAML builds the recursive or shared structure and the first walk over it never ends
    (RecursionError, or 43 million values for the bomb)."""
    text = RECURSIVE if payload == "recursive" else "bomb:\n" + _indented(BOMB, 2)
    message, took = clear_error(ENTRY_POINTS[entry], tmp_path, text)
    wanted = "anchor 'a' value contains itself" if payload == "recursive" else "excessive aliasing"
    assert wanted in message, message
    assert took < 10, took
