"""Sprig functions checked against real Helm v4: one template per function family, one line per case, rendered
by helm_python and by our engine (engine/helm.py with sprig.FUNCS); outputs must be byte-identical."""
from __future__ import annotations

import pytest

from tests.helpers import helmref, ourrender

VALUES = {
    "s": "Hello World", "n": 3, "f": 1.5, "neg": -2.75, "zero": 0, "t": True, "no": False, "empty": "",
    "l": ["b", "a", "c", "a"], "nums": [3, 1, 2], "mixed": [1, "a", None, True, 2.5, {"k": "v"}, ["x"]],
    "el": [], "m": {"b": 2, "a": 1, "c": {"d": "deep", "e": [1, 2]}}, "em": {}, "nil": None,
    "uni": "h\u00e9llo w\u00f6rld \u2603", "html": "<a href=\"x\">'&'</a>", "big": 12345678901234567890,
    "numstr": "42", "hexstr": "0x1F", "fstr": "3.75", "ver": "1.21.3-gke.100",
    "nested": {"a": {"b": {"c": "found"}}, "list": [{"name": "x"}, {"name": "y"}]},
    "dst": {"a": 1, "keep": "k", "sub": {"x": 1, "l": [1]}, "el": [], "nil": None, "es": ""},
    "src": {"a": 2, "new": "n", "sub": {"x": 9, "y": 2, "l": [9]}, "el": [5], "nil": "set", "es": "filled",
            "null": None},
}

STRINGS = r"""{{ trunc 5 "hello world" }}|{{ trunc -5 "hello world" }}|{{ trunc 0 "abc" }}|{{ trunc 20 "abc" }}|{{ trunc -20 "abc" }}
{{ trim "  \t a b \n " }}|{{ trimAll "$-" "$-a$b-$" }}|{{ trimall "x" "xxaxx" }}|{{ trimPrefix "he" "hello" }}|{{ trimSuffix "lo" "hello" }}|
{{ trimSuffix "" "x" }}
{{ upper .Values.uni }}|{{ lower "HeLLo ÀÉ" }}|{{ title "hello wORLD foo_bar x-y 9a" }}|{{ untitle "Hello World ABC" }}
{{ substr 1 3 "abcdef" }}|{{ substr -1 3 "abcdef" }}|{{ substr 2 -1 "abcdef" }}|{{ substr 2 99 "abcdef" }}
{{ repeat 3 "ab" }}|{{ repeat 0 "x" }}|{{ nospace " a b\tc\nd " }}|{{ initials "hello big world" }}|{{ initials "  x  y" }}
{{ swapcase "Hello World abc" }}|{{ wrap 5 "the quick brown fox jumps" }}|{{ wrapWith 5 "<br>" "the quick brownfoxjumps" }}|{{ wrap 3 "abcdefgh ij" }}
{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello world" }}|{{ abbrev 20 "hi" }}|{{ abbrevboth 5 10 "1234567890123456789" }}|{{ abbrevboth 0 6 "abcdefghij" }}
{{ contains "ll" "hello" }}|{{ hasPrefix "he" "hello" }}|{{ hasSuffix "lo" "hello" }}|{{ contains "z" "hello" }}
{{ quote "a\"b" 1 nil 2.5 true .Values.l }}|{{ quote }}|{{ quote .Values.nil }}|{{ squote "a" 1 nil .Values.m }}|{{ quote .Values.uni "\t\x01" }}
{{ cat "a" 1 nil 2.5 .Values.l }}|{{ cat }}|{{ cat "" "x" }}
{{ indent 2 "a\nb" }}|{{ nindent 4 "x\n\ny" }}|{{ indent 0 "z" }}
{{ replace "a" "b" "banana" }}|{{ replace "" "-" "abc" }}|{{ plural "one" "many" 1 }}|{{ plural "one" "many" 2 }}
{{ sha1sum "abc" }}|{{ sha256sum "abc" }}|{{ sha512sum "" }}|{{ adler32sum "Wikipedia" }}
{{ toString 1 }}|{{ toString 1.5 }}|{{ toString nil }}|{{ toString .Values.l }}|{{ toString .Values.m }}|{{ toString true }}|{{ toString .Values.f }}|
{{ toString .Values.big }}
{{ split "," "a,b,,c" }}|{{ (split "." "x.y")._1 }}|{{ splitn "," 2 "a,b,c" }}|{{ splitList "," "a,b,,c" }}|{{ splitList "" "abc" }}|
{{ splitList "," "" }}|{{ splitn "," 0 "a,b" }}
{{ toStrings .Values.mixed }}|{{ toStrings "x" }}|{{ toStrings nil }}|{{ join "-" .Values.mixed }}|{{ join "," "abc" }}|{{ join "," nil }}|
{{ join ", " .Values.nums }}
{{ sortAlpha .Values.l }}|{{ sortAlpha .Values.mixed }}|{{ sortAlpha "x" }}|{{ sortAlpha (list "B" "a" "é" "A" "10" "9") }}
{{ snakecase "HTTPServerError" }}|{{ camelcase "foo_bar_baz" }}|{{ kebabcase "MyFavoriteThing" }}
{{ b64enc "hello" }}|{{ b64dec "aGVsbG8=" }}|{{ b64dec "!!bad" }}|{{ b32enc "hello" }}|{{ b32dec "NBSWY3DP" }}|{{ b64enc .Values.uni }}
{{ hello }}|{{ len (randAlphaNum 0) }}|{{ shuffle "" }}|{{ len (shuffle "abc") }}
"""

