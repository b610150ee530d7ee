"""The path of a helm_release run, traced in a fresh interpreter running the module's main() against the emulator:
which of our files are on the call stack when the first object is applied (docs/architecture.md, "A helm_release
task"), how often the release history (the release Secrets) is read, and which heavy modules an unchanged run
imports."""
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest

from tests.helpers.releasecharts import NS

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOT = os.path.dirname(TESTS)
PLUGINS = os.path.join(ROOT, ".tree", "ansible_collections", "helmkit", "core", "plugins")

# Runs helm_release's main() as AnsiballZ would (args file in argv), with a profile hook that records our files on
# the call stack (outermost first, a file calling into itself once) at the first call of an applier's apply
# (kube/apply.py, kube/csa_apply.py), then reports them and the helmkit modules imported, in a JSON file named by
# argv[3].
DRIVER = r'''
import json, os, runpy, sys
module, args, report = sys.argv[1:4]
plugins = os.path.dirname(os.path.dirname(module))
found = {}

def profile(frame, event, arg):
    code = frame.f_code
    if event != "call" or code.co_name not in ("apply", "apply_namespace") \
            or not code.co_filename.endswith(("kube/apply.py", "kube/csa_apply.py")):
        return
    files = []
    while frame is not None:
        name = os.path.relpath(frame.f_code.co_filename, plugins)
        if not name.startswith("..") and (not files or files[-1] != name):
            files.append(name)
        frame = frame.f_back
    found["stack"] = list(reversed(files))
    sys.setprofile(None)

sys.argv = [module, args]
sys.setprofile(profile)
try:
    runpy.run_path(module, run_name="__main__")
except SystemExit:
    pass
finally:
    sys.setprofile(None)
    found["modules"] = sorted(name for name in sys.modules if "helmkit" in name or name in ("cryptography",
                              "pysequoia", "oras"))
    with open(report, "w") as handle:
        json.dump(found, handle)
'''


def packaged_chart(tmp_path):
    """A one-ConfigMap chart packaged as a .tgz (a local directory would bring in the dependency manager)."""
    files = {"demo/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.0.0\n",
             "demo/values.yaml": "greeting: hello\n",
             "demo/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-config\n"
                                       "data:\n  greeting: {{ .Values.greeting | quote }}\n"}
    path = tmp_path / "demo-1.0.0.tgz"
    with tarfile.open(str(path), "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return str(path)


def run_module(tmp_path, args, check_mode=False, diff=False):
    """(module result, driver report) of one helm_release run in a fresh interpreter."""
    args_file, report = tmp_path / "args.json", tmp_path / "report.json"
    module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".tree"),
               HOME=str(tmp_path / "home"), HELM_CONFIG_HOME=str(tmp_path / "helm"),
               HELM_CACHE_HOME=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, str(driver), os.path.join(PLUGINS, "modules", "helm_release.py"),
                           str(args_file), str(report)], env=env, cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=300, check=False)
    result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
    assert not result.get("failed") and result, (proc.stdout[-2000:], proc.stderr[-2000:])
    return result, json.loads(report.read_text())


def release_reads(log):
    """The requests that read release records: Secret lists and GETs (the chart itself holds no Secret)."""
    return [(r.method, r.path) for r in log if r.method == "GET" and "/secrets" in r.path]


@pytest.fixture
def release(emulator, tmp_path):
    args = {"release_name": "demo", "release_namespace": NS, "create_namespace": True,
            "chart_ref": packaged_chart(tmp_path), "kubeconfig": emulator.kubeconfig}
    installed, report = run_module(tmp_path, args)
    assert installed["changed"] is True and installed["status"]["revision"] == 1
    return args, report


def test_three_files_carry_a_run_to_its_first_apply(release):
    _args, report = release
    stack = [name for name in report["stack"] if not name.startswith("module_utils/kube/")]
    # _common.run_module is the runner every module shares (errors, warnings, exit); the helm_release path itself
    # is the module, the task glue and the release action.
    assert stack == ["modules/helm_release.py", "module_utils/_common.py", "module_utils/release_task.py",
                     "module_utils/release/actions.py"], stack


@pytest.mark.parametrize("check_mode,diff,values", [(False, False, {}), (True, False, {"greeting": "changed"}),
                                                    (True, True, {"greeting": "changed"})],
                         ids=["unchanged", "check-mode", "check-and-diff-mode"])
def test_one_read_of_the_history_per_run(emulator, release, tmp_path, check_mode, diff, values):
    args, _report = release
    emulator.clear_request_log()
    result, report = run_module(tmp_path, dict(args, release_values=values), check_mode=check_mode, diff=diff)
    assert result["changed"] is bool(values) and result["status"]["revision"] == (2 if values else 1)
    assert len(release_reads(emulator.request_log())) == 1, release_reads(emulator.request_log())
    assert not [(r.method, r.path) for r in emulator.request_log()
                if r.method not in ("GET", "HEAD") and "dryRun=All" not in (r.query or "")]
    if not values:  # an unchanged run stays small: no provenance crypto, OCI client or dependency manager
        heavy = [name for name in report["modules"] if name.endswith(
            ("sprig.crypto", "source.verify", "source.deps.manager", "oci.client")) or name in (
            "cryptography", "pysequoia", "oras")]
        assert heavy == [], heavy


@pytest.mark.parametrize("state", ["absent", "rollback"])
def test_one_read_of_the_history_for_rollback_and_uninstall_in_check_mode(emulator, release, tmp_path, state):
    args, _report = release
    args = dict(args, state=state, sensitive_values=["greeting"])  # the stored values' secrets come from it too
    if state == "rollback":
        args["revision"] = 1  # revision 1 is the deployed one: nothing to do
    emulator.clear_request_log()
    result, _report = run_module(tmp_path, args, check_mode=True)
    assert result["changed"] is (state == "absent")
    assert len(release_reads(emulator.request_log())) == 1, release_reads(emulator.request_log())
