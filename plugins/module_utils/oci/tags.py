"""List a chart repository's tags in an OCI registry, as Helm's registry client does (``pkg/registry/client.go``,
``Tags``): every tag from ``/v2/<name>/tags/list`` (following ``Link`` pagination), keep those that are strict
semantic versions once ``_`` is read as ``+`` (Helm's workaround for OCI tags, helm/helm#10166), and sort them
newest first by semver precedence. Tags such as ``latest``, ``v1.2.3`` or ``1.2`` are not chart versions and are
left out, as Helm leaves them out.
"""
from __future__ import annotations

import re

from ..semver import SemverError, parse_version
from .reference import parse_reference, tag_to_version

__all__ = ["chart_tags", "helm_sorted_tags"]

# Masterminds' StrictNewVersion: MAJOR.MINOR.PATCH, no "v", no leading zeros, optional -pre and +build.
_STRICT = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                     r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")


def helm_sorted_tags(tags) -> list:
    """The chart versions among ``tags`` (list of str), newest first, written as Helm writes them (``+`` for
    ``_``). Equal precedence (versions differing only in build metadata) keeps the registry's order."""
    versions = []
    for tag in tags:
        text = tag_to_version(tag)
        if not _STRICT.match(text):
            continue
        try:
            versions.append(parse_version(text))
        except SemverError:
            continue
    versions.sort(reverse=True)
    return [v.String() for v in versions]


def chart_tags(client, ref: str, page_size=None) -> list:
    """:func:`helm_sorted_tags` of the repository named by ``ref`` (``oci://host/path/name``; a tag or digest in it
    is ignored), read through ``client`` (a :class:`~.client.RegistryClient` for that host). A repository that
    does not exist has no tags. Raises RegistryError (unreachable registry, refused credentials, a tag list that
    is not JSON) and ReferenceError for a malformed ``ref``."""
    parsed = parse_reference(ref)
    return helm_sorted_tags(client.tags(parsed.repository, page_size=page_size))
