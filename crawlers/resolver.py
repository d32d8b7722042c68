"""The crawl's name resolver (Scrapy's ``TWISTED_DNS_RESOLVER``): the one place where a crawler's host names
become addresses, so the address that is checked is the address that is connected to (SECURITY.md threat 7).

Every connection Scrapy makes (the first request, robots.txt, redirects, retries) goes through the reactor's
name resolver. This one

- resolves a name once per crawl process and keeps the answer: a DNS-rebinding name that answers a public
  address first and a loopback address later gets its first answer used for every connection;
- checks every address of the answer: one loopback, private, link-local, reserved or multicast address
  refuses the name (unless the office allows private addresses), and that refusal is kept too;
- refuses a name whose lookup fails or gives no address (a failure is not kept: the next request asks again,
  and its answer is checked in the same way);
- hands Twisted only the checked addresses. A refused name resolves to nothing, so the connection fails with
  Twisted's ``DNSLookupError`` before any socket is opened; ``crawlers.middlewares.ResolverRefusals`` then
  records why (``refusal_for``) with the crawl run.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Sequence
from typing import Any, Literal

from scrapy.crawler import Crawler
from twisted.internet import defer
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from zope.interface import implementer

from crawlers.safety import address_allowed

log = logging.getLogger(__name__)

# one address of an answer: (family, host, flowinfo, scope_id); the port is the connection's
Address = tuple[int, str, int, int]


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - Twisted never cancels a resolution it started
        pass


@implementer(IHostnameResolver)
class VettingResolver:
    def __init__(self, reactor: Any, allow_private: bool, timeout: float = 60.0) -> None:
        self.reactor = reactor
        self.allow_private = allow_private
        self.timeout = timeout
        self._answers: dict[str, tuple[Address, ...]] = {}  # name -> its checked addresses, for the crawl
        self._refused: dict[str, str] = {}  # name -> why it is refused, for the crawl ("private-address")
        self._failed: dict[str, str] = {}  # name -> its last lookup failed ("dns"); asked again next time
        self._pending: dict[str, list[defer.Deferred[tuple[Address, ...]]]] = {}  # one lookup at a time

    # ---- Scrapy's resolver protocol ----------------------------------------------------------------------
    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> VettingResolver:
        # ``crawler`` is the CrawlerProcess: its own settings, not a spider's (crawlers.settings.process_settings)
        return cls(
            reactor,
            allow_private=crawler.settings.getbool("COIDESK_ALLOW_PRIVATE"),
            timeout=crawler.settings.getfloat("DNS_TIMEOUT", 60.0),
        )

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)  # the reactor's simple resolver becomes a wrapper of this one

    # ---- what the guard middlewares ask ------------------------------------------------------------------
    def refusal_for(self, host: str) -> str | None:
        """Why connections to this name were refused (its last answer), or None."""
        key = _key(host)
        return self._refused.get(key) or self._failed.get(key)

    # ---- IHostnameResolver -------------------------------------------------------------------------------
    def resolveHostName(  # noqa: N802 - Twisted's interface
        self,
        resolutionReceiver: Any,  # an IResolutionReceiver (zope interfaces are not types to mypy)
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:  # an IHostResolution
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        kind: Literal["TCP", "UDP"] = "UDP" if transportSemantics == "UDP" else "TCP"
        wanted = None if addressTypes is None else set(addressTypes)

        def deliver(addresses: tuple[Address, ...]) -> None:
            for family, host, flowinfo, scope_id in addresses:
                if family == socket.AF_INET and (wanted is None or IPv4Address in wanted):
                    resolutionReceiver.addressResolved(IPv4Address(kind, host, portNumber))
                elif family == socket.AF_INET6 and (wanted is None or IPv6Address in wanted):
                    resolutionReceiver.addressResolved(IPv6Address(kind, host, portNumber, flowinfo, scope_id))
            resolutionReceiver.resolutionComplete()

        def broken(failure: Failure) -> None:  # a bug of ours: nothing is connected to
            log.error("name resolution of %s failed: %s", hostName, failure.getTraceback())
            resolutionReceiver.resolutionComplete()

        self.vetted(hostName).addCallbacks(deliver, broken)
        return resolution

    # ---- resolving and checking --------------------------------------------------------------------------
    def vetted(self, host: str) -> defer.Deferred[tuple[Address, ...]]:
        """The checked addresses of a name: its kept answer, else one new lookup (shared by the requests that
        ask meanwhile). Empty when the name is refused."""
        key = _key(host)
        if key in self._answers:
            return defer.succeed(self._answers[key])
        if key in self._refused:
            return defer.succeed(())
        waiter: defer.Deferred[tuple[Address, ...]] = defer.Deferred()
        if key in self._pending:
            self._pending[key].append(waiter)
            return waiter
        self._pending[key] = [waiter]
        lookup = self._lookup(host)
        lookup.addBoth(self._settle, key)
        return waiter

    def _lookup(self, host: str) -> defer.Deferred[list[Any]]:
        literal = _literal_address(host)
        if literal is not None:
            return defer.succeed([literal])
        return self._ask(host)

    def _ask(self, host: str) -> defer.Deferred[list[Any]]:
        """The system's answer (getaddrinfo, looked up at call time, in the reactor's thread pool)."""
        d: defer.Deferred[list[Any]] = deferToThreadPool(
            self.reactor,
            self.reactor.getThreadPool(),
            _getaddrinfo,
            host,
        )
        if self.timeout > 0:
            d.addTimeout(self.timeout, self.reactor)
        return d

    def _settle(self, result: list[Any] | Failure, key: str) -> None:
        waiters = self._pending.pop(key, [])
        addresses: tuple[Address, ...] = ()
        if isinstance(result, Failure):
            self._failed[key] = "dns"
            log.warning("refused %s: lookup failed (%s)", key, result.getErrorMessage())
        else:
            found = _addresses(result)
            if not found:
                self._failed[key] = "dns"
                log.warning("refused %s: no address", key)
            elif not all(address_allowed(a[1], self.allow_private) for a in found):
                self._refused[key] = "private-address"
                self._failed.pop(key, None)
                log.warning("refused %s: resolves to %s", key, ", ".join(a[1] for a in found))
            else:
                self._answers[key] = addresses = found
                self._failed.pop(key, None)
        for waiter in waiters:
            waiter.callback(addresses)


def _key(host: str) -> str:
    return host.lower()


def _getaddrinfo(host: str) -> list[Any]:
    return socket.getaddrinfo(host, None, socket.AF_UNSPEC, socket.SOCK_STREAM)


def _literal_address(host: str) -> tuple[int, int, int, str, tuple[Any, ...]] | None:
    """An IP address given as the host: its getaddrinfo entry, without asking anyone."""
    try:
        addr = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv4Address):
        return (socket.AF_INET, socket.SOCK_STREAM, 0, "", (str(addr), 0))
    return (socket.AF_INET6, socket.SOCK_STREAM, 0, "", (str(addr), 0, 0, 0))


def _addresses(infos: list[Any]) -> tuple[Address, ...]:
    """Every IPv4 and IPv6 address of a getaddrinfo answer, once each, in its order."""
    out: list[Address] = []
    for family, _type, _proto, _canonname, sockaddr in infos:
        if family == socket.AF_INET:
            entry: Address = (family, str(sockaddr[0]), 0, 0)
        elif family == socket.AF_INET6:
            entry = (family, str(sockaddr[0]), int(sockaddr[2]), int(sockaddr[3]))
        else:
            continue
        if entry not in out:
            out.append(entry)
    return tuple(out)


def installed_resolver() -> VettingResolver | None:
    """The reactor's name resolver if it is ours (None otherwise: then nothing may be fetched)."""
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver if isinstance(resolver, VettingResolver) else None
