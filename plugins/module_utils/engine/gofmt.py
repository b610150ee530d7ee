"""Go's fmt package on Python values: Sprint, Sprintln, Sprintf and ``%v`` formatting (fmt/print.go, fmt/format.go).

Values follow docs/architecture.md's mapping of Go values to Python. Formatting follows Go exactly where charts can
tell the difference: floats print like strconv's shortest 'g' (``1e+06``, ``3``, ``0.1``, ``1.5e-05``), maps as
``map[a:1 b:2]`` with sorted keys, slices as ``[a b]``, nil as ``<nil>``, bytes as ``[104 105]``; a verb that does
not fit its operand prints ``%!d(string=x)``, a missing operand ``%!d(MISSING)``, extra operands
``%!(EXTRA int=1, string=a)``. Objects print with ``str(obj)`` (Go's Stringer).
"""
from __future__ import annotations

import math

from ..gocompat.strconv import format_float, go_quote  # noqa: F401  go_quote re-exported for the engine's many callers
from .gotypes import go_type_name
from .limits import grow


class _Spec(object):
    """Flags, width and precision of one verb (Go's fmt.fmtFlags + wid/prec)."""

    __slots__ = ("minus", "plus", "sharp", "space", "zero", "width", "prec", "plus_v", "sharp_v")

    def __init__(self) -> None:
        self.minus = self.plus = self.sharp = self.space = self.zero = False
        self.plus_v = self.sharp_v = False
        self.width = None
        self.prec = None


_DEFAULT = _Spec()


# ---------------------------------------------------------------------------------------------------------------
# Public API

def format_value(value) -> str:
    """Go's ``fmt.Sprint(value)`` for one operand, i.e. ``%v`` (str; never raises)."""
    if isinstance(value, str):
        return value
    if value.__class__ is float:
        magnitude = abs(value)
        # Between 1e-4 and 1e6 Go's shortest %v and Python's repr print the same digits in fixed notation.
        if 1e-4 <= magnitude < 1e6:
            return "%d" % value if value.is_integer() else repr(value)
    return _format(value, "v", _DEFAULT, 0)


def sprint(*args) -> str:
    """Go's ``fmt.Sprint``: operands in ``%v``, a space between two operands when neither is a string."""
    out = []
    prev_string = False
    for i, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(format_value(arg))
        prev_string = is_string
    return "".join(out)


def sprintln(*args) -> str:
    """Go's ``fmt.Sprintln``: operands in ``%v`` separated by spaces, then a newline."""
    return " ".join(format_value(a) for a in args) + "\n"


def sprintf(format: str, *args) -> str:
    """Go's ``fmt.Sprintf(format, args...)`` (fmt/print.go doPrintf).

    Supports verbs v s q d f F e E g G x X o O b t c U T %, flags ``#0+- ``, width and precision (including ``*``),
    and explicit argument indexes ``%[n]d``. Errors are printed inline as Go does: ``%!d(string=x)``,
    ``%!d(MISSING)``, ``%!(EXTRA ...)``, ``%!(NOVERB)``, ``%!d(BADINDEX)``, ``%!(BADWIDTH)``, ``%!(BADPREC)``.
    """
    return _Printf(format, args).run()


# ---------------------------------------------------------------------------------------------------------------
# Sprintf driver

