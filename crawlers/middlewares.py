"""Downloader middleware: every request, redirects included, is checked before it leaves."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawlers.safety import refusal


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
        if why is not None:
            report = getattr(target, "report", None)
            if report is not None:
                report(request.url, why, "not fetched: outside the source's allowed addresses")
            raise IgnoreRequest(f"{why}: {request.url}")
