#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Ansible module helm_async_wait: wait for an ``async`` job and return its result, as async_status does once it
reports the job finished. The action plugin of the same name reads the job file itself when the task runs on the
controller; this module does it on a managed host, in one module run per job instead of one per poll."""
from __future__ import annotations

DOCUMENTATION = r"""
module: helm_async_wait
short_description: Wait for an async helmkit task (or any async task) to finish and return its result
version_added: "0.2.0"
description:
  - Waits until the C(async) job O(jid) has finished and returns its result, as M(ansible.builtin.async_status) returns
    it once RV(finished) is true, that is the job's own result (C(changed), C(failed), C(msg) and the module's other
    values), plus RV(ansible_job_id), RV(started), RV(finished) and RV(results_file).
  - One task waits for the whole job; there is no C(until)/C(retries) loop of M(ansible.builtin.async_status) runs.
    When the task runs on the controller (connection C(local), no C(become)) the action plugin reads the job file
    in its own process, a few times a second; otherwise one run of this module on the managed host waits for the
    job. E(HELMKIT_IN_PROCESS=0) on the controller always runs the module.
  - Fails, like the job, when the job failed (with the job's C(msg)); a job that C(async) killed fails with
    V(Timeout exceeded), as Ansible's C(async_wrapper) reports it. A job that has not finished after O(timeout)
    seconds fails with RV(finished=false); the job itself keeps running.
  - The job directory is O(async_dir), else Ansible's C(async_dir) shell option (the C(ansible_async_dir) variable),
    as for M(ansible.builtin.async_status).
  - Used by the C(helmkit.core.releases) role to wait for the releases of a dependency level it started
    concurrently.
options:
  jid:
    description: The job id, RV(ansible_job_id) of the task started with C(async) and C(poll=0).
    type: str
    required: true
  timeout:
    description:
      - How long to wait for the job, in seconds. Give at least the C(async) value of the task that started the job,
        so that a job C(async) kills is reported as V(Timeout exceeded).
    type: int
    default: 3600
  cleanup:
    description:
      - Remove the job file once the job has finished (M(ansible.builtin.async_status) C(mode=cleanup)).
    type: bool
    default: false
  async_dir:
    description:
      - The directory of the job files. When not given, Ansible's C(async_dir) shell option (the
        C(ansible_async_dir) variable, default C(~/.ansible_async)) as M(ansible.builtin.async_status) finds it,
        C(~) expanded for the remote user.
    type: path
extends_documentation_fragment:
  - helmkit.core.action_group
  - helmkit.core.kube_auth.unused
attributes:
  check_mode:
    description: The module only reads the job file (and removes it with O(cleanup)), so it runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing is changed, so there is no diff.
    support: none
seealso:
  - module: ansible.builtin.async_status
author:
  - helmkit maintainers (@helmkit)
"""

EXAMPLES = r"""
- name: Start two releases at once
  helmkit.core.helm_release:
    release_name: "{{ item }}"
    release_namespace: web
    chart_ref: podinfo/podinfo
  loop: [front, back]
  async: 600
  poll: 0
  register: started

- name: Wait for each of them
  helmkit.core.helm_async_wait:
    jid: "{{ item.ansible_job_id }}"
    timeout: 600
    cleanup: true
  loop: "{{ started.results }}"
  loop_control:
    label: "{{ item.item }}"
"""

RETURN = r"""
ansible_job_id:
  description: The job id waited for.
  returned: always
  type: str
  sample: j483928340512.4711
started:
  description: Whether the job was started.
  returned: always
  type: bool
finished:
  description: Whether the job finished (false only when O(timeout) passed first).
  returned: always
  type: bool
results_file:
  description: The job file that was read.
  returned: always
  type: str
"""

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils._common import (  # noqa: E402
    KUBE_AUTH_UNUSED_ARG_SPEC, AnsibleModule)

_FIRST_DELAY = 0.05  # seconds between the first reads of the job file, growing to _MAX_DELAY
_MAX_DELAY = 0.5


def job_status(path: str, jid: str):
    """The job file ``path`` as async_status reads it: the job's result dict with ``finished`` and
    ``ansible_job_id`` set, ``None`` while it is still running (also while async_wrapper is writing it), or raises
    FileNotFoundError (no such job) or ValueError (a finished job file that is not JSON). async_status's rules
    (ansible-core modules/async_status.py): a file without ``started`` is a finished job's result."""
    with open(path) as handle:
        text = handle.read()
    try:
        data = json.loads(text)
    except ValueError:
        if not text.strip():
            return None
        raise ValueError("Could not parse job output: %s" % text)
    if not isinstance(data, dict):
        raise ValueError("Could not parse job output: %s" % text)
    if "started" in data:
        if data.get("finished"):
            return data
        return None
    data["finished"] = True
    data["ansible_job_id"] = jid
    return data


def wait_for_job(path: str, jid: str, timeout: float, clock=time.monotonic, sleep=time.sleep):
    """Read job file ``path`` until the job has finished or ``timeout`` seconds have passed; returns the finished
    job's result (:func:`job_status`) or None on timeout. Raises what :func:`job_status` raises."""
    deadline = clock() + max(0.0, float(timeout))
    delay = _FIRST_DELAY
    while True:
        data = job_status(path, jid)
        if data is not None:
            return data
        left = deadline - clock()
        if left <= 0:
            return None
        sleep(min(delay, left))
        delay = min(delay * 1.5, _MAX_DELAY)


def timed_out(jid: str, path: str, timeout: int) -> dict:
    """The failed result of a job still running after ``timeout`` seconds."""
    return {"failed": True, "started": True, "finished": False, "ansible_job_id": jid, "results_file": path,
            "msg": "job %s did not finish within %d seconds (helm_async_wait timeout)" % (jid, timeout)}


def main():
    argument_spec = dict(
        jid=dict(type="str", required=True),
        timeout=dict(type="int", default=3600),
        cleanup=dict(type="bool", default=False),
        async_dir=dict(type="path"),  # the action plugin always gives it
    )
    argument_spec.update(KUBE_AUTH_UNUSED_ARG_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    jid = module.params["jid"]
    if not module.params["async_dir"]:  # the action plugin resolves it as async_status does, and always gives it
        module.fail_json(msg="helm_async_wait: no async_dir; the module runs through its action plugin, which sets "
                             "it from the task or Ansible's async_dir shell option (run it as a task)")
    path = os.path.join(module.params["async_dir"], jid)
    try:
        data = wait_for_job(path, jid, module.params["timeout"])
    except FileNotFoundError:
        module.fail_json(msg="could not find job", ansible_job_id=jid, started=True, finished=True)
    except ValueError as exc:
        module.fail_json(msg=str(exc), ansible_job_id=jid, results_file=path, started=True, finished=True)
    if data is None:
        module.fail_json(**timed_out(jid, path, module.params["timeout"]))
    if module.params["cleanup"]:
        os.unlink(path)
    # the job's result as the job wrote it (async_status prints it the same way, without exit_json's additions)
    print("\n%s" % json.dumps(data))  # pylint: disable=ansible-bad-function
    sys.exit(0)  # pylint: disable=ansible-bad-function


if __name__ == "__main__":
    main()
