"""Masterminds/semver v3 behaviour of plugins/module_utils/semver.py, checked against real Helm v4.

The tables state the documented behaviour (Masterminds' README: ranges, wildcards, tilde, caret, prerelease
rule); every row is also asked of real Helm through Sprig so the table itself cannot drift from the reference.
"""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
from ansible_collections.helmkit.core.plugins.module_utils.semver import (
    Constraint, SemverError, Version, parse_constraint, parse_version,
)

from tests.helpers.helmref import HelmSemver


@pytest.fixture(scope="module")
def helm(tmp_path_factory):
    return HelmSemver(str(tmp_path_factory.mktemp("helm-semver")))


# (constraint, version, expected)
CHECKS = [
    # plain comparisons
    ("=1.2.3", "1.2.3", True), ("1.2.3", "1.2.4", False), ("!=1.2.3", "1.2.4", True), ("!=1.2.3", "1.2.3", False),
    (">1.2.3", "1.2.4", True), (">1.2.3", "1.2.3", False), ("<1.2.3", "1.2.2", True), ("<1.2.3", "1.2.3", False),
    (">=1.2.3", "1.2.3", True), ("=>1.2.3", "1.2.3", True), ("<=1.2.3", "1.2.3", True), ("=<1.2.3", "1.2.4", False),
    ("v1.2.3", "1.2.3", True), ("=v1.2", "v1.2.9", True),
    # missing parts act as wildcards
    ("1.2", "1.2.9", True), ("1.2", "1.3.0", False), ("1", "1.9.9", True), ("1", "2.0.0", False),
    (">1.2", "1.2.9", False), (">1.2", "1.3.0", True), (">1", "1.9.0", False), (">1", "2.0.0", True),
    ("<=1.2", "1.2.9", True), ("<=1.2", "1.3.0", False), ("<=1", "1.9.0", True), ("<1.2", "1.1.9", True),
    # wildcards
    ("*", "0.0.1", True), ("*", "99.0.0", True), ("x", "1.0.0", True), ("1.2.x", "1.2.7", True),
    ("1.2.X", "1.3.0", False), ("1.*", "1.8.0", True), ("1.x.x", "2.0.0", False), ("!=1.x", "2.0.0", True),
    ("!=1.x", "1.5.0", False), ("!=1.2.x", "1.2.5", False), ("!=1.2.x", "1.3.0", True), (">=1.2.x", "1.2.0", True),
    # tilde
    ("~1.2.3", "1.2.9", True), ("~1.2.3", "1.3.0", False), ("~1.2.3", "1.2.2", False), ("~1.2", "1.2.0", True),
    ("~1", "1.9.0", True), ("~1", "2.0.0", False), ("~>1.2", "1.2.5", True), ("~*", "3.0.0", True),
    ("~0", "0.9.0", True), ("~0", "1.0.0", False), ("~1.x", "1.4.0", True),
    # caret
    ("^1.2.3", "1.9.9", True), ("^1.2.3", "2.0.0", False), ("^1.2.3", "1.2.2", False), ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False), ("^0.0.3", "0.0.3", True), ("^0.0.3", "0.0.4", False), ("^0.0", "0.0.9", True),
    ("^0.0", "0.1.0", False), ("^0", "0.9.0", True), ("^0", "1.0.0", False), ("^1.x", "1.5.0", True),
    # sic: Masterminds' caret treats * as 0.0.0 with no wildcard, so it only admits 0.0.0
    ("^*", "0.0.0", True), ("^*", "0.5.0", False), ("^*", "5.0.0", False),
    # AND (comma or space) and OR
    (">=1.2, <2", "1.9.9", True), (">=1.2 <2", "2.0.0", False), (">= 1.2 , < 3.0.0", "2.5.0", True),
    ("<1.0 || >=2.0", "1.5.0", False), ("<1.0 || >=2.0", "2.5.0", True), ("1.2 || 2.x", "2.9.0", True),
    # hyphen ranges
    ("1.2 - 1.4.5", "1.4.5", True), ("1.2 - 1.4.5", "1.4.6", False), ("1.2 - 1.4.5", "1.2.0", True),
    ("2.3.4 - 4.5", "4.5.9", True), ("2.3.4 - 4.5", "4.6.0", False), ("1 - 2 || 5", "5.1.0", True),
    # prerelease rule
    (">1.0", "1.1.0-beta", False), (">=1.0.0-0", "1.1.0-beta", True), ("*", "1.0.0-rc.1", False),
    (">0.0.0-0", "1.0.0-rc.1", True), (">=1.0.0-0, <2.0.0", "1.5.0-beta", True),
    (">=1.0.0-0 || <2.0.0", "1.5.0-beta", True), (">=1.0.0 || <2.0.0-0", "1.5.0-beta", True),
    (">=1.0.0, <2.0.0 || <3", "1.5.0-beta", False), ("1.2.3-beta.2", "1.2.3-beta.2", True),
    (">1.2.3-alpha.1", "1.2.3-alpha.10", True), (">1.2.3-alpha.10", "1.2.3-alpha.9", False),
    ("^1.2.3-beta", "1.2.3", True), ("~1.2.3-beta", "1.2.3-alpha", False), ("!=1.2.x-beta", "1.2.0-beta", False),
    # metadata is ignored
    ("=1.2.3+build.5", "1.2.3", True), ("1.2.3", "1.2.3+other", True),
    # versions with leading zeros (CalVer) are coerced
    (">=2020.01.1", "2020.1.1", True), ("2020.1.x", "02020.01.15", True),
]