CONVERSION = r"""{{ int "42" }}|{{ int "0x1F" }}|{{ int "017" }}|{{ int "1_000" }}|{{ int "8.00" }}|{{ int "8.5" }}|{{ int "abc" }}|{{ int "" }}|
{{ int nil }}|{{ int true }}|{{ int 3.99 }}|{{ int -3.99 }}|{{ int .Values.f }}|{{ int "-0b101" }}|{{ int " 1" }}|{{ int "1." }}|{{ int "+7" }}
{{ int64 "9223372036854775807" }}|{{ int64 "9223372036854775808" }}|{{ int64 .Values.big }}|{{ int64 1e300 }}|{{ int64 "0o17" }}|{{ int64 .Values.m }}
{{ float64 "3.75" }}|{{ float64 "1e3" }}|{{ float64 "abc" }}|{{ float64 "inf" }}|{{ float64 "-Infinity" }}|{{ float64 "0x1p-2" }}|{{ float64 "1_0.5" }}|
{{ float64 "1e400" }}|{{ float64 3 }}|{{ float64 true }}|{{ float64 nil }}|{{ float64 ".5" }}
{{ atoi "42" }}|{{ atoi "4.2" }}|{{ atoi "-7" }}|{{ atoi "0x10" }}|{{ atoi "" }}|{{ toDecimal "0777" }}|{{ toDecimal 777 }}|{{ toDecimal "9" }}|
{{ toDecimal .Values.n }}
{{ typeOf (int "1") }}|{{ typeOf (float64 "1") }}|{{ typeOf (atoi "1") }}
"""

MATH = r"""{{ add 1 2 3 }}|{{ add }}|{{ add "5" 1.9 nil }}|{{ add .Values.f .Values.n }}|{{ add1 .Values.f }}|{{ add1 "x" }}|{{ sub 5 7 }}|{{ sub .Values.f 1 }}
{{ mul 2 3 4 }}|{{ mul "3" }}|{{ div 7 2 }}|{{ div -7 2 }}|{{ mod 7 3 }}|{{ mod -7 3 }}|{{ mul 9223372036854775807 2 }}
{{ max 1 5 3 }}|{{ max -1 }}|{{ min 4 2 8 }}|{{ biggest 1 "9" }}|{{ maxf 1.5 2 -3 }}|{{ minf 1.5 2 -3 }}|{{ maxf "x" }}
{{ round 1.2345 3 1 }}|{{ round 1.5 0 .Values.f }}|{{ round 1.5 0 0 }}|{{ ceil 1.2 }}|{{ floor 1.8 }}|{{ floor -1.2 }}|{{ ceil "2.1" }}|
{{ round 3.14159 2 }}|{{ round 2.5 0 }}|{{ round -2.5 0 }}|{{ round 1.2345 3 0.4 }}|{{ round 123.456 -1 }}
{{ addf 1.1 2.2 }}|{{ add1f 0.1 }}|{{ subf 1 0.9 }}|{{ mulf 0.1 3 }}|{{ divf 1 3 }}|{{ divf 10 4 }}|{{ addf }}|{{ mulf 1.5 "2" }}|{{ divf 2 3 }}
{{ until 5 }}|{{ until -3 }}|{{ until 0 }}|{{ untilStep 0 10 3 }}|{{ untilStep 10 0 -3 }}|{{ untilStep 0 10 -1 }}|{{ untilStep 5 5 1 }}
{{ seq 5 }}|{{ seq -2 }}|{{ seq 2 5 }}|{{ seq 5 2 }}|{{ seq 1 2 10 }}|{{ seq 10 -3 1 }}|{{ seq 1 -1 5 }}|{{ seq }}|{{ seq 0 }}
{{ typeOf (semver "1.2.3").Major }}|{{ (semver "1.2.3").Major | add1 }}|{{ typeOf (chunk 2 (list 1 2 3)) }}|{{ typeOf (slice (splitList "," "a,b") 1) }}|
{{ typeOf (reverse (splitList "," "a,b")) }}|{{ typeOf (toDate "2006" "2020").Unix }}|{{ typeOf (add 1 2) }}|{{ kindOf (sub 1 2) }}|
{{ typeOf (int64 1) }}|{{ typeOf (toDecimal 7) }}|{{ typeOf (max 1 2) }}|{{ deepEqual (add 1 0) 1 }}|{{ has (add 1 0) (list 1) }}|{{ eq (add 1 1) 2 }}|
{{ printf "%d %v %T" (mul 2 3) (div 7 2) (mod 7 2) }}|{{ index (list 1 2 3) (sub 2 1) }}|{{ duration (int64 90) }}|
{{ durationRound (int64 3700000000000) }}|{{ toJson (add 1 2) }}|{{ toYaml (dict "a" (add 1 2)) }}|{{ typeOf (ceil 1) }}|{{ typeOf (until 2) }}|
{{ typeOf (addf 1 2) }}|{{ typeOf (append (until 2) 1) }}|{{ deepEqual (until 2) (list 0 1) }}
"""

