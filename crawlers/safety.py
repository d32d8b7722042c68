"""Where a crawler may go: http(s) only, within its source's allowed domains, never to loopback, private,
link-local, reserved or multicast addresses unless the office allows it (SECURITY.md threat 7). Checked for
every request, redirects included.

Two checks, one policy:

- ``refusal`` (the downloader middleware ``UrlGuard``, before anything else): scheme, host, allowed domains,
  literal IP addresses and ``localhost`` names. It does not resolve names: a check that resolves on its own
  and a connection that resolves again can get two different answers (DNS rebinding).
- ``crawlers.resolver.VettingResolver`` (the reactor's name resolver, so every connection Scrapy makes goes
  through it): resolves each name once, refuses it when the lookup fails or when any of its addresses is
  not allowed (``address_allowed``), and hands the connection only the addresses it checked.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# a recorded refusal: its reason and the message kept with the crawl run
REFUSALS = {
    "scheme": "not fetched: outside the source's allowed addresses",
    "no-host": "not fetched: outside the source's allowed addresses",
    "offsite": "not fetched: outside the source's allowed addresses",
    "private-address": "not fetched: a loopback, private, link-local or reserved address",
    "dns": "not fetched: the host name could not be resolved",
    "resolver": "not fetched: the address-checking name resolver is not installed",
}


def host_allowed(host: str, allowed_domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def address_allowed(ip: str, allow_private: bool = False) -> bool:
    """May a crawler connect to this IP address? Only global unicast ones, unless private ones are allowed."""
    if allow_private:
        return True
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return addr.is_global and not addr.is_multicast


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


def _loopback_name(host: str) -> bool:
    """Names that resolve to loopback without asking DNS (RFC 6761)."""
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")


def refusal(url: str, allowed_domains: list[str], allow_private: bool) -> str | None:
    """Why this URL must not be fetched, or None: the checks that need no name resolution. The addresses a
    name resolves to are checked by the resolver, on the very answer the connection uses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "scheme"
    host = parts.hostname or ""
    if not host:
        return "no-host"
    if not host_allowed(host, allowed_domains):
        return "offsite"
    if allow_private:
        return None
    if _literal(host):
        return None if address_allowed(host) else "private-address"
    if _loopback_name(host):
        return "private-address"
    return None
