"""Go's time package on Python: ``GoTime`` stands in for ``time.Time`` (nanoseconds since the Unix epoch plus a
zone), ``go_format`` / ``go_parse`` format and parse with Go reference layouts ("2006-01-02T15:04:05Z07:00",
time/format.go). Durations (``time.ParseDuration``, ``Duration.String``) are gocompat/duration.py's.
Calendar fields use proleptic Gregorian day arithmetic, so year 0 and negative years work like Go.
"""
from __future__ import annotations

import datetime
import time
from zoneinfo import ZoneInfo

from .duration import NS, time_quote
from .ints import Int64

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_START = time.monotonic()
UTC = datetime.timezone.utc


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


def local_zone():
    """The local time zone (Go's time.Local)."""
    return datetime.datetime.now().astimezone().tzinfo


def load_location(name: str):
    """time.LoadLocation: "UTC"/"" is UTC, "Local" the local zone, else an IANA zone; None if unknown."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return local_zone()
    try:
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
        self.tz = tz if tz is not None else UTC
        self.monotonic = monotonic

    @classmethod
    def now(cls) -> "GoTime":
        return cls(time.time_ns(), local_zone(), time.monotonic() - _START)

    def fields(self) -> dict:
        """Calendar fields in the time's zone: year, month, day, hour, minute, second, weekday (Sunday 0),
        yday, offset (seconds east of UTC), zone (abbreviation)."""
        secs = self.ns // NS
        offset, name = zone_at(self.tz, secs)
        days, rem = divmod(secs + offset, 86400)
        year, month, day = civil_from_days(days)
        return {"year": year, "month": month, "day": day, "hour": rem // 3600, "minute": rem // 60 % 60,
                "second": rem % 60, "weekday": (days + 4) % 7, "offset": offset, "zone": name,
                "yday": days - days_from_civil(year, 1, 1) + 1}

    def nanosecond(self) -> int:
        return self.ns % NS

    def Format(self, layout: str) -> str:
        return go_format(self, layout)

    def Unix(self) -> int:
        return Int64(self.ns // NS)

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
        return GoTime(self.ns, UTC)

    def Local(self) -> "GoTime":
        return GoTime(self.ns, local_zone())

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


_ZERO_NS = -62135596800 * NS  # 0001-01-01 00:00:00 UTC


def zero_time() -> GoTime:
    """Go's zero time.Time (0001-01-01 00:00:00 +0000 UTC)."""
    return GoTime(_ZERO_NS, UTC)


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
            _unused, sep, digit, width = tok
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


