"""Sprig's URL, network and UUID functions (Masterminds/sprig/v3 url.go, network.go, functions.go) with Go
net/url parsing and URL.String() escaping."""
from __future__ import annotations

import random
import re
import socket
import uuid

from ..errors import FuncError
from ._base import MAP, STRING, go_func, go_quote, strval

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HEX = "0123456789ABCDEF"


def _unescape(s: str, what: str) -> str:
    data = s.encode("utf-8")
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x25:
            seg = data[i + 1:i + 3].decode("ascii", "replace")
            if len(seg) < 2 or any(c not in "0123456789abcdefABCDEF" for c in seg):
                bad = data[i:i + 3].decode("utf-8", "replace")
                raise FuncError("unable to parse url: parse %s: invalid URL escape %s"
                                % (_quote(what), _quote(bad)))
            out.append(int(seg, 16))
            i += 3
            continue
        out.append(b)
        i += 1
    return out.decode("utf-8", "replace")


def _quote(s: str) -> str:
    return go_quote(s)


def parse_url(raw: str) -> dict:
    """Go url.Parse of ``raw`` into the map Sprig's urlParse returns (scheme, host, hostname, path, query,
    opaque, fragment, userinfo). Raises FuncError for a malformed escape or a missing scheme before ':'."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise FuncError("unable to parse url: parse %s: net/url: invalid control character in URL" % _quote(raw))
    rest, fragment = raw, ""
    if "#" in rest:
        rest, frag = rest.split("#", 1)
        fragment = _unescape(frag, raw)
    scheme = ""
    m = _SCHEME_RE.match(rest)
    if m:
        scheme, rest = m.group(1).lower(), rest[m.end():]
    elif rest.startswith(":"):
        raise FuncError("unable to parse url: parse %s: missing protocol scheme" % _quote(raw))
    query = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
    host, userinfo, opaque, path = "", "", "", ""
    if scheme and not rest.startswith("/"):
        opaque = rest
    else:
        if rest.startswith("//"):
            authority, slash, remainder = rest[2:].partition("/")
            rest = slash + remainder
            if "@" in authority:
                userinfo, authority = authority.rsplit("@", 1)
            host = authority
            colon = host.rfind(":")
            if colon >= 0 and (not host.startswith("[") or host.rfind("]") < colon):
                port = host[colon:]
                if not all(c.isdigit() and c.isascii() for c in port[1:]):
                    raise FuncError("unable to parse url: parse %s: invalid port %s after host"
                                    % (_quote(raw), _quote(port)))
        path = _unescape(rest, raw)
    hostname = host
    if hostname.startswith("["):
        hostname = hostname[1:hostname.find("]")] if "]" in hostname else hostname[1:]
    elif ":" in hostname:
        hostname = hostname[:hostname.rfind(":")]
    return {"scheme": scheme, "host": host, "hostname": hostname, "path": path, "query": query,
            "opaque": opaque, "fragment": fragment, "userinfo": _userinfo_string(userinfo, raw)}


def _userinfo_string(userinfo: str, raw: str) -> str:
    """Go url.Userinfo.String() of a parsed userinfo: user and password unescaped, then re-escaped."""
    if not userinfo:
        return ""
    user, colon, password = userinfo.partition(":")
    text = _escape(_unescape(user, raw), _USERINFO_KEEP)
    if colon:
        text += ":" + _escape(_unescape(password, raw), _USERINFO_KEEP)
    return text


_USERINFO_KEEP = "$&+,;="


def _escape(s: str, keep: str) -> str:
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~" or c in keep):
            out.append(c)
        else:
            out.append("%" + _HEX[b >> 4] + _HEX[b & 15])
    return "".join(out)


def _meta(d: dict, key: str) -> str:
    value = d.get(key) if d else None
    return "" if value is None else strval(value)


@go_func(STRING)
def urlParse(raw):
    """Sprig urlParse: the parts of a URL as a map."""
    return parse_url(raw)


@go_func(MAP)
def urlJoin(d):
    """Sprig urlJoin: build a URL string (Go URL.String()) from a urlParse-style map."""
    scheme, host, path = _meta(d, "scheme"), _meta(d, "host"), _meta(d, "path")
    query, opaque, fragment, user = _meta(d, "query"), _meta(d, "opaque"), _meta(d, "fragment"), _meta(d, "userinfo")
    out = []
    if scheme:
        out.append(scheme + ":")
    if opaque:
        out.append(opaque)
    else:
        if scheme or host or user:
            if host or path or user:
                out.append("//")
            if user:
                out.append(_userinfo_string(user, user) + "@")
            out.append(host)
        escaped = _escape(path, "$&+,/:;=@")
        if escaped and not escaped.startswith("/") and host:
            out.append("/")
        if not out and ":" in escaped.split("/", 1)[0]:
            out.append("./")
        out.append(escaped)
    if query:
        out.append("?" + query)
    if fragment:
        out.append("#" + _escape(fragment, "$&+,/:;=?@!()*"))
    return "".join(out)


@go_func(STRING)
def getHostByName(name):
    """Sprig getHostByName: one of the addresses the name resolves to (chosen at random)."""
    try:
        infos = socket.getaddrinfo(name, None)
    except (socket.gaierror, UnicodeError):
        infos = []
    addrs = []
    for info in infos:
        addr = info[4][0]
        if addr not in addrs:
            addrs.append(addr)
    if not addrs:
        raise FuncError("invalid argument to Intn")
    return random.choice(addrs)


def uuidv4():
    """Sprig uuidv4: a random version 4 UUID string."""
    return str(uuid.uuid4())


FUNCS = {"urlParse": urlParse, "urlJoin": urlJoin, "getHostByName": getHostByName, "uuidv4": uuidv4}