DEFAULTS = r"""{{ default "d" .Values.empty }}|{{ default "d" .Values.s }}|{{ default "d" .Values.zero }}|{{ default "d" .Values.nil }}|
{{ default "d" .Values.missing }}|{{ default "d" .Values.el }}|{{ default "d" .Values.em }}|{{ default "d" .Values.no }}|{{ default "d" .Values.t }}|
{{ default "d" .Values.l }}|{{ default 5 0 }}|{{ default "d" }}
{{ empty "" }}|{{ empty 0 }}|{{ empty 0.0 }}|{{ empty .Values.el }}|{{ empty .Values.m }}|{{ empty nil }}|{{ empty false }}|{{ empty "0" }}|
{{ empty .Values.f }}
{{ coalesce .Values.nil "" 0 "x" "y" }}|{{ coalesce nil }}|{{ coalesce }}|{{ coalesce .Values.em .Values.m.a }}
{{ all 1 "a" true }}|{{ all 1 "" }}|{{ all }}|{{ any 0 "" "x" }}|{{ any 0 nil }}|{{ any }}
{{ ternary "y" "n" true }}|{{ ternary "y" "n" false }}|{{ true | ternary 1 2 }}|{{ ternary .Values.l .Values.m .Values.t }}
{{ compact (list 1 0 "" nil "a" false .Values.em) }}|{{ mustCompact .Values.l }}
"""

LISTS = r"""{{ list 1 "a" nil }}|{{ list }}|{{ tuple 1 2 }}|{{ append .Values.l "z" }}|{{ push .Values.nums 4 }}|{{ mustAppend .Values.el 1 }}|
{{ prepend .Values.l "z" }}|{{ .Values.l }}
{{ first .Values.l }}|{{ first .Values.el }}|{{ last .Values.l }}|{{ last .Values.el }}|{{ rest .Values.l }}|{{ rest .Values.el }}|
{{ initial .Values.l }}|{{ initial .Values.el }}
{{ reverse .Values.nums }}|{{ reverse .Values.el }}|{{ uniq .Values.l }}|{{ uniq (list 1 1.0 "1" 1 (list 1) (list 1) (dict "a" 1) (dict "a" 1)) }}|
{{ without .Values.l "a" "c" }}|{{ without (list 1 2 1.0) 1 }}
{{ has "a" .Values.l }}|{{ has "z" .Values.l }}|{{ has 1 (list 1.0) }}|{{ has 3.0 .Values.nums }}|{{ has "x" nil }}|{{ mustHas (list 1) (list (list 1)) }}
{{ slice .Values.l 1 3 }}|{{ slice .Values.l 2 }}|{{ slice .Values.l }}|{{ slice .Values.el }}|{{ slice .Values.l "1" "2" }}
{{ concat .Values.l .Values.nums .Values.el }}|{{ concat }}|{{ chunk 2 .Values.l }}|{{ chunk 3 (list 1 2 3 4 5 6 7) }}|{{ chunk 2 .Values.el }}
{{ first (list (list 1 2)) }}|{{ typeOf (splitList "," "a") }}|{{ typeOf (split "," "a") }}|{{ typeOf (keys .Values.m) }}|
{{ typeOf (regexFindAll "a" "a" -1) }}|{{ typeOf (toStrings .Values.l) }}|{{ typeOf (uniq .Values.l) }}|{{ typeOf (sortAlpha .Values.l) }}|
{{ typeOf (regexSplit "a" "bab" -1) }}|{{ len (until 3 | reverse) }}|{{ sortAlpha (keys .Values.m) }}
"""

