"""Crawl runs: one row per source per run, with counts and the errors of that run (shown on /crawls)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, utcnow

MAX_ERRORS_KEPT = 200  # per run; the count goes on


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    started: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|finished|failed
    reason: Mapped[str | None] = mapped_column(String(64))  # Scrapy's close reason
    pages: Mapped[int] = mapped_column(Integer, default=0)  # responses received
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # {url, kind, message}


COUNTERS = ("pages", "new", "updated", "unchanged", "failed")


class CrawlRuns:
    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, source: str) -> int:
        with self.db.session() as s:
            run = CrawlRun(source=source, errors=[])
            s.add(run)
            s.flush()
            return run.id

    def count(self, run_id: int, counter: str, by: int = 1) -> None:
        if counter not in COUNTERS:
            raise ValueError(counter)
        column = getattr(CrawlRun, counter)
        with self.db.session() as s:
            s.execute(update(CrawlRun).where(CrawlRun.id == run_id).values({column: column + by}))

    def error(self, run_id: int, url: str, kind: str, message: str, failure: bool = True) -> None:
        """A broken page (``failure``) or a refused address: logged with the run; the crawl goes on."""
        with self.db.session() as s:
            run = s.get(CrawlRun, run_id)
            if run is None:
                return
            if len(run.errors) < MAX_ERRORS_KEPT:
                run.errors = [*run.errors, {"url": url[:2000], "kind": kind[:64], "message": message[:500]}]
            if failure:
                run.failed += 1

    def finish(self, run_id: int, reason: str) -> None:
        with self.db.session() as s:
            run = s.get(CrawlRun, run_id)
            if run is not None:
                run.finished = utcnow()
                run.reason = reason[:64]
                run.status = "finished" if reason == "finished" else "failed"

    def get(self, run_id: int) -> CrawlRun | None:
        with self.db.session() as s:
            return s.get(CrawlRun, run_id)

    def recent(self, source: str | None = None, limit: int = 50) -> list[CrawlRun]:
        stmt = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
        if source:
            stmt = stmt.where(CrawlRun.source == source)
        with self.db.session() as s:
            return list(s.scalars(stmt))

    def last_by_source(self) -> dict[str, CrawlRun]:
        out: dict[str, CrawlRun] = {}
        for run in self.recent(limit=1000):
            out.setdefault(run.source, run)
        return out
