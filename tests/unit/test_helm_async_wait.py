"""helm_async_wait's reading of async job files (plugins/modules/helm_async_wait.py), by async_status's rules: a
file with ``started`` is a running job, any other JSON object is the finished job's result; an empty file is a job
being written; a missing file is no such job."""
import json

import pytest

from ansible_collections.helmkit.core.plugins.modules import helm_async_wait as waiter


def _job(tmp_path, content):
    path = tmp_path / "j1.1"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_running_empty_and_finished_files(tmp_path):
    assert waiter.job_status(_job(tmp_path, {"started": 1, "finished": 0, "ansible_job_id": "j1.1"}), "j1.1") is None
    assert waiter.job_status(_job(tmp_path, ""), "j1.1") is None
    done = waiter.job_status(_job(tmp_path, {"changed": True, "status": {"revision": 2}}), "j1.1")
    assert done == {"changed": True, "status": {"revision": 2}, "finished": True, "ansible_job_id": "j1.1"}
    killed = waiter.job_status(_job(tmp_path, {"msg": "Timeout exceeded", "failed": True, "child_pid": 7}), "j1.1")
    assert killed["failed"] and killed["msg"] == "Timeout exceeded" and killed["finished"] is True


def test_unreadable_and_missing_jobs(tmp_path):
    with pytest.raises(ValueError, match="Could not parse job output: not json"):
        waiter.job_status(_job(tmp_path, "not json"), "j1.1")
    with pytest.raises(FileNotFoundError):
        waiter.job_status(str(tmp_path / "nope"), "nope")


def test_wait_polls_until_finished_or_timeout(tmp_path):
    path = _job(tmp_path, {"started": 1, "finished": 0})
    now = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds
        if now[0] > 1.0:
            _job(tmp_path, {"changed": False})

    result = waiter.wait_for_job(path, "j1.1", 30, clock=lambda: now[0], sleep=sleep)
    assert result == {"changed": False, "finished": True, "ansible_job_id": "j1.1"}
    assert sleeps[0] == 0.05 and max(sleeps) <= 0.5  # quick first looks, then at most twice a second

    _job(tmp_path, {"started": 1, "finished": 0})
    now[0], sleeps[:] = 0.0, []
    assert waiter.wait_for_job(path, "j1.1", 2, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)) \
        is None
    failure = waiter.timed_out("j1.1", path, 2)
    assert failure["failed"] and failure["finished"] is False and "did not finish within 2 seconds" in failure["msg"]


def test_the_async_preload_of_helm_release_names_modules_that_exist():
    """The action plugin imports these before an async loop forks its jobs; a renamed module must fail here, not
    leave the jobs importing it again unnoticed."""
    import importlib

    from ansible_collections.helmkit.core.plugins.action import helm_release as action

    assert action.ASYNC_PRELOAD
    for name in action.ASYNC_PRELOAD:
        importlib.import_module("ansible_collections.helmkit.core.plugins." + name)
