"""Sprig's integer and float math (Masterminds/sprig/v3 functions.go and numeric.go).

Integer functions convert every argument with spf13/cast ToInt64 and compute in Go's int64 (wrapping on
overflow, truncating division); the ``*f`` functions go through shopspring/decimal like Sprig does.
"""
from __future__ import annotations

import decimal
import math
import secrets

from ..errors import FuncError
from ..limits import list_limit_message, max_list_length
from ._base import ANY, FLOAT, INT, Int64, IntSlice, go_func, to_float64, to_int64, wrap_int64

_DIV_ZERO = "runtime error: integer divide by zero"


def _go_div(a: int, b: int) -> int:
    if b == 0:
        raise FuncError(_DIV_ZERO)
    q = abs(a) // abs(b)
    return wrap_int64(q if (a < 0) == (b < 0) else -q)


def _go_mod(a: int, b: int) -> int:
    if b == 0:
        raise FuncError(_DIV_ZERO)
    r = abs(a) % abs(b)
    return -r if a < 0 else r


@go_func(variadic=ANY)
def add(*values):
    """Sprig add: the int64 sum of all arguments."""
    total = 0
    for v in values:
        total = wrap_int64(total + to_int64(v))
    return Int64(total)


@go_func(ANY)
def add1(value):
    """Sprig add1: int64(value) + 1."""
    return Int64(wrap_int64(to_int64(value) + 1))


@go_func(ANY, ANY)
def sub(a, b):
    """Sprig sub: int64 a - b."""
    return Int64(wrap_int64(to_int64(a) - to_int64(b)))


@go_func(ANY, ANY)
def div(a, b):
    """Sprig div: int64 a / b truncated toward zero; FuncError on division by zero."""
    return Int64(_go_div(to_int64(a), to_int64(b)))


@go_func(ANY, ANY)
def mod(a, b):
    """Sprig mod: int64 a % b with the sign of a; FuncError on division by zero."""
    return Int64(_go_mod(to_int64(a), to_int64(b)))


@go_func(ANY, variadic=ANY)
def mul(a, *more):
    """Sprig mul: the int64 product."""
    total = to_int64(a)
    for v in more:
        total = wrap_int64(total * to_int64(v))
    return Int64(total)


@go_func(INT, INT)
def randInt(low, high):
    """Sprig randInt: a random int in [low, high); FuncError like Go's panic when high <= low."""
    if high - low <= 0:
        raise FuncError("invalid argument to Intn")
    return low + secrets.randbelow(high - low)


@go_func(ANY, variadic=ANY)
def max_(a, *more):
    """Sprig max/biggest: the largest argument as int64."""
    best = to_int64(a)
    for v in more:
        best = max(best, to_int64(v))
    return Int64(best)


@go_func(ANY, variadic=ANY)
def min_(a, *more):
    """Sprig min: the smallest argument as int64."""
    best = to_int64(a)
    for v in more:
        best = min(best, to_int64(v))
    return Int64(best)


def _go_fmax(a: float, b: float) -> float:
    if math.isinf(a) and a > 0 or math.isinf(b) and b > 0:
        return math.inf
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == 0 and b == 0:
        return b if math.copysign(1, a) < 0 else a
    return a if a > b else b


def _go_fmin(a: float, b: float) -> float:
    if math.isinf(a) and a < 0 or math.isinf(b) and b < 0:
        return -math.inf
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == 0 and b == 0:
        return a if math.copysign(1, a) < 0 else b
    return a if a < b else b


@go_func(ANY, variadic=ANY)
def maxf(a, *more):
    """Sprig maxf: math.Max over float64 arguments."""
    best = to_float64(a)
    for v in more:
        best = _go_fmax(best, to_float64(v))
    return best


@go_func(ANY, variadic=ANY)
def minf(a, *more):
    """Sprig minf: math.Min over float64 arguments."""
    best = to_float64(a)
    for v in more:
        best = _go_fmin(best, to_float64(v))
    return best


def go_floor(v: float) -> float:
    """Go math.Floor: keeps infinities, NaN and the sign of zero."""
    if math.isinf(v) or math.isnan(v):
        return v
    return math.copysign(float(math.floor(v)), v)


def go_ceil(v: float) -> float:
    """Go math.Ceil: keeps infinities, NaN and the sign of zero (math.Ceil(-0.5) is -0)."""
    if math.isinf(v) or math.isnan(v):
        return v
    return math.copysign(float(math.ceil(v)), v)


@go_func(ANY)
def floor(value):
    """math.Floor(float64(value))."""
    return go_floor(to_float64(value))


@go_func(ANY)
def ceil(value):
    """math.Ceil(float64(value))."""
    return go_ceil(to_float64(value))


