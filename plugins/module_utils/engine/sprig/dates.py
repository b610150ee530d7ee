"""Sprig's date functions (Masterminds/sprig/v3 date.go) with Go's time.Time, layout strings and
time.Duration text.

``GoTime`` stands in for Go's ``time.Time`` (nanoseconds since the Unix epoch plus a zone). ``go_format``
formats with a Go reference layout ("2006-01-02T15:04:05Z07:00"), ``go_parse`` parses with one, and
``format_duration`` prints a duration like Go's ``Duration.String`` ("1h2m3.5s").
"""
from __future__ import annotations

import datetime
import re
import time

from ..errors import FuncError
from ._base import ANY, STRING, ArgTypeError, Int64, go_func

_NS = 1000000000
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_START = time.monotonic()
_UTC = datetime.timezone.utc


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, 0 and negative included)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int):
    """(year, month, day) of a day count since 1970-01-01 (inverse of days_from_civil)."""
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    year = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return year + (month <= 2), month, day


_MIN_SECS, _MAX_SECS = -62135596800, 253402300799  # what Python's datetime can hold


def zone_at(tz, secs: int):
    """(UTC offset in seconds, abbreviation) of zone ``tz`` at Unix time ``secs`` (clamped to datetime's range)."""
    clamped = min(max(secs, _MIN_SECS + 86400), _MAX_SECS - 86400)
    dt = datetime.datetime.fromtimestamp(clamped, tz)
    off = dt.utcoffset()
    return (int(off.total_seconds()) if off is not None else 0), (dt.tzname() or "")


def _local_zone():
    return datetime.datetime.now().astimezone().tzinfo


def _zone(name: str):
    """time.LoadLocation: "UTC"/"" is UTC, "Local" the local zone, else an IANA zone; None if unknown."""
    if name in ("", "UTC"):
        return _UTC
    if name == "Local":
        return _local_zone()
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(name)
    except Exception:  # unknown zone, bad name, or no tz database
        return None


