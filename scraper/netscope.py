"""Which network an address is on, and the rule for where a crawl may be sent.

A board the crawl does not control can answer with a redirect to any URL. Followed blindly, a public
board could make the crawler request a service on the operator's own network (a router page, a
database's HTTP port, a cloud metadata service at 169.254.169.254). The rule: a redirect may go to
any public address, and to a non-public one only if the request it came from started on that same
kind of network (a replay server on 127.0.0.1 may redirect to another port of 127.0.0.1).

Pure functions over `ipaddress`, and `host_scope`, which resolves a name (off the event loop) for
the fetcher and the browser alike.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Literal

Scope = Literal["public", "loopback", "private", "link-local", "other"]

# What a configured base_url may point at. Loopback and private are the operator's own choice (the
# replay server, an internal mirror), and choosing one is what lets redirects stay on it. Link-local
# is where cloud metadata services live and no job board does; "other" is unspecified (0.0.0.0),
# multicast and reserved space, which no board can be on.
CONFIGURABLE_SCOPES: frozenset[Scope] = frozenset({"public", "loopback", "private"})


def ip_scope(host: str) -> Scope | None:
    """The scope of a literal IP address (brackets allowed), or None when `host` is a name."""
    try:
        addr = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_unspecified or addr.is_multicast or addr.is_reserved:
        return "other"
    if addr.is_global:
        return "public"
    return "private"  # RFC 1918, unique-local fc00::/7, shared 100.64/10, documentation ranges


def name_scope(host: str) -> Scope | None:
    """The scope a host name always has whatever DNS says (localhost, RFC 6761), else None."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    return None


def widest(scopes: list[Scope]) -> Scope:
    """One scope for a name that resolves to several addresses: the least public one counts."""
    for scope in ("other", "link-local", "private", "loopback"):
        if scope in scopes:
            return scope  # type: ignore[return-value]
    return "public"


_PHRASES: dict[Scope, str] = {
    "public": "a public",
    "loopback": "a loopback",
    "private": "a private",
    "link-local": "a link-local",
    "other": "an unspecified, multicast or reserved",
}


def scope_phrase(scope: Scope | None) -> str:
    """'a private address' and the like, for messages."""
    return f"{_PHRASES[scope] if scope else 'an unresolved'} address"


def hop_allowed(start: Scope | None, hop: Scope | None) -> bool:
    """May a redirect that began on `start` go to `hop`? None: not known (a name that did not resolve)."""
    if hop is None or hop == "public":
        return True  # an unresolvable name cannot be connected to either; the request fails on its own
    return hop == start


async def host_scope(host: str, cache: dict[str, Scope | None]) -> Scope | None:
    """The network `host` is on: a literal IP's own, a name's from what it resolves to (cached in
    `cache`, once per crawl); None when the name does not resolve."""
    if host in cache:
        return cache[host]
    scope = ip_scope(host) or name_scope(host)
    if scope is None:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            infos = []
        scopes = [ip_scope(str(info[4][0])) for info in infos]
        scope = widest([s for s in scopes if s is not None]) if scopes else None
    cache[host] = scope
    return scope