DICTS = r"""{{ dict "a" 1 "b" "x" }}|{{ dict }}|{{ dict "odd" }}|{{ dict 1 2 true 3 nil 4 }}|{{ get .Values.m "a" }}|{{ get .Values.m "zz" }}|
{{ get .Values.m "c" }}
{{ $d := dict "a" 1 }}{{ set $d "b" 2 }}|{{ $d }}|{{ unset $d "a" }}|{{ unset $d "zz" }}|{{ hasKey .Values.m "a" }}|{{ hasKey .Values.m "z" }}|
{{ hasKey nil "a" }}
{{ pluck "a" .Values.m .Values.em (dict "a" "x") }}|{{ keys .Values.em }}|{{ keys (dict "k" 1) }}|{{ sortAlpha (keys .Values.m (dict "z" 1)) }}
{{ pick .Values.m "a" "c" "zz" }}|{{ omit .Values.m "a" "zz" }}|{{ pick nil "a" }}|{{ values (dict "a" 1) }}|{{ values .Values.em }}
{{ $x := deepCopy .Values.dst }}{{ merge $x .Values.src }}|{{ $y := deepCopy .Values.dst }}{{ mergeOverwrite $y .Values.src }}
{{ $z := deepCopy .Values.dst }}{{ mergeOverwrite $z nil .Values.em }}|{{ merge (dict) .Values.src .Values.dst }}|
{{ merge (dict "a" (dict "b" 1)) (dict "a" "str") }}|{{ mergeOverwrite (dict "a" (dict "b" 1)) (dict "a" "str") }}
{{ mergeOverwrite (dict "a" "str") (dict "a" (dict "b" 1)) }}|{{ merge (dict "a" nil) (dict "a" (dict "b" 1)) }}|
{{ merge (dict "l" (list 1)) (dict "l" (list 2) "x" (list)) }}|{{ mergeOverwrite (dict "l" (list 1)) (dict "l" (list)) }}
{{ mustMerge (dict "a" 0 "b" false) (dict "a" 5 "b" true) }}|{{ mustMergeOverwrite (dict "a" 1) (dict "a" 0) }}|
{{ merge (dict "a" (dict)) (dict "a" (dict "q" 1)) }}
{{ dig "a" "b" "c" "def" .Values.nested }}|{{ dig "a" "x" "def" .Values.nested }}|{{ dig "list" "def" .Values.nested }}|{{ dig "zz" nil .Values.nested }}
{{ $c := deepCopy .Values.m }}{{ $_ := set $c.c "d" "changed" }}{{ .Values.m.c.d }}|{{ deepCopy 1 }}
{{ rest (list 1) | toJson }}|{{ rest (list) | toJson }}|{{ initial .Values.el | toJson }}|{{ regexFindAll "x" "abc" -1 | toJson }}|{{ concat | toJson }}|
{{ concat (list) .Values.el | toJson }}|{{ dict "a" (rest (list)) | toYaml }}|{{ list (initial (list)) | toJson }}|{{ rest (list) | toYamlPretty }}|
{{ rest (list) | toPrettyJson }}|{{ deepEqual (concat) (list) }}|{{ deepEqual (rest (list)) (regexFindAll "x" "y" -1 | rest) }}|
{{ append (concat) 1 | toJson }}
{{ hasKey nil "a" }}|{{ $n := .Values.nil }}{{ hasKey $n "a" }}|{{ merge (dict) nil }}|{{ .Values.nil | keys }}|{{ $.Values.nil | keys }}|
{{ hasKey (index .Values "nil") "a" }}|{{ include "nilmap" .Values.nil }}|{{ template "nilmap" .Values.missing }}|
{{ range list nil (dict "a" 1) }}{{ include "nilmap" . }}{{ keys (.) }}{{ . | keys }}{{ with . }}{{ keys . }}{{ end }}{{ end }}|
{{ range $v := list nil }}{{ $w := $v }}{{ keys $w }}{{ $v | keys }}{{ end }}|
{{ range $i := until 2 }}{{ add1 $i }}{{ end }}{{ define "nilmap" }}{{ keys . }}{{ end }}
"""

REFLECT = r"""{{ typeOf .Values.s }}|{{ typeOf .Values.f }}|{{ typeOf .Values.m }}|{{ typeOf .Values.l }}|{{ typeOf .Values.nil }}|{{ typeOf 1 }}|
{{ typeOf true }}|{{ typeOf (list) }}|{{ typeOf (dict) }}
{{ kindOf .Values.s }}|{{ kindOf .Values.f }}|{{ kindOf .Values.m }}|{{ kindOf .Values.l }}|{{ kindOf .Values.nil }}|{{ kindOf 1 }}|{{ kindOf true }}
{{ typeIs "string" .Values.s }}|{{ typeIs "float64" .Values.n }}|{{ typeIs "int" .Values.n }}|{{ typeIsLike "string" "x" }}|{{ kindIs "map" .Values.m }}|
{{ kindIs "slice" .Values.l }}|{{ kindIs "invalid" .Values.missing }}
{{ deepEqual .Values.l .Values.l }}|{{ deepEqual 1 1.0 }}|{{ deepEqual (list 1 2) (list 1 2) }}|{{ deepEqual (dict "a" 1) (dict "a" 1) }}|
{{ deepEqual nil nil }}|{{ deepEqual .Values.m .Values.em }}|{{ deepEqual "a" "a" }}
"""

