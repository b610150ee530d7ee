"""Helm v4 plugins: helm_plugin / helm_plugin_info on Helm's plugin directory (apiVersion v1 and legacy manifests,
directories, local and served .tgz), a post-renderer plugin used by name in helm_release (on the Kubernetes API
fixture, cleaned up after), getter plugins, and the errors of issue 19 (unknown manifest fields, a failing plugin
command with its stderr, an extism/v1 plugin that cannot run here)."""
from __future__ import annotations

import http.server
import io
import os
import sys
import tarfile
import threading

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.install import install, uninstall  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.manifest import (  # noqa: E402
    PluginError, find_plugin, list_plugins)
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.paths import plugins_directory  # noqa: E402
from ansible_collections.helmkit.core.plugins.module_utils.helmplugin.run import (  # noqa: E402
    getter_for_scheme, post_render)
from tests.helpers.playbook import PYTHON, run_play  # noqa: E402

LABELER = ("#!%s\nimport os, sys\ntext = sys.stdin.read()\nsys.stdout.write(text.replace('kind: ConfigMap\\n"
           "metadata:\\n', 'kind: ConfigMap\\nmetadata:\\n  labels:\\n    post-rendered-by: ' + "
           "os.environ['HELM_PLUGIN_NAME'] + '-' + sys.argv[1] + '\\n'))\n" % PYTHON)
POSTRENDERER_V1 = """apiVersion: v1
name: labeler
type: postrenderer/v1
runtime: subprocess
version: 1.2.3
runtimeConfig:
  platformCommand:
    - command: ${HELM_PLUGIN_DIR}/labeler.py
"""
LEGACY_CLI = """name: hello
version: 0.1.0
usage: say hello
command: "$HELM_PLUGIN_DIR/hello.sh"
hooks:
  install: "touch $HELM_PLUGIN_DIR/installed-marker"
"""
GETTER_V1 = """apiVersion: v1
name: catget
type: getter/v1
runtime: subprocess
version: 0.3.0
config:
  protocols: [cat]
runtimeConfig:
  protocolCommands:
    - protocols: [cat]
      platformCommand:
        - command: ${HELM_PLUGIN_DIR}/get.sh
"""
GETTER_SCRIPT = "#!/bin/sh\n# certFile keyFile caFile URL\ncase \"$4\" in cat://fail*) echo 'no such object' >&2; " \
                "exit 4;; esac\nprintf 'bytes of %s' \"$4\"\n"


def _plugin(root, name, manifest, scripts=None):
    directory = root / name
    directory.mkdir(parents=True)
    (directory / "plugin.yaml").write_text(manifest)
    for script, text in (scripts or {}).items():
        (directory / script).write_text(text)
        (directory / script).chmod(0o755)
    return str(directory)


def _tgz(directory, target):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(directory, arcname=os.path.basename(directory))
    with open(target, "wb") as fh:
        fh.write(buffer.getvalue())
    return target


def test_plugins_directory_follows_helm(tmp_path):
    assert plugins_directory({"HELM_PLUGINS": "/p", "HOME": "/h"}) == "/p"
    assert plugins_directory({"HELM_DATA_HOME": "/d", "HOME": "/h"}) == "/d/plugins"
    assert plugins_directory({"XDG_DATA_HOME": "/x", "HOME": "/h"}) == "/x/helm/plugins"
    if sys.platform.startswith("linux"):
        assert plugins_directory({"HOME": "/h"}) == "/h/.local/share/helm/plugins"


def test_install_forms_list_and_remove(tmp_path):
    src, plugins = tmp_path / "src", str(tmp_path / "plugins")
    labeler = _plugin(src, "labeler", POSTRENDERER_V1, {"labeler.py": LABELER})
    hello = _plugin(src, "hello", LEGACY_CLI, {"hello.sh": "#!/bin/sh\necho hello\n"})
    archive = _tgz(hello, str(tmp_path / "hello-0.1.0.tgz"))
    assert install(labeler, plugins, check_mode=True)["changed"] and not os.path.exists(plugins)
    first = install(labeler, plugins)
    assert first["changed"] and os.path.islink(os.path.join(plugins, "labeler"))  # linked, as helm does
    assert install(labeler, plugins)["changed"] is False
    from_archive = install(archive, plugins)
    assert from_archive["plugin"]["apiVersion"] == "legacy" and from_archive["plugin"]["type"] == "cli/v1"
    assert os.path.isfile(os.path.join(plugins, "hello", "installed-marker")), "install hook must run"
    assert os.access(os.path.join(plugins, "hello", "hello.sh"), os.X_OK)
    assert [p.name for p in list_plugins(plugins)] == ["hello", "labeler"]
    assert uninstall("hello", plugins)["changed"] and not os.path.exists(os.path.join(plugins, "hello"))
    assert uninstall("hello", plugins)["changed"] is False


