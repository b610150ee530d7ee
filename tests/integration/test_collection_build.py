"""The built collection (`ansible-galaxy collection build`): galaxy.yml's metadata is complete and real, and
build_ignore keeps development files out (issue 21). The build runs on a copy of the tracked files plus the
development directories a working checkout has (.venv, .tree, .demo, .hypothesis, ...), so the test sees them even
on a fresh clone."""
import os
import shutil
import subprocess
import tarfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".venv", "bin")
DEV_FILES = [".venv/bin/python", ".venv-floor/bin/python", ".tree/ansible_collections/x", ".demo/cluster/kubeconfig",
             ".hypothesis/examples/x",
             ".docs-site/build/html/index.html", ".pytest_cache/v/x", "tests/output/junit.xml",
             "plugins/modules/__pycache__/helm_release.cpython-311.pyc", "benchmarks/render.py",
             "helmkit-core-0.0.1.tar.gz", ".ci/run"]


def galaxy():
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        return yaml.safe_load(f)


def test_galaxy_metadata_is_complete():
    meta = galaxy()
    for key in ("repository", "documentation", "homepage", "issues"):
        url = meta.get(key) or ""
        assert url.startswith("https://") and "example" not in url and "invalid" not in url, (key, url)
        assert "helmkit/helmkit.core" in url or "helmkit.github.io/helmkit.core" in url, (key, url)
    assert meta["issues"] == meta["repository"] + "/issues"
    assert meta["license"] == ["Apache-2.0"] and meta["readme"] == "README.md"


def test_build_ignore(tmp_path):
    src = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        if name and os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(str((src / name).parent), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), str(src / name))
    for name in DEV_FILES:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text("development file\n")
    build = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", str(src), "--output-path",
                            str(tmp_path / "out")], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    with tarfile.open(str(tmp_path / "out" / "helmkit-core-0.1.0.tar.gz")) as tar:
        members = set(tar.getnames())
    leaked = sorted(m for m in members if any(m == d or m.startswith(d.split("/", maxsplit=1)[0] + "/")
                                              for d in DEV_FILES if not d.startswith(("tests/", "plugins/")))
                    or m.startswith("tests/output") or "__pycache__" in m or m.endswith((".pyc", ".tar.gz")))
    assert leaked == []
    for needed in ("MANIFEST.json", "FILES.json", "README.md", "requirements.txt", "bindep.txt", "meta/runtime.yml",
                   "meta/execution-environment.yml", "plugins/modules/helm_release.py", "roles/releases/tasks/main.yml",
                   "plugins/filter/releases_plan.yml", "docs/limits.md", "playbooks/stack.yml"):
        assert needed in members, needed


def _requirements(name):
    """{package: version spec} of requirements file ``name`` (comments and markers dropped)."""
    found = {}
    with open(os.path.join(ROOT, name)) as handle:
        for line in handle:
            line = line.split("#", 1)[0].split(";", 1)[0].strip()
            if line and not line.startswith("-"):
                package = line.split("=", 1)[0].split(">", 1)[0].split("<", 1)[0].strip()
                found[package] = line[len(package):].strip()
    return found


def test_make_floor_pins_the_lower_bounds_of_requirements():
    """`make floor` tests the oldest releases requirements.txt allows: each pin of requirements-floor.txt is that
    package's lower bound there (ansible-core's as a release series), so the two cannot drift apart."""
    runtime, floor = _requirements("requirements.txt"), _requirements("requirements-floor.txt")
    assert set(floor) == {"ansible-core", "kubernetes"}
    for package, pin in floor.items():
        assert pin.startswith("==") and runtime[package].startswith(">="), (package, pin, runtime[package])
        assert pin[2:].replace(".*", "") == runtime[package][2:], (package, pin, runtime[package])
