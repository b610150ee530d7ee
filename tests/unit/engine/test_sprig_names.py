"""The Sprig function map Helm v4 ships: Masterminds/sprig/v3 functions.go genericMap without env/expandenv."""
from __future__ import annotations

import inspect

from ansible_collections.helmkit.core.plugins.module_utils.engine.sprig import FUNCS
from tests.helpers import helmref, ourrender

SPRIG_NAMES = set("""
hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate htmlDateInZone
must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle
substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric
swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent
nindent replace plural sha1sum sha256sum sha512sum adler32sum toString atoi int64 int float64 seq toDecimal split
splitList splitn toStrings until untilStep add1 add sub div mod mul randInt add1f addf subf divf mulf biggest max min
maxf minf ceil floor round join sortAlpha default empty coalesce all any compact mustCompact fromJson toJson
toPrettyJson toRawJson mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf
typeIs typeIsLike kindOf kindIs deepEqual getHostByName base dir clean ext isAbs osBase osClean osDir osExt osIsAbs
b64enc b64dec b32enc b32dec tuple list dict get set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge
mustMergeOverwrite values append push mustAppend mustPush prepend mustPrepend first mustFirst rest mustRest last
mustLast initial mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice mustSlice concat
dig chunk mustChunk bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey genSelfSignedCert
genSelfSignedCertWithKey genSignedCert genSignedCertWithKey encryptAES decryptAES randBytes uuidv4 semver
semverCompare fail regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind regexReplaceAll
mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta
urlParse urlJoin
""".split())


def test_funcs_is_sprigs_map_without_env():
    assert set(FUNCS) == SPRIG_NAMES
    assert "env" not in FUNCS and "expandenv" not in FUNCS


def test_every_name_is_defined_in_helm_and_ours():
    text = "{{ if false }}%s{{ end }}" % "".join("{{ %s }}" % name for name in sorted(SPRIG_NAMES))
    assert helmref.case_error("names", text, {}) == ""
    assert ourrender.helm_case_error("names", text, {}) == ""


def test_env_functions_are_not_defined():
    for name in ("env", "expandenv"):
        text = "{{ if false }}{{ %s \"HOME\" }}{{ end }}" % name
        expected = helmref.case_error("env", text, {})
        assert "not defined" in expected
        assert ourrender.helm_case_error("env", text, {}) == expected


def test_every_function_declares_go_parameter_types_and_has_a_docstring():
    for name, fn in FUNCS.items():
        assert inspect.getdoc(fn), name
        if name not in ("hello", "now", "uuidv4"):
            assert isinstance(getattr(fn, "go_args", None), tuple), name
