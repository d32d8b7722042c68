"""Runs crawls: one Scrapy crawler per source in one process, each recorded as a crawl run."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response
from twisted.python.failure import Failure

from config.sources import Source, crawlable
from crawlers.items import LayoutError
from crawlers.pipeline import bind
from crawlers.settings import process_settings, scrapy_settings
from crawlers.spiders import SPIDERS
from crawlers.target import CrawlTarget

log = logging.getLogger(__name__)
# not fetched on purpose, or fetched with a remark: kept with the run, not counted as failures
NOT_FAILURES = ("offsite", "private-address", "scheme", "no-host", "resolver", "notice", "withdrawn")


class UnknownSource(ValueError):
    pass


def resolve(source_ids: list[str], all_sources: bool) -> list[Source]:
    known = crawlable()
    if all_sources:
        return list(known.values())
    missing = [s for s in source_ids if s not in known]
    if missing:
        raise UnknownSource(", ".join(missing))
    return [known[s] for s in source_ids]


def run_crawls(
    ctx: CrawlTarget,
    sources: list[Source],
    base_url: str | None = None,
    since: dt.date | None = None,
    on_event: Callable[[str, str], None] | None = None,
) -> list[int]:
    """Crawl the sources (blocking); returns the crawl run ids. ``on_event(source, "page"|"item")``."""
    process = CrawlerProcess(process_settings(ctx.settings), install_root_handler=False)
    run_ids: list[int] = []
    for source in sources:
        assert source.crawl is not None
        run_id = ctx.crawls.start(source.id)
        run_ids.append(run_id)
        bind(run_id, ctx)
        settings = scrapy_settings(ctx.settings, source) | {"COIDESK_RUN_ID": run_id}
        spidercls = SPIDERS[source.crawl.spider]
        # per-source settings are the spider class's custom settings (Scrapy's own mechanism)
        configured = type(
            f"{spidercls.__name__}_{run_id}", (spidercls,), {"custom_settings": settings, "name": source.id}
        )
        crawler = process.create_crawler(configured)
        _watch(ctx, crawler, source.id, run_id, on_event)
        process.crawl(crawler, source=source, base_url=base_url, since=since, report=_reporter(ctx, run_id))
    logging.getLogger("scrapy").setLevel(logging.WARNING)  # per-page problems are in the crawl run
    process.start(install_signal_handlers=True)
    return run_ids


def _reporter(ctx: CrawlTarget, run_id: int) -> Callable[[str, str, str], None]:
    def report(url: str, kind: str, message: str) -> None:
        ctx.crawls.error(run_id, url, kind, message, failure=kind not in NOT_FAILURES)

    return report


def _watch(
    ctx: CrawlTarget, crawler: Crawler, source_id: str, run_id: int, on_event: Callable[[str, str], None] | None
) -> None:
    def response_received(response: Response, request: Any, spider: Any) -> None:
        ctx.crawls.count(run_id, "pages")
        if on_event:
            on_event(source_id, "page")

    def item_scraped(item: Any, response: Any, spider: Any) -> None:
        if on_event:
            on_event(source_id, "item")

    def spider_error(failure: Failure, response: Response, spider: Any) -> None:
        kind = "layout" if failure.check(LayoutError) else "spider"
        ctx.crawls.error(run_id, response.url, kind, str(failure.value)[:300])

    def spider_closed(spider: Any, reason: str) -> None:
        ctx.crawls.finish(run_id, reason)

    crawler.signals.connect(response_received, signal=signals.response_received)
    crawler.signals.connect(item_scraped, signal=signals.item_scraped)
    crawler.signals.connect(spider_error, signal=signals.spider_error)
    crawler.signals.connect(spider_closed, signal=signals.spider_closed)
    # each signal handler above must outlive this function: Scrapy keeps weak references
    crawler.__dict__["_coidesk_handlers"] = (response_received, item_scraped, spider_error, spider_closed)
