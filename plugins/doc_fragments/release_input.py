# -*- coding: utf-8 -*-
"""Options of helm_release for values input, post-rendering and drift (spec: plugins/module_utils/args_common.py
RELEASE_INPUT_ARG_SPEC)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  set_values:
    description:
      - Values set like C(helm --set) and its variants, after O(values_files) and O(release_values), in Helm's
        order (all V(json), then V(raw), V(string), V(file), V(literal) entries, each kind in list order), every
        one into the same values so that V(a[1]=x) edits a list an earlier entry set.
      - V(raw) is C(--set) (typed values), V(string) C(--set-string), V(json) C(--set-json), V(file)
        C(--set-file) (the path is read on the managed host) and V(literal) C(--set-literal).
    type: list
    elements: dict
    suboptions:
      value:
        description: The expression, for example V(image.tag=1.2.3) or V(a.b[0]={"x":1}).
        type: str
        required: true
      value_type:
        description: How O(set_values[].value) is parsed.
        type: str
        default: raw
        choices: [raw, string, json, file, literal]
  values_files_contents:
    description:
      - Set by the helm_release action plugin from O(values_files) read on the controller (after Ansible Vault
        decryption). Do not set it yourself.
    type: list
    elements: dict
    suboptions:
      path:
        description: The values file's path as given in O(values_files).
        type: str
        required: true
      content:
        description: Its text; absent when the file is to be read on the managed host.
        type: str
      vault:
        description: The file was Ansible Vault-encrypted; its values are then masked in all task output.
        type: bool
        default: false
      searched:
        description: When the file is not on the controller, the controller paths that were searched, for the error
          message when it is not on the managed host either.
        type: list
        elements: str
  post_renderer:
    description:
      - A program that rewrites the rendered manifest, like C(helm --post-renderer). The manifest (hooks excluded)
        goes to its stdin; its stdout is applied and stored as the release manifest.
    type: dict
    suboptions:
      binary_path:
        description:
          - The name of an installed C(postrenderer/v1) plugin (see M(helmkit.core.helm_plugin)), as Helm v4's
            C(--post-renderer NAME); else the program (a path, or a name looked up in E(PATH)). It runs without a
            shell.
        type: str
        required: true
      args:
        description: Its arguments (C(--post-renderer-args)).
        type: list
        elements: str
        default: []
      timeout:
        description: Seconds (or a Go duration) the program may run before the task fails.
        type: raw
        default: 60
  wait_for_jobs:
    description:
      - With O(wait), also wait until the chart's Jobs complete (C(helm --wait-for-jobs)); a failed Job fails the
        task. Without it, a running Job counts as ready. Hook Jobs are always waited for.
    type: bool
    default: false
  drift:
    description:
      - What to do when the release is otherwise unchanged but a field it manages was edited in the cluster (for
        example with C(kubectl edit)) or one of its objects was deleted. Found by a forced server-side apply with
        C(dryRun=All) of each object of the last revision.
      - V(detect) reports it in RV(drift) and as a warning; V(correct) re-applies the drifted objects (forced, as
        Flux does) without a new revision and reports C(changed); V(ignore) does not look (no extra requests).
    type: str
    default: ignore
    choices: [detect, correct, ignore]
  drift_ignore:
    description:
      - JSON pointers (RFC 6901) of fields drift does not look at, with everything below them, such as
        V(/spec/replicas) for a Deployment an autoscaler scales. V(Kind/name:/pointer) limits one to one object.
    type: list
    elements: str
    default: []
"""