class _Bad(Exception):
    """A layout element did not match (Go's errBad) or was out of range."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


def _digit(s: str, i: int) -> bool:
    return i < len(s) and "0" <= s[i] <= "9"


def _getnum(s: str, fixed: bool):
    if not _digit(s, 0):
        raise _Bad()
    if not _digit(s, 1):
        if fixed:
            raise _Bad()
        return int(s[0]), s[1:]
    return int(s[:2]), s[2:]


def _getnum3(s: str, fixed: bool):
    n = 0
    while n < 3 and _digit(s, n):
        n += 1
    if n == 0 or (fixed and n != 3):
        raise _Bad()
    return int(s[:n]), s[n:]


def _lookup(names: list, s: str):
    for index, name in enumerate(names):
        if len(s) >= len(name) and s[:len(name)].lower() == name.lower():
            return index, s[len(name):]
    raise _Bad()


def _skip(value: str, prefix: str) -> str:
    while prefix:
        if prefix[0] == " ":
            if value and value[0] != " ":
                raise _Bad()
            prefix = prefix.lstrip(" ")
            value = value.lstrip(" ")
            continue
        if not value or value[0] != prefix[0]:
            raise _Bad()
        prefix, value = prefix[1:], value[1:]
    return value


def _nanoseconds(value: str, nbytes: int) -> int:
    if value[0] not in ".,":
        raise _Bad()
    digits = value[1:min(nbytes, 10)]
    if not digits.isdigit() or not digits.isascii():
        raise _Bad()
    return int((digits + "000000000")[:9])


def _parse_zone_name(value: str) -> int:
    """time.parseTimeZone: length of a zone abbreviation at the start of value, 0 if none."""
    if len(value) < 3:
        return 0
    if value[:4] in ("ChST", "MeST"):
        return 4
    if value[:3] == "GMT":
        rest = value[3:]
        n = _signed_offset(rest) if rest[:1] in ("+", "-") else 0
        return 3 + n
    if value[0] in "+-":
        return _signed_offset(value)
    upper = 0
    while upper < 6 and upper < len(value) and "A" <= value[upper] <= "Z":
        upper += 1
    if upper == 3:
        return 3
    if upper == 4 and (value[3] == "T" or value[:4] == "WITA"):
        return 4
    if upper == 5 and value[4] == "T":
        return 5
    return 0


def _signed_offset(value: str) -> int:
    j = 1
    while _digit(value, j):
        j += 1
    if j == 1 or int(value[1:j]) > 23:
        return 0
    return j


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _days_in(month: int, year: int) -> int:
    return 29 if month == 2 and _is_leap(year) else _DAYS_IN[month - 1]


def go_parse(layout: str, value: str, tz) -> GoTime:
    """time.ParseInLocation(layout, value, tz), element by element like Go (time/format.go parse). Raises
    ValueError with Go's message ("parsing time "x" as "2006": cannot parse "x" as "2006")."""
    original_value = value
    year, month, day, yday, hour, minute, second, nsec = 0, -1, -1, -1, 0, 0, 0, 0
    pm_set = am_set = False
    zone_offset, zone_name, utc = None, "", False

    def fail(elem_value: str, elem_layout: str, message: str = "") -> ValueError:
        if message:
            return ValueError("parsing time %s%s" % (time_quote(original_value), message))
        return ValueError("parsing time %s as %s: cannot parse %s as %s" % (
            time_quote(original_value), time_quote(layout), time_quote(elem_value), time_quote(elem_layout)))

    chunks = _layout_chunks(layout)
    for index, (kind, tok) in enumerate(chunks):
        if kind == "lit":
            try:
                value = _skip(value, tok)
            except _Bad:
                raise fail(value, tok)
            continue
        hold = value
        std_text = ("%s%s" % (tok[1], tok[2] * tok[3])) if isinstance(tok, tuple) else tok
        try:
            if isinstance(tok, tuple):
                if tok[2] == "0":
                    if len(value) < 1 + tok[3]:
                        raise _Bad()
                    nsec = _nanoseconds(value, 1 + tok[3])
                    value = value[1 + tok[3]:]
                elif len(value) >= 2 and value[0] in ".," and _digit(value, 1):
                    n = 1
                    while _digit(value, n):
                        n += 1
                    nsec = _nanoseconds(value, n)
                    value = value[n:]
            elif tok == "06":
                if len(value) < 2 or not value[:2].isdigit():
                    raise _Bad()
                year = int(value[:2])
                year += 1900 if year >= 69 else 2000
                value = value[2:]
            elif tok == "2006":
                if len(value) < 4 or not _digit(value, 0) or not value[:4].isdigit():
                    raise _Bad()
                year, value = int(value[:4]), value[4:]
            elif tok in ("Jan", "January"):
                names = [m[:3] for m in _MONTHS] if tok == "Jan" else _MONTHS
                month, value = _lookup(names, value)
                month += 1
            elif tok in ("1", "01"):
                month, value = _getnum(value, tok == "01")
                if month <= 0 or month > 12:
                    raise _Bad(": month out of range")
            elif tok in ("Mon", "Monday"):
                names = [d[:3] for d in _DAYS] if tok == "Mon" else _DAYS
                _unused, value = _lookup(names, value)
            elif tok in ("2", "_2", "02"):
                if tok == "_2" and value[:1] == " ":
                    value = value[1:]
                day, value = _getnum(value, tok == "02")
            elif tok in ("__2", "002"):
                for _i in range(2):
                    if tok == "__2" and value[:1] == " ":
                        value = value[1:]
                yday, value = _getnum3(value, tok == "002")
            elif tok == "15":
                hour, value = _getnum(value, False)
                if hour >= 24:
                    raise _Bad(": hour out of range")
            elif tok in ("3", "03"):
                hour, value = _getnum(value, tok == "03")
                if hour > 12:
                    raise _Bad(": hour out of range")
            elif tok in ("4", "04"):
                minute, value = _getnum(value, tok == "04")
                if minute >= 60:
                    raise _Bad(": minute out of range")
            elif tok in ("5", "05"):
                second, value = _getnum(value, tok == "05")
                if second >= 60:
                    raise _Bad(": second out of range")
                nxt = chunks[index + 1] if index + 1 < len(chunks) else None
                has_frac = nxt is not None and isinstance(nxt[1], tuple)
                if len(value) >= 2 and value[0] in ".," and _digit(value, 1) and not has_frac:
                    n = 2
                    while _digit(value, n):
                        n += 1
                    nsec = _nanoseconds(value, n)
                    value = value[n:]
            elif tok in ("PM", "pm"):
                if len(value) < 2 or value[:2] not in ((tok, "AM") if tok == "PM" else (tok, "am")):
                    raise _Bad()
                pm_set, am_set = value[:2] == tok, value[:2] != tok
                value = value[2:]
            elif tok == "MST":
                if value[:3] == "UTC":
                    utc, value = True, value[3:]
                else:
                    n = _parse_zone_name(value)
                    if not n:
                        raise _Bad()
                    zone_name, value = value[:n], value[n:]
            else:
                if tok[0] == "Z" and value[:1] == "Z":
                    utc, value = True, value[1:]
                else:
                    body = tok[1:]
                    need = {"07": 3, "0700": 5, "07:00": 6, "070000": 7, "07:00:00": 9}[body]
                    if len(value) < need:
                        raise _Bad()
                    part = value[:need]
                    if ":" in body and (part[3] != ":" or (need == 9 and part[6] != ":")):
                        raise _Bad()
                    digits = part[1:].replace(":", "") if ":" in body else part[1:]
                    hh, mm, ss = digits[0:2], digits[2:4] or "00", digits[4:6] or "00"
                    if not (hh + mm + ss).isdigit():
                        raise _Bad()
                    if int(hh) > 24 or int(mm) > 60 or int(ss) > 60:
                        raise _Bad(": time zone offset %s out of range"
                                   % ("hour" if int(hh) > 24 else "minute" if int(mm) > 60 else "second"))
                    if part[0] not in "+-":
                        raise _Bad()
                    zone_offset = (int(hh) * 60 + int(mm)) * 60 + int(ss)
                    if part[0] == "-":
                        zone_offset = -zone_offset
                    value = value[need:]
        except _Bad as exc:
            if exc.message:
                raise fail(value, std_text, exc.message)
            raise fail(hold, std_text)
    if value:
        raise fail(value, "", ": extra text: %s" % time_quote(value))
    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0
    if yday >= 0:
        m = d = 0
        if _is_leap(year):
            if yday == 31 + 29:
                m, d = 2, 29
            elif yday > 31 + 29:
                yday -= 1
        if yday < 1 or yday > 365:
            raise fail(value, "", ": day-of-year out of range")
        if m == 0:
            m = 1
            while m < 12 and sum(_DAYS_IN[:m]) < yday:
                m += 1
            d = yday - sum(_DAYS_IN[:m - 1])
        if month >= 0 and month != m:
            raise fail(value, "", ": day-of-year does not match month")
        if day >= 0 and day != d:
            raise fail(value, "", ": day-of-year does not match day")
        month, day = m, d
    else:
        month = 1 if month < 0 else month
        day = 1 if day < 0 else day
    if day < 1 or day > _days_in(month, year):
        raise fail(value, "", ": day out of range")
    local = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    if utc:
        return GoTime(local * NS + nsec, UTC)
    if zone_offset is not None:
        secs = local - zone_offset
        if tz is not None and zone_at(tz, secs)[0] == zone_offset and zone_at(tz, secs)[1]:
            return GoTime(secs * NS + nsec, tz)
        if abs(zone_offset) >= 86400:
            raise fail(value, "", ": time zone offset out of range")
        fixed = datetime.timezone(datetime.timedelta(seconds=zone_offset), zone_name)
        return GoTime(secs * NS + nsec, fixed)
    if zone_name:
        if tz is not None:
            guess = zone_at(tz, local)
            if guess[1] == zone_name:
                offset = zone_at(tz, local - guess[0])[0]
                return GoTime((local - offset) * NS + nsec, tz)
        # Go keeps the wall clock read as UTC and only attaches a made-up zone (GMT+h has that offset)
        hours = int(zone_name[3:]) if zone_name.startswith("GMT") and len(zone_name) > 3 else 0
        fixed = datetime.timezone(datetime.timedelta(hours=hours), zone_name)
        return GoTime(local * NS + nsec, fixed)
    zone = tz if tz is not None else UTC
    guess = zone_at(zone, local)[0]
    secs = local - guess
    actual = zone_at(zone, secs)[0]
    if actual != guess:
        secs = local - actual
    return GoTime(secs * NS + nsec, zone)