class _Printf(object):
    def __init__(self, format: str, args) -> None:
        self.format = format
        self.args = args
        self.out = []
        self.reordered = False
        self.good_arg_num = True

    def _arg_number(self, arg_num: int, i: int):
        """Parse ``[n]`` at i; returns (arg_num, i, found)."""
        fmt = self.format
        if i >= len(fmt) or fmt[i] != "[":
            return arg_num, i, False
        self.reordered = True
        close = fmt.find("]", i + 1)
        if close < 0:
            self.good_arg_num = False
            return arg_num, i + 1, False
        text = fmt[i + 1:close]
        if text.isdigit() and text.isascii():
            n = int(text) - 1
            if 0 <= n < len(self.args):
                return n, close + 1, True
        self.good_arg_num = False
        return arg_num, close + 1, True

    def _parse_num(self, i: int):
        fmt = self.format
        start = i
        while i < len(fmt) and "0" <= fmt[i] <= "9":
            i += 1
        if i == start:
            return None, i
        return int(fmt[start:i]), i

    def _int_from_arg(self, arg_num: int):
        if arg_num < len(self.args):
            arg = self.args[arg_num]
            if isinstance(arg, int) and not isinstance(arg, bool):
                return arg, arg_num + 1, True
            return None, arg_num + 1, False
        return None, arg_num, False

    def run(self) -> str:
        fmt = self.format
        out = self.out
        end = len(fmt)
        arg_num = 0
        i = 0
        after_index = False
        while i < end:
            self.good_arg_num = True
            pct = fmt.find("%", i)
            if pct < 0:
                out.append(fmt[i:])
                break
            if pct > i:
                out.append(fmt[i:pct])
            i = pct + 1
            spec = _Spec()
            while i < end:
                c = fmt[i]
                if c == "#":
                    spec.sharp = True
                elif c == "0":
                    spec.zero = not spec.minus
                elif c == "+":
                    spec.plus = True
                elif c == "-":
                    spec.minus = True
                    spec.zero = False
                elif c == " ":
                    spec.space = True
                else:
                    break
                i += 1
            arg_num, i, after_index = self._arg_number(arg_num, i)
            if i < end and fmt[i] == "*":
                i += 1
                width, arg_num, ok = self._int_from_arg(arg_num)
                if not ok:
                    out.append("%!(BADWIDTH)")
                else:
                    if width < 0:
                        width = -width
                        spec.minus = True
                        spec.zero = False
                    grow("printf", width)
                    spec.width = width
                after_index = False
            else:
                width, i = self._parse_num(i)
                if width is not None:
                    grow("printf", width)
                spec.width = width
                if after_index and width is not None:
                    self.good_arg_num = False
            if i + 1 <= end and i < end and fmt[i] == ".":
                i += 1
                if after_index:
                    self.good_arg_num = False
                arg_num, i, after_index = self._arg_number(arg_num, i)
                if i < end and fmt[i] == "*":
                    i += 1
                    prec, arg_num, ok = self._int_from_arg(arg_num)
                    if prec is not None and prec < 0:
                        prec = None
                        ok = False
                    if prec is not None:
                        grow("printf", prec)
                    if not ok:
                        out.append("%!(BADPREC)")
                    spec.prec = prec
                    after_index = False
                else:
                    prec, i = self._parse_num(i)
                    if prec is not None:
                        grow("printf", prec)
                    spec.prec = prec if prec is not None else 0
            if not after_index:
                arg_num, i, after_index = self._arg_number(arg_num, i)
            if i >= end:
                out.append("%!(NOVERB)")
                break
            verb = fmt[i]
            i += 1
            if verb == "%":
                out.append("%")
            elif not self.good_arg_num:
                out.append("%!" + verb + "(BADINDEX)")
            elif arg_num >= len(self.args):
                out.append("%!" + verb + "(MISSING)")
            else:
                if verb == "v":
                    spec.sharp_v = spec.sharp
                    spec.sharp = False
                    spec.plus_v = spec.plus
                    spec.plus = False
                out.append(_format(self.args[arg_num], verb, spec, 0))
                arg_num += 1
        if not self.reordered and arg_num < len(self.args):
            extras = []
            for arg in self.args[arg_num:]:
                if arg is None:
                    extras.append("<nil>")
                else:
                    extras.append(go_type_name(arg) + "=" + _format(arg, "v", _DEFAULT, 0))
            out.append("%!(EXTRA " + ", ".join(extras) + ")")
        return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# One operand

def _pad(text: str, spec: _Spec, zero_ok: bool = True) -> str:
    width = spec.width
    if width is None or len(text) >= width:
        return text
    fill = width - len(text)
    if spec.minus:
        return text + " " * fill
    if spec.zero and zero_ok:
        return "0" * fill + text
    return " " * fill + text


def _bad_verb(value, verb: str, spec: _Spec) -> str:
    if value is None:
        return "%!" + verb + "(<nil>)"
    return "%!" + verb + "(" + go_type_name(value) + "=" + _format(value, "v", spec, 0) + ")"