def test_post_renderer_and_getter_run_like_helm(tmp_path):
    src, plugins = tmp_path / "src", str(tmp_path / "plugins")
    install(_plugin(src, "labeler", POSTRENDERER_V1, {"labeler.py": LABELER}), plugins)
    install(_plugin(src, "catget", GETTER_V1, {"get.sh": GETTER_SCRIPT}), plugins)
    out = post_render(find_plugin(plugins, "labeler"), "kind: ConfigMap\nmetadata:\n  name: x\n", ["v1"])
    assert "post-rendered-by: labeler-v1" in out
    getter = getter_for_scheme("cat", plugins)
    assert getter is not None and getter_for_scheme("s3", plugins) is None
    assert getter.fetch("cat://bucket/chart-1.0.0.tgz") == b"bytes of cat://bucket/chart-1.0.0.tgz"
    with pytest.raises(PluginError, match="catget.*exit status 4.*no such object"):
        getter.fetch("cat://fail/x.tgz")


def test_bad_plugins_are_clear_errors_and_leave_nothing(tmp_path):
    src, plugins = tmp_path / "src", str(tmp_path / "plugins")
    unknown = _plugin(src, "typo", POSTRENDERER_V1.replace("name: labeler", "name: typo") + "colour: red\n")
    with pytest.raises(PluginError, match="unknown field 'colour'"):
        install(unknown, plugins)
    nested = _plugin(src, "typo2", POSTRENDERER_V1.replace("name: labeler", "name: typo2").replace(
        "platformCommand:", "platformComand:"))
    with pytest.raises(PluginError, match="unknown field 'platformComand'"):
        install(nested, plugins)
    broken_tgz = tmp_path / "broken.tgz"
    broken_tgz.write_bytes(b"not an archive")
    with pytest.raises(PluginError, match="broken.tgz is not a plugin archive"):
        install(str(broken_tgz), plugins)
    failing_hook = _plugin(src, "hookfail", LEGACY_CLI.replace("name: hello", "name: hookfail").replace(
        "touch $HELM_PLUGIN_DIR/installed-marker", "echo cannot download binary >&2; exit 2"))
    with pytest.raises(PluginError, match="install hook.*cannot download binary"):
        install(_tgz(failing_hook, str(tmp_path / "hookfail.tgz")), plugins)
    assert os.listdir(plugins) == [], "nothing may be left in the plugin directory"
    wasm = _plugin(src, "wasm", POSTRENDERER_V1.replace("name: labeler", "name: wasm").replace(
        "runtime: subprocess", "runtime: extism/v1").replace(
        "runtimeConfig:\n  platformCommand:\n    - command: ${HELM_PLUGIN_DIR}/labeler.py\n", ""))
    install(wasm, plugins)
    with pytest.raises(PluginError, match="'wasm'.*extism/v1 \\(WebAssembly\\)"):
        post_render(find_plugin(plugins, "wasm"), "a: b\n")
    failing = _plugin(src, "failing", POSTRENDERER_V1.replace("name: labeler", "name: failing"),
                      {"labeler.py": "#!/bin/sh\necho 'patch does not apply' >&2\nexit 3\n"})
    install(failing, plugins)
    with pytest.raises(PluginError, match="'failing' exited with error \\(exit status 3\\): patch does not apply"):
        post_render(find_plugin(plugins, "failing"), "a: b\n")


def test_plugin_from_url(tmp_path):
    src, plugins = tmp_path / "src", str(tmp_path / "plugins")
    served = tmp_path / "served"
    served.mkdir()
    _tgz(_plugin(src, "hello", LEGACY_CLI, {"hello.sh": "#!/bin/sh\necho hi\n"}), str(served / "hello-0.1.0.tgz"))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = "http://127.0.0.1:%d/hello-0.1.0.tgz" % server.server_address[1]
        result = install(url, plugins, version="0.1.0", name="hello")
        assert result["changed"] and result["plugin"]["version"] == "0.1.0"
        with pytest.raises(PluginError, match="not the plugin_version 0.2.0"):
            install(url, plugins, version="0.2.0")
    finally:
        server.shutdown()
        server.server_close()


