"""What a crawl writes into: the settings, the document store, the ingest jobs and the crawl runs.

A structural type, so that the crawlers depend on the store layer only: the application context above
(``services.context.AppContext``) has these four and is passed as is.
"""

from __future__ import annotations

from typing import Protocol

from config.settings import Settings
from store.crawls import CrawlRuns
from store.documents import DocumentStore
from store.jobs import Jobs


class CrawlTarget(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def store(self) -> DocumentStore: ...

    @property
    def jobs(self) -> Jobs: ...

    @property
    def crawls(self) -> CrawlRuns: ...