def _format(value, verb: str, spec: _Spec, depth: int) -> str:
    if verb == "T":
        return _pad(go_type_name(value), spec)
    if value is None:
        if depth > 0:
            return "interface {}(nil)" if spec.sharp_v else "<nil>"
        if verb == "v":
            return _pad("<nil>", spec)
        return _bad_verb(None, verb, spec)
    if value is True or value is False:
        if verb in "tv":
            return _pad("true" if value else "false", spec)
        return _bad_verb(value, verb, spec)
    if isinstance(value, str):
        return _format_string(value, verb, spec)
    if isinstance(value, int):
        return _format_int(value, verb, spec)
    if isinstance(value, float):
        return _format_float(value, verb, spec)
    if isinstance(value, complex):
        return _format_complex(value, verb, spec)
    if isinstance(value, (bytes, bytearray)):
        if verb in "sqxX":
            return _format_string(bytes(value).decode("utf-8", "replace"), verb, spec, raw=bytes(value))
        if spec.sharp_v:
            return "[]byte{" + ", ".join("0x%x" % b for b in value) + "}"
        return "[" + " ".join(_format_int(b, verb, spec) for b in value) + "]"
    if isinstance(value, dict):
        return _format_map(value, verb, spec, depth)
    if isinstance(value, (list, tuple)):
        if spec.sharp_v:
            return "[]interface {}{" + ", ".join(_format(v, verb, spec, depth + 1) for v in value) + "}"
        return "[" + " ".join(_format(v, verb, spec, depth + 1) for v in value) + "]"
    # Objects: Go's Stringer / error interface for verbs that accept strings.
    if verb in "vsqxX":
        return _format_string(str(value), verb, spec)
    return _bad_verb(value, verb, spec)


def _sorted_items(mapping: dict):
    try:
        return sorted(mapping.items(), key=lambda kv: _sort_key(kv[0]))
    except TypeError:
        return list(mapping.items())


def _sort_key(key):
    if isinstance(key, str):
        return (2, key)
    if isinstance(key, bool):
        return (0, key)
    if isinstance(key, (int, float)):
        return (1, key)
    return (3, str(key))


def _format_map(mapping: dict, verb: str, spec: _Spec, depth: int) -> str:
    items = _sorted_items(mapping)
    if spec.sharp_v:
        parts = ["%s:%s" % (_format(k, verb, spec, depth + 1), _format(v, verb, spec, depth + 1)) for k, v in items]
        return go_type_name(mapping) + "{" + ", ".join(parts) + "}"
    parts = [_format(k, verb, spec, depth + 1) + ":" + _format(v, verb, spec, depth + 1) for k, v in items]
    return "map[" + " ".join(parts) + "]"


# Strings ---------------------------------------------------------------------------------------------------------

def _format_string(value: str, verb: str, spec: _Spec, raw=None) -> str:
    if verb == "v" and spec.sharp_v:
        return _pad(go_quote(value), spec)
    if verb in "vs":
        if spec.prec is not None:
            value = value[:spec.prec]
        return _pad(value, spec)
    if verb == "q":
        if spec.prec is not None:
            value = value[:spec.prec]
        if spec.sharp and "`" not in value and all(c == "\t" or (c.isprintable() and c != "\ufeff") for c in value):
            return _pad("`" + value + "`", spec)
        return _pad(go_quote(value, ascii_only=spec.plus), spec)
    if verb in "xX":
        data = raw if raw is not None else value.encode("utf-8", "surrogatepass")
        if spec.prec is not None:
            data = data[:spec.prec]
        digits = "0123456789abcdef" if verb == "x" else "0123456789ABCDEF"
        prefix = ("0x" if verb == "x" else "0X") if spec.sharp else ""
        parts = []
        for i, b in enumerate(data):
            if spec.space:
                if i > 0:
                    parts.append(" ")
                parts.append(prefix)
            elif i == 0:
                parts.append(prefix)
            parts.append(digits[b >> 4] + digits[b & 15])
        return _pad("".join(parts), spec)
    return _bad_verb(value, verb, spec)


# Integers --------------------------------------------------------------------------------------------------------

_BASES = {"d": 10, "v": 10, "b": 2, "o": 8, "O": 8, "x": 16, "X": 16}