class GoTime(object):
    """A Go ``time.Time``: ``ns`` nanoseconds since 1970-01-01 UTC, shown in zone ``tz``. Template methods:
    Format, Unix, UnixNano, UnixMilli, Year, YearDay, Day, Hour, Minute, Second, Nanosecond, UTC, Local, In,
    String, IsZero."""

    go_type = "time.Time"
    go_kind = "struct"

    def __init__(self, ns: int, tz=None, monotonic=None) -> None:
        self.ns = ns
        self.tz = tz if tz is not None else _UTC
        self.monotonic = monotonic

    @classmethod
    def now(cls) -> "GoTime":
        return cls(time.time_ns(), _local_zone(), time.monotonic() - _START)

    def fields(self) -> dict:
        """Calendar fields in the time's zone: year, month, day, hour, minute, second, weekday (Sunday 0),
        yday, offset (seconds east of UTC), zone (abbreviation)."""
        secs = self.ns // _NS
        offset, name = zone_at(self.tz, secs)
        days, rem = divmod(secs + offset, 86400)
        year, month, day = civil_from_days(days)
        return {"year": year, "month": month, "day": day, "hour": rem // 3600, "minute": rem // 60 % 60,
                "second": rem % 60, "weekday": (days + 4) % 7, "offset": offset, "zone": name,
                "yday": days - days_from_civil(year, 1, 1) + 1}

    def nanosecond(self) -> int:
        return self.ns % _NS

    def Format(self, layout: str) -> str:
        return go_format(self, layout)

    def Unix(self) -> int:
        return Int64(self.ns // _NS)

    def UnixNano(self) -> int:
        return Int64(self.ns)

    def UnixMilli(self) -> int:
        return Int64(self.ns // 1000000)

    def Year(self) -> int:
        return self.fields()["year"]

    def YearDay(self) -> int:
        return self.fields()["yday"]

    def Day(self) -> int:
        return self.fields()["day"]

    def Hour(self) -> int:
        return self.fields()["hour"]

    def Minute(self) -> int:
        return self.fields()["minute"]

    def Second(self) -> int:
        return self.fields()["second"]

    def Nanosecond(self) -> int:
        return self.nanosecond()

    def UTC(self) -> "GoTime":
        return GoTime(self.ns, _UTC)

    def Local(self) -> "GoTime":
        return GoTime(self.ns, _local_zone())

    def In(self, zone) -> "GoTime":
        return GoTime(self.ns, zone)

    def IsZero(self) -> bool:
        return self.ns == _ZERO_NS

    def String(self) -> str:
        return str(self)

    def __str__(self) -> str:
        text = go_format(self, "2006-01-02 15:04:05.999999999 -0700 MST")
        if self.monotonic is not None:
            text += " m=%+.9f" % self.monotonic
        return text

    def __eq__(self, other) -> bool:
        return isinstance(other, GoTime) and other.ns == self.ns

    def __hash__(self) -> int:
        return hash(self.ns)


_ZERO_NS = -62135596800 * _NS  # 0001-01-01 00:00:00 UTC


def zero_time() -> GoTime:
    """Go's zero time.Time (0001-01-01 00:00:00 +0000 UTC)."""
    return GoTime(_ZERO_NS, _UTC)


# Layouts ---------------------------------------------------------------------------------------------------------

_TZ_CHUNKS = ("070000", "07:00:00", "0700", "07:00", "07")


def _layout_chunks(layout: str) -> list:
    """Split a Go layout into literal text and std tokens (time/format.go nextStdChunk)."""
    out, lit, i, n = [], [], 0, len(layout)

    def emit(token, length):
        if lit:
            out.append(("lit", "".join(lit)))
            del lit[:]
        out.append(("std", token))
        return length

    while i < n:
        s = layout[i:]
        c = s[0]
        step = 0
        if c == "J" and s.startswith("Jan"):
            step = emit("January", 7) if s.startswith("January") else emit("Jan", 3)
        elif c == "M" and s.startswith("Mon"):
            step = emit("Monday", 6) if s.startswith("Monday") else emit("Mon", 3)
        elif c == "M" and s.startswith("MST"):
            step = emit("MST", 3)
        elif c == "0" and len(s) > 1 and s[1] in "123456":
            step = emit("0" + s[1], 2)
        elif c == "0" and s.startswith("002"):
            step = emit("002", 3)
        elif c == "1":
            step = emit("15", 2) if s.startswith("15") else emit("1", 1)
        elif c == "2":
            step = emit("2006", 4) if s.startswith("2006") else emit("2", 1)
        elif c == "_" and s.startswith("_2"):
            if s.startswith("_2006"):
                lit.append("_")
                step = 1 + emit("2006", 4) - 0
                step = 5
            else:
                step = emit("_2", 2)
        elif c == "_" and s.startswith("__2"):
            step = emit("__2", 3)
        elif c in "345":
            step = emit(c, 1)
        elif c == "P" and s.startswith("PM"):
            step = emit("PM", 2)
        elif c == "p" and s.startswith("pm"):
            step = emit("pm", 2)
        elif c in "-Z":
            for chunk in _TZ_CHUNKS:
                if s.startswith(c + chunk):
                    step = emit(c + chunk, 1 + len(chunk))
                    break
        elif c in ".," and len(s) > 1 and s[1] in "09":
            j = 1
            while j < len(s) and s[j] == s[1]:
                j += 1
            if not (j < len(s) and s[j].isdigit()):
                step = emit(("frac", c, s[1], j - 1), j)
        if step == 0:
            lit.append(c)
            step = 1
        i += step
    if lit:
        out.append(("lit", "".join(lit)))
    return out


def _offset_text(offset: int, token: str) -> str:
    if token.startswith("Z") and offset == 0:
        return "Z"
    sign = "-" if offset < 0 else "+"
    offset = abs(offset)
    hh, mm, ss = offset // 3600, offset // 60 % 60, offset % 60
    body = token[1:]
    if body == "07":
        return "%s%02d" % (sign, hh)
    if body == "0700":
        return "%s%02d%02d" % (sign, hh, mm)
    if body == "07:00":
        return "%s%02d:%02d" % (sign, hh, mm)
    if body == "070000":
        return "%s%02d%02d%02d" % (sign, hh, mm, ss)
    return "%s%02d:%02d:%02d" % (sign, hh, mm, ss)


def go_format(t: GoTime, layout: str) -> str:
    """time.Time.Format(layout) with Go's reference-time tokens."""
    f = t.fields()
    offset = f["offset"]
    out = []
    for kind, tok in _layout_chunks(layout):
        if kind == "lit":
            out.append(tok)
            continue
        if isinstance(tok, tuple):
            _, sep, digit, width = tok
            frac = "%09d" % t.nanosecond()
            if digit == "0":
                out.append(sep + frac[:width])
            else:
                cut = frac[:width].rstrip("0")
                if cut:
                    out.append(sep + cut)
            continue
        hour, year = f["hour"], f["year"]
        hour12 = hour % 12 or 12
        weekday = _DAYS[(f["weekday"] + 6) % 7]
        value = {
            "January": _MONTHS[f["month"] - 1], "Jan": _MONTHS[f["month"] - 1][:3],
            "Monday": weekday, "Mon": weekday[:3],
            "01": "%02d" % f["month"], "1": str(f["month"]), "02": "%02d" % f["day"], "2": str(f["day"]),
            "_2": "%2d" % f["day"], "__2": "%3d" % f["yday"], "002": "%03d" % f["yday"],
            "15": "%02d" % hour, "3": str(hour12), "03": "%02d" % hour12,
            "4": str(f["minute"]), "04": "%02d" % f["minute"], "5": str(f["second"]), "05": "%02d" % f["second"],
            "2006": ("%04d" % year) if year >= 0 else "-%04d" % -year, "06": "%02d" % (year % 100),
            "PM": "PM" if hour >= 12 else "AM", "pm": "pm" if hour >= 12 else "am",
        }.get(tok)
        if value is None and tok == "MST":
            name = f["zone"]
            value = name if name else _offset_text(offset, "-0700")
        if value is None:
            value = _offset_text(offset, tok)
        out.append(value)
    return "".join(out)


_PARSE_PATTERNS = {
    "January": "(%s)" % "|".join(_MONTHS), "Jan": "(%s)" % "|".join(m[:3] for m in _MONTHS),
    "Monday": "(%s)" % "|".join(_DAYS), "Mon": "(%s)" % "|".join(d[:3] for d in _DAYS),
    "01": r"(\d\d)", "1": r"(\d\d?)", "02": r"(\d\d)", "2": r"(\d\d?)", "_2": r" ?(\d\d?)",
    "__2": r" {0,2}(\d{1,3})", "002": r"(\d\d\d)",
    "15": r"(\d\d?)", "3": r"(\d\d?)", "03": r"(\d\d)", "4": r"(\d\d?)", "04": r"(\d\d)",
    "5": r"(\d\d?)", "05": r"(\d\d)", "2006": r"(\d\d\d\d)", "06": r"(\d\d)", "PM": "(AM|PM)", "pm": "(am|pm)",
    # time.parseTimeZone: UTC, ChST/MeST, GMT[+-h], +-hh, 3 capitals, or 4-5 ending in T (and WITA)
    "MST": r"(UTC|ChST|MeST|GMT(?:[+-](?:1?[0-9]|2[0-3])(?![0-9]))?|[+-](?:[01]?[0-9]|2[0-3])(?![0-9])"
           r"|[A-Z]{3}(?![A-Z])|[A-Z]{3,4}T(?![A-Z])|WITA(?![A-Z]))",
}


def go_parse(layout: str, value: str, tz) -> GoTime:
    """time.ParseInLocation(layout, value, tz) for the common layout tokens. Raises ValueError when the value
    does not fit the layout."""
    regex, tokens = [], []
    for kind, tok in _layout_chunks(layout):
        if kind == "lit":
            # time.skip: a run of spaces in the layout takes every space of the value (no backtracking), or
            # matches the end of the value
            for part in re.findall(r" +|[^ ]+", tok):
                if part.startswith(" "):
                    tokens.append("space")
                    regex.append("(?:(?=( +))\\%d|\\Z)" % len(tokens))
                else:
                    regex.append(re.escape(part))
        elif isinstance(tok, tuple):
            if tok[2] == "0":
                regex.append(r"[.,](\d{%d})" % tok[3])
            else:
                regex.append(r"(?:[.,](\d+))?")
            tokens.append("frac")
        elif tok in _PARSE_PATTERNS:
            regex.append(_PARSE_PATTERNS[tok])
            tokens.append(tok)
        else:
            regex.append(r"(Z|[+-]\d\d(?::?\d\d(?::?\d\d)?)?)")
            tokens.append("tz")
    m = re.match("".join(regex) + r"\Z", value)
    if not m:
        raise ValueError('parsing time "%s" as "%s": cannot parse "%s" as "%s"' % (value, layout, value, layout))
    year, month, day, hour, minute, second, frac, pm, yday = 0, 1, 1, 0, 0, 0, 0, None, None
    offset, zone_name = None, None
    for tok, text in zip(tokens, m.groups()):
        if text is None:
            continue
        if tok in ("January", "Jan"):
            month = [x[:len(text)] for x in _MONTHS].index(text) + 1
        elif tok in ("01", "1"):
            month = int(text)
        elif tok in ("02", "2", "_2"):
            day = int(text)
        elif tok in ("__2", "002"):
            yday = int(text)
        elif tok in ("15", "3", "03"):
            hour = int(text)
        elif tok in ("4", "04"):
            minute = int(text)
        elif tok in ("5", "05"):
            second = int(text)
        elif tok == "2006":
            year = int(text)
        elif tok == "06":
            year = int(text) + (1900 if int(text) >= 69 else 2000)
        elif tok in ("PM", "pm"):
            pm = text.upper() == "PM"
        elif tok == "frac":
            frac = int((text + "000000000")[:9])
        elif tok == "MST":
            zone_name = text
        elif tok == "tz":
            if text == "Z":
                offset = 0
            else:
                digits = text[1:].replace(":", "")
                secs = int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60 + int(digits[4:6] or 0)
                offset = -secs if text[0] == "-" else secs
    if pm is not None and hour <= 12:
        hour = (hour % 12) + (12 if pm else 0)
    if yday is not None:
        days = days_from_civil(year, 1, 1) + yday - 1
    else:
        days = days_from_civil(year, month, day)
    local = days * 86400 + hour * 3600 + minute * 60 + second
    if offset is None and zone_name is not None:
        if zone_name == "UTC":
            offset = 0
        elif tz is not None and zone_at(tz, local)[1] == zone_name:
            offset = zone_at(tz, local - zone_at(tz, local)[0])[0]
            return GoTime((local - offset) * _NS + frac, tz)
        else:
            hours = int(zone_name[3:]) if zone_name.startswith("GMT") and len(zone_name) > 3 else 0
            fixed = datetime.timezone(datetime.timedelta(hours=hours), zone_name)
            return GoTime((local - hours * 3600) * _NS + frac, fixed)
    if offset is not None:
        secs = local - offset
        zone = _UTC if offset == 0 else datetime.timezone(datetime.timedelta(seconds=offset), "")
        if tz is not None and offset != 0 and zone_at(tz, secs)[0] == offset:
            zone = tz
    else:
        zone = tz if tz is not None else _UTC
        # the zone's offset at that wall time (Go's Date: offset looked up at the guess, then corrected)
        guess = zone_at(zone, local)[0]
        secs = local - guess
        actual = zone_at(zone, secs)[0]
        if actual != guess:
            secs = local - actual
    ns = secs * _NS + frac
    return GoTime(ns, zone)


# Durations -------------------------------------------------------------------------------------------------------

def _frac(value: int, digits: int) -> str:
    whole, rest = divmod(value, 10 ** digits)
    text = ("%0*d" % (digits, rest)).rstrip("0")
    return str(whole) + ("." + text if text else "")


def format_duration(ns: int) -> str:
    """Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s"."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < _NS:
        if u < 1000:
            return sign + "%dns" % u
        if u < 1000000:
            return sign + _frac(u, 3) + "µs"
        return sign + _frac(u, 6) + "ms"
    hours, rem = divmod(u, 3600 * _NS)
    minutes, rem = divmod(rem, 60 * _NS)
    out = sign
    if hours:
        out += "%dh" % hours
    if hours or minutes:
        out += "%dm" % minutes
    return out + _frac(rem, 9) + "s"


_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 1000000, "s": _NS, "m": 60 * _NS, "h": 3600 * _NS}
_DUR_PART = re.compile(r"(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> int:
    """Go's time.ParseDuration: "1h30m", "-1.5s", "300ms" -> nanoseconds. Raises ValueError."""
    s = text
    sign = 1
    if s[:1] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError('time: invalid duration "%s"' % text)
    total = 0
    while s:
        m = _DUR_PART.match(s)
        if not m or (m.group(1) == "" and not m.group(2)):
            raise ValueError('time: invalid duration "%s"' % text)
        unit = _UNITS[m.group(3)]
        total += int(m.group(1) or 0) * unit
        if m.group(2):
            total += int(m.group(2)) * unit // 10 ** len(m.group(2))
        s = s[m.end():]
    return sign * total


# Template functions ----------------------------------------------------------------------------------------------

def _wrap_duration(ns: int) -> int:
    from ._base import wrap_int64
    return wrap_int64(ns)


def _time_of(value) -> GoTime:
    if isinstance(value, GoTime):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return GoTime(value * _NS, _local_zone())
    return GoTime.now()


def _in_zone(t: GoTime, zone: str) -> GoTime:
    tz = _zone(zone)
    return GoTime(t.ns, tz if tz is not None else _UTC)


def _need_time(value, index: int) -> GoTime:
    if not isinstance(value, GoTime):
        from ..gotypes import go_type_name
        raise ArgTypeError("wrong type for value; expected time.Time; got %s"
                           % ("interface {}" if value is None else go_type_name(value)), index)
    return value


def now():
    """Sprig now: the current time (Go's time.Now)."""
    return GoTime.now()


@go_func(STRING, ANY)
def date(layout, when):
    """Sprig date LAYOUT TIME: format a time (or Unix seconds; anything else means now) in the local zone."""
    return go_format(_in_zone(_time_of(when), "Local"), layout)


@go_func(STRING, ANY, STRING)
def dateInZone(layout, when, zone):
    """Sprig dateInZone LAYOUT TIME ZONE: like date in an IANA zone (an unknown zone means UTC)."""
    return go_format(_in_zone(_time_of(when), zone), layout)


@go_func(ANY)
def htmlDate(when):
    """Sprig htmlDate: the date as 2006-01-02 in the local zone."""
    return go_format(_in_zone(_time_of(when), "Local"), "2006-01-02")


@go_func(ANY, STRING)
def htmlDateInZone(when, zone):
    """Sprig htmlDateInZone: the date as 2006-01-02 in ``zone``."""
    return go_format(_in_zone(_time_of(when), zone), "2006-01-02")


@go_func(STRING, "time.Time")
def dateModify(change, when):
    """Sprig dateModify: the time plus a Go duration ("-1.5h"); an invalid duration leaves it unchanged."""
    t = _need_time(when, 1)
    try:
        return GoTime(t.ns + parse_duration(change), t.tz, t.monotonic)
    except ValueError:
        return t


@go_func(STRING, "time.Time")
def mustDateModify(change, when):
    """Like dateModify but an invalid duration fails the template."""
    t = _need_time(when, 1)
    try:
        return GoTime(t.ns + parse_duration(change), t.tz, t.monotonic)
    except ValueError as exc:
        raise FuncError(str(exc))


@go_func(STRING, STRING)
def toDate(layout, value):
    """Sprig toDate LAYOUT STRING: parse in the local zone; the zero time when it does not parse."""
    try:
        return go_parse(layout, value, _local_zone())
    except ValueError:
        return zero_time()


@go_func(STRING, STRING)
def mustToDate(layout, value):
    """Like toDate but a parse failure fails the template."""
    try:
        return go_parse(layout, value, _local_zone())
    except ValueError as exc:
        raise FuncError(str(exc))


@go_func("time.Time")
def unixEpoch(when):
    """Sprig unixEpoch: Unix seconds of a time, as a string."""
    return str(_need_time(when, 0).Unix())


@go_func(ANY)
def ago(when):
    """Sprig ago: time since the given time (or Unix seconds), rounded to seconds, as a Go duration."""
    t = _time_of(when)
    elapsed = time.time_ns() - t.ns
    rounded = (abs(elapsed) + _NS // 2) // _NS * _NS
    return format_duration(rounded if elapsed >= 0 else -rounded)


@go_func(ANY)
def duration(seconds):
    """Sprig duration: seconds (a string of digits or an int64 value; other types count as 0) as a Go
    duration ("1m30s")."""
    n = 0
    if isinstance(seconds, str):
        n = int(seconds) if re.match(r"[+-]?[0-9]+\Z", seconds) else 0
    elif isinstance(seconds, Int64):
        n = int(seconds)
    return format_duration(_wrap_duration(n * _NS))


@go_func(ANY)
def durationRound(value):
    """Sprig durationRound: a duration string or time since a time, as one rounded unit ("2h", "3mo")."""
    d = 0
    if isinstance(value, str):
        try:
            d = parse_duration(value)
        except ValueError:
            d = 0
    elif isinstance(value, Int64):
        d = int(value)
    elif isinstance(value, GoTime):
        d = time.time_ns() - value.ns
    u = abs(d)
    hour = 3600 * _NS
    for size, unit in ((hour * 24 * 365, "y"), (hour * 24 * 30, "mo"), (hour * 24, "d"), (hour, "h"),
                       (60 * _NS, "m"), (_NS, "s")):
        if u > size:
            return "%d%s" % (u // size, unit)
    return "0s"


FUNCS = {
    "ago": ago, "date": date, "date_in_zone": dateInZone, "date_modify": dateModify, "dateInZone": dateInZone,
    "dateModify": dateModify, "duration": duration, "durationRound": durationRound, "htmlDate": htmlDate,
    "htmlDateInZone": htmlDateInZone, "must_date_modify": mustDateModify, "mustDateModify": mustDateModify,
    "mustToDate": mustToDate, "now": now, "toDate": toDate, "unixEpoch": unixEpoch,
}
