"""Go's sized integer types as Python ints that carry their Go type name.

The template engine reads ``go_type``/``go_kind`` (engine/gotypes.py) to print ``%T`` and to refuse a typed
argument as Go's reflection does ("expected int; got int64"): Sprig's arithmetic and ``time.Time.Unix`` return
int64 (Masterminds/sprig/v3 numeric.go, Go src/time/time.go), semver's Major/Minor/Patch return uint64.
"""
from __future__ import annotations

__all__ = ["Int64", "Uint64"]


class Int64(int):
    """A Go ``int64`` result (add, sub, mul, div, mod, max, min, int64, toDecimal): an int whose ``%T`` and
    kind are "int64", so typed parameters refuse it like Go ("expected int; got int64")."""

    go_type = "int64"
    go_kind = "int64"

    def __repr__(self) -> str:
        return int.__repr__(self)


class Uint64(int):
    """A Go ``uint64`` result (semver's Major, Minor, Patch)."""

    go_type = "uint64"
    go_kind = "uint64"

    def __repr__(self) -> str:
        return int.__repr__(self)