def _format_int(value: int, verb: str, spec: _Spec) -> str:
    if verb == "c":
        return _pad(_rune(value), spec)
    if verb == "q":
        return _pad(go_quote(_rune(value), ascii_only=spec.plus, quote="'"), spec)
    if verb == "U":
        if value < 0:
            value += 1 << 64  # Go formats the operand as a uint64
        text = "U+%04X" % value
        if spec.sharp and 0 <= value <= 0x10FFFF and _rune(value).isprintable():
            text += " '" + _rune(value) + "'"
        return _pad(text, spec)
    if verb in "eEfFgG":
        return _bad_verb(value, verb, spec)
    base = _BASES.get(verb)
    if base is None:
        return _bad_verb(value, verb, spec)
    if verb == "v" and spec.sharp_v:
        return _pad(str(value), spec)
    negative = value < 0
    magnitude = -value if negative else value
    if spec.prec is not None:
        prec = spec.prec
        if prec == 0 and value == 0:
            return " " * spec.width if spec.width else ""
    elif spec.zero and not spec.minus and spec.width is not None:
        prec = spec.width
        if negative or spec.plus or spec.space:
            prec -= 1
    else:
        prec = 0
    if base == 10:
        digits = str(magnitude)
    elif base == 16:
        digits = "%x" % magnitude if verb == "x" else "%X" % magnitude
    elif base == 8:
        digits = "%o" % magnitude
    else:
        digits = bin(magnitude)[2:]
    if len(digits) < prec:
        digits = "0" * (prec - len(digits)) + digits
    if spec.sharp:
        if base == 8 and not digits.startswith("0"):
            digits = "0" + digits
        elif base == 16:
            digits = ("0x" if verb == "x" else "0X") + digits
        elif base == 2:
            digits = "0b" + digits
    if verb == "O":
        digits = "0o" + digits
    if negative:
        digits = "-" + digits
    elif spec.plus:
        digits = "+" + digits
    elif spec.space:
        digits = " " + digits
    return _pad(digits, spec, zero_ok=False)


def _rune(value: int) -> str:
    if 0 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
        return chr(value)
    return "\ufffd"


# Floats ----------------------------------------------------------------------------------------------------------

def _digits_rounded(value: float, ndigits: int):
    """|value| correctly rounded to ``ndigits`` significant digits: (digits without trailing zeros, point)."""
    if value == 0:
        return "", 0
    text = "%.*e" % (ndigits - 1, abs(value))
    mantissa, exponent = text.split("e")
    digits = mantissa.replace(".", "").rstrip("0")
    return digits, int(exponent) + 1


def _fmt_e(digits: str, dp: int, prec: int, echar: str) -> str:
    first = digits[0] if digits else "0"
    out = first
    if prec > 0:
        rest = digits[1:1 + prec]
        out += "." + rest + "0" * (prec - len(rest))
    exp = dp - 1 if digits else 0
    sign = "-" if exp < 0 else "+"
    exp = abs(exp)
    return out + echar + sign + ("%02d" % exp)


def _fmt_f(digits: str, dp: int, prec: int) -> str:
    if dp > 0:
        whole = digits[:dp]
        whole += "0" * (dp - len(whole))
    else:
        whole = "0"
    if prec <= 0:
        return whole
    frac = []
    for i in range(prec):
        j = dp + i
        frac.append(digits[j] if 0 <= j < len(digits) else "0")
    return whole + "." + "".join(frac)


def format_float_g(value: float, prec: int = -1, upper: bool = False) -> str:
    """strconv.FormatFloat(value, 'g', prec, 64) for a finite value; prec -1 means shortest, which is
    gocompat/strconv.py's ``format_float`` (the one home of Go's shortest float printing)."""
    if prec < 0:
        text = format_float(value)
        return text.upper() if upper else text
    if prec == 0:
        prec = 1
    digits, dp = _digits_rounded(value, prec)
    nd = len(digits)
    eprec = prec
    if eprec > nd and nd >= dp:
        eprec = nd
    exp = dp - 1
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if exp < -4 or exp >= eprec:
        if prec > nd:
            prec = nd
        return sign + _fmt_e(digits, dp, prec - 1, "E" if upper else "e")
    if prec > dp:
        prec = nd
    return sign + _fmt_f(digits, dp, max(prec - dp, 0))