@pytest.mark.parametrize("constraint,version,expected", CHECKS)
def test_constraint_table(constraint, version, expected):
    assert parse_constraint(constraint).check(parse_version(version)) is expected


def test_constraint_table_matches_real_helm(helm):
    theirs = helm.compare([(c, v) for c, v, _unused in CHECKS])
    assert theirs == [e for _unused, _unused2, e in CHECKS]


CONSTRAINT_ERRORS = [
    ("foo", 'improper constraint: "foo"'),
    ("", 'improper constraint: ""'),
    (">1.0 <2.0 foo", 'improper constraint: ">1.0 <2.0 foo"'),
    ("1.0 || bar", 'improper constraint: " bar"'),
    (">>1", 'improper constraint: ">>1"'),
    ("1.2.3.4", 'improper constraint: "1.2.3.4"'),
    ("x" * 600, "constraint string is too long (max 512 bytes)"),
    ("||".join(["1"] * 40), "too many constraint groups (max 32)"),
]


@pytest.mark.parametrize("constraint,message", CONSTRAINT_ERRORS)
def test_constraint_errors(constraint, message):
    with pytest.raises(SemverError) as info:
        parse_constraint(constraint)
    assert str(info.value) == message
    assert isinstance(info.value, HelmkitError)


def test_constraint_errors_match_real_helm(helm):
    theirs = helm.compare([(c, "1.0.0") for c, _unused in CONSTRAINT_ERRORS])
    assert theirs == ["ERROR: " + m for _unused, m in CONSTRAINT_ERRORS]


VERSIONS = [
    ("1.2.3", (1, 2, 3, "", "", "1.2.3", "1.2.3")),
    ("v1.2", (1, 2, 0, "", "", "v1.2", "1.2.0")),
    ("1", (1, 0, 0, "", "", "1", "1.0.0")),
    ("01.002.3", (1, 2, 3, "", "", "01.002.3", "1.2.3")),
    ("1.2.3-beta.1+build.345", (1, 2, 3, "beta.1", "build.345", "1.2.3-beta.1+build.345",
                                "1.2.3-beta.1+build.345")),
    ("1.2.3+meta.01", (1, 2, 3, "", "meta.01", "1.2.3+meta.01", "1.2.3+meta.01")),
    ("1.2-rc.0", (1, 2, 0, "rc.0", "", "1.2-rc.0", "1.2.0-rc.0")),
    ("18446744073709551615.0.0", (18446744073709551615, 0, 0, "", "", "18446744073709551615.0.0",
                                  "18446744073709551615.0.0")),
]
VERSION_ERRORS = [
    ("foo", "invalid semantic version"), ("", "invalid semantic version"), ("V1.2.3", "invalid semantic version"),
    ("1.2.3.4", "invalid semantic version"), ("1.2.3-", "invalid semantic version"),
    ("1.2.3-a..b", "invalid semantic version"), ("1.2.3-01", "version segment starts with 0"),
    ("18446744073709551616.0.0",
     'error parsing version segment: strconv.ParseUint: parsing "18446744073709551616": value out of range'),
    ("1.0.0-" + "a" * 300, "version string is too long (max 256 bytes)"),
]