REGEX = r"""{{ regexMatch "^[a-z]+$" "abc" }}|{{ regexMatch "^[a-z]+$" "ab1" }}|{{ regexMatch "[" "x" }}|{{ regexMatch "^[\\w-\\.]+$" "a-b.c" }}|
{{ regexMatch "a$" "a\n" }}|{{ regexMatch "(?m)a$" "a\nb" }}|{{ regexMatch "^\\d+\\z" "12" }}
{{ regexFind "[0-9]+" "abc123def456" }}|{{ regexFind "x" "abc" }}|{{ regexFindAll "[0-9]" "a1b2c3" -1 }}|{{ regexFindAll "[0-9]" "a1b2c3" 2 }}|
{{ regexFindAll "[0-9]" "a1b2c3" 0 }}|{{ regexFindAll "x*" "abxd" -1 }}
{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|
{{ regexReplaceAll "(?P<first>\\w+) (?P<last>\\w+)" "John Smith" "$last, $first" }}|{{ regexReplaceAll "x*" "abxd" "-" }}|
{{ regexReplaceAll "a" "aaa" "$$" }}|{{ regexReplaceAll "(a)" "aa" "$2|$x|${1" }}
{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}|{{ regexReplaceAll "[^a-zA-Z0-9-]" "my_app.v1" "-" }}|
{{ regexReplaceAll "(?<word>\\w+)" "hi you" "<${word}>" }}|{{ regexReplaceAll "^" "abc" ">" }}|{{ regexReplaceAll "$" "abc" "<" }}
{{ regexSplit "z+" "pizza" -1 }}|{{ regexSplit "z+" "pizza" 1 }}|{{ regexSplit "" "abc" -1 }}|{{ regexSplit "a" "banana" 2 }}|{{ regexSplit "x" "" -1 }}|
{{ regexSplit "," "a,b" 0 }}|{{ regexSplit "a*" "baaac" -1 }}
{{ regexQuoteMeta "1.2.3+[x]" }}|{{ regexMatch "[[:alpha:]]+[[:digit:]]" "ab1" }}|{{ regexFind "(?i)HELLO" "say hello" }}|
{{ regexFind "\\Qa.b\\E" "xa.by" }}|{{ regexFind "[^\\s]+" "  word  " }}|{{ regexFind "\\bis\\b" "this is" }}
{{ mustRegexReplaceAllLiteral "\\." "a.b.c" "_" }}|{{ mustRegexSplit "\\s*,\\s*" "a , b,c" -1 }}|{{ regexFindAll "(a|ab)(c|bcd)(d*)" "abcd" -1 }}|
{{ regexFind "a{2}" "caab" }}|{{ regexFind "a{,2}" "a{,2}" }}
"""

SEMVER = r"""{{ semverCompare ">=1.21-0" .Values.ver }}|{{ semverCompare "^1.2.0" "1.9.9" }}|{{ semverCompare "~1.2.0" "1.3.0" }}|
{{ semverCompare ">=1.2.3 <2.0.0 || >=3" "3.1.0" }}|{{ semverCompare "1.2.x" "1.2.99" }}|{{ semverCompare "<1.19-0" "v1.18.20" }}
{{ semverCompare "!=1.2.3" "1.2.4" }}|{{ semverCompare "=1.2.3" "1.2.3" }}|{{ semverCompare "1.1 - 1.3" "1.3.5" }}|
{{ semverCompare ">= 1.2, < 3.0.0" "2.0.0" }}|{{ semverCompare "*" "1.0.0" }}|{{ semverCompare ">1.2.3-alpha.9" "1.2.3-alpha.10" }}
{{ semver "1.2.3-beta.1+build.5" }}|{{ (semver "v2.5").Major }}|{{ (semver "v2.5").Minor }}|{{ (semver "2.5.7").Patch }}|
{{ (semver "1.0.0-rc1").Prerelease }}|{{ (semver "1.0.0+meta").Metadata }}|{{ (semver "v1.0").Original }}
{{ (semver "1.2.3").Compare (semver "1.2.3") }}|{{ (semver "1.0.0-alpha").Compare (semver "1.0.0") }}|
{{ (semver "1.10.0").GreaterThan (semver "1.9.0") }}|{{ (semver "1.2.3").Equal (semver "v1.2.3") }}|{{ typeOf (semver "1.0.0") }}
{{ deepEqual (semver "1.2.3") (semver "v1.2.3") }}|{{ deepEqual (semver "1.2.3+a") (semver "1.2.3+b") }}|
{{ deepEqual (semver "1.2.3") (semver "1.2.3") }}|{{ eq (semver "1.2.3") (semver "1.2.3") }}|{{ $v := semver "1.0.0" }}{{ eq $v $v }}|
{{ (semver "v1.2.3").IncPatch }}|{{ kindOf (semver "1") }}|{{ (semver "1.2.3").LessThanEqual (semver "1.2.3") }}
"""

