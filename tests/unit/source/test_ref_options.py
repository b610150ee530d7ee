"""source/ref.py and source/options.py: every reference form Helm accepts, the plan-time checks and the one
credential precedence (task options > credentials_secret > repositories.yaml entry > anonymous)."""
from __future__ import annotations

import base64
import os

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ChartError, RegistryError
from ansible_collections.helmkit.core.plugins.module_utils.repo.config import RepositoryEntry
from ansible_collections.helmkit.core.plugins.module_utils.source.options import SourceOptions, module_source_options
from ansible_collections.helmkit.core.plugins.module_utils.source.ref import ChartRef

SECRET_PASSWORD = "secret-side-pw-31"
ENTRY_PASSWORD = "entry-side-pw-77"
TASK_TOKEN = "task-token-8812"


@pytest.mark.parametrize("text,repo_url,kind,name,repository,location", [
    ("oci://r.io/charts/app:1.0.0", None, "oci", "app", "", "oci://r.io/charts/app:1.0.0"),
    ("oci://r.io/charts/app@sha256:" + "a" * 64, None, "oci", "app", "", "oci://r.io/charts/app@sha256:" + "a" * 64),
    ("app", "oci://r.io/charts", "oci", "app", "oci://r.io/charts", "oci://r.io/charts/app"),
    ("app", "https://charts.example/x", "repo_url", "app", "https://charts.example/x", "https://charts.example/x"),
    ("https://charts.example/app-1.0.0.tgz", None, "url", "", "", "https://charts.example/app-1.0.0.tgz"),
    ("s3://bucket/app-1.0.0.tgz", None, "plugin", "", "", "s3://bucket/app-1.0.0.tgz"),
    ("stable/app", None, "repo", "app", "stable", ""),
    ("@stable/app", None, "repo", "app", "stable", ""),
])
def test_parse_remote_forms(text, repo_url, kind, name, repository, location):
    ref = ChartRef.parse(text, repo_url)
    assert (ref.kind, ref.name, ref.repository, ref.location) == (kind, name, repository, location)


def test_parse_local_forms(tmp_path):
    chart = tmp_path / "mychart"
    chart.mkdir()
    assert ChartRef.parse(str(chart)).kind == "local"
    ref = ChartRef.parse("file://mychart", base_dir=str(tmp_path))
    assert (ref.kind, ref.location) == ("local", str(chart))
    with pytest.raises(ChartError) as info:
        ChartRef.parse("./missing-chart")
    assert "not found" in str(info.value)
    with pytest.raises(ChartError) as info:
        ChartRef.parse("justaname")
    assert "repo/chart" in str(info.value)
    with pytest.raises(ChartError):
        ChartRef.parse("")


def test_plan_time_checks_name_the_option(tmp_path):
    present = tmp_path / "ca.pem"
    present.write_text("x")
    SourceOptions(ca_file=str(present)).validate()
    for option in ("ca_file", "registry_config"):
        with pytest.raises(ChartError) as info:
            SourceOptions(**{option: str(tmp_path / "nope.pem")}).validate()
        assert option in str(info.value) and "nope.pem" in str(info.value)
    with pytest.raises(ChartError) as info:
        SourceOptions(cert_file=str(present)).validate()
    assert "key_file" in str(info.value)
    with pytest.raises(ChartError):
        SourceOptions(credentials_secret={"namespace": "x"}).validate()


def _secret(**data):
    return {"type": "Opaque", "data": dict((k, base64.b64encode(v.encode()).decode()) for k, v in data.items())}


def test_credential_precedence_for_http_repositories():
    entry = RepositoryEntry("private", "https://charts.example", username="entry", password=ENTRY_PASSWORD)
    store = {("apps", "creds"): _secret(username="fromsecret", password=SECRET_PASSWORD)}
    reads = []

    def read(name, namespace):
        reads.append((name, namespace))
        return store.get((namespace, name))

    anonymous = SourceOptions().http_options(None, "charts.example")
    assert (anonymous["username"], anonymous["password"], anonymous["token"]) == (None, None, None)
    assert SourceOptions().http_options(entry, "charts.example")["password"] == ENTRY_PASSWORD
    secret = SourceOptions(credentials_secret={"name": "creds"}, namespace="apps", read_secret=read)
    assert secret.http_options(entry, "charts.example")["password"] == SECRET_PASSWORD
    assert reads == [("creds", "apps")]
    secret.http_options(entry, "charts.example")
    assert reads == [("creds", "apps")], "the Secret is read once per host"
    task = secret.copy(token=TASK_TOKEN)
    found = task.http_options(entry, "charts.example")
    assert found["token"] == TASK_TOKEN and found["password"] is None


def test_secret_namespaces_and_missing_reader():
    store = {("ops", "creds"): _secret(token=TASK_TOKEN)}

    def read(name, namespace):
        return store.get((namespace, name))

    options = SourceOptions(credentials_secret={"name": "creds"}, namespace="apps", read_secret=read,
                            credentials_secret_fallback_namespace="ops")
    credential = options.secret_credential("r.io")
    assert credential.access_token == TASK_TOKEN and credential.source == 'Secret "ops/creds"'
    pinned = SourceOptions(credentials_secret={"name": "creds", "namespace": "apps"}, read_secret=read)
    with pytest.raises(RegistryError) as info:
        pinned.secret_credential("r.io")
    assert 'namespace "apps"' in str(info.value) and TASK_TOKEN not in str(info.value)
    with pytest.raises(RegistryError) as info:
        SourceOptions(credentials_secret={"name": "creds"}, namespace="apps").secret_credential("r.io")
    assert "Kubernetes" in str(info.value)


def test_module_params_map_to_source_options(tmp_path):
    params = {"chart_version": "1.2.3", "username": "u", "password": "p", "devel": True, "timeout": "5m",
              "plain_http": True, "insecure_skip_tls_verify": False, "namespace": "ignored"}
    options = module_source_options(params, namespace="apps", request_timeout=False)
    assert (options.version, options.username, options.devel, options.plain_http) == ("1.2.3", "u", True, True)
    assert options.namespace == "apps" and isinstance(options.timeout, (int, float))
    assert os.path.isdir(str(tmp_path))


def test_request_timeout_takes_seconds_or_a_go_duration():
    """The chart-source modules' ``timeout`` reads durations as helm_release's does (issue 21: the same way
    everywhere): seconds, a string of seconds or a Go duration; anything else names the option."""
    from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
    assert module_source_options({"timeout": "2m"}).timeout == 120.0
    assert module_source_options({"timeout": "1m30s"}).timeout == 90.0
    assert module_source_options({"timeout": 45}).timeout == 45.0
    assert module_source_options({"timeout": "45"}).timeout == 45.0
    with pytest.raises(HelmkitError) as info:
        module_source_options({"timeout": "soon"})
    assert str(info.value) == ("timeout 'soon' is not a duration: give seconds (300) or a Go duration such as 90s, "
                               "5m or 1h30m")
    assert module_source_options({"timeout": "5m"}, request_timeout=False).timeout != 300.0  # a wait, not a request
