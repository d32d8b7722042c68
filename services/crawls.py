"""The source registry and the crawls as users see them, and the server's crawl schedule.

A crawl runs in its own process (``coidesk crawl SOURCE``): Scrapy's reactor lives there, and a crawl
that hangs or crashes cannot take the server with it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import threading
from typing import Any, Literal

from pydantic import BaseModel

from config.settings import Settings
from config.sources import Source, crawlable, sources
from services.auth import Principal
from store.crawls import CrawlRun, CrawlRuns
from store.documents import DocumentStore

log = logging.getLogger(__name__)
PERIODS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}


def may_start_crawl(p: Principal) -> bool:
    return p.has("research_assistant", "admin")


def run_view(run: CrawlRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.id,
        "source": run.source,
        "started": run.started.isoformat(timespec="seconds") + "Z",
        "finished": run.finished.isoformat(timespec="seconds") + "Z" if run.finished else None,
        "status": run.status,
        "pages": run.pages,
        "new": run.new,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "failed": run.failed,
        "errors": run.errors,
    }


def source_view(source: Source, documents: int, last: CrawlRun | None) -> dict[str, Any]:
    crawl = source.crawl
    return {
        "id": source.id,
        "name": source.name,
        "acronym": source.acronym,
        "type": source.type,
        "home": source.home,
        "languages": list(source.languages),
        "countries": list(source.countries),
        "description": source.description,
        "methodology": source.methodology,
        "reviewed": source.reviewed,
        "documents": documents,
        "crawl": None
        if crawl is None
        else {
            "spider": crawl.spider,
            "schedule": crawl.schedule,
            "allowed_domains": crawl.allowed_domains,
            "kind": crawl.kind,
            "last_run": run_view(last),
        },
    }


class CrawlDesk:
    def __init__(self, runs: CrawlRuns, store: DocumentStore, settings: Settings) -> None:
        self.runs, self.store, self.settings = runs, store, settings
        self._running: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()

    def overview(self) -> list[dict[str, Any]]:
        counts = self.store.counts_by("source")
        last = self.runs.last_by_source()
        return [source_view(s, counts.get(s.id, 0), last.get(s.id)) for s in sources().values()]

    def source(self, source_id: str) -> dict[str, Any] | None:
        s = sources().get(source_id)
        if s is None:
            return None
        view = source_view(s, self.store.counts_by("source").get(s.id, 0), self.runs.last_by_source().get(s.id))
        view["runs"] = [run_view(r) for r in self.runs.recent(source_id, limit=20)]
        return view

    def recent(self, source_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        return [v for r in self.runs.recent(source_id, limit) if (v := run_view(r))]

    def is_running(self, source_id: str) -> bool:
        with self._lock:
            proc = self._running.get(source_id)
            return proc is not None and proc.poll() is None

    def start(self, source_id: str) -> bool:
        """Start ``coidesk crawl SOURCE`` in its own process; False if it is already running."""
        if source_id not in crawlable():
            raise KeyError(source_id)
        with self._lock:
            proc = self._running.get(source_id)
            if proc is not None and proc.poll() is None:
                return False
            env = {**os.environ, "COIDESK_DATA_DIR": str(self.settings.data_dir.resolve())}
            if self.settings.database_url:
                env["COIDESK_DATABASE_URL"] = self.settings.database_url
            if self.settings.sources_file:
                env["COIDESK_SOURCES_FILE"] = str(self.settings.sources_file.resolve())
            env["COIDESK_CRAWL_ALLOW_PRIVATE"] = "true" if self.settings.crawl_allow_private else "false"
            env["COIDESK_CRAWL_USER_AGENT"] = self.settings.crawl_user_agent
            env["COIDESK_CRAWL_TIMEOUT_S"] = str(self.settings.crawl_timeout_s)
            env["COIDESK_CRAWL_MAX_BYTES"] = str(self.settings.crawl_max_bytes)
            # no shell; source_id is a key of the registry (checked above), never free text
            self._running[source_id] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "cli.main", "crawl", source_id],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            log.info("crawl of %s started", source_id)
            return True

    def due(self, now: dt.datetime | None = None) -> list[str]:
        """Sources whose schedule says a crawl is due (never crawled, or last started a period ago)."""
        now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        last = self.runs.last_by_source()
        out = []
        for s in crawlable().values():
            period = PERIODS.get(s.crawl.schedule or "") if s.crawl else None
            if period is None:
                continue
            run = last.get(s.id)
            if run is None or now - run.started >= period:
                out.append(s.id)
        return out

    def stop(self) -> None:
        with self._lock:
            for proc in self._running.values():
                if proc.poll() is None:
                    proc.terminate()


class CrawlSchedule:
    """The server's schedule: every minute, start the crawls that are due (each source daily or weekly)."""

    def __init__(self, desk: CrawlDesk, interval_s: float = 60.0) -> None:
        self.desk, self.interval_s = desk, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coidesk-crawl-schedule", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.desk.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for source_id in self.desk.due():
                    if not self.desk.is_running(source_id):
                        self.desk.start(source_id)
            except Exception:
                log.exception("crawl schedule failed; will retry")
            self._stop.wait(self.interval_s)


# ---- what the source and crawl API answers (OpenAPI shows these shapes) ----------------------------
# ``run_view`` and ``source_view`` still build dicts (the pages read them); the routes validate them.
class CrawlRunOut(BaseModel):
    id: int
    source: str
    started: str  # ISO date and time, UTC ("Z")
    finished: str | None  # None while running
    status: str  # running | finished | failed
    pages: int  # responses received
    new: int
    updated: int
    unchanged: int
    failed: int
    errors: list[dict[str, Any]]  # {url, kind, message}


class CrawlOut(BaseModel):
    spider: str
    schedule: str | None  # daily | weekly; None: only when asked
    allowed_domains: list[str]
    kind: str  # coi | decision
    last_run: CrawlRunOut | None


class SourcePublic(BaseModel):
    """A publisher of the registry, with the documents held and its crawl, if it has one."""

    id: str
    name: str
    acronym: str
    type: str
    home: str
    languages: list[str]
    countries: list[str]  # ISO alpha-3 codes covered, "*" for all
    description: str | None  # mandate
    methodology: str | None  # how the publisher gathers and checks its information
    reviewed: str | None  # when the research desk last assessed it (YYYY-MM-DD)
    documents: int
    crawl: CrawlOut | None


class SourceDetail(SourcePublic):
    runs: list[CrawlRunOut]  # the last 20


class CrawlStarted(BaseModel):
    status: Literal["started"]
    source: str