@pytest.mark.parametrize("text,fields", VERSIONS)
def test_parse_version(text, fields):
    v = parse_version(text)
    assert (v.Major(), v.Minor(), v.Patch(), v.Prerelease(), v.Metadata(), v.Original(), v.String()) == fields
    assert str(v) == fields[-1]
    assert isinstance(v, Version) and v.go_type == "*semver.Version"


@pytest.mark.parametrize("text,message", VERSION_ERRORS)
def test_parse_version_errors(text, message):
    with pytest.raises(SemverError) as info:
        parse_version(text)
    assert str(info.value) == message


def test_versions_match_real_helm(helm):
    cases = VERSIONS + [(t, "ERROR: " + m) for t, m in VERSION_ERRORS]
    assert helm.parse([t for t, _unused in cases]) == [f for _unused2, f in cases]


ORDERED = ["0.0.1", "1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.1",
           "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1",
           "1.2.0", "1.10.0", "2.0.0"]


def test_ordering_is_semver_precedence(helm):
    versions = [parse_version(v) for v in reversed(ORDERED)]
    assert [str(v) for v in sorted(versions)] == ORDERED
    assert parse_version("1.2.3+a") == parse_version("1.2.3+b")
    assert parse_version("v1.2") == parse_version("1.2.0")
    pairs = [(a, b) for a in ORDERED[::3] for b in ORDERED[::2]]
    ours = [parse_version(a).Compare(parse_version(b)) for a, b in pairs]
    assert ours == helm.order(pairs)


def test_increments_keep_v_prefix():
    v = parse_version("v1.2.3-rc.1+m")
    assert v.IncPatch().Original() == "v1.2.3"
    assert v.IncMinor().String() == "1.3.0"
    assert parse_version("1.2.3").IncPatch().String() == "1.2.4"
    assert v.IncMajor().Original() == "v2.0.0"


def test_constraint_accepts_strings_and_prints_normalised():
    c = parse_constraint(">= 1.2, <2 || ~3.1")
    assert isinstance(c, Constraint)
    assert c.check("1.5.0") and c.check("3.1.9") and not c.check("3.2.0")
    assert str(c) == ">=1.2 <2 || ~3.1"
    assert parse_constraint("*", include_prerelease=True).check("1.0.0-rc.1")


# Random differential testing against real Helm: small alphabets so odd corners (wildcards, missing parts,
# prereleases, separators, the "|" quirk of Masterminds' regex) come up often. Seeded, so failures reproduce.
_SEGS = ["0", "1", "2", "3", "10", "x", "*", "X", "01"]
_PRES = ["", "", "", "-0", "-alpha", "-beta.2", "-rc.1", "-1"]
_OPS = ["", "=", "!=", ">", "<", ">=", "<=", "=>", "=<", "~", "~>", "^", "> ", "  ", "<= "]
_SEPS = [" ", ", ", ",", "  ", " - ", " -", ""]


def _random_constraint(rnd):
    groups = []
    for _i in range(rnd.randint(1, 3)):
        atoms = []
        for _i in range(rnd.randint(1, 3)):
            ver = rnd.choice(["", "", "v"]) + ".".join(rnd.choice(_SEGS) for _i in range(rnd.randint(1, 3)))
            atoms.append(rnd.choice(_OPS) + ver + rnd.choice(_PRES) + rnd.choice(["", "", "+b.1"]))
        groups.append("".join(a + rnd.choice(_SEPS) for a in atoms[:-1]) + atoms[-1])
    return rnd.choice(["||", " || ", "|| "]).join(groups)


def _random_version(rnd):
    return ".".join(rnd.choice(["0", "1", "2", "3", "10"]) for _i in range(3)) + rnd.choice(_PRES)


def _ours(c, v):
    try:
        return parse_constraint(c).check(parse_version(v))
    except SemverError as exc:
        return "ERROR: " + str(exc)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_constraints_match_real_helm(helm, seed):
    import random
    rnd = random.Random(seed)
    pairs = [(_random_constraint(rnd), _random_version(rnd)) for _i in range(700)]
    ours = [_ours(c, v) for c, v in pairs]
    theirs = helm.compare(pairs)
    mismatches = [(p, o, t) for p, o, t in zip(pairs, ours, theirs) if o != t]
    assert mismatches == []
    assert len(set(map(str, ours))) > 3  # the sample exercised true, false and errors
