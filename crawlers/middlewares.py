"""Downloader middlewares: every request, redirects included, is checked before it leaves, and every refusal
is recorded with the crawl run.

- ``UrlGuard`` (first of all): scheme, allowed domains, literal addresses (``crawlers.safety.refusal``), and
  that the address-checking resolver is the reactor's (else nothing is fetched).
- ``ResolverRefusals`` (last before the download, so first to see its failure: before the cache would answer
  with a stale copy and before a retry): records the names the resolver refused (``crawlers.resolver``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from twisted.internet.error import DNSLookupError

from crawlers.resolver import installed_resolver
from crawlers.safety import REFUSALS, refusal


def _refuse(crawler: Crawler, request: Request, why: str) -> IgnoreRequest:
    report = getattr(crawler.spider, "report", None)
    if report is not None:
        report(request.url, why, REFUSALS[why])
    return IgnoreRequest(f"{why}: {request.url}")


class UrlGuard:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("COIDESK_ALLOW_PRIVATE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlGuard:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        target = self.crawler.spider
        domains = list(getattr(target, "allowed_domains", None) or [])
        why = refusal(request.url, domains, self.allow_private)
        if why is None and installed_resolver() is None:
            why = "resolver"  # names would be resolved, and connected to, unchecked
        if why is not None:
            raise _refuse(self.crawler, request, why)


class ResolverRefusals:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResolverRefusals:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):  # Scrapy wraps Twisted's
            return None
        resolver = installed_resolver()
        host = urlsplit(request.url).hostname
        why = resolver.refusal_for(host) if resolver is not None and host else None
        if why is None:
            return None
        raise _refuse(self.crawler, request, why)
