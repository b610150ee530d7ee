"""Small builders shared by the reliability cases (and the integration tests' web chart): charts as .tgz bytes and
directories, clean-error checks."""
import io
import os
import tarfile
import time

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError

CHART_YAML = "apiVersion: v2\nname: {name}\nversion: 0.1.0\n"


def tgz(entries, name="hostile"):
    """A chart archive: ``entries`` is a list of (path inside the archive, bytes or a tarfile.TarInfo factory)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path, content in entries:
            if callable(content):
                info = content(path)
                tar.addfile(info)
                continue
            info = tarfile.TarInfo(path)
            info.size = len(content)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def base_entries(name="hostile"):
    return [("%s/Chart.yaml" % name, CHART_YAML.format(name=name).encode())]


def chart_dir(root, templates, values=None, name="hostile"):
    """Write a chart directory under ``root``; ``templates`` maps file name -> text (or bytes)."""
    path = os.path.join(str(root), name)
    os.makedirs(os.path.join(path, "templates"), exist_ok=True)
    with open(os.path.join(path, "Chart.yaml"), "w") as handle:
        handle.write(CHART_YAML.format(name=name))
    if values is not None:
        with open(os.path.join(path, "values.yaml"), "wb") as handle:
            handle.write(values if isinstance(values, bytes) else values.encode())
    for file_name, text in templates.items():
        with open(os.path.join(path, "templates", file_name), "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode())
    return path


def clear_error(call, *args, expected=HelmkitError, **kwargs):
    """Run ``call``; assert it raised ``expected`` (a HelmkitError) with a one-paragraph message for people:
    non-empty, no Python traceback, no repr of an internal object. Returns (message, seconds taken)."""
    start = time.monotonic()
    try:
        call(*args, **kwargs)
    except expected as exc:
        message = str(exc)
        assert message.strip(), "empty error message"
        assert "Traceback" not in message and "object at 0x" not in message, message
        return message, time.monotonic() - start
    raise AssertionError("%s did not raise %s" % (getattr(call, "__name__", call), expected.__name__))


CM_TEMPLATE = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n"
               "  greeting: {{ .Values.greeting | default \"hello\" | quote }}\n")


WEB_DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    "{{- if .Values.broken }}\n  annotations:\n    kubeapi.helmkit.test/fail: \"true\"\n{{- end }}\n"
    "spec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
    "      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n"
    "        image: {{ .Values.image }}\n")


def web_chart(tmp_path) -> str:
    """The directory of chart ``web`` (0.1.0) under ``tmp_path``: one Deployment; ``broken: true`` annotates it so
    that the emulator never makes it ready (kubeapi.helmkit.test/fail)."""
    root = tmp_path / "web"
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (root / "values.yaml").write_text("image: nginx\nbroken: false\n")
    (root / "templates" / "deploy.yaml").write_text(WEB_DEPLOYMENT)
    return str(root)


def release_chart(root, name="rel"):
    """A loaded one-ConfigMap chart whose data follows ``.Values.greeting``."""
    from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
    return load_chart(chart_dir(root, {"cm.yaml": CM_TEMPLATE}, name=name))


def renderer(release_name, namespace, delay=0.0, hook=None):
    """A ``render(chart, values, revision=, is_upgrade=)`` for release actions; ``hook(revision)`` runs first and
    ``delay`` seconds pass before rendering a revision > 1 (to hold an upgrade inside its lock)."""
    from ansible_collections.helmkit.core.plugins.module_utils.chart.render import render_release

    def render(chart, values, revision, is_upgrade):
        if hook is not None:
            hook(revision)
        if delay and revision > 1:
            time.sleep(delay)
        return render_release(chart, values, release_name=release_name, namespace=namespace, revision=revision,
                              is_upgrade=is_upgrade)
    return render


def make_namespace(client, name):
    from ansible_collections.helmkit.core.plugins.module_utils.kube.client import ApiError
    try:
        client.request("POST", "/api/v1/namespaces", body={"apiVersion": "v1", "kind": "Namespace",
                                                           "metadata": {"name": name}})
    except ApiError as exc:
        if exc.status != 409:
            raise
    return name


def history(client, namespace, name):
    from ansible_collections.helmkit.core.plugins.module_utils.release.storage import SecretStorage
    return [(rel.version, rel.status) for rel in SecretStorage(client, namespace).history(name)]
