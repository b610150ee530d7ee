"""wait with and without wait_for_jobs on the emulator: a chart Job that fails fails the release only when Jobs are
waited for (Helm's --wait-for-jobs); a LoadBalancer Service and a Deployment are waited for either way."""
import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import ReleaseError
from ansible_collections.helmkit.core.plugins.module_utils.release import actions

from tests.helpers.releasecharts import NS, Rendered, doc, make_render, options

JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
       "    kubeapi.helmkit.test/fail: \"true\"\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n"
       "      containers:\n      - name: m\n        image: busybox\n")
DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n"
              "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
              "      containers:\n      - name: web\n        image: nginx\n")


def build(chart_, values, revision, is_upgrade):
    return Rendered(chart_, doc("deploy.yaml", DEPLOYMENT) + doc("job.yaml", JOB))


def test_failed_job_passes_without_wait_for_jobs(client, chart):
    opts = options(wait=True, timeout=30)  # wait_for_jobs is off by default, as in Helm
    assert opts.wait_for_jobs is False
    result = actions.ensure_present(client, opts, chart, {}, make_render(build))
    assert result.release.status == "deployed"


def test_failed_job_fails_the_release_with_wait_for_jobs(client, chart):
    opts = options(wait=True, timeout=30, wait_for_jobs=True)
    with pytest.raises(ReleaseError, match='Release "demo" failed: Job "migrate" in namespace "%s" failed: '
                                           'Job has reached the specified backoff limit' % NS):
        actions.ensure_present(client, opts, chart, {}, make_render(build))
