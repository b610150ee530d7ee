"""Fuzz the input parsers (issue 10, part 6): Helm's --set family (chart/setvalues.py), the repository index parser
(repo/index.py) and the OCI reference parser (oci/reference.py). Any input gives a result or a documented error
(a HelmkitError subclass: ValuesError, RepositoryError, ReferenceError/RegistryError), never another exception.

Same budget as test_template_fuzz.py: a fixed seed and ``HELMKIT_FUZZ_EXAMPLES`` examples (default 300); a longer
run on demand with ``HELMKIT_FUZZ_EXAMPLES=20000 HELMKIT_FUZZ_SEED=random``. Crashers found are kept below as
``@example`` regression cases.
"""
from __future__ import annotations

import os

import yaml
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from ansible_collections.helmkit.core.plugins.module_utils.chart import setvalues
from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError
from ansible_collections.helmkit.core.plugins.module_utils.oci.reference import parse_reference
from ansible_collections.helmkit.core.plugins.module_utils.repo.index import parse_index

EXAMPLES = int(os.environ.get("HELMKIT_FUZZ_EXAMPLES", "300"))
_SEED = os.environ.get("HELMKIT_FUZZ_SEED", "20261121")


def _budget(test):
    configured = settings(max_examples=EXAMPLES, deadline=None, derandomize=_SEED != "random", database=None,
                          suppress_health_check=[HealthCheck.too_slow])(test)
    return configured if _SEED == "random" else seed(int(_SEED))(configured)


SET_ALPHABET = st.sampled_from(list("ab01.,=[]{}\\-_ \"'x9") + ["\u00e9", "\n", "true", "null", "{\"k\":1}"])
set_text = st.lists(SET_ALPHABET, max_size=40).map("".join)


@_budget
@given(set_text, st.sampled_from(["parse_set", "parse_set_string", "parse_set_json", "parse_set_literal"]))
@example("a[0", "parse_set")
@example("a[1]=1,a[0]=2,a.b=3", "parse_set")
@example("a={", "parse_set_json")
@example("a[99999999999]=1", "parse_set")
def test_set_parsers_return_values_or_a_values_error(text, func):
    try:
        result = getattr(setvalues, func)(text)
    except HelmkitError as exc:
        assert str(exc)
        return
    assert isinstance(result, dict)


_scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6),
                    st.sampled_from(["1.0.0", "v2.1.3-rc.1", ">=1", "", "latest"]))
_version = st.dictionaries(st.sampled_from(["name", "version", "urls", "digest", "created", "apiVersion", "deprecated",
                                            "dependencies", "appVersion"]),
                           st.one_of(_scalar, st.lists(_scalar, max_size=3)), max_size=6)
_index = st.fixed_dictionaries({"apiVersion": st.one_of(st.just("v1"), _scalar),
                                "entries": st.one_of(_scalar, st.dictionaries(st.text(max_size=5),
                                                                              st.one_of(_scalar,
                                                                                        st.lists(_version,
                                                                                                 max_size=3)),
                                                                              max_size=3))})


@_budget
@given(st.one_of(_index.map(lambda doc: yaml.safe_dump(doc).encode()), st.binary(max_size=200)))
@example(b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: [1]\n")
@example(b"apiVersion: v1\nentries: [1, 2]\n")
@example(b"\xff\xfe")
@example(b"apiVersion: v1\nentries:\n  ? ''\n  : true\n")  # crasher: versions not a list (TypeError)
def test_index_parser_returns_an_index_or_a_repository_error(data):
    try:
        index = parse_index(data)
    except HelmkitError as exc:
        assert str(exc)
        return
    assert isinstance(index.entries, dict)


_ref_part = st.lists(st.sampled_from(list("abcAZ09.-_/:@+") + ["sha256:", "oci://", "localhost:5000", "%"]),
                     max_size=20).map("".join)


@_budget
@given(st.one_of(_ref_part.map(lambda tail: "oci://" + tail), _ref_part), st.booleans())
@example("oci://host/name@sha256:zz", True)
@example("oci://host:99999/name:1.0.0+build", True)
@example("oci://", False)
def test_oci_reference_parser_returns_a_reference_or_a_documented_error(ref, require_name):
    try:
        parsed = parse_reference(ref, require_name=require_name)
    except HelmkitError as exc:
        assert str(exc)
        return
    assert parsed is not None