@go_func(ANY, INT, variadic=FLOAT)
def round_(value, places, *round_on):
    """Sprig round: round to ``places`` decimals, rounding up from ``round_on`` (default .5)."""
    threshold = float(round_on[0]) if round_on else 0.5
    v = to_float64(value)
    power = math.pow(10, float(places))
    digit = power * v
    if math.isinf(digit) or math.isnan(digit):
        return digit / power
    frac = math.modf(digit)[0]
    rounded = go_ceil(digit) if frac >= threshold else go_floor(digit)
    return rounded / power


def _decimal(value: float) -> decimal.Decimal:
    if math.isnan(value) or math.isinf(value):
        raise FuncError("Cannot create a Decimal from %s" % ("NaN" if math.isnan(value) else
                                                             "+Inf" if value > 0 else "-Inf"))
    return decimal.Decimal(repr(value))


_CTX = decimal.Context(prec=400, rounding=decimal.ROUND_HALF_EVEN)


def _div(a: decimal.Decimal, b: decimal.Decimal) -> decimal.Decimal:
    # shopspring Div = DivRound(d2, 16): the quotient rounded half away from zero at 16 decimal places.
    if b == 0:
        raise FuncError("decimal division by 0")
    q = _CTX.divide(a, b)
    return q.quantize(decimal.Decimal(1).scaleb(-16), rounding=decimal.ROUND_HALF_UP, context=_CTX)


def _decimal_op(first, rest, op) -> float:
    acc = _decimal(to_float64(first))
    for v in rest:
        acc = op(acc, _decimal(to_float64(v)))
    # shopspring/decimal has no negative zero
    return float(acc) + 0.0 if acc != 0 else 0.0


@go_func(ANY)
def add1f(value):
    """Sprig add1f: value + 1 in decimal arithmetic, as float64."""
    return _decimal_op(value, [1], _CTX.add)


@go_func(variadic=ANY)
def addf(*values):
    """Sprig addf: the decimal sum as float64."""
    return _decimal_op(0.0, values, _CTX.add)


@go_func(ANY, variadic=ANY)
def subf(a, *more):
    """Sprig subf: a - b - ... in decimal arithmetic, as float64."""
    return _decimal_op(a, more, _CTX.subtract)


@go_func(ANY, variadic=ANY)
def mulf(a, *more):
    """Sprig mulf: the decimal product as float64."""
    return _decimal_op(a, more, _CTX.multiply)


@go_func(ANY, variadic=ANY)
def divf(a, *more):
    """Sprig divf: a / b / ... with shopspring's 16-place division, as float64."""
    return _decimal_op(a, more, _div)


def until_step(start: int, stop: int, step: int) -> list:
    """Sprig untilStep on ints: [start, start+step, ...) toward stop; [] when step points away.

    Raises FuncError when the list would be longer than ``engine/limits.py``'s list limit."""
    if step and len(range(start, stop, step)) > max_list_length():
        raise FuncError(list_limit_message("untilStep", len(range(start, stop, step))))
    if stop < start:
        if step >= 0:
            return IntSlice()
        return IntSlice(range(start, stop, step))
    if step <= 0:
        return IntSlice()
    return IntSlice(range(start, stop, step))


@go_func(INT)
def until(count):
    """Sprig until: [0, 1, ..., count-1] (counting down for a negative count)."""
    return until_step(0, count, -1 if count < 0 else 1)


@go_func(INT, INT, INT)
def untilStep(start, stop, step):
    """Sprig untilStep(start, stop, step)."""
    return until_step(start, stop, step)


@go_func(variadic=INT)
def seq(*params):
    """Sprig seq like GNU seq: seq END, seq START END, seq START STEP END, as a space-separated string."""
    if len(params) == 1:
        start, end = 1, params[0]
        inc = -1 if end < start else 1
        items = until_step(start, end + inc, inc)
    elif len(params) == 2:
        start, end = params
        step = -1 if end < start else 1
        items = until_step(start, end + step, step)
    elif len(params) == 3:
        start, step, end = params
        inc = 1
        if end < start:
            inc = -1
            if step > 0:
                return ""
        items = until_step(start, end + inc, step)
    else:
        return ""
    return " ".join(str(i) for i in items)


FUNCS = {
    "add": add, "add1": add1, "sub": sub, "div": div, "mod": mod, "mul": mul, "randInt": randInt,
    "add1f": add1f, "addf": addf, "subf": subf, "divf": divf, "mulf": mulf,
    "biggest": max_, "max": max_, "min": min_, "maxf": maxf, "minf": minf,
    "ceil": ceil, "floor": floor, "round": round_,
    "until": until, "untilStep": untilStep, "seq": seq,
}
