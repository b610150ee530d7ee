"""Sprig's semver and semverCompare over Masterminds/semver v3 rules (version.go, constraints.go).

Versions parse loosely ("v1.2" is 1.2.0); prerelease identifiers compare numerically when both are numbers;
a version with a prerelease satisfies an AND group only when some constraint of that group names a prerelease.
Constraints: ``=``, ``!=``, ``>``, ``<``, ``>=``, ``=>``, ``<=``, ``=<``, ``~``, ``~>``, ``^``, wildcards
``x X *``, hyphen ranges ``1.2 - 1.4``, AND with spaces or commas, OR with ``||``.
"""
from __future__ import annotations

import re

from ..errors import FuncError
from ._base import STRING, Uint64, go_func

_VERSION_RE = re.compile(
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?\Z")
_CV = (r"v?([0-9|xX*]+)(\.[0-9|xX*]+)?(\.[0-9|xX*]+)?"
       r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
       r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")
_CV_PLAIN = re.sub(r"\((?!\?)", "(?:", _CV)
_OPS = r"=|!=|>|<|>=|=>|<=|=<|~|~>|\^|"
_OPS_ORDERED = r"!=|>=|=>|<=|=<|~>|=|>|<|~|\^|"
_CONSTRAINT_RE = re.compile(r"\s*(%s)\s*(%s)\s*\Z" % (_OPS_ORDERED, _CV))
_RANGE_RE = re.compile(r"\s*(%s)\s+-\s+(%s)\s*" % (_CV_PLAIN, _CV_PLAIN))
_FIND_RE = re.compile(r"(?:%s)\s*(?:%s)" % (_OPS, _CV_PLAIN))
_VALID_RE = re.compile(r"(\s*(?:%s)\s*(?:%s)\s*)((?:\s+|,\s*)(?:%s)\s*(?:%s)\s*)*\Z"
                       % (_OPS, _CV_PLAIN, _OPS, _CV_PLAIN))
_MAX_SEGMENT = (1 << 64) - 1


class SemverError(FuncError):
    """A version or constraint that Masterminds/semver refuses; message in its words."""


class Version(object):
    """A parsed semantic version (Go ``*semver.Version``); template methods Major, Minor, Patch, Prerelease,
    Metadata, Original, String, Compare, LessThan, GreaterThan, Equal."""

    go_type = "*semver.Version"
    go_kind = "ptr"

    def __init__(self, major: int, minor: int, patch: int, pre: str, metadata: str, original: str) -> None:
        self.major, self.minor, self.patch = major, minor, patch
        self.pre, self.metadata, self.original = pre, metadata, original

    def Major(self) -> int:
        return Uint64(self.major)

    def Minor(self) -> int:
        return Uint64(self.minor)

    def Patch(self) -> int:
        return Uint64(self.patch)

    def Prerelease(self) -> str:
        return self.pre

    def Metadata(self) -> str:
        return self.metadata

    def Original(self) -> str:
        return self.original

    def String(self) -> str:
        return str(self)

    def Compare(self, other) -> int:
        return compare(self, other)

    def LessThan(self, other) -> bool:
        return compare(self, other) < 0

    def GreaterThan(self, other) -> bool:
        return compare(self, other) > 0

    def Equal(self, other) -> bool:
        return compare(self, other) == 0

    def __str__(self) -> str:
        text = "%d.%d.%d" % (self.major, self.minor, self.patch)
        if self.pre:
            text += "-" + self.pre
        if self.metadata:
            text += "+" + self.metadata
        return text

    def __eq__(self, other) -> bool:
        return isinstance(other, Version) and str(self) == str(other) and self.original == other.original

    def __hash__(self) -> int:
        return hash(str(self))


def parse_version(text: str) -> Version:
    """semver.NewVersion: parse loosely; raises SemverError("invalid semantic version") or
    ("version segment starts with 0") for a numeric prerelease part with a leading zero."""
    m = _VERSION_RE.match(text)
    if not m:
        raise SemverError("invalid semantic version")
    segments = [int(m.group(1)), int((m.group(2) or ".0")[1:]), int((m.group(3) or ".0")[1:])]
    if any(s > _MAX_SEGMENT for s in segments):
        raise SemverError("invalid semantic version")
    pre = m.group(5) or ""
    for part in pre.split(".") if pre else ():
        if part.isdigit() and len(part) > 1 and part[0] == "0":
            raise SemverError("version segment starts with 0")
    return Version(segments[0], segments[1], segments[2], pre, m.group(8) or "", text)


def _is_number(part: str) -> bool:
    return part.isdigit() and part.isascii() and int(part) <= _MAX_SEGMENT


def _compare_pre_part(s: str, o: str) -> int:
    if s == o:
        return 0
    if o == "":
        return 1 if _is_number(s) else -1
    if s == "":
        return -1 if _is_number(o) else 1
    sn, on = _is_number(s), _is_number(o)
    if not sn and not on:
        return 1 if s > o else -1
    if not on:
        return -1
    if not sn:
        return 1
    return 1 if int(s) > int(o) else -1


def _compare_pre(a: str, b: str) -> int:
    sp, op = a.split("."), b.split(".")
    for i in range(max(len(sp), len(op))):
        d = _compare_pre_part(sp[i] if i < len(sp) else "", op[i] if i < len(op) else "")
        if d:
            return d
    return 0


def compare(v: Version, o: Version) -> int:
    """Version.Compare: -1, 0 or 1 by major, minor, patch, then prerelease (none ranks highest)."""
    for a, b in ((v.major, o.major), (v.minor, o.minor), (v.patch, o.patch)):
        if a != b:
            return -1 if a < b else 1
    if not v.pre and not o.pre:
        return 0
    if not v.pre:
        return 1
    if not o.pre:
        return -1
    return _compare_pre(v.pre, o.pre)


def _is_x(part: str) -> bool:
    return part in ("x", "X", "*")


class _Constraint(object):
    def __init__(self, op: str, con: Version, dirty: bool, minor_dirty: bool, patch_dirty: bool) -> None:
        self.op, self.con = op, con
        self.dirty, self.minor_dirty, self.patch_dirty = dirty, minor_dirty, patch_dirty


def _parse_constraint(text: str) -> _Constraint:
    m = _CONSTRAINT_RE.match(text)
    if not m:
        raise SemverError("improper constraint: %s" % text)
    op, major, minor, patch, pre = m.group(1), m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
    dirty = minor_dirty = patch_dirty = False
    version = m.group(2)
    if _is_x(major) or major == "":
        version, dirty = "0.0.0" + pre, True
    elif _is_x(minor[1:]) or minor == "":
        version, dirty, minor_dirty = "%s.0.0%s" % (major, pre), True, True
    elif _is_x(patch[1:]) or patch == "":
        version, dirty, patch_dirty = "%s%s.0%s" % (major, minor, pre), True, True
    try:
        con = parse_version(version)
    except SemverError:
        raise SemverError("constraint parser error")
    return _Constraint(op, con, dirty, minor_dirty, patch_dirty)


def _rewrite_range(text: str) -> str:
    for m in list(_RANGE_RE.finditer(text)):
        text = text.replace(m.group(0), ">= %s, <= %s " % (m.group(1), m.group(2)), 1)
    return text


def parse_constraints(text: str) -> list:
    """semver.NewConstraint: a list of OR groups, each a list of AND constraints. Raises SemverError."""
    groups = []
    for part in _rewrite_range(text).split("||"):
        if not _VALID_RE.match(part):
            from ._base import go_quote
            raise SemverError("improper constraint: %s" % go_quote(part))
        found = [m.group(0) for m in _FIND_RE.finditer(part)] or [part]
        groups.append([_parse_constraint(c) for c in found])
    return groups


def _tilde(v: Version, c: _Constraint) -> bool:
    if compare(v, c.con) < 0:
        return False
    if c.con.major == 0 and c.con.minor == 0 and c.con.patch == 0 and not c.minor_dirty and not c.patch_dirty:
        return True
    if v.major != c.con.major:
        return False
    if v.minor != c.con.minor and not c.minor_dirty:
        return False
    return True


def _caret(v: Version, c: _Constraint) -> bool:
    if compare(v, c.con) < 0:
        return False
    if c.con.major > 0 or c.minor_dirty:
        return v.major == c.con.major
    if c.con.major == 0 and v.major > 0:
        return False
    if c.con.minor > 0 or c.patch_dirty:
        return v.minor == c.con.minor
    if c.con.minor == 0 and v.minor > 0:
        return False
    return c.con.patch == v.patch


def _check(v: Version, c: _Constraint, include_pre: bool) -> bool:
    if v.pre and not include_pre:
        return False
    op, con = c.op, c.con
    if op in ("", "="):
        return _tilde(v, c) if c.dirty else compare(v, con) == 0
    if op == "!=":
        if c.dirty:
            if con.major != v.major:
                return True
            if con.minor != v.minor and not c.minor_dirty:
                return True
            if c.minor_dirty:
                return False
            if con.patch != v.patch and not c.patch_dirty:
                return True
            if c.patch_dirty:
                if v.pre or con.pre:
                    return _compare_pre(v.pre, con.pre) != 0
                return False
        return compare(v, con) != 0
    if op == ">":
        if not c.dirty:
            return compare(v, con) == 1
        if v.major != con.major:
            return v.major > con.major
        if c.minor_dirty:
            return False
        if c.patch_dirty:
            return v.minor > con.minor
        return compare(v, con) == 1
    if op == "<":
        return compare(v, con) < 0
    if op in (">=", "=>"):
        return compare(v, con) >= 0
    if op in ("<=", "=<"):
        if not c.dirty:
            return compare(v, con) <= 0
        if v.major > con.major:
            return False
        if v.major == con.major and v.minor > con.minor and not c.minor_dirty:
            return False
        return True
    if op in ("~", "~>"):
        return _tilde(v, c)
    return _caret(v, c)


def check(groups: list, v: Version) -> bool:
    """Constraints.Check: some OR group whose every constraint admits v. A prerelease version can only match
    a group in which some constraint names a prerelease."""
    for group in groups:
        include_pre = any(c.con.pre for c in group)
        if all(_check(v, c, include_pre) for c in group):
            return True
    return False


@go_func(STRING)
def semver(text):
    """Sprig semver: parse a version into an object with Major/Minor/Patch/Prerelease/... methods."""
    return parse_version(text)


@go_func(STRING, STRING)
def semverCompare(constraint, version):
    """Sprig semverCompare: whether ``version`` satisfies ``constraint``; errors for bad input."""
    groups = parse_constraints(constraint)
    return check(groups, parse_version(version))


FUNCS = {"semver": semver, "semverCompare": semverCompare}
