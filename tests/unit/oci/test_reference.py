"""oci/reference.py: parsing oci:// references, Helm's tag rule, constraint resolution against tag lists."""
from __future__ import annotations

import pytest

from ansible_collections.helmkit.core.plugins.module_utils.errors import RegistryError
from ansible_collections.helmkit.core.plugins.module_utils.oci.reference import (
    ReferenceError, parse_reference, select_tag, tag_to_version, version_to_tag)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("text, host, repository, tag, digest", [
    ("oci://ghcr.io/org/charts/podinfo", "ghcr.io", "org/charts/podinfo", "", ""),
    ("oci://localhost:5000/podinfo:6.14.1", "localhost:5000", "podinfo", "6.14.1", ""),
    ("oci://127.0.0.1:5000/a/b:1.0.0+build.1", "127.0.0.1:5000", "a/b", "1.0.0_build.1", ""),
    ("oci://reg.io/a/b@" + DIGEST, "reg.io", "a/b", "", DIGEST),
    ("oci://reg.io/a/b:1.0.0@" + DIGEST, "reg.io", "a/b", "1.0.0", DIGEST),
    ("oci://reg.io/my-org/my_chart.x", "reg.io", "my-org/my_chart.x", "", ""),
])
def test_parse(text, host, repository, tag, digest):
    ref = parse_reference(text)
    assert (ref.host, ref.repository, ref.tag, ref.digest) == (host, repository, tag, digest)
    assert ref.name == repository.rsplit("/", 1)[-1]


def test_str_round_trip_and_with_tag():
    ref = parse_reference("oci://reg.io:443/a/b:1.2.3")
    assert str(ref) == "oci://reg.io:443/a/b:1.2.3"
    assert str(ref.with_tag("2.0.0")) == "oci://reg.io:443/a/b:2.0.0"


@pytest.mark.parametrize("text, fragment", [
    ("https://reg.io/a/b", "is not an OCI reference"),
    ("oci://reg.io", "has no chart name"),
    ("oci://reg.io/", "has no chart name"),
    ("oci:///a/b", "is not a registry host"),
    ("oci://reg.io/Charts/podinfo", 'must be lower case, "Charts" has upper-case letters (use "charts")'),
    ("oci://reg.io/a/b@sha256:1234", "is not sha256:<64 lower-case hex digits>"),
    ("oci://reg.io/a/b:-bad", 'tag "-bad" is not valid'),
    ("oci://reg.io/a//b", "is not a valid repository path component"),
])
def test_malformed_references_have_clear_errors(text, fragment):
    with pytest.raises(ReferenceError) as info:
        parse_reference(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, RegistryError)


def test_registry_root_allowed_for_push_destinations():
    ref = parse_reference("oci://reg.io:5000", require_name=False)
    assert (ref.host, ref.repository) == ("reg.io:5000", "")


def test_tag_rule_round_trips():
    assert version_to_tag("1.0.0+build.5") == "1.0.0_build.5"
    assert tag_to_version("1.0.0_build.5") == "1.0.0+build.5"
    assert tag_to_version(version_to_tag("2.3.4-rc.1+x")) == "2.3.4-rc.1+x"


TAGS = ["1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1", "latest", "1.2.1_build.7", "0.9.0"]


@pytest.mark.parametrize("wanted, devel, expected", [
    ("", False, "1.10.0"),            # highest release, non-semver and prerelease tags ignored
    (None, True, "2.0.0-rc.1"),       # devel admits prereleases
    ("~1.2", False, "1.2.1_build.7"),  # build metadata comes back from "_"
    ("1.0.0", False, "1.0.0"),
    ("latest", False, "latest"),      # an existing tag is used as is
    ("<1", False, "0.9.0"),
    ("^1.0.0", False, "1.10.0"),
    ("1.2.1+build.7", False, "1.2.1_build.7"),
])
def test_select_tag(wanted, devel, expected):
    assert select_tag(TAGS, wanted, "oci://r/x", devel=devel) == expected


def test_select_tag_lists_nearest_tags_when_nothing_matches():
    with pytest.raises(RegistryError) as info:
        select_tag(TAGS, "1.3.0", "oci://r/x")
    text = str(info.value)
    assert 'oci://r/x: no tag matches version "1.3.0"' in text
    assert "nearest to it: 1.2.0, 1.2.1_build.7" in text


def test_select_tag_bad_constraint():
    with pytest.raises(RegistryError) as info:
        select_tag(TAGS, ">>1", "oci://r/x")
    assert "neither a tag nor a valid constraint" in str(info.value)
