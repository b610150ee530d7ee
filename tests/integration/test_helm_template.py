"""helm_template module and lookup through ansible-playbook on localhost: output equal to Helm v4's render,
set_values and values files, show_only, output_dir with changed/check mode, errors without tracebacks, and
charts fetched from a repository server."""
import json
import os

import helm_python
import pytest

from tests.helpers.chartrepo import ChartRepoServer
from tests.helpers import helmref
from tests.helpers.corpus import CHARTS_DIR as CHARTS
from tests.helpers.playbook import run_play

PODINFO = os.path.join(CHARTS, "podinfo-6.14.1.tgz")


def _helm_manifest(path, values, name="release-name", namespace="default", tmp_path=None):
    """Helm v4's release manifest for an install dry-run (what helm template prints before hooks)."""
    return helmref.dry_run_install(tmp_path, path, values, name, namespace)["manifest"]


def test_module_and_lookup_render_like_helm(tmp_path):
    values_file = tmp_path / "values.yaml"
    values_file.write_text("replicaCount: 3\nui: {message: from-file}\n")
    args = {"chart_ref": PODINFO, "release_name": "web", "release_namespace": "prod", "skip_tests": True,
            "values_files": [str(values_file)], "values": {"ui": {"color": "#123456"}},
            "set_values": [{"value": "image.tag=6.0.0", "value_type": "string"}, {"value": "hpa.enabled=true"}]}
    lookup_opts = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in args.items() if k != "chart_ref")
    lookup_opts = lookup_opts.replace("true", "True").replace("false", "False")
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_template": args},
        {"set_fact": {"looked_up": "{{ lookup('helmkit.core.helm_template', %r, %s) }}" % (PODINFO, lookup_opts)}},
        {"set_fact": {"objects": "{{ lookup('helmkit.core.helm_template', %r, output='objects', "
                                 "show_only=['templates/service.yaml']) }}" % PODINFO}},
    ])
    module, looked_up, objects = results
    helm_values = {"replicaCount": 3, "ui": {"message": "from-file", "color": "#123456"},
                   "image": {"tag": "6.0.0"}, "hpa": {"enabled": True}}
    expected = _helm_manifest(PODINFO, helm_values, "web", "prod", tmp_path).strip() + "\n"
    assert module["changed"] is False and module["manifest"] == expected, module.get("msg")
    assert module["chart"] == {"name": "podinfo", "version": "6.14.1"}
    kinds = sorted(o["kind"] for o in module["objects"])
    assert kinds == ["Deployment", "HorizontalPodAutoscaler", "Service"]
    assert looked_up["ansible_facts"]["looked_up"] == expected
    assert [o["kind"] for o in objects["ansible_facts"]["objects"]] == ["Service"]
    assert "Traceback" not in output


def test_output_dir_changed_only_when_files_change(tmp_path):
    out = tmp_path / "out"
    task = {"helmkit.core.helm_template": {"chart_ref": PODINFO, "output_dir": str(out), "skip_tests": True}}
    results, _unused = run_play(tmp_path, [dict(task, check_mode=True, diff=True), task, task])
    checked, written, again = results
    assert [d["after_header"] for d in checked["diff"]] == [str(out / f) for f in (
        "podinfo/templates/deployment.yaml", "podinfo/templates/service.yaml")]
    assert checked["diff"][1]["before"] == "" and checked["diff"][1]["after"].startswith("---\n# Source: ")
    files = ["podinfo/templates/deployment.yaml", "podinfo/templates/service.yaml"]
    assert checked["changed"] is True and checked["files"] == files
    assert written["changed"] is True and written["files"] == files
    assert again["changed"] is False and again["files"] == []
    text = (out / "podinfo" / "templates" / "service.yaml").read_text()
    assert text.startswith("---\n# Source: podinfo/templates/service.yaml\napiVersion: v1\nkind: Service\n")
    assert text in _helm_manifest(PODINFO, None, tmp_path=tmp_path)


def test_errors_are_messages_not_tracebacks(tmp_path):
    chart = tmp_path / "broken"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: broken\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text('x: {{ required "x is required" .Values.x }}\n')
    results, output = run_play(tmp_path, [
        {"helmkit.core.helm_template": {"chart_ref": str(chart)}},
        {"helmkit.core.helm_template": {"chart_ref": PODINFO, "show_only": ["templates/nope.yaml"]}},
        {"set_fact": {"x": "{{ lookup('helmkit.core.helm_template', %r) }}" % str(chart)}},
    ])
    failed, missing, lookup = results
    with pytest.raises(helm_python.HelmError) as helm_error:
        helm_python.Chart.load(str(chart)).render(None, name="release-name", namespace="default")
    assert failed["failed"] and failed["msg"] == str(helm_error.value)
    assert missing["failed"] and missing["msg"] == "could not find template templates/nope.yaml in chart"
    assert lookup["failed"] and "x is required" in lookup["msg"]
    assert "Traceback" not in output


def test_chart_from_repository(tmp_path):
    env = {"HELM_REPOSITORY_CONFIG": str(tmp_path / "helm" / "repositories.yaml"),
           "HELM_REPOSITORY_CACHE": str(tmp_path / "helm" / "cache")}
    with ChartRepoServer(charts=[PODINFO]) as repo:
        results, _unused = run_play(tmp_path, [
            {"helmkit.core.helm_template": {"chart_ref": "podinfo", "chart_repo_url": repo.url,
                                            "chart_version": "6.14.1", "skip_tests": True}},
        ], env)
    assert results[0]["manifest"] == _helm_manifest(PODINFO, None, tmp_path=tmp_path).strip() + "\n", results[0]


def test_chart_from_oci_registry(tmp_path):
    from tests.helpers.registry import REGISTRY_BIN, RegistryServer
    if REGISTRY_BIN is None:
        pytest.fail("the test OCI registry (docker-registry) is not installed")
    env = {"HOME": str(tmp_path / "home"), "HELM_CONFIG_HOME": str(tmp_path / "helmconfig"),
           "DOCKER_CONFIG": str(tmp_path / "docker"), "HELM_REPOSITORY_CACHE": str(tmp_path / "cache")}
    with RegistryServer() as registry:
        helm_python.push(PODINFO, "oci://%s/charts" % registry.host, plain_http=True)
        ref = "oci://%s/charts/podinfo" % registry.host
        results, output = run_play(tmp_path, [
            {"helmkit.core.helm_template": {"chart_ref": ref, "chart_version": "6.14.1", "plain_http": True,
                                            "skip_tests": True, "release_name": "oci"}},
            {"helmkit.core.helm_template": {"chart_ref": ref, "chart_version": "9.9.9", "plain_http": True}},
        ], env)
    found, missing = results
    assert found["manifest"] == _helm_manifest(PODINFO, None, "oci", tmp_path=tmp_path).strip() + "\n", found
    assert missing["failed"] and "9.9.9" in missing["msg"] and "Traceback" not in output