PATHS = r"""{{ base "/a/b/c.txt" }}|{{ base "" }}|{{ base "/" }}|{{ base "a/b/" }}|{{ dir "/a/b/c" }}|{{ dir "c" }}|{{ dir "" }}|{{ dir "/a/" }}
{{ clean "a//b/./c/../d/" }}|{{ clean "" }}|{{ clean "/../x" }}|{{ clean "../../a" }}|{{ ext "x.tar.gz" }}|{{ ext "a.b/c" }}|{{ ext "" }}|
{{ isAbs "/x" }}|{{ isAbs "x" }}
{{ osBase "/a/b" }}|{{ osDir "/a/b" }}|{{ osClean "a/../.." }}|{{ osExt "f.yaml" }}|{{ osIsAbs "/" }}
"""

URLS = r"""{{ urlParse "https://user:pw@example.com:8443/a/b%20c?q=1&r=2#frag" }}|{{ urlParse "mailto:joe@example.com" }}|{{ urlParse "/just/path" }}|
{{ (urlParse "http://[::1]:80/").hostname }}
{{ urlJoin (dict "scheme" "https" "host" "example.com" "path" "/a b" "query" "x=1" "fragment" "f g") }}|{{ urlJoin (dict "host" "h" "path" "p") }}|
{{ urlJoin (dict "scheme" "mailto" "opaque" "joe@x") }}|{{ urlJoin (urlParse "http://u@h:1/p?q#f") }}|{{ urlJoin (dict "path" "a:b/c") }}
"""

DATES = r"""{{ date "2006-01-02 15:04:05 Mon Jan _2 3PM .000" 86400 }}|{{ dateInZone "Monday, 02-Jan-06 15:04:05 MST Z07:00" 1700000000 "Asia/Tokyo" }}|
{{ htmlDate 1700000000 }}|{{ htmlDateInZone 1700000000 "America/Los_Angeles" }}
{{ toDate "2006-01-02" "2024-02-29" }}|{{ toDate "2006-01-02T15:04:05Z07:00" "2024-01-01T10:20:30+05:30" | unixEpoch }}|{{ toDate "2006-01-02" "x" }}|
{{ dateModify "-1.5h" (toDate "2006-01-02" "2024-03-01") }}|{{ dateModify "xx" (toDate "2006" "2020") }}
{{ duration "95" }}|{{ duration "3661" }}|{{ duration "-5" }}|{{ duration 90 }}|{{ durationRound "49h" }}|{{ durationRound "800h" }}|
{{ durationRound "9000h" }}|{{ durationRound "90s" }}|{{ durationRound "1.5ms" }}
{{ date "2006" (toDate "2006-01-02" "1999-12-31") }}|{{ (toDate "2006-01-02" "2024-02-29").Year }}|{{ typeOf now }}|{{ now | date "2006" | len }}|
{{ ago (now | dateModify "-2m") }}|{{ toDate "Jan 2 2006 3:04pm" "Feb 9 2021 1:05am" }}
"""

CRYPTO = r"""{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 2 "maximum" "secret" "me" "site.org" }}|
{{ derivePassword 1 "pin" "p" "u" "s" }}|{{ derivePassword 1 "nope" "p" "u" "s" }}
{{ decryptAES "key" (encryptAES "key" "plain text") }}|{{ encryptAES "k" "" }}|{{ len (randBytes 12) }}|{{ htpasswd "a:b" "pw" }}
{{ genPrivateKey "nope" }}|{{ (genCA "x" 3).Key | trunc 31 }}|{{ (genCA "x" 3).Cert | trunc 27 }}|{{ typeOf (genCA "x" 3) }}|
{{ genPrivateKey "ecdsa" | trunc 30 }}|{{ genPrivateKey "ed25519" | trunc 27 }}
"""

