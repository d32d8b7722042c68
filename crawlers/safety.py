"""Where a crawler may go: http(s) only, within its source's allowed domains, never to loopback, private
or link-local addresses unless the office allows it (SECURITY.md threat 7). Checked for every request,
redirects included."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def host_allowed(host: str, allowed_domains: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def _private(ip: str) -> bool:
    addr = ipaddress.ip_address(ip.split("%")[0])
    return not addr.is_global or addr.is_multicast


def refusal(url: str, allowed_domains: list[str], allow_private: bool) -> str | None:
    """Why this URL must not be fetched, or None."""
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
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        try:
            addresses = [str(info[4][0]) for info in socket.getaddrinfo(host, parts.port or 443)]
        except OSError:
            return None  # the download fails on its own, with its DNS error logged
    if any(_private(a) for a in addresses):
        return "private-address"
    return None
