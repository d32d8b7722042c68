"""The one place where crawled items enter coidesk: each becomes a stored document through ``ingest``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.items import CrawledFile
from crawlers.target import CrawlTarget
from ingest.crawled import store_crawled
from ingest.uploads import UploadFields

_CONTEXTS: dict[int, CrawlTarget] = {}  # crawl run id -> the application it stores into


def bind(run_id: int, ctx: CrawlTarget) -> None:
    """Scrapy copies its settings, so the (uncopyable) application is found by the run id instead."""
    _CONTEXTS[run_id] = ctx


class IngestPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run_id: int = crawler.settings.getint("COIDESK_RUN_ID")
        self.ctx = _CONTEXTS[self.run_id]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IngestPipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, CrawledFile):
            raise DropItem("not a crawled file")
        try:
            fields = UploadFields.model_validate(
                {
                    "kind": item.kind if item.kind in ("coi", "decision") else "coi",
                    "title": (item.title or "")[:500] or None,
                    "countries": item.countries,
                    "source": item.source,
                    "doc_type": item.doc_type[:64] if item.doc_type else None,
                    "published": item.published,
                    "url": item.url,
                    "language": item.language,
                    "court": item.court,
                    "decision_date": item.decision_date,
                    "file_number": item.file_number,
                    "ecli": item.ecli,
                    "headnote": item.headnote,
                }
            )
        except ValidationError as exc:
            self._problem(item.url, "invalid", "; ".join(e["msg"] for e in exc.errors())[:300])
            raise DropItem("invalid metadata") from exc
        crawl = {
            "retrieved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "run": self.run_id,
            "file_url": item.file_url,
            "pdf_url": item.pdf_url,
            "publisher": item.publisher,
            "author": item.author,
            "withdrawn": item.withdrawn,  # the publisher withdrew it: kept, flagged (see the uk_cpin spider)
        }
        outcome = store_crawled(
            self.ctx.store, self.ctx.jobs, item.body, item.filename, fields, {k: v for k, v in crawl.items() if v}
        )
        if outcome.status == "failed":
            self._problem(item.url, "ingest", outcome.error or "failed")
        else:
            self.ctx.crawls.count(self.run_id, outcome.status)
        return item

    def _problem(self, url: str, kind: str, message: str) -> None:
        spider = self.crawler.spider
        report = getattr(spider, "report", None)
        if report is not None:
            report(url, kind, message)