FAMILIES = {
    "strings": STRINGS, "conversion": CONVERSION, "math": MATH, "defaults": DEFAULTS, "lists": LISTS,
    "dicts": DICTS, "reflect": REFLECT, "regex": REGEX, "semver": SEMVER, "paths": PATHS, "urls": URLS,
    "dates": DATES, "crypto": CRYPTO,
}


@pytest.fixture(scope="module")
def reference():
    return helmref.render_cases(FAMILIES, VALUES)


@pytest.fixture(scope="module")
def ours():
    return ourrender.render_helm_cases(FAMILIES, VALUES)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_matches_helm(family, reference, ours):
    expected = reference[family].split("\n")
    got = ours[family].split("\n")
    assert len(got) == len(expected)
    for line, (want, have) in enumerate(zip(expected, got), 1):
        assert have == want, "%s line %d" % (family, line)


ERROR_VALUES = {"f": 1.5, "s": "x", "l": [1], "nil": None}

# Templates that fail in Helm; our error message (position, node, Go's text) must be the same.
ERRORS = [
    '{{ append "str" 1 }}',
    '{{ first 1 }}',
    '{{ prepend nil 1 }}',
    '{{ concat (list 1) "x" }}',
    '{{ slice (list 1 2) 1 5 }}',
    '{{ slice "abc" 1 }}',
    '{{ chunk 0 (list 1) }}',
    '{{ chunk -1 (list 1) }}',
    '{{ dig "a" (dict) }}',
    '{{ dig "a" "b" "d" (dict "a" "x") }}',
    '{{ dig 1 "d" (dict "a" "x") }}',
    '{{ div 1 0 }}',
    '{{ mod 1 0 }}',
    '{{ substr 2 1 "abc" }}',
    '{{ substr -1 10 "abc" }}',
    '{{ substr 5 -1 "abc" }}',
    '{{ repeat -1 "x" }}',
    '{{ regexFind "(" "x" }}',
    '{{ mustRegexMatch "[" "x" }}',
    '{{ regexReplaceAll "a**" "x" "y" }}',
    '{{ regexFind "a{2}{3}" "x" }}',
    '{{ regexFind "[\\\\Q]\\\\E]" "x" }}',
    '{{ regexFind "(?P<x>a)(?P=x)" "x" }}',
    '{{ regexFind "(a)\\\\1" "x" }}',
    '{{ regexFind "(?=a)" "x" }}',
    '{{ regexFind "(?<!a)b" "x" }}',
    '{{ regexFind "a++" "x" }}',
    '{{ regexFind "x{1001}" "x" }}',
    '{{ regexFind "a{3,2}" "x" }}',
    '{{ regexFind "[z-a]" "x" }}',
    '{{ regexFind "\\\\Z" "x" }}',
    '{{ regexFind "\\\\C" "x" }}',
    '{{ regexFind "[[:foo:]]" "x" }}',
    '{{ regexFind "(?#comment)" "x" }}',
    '{{ regexFind "\\\\u0041" "x" }}',
    '{{ regexFind "*a" "x" }}',
    '{{ regexFind "a)" "x" }}',
    '{{ regexFind "(a" "x" }}',
    '{{ mustRegexFind "[a" "x" }}',
    '{{ mustRegexFindAll "\\\\8" "x" -1 }}',
    '{{ mustRegexReplaceAll "(?P<>a)" "x" "y" }}',
    '{{ mustRegexSplit "\\\\p{Nope}" "x" -1 }}',
    '{{ semver "x" }}',
    '{{ semverCompare "bad" "1.0.0" }}',
    '{{ semver "99999999999999999999.0.0" }}',
    '{{ semver "1.%s" }}' % ("1" * 300),
    '{{ semverCompare "%s" "1.0.0" }}' % "||".join(["1"] * 40),
    '{{ semverCompare "\\a>1" "1.0.0" }}',
    '{{ semverCompare "\\u0085>1" "1.0.0" }}',
    '{{ semverCompare ">1" "x" }}',
    # a nil map entry is a nil interface {}: no typed parameter takes it (only literal nil and variables do)
    '{{ hasKey .Values.nil "a" }}',
    '{{ merge (dict) .Values.missing }}',
    '{{ keys $.Values.nil }}',
    '{{ keys (.Values).nil }}',
    '{{ with $v := .Values }}{{ pick $v.nil "a" }}{{ end }}',
    '{{ $d := dict "n" nil }}{{ get $d.n "a" }}',
    '{{ upper .Values.nil }}',
    '{{ range list nil }}{{ hasKey . "a" }}{{ end }}',
    '{{ range .Values.l }}{{ keys . }}{{ end }}',
    '{{ range $v := list nil }}{{ hasKey $v "a" }}{{ end }}',
    '{{ range $k, $v := dict "k" nil }}{{ keys $v }}{{ end }}',
    '{{ mustToDate "2006" "x" }}',
    '{{ mustDateModify "x" now }}',
    '{{ trunc .Values.f "x" }}',
    '{{ upper 1 }}',
    '{{ upper .Values.f }}',
    '{{ set nil "a" 1 }}',
    '{{ randInt 5 1 }}',
    '{{ mustFromJson "" }}',
    '{{ mustFromJson "{" }}',
    '{{ mustFromJson "nul" }}',
    '{{ mustFromJson "NaN" }}',
    '{{ mustFromJson "{\\"a\\":1}x" }}',
    '{{ mustFromJson "1e400" }}',
    '{{ mustFromJson "[1 2]" }}',
    '{{ mustFromJson "{\\"a\\" 1}" }}',
    '{{ mustFromJson "{1:2}" }}',
    '{{ mustFromJson "\\"abc" }}',
    '{{ mustFromJson "-" }}',
    '{{ mustFromJson "01" }}',
    '{{ mustFromJson "\\"\\\\x\\"" }}',
    '{{ urlParse "%zz" }}',
    '{{ urlParse ":x" }}',
    '{{ addf "inf" 0 }}',
    '{{ mulf 1 "NaN" }}',
    '{{ urlParse "http://h:port/" }}',
    '{{ urlParse "http://h/a\\tb" }}',
    '{{ urlParse "http://h/%zz" }}',
    '{{ decryptAES "k" "short" }}',
    '{{ decryptAES "k" "!!" }}',
    '{{ genSignedCert "x" nil nil 1 (dict) }}',
    '{{ genSelfSignedCert "x" (list 1) nil 1 }}',
    '{{ genSelfSignedCert "x" (list "bad") nil 1 }}',
    '{{ genSelfSignedCert "x" nil (list 2) 1 }}',
    '{{ genCAWithKey "x" 1 "nope" }}',
    '{{ unixEpoch 1 }}',
    '{{ mustToDate "2006-01-02" "2024-02-30" }}',
    '{{ mustToDate "2006-01-02" "2024-13-01" }}',
    '{{ mustToDate "15:04" "10:61" }}',
    '{{ mustToDate "2006-01-02" "2024-01-01 extra" }}',
    '{{ mustToDate "Jan 2" "Foo 2" }}',
    '{{ mustToDate "2006 002" "2023 366" }}',
    '{{ mustToDate "2006 002 01" "2024 060 03" }}',
    '{{ mustToDate "2006-01-02T15:04:05Z07:00" "2024-01-01T10:00:00+2500" }}',
    '{{ derivePassword .Values.f "pin" "a" "b" "c" }}',
    '{{ ternary 1 2 nil }}',
    '{{ genSignedCert "x" nil nil 1 nil }}',
    '{{ genSelfSignedCert "x" "1.2.3.4" nil 1 }}',
    '{{ split "," nil }}',
    '{{ round 1.5 0 "x" }}',
    '{{ trunc (sub 10 5) "abcdefghijk" }}',
    '{{ until (add 1 2) }}',
    '{{ ternary 1 2 "x" }}',
    '{{ ternary 1 2 .Values.s }}',
    '{{ mustToPrettyJson (float64 "inf") }}',
    '{{ mustToRawJson (float64 "nan") }}',
    '{{ without 1 2 }}',
    '{{ has 1 "x" }}',
    '{{ uniq (dict) }}',
    '{{ reverse nil }}',
    '{{ keys (list) }}',
    '{{ pluck "a" (list) }}',
    '{{ merge (dict) 1 }}',
    '{{ derivePassword -1 "long" "a" "b" "c" }}',
    '{{ until 1.5 }}',
    '{{ seq 1 "x" }}',
    '{{ abbrev 5 nil }}',
    '{{ round 1.5 1.5 }}',
    '{{ indent .Values.f "x" }}',
    '{{ regexSplit "a" "b" .Values.f }}',
    '{{ mustChunk 2 "x" }}',
    '{{ mustLast 5 }}',
    '{{ mustInitial "x" }}',
    '{{ mustRest 1 }}',
    '{{ compact 1 }}',
    '{{ typeIs 1 "x" }}',
    '{{ hasKey (list) "a" }}',
    '{{ get (list) "a" }}',
    '{{ dateModify "1h" "x" }}',
    '{{ date 1 2 }}',
    '{{ b64enc 5 }}',
    '{{ htpasswd "u" 5 }}',
    '{{ splitn "," .Values.f "a" }}',
    '{{ list 1 | join }}',
]


@pytest.mark.parametrize("text", ERRORS)
def test_error_matches_helm(text):
    expected = helmref.case_error("e", text, ERROR_VALUES)
    assert expected, "Helm rendered %r without error" % text
    assert ourrender.helm_case_error("e", text, ERROR_VALUES) == expected
