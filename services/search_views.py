"""What the search API answers, as typed models (OpenAPI shows their shapes): a result page and a document.

``search_out`` turns the engine's ``SearchResult`` into ``SearchOut``; ``document_out`` a stored
``Document`` into ``DocumentOut`` (the stored fields of ``DocumentPublic`` plus what the reader needs: the
source's name and type, the EUAA citation, the page count, the enrichment).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel

from config.sources import source_name, source_type
from services.citation import citation
from services.search import Suggestion, encode_cursor
from store.index.query import SearchResult
from store.models import Document
from store.schemas import DocumentPublic

Mode = Literal["boolean", "all_words", "closest"]
Why = Literal["words", "meaning"]


class PassageOut(BaseModel):
    text: str  # the passage matched by meaning (HTML-escaped)
    page: int | None


class HitOut(BaseModel):
    id: str
    kind: str
    title: str
    source: str
    countries: list[str]
    published: dt.date | None
    language: str | None
    doc_type: str | None
    snippets: list[str]  # HTML-escaped, the words found in <mark>
    page: int | None  # the page of the first snippet, for paged originals
    score: float
    matched: list[Why]  # why it is here: by its words, by a passage's meaning, or both
    passage: PassageOut | None


class BucketOut(BaseModel):
    value: str
    count: int


class SuggestionOut(BaseModel):
    kind: Literal["without_filters", "closest", "with_expansion", "spelling"]
    total: int
    change: dict[str, str]  # the parameters to set ("" removes one)


class SearchOut(BaseModel):
    total: int
    hits: list[HitOut]
    facets: dict[str, list[BucketOut]]
    next_cursor: str | None  # pass it as ``cursor`` for the next page
    also_searched: list[str]  # thesaurus terms and aliases searched too (weighted lower)
    mode: Mode  # boolean (operators, one word) | all_words | closest (best-match, part of the words)
    all_words_total: int | None  # best-match: how many documents hold every word
    hybrid: bool  # fused from the words and the meaning
    suggestions: list[SuggestionOut] = []  # ways out of an empty result


def search_out(result: SearchResult, sort: str, suggestions: list[Suggestion] | None = None) -> SearchOut:
    return SearchOut(
        total=result.total,
        hits=[
            HitOut(
                id=h.id,
                kind=h.kind,
                title=h.title,
                source=h.source,
                countries=h.countries,
                published=h.published,
                language=h.language,
                doc_type=h.doc_type,
                snippets=h.snippets,
                page=h.page,
                score=round(h.score, 4),
                matched=list(h.matched) or ["words"],  # type: ignore[arg-type]
                passage=PassageOut(text=h.passage, page=h.passage_page) if h.passage else None,
            )
            for h in result.hits
        ],
        facets={
            name: [BucketOut(value=b.value, count=b.count) for b in buckets] for name, buckets in result.facets.items()
        },
        next_cursor=encode_cursor(result.next_cursor, sort),
        also_searched=list(result.also_searched),
        mode=result.mode,  # type: ignore[arg-type]
        all_words_total=result.all_words_total,
        hybrid=result.hybrid,
        suggestions=[SuggestionOut(**dataclasses.asdict(s)) for s in suggestions or []],
    )


class DocumentOut(DocumentPublic):
    source_type: str | None = None
    pages: int | None = None  # pages of the original, when it has pages
    enrichment: dict[str, Any] | None = None  # places, actors, dates, topics found (grouped, labelled)


def document_out(d: Document, locale: str, page: int | None = None) -> DocumentOut:
    added = d.added.date() if isinstance(d.added, dt.datetime) else d.added
    crawl = (d.extra or {}).get("crawl") or {}
    try:  # a crawled document was accessed when it was retrieved (the citation's "accessed" date)
        accessed = dt.date.fromisoformat(str(crawl.get("retrieved", ""))[:10])
    except ValueError:
        accessed = added
    precision = (d.extra or {}).get("published_precision") or "day"
    return DocumentOut(
        id=d.id,
        kind=d.kind,  # type: ignore[arg-type]
        title=d.title,
        text=d.text,
        language=d.language,
        countries=d.countries,
        source=d.source,
        source_name=source_name(d.source),
        source_type=source_type(d.source),
        doc_type=d.doc_type,
        published=d.published,
        added=d.added,
        event_dates=d.event_dates,
        url=d.url,
        sha256=d.sha256,
        version=d.version,
        court=d.court,
        decision_date=d.decision_date,
        file_number=d.file_number,
        ecli=d.ecli,
        outcome=d.outcome,
        headnote=d.headnote,
        keywords=d.keywords or [],
        citation=citation(d.source, d.title, d.published, d.url, accessed, locale, precision, page),
        retrieved=crawl.get("retrieved"),
        publisher=crawl.get("publisher"),
        pdf_url=crawl.get("pdf_url"),
        pages=len((d.extra or {}).get("page_starts") or []) or None,
    )
