"""Ecosystem polish: ansible-doc renders every plugin without warnings, meta/runtime.yml's action group covers every
module, and the execution-environment files are what ansible-builder needs (introspect and create, no container
engine)."""
import os
import subprocess
import tarfile

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TREE = os.path.join(ROOT, ".tree")
BIN = os.path.join(ROOT, ".venv", "bin")
PLUGIN_DIRS = {"module": "modules", "lookup": "lookup", "inventory": "inventory", "filter": "filter"}


def env():
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=TREE, ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="1",
                PAGER="cat")


def plugins():
    found = []
    for kind, folder in sorted(PLUGIN_DIRS.items()):
        directory = os.path.join(ROOT, "plugins", folder)
        for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else ():
            stem, ext = os.path.splitext(name)
            if ext == ".py" and not stem.startswith("_"):
                found.append((kind, stem))
    return found


def run(args, **kwargs):
    return subprocess.run(args, env=env(), capture_output=True, text=True, timeout=300, check=False, **kwargs)


def test_every_plugin_is_found():
    names = set(plugins())
    for expected in [("module", "helm_release"), ("module", "helm_release_info"), ("lookup", "helm_release"),
                     ("inventory", "helm_releases"), ("filter", "releases_plan")]:
        assert expected in names


@pytest.mark.parametrize("kind", sorted(PLUGIN_DIRS))
def test_ansible_doc_list_without_warnings(kind):
    proc = run([os.path.join(BIN, "ansible-doc"), "-t", kind, "-l", "helmkit.core"])
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    listed = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    expected = {"helmkit.core." + name for k, name in plugins() if k == kind}
    assert listed == expected


def test_ansible_doc_every_plugin_without_warnings():
    by_kind = {}
    for kind, name in plugins():
        by_kind.setdefault(kind, []).append("helmkit.core." + name)
    for kind, names in by_kind.items():
        proc = run([os.path.join(BIN, "ansible-doc"), "-t", kind] + names)
        assert proc.returncode == 0, proc.stderr
        assert "WARNING" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
        for name in names:
            assert "> %s " % name.upper() in proc.stdout.upper() or name in proc.stdout, name
        # the JSON form parses every documentation block (DOCUMENTATION, EXAMPLES, RETURN)
        dumped = run([os.path.join(BIN, "ansible-doc"), "-t", kind, "--json"] + names)
        assert dumped.returncode == 0 and "WARNING" not in dumped.stderr, dumped.stderr
        data = yaml.safe_load(dumped.stdout)
        assert sorted(data) == sorted(names)
        for name in names:
            assert data[name]["doc"]["short_description"], name


def test_action_group_covers_every_module():
    runtime = yaml.safe_load(open(os.path.join(ROOT, "meta", "runtime.yml")).read())
    modules = sorted(name for kind, name in plugins() if kind == "module")
    assert sorted(runtime["action_groups"]["helm"]) == modules
    assert runtime["requires_ansible"].startswith(">=")


def test_execution_environment(tmp_path):
    meta = yaml.safe_load(open(os.path.join(ROOT, "meta", "execution-environment.yml")).read())
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}

    # introspect: what ansible-builder adds to an image for the collections it finds
    proc = run([os.path.join(BIN, "ansible-builder"), "introspect", "--sanitize", TREE])
    assert proc.returncode == 0, proc.stderr
    deps = yaml.safe_load(proc.stdout)
    python = {line.split("#")[0].strip() for line in deps["python"]}  # a requirement keeps its environment marker
    required = [line.split("#")[0].strip() for line in open(os.path.join(ROOT, "requirements.txt"))]
    # ansible-builder leaves out what ansible-core brings (ansible-core itself, PyYAML)
    expected = {req for req in required if req and not req.lower().startswith(("ansible-core", "pyyaml"))}
    assert python == expected
    assert any(line.startswith("ca-certificates") for line in deps["system"])

    # the built collection carries the files introspection reads
    build = run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", ROOT, "--output-path",
                 str(tmp_path)])
    assert build.returncode == 0, build.stderr
    tarball = tmp_path / "helmkit-core-0.1.0.tar.gz"
    with tarfile.open(str(tarball)) as tar:
        members = set(tar.getnames())
    assert {"meta/execution-environment.yml", "requirements.txt", "bindep.txt", "meta/runtime.yml"} <= members
    assert not any(name.startswith((".venv/", ".tree/")) for name in members)

    # create: an AWX execution-environment definition that installs this collection
    (tmp_path / "requirements.yml").write_text(yaml.safe_dump(
        {"collections": [{"name": "helmkit-core-0.1.0.tar.gz", "type": "file"}]}))
    (tmp_path / "execution-environment.yml").write_text(yaml.safe_dump({
        "version": 3,
        "images": {"base_image": {"name": "quay.io/ansible/awx-ee:latest"}},
        "dependencies": {"galaxy": "requirements.yml", "python_interpreter": {"python_path": "/usr/bin/python3"}},
        "additional_build_files": [{"src": str(tarball), "dest": "collections"}],
        "additional_build_steps": {"prepend_galaxy": ["COPY _build/collections/ /build/"]},
    }))
    context = tmp_path / "context"
    proc = run([os.path.join(BIN, "ansible-builder"), "create", "-f", str(tmp_path / "execution-environment.yml"),
                "-c", str(context), "--output-filename", "Containerfile"], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile and "introspect" in containerfile
    assert (context / "_build" / "requirements.yml").exists()
    assert (context / "_build" / "collections" / "helmkit-core-0.1.0.tar.gz").exists()


def test_role_documentation():
    text = run([os.path.join(BIN, "ansible-doc"), "-t", "role", "helmkit.core.releases"])
    assert text.returncode == 0 and "WARNING" not in text.stderr and "ERROR" not in text.stderr, text.stderr
    assert "releases_parallel" in text.stdout
    proc = run([os.path.join(BIN, "ansible-doc"), "-t", "role", "--json", "helmkit.core.releases"])
    assert proc.returncode == 0 and "WARNING" not in proc.stderr, proc.stderr
    spec = yaml.safe_load(proc.stdout)["helmkit.core.releases"]["entry_points"]["main"]
    assert spec["options"]["releases"]["required"] is True
    assert spec["options"]["releases"]["options"]["state"]["choices"] == ["present", "absent"]