CHART = {"Chart.yaml": "apiVersion: v2\nname: plugdemo\nversion: 0.1.0\n",
         "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plugdemo\ndata:\n  a: b\n"}


def test_modules_and_post_renderer_plugin_by_name_in_helm_release(kubeapi, tmp_path):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError, KubeClient
    src, plugins = tmp_path / "src", str(tmp_path / "plugins")
    labeler = _plugin(src, "labeler", POSTRENDERER_V1, {"labeler.py": LABELER})
    chart = tmp_path / "plugdemo"
    for name, text in CHART.items():
        (chart / name).parent.mkdir(parents=True, exist_ok=True)
        (chart / name).write_text(text)
    ns = "plugin-postrender"
    release = {"release_name": "plugdemo", "release_namespace": ns, "chart_ref": str(chart),
               "kubeconfig": kubeapi.kubeconfig, "create_namespace": True,
               "post_renderer": {"binary_path": "labeler", "args": ["by-name"]}}
    env = {"HELM_PLUGINS": plugins}
    try:
        results, output = run_play(tmp_path, [
            {"helmkit.core.helm_plugin": {"plugin_path": labeler}},
            {"helmkit.core.helm_plugin": {"plugin_path": labeler}},
            {"helmkit.core.helm_plugin_info": {}},
            {"helmkit.core.helm_release": release},
            {"helmkit.core.helm_plugin": {"plugin_name": "labeler", "state": "absent"}, "check_mode": True},
        ], env_extra=env)
        installed, again, info, released, removal = results
        assert installed["changed"] and not again["changed"], output
        assert [p["name"] for p in info["plugin_list"]] == ["labeler"]
        assert info["plugin_list"][0]["type"] == "postrenderer/v1"
        assert released["changed"], released.get("msg")
        assert "post-rendered-by: labeler-by-name" in released["manifest"]
        with KubeClient(kubeapi.kubeconfig) as client:
            live = client.request("GET", "/api/v1/namespaces/%s/configmaps/plugdemo" % ns)
        assert live["metadata"]["labels"]["post-rendered-by"] == "labeler-by-name"
        assert removal["changed"] and os.path.islink(os.path.join(plugins, "labeler"))  # check mode kept it
    finally:
        run_play(tmp_path, [{"helmkit.core.helm_release": dict(release, state="absent")}], env_extra=env)
        with KubeClient(kubeapi.kubeconfig) as client:
            try:
                client.request("DELETE", "/api/v1/namespaces/%s" % ns)
            except ApiError as exc:  # already gone is fine
                assert exc.status == 404


def test_getter_plugin_serves_its_scheme_to_locate(tmp_path, monkeypatch):
    """A chart reference of a scheme no transport knows (``cat://``) is fetched through the installed getter
    plugin that serves it, by the one chart-source layer (source/locate.py transport_for), and kept in the cache."""
    from ansible_collections.helmkit.core.plugins.module_utils.chart.package import package_chart
    from ansible_collections.helmkit.core.plugins.module_utils.source.locate import load
    from ansible_collections.helmkit.core.plugins.module_utils.source.options import SourceOptions

    from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            "examples", "charts")
    archive = package_chart(os.path.join(examples, "hello-web"), str(tmp_path))
    src, plugins = tmp_path / "src", str(tmp_path / "plugins")
    script = "#!/bin/sh\n# certFile keyFile caFile URL\ncat %s\n" % archive
    install(_plugin(src, "catget", GETTER_V1, {"get.sh": script}), plugins)
    monkeypatch.setenv("HELM_PLUGINS", plugins)
    options = SourceOptions(repository_cache=str(tmp_path / "cache"), repository_config=str(tmp_path / "repos.yaml"))
    chart, located = load("cat://bucket/hello-web.tgz", options)
    assert (chart.metadata["name"], located.kind, located.downloaded) == ("hello-web", "plugin", True)
    with open(archive, "rb") as handle, open(located.path, "rb") as cached:
        assert handle.read() == cached.read()
    monkeypatch.setenv("HELM_PLUGINS", str(tmp_path / "none"))
    with pytest.raises(ChartError, match='no getter for the URL scheme "cat://"'):
        load("cat://bucket/hello-web.tgz", options)
