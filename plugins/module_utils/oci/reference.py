"""OCI chart references ``oci://host[:port]/path/name[:tag|@sha256:digest]`` as Helm uses them.

Helm (pkg/registry/reference.go, pkg/registry/util.go) accepts a reference with an optional tag or digest; a chart
version becomes a tag with ``+`` replaced by ``_`` (OCI tags may not contain ``+``), and a tag turns back into a
version by the reverse replacement. Repository names follow the OCI distribution spec grammar
(``[a-z0-9]+([._-][a-z0-9]+)*`` path components, lower case only); tags are ``[A-Za-z0-9_][A-Za-z0-9._-]{0,127}``.
"""
from __future__ import annotations

import re

from ..errors import RegistryError
from ..semver import SemverError, parse_constraint, parse_version

__all__ = ["OCIReference", "parse_reference", "version_to_tag", "tag_to_version", "is_oci", "select_tag",
           "ReferenceError"]

OCI_SCHEME = "oci://"
_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                   r"|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


class ReferenceError(RegistryError):
    """An ``oci://`` reference is malformed."""


def is_oci(ref) -> bool:
    """True when ``ref`` (any value) is a string starting with ``oci://``."""
    return isinstance(ref, str) and ref.startswith(OCI_SCHEME)


def version_to_tag(version: str) -> str:
    """Helm's tag for a chart version: ``+`` becomes ``_`` (``1.2.3+build`` -> ``1.2.3_build``)."""
    return version.replace("+", "_")


def tag_to_version(tag: str) -> str:
    """The chart version a tag stands for: ``_`` becomes ``+`` (the reverse of :func:`version_to_tag`)."""
    return tag.replace("_", "+")


class OCIReference(object):
    """A parsed reference. ``host`` (with ``:port`` if given), ``repository`` (path without host, e.g.
    ``charts/podinfo``), ``tag`` (str or ""), ``digest`` (``sha256:<hex>`` or "").

    ``str()`` is the full ``oci://`` form; ``name`` is the last path component (the chart name);
    ``with_tag(tag)`` returns a copy pointing at ``tag``.
    """

    __slots__ = ("host", "repository", "tag", "digest")

    def __init__(self, host, repository, tag="", digest=""):
        self.host = host
        self.repository = repository
        self.tag = tag
        self.digest = digest

    @property
    def name(self) -> str:
        return self.repository.rsplit("/", 1)[-1]

    @property
    def locator(self) -> str:
        """``host/repository`` without scheme, tag or digest."""
        return "%s/%s" % (self.host, self.repository)

    def with_tag(self, tag: str) -> "OCIReference":
        return OCIReference(self.host, self.repository, tag, "")

    def __str__(self):
        text = OCI_SCHEME + self.locator
        if self.tag:
            text += ":" + self.tag
        if self.digest:
            text += "@" + self.digest
        return text

    def __repr__(self):
        return "OCIReference(%r)" % str(self)

    def __eq__(self, other):
        return isinstance(other, OCIReference) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


def parse_reference(ref: str, require_name: bool = True) -> OCIReference:
    """Parse ``oci://host[:port]/path/name[:tag][@sha256:digest]`` into an :class:`OCIReference`.

    A tag holding ``+`` (a chart version) is converted with :func:`version_to_tag`. ``require_name=False`` accepts
    a bare ``oci://host`` (a push destination may be a registry root). Raises :class:`ReferenceError` naming the
    reference, the part that is wrong and the expected form (missing scheme/host/name, upper-case letters, a bad
    tag or digest).
    """
    if not is_oci(ref):
        raise ReferenceError('"%s" is not an OCI reference: expected oci://host[:port]/path/name[:tag]' % (ref,))
    rest = ref[len(OCI_SCHEME):]
    digest = ""
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise ReferenceError('OCI reference "%s": digest "%s" is not sha256:<64 lower-case hex digits>'
                                 % (ref, digest))
    host, path = rest.partition("/")[::2]
    if not host or not _HOST.match(host):
        raise ReferenceError('OCI reference "%s": "%s" is not a registry host[:port]' % (ref, host))
    tag = ""
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path, tag = path.rsplit(":", 1)
        tag = version_to_tag(tag)
        if not _TAG.match(tag):
            raise ReferenceError('OCI reference "%s": tag "%s" is not valid (letters, digits, "_", "." and "-", '
                                 "at most 128, not starting with \".\" or \"-\")" % (ref, tag))
    path = path.strip("/")
    if not path:
        if require_name:
            raise ReferenceError('OCI reference "%s" has no chart name: expected oci://%s/path/name'
                                 % (ref, host))
        return OCIReference(host, "", tag, digest)
    for component in path.split("/"):
        if _COMPONENT.match(component):
            continue
        if component.lower() != component and _COMPONENT.match(component.lower()):
            raise ReferenceError('OCI reference "%s": repository names must be lower case, "%s" has upper-case '
                                 'letters (use "%s")' % (ref, component, component.lower()))
        raise ReferenceError('OCI reference "%s": "%s" is not a valid repository path component (lower-case '
                             'letters and digits separated by ".", "_", "__" or "-")' % (ref, component))
    return OCIReference(host, path, tag, digest)


def select_tag(tags, constraint_text, ref_text, devel=False) -> str:
    """Pick the tag to pull for a version or constraint, like Helm's ``GetTagMatchingVersionOrConstraint``.

    ``tags``: the repository's tag list; tags that are not semantic versions (after ``_`` -> ``+``) are ignored.
    ``constraint_text``: an exact version (returned as its tag when present) or a Masterminds constraint;
    ""/None means the highest release (``devel`` admits prereleases). Returns the tag (str). Raises
    :class:`RegistryError` naming ``ref_text``, the constraint and the nearest available versions.
    """
    versions = []
    for tag in tags:
        try:
            versions.append((parse_version(tag_to_version(tag)), tag))
        except SemverError:
            continue
    if constraint_text:
        wanted_tag = version_to_tag(constraint_text)
        if wanted_tag in tags:
            return wanted_tag
    text = constraint_text or (">0.0.0-0" if devel else ">=0.0.0")
    try:
        constraint = parse_constraint(text, include_prerelease=devel)
    except SemverError as exc:
        raise RegistryError('%s: version "%s" is neither a tag nor a valid constraint: %s'
                            % (ref_text, constraint_text, exc))
    matching = sorted((v for v in versions if constraint.check(v[0])), key=lambda v: v[0])
    if matching:
        return matching[-1][1]
    raise RegistryError("%s: no tag matches version %s; %s" % (
        ref_text, '"%s"' % constraint_text if constraint_text else "(latest)", nearest_tags_text(tags, constraint_text)))


def nearest_tags_text(tags, wanted) -> str:
    """A short phrase listing the tags nearest to ``wanted`` (by version when both parse, else by name)."""
    if not tags:
        return "the repository has no tags (push the chart first)"
    try:
        target = parse_version(tag_to_version(wanted or ""))
    except SemverError:
        target = None

    def distance(tag):
        try:
            v = parse_version(tag_to_version(tag))
        except SemverError:
            return (1, 0, tag)
        if target is None:
            return (0, 0, tag)
        return (0, abs(v.major - target.major) * 1000000 + abs(v.minor - target.minor) * 1000
                + abs(v.patch - target.patch), tag)

    nearest = sorted(tags, key=distance)[:5]
    return "available tags nearest to it: %s" % ", ".join(nearest)
