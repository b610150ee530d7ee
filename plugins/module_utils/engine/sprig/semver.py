"""Sprig's ``semver`` and ``semverCompare`` template functions (sprig/v3 semver.go).

Both are thin template-facing wrappers over :mod:`plugins.module_utils.semver`, the project's one implementation
of Masterminds/semver v3 (shared with repositories, OCI tags and chart dependencies): parsing, constraint rules and
the library's error texts live there. This module only adds what templates see: ``Major``/``Minor``/``Patch`` typed
as Go ``uint64``, ``reflect`` kind ``ptr``, and errors raised as template function errors.
"""
from __future__ import annotations

from ... import semver as _core
from ..errors import FuncError
from ._base import STRING, Uint64, go_func


class SemverError(FuncError):
    """A version or constraint that Masterminds/semver refuses; message in its words."""


class Version(_core.Version):
    """A parsed semantic version as templates see it (Go ``*semver.Version``): the core
    :class:`~plugins.module_utils.semver.Version` with ``Major``, ``Minor`` and ``Patch`` typed ``uint64``."""

    __slots__ = ()
    go_kind = "ptr"

    def Major(self) -> int:
        return Uint64(self.major)

    def Minor(self) -> int:
        return Uint64(self.minor)

    def Patch(self) -> int:
        return Uint64(self.patch)

    def _fields(self) -> tuple:
        return (self.major, self.minor, self.patch, self.pre, self.metadata, self.original)

    def __eq__(self, other) -> bool:
        """reflect.DeepEqual of two ``*semver.Version``: every field, ``Original`` and metadata included (template
        ``eq`` compares the pointers instead, see gotypes.eq)."""
        if not isinstance(other, Version):
            return NotImplemented
        return self._fields() == other._fields()

    def __ne__(self, other) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._fields() != other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())


def parse_version(text: str) -> Version:
    """semver.NewVersion for templates: a :class:`Version`; raises :class:`SemverError` with the library's text
    ("invalid semantic version", "version segment starts with 0", ...)."""
    try:
        core = _core.parse_version(text)
    except _core.SemverError as err:
        raise SemverError(str(err))
    return Version(core.major, core.minor, core.patch, core.pre, core.metadata, core.original)


@go_func(STRING)
def semver(text):
    """Sprig semver: parse a version into an object with Major/Minor/Patch/Prerelease/... methods."""
    return parse_version(text)


@go_func(STRING, STRING)
def semverCompare(constraint, version):
    """Sprig semverCompare: whether ``version`` satisfies ``constraint`` (constraint parsed first, like Sprig);
    raises :class:`SemverError` for either bad input."""
    try:
        return _core.parse_constraint(constraint).check(_core.parse_version(version))
    except _core.SemverError as err:
        raise SemverError(str(err))


FUNCS = {"semver": semver, "semverCompare": semverCompare}
