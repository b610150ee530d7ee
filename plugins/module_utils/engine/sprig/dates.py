"""Sprig's date functions (Masterminds/sprig/v3 date.go) over gotime.GoTime: now, date, dateInZone, htmlDate,
dateModify, toDate, unixEpoch, ago, duration, durationRound and their aliases and must* variants.
"""
from __future__ import annotations

import re
import time

from ...gocompat.duration import format_duration, parse_duration
from ...gocompat.gotime import GoTime, NS, UTC, local_zone, load_location, go_format, go_parse, zero_time
from ..errors import FuncError
from ..gotypes import go_type_name
from ._base import ANY, STRING, ArgTypeError, Int64, go_func, wrap_int64


# Template functions ----------------------------------------------------------------------------------------------

def _wrap_duration(ns: int) -> int:
    return wrap_int64(ns)


def _time_of(value) -> GoTime:
    if isinstance(value, GoTime):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return GoTime(value * NS, local_zone())
    return GoTime.now()


def _in_zone(t: GoTime, zone: str) -> GoTime:
    tz = load_location(zone)
    return GoTime(t.ns, tz if tz is not None else UTC)


def _need_time(value, index: int) -> GoTime:
    if not isinstance(value, GoTime):
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
        return go_parse(layout, value, local_zone())
    except ValueError:
        return zero_time()


@go_func(STRING, STRING)
def mustToDate(layout, value):
    """Like toDate but a parse failure fails the template."""
    try:
        return go_parse(layout, value, local_zone())
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
    rounded = (abs(elapsed) + NS // 2) // NS * NS
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
    return format_duration(_wrap_duration(n * NS))


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
    hour = 3600 * NS
    for size, unit in ((hour * 24 * 365, "y"), (hour * 24 * 30, "mo"), (hour * 24, "d"), (hour, "h"),
                       (60 * NS, "m"), (NS, "s")):
        if u > size:
            return "%d%s" % (u // size, unit)
    return "0s"


FUNCS = {
    "ago": ago, "date": date, "date_in_zone": dateInZone, "date_modify": dateModify, "dateInZone": dateInZone,
    "dateModify": dateModify, "duration": duration, "durationRound": durationRound, "htmlDate": htmlDate,
    "htmlDateInZone": htmlDateInZone, "must_date_modify": mustDateModify, "mustDateModify": mustDateModify,
    "mustToDate": mustToDate, "now": now, "toDate": toDate, "unixEpoch": unixEpoch,
}
