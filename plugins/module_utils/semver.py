"""Semantic versions and version constraints exactly as Helm uses them (Masterminds/semver v3).

Helm (chart dependencies, ``--version`` on install/pull, repository index look-ups) and Sprig's ``semver`` and
``semverCompare`` template functions all use ``github.com/Masterminds/semver/v3``. Its rules differ from the SemVer
2.0 spec and from the ``semver`` PyPI package in several places, and charts rely on them:

* :func:`parse_version` is Masterminds' lenient ``NewVersion``: an optional lower-case ``v`` prefix, ``1`` and
  ``1.2`` coerced to ``1.0.0`` and ``1.2.0``, leading zeros allowed in major/minor/patch (CalVer) but not in
  numeric prerelease identifiers, at most 256 bytes.
* :func:`parse_constraint` is ``NewConstraint``: ``||`` separates OR groups; inside a group constraints are
  separated by commas or white space; operators ``= != > < >= => <= =< ~ ~> ^`` (none means ``=``); ``x``, ``X`` and
  ``*`` wildcards; a missing minor/patch acts as a wildcard; hyphen ranges ``1.2 - 1.4.5``.
* Prerelease rule: a version with a prerelease only satisfies an OR group in which at least one constraint names a
  prerelease (``>=1.0.0-0``). Helm's ``--devel`` uses the constraint ``>0.0.0-0`` for that reason.

Error messages are the library's own (``improper constraint: "foo"``, ``invalid semantic version``) so that template
errors read exactly like Helm's. Source: github.com/Masterminds/semver/v3 version.go and constraints.go.
"""
from __future__ import annotations

import re

from .errors import HelmkitError
from .gocompat.strconv import go_quote

__all__ = [
    "SemverError", "Version", "Constraint", "parse_version", "parse_constraint", "MAX_VERSION_LEN",
    "MAX_CONSTRAINT_LEN", "MAX_CONSTRAINT_GROUPS",
]

MAX_VERSION_LEN = 256
MAX_CONSTRAINT_LEN = 512
MAX_CONSTRAINT_GROUPS = 32
_UINT64_MAX = (1 << 64) - 1

