# -*- coding: utf-8 -*-
"""Options of helm_release for upgrade semantics, rollback, uninstall, hooks, CRDs and failure handling
(spec: plugins/module_utils/args_common.py RELEASE_LIFECYCLE_ARG_SPEC)."""
from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  description:
    description:
      - Description stored in the new revision instead of Helm's (C(Install complete), C(Upgrade complete),
        C(Uninstallation complete)), like C(helm install --description).
    type: str
  labels:
    description:
      - Release labels, stored as labels of the release Secrets as Helm v4 stores them (C(helm install --labels)).
      - On upgrade they are merged over the last revision's labels; a value V(null) removes a label.
      - The names C(name), C(owner), C(status), C(version), C(createdAt) and C(modifiedAt) are reserved.
      - Like O(description), labels are written with the next revision; changing only them does not make one.
    type: dict
  disable_hooks:
    description: Run no chart hooks (C(--no-hooks)), for install, upgrade, rollback and uninstall.
    type: bool
    default: false
    aliases: [disable_hook]
  reuse_values:
    description:
      - On upgrade, merge the given values over the last deployed revision's values, and render with that
        revision's effective values as chart defaults (C(helm upgrade --reuse-values)); new chart defaults are
        not picked up, use O(reset_then_reuse_values) for them.
      - Without any of O(reuse_values), O(reset_values) and O(reset_then_reuse_values), an upgrade reuses the last
        values only when no values are given, as Helm does.
    type: bool
    default: false
  reset_values:
    description: On upgrade, use only the given values and the chart's defaults (C(--reset-values)).
    type: bool
    default: false
  reset_then_reuse_values:
    description: On upgrade, merge the given values over the last revision's values, with the new chart's defaults.
    type: bool
    default: false
  take_ownership:
    description:
      - Adopt existing objects that lack Helm's ownership label and annotations instead of failing
        (C(--take-ownership)); they get this release's C(meta.helm.sh/release-name) and
        C(meta.helm.sh/release-namespace) annotations.
    type: bool
    default: false
  cleanup_on_fail:
    description: When an upgrade or rollback fails, delete the objects it introduced (C(--cleanup-on-fail)).
    type: bool
    default: false
  atomic:
    description:
      - When an install or upgrade fails, undo it (C(--rollback-on-failure), formerly C(--atomic)). A failed upgrade
        is rolled back to the last successful revision (a new revision C(Rollback to N)); a failed install is
        uninstalled. Implies O(wait).
      - The task still fails, with Helm's message, and returns RV(status) of the rollback revision.
    type: bool
    default: false
    aliases: [rollback_on_failure]
  crds:
    description:
      - What to do with the chart's C(crds/) on install (CRDs are never changed on upgrade nor deleted, as Helm).
      - V(create_replace) applies them all (Helm's behaviour), V(create) creates only missing ones, V(skip) none.
      - The release waits until each applied CRD is C(Established) before applying the chart's objects.
    type: str
    default: create_replace
    choices: [create, create_replace, skip]
  skip_crds:
    description: Same as O(crds=skip) (C(--skip-crds)).
    type: bool
    default: false
  revision:
    description:
      - With O(state=rollback), the revision to roll back to; V(0) means the one before the last, as C(helm
        rollback) without a revision.
      - A rollback to an explicit revision whose chart, values and manifest the deployed last revision already has
        changes nothing.
    type: int
    default: 0
  keep_history:
    description:
      - With O(state=absent), keep the release records with status C(uninstalled) (C(--keep-history)), so that
        O(state=rollback) can bring the release back. Without it, the records are deleted, and a release already
        uninstalled with its history kept has its records deleted.
    type: bool
    default: false
  cascade:
    description: With O(state=absent), how dependents are deleted (C(--cascade)).
    type: str
    default: background
    choices: [background, foreground, orphan]
"""
