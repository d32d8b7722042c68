"""The source registry: one entry per publisher (``config/sources.json``), used for facets, citations,
the source pages and the crawlers.

An office adds sources without touching code: an entry with ``"spider": "generic"`` and a feed, a sitemap
or a listing page is enough, in this file or in the file named by ``COIDESK_SOURCES_FILE``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, HttpUrl, field_validator

from config.reference import load_reference
from config.settings import Settings, get_settings

SourceType = Literal["ngo", "government", "un_io", "court", "media", "academic"]
Schedule = Literal["daily", "weekly"]


class Listing(BaseModel):
    """A page whose links lead to documents: links by CSS selector; their title by an XPath relative to
    the link (default: the link's text)."""

    url: HttpUrl
    links: str = Field(min_length=1)
    title: str | None = None
    next_page: str | None = None  # CSS selector of the "next page" link


class CrawlSettings(BaseModel):
    spider: str = Field(pattern=r"^[a-z_]+$")
    allowed_domains: list[str] = Field(min_length=1)
    start_urls: list[HttpUrl] = Field(default_factory=list)
    feeds: list[HttpUrl] = Field(default_factory=list)  # RSS or Atom (generic spider)
    sitemaps: list[HttpUrl] = Field(default_factory=list)  # sitemap.xml or sitemap index (generic spider)
    listings: list[Listing] = Field(default_factory=list)  # generic spider
    schedule: Schedule | None = None  # None: only when asked (coidesk crawl SOURCE)
    delay_s: float = Field(default=2.0, ge=0)  # between two requests to the same site
    kind: Literal["coi", "decision"] = "coi"
    doc_type: str | None = None
    max_pages: int = Field(default=10, ge=1, le=1000)  # listing pages followed per run
    language: str | None = None  # EUR-Lex language of the texts (FR, EN, ...)
    celex: list[str] = Field(default_factory=list)  # EUR-Lex: documents always fetched

    @field_validator("allowed_domains")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [d.strip().lower() for d in v if d.strip()]


class Source(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    acronym: str
    type: SourceType
    home: str
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO alpha-3 codes covered, "*" for all
    description: str | None = None  # mandate
    methodology: str | None = None  # how the publisher gathers and checks its information
    reviewed: str | None = None  # when the research desk last assessed this source (YYYY-MM-DD)
    crawl: CrawlSettings | None = None


def _parse(entries: list[dict]) -> list[Source]:
    return [Source.model_validate(s) for s in entries]


@lru_cache
def load_sources(reference_dir: Path, extra_file: Path | None = None) -> dict[str, Source]:
    sources = _parse(list(load_reference(reference_dir).sources))
    if extra_file is not None:  # later entries replace earlier ones
        sources += _parse(json.loads(extra_file.read_text(encoding="utf-8"))["sources"])
    return {s.id: s for s in sources}


def sources(settings: Settings | None = None) -> dict[str, Source]:
    settings = settings or get_settings()
    return load_sources(settings.reference_dir, settings.sources_file)


def source_name(source_id: str) -> str:
    s = sources().get(source_id)
    return s.name if s else source_id


def source_acronym(source_id: str) -> str:
    s = sources().get(source_id)
    return s.acronym if s else source_id


def source_type(source_id: str) -> str | None:
    s = sources().get(source_id)
    return s.type if s else None


def crawlable() -> dict[str, Source]:
    return {k: s for k, s in sources().items() if s.crawl is not None}
