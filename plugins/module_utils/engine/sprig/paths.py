"""Sprig's path functions: Go's path package (base, dir, clean, ext, isAbs) and path/filepath (os*), which on
Linux, where Helm runs, behave the same."""
from __future__ import annotations

from ._base import STRING, go_func


def clean(p: str) -> str:
    """Go path.Clean: the shortest equivalent path (no "//", ".", or "x/.."); "" gives "."."""
    if p == "":
        return "."
    rooted = p.startswith("/")
    parts = []
    for part in p.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def base(p: str) -> str:
    """Go path.Base: the last element; "" gives ".", only slashes give "/"."""
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1:]


def dir_(p: str) -> str:
    """Go path.Dir: Clean of everything before the last slash."""
    return clean(p[:p.rfind("/") + 1])


def ext(p: str) -> str:
    """Go path.Ext: the suffix from the last "." of the last element, or ""."""
    for i in range(len(p) - 1, -1, -1):
        if p[i] == "/":
            break
        if p[i] == ".":
            return p[i:]
    return ""


@go_func(STRING)
def base_(p):
    """path.Base."""
    return base(p)


@go_func(STRING)
def dir_f(p):
    """path.Dir."""
    return dir_(p)


@go_func(STRING)
def clean_(p):
    """path.Clean."""
    return clean(p)


@go_func(STRING)
def ext_(p):
    """path.Ext."""
    return ext(p)


@go_func(STRING)
def isAbs(p):
    """path.IsAbs: whether the path starts with "/"."""
    return p.startswith("/")


FUNCS = {
    "base": base_, "dir": dir_f, "clean": clean_, "ext": ext_, "isAbs": isAbs,
    "osBase": base_, "osDir": dir_f, "osClean": clean_, "osExt": ext_, "osIsAbs": isAbs,
}
