# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Filter helmkit.core.releases_plan (used by the helmkit.core.releases role): repositories to add, and dependency
levels for install and uninstall. Documented in releases_plan.yml beside this file."""
from __future__ import annotations

from ansible.errors import AnsibleFilterError


def _key(release: dict) -> str:
    return release.get("name", "")


def _validate(releases) -> dict:
    if not isinstance(releases, list):
        raise AnsibleFilterError("releases must be a list of release dicts, got %s" % type(releases).__name__)
    by_name = {}
    for index, release in enumerate(releases):
        if not isinstance(release, dict) or not release.get("name"):
            raise AnsibleFilterError("releases[%d] must be a dict with a 'name'" % index)
        if release["name"] in by_name:
            raise AnsibleFilterError("releases[%d]: release %r is listed twice; release names must be unique"
                                     % (index, release["name"]))
        by_name[release["name"]] = release
    for release in releases:
        for need in release.get("needs") or []:
            if need not in by_name:
                raise AnsibleFilterError("release %r needs %r, which is not in the releases list; known: %s"
                                         % (release["name"], need, ", ".join(sorted(by_name))))
    return by_name


def dependency_levels(releases) -> list:
    """Group ``releases`` (list of dicts with ``name`` and optional ``needs``, a list of names) into levels.

    Level 0 holds releases that need nothing; level N those whose needs are all in levels below N. Releases of one
    level do not depend on each other, so they can be installed concurrently. Input order is kept within a level.
    Raises AnsibleFilterError for duplicate names, unknown needs and dependency cycles (naming the releases).
    """
    by_name = _validate(releases)
    level_of = {}
    remaining = [r["name"] for r in releases]
    while remaining:
        ready = [name for name in remaining
                 if all(need in level_of for need in by_name[name].get("needs") or [])]
        if not ready:
            raise AnsibleFilterError("the needs of releases %s form a cycle; remove one of the needs"
                                     % ", ".join(sorted(remaining)))
        for name in ready:
            level_of[name] = 1 + max([level_of[need] for need in by_name[name].get("needs") or []] or [-1])
        remaining = [name for name in remaining if name not in level_of]
    depth = max(level_of.values()) + 1 if level_of else 0
    return [[r for r in releases if level_of[r["name"]] == level] for level in range(depth)]


def releases_plan(releases) -> dict:
    """The role's plan: ``{"repositories": [...], "install": [[release, ...], ...], "uninstall": [[...], ...]}``.

    ``repositories`` is :func:`releases_repositories`.
    ``install`` holds the releases whose ``state`` is ``present`` (the default) by dependency level, needed releases
    first; ``uninstall`` holds those with ``state: absent`` in reverse order (a release goes before the releases it
    needs). Empty levels are dropped.
    """
    levels = dependency_levels(releases)
    install = [[r for r in level if r.get("state", "present") != "absent"] for level in levels]
    uninstall = [[r for r in level if r.get("state", "present") == "absent"] for level in reversed(levels)]
    return {"repositories": releases_repositories(releases), "install": [level for level in install if level],
            "uninstall": [level for level in uninstall if level]}


def releases_repositories(releases) -> list:
    """The distinct ``repository`` dicts ({name, url, ...}) of the present releases, first occurrence first."""
    seen, found = set(), []
    for release in releases or []:
        repo = release.get("repository")
        if repo and release.get("state", "present") != "absent" and repo.get("name") not in seen:
            seen.add(repo.get("name"))
            found.append(repo)
    return found


class FilterModule(object):
    """helmkit.core.releases_plan."""

    def filters(self):
        return {"releases_plan": releases_plan}