def _strconv_float(value: float, verb: str, prec) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if verb in "gG":
        return format_float_g(value, -1 if prec is None else prec, verb == "G")
    if verb in "eE":
        p = 6 if prec is None else prec
        text = "%.*e" % (p, value)
        return text.upper() if verb == "E" else text
    if verb in "fF":
        return "%.*f" % (6 if prec is None else prec, value)
    if verb in "xX":
        return _hex_float(value, prec, verb == "X")
    # 'b': decimalless scientific notation with exponent a power of two
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    value = abs(value)
    if value < 2.2250738585072014e-308:  # zero and subnormals: exponent fixed at -1074
        return "%s%dp-1074" % (sign, int(math.ldexp(value, 1074)))
    mantissa, exponent = math.frexp(value)
    return "%s%dp%+d" % (sign, int(mantissa * (1 << 53)), exponent - 53)


def _hex_float(value: float, prec, upper: bool) -> str:
    if value == 0:
        text = "-0x0p+00" if math.copysign(1.0, value) < 0 else "0x0p+00"
    else:
        sign = "-" if value < 0 else ""
        mant, exp = float.hex(abs(value))[2:].split("p")
        whole, frac = mant.split(".")
        frac = frac.rstrip("0")
        if prec is not None:
            if len(frac) > prec:
                rounded = float.fromhex("0x" + whole + "." + frac)
                scaled = round(rounded * 16 ** prec)
                text_digits = "%x" % scaled
                whole, frac = text_digits[:-prec] or "0", text_digits[-prec:] if prec else ""
                if int(whole, 16) >= 2:
                    whole = "1"
                    exp = str(int(exp) + 1)
            frac = frac + "0" * (prec - len(frac))
        e = int(exp)
        text = sign + "0x" + whole + ("." + frac if frac else "") + "p" + ("-" if e < 0 else "+") + "%02d" % abs(e)
    return text.upper() if upper else text


def _format_complex(value: complex, verb: str, spec: _Spec) -> str:
    """fmt's fmtComplex: (real+imagi), the imaginary part always signed."""
    if verb not in "vbgGxXfFeE":
        return _bad_verb(value, verb, spec)
    imag_spec = _Spec()
    for name in _Spec.__slots__:
        setattr(imag_spec, name, getattr(spec, name))
    imag_spec.plus = True
    return "(" + _format_float(value.real, verb, spec) + _format_float(value.imag, verb, imag_spec) + "i)"


def _sharp_float(num: str, conv: str, prec: int) -> str:
    """fmt's '#' flag on floats: always a decimal point, and %g keeps trailing zeros (fmt/format.go fmtFloat)."""
    sign = ""
    if num[:1] in "+-":
        sign, num = num[0], num[1:]
    digits = 0
    if conv in "gGvxX":
        digits = 6 if prec == -1 else prec
    tail = ""
    cut = len(num)
    exponent_marks = "pP" if conv in "xX" else "eEpP"
    for i, c in enumerate(num):
        if c in exponent_marks:
            cut = i
            tail = num[i:]
            break
    body = num[:cut]
    has_point = "." in body
    seen_nonzero = False
    for c in body:
        if c == ".":
            continue
        if c != "0":
            seen_nonzero = True
        if seen_nonzero:
            digits -= 1
    if not has_point:
        if body == "0":
            digits -= 1
        body += "."
    if digits > 0:
        body += "0" * digits
    return sign + body + tail


def _format_float(value: float, verb: str, spec: _Spec) -> str:
    if verb == "v":
        conv = "g"
    elif verb in "eEfFgGxXb":
        conv = verb
    else:
        return _bad_verb(value, verb, spec)
    num = _strconv_float(value, conv, spec.prec)
    if spec.sharp and conv != "b" and num not in ("+Inf", "-Inf", "NaN"):
        num = _sharp_float(num, conv, -1 if spec.prec is None or conv not in "gGxX" else spec.prec)
    if num[0] in "+-":
        sign, body = num[0], num[1:]
    else:
        sign, body = "+", num
    if spec.space and sign == "+" and not spec.plus:
        sign = " "
    if body in ("Inf", "NaN"):
        text = sign + body
        if body == "NaN" and not spec.space and not spec.plus:
            text = body
        return _pad(text, spec, zero_ok=False)
    if spec.plus or sign != "+":
        full = sign + body
        if spec.zero and not spec.minus and spec.width is not None and spec.width > len(full):
            return sign + "0" * (spec.width - len(full)) + body
        return _pad(full, spec)
    return _pad(body, spec)