# Go's regexp \s is exactly these five ASCII bytes; Python's \s would also take Unicode spaces.
_WS = r"[ \t\n\f\r]"
_IDENT = r"[0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*"
# NewVersion with coercion (the library default): groups major, .minor, .patch, prerelease, metadata.
_LOOSE_VERSION = re.compile(r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(?:-(%s))?(?:\+(%s))?$" % (_IDENT, _IDENT))
# A constraint's version: segments may be digits or wildcards. The character class really contains "|"
# (Masterminds' cvRegex is written [0-9|x|X|\*]), and that quirk decides how some odd inputs split.
_CV = r"v?([0-9|xX*]+)(\.[0-9|xX*]+)?(\.[0-9|xX*]+)?(-%s)?(?:\+%s)?" % (_IDENT, _IDENT)
_CV_NOGROUPS = r"v?[0-9|xX*]+(?:\.[0-9|xX*]+)?(?:\.[0-9|xX*]+)?(?:-%s)?(?:\+%s)?" % (_IDENT, _IDENT)
# Operator alternatives in the library's order; the order decides which operator a regex match picks.
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
_ATOM = re.compile(r"^%s*(%s)%s*(%s)%s*$" % (_WS, _OPS, _WS, _CV, _WS))
_FIND_ATOM = re.compile(r"(?:%s)%s*%s" % (_OPS, _WS, _CV_NOGROUPS))
_VALID_GROUP = re.compile(r"^%s*(?:%s)%s*%s%s*(?:(?:%s+|,%s*)(?:%s)%s*%s%s*)*$" % (
    _WS, _OPS, _WS, _CV_NOGROUPS, _WS, _WS, _WS, _OPS, _WS, _CV_NOGROUPS, _WS))
_RANGE = re.compile(r"%s*(%s)%s+-%s+(%s)%s*" % (_WS, _CV_NOGROUPS, _WS, _WS, _CV_NOGROUPS, _WS))


class SemverError(HelmkitError):
    """A version or constraint string could not be parsed; ``str()`` is Masterminds' own message."""


def _parse_uint64(text):
    value = int(text, 10)
    if value > _UINT64_MAX:
        raise SemverError('error parsing version segment: strconv.ParseUint: parsing "%s": value out of range'
                          % text)
    return value


def _check_prerelease(pre):
    for part in pre.split("."):
        if part.isdigit() and len(part) > 1 and part[0] == "0":
            raise SemverError("version segment starts with 0")


class Version(object):
    """A parsed semantic version (Go ``*semver.Version``), immutable and totally ordered by precedence.

    The Masterminds method names are available to templates: ``Major``, ``Minor``, ``Patch`` (ints),
    ``Prerelease``, ``Metadata``, ``Original``, ``String`` (str), ``Compare``, ``LessThan``, ``GreaterThan``,
    ``Equal``, ``LessThanEqual``, ``GreaterThanEqual``, ``IncMajor``, ``IncMinor``, ``IncPatch``. Python ordering
    (``<``, ``==``, ``sorted``) follows ``Compare``: build metadata is ignored and a prerelease sorts before its
    release. ``str(v)`` is ``String()`` (normalised, no ``v`` prefix).
    """

    go_type = "*semver.Version"
    __slots__ = ("major", "minor", "patch", "pre", "metadata", "original")

    def __init__(self, major, minor, patch, pre="", metadata="", original=None):
        self.major = major
        self.minor = minor
        self.patch = patch
        self.pre = pre
        self.metadata = metadata
        self.original = self._string() if original is None else original

    # Masterminds' accessors (Go methods, so templates call them).
    def Major(self):
        return self.major

    def Minor(self):
        return self.minor

    def Patch(self):
        return self.patch

    def Prerelease(self):
        return self.pre

    def Metadata(self):
        return self.metadata

    def Original(self):
        return self.original

    def _string(self):
        text = "%d.%d.%d" % (self.major, self.minor, self.patch)
        if self.pre:
            text += "-" + self.pre
        if self.metadata:
            text += "+" + self.metadata
        return text

    def String(self):
        return self._string()

    __str__ = String

    def __repr__(self):
        return "Version(%r)" % self.original

    def _v_prefix(self):
        return "v" if self.original[:1] == "v" else ""

    def IncPatch(self):
        """Next patch version; a prerelease version becomes its release (``1.2.3-rc.1`` -> ``1.2.3``)."""
        patch = self.patch if self.pre else self.patch + 1
        nxt = Version(self.major, self.minor, patch)
        nxt.original = self._v_prefix() + nxt.String()
        return nxt

    def IncMinor(self):
        nxt = Version(self.major, self.minor + 1, 0)
        nxt.original = self._v_prefix() + nxt.String()
        return nxt

    def IncMajor(self):
        nxt = Version(self.major + 1, 0, 0)
        nxt.original = self._v_prefix() + nxt.String()
        return nxt

    def Compare(self, other):
        """-1, 0 or 1 as ``self`` has lower, equal or higher precedence than ``other`` (metadata ignored)."""
        a = (self.major, self.minor, self.patch)
        b = (other.major, other.minor, other.patch)
        if a != b:
            return -1 if a < b else 1
        if self.pre == other.pre:
            return 0
        if not self.pre:
            return 1
        if not other.pre:
            return -1
        return _compare_prerelease(self.pre, other.pre)

    def LessThan(self, other):
        return self.Compare(other) < 0

    def LessThanEqual(self, other):
        return self.Compare(other) <= 0

    def GreaterThan(self, other):
        return self.Compare(other) > 0

    def GreaterThanEqual(self, other):
        return self.Compare(other) >= 0

    def Equal(self, other):
        return self.Compare(other) == 0

    def __eq__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.Compare(other) == 0

    def __ne__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.Compare(other) != 0

    def __lt__(self, other):
        return self.Compare(other) < 0

    def __le__(self, other):
        return self.Compare(other) <= 0

    def __gt__(self, other):
        return self.Compare(other) > 0

    def __ge__(self, other):
        return self.Compare(other) >= 0

    def __hash__(self):
        return hash((self.major, self.minor, self.patch, self.pre))


def _is_uint(text):
    return text.isdigit() and text.isascii() and int(text) <= _UINT64_MAX


def _compare_pre_part(a, b):
    if a == b:
        return 0
    if a == "":
        return -1
    if b == "":
        return 1
    a_num, b_num = _is_uint(a), _is_uint(b)
    if a_num and b_num:
        return 1 if int(a) > int(b) else -1
    if a_num:
        return -1  # numeric identifiers have lower precedence than alphanumeric ones
    if b_num:
        return 1
    return 1 if a > b else -1


def _compare_prerelease(a, b):
    a_parts, b_parts = a.split("."), b.split(".")
    for i in range(max(len(a_parts), len(b_parts))):
        d = _compare_pre_part(a_parts[i] if i < len(a_parts) else "", b_parts[i] if i < len(b_parts) else "")
        if d:
            return d
    return 0


def parse_version(text):
    """Parse ``text`` like Masterminds' ``NewVersion`` (coercing) and return a :class:`Version`.

    ``"v1.2"`` -> 1.2.0 with ``Original() == "v1.2"``; ``"01.02.3"`` -> 1.2.3. Raises :class:`SemverError` with the
    library's message: ``invalid semantic version``, ``version segment starts with 0`` (numeric prerelease
    identifier), ``version string is too long (max 256 bytes)`` or a segment overflow message.
    """
    if not isinstance(text, str):
        raise SemverError("invalid semantic version")
    if len(text.encode("utf-8")) > MAX_VERSION_LEN:
        raise SemverError("version string is too long (max %d bytes)" % MAX_VERSION_LEN)
    m = _LOOSE_VERSION.match(text)
    if m is None:
        raise SemverError("invalid semantic version")
    major = _parse_uint64(m.group(1))
    minor = _parse_uint64(m.group(2)[1:]) if m.group(2) else 0
    patch = _parse_uint64(m.group(3)[1:]) if m.group(3) else 0
    pre = m.group(4) or ""
    if pre:
        _check_prerelease(pre)
    return Version(major, minor, patch, pre, m.group(5) or "", text)


def _is_x(segment):
    return segment in ("x", "X", "*")


class _Atom(object):
    """One comparison such as ``>=1.2`` (Masterminds' unexported ``constraint``)."""

    __slots__ = ("op", "orig", "con", "dirty", "minor_dirty", "patch_dirty")

    def __init__(self, op, orig, con, dirty, minor_dirty, patch_dirty):
        self.op = op
        self.orig = orig
        self.con = con
        self.dirty = dirty
        self.minor_dirty = minor_dirty
        self.patch_dirty = patch_dirty

    def __str__(self):
        return self.op + self.orig

    def check(self, v, include_pre):
        if v.pre and not include_pre:
            return False
        return _CHECKS[self.op](v, self)


def _parse_atom(text):
    m = _ATOM.match(text)
    if m is None:
        raise SemverError("improper constraint: %s" % go_quote(text))
    op, whole, major, minor, patch, pre = m.group(1, 2, 3, 4, 5, 6)
    minor, patch, pre = minor or "", patch or "", pre or ""
    dirty = minor_dirty = patch_dirty = False
    ver = whole
    if _is_x(major) or major == "":
        ver, dirty = "0.0.0" + pre, True
    elif _is_x(minor[1:]) or minor == "":
        ver, dirty, minor_dirty = major + ".0.0" + pre, True, True
    elif _is_x(patch[1:]) or patch == "":
        ver, dirty, patch_dirty = major + minor + ".0" + pre, True, True
    try:
        con = parse_version(ver)
    except SemverError:
        raise SemverError("constraint parser error")
    return _Atom(op, whole, con, dirty, minor_dirty, patch_dirty)


def _not_equal(v, c):
    if c.dirty:
        if c.con.major != v.major:
            return True
        if c.con.minor != v.minor and not c.minor_dirty:
            return True
        if c.minor_dirty:
            return False
        if c.con.patch != v.patch and not c.patch_dirty:
            return True
        if c.patch_dirty:
            if v.pre or c.con.pre:
                return _compare_prerelease(v.pre, c.con.pre) != 0
            return False
    return not v.Equal(c.con)


def _greater_than(v, c):
    if not c.dirty:
        return v.Compare(c.con) == 1
    if v.major > c.con.major:
        return True
    if v.major < c.con.major or c.minor_dirty:
        return False  # >11 needs 12 or higher
    if c.patch_dirty:
        return v.minor > c.con.minor  # >11.1 needs 11.2 or higher
    return v.Compare(c.con) == 1


def _less_than(v, c):
    return v.Compare(c.con) < 0


def _greater_equal(v, c):
    return v.Compare(c.con) >= 0


def _less_equal(v, c):
    if not c.dirty:
        return v.Compare(c.con) <= 0
    if v.major > c.con.major:
        return False
    if v.major == c.con.major and v.minor > c.con.minor and not c.minor_dirty:
        return False
    return True


def _tilde(v, c):
    if v.LessThan(c.con):
        return False
    con = c.con
    if con.major == 0 and con.minor == 0 and con.patch == 0 and not c.minor_dirty and not c.patch_dirty:
        return True  # ~* and ~0.0.0 accept everything
    if v.major != con.major:
        return False
    if v.minor != con.minor and not c.minor_dirty:
        return False
    return True


def _tilde_or_equal(v, c):
    if c.dirty:
        return _tilde(v, c)
    return v.Equal(c.con)


def _caret(v, c):
    con = c.con
    if v.LessThan(con):
        return False
    if con.major > 0 or c.minor_dirty:
        return v.major == con.major
    if v.major > 0:
        return False
    if con.minor > 0 or c.patch_dirty:
        return v.minor == con.minor
    if v.minor > 0:
        return False
    return v.patch == con.patch


_CHECKS = {
    "": _tilde_or_equal, "=": _tilde_or_equal, "!=": _not_equal, ">": _greater_than, "<": _less_than,
    ">=": _greater_equal, "=>": _greater_equal, "<=": _less_equal, "=<": _less_equal, "~": _tilde, "~>": _tilde,
    "^": _caret,
}


def _rewrite_ranges(text):
    if "-" not in text:
        return text
    out = text
    for m in _RANGE.finditer(text):
        out = out.replace(m.group(0), ">= %s, <= %s " % (m.group(1), m.group(2)), 1)
    return out


class Constraint(object):
    """A parsed constraint (Go ``*semver.Constraints``): OR groups of AND-ed comparisons.

    ``check(version)`` -> bool. ``version`` may be a :class:`Version` or a string (parsed with
    :func:`parse_version`, which may raise :class:`SemverError`). ``include_prerelease=True`` lets prereleases
    match every group (Masterminds' ``IncludePrerelease``). ``str()`` is the normalised form (``>=1.2 <2``).
    """

    go_type = "*semver.Constraints"

    def __init__(self, groups, original, include_prerelease=False):
        self.groups = groups
        self.original = original
        self.include_prerelease = include_prerelease
        self._group_has_pre = [any(atom.con.pre for atom in group) for group in groups]

    def check(self, version):
        if not isinstance(version, Version):
            version = parse_version(version)
        for group, has_pre in zip(self.groups, self._group_has_pre):
            include_pre = self.include_prerelease or has_pre
            if all(atom.check(version, include_pre) for atom in group):
                return True
        return False

    Check = check

    def __str__(self):
        return " || ".join(" ".join(str(atom) for atom in group) for group in self.groups)

    def __repr__(self):
        return "Constraint(%r)" % self.original


def parse_constraint(text, include_prerelease=False):
    """Parse ``text`` like Masterminds' ``NewConstraint`` and return a :class:`Constraint`.

    Raises :class:`SemverError`: ``improper constraint: "<group>"`` (Go-quoted) for a group that does not parse,
    ``constraint string is too long (max 512 bytes)``, ``too many constraint groups (max 32)``.
    """
    if not isinstance(text, str):
        raise SemverError("improper constraint: %s" % go_quote(str(text)))
    if len(text.encode("utf-8")) > MAX_CONSTRAINT_LEN:
        raise SemverError("constraint string is too long (max %d bytes)" % MAX_CONSTRAINT_LEN)
    rewritten = _rewrite_ranges(text)
    ors = rewritten.split("||")
    if len(ors) > MAX_CONSTRAINT_GROUPS:
        raise SemverError("too many constraint groups (max %d)" % MAX_CONSTRAINT_GROUPS)
    groups = []
    for group_text in ors:
        if _VALID_GROUP.match(group_text) is None:
            raise SemverError("improper constraint: %s" % go_quote(group_text))
        atoms = [m.group(0) for m in _FIND_ATOM.finditer(group_text)] or [group_text]
        groups.append([_parse_atom(atom) for atom in atoms])
    return Constraint(groups, text, include_prerelease)
